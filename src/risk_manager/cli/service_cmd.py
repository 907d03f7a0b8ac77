"""`risk-manager service install|uninstall|start|stop|restart|status`: systemd on Linux, SCM on Windows.

The work is in risk_manager.service; this module only picks the platform, builds the real host seam and
turns a ServiceError into one message on stderr and its exit code. Tests swap ``make_host``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from risk_manager.service.instance import Instance
from risk_manager.service.linux_host import LinuxHost
from risk_manager.service.runner import ServiceError
from risk_manager.service.windows_host import WinHost

service_app = typer.Typer(
    help="Install and control the risk manager as a system service (systemd on Linux, a Windows service).",
    no_args_is_help=True,
)


def is_windows() -> bool:
    return sys.platform == "win32"


def make_host() -> LinuxHost | WinHost:
    if is_windows():
        return WinHost()
    if not sys.platform.startswith("linux"):
        raise ServiceError(f"service install is for Linux (systemd) and Windows, not {sys.platform}; "
                           "run `risk-manager run` under your own supervisor")
    return LinuxHost()


NameOpt = Annotated[str | None, typer.Option(
    "--name", help="A named instance (one per login / API key): systemd risk-manager@NAME, Windows service "
    "RiskManager-NAME. Default: the single unnamed service.", show_default=False)]


def _instance(name: str | None) -> Instance:
    try:
        return Instance(name)
    except ValueError as e:
        raise ServiceError(str(e), exit_code=2) from None


def _fail(e: ServiceError) -> typer.Exit:
    print(f"risk-manager: {e}", file=sys.stderr)
    return typer.Exit(e.exit_code)


def install(
    config: Annotated[Path, typer.Option("--config", "-c", help="risk_manager.yaml (validated first)")],
    data_dir: Annotated[Path | None, typer.Option(
        "--data-dir", help="database, journal, logs [Linux /var/lib/risk-manager; Windows "
        "%ProgramData%\\RiskManager]")] = None,
    user: Annotated[str, typer.Option("--user", help="service account to run as (Linux; created if "
                                      "missing). Windows always uses LocalSystem.")] = "riskmgr",
    name: NameOpt = None,
) -> None:
    """Install, enable and start the service (root / an elevated prompt)."""
    from risk_manager.service.plan import load_plan

    try:
        inst = _instance(name)
        host = make_host()
        if isinstance(host, WinHost):
            from risk_manager.service import windows

            windows.require_admin(host, "install")
            if user != "riskmgr":
                print("note: --user is ignored on Windows; the service runs as LocalSystem", file=sys.stderr)
            windows.install(host, load_plan(config, data_dir, windows.program_data_dir(inst=inst)), inst)
        else:
            from risk_manager.service import linux

            linux.require_root(host, "install")
            linux.install(host, load_plan(config, data_dir, inst.state_dir), user, inst)
    except ServiceError as e:
        raise _fail(e) from None


def uninstall(name: NameOpt = None) -> None:
    """Stop, disable and remove the service; keeps the journal, database and credentials."""
    try:
        inst = _instance(name)
        host = make_host()
        if isinstance(host, WinHost):
            from risk_manager.service import windows

            windows.uninstall(host, inst)
        else:
            from risk_manager.service import linux

            linux.uninstall(host, inst)
    except ServiceError as e:
        raise _fail(e) from None


def _control(action: str, name: str | None) -> None:
    try:
        inst = _instance(name)
        host = make_host()
        if isinstance(host, WinHost):
            from risk_manager.service import windows

            windows.control(host, action, inst)
        else:
            from risk_manager.service import linux

            linux.control(host, action, inst)
    except ServiceError as e:
        raise _fail(e) from None


def start(name: NameOpt = None) -> None:
    """Start the service (root / elevated)."""
    _control("start", name)


def stop(name: NameOpt = None) -> None:
    """Stop the service until the next start or boot (root / elevated)."""
    _control("stop", name)


def restart(name: NameOpt = None) -> None:
    """Restart the service, e.g. after changing the credentials file (root / elevated)."""
    _control("restart", name)


def status(name: NameOpt = None) -> None:
    """Show the service state. Exit 0 running, 3 not running, 4 not installed."""
    try:
        inst = _instance(name)
        host = make_host()
        if isinstance(host, WinHost):
            from risk_manager.service import windows

            code = windows.status(host, inst)
        else:
            from risk_manager.service import linux

            code = linux.status(host, inst)
    except ServiceError as e:
        raise _fail(e) from None
    raise typer.Exit(code)


for _command in (install, uninstall, start, stop, restart, status):
    service_app.command()(_command)
