"""The Windows control endpoint's access control, as pure data (SPEC §11): two named pipes, each created
with an explicit, protected security descriptor.

- ``\\\\.\\pipe\\RiskManager-admin``: SYSTEM and Administrators only (full control). Mutating routes are
  served here only, and still need the password.
- ``\\\\.\\pipe\\RiskManager``: the read endpoint. Users may connect, read and write *data* (to send a
  GET), but never create another instance of the pipe (FILE_CREATE_PIPE_INSTANCE = FILE_APPEND_DATA), so
  nobody can stand in for the server; the server answers read routes only on it.
- Network logons are denied on both (pipes are otherwise reachable over SMB).
- The server creates the first instance with FILE_FLAG_FIRST_PIPE_INSTANCE: if anyone pre-created the
  name, creation fails and the daemon refuses to start (exit 6). Clients open with ``CLIENT_ACCESS`` and
  check the server's identity (GetNamedPipeServerProcessId -> its token must be SYSTEM) before sending a
  password.

This module only builds and checks the descriptors; it is unit-tested here but NOT run: the daemon does not
serve the pipes yet (this machine cannot run Windows), see the README's security section.
"""

from __future__ import annotations

from dataclasses import dataclass

READ_PIPE = r"\\.\pipe\RiskManager"
ADMIN_PIPE = r"\\.\pipe\RiskManager-admin"

# winnt.h access rights
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
FILE_FLAG_FIRST_PIPE_INSTANCE = 0x00080000
GENERIC_READ = 0x80000000

USERS_ON_READ_PIPE = FILE_GENERIC_READ | FILE_WRITE_DATA  # 0x0012008B: talk, never create an instance
CLIENT_ACCESS = GENERIC_READ | FILE_WRITE_DATA  # what a client asks for when it opens a pipe

SYSTEM, ADMINISTRATORS, USERS, NETWORK = "SY", "BA", "BU", "NU"


@dataclass(frozen=True, slots=True)
class Ace:
    allow: bool
    rights: str  # "GA" (generic all) or a hex mask "0x12008b"
    sid: str

    def sddl(self) -> str:
        return f"({'A' if self.allow else 'D'};;{self.rights};;;{self.sid})"


def pipe_aces(read_endpoint: bool) -> list[Ace]:
    aces = [Ace(False, "GA", NETWORK), Ace(True, "GA", SYSTEM), Ace(True, "GA", ADMINISTRATORS)]
    if read_endpoint:
        aces.append(Ace(True, f"{USERS_ON_READ_PIPE:#x}", USERS))
    return aces


def pipe_sddl(read_endpoint: bool) -> str:
    """Owner and group SYSTEM; a protected DACL (``P``: nothing inherited); deny ACEs first."""
    return "O:SYG:SYD:P" + "".join(a.sddl() for a in pipe_aces(read_endpoint))


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
