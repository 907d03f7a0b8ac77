"""The Windows control pipe's pure parts: its name, its DACL, the token -> Peer mapping and the admin
decision, the pid-reuse test and the CLI's trust check (the Win32 calls themselves cannot run here)."""

from __future__ import annotations

import pytest

from risk_manager.control.peer import ADMINISTRATORS_SID, SYSTEM_SID, AdminPolicy, Peer
from risk_manager.control.windows_pipe import (
    CLIENT_ACCESS,
    CLIENT_FLAGS,
    FILE_APPEND_DATA,
    FILE_WRITE_DATA,
    SE_GROUP_ENABLED,
    SE_GROUP_USE_FOR_DENY_ONLY,
    SECURITY_IDENTIFICATION,
    SECURITY_SQOS_PRESENT,
    USERS_RIGHTS,
    WRITE_DAC,
    WRITE_OWNER,
    Ace,
    is_pipe_name,
    parse_dacl,
    peer_from_token,
    pid_reused,
    pipe_name,
    pipe_sddl,
    rights_of,
    untrusted_server,
)

ME = "S-1-5-21-9-9-9-1001"


def test_one_pipe_per_instance_name() -> None:
    assert pipe_name() == "\\\\.\\pipe\\RiskManager"
    assert pipe_name("acct2") == "\\\\.\\pipe\\RiskManager-acct2"
    assert is_pipe_name(pipe_name("x")) and is_pipe_name("//./pipe/RiskManager")
    assert not is_pipe_name("/run/risk-manager/control.sock")
    for bad in ("", "a b", "..\\x", "x/y", "-x"):
        with pytest.raises(ValueError):
            pipe_name(bad)


def test_system_and_administrators_full_users_talk_network_denied() -> None:
    sddl = pipe_sddl()
    assert sddl == "D:P(D;;GA;;;NU)(A;;GA;;;SY)(A;;GA;;;BA)(A;;0x12008b;;;AU)"
    aces = parse_dacl(sddl)
    assert aces[0] == Ace(False, "GA", "NU")  # deny first: nobody over the network
    assert {a.sid for a in aces if a.allow and a.rights == "GA"} == {"SY", "BA"}
    users = [a for a in aces if a.sid == "AU"]
    assert len(users) == 1 and users[0].allow
    mask = rights_of(users[0])
    assert mask == USERS_RIGHTS == 0x12008B
    assert mask & FILE_WRITE_DATA  # to send a request
    assert not mask & FILE_APPEND_DATA  # FILE_CREATE_PIPE_INSTANCE: a trader cannot stand in for the server
    assert not mask & (WRITE_DAC | WRITE_OWNER)
    assert sddl.startswith("D:P")  # protected: nothing inherited widens it


def test_a_foreground_daemon_keeps_the_right_to_add_its_own_instances() -> None:
    aces = parse_dacl(pipe_sddl(ME))
    assert Ace(True, "GA", ME) in aces and aces[0].allow is False
    assert pipe_sddl(SYSTEM_SID) == pipe_sddl()  # the service (SYSTEM) is covered by SY already


def test_the_client_asks_for_no_more_than_users_get_and_only_lets_the_server_identify_it() -> None:
    generic_read_as_file_rights = 0x120089
    wanted = generic_read_as_file_rights | (CLIENT_ACCESS & 0xFFFF)
    assert wanted & ~USERS_RIGHTS == 0
    assert CLIENT_FLAGS & SECURITY_SQOS_PRESENT and CLIENT_FLAGS & SECURITY_IDENTIFICATION


def test_token_groups_count_only_when_enabled_and_not_deny_only() -> None:
    peer = peer_from_token(ME, "PC\\ann", [("S-1-5-32-545", SE_GROUP_ENABLED | 0x3),
                                           (ADMINISTRATORS_SID, SE_GROUP_USE_FOR_DENY_ONLY),
                                           ("S-1-5-21-9-9-9-2000", 0)], 77)
    assert peer.groups == frozenset({"S-1-5-32-545"})
    assert (peer.uid, peer.gid, peer.pid, peer.sid) == (-1, -1, 77, ME)
    assert peer.key == f"sid:{ME}" and peer.describe() == f"PC\\ann ({ME}, pid 77)"
    assert Peer(1000, 1000, 5).key == "uid:1000"  # the Unix peers keep their uid key


def test_the_admin_decision_for_windows_peers() -> None:
    policy, custom = AdminPolicy(), AdminPolicy(admin_sid="S-1-5-21-9-9-9-3000")
    elevated = peer_from_token(ME, None, [(ADMINISTRATORS_SID, SE_GROUP_ENABLED)], 1)
    filtered = peer_from_token(ME, None, [(ADMINISTRATORS_SID, SE_GROUP_USE_FOR_DENY_ONLY)], 1)
    system = peer_from_token(SYSTEM_SID, None, [], 1)
    member = peer_from_token(ME, None, [("S-1-5-21-9-9-9-3000", SE_GROUP_ENABLED)], 1)
    assert policy.is_admin(elevated) and policy.is_admin(system)
    assert not policy.is_admin(filtered) and not policy.is_admin(member)
    assert custom.is_admin(member) and custom.is_admin(elevated)
    # a Windows peer never passes as root, whatever its (meaningless) uid field says
    assert not policy.is_admin(Peer(0, 0, 1, sid=ME))


def test_a_pid_reused_after_the_connection_names_someone_else() -> None:
    assert pid_reused(process_created=200, connection_seen=100)
    assert not pid_reused(process_created=100, connection_seen=100)
    assert not pid_reused(process_created=50, connection_seen=100)


def test_the_cli_trusts_only_system_or_its_own_user() -> None:
    name = pipe_name()
    trusted = {SYSTEM_SID, ME}
    assert untrusted_server(name, SYSTEM_SID, trusted) is None
    assert untrusted_server(name, ME, trusted) is None
    why = untrusted_server(name, "S-1-5-21-9-9-9-1002", trusted)
    assert why is not None and "S-1-5-21-9-9-9-1002" in why and "not sending the admin password" in why
    assert "cannot tell" in (untrusted_server(name, None, trusted) or "")
