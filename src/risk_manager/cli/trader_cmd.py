"""`risk-manager trader ...`: the trader's commands (status, journal, clock in/out, lock).

Nothing here can weaken protection: the control API has no endpoint for it without the admin password.
The one write, `trader lock`, only strengthens it (SPEC §7b): nobody can shorten or lift a lockout.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from risk_manager.cli.control_cli import (
    ConfigOpt,
    JsonOpt,
    NameOpt,
    SocketOpt,
    call,
    choose_instance,
    local_time,
    print_lines,
    resolve_socket,
    schedule_zone,
)

trader_app = typer.Typer(
    name="trader",
    help="The trader's view-only dashboard (no sub-command) and status, log, clock in/out, self-lock.",
)

@trader_app.callback(invoke_without_command=True)
def _default(ctx: typer.Context, socket: SocketOpt = None, config: ConfigOpt = None,
             name: NameOpt = None) -> None:
    """`risk-manager trader` alone opens the dashboard (SPEC §11); `trader -c FILE` / `--socket` / `--name`
    work here too and apply to a sub-command that follows."""
    choose_instance(name)
    if ctx.invoked_subcommand is None:
        _open_dashboard(resolve_socket(socket, config), 1.0)


@trader_app.command("dashboard")
def dashboard(ctx: typer.Context, socket: SocketOpt = None, config: ConfigOpt = None,
              refresh: Annotated[float, typer.Option(help="Seconds between polls.", min=0.2)] = 1.0) -> None:
    """The live dashboard (Textual, view-only; q quits). Says NOT MONITORED in red when the daemon is down."""
    _open_dashboard(resolve_socket(socket, config, ctx), refresh)


def _open_dashboard(target: str, refresh: float) -> None:
    from risk_manager.tui.app import NotATerminal, run_dashboard

    try:
        run_dashboard(target, refresh)
    except NotATerminal as e:
        typer.secho(f"risk-manager trader: {e}", fg="red", err=True)
        raise typer.Exit(2) from None


@trader_app.command("status")
def status(ctx: typer.Context, json_out: JsonOpt = False, socket: SocketOpt = None,
           config: ConfigOpt = None) -> None:
    """Badge, P&L, positions, lockouts with time left and every enabled rule, once. Exit 1 when the
    daemon is not reachable (NOT MONITORED)."""
    from risk_manager.control.render import render_status

    target = resolve_socket(socket, config, ctx)
    snap = call(target, "status", as_json=json_out)
    if json_out:
        typer.echo(json.dumps(snap, indent=2))
        return
    for line, colour in render_status(snap):
        typer.secho(line, fg=colour)


@trader_app.command("log")
def log(ctx: typer.Context,
        n: Annotated[int, typer.Option("-n", help="How many records (newest last).", min=1, max=1000)] = 50,
        account: Annotated[str | None, typer.Option("--account", help="Only this account.")] = None,
        json_out: JsonOpt = False, socket: SocketOpt = None, config: ConfigOpt = None) -> None:
    """The last N decisions (lockouts, actions, warnings, resets), one line each, in the schedule's time
    zone with the zone shown; --json prints the journal records themselves."""
    target = resolve_socket(socket, config, ctx)
    records = call(target, "journal", n, account, as_json=json_out)
    if json_out:
        for rec in records:
            typer.echo(json.dumps(rec))
        return
    print_lines(records, schedule_zone(call(target, "status").get("clock", {}).get("timezone")))


@trader_app.command("clock")
def clock(ctx: typer.Context, kind: Annotated[str, typer.Argument(help="in or out", show_default=False)],
          account: Annotated[str | None, typer.Option(
              "--account", help="Account name.", show_default="the only account, when there is one")] = None,
          socket: SocketOpt = None, config: ConfigOpt = None) -> None:
    """Clock in or out of a trading shift (recorded in the daemon's database; changes no protection)."""
    if kind not in ("in", "out"):
        typer.echo("KIND must be 'in' or 'out'", err=True)
        raise typer.Exit(2)
    target = resolve_socket(socket, config, ctx)
    accounts = {str(a.get("name")): a for a in call(target, "status").get("accounts", [])}
    if account is None:
        if len(accounts) != 1:
            typer.echo(f"--account is needed: the daemon watches {', '.join(sorted(accounts)) or 'none'}",
                       err=True)
            raise typer.Exit(2)
        account = next(iter(accounts))
    current = (accounts.get(account) or {}).get("clocked_in")
    if current is (kind == "in"):
        typer.echo(f"already clocked {kind}: {account} (nothing recorded)")
        return
    call(target, "clock", account, kind)
    typer.echo(f"clocked {kind}: {account}")


@trader_app.command("lock")
def lock(duration: Annotated[str, typer.Argument(help='How long: "30m", "2h", ... or until_reset.',
                                                 show_default=False)],
         flatten: Annotated[bool, typer.Option("--flatten", help="Also close every position now.")] = False,
         account: Annotated[str | None, typer.Option("--account", help="Only this account.",
                                                     show_default="every account")] = None,
         yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
         socket: SocketOpt = None, config: ConfigOpt = None) -> None:
    """Lock yourself out: no new positions until it ends. Nobody can shorten or lift it, the admin
    included; a second lock can only extend it. Journaled as rule self_lockout."""
    from risk_manager.config import Duration

    try:
        Duration(duration)
    except ValueError as e:
        typer.echo(f"DURATION {e}", err=True)
        raise typer.Exit(2) from None
    target = resolve_socket(socket, config)
    what = "every account" if account is None else account
    when = "until the daily reset" if duration.strip() == "until_reset" else f"for {duration}"
    if not yes and not typer.confirm(f"Lock {what} {when}{' and flatten now' if flatten else ''}? "
                                     "Nobody can lift it before it ends, the admin included"):
        typer.echo("not locked")
        raise typer.Exit(1)
    result = call(target, "self_lock", duration, flatten, account)
    zone = schedule_zone(call(target, "status").get("clock", {}).get("timezone"))
    for x in result.get("locks", []):
        state = "locked" if x.get("extended") else "already locked longer"
        typer.echo(f"{x['account']}: {state} ({x['kind']}) until {local_time(x['until'], zone)}"
                   + (" — flattening" if x.get("flatten") else ""))
