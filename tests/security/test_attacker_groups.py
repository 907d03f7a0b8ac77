"""The admin group through SUPPLEMENTARY groups (SO_PEERCRED carries the primary gid only).

A throw-away group and user are created for the test (groupadd/useradd) and removed afterwards. The peer
is a forked child that drops to that user with a chosen set of supplementary groups. Membership needs
both the account database and the process's own groups (/proc/<pid>/status, control/peer.py in_group):
- listed in the database AND holding the group: admitted (with the password);
- listed but the process dropped the group: refused;
- holding the group but not (or no longer) listed, e.g. removed while a session still runs: refused.
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from attacker import TRADER, as_user, needs_root, no_fork_warning, request

from risk_manager.control.password import set_password
from risk_manager.control.peer import AdminPolicy, Peer, in_group, process_groups
from risk_manager.control.server import ControlServer
from support.control_server import FakeBackend, server_thread

pytestmark = [needs_root, no_fork_warning]
PASSWORD = "correct horse battery"


@dataclass(frozen=True)
class Account:
    uid: int
    gid: int  # the user's own primary group
    admin_gid: int  # the throw-away admin group, a supplementary group of the user


def _run(*argv: str) -> None:
    subprocess.run(argv, check=True, capture_output=True, timeout=30)


@pytest.fixture
def account() -> Iterator[Account]:
    if not (shutil.which("groupadd") and shutil.which("useradd")):
        pytest.skip("SUPPLEMENTARY-GROUP TEST SKIPPED: groupadd/useradd are not installed")
    tag = uuid.uuid4().hex[:8]
    group, user = f"rmadm{tag}", f"rmusr{tag}"
    _run("groupadd", "--system", group)
    try:
        _run("useradd", "--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin",
             "--groups", group, user)
        try:
            pw = pwd.getpwnam(user)
            yield Account(pw.pw_uid, pw.pw_gid, grp.getgrnam(group).gr_gid)
        finally:
            _run("userdel", user)
    finally:
        subprocess.run(["groupdel", group], capture_output=True, timeout=30)  # userdel may have removed it


def serve(backend: FakeBackend, shared: Path, admin_gid: int) -> Iterator[ControlServer]:
    data = shared / "data"
    data.mkdir(mode=0o750, exist_ok=True)
    return server_thread(backend, set_password(data, PASSWORD), sock=shared / "control.sock",  # type: ignore[arg-type]
                         policy=AdminPolicy(admin_gid))


def test_a_supplementary_admin_group_counts_only_when_listed_and_held(account: Account,
                                                                      shared: Path) -> None:
    backend = FakeBackend()
    reload = ("POST", "/v1/admin/reload", {"password": PASSWORD})
    with serve(backend, shared, account.admin_gid) as server:
        sock = server.endpoint
        listed_and_held = as_user(request, sock, *reload, uid=account.uid, gid=account.gid,
                                  groups=(account.gid, account.admin_gid))
        listed_not_held = as_user(request, sock, *reload, uid=account.uid, gid=account.gid,
                                  groups=(account.gid,))
        held_not_listed = as_user(request, sock, *reload, uid=TRADER, gid=TRADER,
                                  groups=(account.admin_gid,))
    assert listed_and_held[0] == 200 and listed_and_held[1]["applied"] is True
    assert listed_not_held[0] == 403, listed_not_held
    assert held_not_listed[0] == 403, held_not_listed
    assert backend.reloads == 1
    refused = [a for a in backend.audits if not a[2]]
    assert len(refused) == 2 and all("admin commands need" in a[3] for a in refused), backend.audits


def test_process_groups_reads_the_kernels_view_of_a_live_process(account: Account) -> None:
    me = os.getpid()
    assert process_groups(me, os.getuid()) == set(os.getgroups()) | {os.getgid()}
    assert process_groups(me, account.uid) is None  # not that user's process: says nothing
    assert process_groups(None, 0) is None
    # this test process (root) holds no admin group; the database does not list root in it either
    assert not in_group(Peer(os.getuid(), os.getgid(), me), account.admin_gid)

