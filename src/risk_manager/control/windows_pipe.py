"""The Windows control endpoint as pure data and decisions (SPEC §11); the Win32 calls are in win32_pipe.py.

One named pipe per service instance, ``\\\\.\\pipe\\RiskManager`` (``RiskManager-NAME`` for a named one),
created with an explicit, protected DACL:

- SYSTEM and Administrators: full control;
- Authenticated Users: read and write *data* (to send a request and read the answer) but never
  FILE_CREATE_PIPE_INSTANCE (= FILE_APPEND_DATA), so a trader cannot add a pipe instance of their own
  under the service's name and answer the admin's CLI;
- network logons: denied (pipes are otherwise reachable over SMB; the pipe also rejects remote clients).

The server creates its first instance with FILE_FLAG_FIRST_PIPE_INSTANCE: if anyone already holds the
name, creation fails and the daemon refuses to start (exit 6). Who is on the other end is the client
token's word (user SID, enabled groups), mapped to the same :class:`~risk_manager.control.peer.Peer` and
admin decision the Unix socket uses. The CLI opens the pipe at identification level (a fake server cannot
impersonate the admin) and checks that the server process runs as SYSTEM (or as the CLI's own user, for a
foreground daemon) before it sends a password.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from risk_manager.control.peer import SYSTEM_SID, Peer

PIPE_PREFIX = "\\\\.\\pipe\\"
BASE_NAME = "RiskManager"
_INSTANCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")

# winnt.h / winbase.h
FILE_READ_DATA = 0x0001
FILE_WRITE_DATA = 0x0002
FILE_APPEND_DATA = 0x0004  # on a pipe: FILE_CREATE_PIPE_INSTANCE
FILE_READ_EA = 0x0008
FILE_READ_ATTRIBUTES = 0x0080
FILE_WRITE_ATTRIBUTES = 0x0100
READ_CONTROL = 0x00020000
WRITE_DAC = 0x00040000
WRITE_OWNER = 0x00080000
SYNCHRONIZE = 0x00100000
FILE_GENERIC_READ = READ_CONTROL | FILE_READ_DATA | FILE_READ_ATTRIBUTES | FILE_READ_EA | SYNCHRONIZE
GENERIC_READ = 0x80000000
FILE_FLAG_FIRST_PIPE_INSTANCE = 0x00080000
FILE_FLAG_OVERLAPPED = 0x40000000
PIPE_ACCESS_DUPLEX = 0x00000003
PIPE_REJECT_REMOTE_CLIENTS = 0x00000008
SECURITY_SQOS_PRESENT = 0x00100000
SECURITY_IDENTIFICATION = 0x00010000  # SecurityIdentification << 16: the server may query, not act as us
SE_GROUP_ENABLED, SE_GROUP_USE_FOR_DENY_ONLY = 0x00000004, 0x00000010

USERS_RIGHTS = FILE_GENERIC_READ | FILE_WRITE_DATA  # 0x0012008B: talk, never create an instance
CLIENT_ACCESS = GENERIC_READ | FILE_WRITE_DATA  # what a client asks for when it opens the pipe
CLIENT_FLAGS = FILE_FLAG_OVERLAPPED | SECURITY_SQOS_PRESENT | SECURITY_IDENTIFICATION
SERVER_OPEN_MODE = PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED

SYSTEM, ADMINISTRATORS, AUTHENTICATED_USERS, NETWORK = "SY", "BA", "AU", "NU"


def pipe_name(instance: str | None = None) -> str:
    """``\\\\.\\pipe\\RiskManager`` or ``\\\\.\\pipe\\RiskManager-NAME`` (ValueError for a bad name)."""
    if instance is None:
        return PIPE_PREFIX + BASE_NAME
    if not _INSTANCE.match(instance):
        raise ValueError(f"invalid instance name {instance!r} (letters, digits, '_', '.', '-')")
    return f"{PIPE_PREFIX}{BASE_NAME}-{instance}"


def is_pipe_name(endpoint: str) -> bool:
    return endpoint.replace("/", "\\").lower().startswith(PIPE_PREFIX)


@dataclass(frozen=True, slots=True)
class Ace:
    allow: bool
    rights: str  # "GA" (generic all) or a hex mask "0x12008b"
    sid: str

    def sddl(self) -> str:
        return f"({'A' if self.allow else 'D'};;{self.rights};;;{self.sid})"


def pipe_aces(server_sid: str | None = None) -> list[Ace]:
    """Deny network first; SYSTEM and Administrators full; Authenticated Users talk only. ``server_sid``:
    the daemon's own user when it is neither (a foreground run), which must create further instances."""
    aces = [Ace(False, "GA", NETWORK), Ace(True, "GA", SYSTEM), Ace(True, "GA", ADMINISTRATORS)]
    if server_sid is not None and server_sid != SYSTEM_SID:
        aces.append(Ace(True, "GA", server_sid))
    aces.append(Ace(True, f"{USERS_RIGHTS:#x}", AUTHENTICATED_USERS))
    return aces


def pipe_sddl(server_sid: str | None = None) -> str:
    """A protected DACL (``P``: nothing inherited widens it); the owner is left to the creating token
    (setting another owner needs a privilege a foreground daemon lacks)."""
    return "D:P" + "".join(a.sddl() for a in pipe_aces(server_sid))


def parse_dacl(sddl: str) -> list[Ace]:
    """The ACEs of an SDDL string of the shape :func:`pipe_sddl` writes (for checks and tests)."""
    _, _, dacl = sddl.partition("D:")
    aces = []
    for part in dacl.lstrip("P").strip("()").split(")("):
        kind, _flags, rights, _obj, _inherit, sid = part.split(";")
        aces.append(Ace(kind == "A", rights, sid))
    return aces


def rights_of(ace: Ace) -> int:
    """The numeric mask of an ACE (``GA`` = everything)."""
    return 0x1F01FF if ace.rights == "GA" else int(ace.rights, 16)


def peer_from_token(user_sid: str, account: str | None, groups: Iterable[tuple[str, int]],
                    pid: int | None) -> Peer:
    """The Peer of a pipe client from its token: the user SID and the groups that are enabled and not
    deny-only (a non-elevated administrator's Administrators group is deny-only: not an admin)."""
    enabled = frozenset(sid for sid, attrs in groups
                        if attrs & SE_GROUP_ENABLED and not attrs & SE_GROUP_USE_FOR_DENY_ONLY)
    return Peer(-1, -1, pid, sid=user_sid, account=account, groups=enabled)


def pid_reused(process_created: int, connection_seen: int) -> bool:
    """The process now holding the client's pid was created after its connection was seen (FILETIMEs):
    the client has gone and its pid names someone else, whose token says nothing about the client."""
    return process_created > connection_seen


def untrusted_server(name: str, server: str | None, trusted: Collection[str]) -> str | None:
    """Why the CLI must not send a password to ``name`` served by a process running as SID ``server``
    (None: it may)."""
    if server is None:
        return f"cannot tell who serves {name}: not sending the admin password"
    if server not in trusted:
        return (f"{name} is served by a process running as {server}, not by the risk manager's service: "
                "not sending the admin password")
    return None
