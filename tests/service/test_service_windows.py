"""Windows: command lists (sc, icacls), paths, and the install/uninstall/control sequences, on Linux."""

from __future__ import annotations

from pathlib import PureWindowsPath

import pytest
from service_fakes import FakeMachine, RecordingRunner, win_host

from risk_manager.service import windows
from risk_manager.service.plan import InstallPlan
from risk_manager.service.runner import CommandResult, ServiceError

W = PureWindowsPath
DATA = W(r"C:\ProgramData\RiskManager")
RUNNING = CommandResult(0, "SERVICE_NAME: RiskManager\n        TYPE               : 10  WIN32_OWN_PROCESS\n"
                           "        STATE              : 4  RUNNING\n")
STOPPED = CommandResult(0, "SERVICE_NAME: RiskManager\n        STATE              : 1  STOPPED\n")
PENDING = CommandResult(0, "SERVICE_NAME: RiskManager\n        STATE              : 3  STOP_PENDING\n")


def plan(config: str = r"C:\ProgramData\RiskManager\risk_manager.yaml", secrets: bool = False) -> InstallPlan:
    return InstallPlan(W(config), DATA, DATA / "logs", r"C:\ProgramData\riskman\venv\Scripts\python.exe",
                       secrets)


def test_recovery_is_restart_after_60_s_three_times_reset_daily() -> None:
    assert windows.sc_failure_command() == ["sc.exe", "failure", "RiskManager", "reset=", "86400",
                                            "actions=", "restart/60000/restart/60000/restart/60000"]
    assert windows.sc_failureflag_command() == ["sc.exe", "failureflag", "RiskManager", "1"]


def test_acls_admins_and_system_full_users_read_only_on_the_export() -> None:
    assert windows.icacls_commands(DATA) == [
        ["icacls", r"C:\ProgramData\RiskManager", "/setowner", "*S-1-5-32-544", "/T", "/C", "/Q"],
        ["icacls", r"C:\ProgramData\RiskManager", "/inheritance:r", "/grant:r",
         "*S-1-5-32-544:(OI)(CI)F", "*S-1-5-18:(OI)(CI)F"],
        ["icacls", r"C:\ProgramData\RiskManager\*", "/reset", "/T", "/C", "/Q"],
        ["icacls", r"C:\ProgramData\RiskManager\export", "/grant:r", "*S-1-5-32-545:(OI)(CI)RX"],
    ]


def test_program_data_dir_follows_the_environment() -> None:
    assert windows.program_data_dir({"PROGRAMDATA": r"D:\PD"}) == W(r"D:\PD\RiskManager")
    assert str(windows.program_data_dir({})) == r"C:\ProgramData\RiskManager"
    assert str(windows.credentials_file(DATA)) == r"C:\ProgramData\RiskManager\credentials.env"


def test_parse_state_reads_sc_query() -> None:
    assert windows.parse_state(RUNNING.stdout) == "RUNNING"
    assert windows.parse_state(PENDING.stdout) == "STOP_PENDING"
    assert windows.parse_state("[SC] OpenService FAILED 1060") is None
    german = "SERVICE_NAME: RiskManager\n        TYP                : 10  WIN32_OWN_PROCESS\n" \
             "        STATUS             : 4  RUNNING\n        WIN32_EXITCODE     : 0  (0x0)\n"
    assert windows.parse_state(german) == "RUNNING"  # labels localised, the state number is not


def test_install_refuses_without_elevation_and_touches_nothing() -> None:
    runner, machine = RecordingRunner(), FakeMachine()
    host, registered = win_host(runner, machine, admin=False)
    with pytest.raises(ServiceError, match="elevated") as e:
        windows.install(host, plan())
    assert e.value.exit_code == 1
    assert runner.calls == [] and registered == [] and machine.dirs == [] and machine.written == {}


def test_install_sequence_with_existing_credentials() -> None:
    runner, machine = RecordingRunner(), FakeMachine(existing={DATA / "credentials.env"})
    host, registered = win_host(runner, machine)
    windows.install(host, plan())
    assert machine.dirs == [DATA, DATA / "export", DATA / "logs"]
    assert machine.written == {}  # the filled-in credentials file is never rewritten
    assert registered == [plan()]
    assert runner.calls == [*windows.icacls_commands(DATA), windows.sc_failure_command(),
                            windows.sc_failureflag_command(), ["sc.exe", "start", "RiskManager"]]


def test_first_install_writes_a_comment_only_credentials_file_and_waits() -> None:
    runner, machine = RecordingRunner(), FakeMachine()
    host, _ = win_host(runner, machine)
    windows.install(host, plan(r"C:\Users\trader\rm.yaml"))
    text, _ = machine.written[DATA / "credentials.env"]
    assert all(line.startswith("#") for line in text.splitlines())
    assert ["sc.exe", "start", "RiskManager"] not in runner.calls
    assert "only administrators can write" in machine.output  # config outside the protected folder


def test_reinstall_restarts_the_running_service() -> None:
    runner = RecordingRunner({("sc.exe", "query"): STOPPED})
    machine = FakeMachine(existing={DATA / "credentials.env"})
    host, _ = win_host(runner, machine, existed=True)
    windows.install(host, plan())
    assert runner.calls[-3:] == [["sc.exe", "stop", "RiskManager"], ["sc.exe", "query", "RiskManager"],
                                 ["sc.exe", "start", "RiskManager"]]


def test_stop_waits_until_the_scm_says_stopped() -> None:
    runner = RecordingRunner({("sc.exe", "query"): [PENDING, PENDING, STOPPED]})
    machine = FakeMachine()
    host, _ = win_host(runner, machine)
    windows.control(host, "stop")
    assert runner.calls == [["sc.exe", "stop", "RiskManager"]] + [["sc.exe", "query", "RiskManager"]] * 3
    assert machine.sleeps == [1.0, 1.0]


def test_stop_gives_up_after_the_timeout() -> None:
    runner = RecordingRunner({("sc.exe", "query"): PENDING})
    host, _ = win_host(runner, FakeMachine())
    with pytest.raises(ServiceError, match="did not stop"):
        windows.control(host, "restart")
    assert ["sc.exe", "start", "RiskManager"] not in runner.calls


@pytest.mark.parametrize("action", ["start", "stop", "restart"])
def test_control_needs_elevation(action: str) -> None:
    runner = RecordingRunner()
    host, _ = win_host(runner, FakeMachine(), admin=False)
    with pytest.raises(ServiceError, match="elevated"):
        windows.control(host, action)
    assert runner.calls == []


def test_uninstall_stops_then_deletes_and_keeps_the_data() -> None:
    runner = RecordingRunner({("sc.exe", "query"): STOPPED})
    machine = FakeMachine()
    host, _ = win_host(runner, machine)
    windows.uninstall(host)
    assert runner.calls == [["sc.exe", "stop", "RiskManager"], ["sc.exe", "query", "RiskManager"],
                            ["sc.exe", "delete", "RiskManager"]]
    assert "kept" in machine.output


def test_uninstall_of_a_missing_service_says_so() -> None:
    runner = RecordingRunner({("sc.exe", "stop"): CommandResult(1060, "[SC] OpenService FAILED 1060")})
    machine = FakeMachine()
    host, _ = win_host(runner, machine)
    windows.uninstall(host)
    assert runner.calls == [["sc.exe", "stop", "RiskManager"]]
    assert "not installed" in machine.output


@pytest.mark.parametrize(("answer", "code"), [(RUNNING, 0), (STOPPED, 3), (CommandResult(1060, "FAILED"), 4)])
def test_status_maps_sc_query_to_the_systemctl_convention(answer: CommandResult, code: int) -> None:
    host, _ = win_host(RecordingRunner({("sc.exe", "query"): answer}), FakeMachine(), admin=False)
    assert windows.status(host) == code
