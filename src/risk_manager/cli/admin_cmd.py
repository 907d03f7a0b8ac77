"""`risk-manager admin ...`: password, reload, stop, journal, audit and rule edits.

The daemon checks the admin password (argon2id hash in its data dir); this CLI only forwards it. There
is no unlock command: every lockout ends on its own timer or schedule.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from risk_manager.cli import admin_records, config_cmd
from risk_manager.cli.admin_records import DataDirOpt, data_dir_of
from risk_manager.cli.config_cmd import NO_RULES
from risk_manager.cli.control_cli import ConfigOpt, NameOpt, SocketOpt, call, choose_instance, resolve_socket

admin_app = typer.Typer(name="admin", help="Admin commands (the daemon checks the admin password).",
                        no_args_is_help=True)
admin_config_app = typer.Typer(name="config", help="Validate or edit risk_manager.yaml.",
                               no_args_is_help=True)
admin_app.add_typer(admin_config_app, name="config")
admin_config_app.command("validate")(config_cmd.validate)


@admin_app.callback()
def _admin(name: NameOpt = None) -> None:
    """Admin commands (the daemon checks the admin password). `admin --name NAME ...` addresses the
    service instance installed under that name."""
    choose_instance(name)


def _hash_owner(data: Path) -> tuple[int, int] | None:
    """Run as root: the hash goes to the owner of the data directory (the service's user), so the service
    can read it and nobody else can."""
    import os
    import sys

    if sys.platform == "win32" or os.geteuid() != 0:
        return None
    try:
        st = data.stat()
    except FileNotFoundError:
        return None  # systemd hands a data directory root created to the service user at start
    return st.st_uid, st.st_gid


@admin_app.command("set-password")
def set_password(data_dir: DataDirOpt = None, config: ConfigOpt = None) -> None:
    """Set the admin password (asked twice, hidden). Writes DATA_DIR/admin.hash (argon2id, mode 0600, owned
    by the data directory's owner: the service's user). DATA_DIR defaults to the installed service's."""
    from risk_manager.control.password import PasswordError, admin_hash_path, check_new_password, write_hash
    from risk_manager.control.peer import user_name

    data = data_dir_of(data_dir, config)
    path = admin_hash_path(data)
    first = typer.prompt("New admin password", hide_input=True)
    try:
        check_new_password(first)
    except PasswordError as e:
        typer.secho(str(e), fg="red", err=True)
        raise typer.Exit(2) from None
    if typer.prompt("Repeat it", hide_input=True) != first:
        typer.secho("the two passwords differ; nothing changed", fg="red", err=True)
        raise typer.Exit(2)
    owner = _hash_owner(data)
    write_hash(path, first, owner)
    who = user_name(owner[0]) if owner is not None else "you"
    typer.echo(f"admin password set: {path} (argon2id, mode 0600, readable by {who} only)")


def _password(target: str) -> tuple[str, set[int]]:
    """Make sure the service serves ``target`` (else exit 6, nothing asked), then ask for the password."""
    from risk_manager.cli.control_cli import not_monitored, untrusted
    from risk_manager.control.cli_support import trusted_uids
    from risk_manager.control.client import ControlClient, DaemonUnreachable, UntrustedEndpoint

    trusted = trusted_uids()
    try:
        ControlClient(target, trusted=trusted).check_endpoint()
    except UntrustedEndpoint as e:
        untrusted(e)
    except DaemonUnreachable:
        not_monitored(target)
    return str(typer.prompt("Admin password", hide_input=True)), trusted


@admin_app.command("reload")
def reload(socket: SocketOpt = None, config: ConfigOpt = None) -> None:
    """Make the daemon re-read its config file: it validates the whole file first and says what changed
    and whether it applied live or needs a restart. An invalid file changes nothing (exit 2)."""
    target = resolve_socket(socket, config)
    password, trusted = _password(target)
    result = call(target, "reload", password, trusted=trusted)
    if result.get("error"):
        typer.secho(str(result["error"]), fg="red", err=True)
        raise typer.Exit(2)
    for change in result.get("changes", []):
        typer.echo(change)
    if result.get("applied"):
        typer.secho("applied live", fg="green")
        _warn_disabled(target, [str(c) for c in result.get("changes", [])])
    elif result.get("restart_needed"):
        typer.secho("valid, but needs a restart to take effect (nothing applied)", fg="yellow")
    else:
        typer.echo("no changes")


def _warn_disabled(target: str, changes: list[str]) -> None:
    """A change to a rule that is off protects nothing: say so, loudly (the daemon's status says which
    rules are on)."""
    from risk_manager.config import RULE_KEYS

    accounts = call(target, "status").get("accounts") or []
    enabled = {str(r.get("rule")) for a in accounts for r in a.get("rules") or [] if r.get("enabled")}
    if accounts and not enabled:
        typer.secho(NO_RULES, fg="red", bold=True, err=True)
        return
    edited = {c.split(".")[1] for c in changes if c.startswith("rules.") and c.count(".") >= 2}
    for rule in sorted(edited & set(RULE_KEYS) - enabled):
        typer.secho(f"WARNING: {rule} is disabled: this change protects nothing until `{rule} enabled "
                    "true`", fg="red", bold=True, err=True)


@admin_app.command("stop")
def stop(socket: SocketOpt = None, config: ConfigOpt = None) -> None:
    """Stop the daemon: the account is NOT MONITORED until it runs again. A service manager restarts a
    daemon that exits; use `risk-manager service stop` to keep the service down."""
    target = resolve_socket(socket, config)
    password, trusted = _password(target)
    call(target, "stop", password, trusted=trusted)
    typer.secho(f"the daemon at {target} is stopping: NOT MONITORED until it is started again", fg="yellow")


@admin_config_app.command("set", context_settings={"ignore_unknown_options": True})
def config_set(file: Annotated[Path, typer.Argument(help="risk_manager.yaml", show_default=False)],
               rule: Annotated[str, typer.Argument(help="Rule key, e.g. max_contracts.", show_default=False)],
               key: Annotated[str, typer.Argument(help="Setting, e.g. limit, enabled, cooldown.per_hour.",
                                                  show_default=False)],
               value: Annotated[str, typer.Argument(help="YAML value: 3, -500, true, 5m, [M*, CL].",
                                                    show_default=False)]) -> None:
    """Set rules.RULE.KEY = VALUE in FILE. The whole edited file is validated first; if it is invalid,
    the file is not touched (exit 2). NOTE: the file is re-written by PyYAML, so comments and formatting
    are lost. Run `risk-manager admin reload` afterwards to apply it."""
    from risk_manager.config import ConfigError, format_value, load_config
    from risk_manager.control.config_edit import ConfigEditError, set_rule_value

    try:
        old, new = set_rule_value(file, rule, key, value)
    except ConfigEditError as e:
        typer.secho(str(e), fg="red", err=True)
        raise typer.Exit(2) from None
    except ConfigError as e:
        typer.secho(f"not changed: rules.{rule}.{key} = {value} would make the config invalid:", fg="red",
                    err=True)
        for p in e.problems:
            typer.echo(f"  {p.key_path}: {p.reason}" if p.key_path else f"  {p.reason}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"rules.{rule}.{key}: {format_value(old)} -> {format_value(new)} (written to {file}; "
               "comments are not kept)")
    enabled = load_config(file).rules.enabled_names()
    if not enabled:
        typer.secho(NO_RULES, fg="red", bold=True, err=True)
    elif rule not in enabled:
        typer.secho(f"WARNING: {rule} is disabled: this value protects nothing until `{rule} enabled "
                    "true`", fg="red", bold=True, err=True)
    typer.echo("run `risk-manager admin reload` to apply it to the running daemon")


admin_app.add_typer(admin_records.journal_app, name="journal")  # the read-only views, listed last
admin_app.command("audit")(admin_records.audit)
