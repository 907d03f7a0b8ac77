"""Several service instances, one per login (issue 11): `service install --name NAME` and the commands
that find that instance again. Linux: the template unit risk-manager@.service plus a drop-in per instance;
Windows: a service RiskManager-NAME. Recorded command runner, in-memory files."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest
from service_fakes import FakeMachine, RecordingRunner, linux_host, win_host, write_config
from typer.testing import CliRunner

from risk_manager.cli import service_cmd
from risk_manager.cli.main import app
from risk_manager.service import linux, windows
from risk_manager.service.instance import Instance, from_service_name
from risk_manager.service.plan import InstallPlan
from risk_manager.service.runner import CommandResult, ServiceError

P = PurePosixPath
ACCT = Instance("acct2")
TEMPLATE = P("/etc/systemd/system/risk-manager@.service")
DROPIN = P("/etc/systemd/system/risk-manager@acct2.service.d/instance.conf")


def plan(name: str = "acct2") -> InstallPlan:
    data = Instance(name).state_dir
    return InstallPlan(P(f"/etc/risk-manager/{name}/risk_manager.yaml"), data, data / "logs",
                       "/opt/rm/.venv/bin/python")


def test_each_instance_has_its_own_paths_and_the_unnamed_one_keeps_its_own() -> None:
    assert (ACCT.unit, ACCT.unit_file, ACCT.dropin) == ("risk-manager@acct2.service", TEMPLATE, DROPIN)
    assert (ACCT.state_dir, ACCT.logs_dir, ACCT.socket) == (
        P("/var/lib/risk-manager/acct2"), P("/var/log/risk-manager/acct2"),
        P("/run/risk-manager/acct2/control.sock"))
    assert (ACCT.env_file, ACCT.record_path) == (P("/etc/risk-manager/acct2/credentials.env"),
                                                 P("/etc/risk-manager/acct2/service.json"))
    assert ACCT.service_name == "RiskManager-acct2" and ACCT.display_name == "Risk Manager (acct2)"
    assert ACCT.program_data({"PROGRAMDATA": r"D:\PD"}) == PureWindowsPath(r"D:\PD\RiskManager-acct2")
    plain = Instance()
    assert (plain.unit, plain.unit_file, plain.dropin) == (
        "risk-manager.service", P("/etc/systemd/system/risk-manager.service"), None)
    assert (plain.state_dir, plain.socket, plain.record_path, plain.service_name) == (
        linux.DEFAULT_DATA_DIR, P("/run/risk-manager/control.sock"), P("/etc/risk-manager/service.json"),
        "RiskManager")
    assert from_service_name("RiskManager-acct2") == ACCT and from_service_name("RiskManager") == plain
    with pytest.raises(ValueError):
        from_service_name("Spooler")


@pytest.mark.parametrize("bad", ["", "../x", "a/b", "a b", "-x", "x" * 33, "a%i", "é"])
def test_a_name_that_could_escape_its_directories_is_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        Instance(bad)


def test_install_writes_the_shared_template_and_this_instances_drop_in_and_record() -> None:
    runner, machine = RecordingRunner(), FakeMachine()
    machine.existing.add(ACCT.env_file)
    linux.install(linux_host(runner, machine), plan(), inst=ACCT)
    template, mode = machine.written[TEMPLATE]
    assert mode == 0o644 and "ExecStart" not in template and "User=" not in template
    for key in ("StateDirectory", "LogsDirectory", "RuntimeDirectory"):
        assert f"{key}=risk-manager/%i\n" in template
    dropin, _ = machine.written[DROPIN]
    assert dropin.startswith("#") and "[Service]\nUser=riskmgr\nGroup=riskmgr\n" in dropin
    assert '"/etc/risk-manager/acct2/risk_manager.yaml"' in dropin
    assert '"/var/lib/risk-manager/acct2"' in dropin
    assert "EnvironmentFile=/etc/risk-manager/acct2/credentials.env\n" in dropin
    record, _ = machine.written[ACCT.record_path]
    assert '"socket": "/run/risk-manager/acct2/control.sock"' in record
    assert '"data_dir": "/var/lib/risk-manager/acct2"' in record
    assert machine.secured == [ACCT.env_file]
    assert runner.calls[-2:] == [["systemctl", "daemon-reload"],
                                 ["systemctl", "enable", "--now", "risk-manager@acct2.service"]]
    assert "risk-manager service status --name acct2" in machine.output


def test_a_new_instance_gets_its_own_empty_credentials_file_and_waits_for_it() -> None:
    runner, machine = RecordingRunner(), FakeMachine()
    linux.install(linux_host(runner, machine), plan(), inst=ACCT)
    text, mode = machine.written[ACCT.env_file]
    assert mode == 0o600 and "risk-manager@acct2.service" in text and "restart --name acct2" in text
    assert runner.calls[-1] == ["systemctl", "enable", "risk-manager@acct2.service"]
    assert "service start --name acct2" in machine.output


def test_the_unnamed_service_and_named_instances_never_live_side_by_side() -> None:
    runner, machine = RecordingRunner(), FakeMachine()
    machine.existing.add(Instance().unit_file)
    with pytest.raises(ServiceError, match="cannot live side by side"):
        linux.install(linux_host(runner, machine), plan(), inst=ACCT)
    machine = FakeMachine()
    machine.existing.add(TEMPLATE)
    with pytest.raises(ServiceError, match="cannot live side by side"):
        linux.install(linux_host(runner, machine), plan())
    assert machine.written == {} and runner.calls == []


def test_uninstall_removes_only_this_instance() -> None:
    runner, machine = RecordingRunner(), FakeMachine()
    machine.existing.update({TEMPLATE, DROPIN, ACCT.record_path})
    linux.uninstall(linux_host(runner, machine), ACCT)
    assert runner.calls[0] == ["systemctl", "disable", "--now", "risk-manager@acct2.service"]
    assert machine.removed == [DROPIN, ACCT.record_path]  # the shared template stays for the others
    assert "/var/lib/risk-manager/acct2" in machine.output


def test_control_and_status_address_the_instance() -> None:
    runner, machine = RecordingRunner({("systemctl", "status"): CommandResult(3, "inactive")}), FakeMachine()
    host = linux_host(runner, machine)
    assert linux.status(host, ACCT) == 4  # no drop-in: not installed (systemd alone would say inactive)
    assert runner.calls == [] and "not installed" in machine.output
    machine.existing.add(DROPIN)
    linux.control(host, "restart", ACCT)
    assert linux.status(host, ACCT) == 3
    assert runner.calls == [["systemctl", "restart", "risk-manager@acct2.service"],
                            ["systemctl", "status", "--no-pager", "--lines=20", "risk-manager@acct2.service"]]


def test_the_cli_passes_the_name_and_refuses_a_bad_one(monkeypatch: pytest.MonkeyPatch,
                                                       tmp_path: Path) -> None:
    runner, machine = RecordingRunner(), FakeMachine()
    machine.existing.add(DROPIN)
    monkeypatch.setattr(service_cmd, "make_host", lambda: linux_host(runner, machine))
    cli = CliRunner()
    assert cli.invoke(service_cmd.service_app, ["status", "--name", "acct2"]).exit_code == 0
    assert cli.invoke(service_cmd.service_app, ["stop", "--name", "acct2"]).exit_code == 0
    assert runner.calls == [["systemctl", "status", "--no-pager", "--lines=20", "risk-manager@acct2.service"],
                            ["systemctl", "stop", "risk-manager@acct2.service"]]
    bad = cli.invoke(service_cmd.service_app, ["install", "--config", str(write_config(tmp_path)),
                                               "--name", "../etc"])
    assert bad.exit_code == 2 and "invalid instance name" in bad.output
    done = cli.invoke(service_cmd.service_app, ["install", "--config", str(write_config(tmp_path)),
                                                "--name", "acct3"])
    assert done.exit_code == 0, done.output
    dropin, _ = machine.written[P("/etc/systemd/system/risk-manager@acct3.service.d/instance.conf")]
    assert '"--data-dir" "/var/lib/risk-manager/acct3"' in dropin  # the instance's own data by default


def test_windows_installs_a_service_per_name_with_its_own_data() -> None:
    data = ACCT.program_data({"PROGRAMDATA": r"C:\ProgramData"})
    runner, machine = RecordingRunner(), FakeMachine(existing={data / "credentials.env"})
    host, registered = win_host(runner, machine)
    win_plan = InstallPlan(data / "risk_manager.yaml", data, data / "logs", r"C:\py\python.exe")
    windows.install(host, win_plan, ACCT)
    assert machine.services == ["RiskManager-acct2"] and registered == [win_plan]
    assert machine.dirs == [data, data / "export", data / "logs"]
    assert runner.calls == [*windows.icacls_commands(data), windows.sc_failure_command("RiskManager-acct2"),
                            windows.sc_failureflag_command("RiskManager-acct2"),
                            ["sc.exe", "start", "RiskManager-acct2"]]
    assert "\\\\.\\pipe\\RiskManager-acct2" in machine.output
    runner.calls.clear()
    assert windows.status(host, ACCT) == 3
    windows.uninstall(host, ACCT)
    assert runner.calls[0] == ["sc.exe", "query", "RiskManager-acct2"]
    assert ["sc.exe", "delete", "RiskManager-acct2"] in runner.calls


def test_the_windows_service_class_learns_its_instance_from_the_scm() -> None:
    from risk_manager.service.windows_service import RiskManagerService

    assert RiskManagerService(["RiskManager-acct2"]).instance == ACCT
    assert RiskManagerService(["RiskManager"]).instance == Instance()


def test_trader_and_admin_find_the_named_instance(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No record readable here: `--name` alone points at the instance's own socket and data directory."""
    from risk_manager.control import cli_support

    monkeypatch.setattr(cli_support, "read_record", lambda path=None, name=None: None)
    out = CliRunner().invoke(app, ["trader", "--name", "acct9", "status", "--json"])
    assert out.exit_code == 1 and "/run/risk-manager/acct9/control.sock" in out.output
    audit = CliRunner().invoke(app, ["admin", "--name", "acct9", "audit"])
    assert "/var/lib/risk-manager/acct9" in audit.output
    env = CliRunner().invoke(app, ["trader", "status"], env={"RISK_MANAGER_NAME": "acct8"})
    assert "/run/risk-manager/acct8/control.sock" in env.output
    plain = CliRunner().invoke(app, ["trader", "status"], env={"RISK_MANAGER_NAME": ""})
    assert "/acct" not in plain.output  # the unnamed instance again: the choice does not stick
    bad = CliRunner().invoke(app, ["trader", "--name", "a/b", "status"])
    assert bad.exit_code == 2 and "invalid instance name" in bad.output


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_systemd_itself_reads_the_template_with_an_instance_drop_in(tmp_path: Path) -> None:
    runner, machine = RecordingRunner(), FakeMachine()
    real = InstallPlan(plan().config, ACCT.state_dir, ACCT.logs_dir, sys.executable)  # a real interpreter
    linux.install(linux_host(runner, machine), real, inst=ACCT)
    (tmp_path / TEMPLATE.name).write_text(machine.written[TEMPLATE][0])
    (tmp_path / DROPIN.parent.name).mkdir()
    (tmp_path / DROPIN.parent.name / DROPIN.name).write_text(machine.written[DROPIN][0])
    target = tmp_path / "risk-manager@acct2.service"
    done = subprocess.run(["systemd-analyze", "verify", "--man=no", str(target)], capture_output=True,
                          text=True, timeout=60, check=False, env={"SYSTEMD_UNIT_PATH": f"{tmp_path}:"})
    text = done.stdout + done.stderr
    complaints = [line for line in text.splitlines() if "risk-manager@" in line]
    assert complaints == [], text  # e.g. "has no ExecStart=": the drop-in was not read
