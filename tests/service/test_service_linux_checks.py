"""Install-time warnings: a config the trader can edit, files the service user cannot reach."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path, PurePath, PurePosixPath

import pytest
from service_fakes import FakeMachine, RecordingRunner, linux_host

from risk_manager.service.linux_host import LinuxHost, access_warnings, secure_root_file, write_root_file

P = PurePosixPath


def stats(table: dict[str, tuple[int, int]]) -> Callable[[PurePath], os.stat_result]:
    """path -> (uid, mode); anything else is a root-owned 0755 directory."""
    def stat(path: PurePath) -> os.stat_result:
        uid, mode = table.get(str(path), (0, 0o40755))
        return os.stat_result((mode, 0, 0, 1, uid, 0, 0, 0, 0, 0))
    return stat


def host_with(table: dict[str, tuple[int, int]]) -> LinuxHost:
    host = linux_host(RecordingRunner(), FakeMachine())
    host.stat = stats(table)
    return host


def test_root_owned_readable_config_and_interpreter_give_no_warning() -> None:
    host = host_with({"/etc/risk-manager/rm.yaml": (0, 0o100644)})
    assert access_warnings(host, P("/etc/risk-manager/rm.yaml"), "/opt/rm/bin/python", "riskmgr") == []


def test_a_config_the_trader_owns_or_can_write_is_flagged() -> None:
    for uid, mode in ((1000, 0o100644), (0, 0o100664)):
        host = host_with({"/etc/rm.yaml": (uid, mode)})
        (warning,) = access_warnings(host, P("/etc/rm.yaml"), "/opt/rm/bin/python", "riskmgr")
        assert "non-root account" in warning and "changes the rules" in warning


def test_a_venv_under_root_home_is_flagged_as_unreachable() -> None:
    host = host_with({"/etc/rm.yaml": (0, 0o100644), "/root": (0, 0o40700)})
    (warning,) = access_warnings(host, P("/etc/rm.yaml"), "/root/rm/.venv/bin/python", "riskmgr")
    assert "riskmgr" in warning and "/root" in warning and "Python interpreter" in warning


def test_the_install_prints_the_warnings_but_goes_on() -> None:
    from risk_manager.service import linux
    from risk_manager.service.plan import InstallPlan

    runner, machine = RecordingRunner(), FakeMachine()
    host = linux_host(runner, machine)
    host.stat = stats({"/home/trader/rm.yaml": (1000, 0o100644)})
    linux.install(host, InstallPlan(P("/home/trader/rm.yaml"), P("/var/lib/risk-manager"),
                                    P("/var/lib/risk-manager/logs"), "/opt/rm/bin/python"))
    assert machine.lines[0].startswith("warning: /home/trader/rm.yaml can be changed by a non-root account")
    assert ["systemctl", "daemon-reload"] in runner.calls


needs_root = pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="chown to root")


@needs_root
def test_root_files_are_written_atomically_with_their_mode(tmp_path: Path) -> None:
    target = tmp_path / "etc" / "risk-manager" / "credentials.env"
    write_root_file(target, "# nothing yet\n", 0o600)
    st = target.stat()
    assert (stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid) == (0o600, 0, 0)
    assert target.read_text() == "# nothing yet\n"
    assert [p.name for p in target.parent.iterdir()] == ["credentials.env"]  # no temp file left behind


@needs_root
def test_securing_fixes_mode_and_owner(tmp_path: Path) -> None:
    target = tmp_path / "credentials.env"
    target.write_text("PROJECT_X_API_KEY=x\n")
    target.chmod(0o644)
    secure_root_file(target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
