"""Linux install/uninstall/start/stop/status: the exact command sequence, with a recording runner."""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath

import pytest
from service_fakes import FakeMachine, RecordingRunner, linux_host, write_config
from typer.testing import CliRunner

from risk_manager.cli import service_cmd
from risk_manager.service import linux
from risk_manager.service.linux import ENV_FILE, UNIT_PATH
from risk_manager.service.plan import InstallPlan, load_plan
from risk_manager.service.record import RECORD_PATH
from risk_manager.service.runner import CommandResult, ServiceError
from risk_manager.service.systemd_unit import UNIT_NAME

P = PurePosixPath
NO_USER: dict[tuple[str, ...], CommandResult | list[CommandResult]] = {("getent", "passwd"): CommandResult(2)}


def plan(data: str = "/var/lib/risk-manager", secrets: bool = False) -> InstallPlan:
    return InstallPlan(P("/etc/risk-manager/risk_manager.yaml"), P(data), P(data) / "logs",
                       "/opt/rm/.venv/bin/python", secrets)


def test_install_refuses_without_root_and_touches_nothing() -> None:
    runner, machine = RecordingRunner(), FakeMachine()
    with pytest.raises(ServiceError) as e:
        linux.install(linux_host(runner, machine, euid=1000), plan())
    assert e.value.exit_code == 1 and "needs root" in str(e.value) and "sudo" in str(e.value)
    assert runner.calls == [] and machine.written == {} and machine.secured == []


def test_cli_install_without_root_exits_1_with_a_clear_message(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    runner, machine = RecordingRunner(), FakeMachine()
    monkeypatch.setattr(service_cmd, "make_host", lambda: linux_host(runner, machine, euid=1000))
    result = CliRunner().invoke(service_cmd.service_app, ["install", "--config", str(write_config(tmp_path))])
    assert result.exit_code == 1
    assert "needs root" in result.output
    assert runner.calls == [] and machine.written == {}


def test_fresh_install_creates_user_writes_unit_and_enables_now() -> None:
    runner, machine = RecordingRunner(NO_USER), FakeMachine()
    machine.existing.add(ENV_FILE)  # credentials already in place
    linux.install(linux_host(runner, machine), plan())
    assert runner.calls == [
        ["getent", "passwd", "riskmgr"],
        ["useradd", "--system", "--user-group", "--no-create-home", "--home-dir", "/var/lib/risk-manager",
         "--shell", "/usr/sbin/nologin", "riskmgr"],
        ["systemctl", "daemon-reload"],
        ["systemctl", "enable", "--now", UNIT_NAME],
    ]
    text, mode = machine.written[UNIT_PATH]
    assert mode == 0o644 and "User=riskmgr" in text and "/etc/risk-manager/risk_manager.yaml" in text
    assert machine.secured == [ENV_FILE]  # owner/mode fixed, content never read nor rewritten
    assert ENV_FILE not in machine.written
    record, mode = machine.written[RECORD_PATH]  # where admin/trader commands find the service
    assert mode == 0o644 and json.loads(record) == {
        "data_dir": "/var/lib/risk-manager", "socket": "/run/risk-manager/control.sock", "user": "riskmgr",
        "config": "/etc/risk-manager/risk_manager.yaml"}


def test_first_install_creates_an_empty_credentials_file_and_does_not_start() -> None:
    runner, machine = RecordingRunner(), FakeMachine()
    linux.install(linux_host(runner, machine), plan())
    text, mode = machine.written[ENV_FILE]
    assert mode == 0o600
    assert all(line.startswith("#") for line in text.splitlines())  # comments only, no value
    assert runner.calls[-1] == ["systemctl", "enable", UNIT_NAME]
    assert ["systemctl", "enable", "--now", UNIT_NAME] not in runner.calls
    assert "PROJECT_X_API_KEY" in machine.output and "service start" in machine.output


def test_a_config_with_its_own_secrets_file_starts_at_once() -> None:
    runner, machine = RecordingRunner(), FakeMachine()
    linux.install(linux_host(runner, machine), plan(secrets=True))
    assert runner.calls[-1] == ["systemctl", "enable", "--now", UNIT_NAME]


def test_reinstall_restarts_so_the_new_command_line_applies() -> None:
    runner, machine = RecordingRunner(), FakeMachine()
    machine.existing |= {ENV_FILE, UNIT_PATH}
    linux.install(linux_host(runner, machine), plan())
    assert runner.calls[0] == ["getent", "passwd", "riskmgr"]  # user exists: no useradd
    assert runner.calls[1:] == [["systemctl", "daemon-reload"], ["systemctl", "enable", UNIT_NAME],
                                ["systemctl", "restart", UNIT_NAME]]


def test_a_custom_data_dir_is_created_and_handed_to_the_service_user() -> None:
    runner, machine = RecordingRunner(), FakeMachine()
    machine.existing.add(ENV_FILE)
    linux.install(linux_host(runner, machine, euid=0), plan("/srv/risk manager"), user="rm-svc")
    made = ["install", "-d", "-m", "0750", "-o", "rm-svc", "-g", "rm-svc", "/srv/risk manager"]
    assert made in runner.calls
    assert ["chown", "-R", "rm-svc:rm-svc", "/srv/risk manager"] in runner.calls
    assert 'ReadWritePaths="/srv/risk manager"' in machine.written[UNIT_PATH][0]


@pytest.mark.parametrize("data", ["/srv", "/home", "/"])
def test_refuses_to_hand_a_system_directory_to_the_service_user(data: str) -> None:
    runner, machine = RecordingRunner(), FakeMachine()
    with pytest.raises(ServiceError, match="refusing"):
        linux.install(linux_host(runner, machine), plan(data))
    assert runner.calls == [] and machine.written == {}


def test_refuses_without_systemd_and_rejects_a_bad_user_name() -> None:
    runner, machine = RecordingRunner(), FakeMachine(existing=set())
    with pytest.raises(ServiceError, match="systemd is not running"):
        linux.install(linux_host(runner, machine), plan())
    with pytest.raises(ServiceError, match="invalid service user"):
        linux.install(linux_host(runner, FakeMachine()), plan(), user="root")
    assert runner.calls == []


def test_a_failed_start_says_where_to_look() -> None:
    runner = RecordingRunner({("systemctl", "enable", "--now"): CommandResult(1, "", "Job failed.")})
    machine = FakeMachine()
    machine.existing.add(ENV_FILE)
    with pytest.raises(ServiceError, match=r"journalctl -u risk-manager\.service") as e:
        linux.install(linux_host(runner, machine), plan())
    assert "Job failed." in str(e.value)


def test_invalid_config_is_refused_with_exit_2_before_anything(tmp_path: Path) -> None:
    with pytest.raises(ServiceError) as e:
        load_plan(write_config(tmp_path, "accounts: []\nbogus: 1\n"), None, P("/var/lib/risk-manager"))
    assert e.value.exit_code == 2 and "nothing was installed" in str(e.value)


def test_plan_uses_absolute_paths_and_the_current_interpreter(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_config(tmp_path)
    p = load_plan(Path("risk_manager.yaml"), Path("data"), P("/var/lib/risk-manager"), python="/x/python")
    assert p.config == tmp_path / "risk_manager.yaml" and p.data_dir == tmp_path / "data"
    assert p.argv == ("/x/python", "-m", "risk_manager.cli.main", "run", "--config",
                      str(tmp_path / "risk_manager.yaml"), "--data-dir", str(tmp_path / "data"))


def test_uninstall_stops_disables_removes_and_keeps_the_data() -> None:
    runner, machine = RecordingRunner(), FakeMachine()
    machine.existing |= {UNIT_PATH, RECORD_PATH}
    linux.uninstall(linux_host(runner, machine))
    assert runner.calls == [["systemctl", "disable", "--now", UNIT_NAME], ["systemctl", "daemon-reload"],
                            ["systemctl", "reset-failed", UNIT_NAME]]
    assert machine.removed == [UNIT_PATH, RECORD_PATH]
    assert "kept the journal" in machine.output


@pytest.mark.parametrize("action", ["start", "stop", "restart"])
def test_start_stop_restart_wrap_systemctl_and_need_root(action: str) -> None:
    runner = RecordingRunner()
    linux.control(linux_host(runner, FakeMachine()), action)
    assert runner.calls == [["systemctl", action, UNIT_NAME]]
    with pytest.raises(ServiceError, match="needs root"):
        linux.control(linux_host(runner, FakeMachine(), euid=1000), action)
    assert len(runner.calls) == 1


def test_status_needs_no_root_and_passes_systemctl_exit_code_through() -> None:
    runner = RecordingRunner({("systemctl", "status"): CommandResult(3, "○ risk-manager.service inactive")})
    machine = FakeMachine()
    assert linux.status(linux_host(runner, machine, euid=1000)) == 3
    assert runner.calls == [["systemctl", "status", "--no-pager", "--lines=20", UNIT_NAME]]
    assert "inactive" in machine.output
