"""`risk-manager admin journal [verify]` and `admin audit`: the daemon's records as the admin reads them.

The journal comes from the running daemon, or read-only from the database with --data-dir; `verify` and
`audit` always read the database (read-only: nothing here writes). `admin_cmd` registers these commands.
"""

from __future__ import annotations

import json
from datetime import UTC, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from zoneinfo import ZoneInfo

import typer

from risk_manager.cli.control_cli import ConfigOpt, JsonOpt, SocketOpt, call, resolve_socket

if TYPE_CHECKING:
    from risk_manager.store import Store

DataDirOpt = Annotated[Path | None, typer.Option("--data-dir", help="The daemon's data directory.",
                                                 show_default="daemon.data_dir of --config, else the "
                                                 "platform default")]
CountOpt = Annotated[int, typer.Option("-n", help="How many entries (newest last).", min=1, max=10000)]


def data_dir_of(data_dir: Path | None, config: Path | None) -> Path:
    """--data-dir, else the config's, else the installed service's, else the platform default (exit 2 on a
    config that does not load)."""
    from risk_manager.config import ConfigError
    from risk_manager.control.cli_support import data_dir as resolve
    from risk_manager.control.cli_support import load_optional

    try:
        return resolve(data_dir, load_optional(config) if data_dir is None else None)
    except ConfigError as e:
        for problem in e.problems:
            typer.echo(str(problem), err=True)
        raise typer.Exit(2) from None


journal_app = typer.Typer(name="journal", help="The last decisions, or `verify` the hash chain.")


@journal_app.callback(invoke_without_command=True)
def journal(ctx: typer.Context, n: CountOpt = 50,
            account: Annotated[str | None, typer.Option("--account")] = None,
            json_out: JsonOpt = False, socket: SocketOpt = None, config: ConfigOpt = None,
            data_dir: DataDirOpt = None) -> None:
    """The last N journal records, one line each in the schedule's time zone (from the daemon, or
    read-only from --data-dir when given); --json prints the records. `admin journal verify` checks the
    hash chain."""
    if ctx.invoked_subcommand is not None:
        return
    from risk_manager.cli.control_cli import print_lines, schedule_zone

    if data_dir is not None:
        with readonly(data_dir) as store:
            records = store.journal_tail(n, account)
        zone = _config_zone(config)
    else:
        target = resolve_socket(socket, config)
        records = call(target, "journal", min(n, 1000), account, as_json=json_out)
        zone = None if json_out else schedule_zone(call(target, "status").get("clock", {}).get("timezone"))
    if json_out:
        for rec in records:
            typer.echo(json.dumps(rec))
        return
    print_lines(records, zone)


@journal_app.command("verify")
def journal_verify(data_dir: DataDirOpt = None, config: ConfigOpt = None) -> None:
    """Walk the journal's hash chain (read-only). Exit 0 intact; exit 1 naming the first record that was
    edited, inserted or deleted."""
    data = data_dir_of(data_dir, config)
    with readonly(data) as store:
        ok, bad = store.verify_journal()
        count = store.last_journal_seq()
        record = store.journal_since(bad - 1, 1) if bad else []
    if ok:
        typer.secho(f"journal intact: {count} records, hash chain verified ({data})", fg="green")
        return
    shown = f": {json.dumps(record[0].record)[:200]}" if record and record[0].seq == bad else \
        " (missing: rows were deleted)"
    typer.secho(f"journal BROKEN at record {bad}{shown}", fg="red", err=True)
    raise typer.Exit(1)


def _config_zone(config: Path | None) -> tzinfo | None:
    """The schedule zone of --config; None (records keep their own offset) without one."""
    from risk_manager.config import ConfigError
    from risk_manager.control.cli_support import load_optional

    try:
        cfg = load_optional(config)
    except ConfigError:
        return None
    return None if cfg is None else ZoneInfo(cfg.schedule.timezone)


def audit(n: CountOpt = 50, json_out: JsonOpt = False, data_dir: DataDirOpt = None,
          config: ConfigOpt = None) -> None:
    """The admin audit trail (every reload/stop attempt, ok or not), read-only from the database."""
    zone = _config_zone(config) or UTC
    with readonly(data_dir_of(data_dir, config)) as store:
        entries = store.audit_tail(n)
    for e in entries:
        row = {"at": e.at.isoformat(), "actor": e.actor, "action": e.action, "ok": e.ok, "detail": e.detail}
        verdict = "ok     " if e.ok else "REFUSED"
        text = f"{e.at.astimezone(zone):%Y-%m-%d %H:%M:%S %Z} {verdict} {e.action:<7} {e.actor}: {e.detail}"
        typer.echo(json.dumps(row) if json_out else text)


def readonly(data: Path) -> Store:
    """The database of ``data`` opened read-only; exit 1 when it cannot be opened, 2 when it is not one."""
    import sqlite3

    from risk_manager.control.cli_support import open_readonly

    try:
        store = open_readonly(data)
    except (FileNotFoundError, sqlite3.Error) as e:
        typer.secho(f"cannot read the database: {e}", fg="red", err=True)
        raise typer.Exit(1) from None
    # sqlite opens any file lazily: the first query says whether it is a database at all
    try:
        store.last_journal_seq()
    except sqlite3.Error as e:
        store.close()
        typer.secho(f"cannot read the database in {data}: {e}", fg="red", err=True)
        raise typer.Exit(2) from None
    return store
