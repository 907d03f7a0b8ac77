"""The CLI's side of the control socket, shared by `trader` and `admin`: the common options, where the
socket is, one call with its exits (1 not reachable / daemon error, 6 not the service's socket), and
journal records as readable lines in the schedule's zone.
"""

from __future__ import annotations

import json
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from risk_manager.control.client import ControlClient, ControlError, DaemonUnreachable, UntrustedEndpoint

SocketOpt = Annotated[Path | None, typer.Option(
    "--socket", help="The daemon's control socket \\[default: daemon.control_socket of --config, else the "
    "installed service's, else control.sock in the data directory].", show_default=False)]
ConfigOpt = Annotated[Path | None, typer.Option("--config", "-c", help="risk_manager.yaml (its "
                                                "daemon settings say where the socket is).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text (for scripts).")]
NameOpt = Annotated[str | None, typer.Option(
    "--name", envvar="RISK_MANAGER_NAME", show_default=False,
    help="The service instance installed with `service install --name NAME` \\[default: the unnamed one].")]
EXIT_UNREACHABLE = 1
EXIT_UNTRUSTED = 6  # the socket is not the service's: no password was sent


def resolve_socket(socket: Path | None, config: Path | None, ctx: typer.Context | None = None) -> str:
    """The control socket from --socket / --config (given to the sub-command, or to ``trader`` before it:
    ``trader -c FILE status``) / the installed service; an invalid config exits 2."""
    from risk_manager.config import ConfigError
    from risk_manager.control.cli_support import control_socket, load_optional

    outer = ctx.parent.params if ctx is not None and ctx.parent is not None else {}
    socket = socket or outer.get("socket")
    config = config or outer.get("config")
    if socket is not None:
        return str(socket)
    try:
        return str(control_socket(None, load_optional(config)))
    except ConfigError as e:
        for problem in e.problems:
            typer.echo(str(problem), err=True)
        raise typer.Exit(2) from None


def not_monitored(endpoint: str, as_json: bool = False) -> NoReturn:
    if as_json:
        down = {"daemon": {"state": "NOT_MONITORED"}, "reachable": False, "endpoint": endpoint}
        typer.echo(json.dumps(down))
    typer.secho(f"NOT MONITORED: the risk daemon is not reachable at {endpoint}", fg="red", bold=True,
                err=as_json)
    raise typer.Exit(EXIT_UNREACHABLE)


def daemon_error(e: ControlError) -> NoReturn:
    typer.secho(f"the daemon answered with an error: {e.message} (HTTP {e.status})", fg="red", err=True)
    raise typer.Exit(1)


def untrusted(e: UntrustedEndpoint) -> NoReturn:
    typer.secho(f"refused: {e}", fg="red", err=True)
    raise typer.Exit(EXIT_UNTRUSTED)


def call(endpoint: str, fn: str, *args: Any, as_json: bool = False, trusted: set[int] | None = None) -> Any:
    """Call one client method; unreachable -> NOT MONITORED (exit 1), daemon error -> message (exit 1),
    an endpoint not served by the service (password calls) -> refused (exit 6)."""
    with ControlClient(endpoint, trusted=trusted) as client:
        try:
            return getattr(client, fn)(*args)
        except DaemonUnreachable:
            not_monitored(endpoint, as_json)
        except UntrustedEndpoint as e:
            untrusted(e)
        except ControlError as e:
            daemon_error(e)


def choose_instance(name: str | None) -> None:
    """`--name NAME` (before the sub-command): address that service instance; a bad name exits 2."""
    from risk_manager.control.cli_support import select_instance

    try:
        select_instance(name)
    except ValueError as e:
        typer.echo(str(e), err=True)
        raise typer.Exit(2) from None


def schedule_zone(name: object) -> tzinfo | None:
    """The schedule's zone by name; None (each record keeps its own offset) when unknown."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(str(name)) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def print_lines(records: list[dict[str, Any]], tz: tzinfo | None) -> None:
    """One readable line per decision: a violation folds into the action it caused, a broker call that
    went well is not a line of its own (a failed one is)."""
    from risk_manager.tui.oneliner import journal_line, with_reasons

    for rec in with_reasons(records):
        if rec.get("type") == "result" and rec.get("ok", True):
            continue
        typer.echo(journal_line(rec, tz))


def local_time(iso: object, tz: tzinfo | None) -> str:
    """An ISO instant from the daemon as ``2026-12-02 03:17:51 CST`` (in ``tz`` when known)."""
    try:
        at = datetime.fromisoformat(str(iso))
    except ValueError:
        return str(iso)
    return f"{at.astimezone(tz) if tz else at:%Y-%m-%d %H:%M:%S %Z}"
