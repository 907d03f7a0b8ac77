"""The peer process's own groups, as /proc/<pid>/status shows them (pure parsing; the live reading and the
admin decision are tested as root in tests/security/test_attacker_groups.py)."""

from __future__ import annotations

import os
import sys

import pytest

from risk_manager.control.peer import parse_proc_status, process_groups


def test_parse_proc_status_takes_uids_supplementary_and_primary_groups() -> None:
    text = "Name:\tx\nUid:\t1000\t1000\t1000\t1000\nGid:\t100\t100\t100\t100\nGroups:\t27 999 \n"
    assert parse_proc_status(text) == ({1000}, {27, 999, 100})
    assert parse_proc_status("Uid:\t1\t1\t1\t1\nGid:\t1\t1\t1\t1\nGroups:\t\n") == ({1}, {1})


def test_parse_proc_status_refuses_what_it_cannot_read() -> None:
    assert parse_proc_status("Name:\tx\n") is None
    assert parse_proc_status("Uid:\tx\nGid:\t1\nGroups:\t\n") is None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc is Linux's")
def test_process_groups_of_this_process_and_of_a_uid_it_is_not() -> None:
    me = os.getpid()
    assert process_groups(me, os.getuid()) == set(os.getgroups()) | {os.getgid()}
    assert process_groups(me, os.getuid() + 1) is None  # another uid's process says nothing about the peer
    assert process_groups(None, os.getuid()) is None
