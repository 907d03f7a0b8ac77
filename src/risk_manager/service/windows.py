"""Windows service install / uninstall / start / stop / restart / status (SPEC §12), pure where possible.

The service ``RiskManager`` (``RiskManager-NAME`` per named instance, service/instance.py) runs as
LocalSystem, starts automatically, and the SCM restarts it 60 s after a crash or a failed exit
(``sc failure`` + ``sc failureflag``). Its data lives in ``%ProgramData%\\RiskManager`` (``-NAME``);
icacls strips the inherited ACL so only Administrators and SYSTEM have access (full control) and gives
Users read-only access to ``export\\`` (the journal export) alone. A standard Windows account cannot stop
or reconfigure a LocalSystem service, nor read the credentials file in the data
directory. Command lists are built by pure functions (tested on Linux); the pywin32 parts are in
:mod:`.windows_host` and :mod:`.windows_service` and are only imported on Windows.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import PurePath, PureWindowsPath

from risk_manager.control.windows_pipe import pipe_name
from risk_manager.service.instance import Instance
from risk_manager.service.plan import InstallPlan
from risk_manager.service.runner import ServiceError, check
from risk_manager.service.windows_host import WinHost
from risk_manager.service.windows_names import SERVICE_NAME

SID_ADMINS, SID_SYSTEM, SID_USERS = "*S-1-5-32-544", "*S-1-5-18", "*S-1-5-32-545"  # locale-proof names
RESET_SECONDS, RESTART_MS = 86_400, 60_000
CREDENTIALS_TEMPLATE = """\
# Gateway credentials for the RiskManager service. Only Administrators and SYSTEM can read this file.
# Fill in both lines, remove the leading '#', then (elevated): risk-manager service restart
#PROJECT_X_USERNAME=
#PROJECT_X_API_KEY=
"""
ERROR_SERVICE_NOT_ACTIVE, ERROR_SERVICE_DOES_NOT_EXIST = 1062, 1060
# `sc query` labels may be localised; the numeric state (1-7) on its "STATE : 4  RUNNING" line is not.
_STATE = re.compile(r"^\s*\S+\s*:\s*([1-7])\s+[A-Z_]+\s*$", re.MULTILINE)
_STATES = {1: "STOPPED", 2: "START_PENDING", 3: "STOP_PENDING", 4: "RUNNING", 5: "CONTINUE_PENDING",
           6: "PAUSE_PENDING", 7: "PAUSED"}


UNNAMED = Instance()


def program_data_dir(environ: Mapping[str, str] | None = None, inst: Instance = UNNAMED) -> PureWindowsPath:
    """``%ProgramData%\\RiskManager`` (``RiskManager-NAME`` for a named instance: a sibling, so the ACL
    reset of one never touches another)."""
    return inst.program_data(os.environ if environ is None else environ)


def export_dir(data: PurePath) -> PurePath:
    return data / "export"


def credentials_file(data: PurePath) -> PurePath:
    return data / "credentials.env"


def sc(action: str, name: str = SERVICE_NAME) -> list[str]:
    return ["sc.exe", action, name]


def sc_failure_command(name: str = SERVICE_NAME) -> list[str]:
    actions = "/".join([f"restart/{RESTART_MS}"] * 3)
    return ["sc.exe", "failure", name, "reset=", str(RESET_SECONDS), "actions=", actions]


def sc_failureflag_command(name: str = SERVICE_NAME) -> list[str]:
    # Without it the SCM only recovers from crashes, not from a stop with a non-zero exit code.
    return ["sc.exe", "failureflag", name, "1"]


def icacls_commands(data: PurePath) -> list[list[str]]:
    """Owner -> Administrators; only Administrators + SYSTEM (full); children reset to inherit that;
    then Users read/execute on the journal export only."""
    full = [f"{SID_ADMINS}:(OI)(CI)F", f"{SID_SYSTEM}:(OI)(CI)F"]
    return [
        ["icacls", str(data), "/setowner", SID_ADMINS, "/T", "/C", "/Q"],
        ["icacls", str(data), "/inheritance:r", "/grant:r", *full],
        ["icacls", str(data / "*"), "/reset", "/T", "/C", "/Q"],
        ["icacls", str(export_dir(data)), "/grant:r", f"{SID_USERS}:(OI)(CI)RX"],
    ]


def parse_state(sc_query_output: str) -> str | None:
    """'RUNNING', 'STOPPED', 'START_PENDING', ... from `sc query`, or None."""
    m = _STATE.search(sc_query_output)
    return _STATES[int(m.group(1))] if m else None


def require_admin(host: WinHost, what: str) -> None:
    if not host.is_admin():
        raise ServiceError(f"`risk-manager service {what}` needs an elevated prompt (Run as administrator): "
                           "the service is protected so a standard account cannot stop or change it.")


def install(host: WinHost, plan: InstallPlan, inst: Instance = UNNAMED) -> None:
    require_admin(host, "install")
    name = inst.service_name
    data = plan.data_dir
    if data not in plan.config.parents:
        host.out(f"warning: keep the config where only administrators can write, e.g. {data}\\risk_manager"
                 ".yaml; a config the trader can edit changes the rules at the next restart.")
    for d in (data, export_dir(data), plan.log_dir):
        host.make_dirs(d)
    cred = credentials_file(data)
    new_cred = not host.exists(cred)
    if new_cred:
        host.write_new_file(cred, CREDENTIALS_TEMPLATE)
        host.out(f"created {cred} (no credentials yet)")
    for argv in icacls_commands(data):
        check(host.run, argv, "setting permissions")
    existed = host.register(plan, inst)
    host.out(f"{'updated' if existed else 'registered'} the {name} service (automatic, LocalSystem; control "
             f"pipe {pipe_name(inst.name)})")
    check(host.run, sc_failure_command(name), "setting restart-on-failure")
    check(host.run, sc_failureflag_command(name), "setting restart-on-failure for non-zero exits")
    if new_cred and not plan.has_secrets_file:
        host.out(f"not started yet: put PROJECT_X_USERNAME and PROJECT_X_API_KEY into {cred}, then run "
                 f"(elevated): risk-manager service start{inst.option}")
        return
    control(host, "restart" if existed else "start", inst)


def uninstall(host: WinHost, inst: Instance = UNNAMED) -> None:
    require_admin(host, "uninstall")
    name = inst.service_name
    if not _stop(host, inst):
        host.out(f"the {name} service is not installed")
        return
    check(host.run, sc("delete", name), f"removing the {name} service")
    host.out(f"removed the {name} service; kept {program_data_dir(inst=inst)} (journal, database, "
             "credentials) - delete it by hand if you really want to.")


def control(host: WinHost, action: str, inst: Instance = UNNAMED) -> None:
    if action not in ("start", "stop", "restart"):
        raise ValueError(action)
    require_admin(host, action)
    name = inst.service_name
    if action in ("stop", "restart"):
        _stop(host, inst)
    if action in ("start", "restart"):
        check(host.run, sc("start", name), f"starting {name}")
    host.out(f"{name}: {action} done")


def status(host: WinHost, inst: Instance = UNNAMED) -> int:
    """Print `sc query`; 0 running, 3 not running, 4 not installed (the systemctl status convention)."""
    result = host.run(sc("query", inst.service_name))
    host.out((result.stdout or result.stderr).rstrip())
    if result.returncode == ERROR_SERVICE_DOES_NOT_EXIST:
        return 4
    return 0 if parse_state(result.stdout) == "RUNNING" else 3


def _stop(host: WinHost, inst: Instance = UNNAMED, timeout_s: int = 60) -> bool:
    """Ask the SCM to stop and wait (bounded) until it has; not running is fine. False: not installed."""
    name = inst.service_name
    result = host.run(sc("stop", name))
    if not result.ok and result.returncode not in (ERROR_SERVICE_NOT_ACTIVE, ERROR_SERVICE_DOES_NOT_EXIST):
        raise ServiceError(f"stopping {name} failed: {(result.stderr or result.stdout).strip()}")
    if result.returncode == ERROR_SERVICE_DOES_NOT_EXIST:
        return False
    for _ in range(timeout_s):
        if parse_state(host.run(sc("query", name)).stdout) in ("STOPPED", None):
            return True
        host.sleep(1.0)
    raise ServiceError(f"{name} did not stop within {timeout_s} s")
