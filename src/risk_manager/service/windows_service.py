"""The pywin32 service class. pythonservice.exe imports this module by name (PythonClass registry value).

pywin32 is imported only on Windows; elsewhere a stand-in base class keeps the module importable so the
class attributes and the stop path are unit-tested on Linux.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from risk_manager.control.windows_pipe import pipe_name
from risk_manager.service.instance import Instance, from_service_name
from risk_manager.service.windows_names import (
    DESCRIPTION,
    DISPLAY_NAME,
    OPT_CONFIG,
    OPT_DATA_DIR,
    SERVICE_NAME,
)
from risk_manager.service.windows_run import StopBridge, run_in_process

SERVICE_STOP_PENDING = 3  # win32service.SERVICE_STOP_PENDING, without importing pywin32
STOP_WAIT_HINT_MS = 30_000  # the daemon closes positions' bookkeeping and the DB before it exits

if TYPE_CHECKING or sys.platform != "win32":

    class _Framework:
        """Stand-in for win32serviceutil.ServiceFramework off Windows (imports and tests only)."""

        _svc_name_ = ""

        def __init__(self, args: Any) -> None:
            self.reported: list[tuple[int, int]] = []

        def ReportServiceStatus(self, status: int, waitHint: int = 5000, win32ExitCode: int = 0,
                                svcExitCode: int = 0) -> None:
            self.reported.append((status, waitHint))

else:  # pragma: no cover - Windows only
    from win32serviceutil import ServiceFramework as _Framework


def _option(service: str, name: str, default: str | None = None) -> str | None:
    if sys.platform != "win32":
        return default
    import win32serviceutil  # pragma: no cover - Windows only

    value = win32serviceutil.GetServiceCustomOption(service, name, default)
    return None if value is None else str(value)


def _log_error(message: str) -> None:
    """To the Windows event log (a service has no console); stderr elsewhere."""
    if sys.platform == "win32":
        import servicemanager

        servicemanager.LogErrorMsg(message)
    else:
        print(message, file=sys.stderr)


class RiskManagerService(_Framework):
    _svc_name_ = SERVICE_NAME
    _svc_display_name_ = DISPLAY_NAME
    _svc_description_ = DESCRIPTION

    def __init__(self, args: Any) -> None:
        super().__init__(args)
        self.bridge = StopBridge()
        self.exit_code: int | None = None
        # every instance (RiskManager, RiskManager-NAME) runs this class: the SCM passes the name it started
        self.instance: Instance = from_service_name(args[0]) if args else Instance()
        self.service = self.instance.service_name

    def SvcStop(self) -> None:  # pywin32's name
        self.ReportServiceStatus(SERVICE_STOP_PENDING, waitHint=STOP_WAIT_HINT_MS)
        self.bridge.request()

    def _error(self, message: str) -> None:
        _log_error(f"{self.service}: {message}")

    def SvcDoRun(self) -> None:  # pywin32's name
        config = _option(self.service, OPT_CONFIG)
        if not config:
            self._error("no config path stored; re-run `risk-manager service install --config FILE"
                        f"{self.instance.option}`")
            raise RuntimeError(f"{self.service}: not configured")
        data = _option(self.service, OPT_DATA_DIR)
        self.exit_code = run_in_process(Path(config), Path(data) if data else None, self.bridge, self._error,
                                        pipe=pipe_name(self.instance.name))
        if self.exit_code != 0:
            # Raising makes pywin32 report a non-zero stop, which (with `sc failureflag 1`) the SCM recovers
            # from by restarting after 60 s. A clean stop on request returns normally.
            self._error(f"risk-manager run exited with code {self.exit_code}")
            raise RuntimeError(f"{self.service} exited with code {self.exit_code}")
