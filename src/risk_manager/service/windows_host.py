"""The Windows host seam: elevation check, directories, and the pywin32 registration, imported lazily.

pywin32 is a Windows-only dependency (``sys_platform == 'win32'``): nothing here imports it at module level,
so this module (and the tests of the command lists) load on Linux.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from risk_manager.service.runner import Runner, run_command

if TYPE_CHECKING:
    from risk_manager.service.instance import Instance
    from risk_manager.service.plan import InstallPlan


def is_admin() -> bool:
    """True in an elevated process (shell32 IsUserAnAdmin); always False off Windows."""
    if sys.platform != "win32":
        return False
    import ctypes

    try:
        return bool(ctypes.windll.shell32.IsUserAnAdmin())
    except OSError:
        return False


def register_service(plan: InstallPlan, inst: Instance) -> bool:
    """Create (or update) the pywin32 service ``inst.service_name`` and store its config/data paths. True
    if it existed. Every instance runs the same class; it learns its name from the SCM at start."""
    if sys.platform != "win32":
        raise RuntimeError("the Windows service can only be registered on Windows")
    import pywintypes
    import win32service
    import win32serviceutil
    import winerror

    from risk_manager.service.windows_names import DESCRIPTION, OPT_CONFIG, OPT_DATA_DIR
    from risk_manager.service.windows_service import RiskManagerService

    name, display = inst.service_name, inst.display_name

    klass = win32serviceutil.GetServiceClassString(RiskManagerService)
    common = {"startType": win32service.SERVICE_AUTO_START, "description": DESCRIPTION}
    existed = False
    try:  # userName=None: LocalSystem. LocatePythonServiceExe puts pythonservice.exe into sys.exec_prefix.
        win32serviceutil.InstallService(klass, name, display, **common)
    except pywintypes.error as e:
        if e.winerror != winerror.ERROR_SERVICE_EXISTS:
            raise
        existed = True
        win32serviceutil.ChangeServiceConfig(klass, name, displayName=display, **common)
    win32serviceutil.SetServiceCustomOption(name, OPT_CONFIG, str(plan.config))
    win32serviceutil.SetServiceCustomOption(name, OPT_DATA_DIR, str(plan.data_dir))
    return existed


def _make_dirs(path: PurePath) -> None:
    Path(path).mkdir(parents=True, exist_ok=True)


def _exists(path: PurePath) -> bool:
    return Path(path).exists()


def _write_new_file(path: PurePath, text: str) -> None:
    # "x": never overwrite credentials someone already filled in.
    with open(path, "x", encoding="utf-8") as f:
        f.write(text)


@dataclass(slots=True)
class WinHost:
    run: Runner = run_command
    is_admin: Callable[[], bool] = is_admin
    register: Callable[[InstallPlan, Instance], bool] = register_service
    exists: Callable[[PurePath], bool] = _exists
    make_dirs: Callable[[PurePath], None] = _make_dirs
    write_new_file: Callable[[PurePath, str], None] = _write_new_file
    sleep: Callable[[float], None] = time.sleep
    out: Callable[[str], None] = print


__all__ = ["WinHost", "is_admin", "register_service"]
