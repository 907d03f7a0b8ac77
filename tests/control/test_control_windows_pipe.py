"""The Windows named pipes' security descriptors (pure; the pipes themselves cannot run here)."""

from __future__ import annotations

from risk_manager.control.windows_pipe import (
    CLIENT_ACCESS,
    FILE_APPEND_DATA,
    FILE_WRITE_DATA,
    USERS_ON_READ_PIPE,
    WRITE_DAC,
    WRITE_OWNER,
    Ace,
    parse_dacl,
    pipe_sddl,
    rights_of,
)


def test_the_admin_pipe_is_system_and_administrators_only() -> None:
    sddl = pipe_sddl(read_endpoint=False)
    assert sddl == "O:SYG:SYD:P(D;;GA;;;NU)(A;;GA;;;SY)(A;;GA;;;BA)"
    assert {a.sid for a in parse_dacl(sddl) if a.allow} == {"SY", "BA"}


def test_users_may_talk_to_the_read_pipe_but_never_own_or_multiply_it() -> None:
    aces = parse_dacl(pipe_sddl(read_endpoint=True))
    assert aces[0] == Ace(False, "GA", "NU")  # deny first: no access over the network, for anyone
    users = [a for a in aces if a.sid == "BU"]
    assert len(users) == 1 and users[0].allow
    mask = rights_of(users[0])
    assert mask == USERS_ON_READ_PIPE == 0x12008B
    assert mask & FILE_WRITE_DATA  # to send a request
    assert not mask & FILE_APPEND_DATA  # FILE_CREATE_PIPE_INSTANCE: nobody may stand in for the server
    assert not mask & (WRITE_DAC | WRITE_OWNER)
    assert pipe_sddl(True).startswith("O:SYG:SYD:P")  # protected: nothing inherited widens it


def test_a_client_asks_for_no_more_than_users_are_given() -> None:
    generic_read_as_file_rights = 0x120089
    wanted = generic_read_as_file_rights | (CLIENT_ACCESS & 0xFFFF)
    assert wanted & ~USERS_ON_READ_PIPE == 0
