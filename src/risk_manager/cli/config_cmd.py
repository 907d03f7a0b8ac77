"""`risk-manager config ...`: check a config file, or compare two, without touching the daemon."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from risk_manager.config import RULE_KEYS, Config, ConfigError, diff_configs, load_config, needs_restart

# Exit code for an invalid config (1 is left for unexpected failures).
EXIT_INVALID = 2

config_app = typer.Typer(
    name="config", help="Validate and compare risk_manager.yaml files.", no_args_is_help=True
)

NO_RULES = "WARNING: no rule is enabled: the daemon would watch the account and protect NOTHING"
FileArg = Annotated[Path, typer.Argument(help="Path to a risk_manager.yaml file.", show_default=False)]


def _load_or_exit(path: Path) -> Config:
    try:
        return load_config(path)
    except ConfigError as exc:
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        raise typer.Exit(EXIT_INVALID) from None


def summary(name: str, config: Config) -> str:
    """`OK: FILE — 1 account, 7 of 13 rules enabled: a, b, ...` (one line)."""
    accounts = len(config.accounts)
    enabled = config.rules.enabled_names()
    line = f"OK: {name} — {accounts} account{'s' if accounts != 1 else ''}, "
    line += f"{len(enabled)} of {len(RULE_KEYS)} rules enabled"
    line += f": {', '.join(enabled)}" if enabled else ""
    if config.enforcement.mode == "dry_run":
        line += " [dry_run: no broker actions]"
    return line


@config_app.command("validate")
def validate(file: FileArg) -> None:
    """Check FILE; print a one-line summary (exit 0) or every problem as FILE:LINE: key: reason (exit 2)."""
    config = _load_or_exit(file)
    typer.echo(summary(str(file), config))
    if not config.rules.enabled_names():
        typer.secho(NO_RULES, fg="red", bold=True, err=True)
    for account in config.accounts:
        if account.rules is not None:  # its own rules, merged over the top-level ones
            enabled = account.rules.enabled_names()
            line = f"  account {account.name}: {len(enabled)} of {len(RULE_KEYS)} rules enabled"
            typer.echo(line + (f": {', '.join(enabled)}" if enabled else ""))


@config_app.command("diff")
def diff(old: FileArg, new: FileArg) -> None:
    """Show what would change if NEW replaced OLD, and whether a reload applies it live."""
    before, after = _load_or_exit(old), _load_or_exit(new)
    changes = diff_configs(before, after)
    if not changes:
        typer.echo("no changes")
        return
    for change in changes:
        typer.echo(change)
    typer.echo("needs a restart" if needs_restart(before, after) else "applies live on reload")
