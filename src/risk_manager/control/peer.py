"""Who is on the other end of a control connection, as the kernel says (never as the client says).

Linux: ``SO_PEERCRED`` gives the peer's pid, uid and gid at connect time. macOS: ``LOCAL_PEERCRED`` (an
``xucred``: uid and groups) and ``LOCAL_PEERPID``. Both sides use it: the daemon to know who asks, the CLI
to know who answers before it sends a password. Windows: the named-pipe client's token gives a user SID and
its enabled groups (control/windows_pipe.py builds that Peer; uid and gid are -1 there).
"""

from __future__ import annotations

import os
import socket
import struct
import sys
from dataclasses import dataclass

_SO_PEERCRED = getattr(socket, "SO_PEERCRED", 17)  # Linux
_SOL_LOCAL, _LOCAL_PEERCRED, _LOCAL_PEERPID = 0, 0x001, 0x002  # macOS <sys/un.h>
_XUCRED = struct.Struct("=IIh16I")  # cr_version, cr_uid, cr_ngroups (+ padding), cr_groups[16]
SYSTEM_SID, ADMINISTRATORS_SID = "S-1-5-18", "S-1-5-32-544"  # well-known, locale-proof


class NoPeerCredentials(OSError):
    """The socket is not a local (Unix domain) socket, or the platform does not say who the peer is."""


@dataclass(frozen=True, slots=True)
class Peer:
    uid: int
    gid: int
    pid: int | None
    sid: str | None = None  # Windows: the token's user SID ("S-1-5-21-...")
    account: str | None = None  # Windows: DOMAIN\\user, for the audit only
    groups: frozenset[str] = frozenset()  # Windows: the token's enabled group SIDs (deny-only ones left out)

    @property
    def key(self) -> str:
        """What every rate limit and connection cap is keyed by: the peer's uid (Windows: its SID)."""
        return f"sid:{self.sid}" if self.sid is not None else f"uid:{self.uid}"

    def describe(self) -> str:
        """For the audit trail: ``root (uid 0, pid 1234)``; ``PC\\ann (S-1-5-21-..., pid 1234)``."""
        pid = f", pid {self.pid}" if self.pid else ""
        if self.sid is not None:
            return f"{self.account or '?'} ({self.sid}{pid})"
        return f"{user_name(self.uid)} (uid {self.uid}{pid})"


def parse_peercred(raw: bytes) -> Peer:
    """Linux ``struct ucred`` {pid_t pid; uid_t uid; gid_t gid}."""
    pid, uid, gid = struct.unpack("=iII", raw[:12])
    return Peer(uid, gid, pid or None)


def parse_xucred(raw: bytes, pid: int | None) -> Peer:
    """macOS ``struct xucred``: the first group is the effective gid."""
    padded = raw.ljust(_XUCRED.size, b"\0")[:_XUCRED.size]
    _version, uid, ngroups, *groups = _XUCRED.unpack(padded)
    return Peer(uid, groups[0] if ngroups > 0 else -1, pid)


def peer_of(sock: socket.socket) -> Peer:
    """The kernel's word on the connected peer of a Unix domain socket."""
    if sock.family != socket.AF_UNIX:
        raise NoPeerCredentials("not a Unix domain socket: the peer's identity is unknown")
    try:
        if sys.platform.startswith("linux"):
            return parse_peercred(sock.getsockopt(socket.SOL_SOCKET, _SO_PEERCRED, 12))
        if sys.platform == "darwin":
            raw = sock.getsockopt(_SOL_LOCAL, _LOCAL_PEERCRED, _XUCRED.size)
            pid = struct.unpack("=i", sock.getsockopt(_SOL_LOCAL, _LOCAL_PEERPID, 4))[0]
            return parse_xucred(raw, pid or None)
    except OSError as e:
        raise NoPeerCredentials(f"cannot read the peer's credentials: {e}") from None
    raise NoPeerCredentials(f"peer credentials are not supported on {sys.platform}")


def user_name(uid: int) -> str:
    import pwd

    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid{uid}"


def group_id(name: str) -> int:
    """The gid of a group name (or a numeric gid as text); KeyError if there is no such group."""
    import grp

    if name.isdigit():
        return int(name)
    return grp.getgrnam(name).gr_gid


def in_group(peer: Peer, gid: int) -> bool:
    """Is the peer a member of group ``gid``? Its primary gid at connect time (the kernel's word) suffices.
    Otherwise BOTH must say so: the account database (the group's member list or the user's group list,
    which only root can change: removing a user takes effect at once, even for a session that still holds
    the group) AND, where the kernel shows it, the peer process's own supplementary groups
    (``/proc/<pid>/status``, read at connect time: a process that dropped the group is not an admin).
    When that process cannot be seen (gone, ``hidepid``, another system) the database decides alone."""
    if peer.gid == gid:
        return True
    if not _listed_member(peer, gid):
        return False
    held = process_groups(peer.pid, peer.uid)
    return held is None or gid in held


def _listed_member(peer: Peer, gid: int) -> bool:
    import grp
    import pwd

    try:
        name = pwd.getpwuid(peer.uid).pw_name
    except KeyError:
        return False
    try:
        if name in grp.getgrgid(gid).gr_mem:
            return True
    except KeyError:
        return False
    try:
        return gid in os.getgrouplist(name, peer.gid)
    except OSError:
        return False


def parse_proc_status(text: str) -> tuple[set[int], set[int]] | None:
    """(uids, groups) from the text of ``/proc/<pid>/status``: ``Uid:`` (real, effective, saved, fs) and
    ``Groups:`` (supplementary) plus ``Gid:`` (the same four for the primary group). None if malformed."""
    fields: dict[str, list[int]] = {}
    try:
        for line in text.splitlines():
            key, _, value = line.partition(":")
            if key in ("Uid", "Gid", "Groups"):
                fields[key] = [int(v) for v in value.split()]
    except ValueError:
        return None
    if "Uid" not in fields or "Gid" not in fields or "Groups" not in fields:
        return None
    return set(fields["Uid"]), set(fields["Groups"]) | set(fields["Gid"])


def process_groups(pid: int | None, uid: int) -> set[int] | None:
    """The groups process ``pid`` holds now, if it is visible and still runs as ``uid`` only (a pid
    reused by another user's process tells nothing about the peer); None when unknown."""
    if pid is None or not sys.platform.startswith("linux"):
        return None
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as f:
            parsed = parse_proc_status(f.read())
    except OSError:
        return None
    if parsed is None or parsed[0] != {uid}:
        return None
    return parsed[1]


@dataclass(frozen=True, slots=True)
class AdminPolicy:
    """Who may call mutating routes (with the password): root, and members of ``admin_gid`` if set.
    Windows peers: SYSTEM, an enabled Administrators group (an elevated token: UAC's filtered token holds
    it for deny only), or an enabled ``admin_sid`` group."""

    admin_gid: int | None = None
    admin_sid: str | None = None

    def is_admin(self, peer: Peer) -> bool:
        if peer.sid is not None:
            wanted = {ADMINISTRATORS_SID} | ({self.admin_sid} if self.admin_sid else set())
            return peer.sid == SYSTEM_SID or not wanted.isdisjoint(peer.groups)
        return peer.uid == 0 or (self.admin_gid is not None and in_group(peer, self.admin_gid))

    def describe(self) -> str:
        if sys.platform == "win32":
            extra = f" or members of {self.admin_sid}" if self.admin_sid else ""
            return f"SYSTEM or an elevated Administrator{extra}"
        return "root" if self.admin_gid is None else f"root or members of group {self.admin_gid}"
