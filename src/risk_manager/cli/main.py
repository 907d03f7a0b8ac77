"""The `risk-manager` command.

Sub-commands are imported only when they are used: `risk-manager run` (what a service restart executes)
must not pay for the trader client, the dashboard or the installers (about a quarter of a restart when
every sub-command was imported up front; see bench/startup.py). `--help` still lists them all.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

import typer
from typer.core import TyperGroup

if TYPE_CHECKING:  # typer vendors click and types its group API with it
    from typer._click import Command, Context

# name -> (module, attribute): a typer.Typer (a command group) or a function (one command). Help order.
COMMANDS: dict[str, tuple[str, str]] = {
    "config": ("risk_manager.cli.config_cmd", "config_app"),
    "admin": ("risk_manager.cli.admin_cmd", "admin_app"),
    "trader": ("risk_manager.cli.trader_cmd", "trader_app"),
    "service": ("risk_manager.cli.service_cmd", "service_app"),
    "replay": ("risk_manager.cli.replay_cmd", "replay"),
    "run": ("risk_manager.cli.run_cmd", "run"),
    "sim": ("risk_manager.cli.sim_cmd", "sim"),
    "demo": ("risk_manager.cli.demo_cmd", "demo"),
}


def _root() -> None:
    """Real-time risk manager for TopstepX / ProjectX futures accounts."""


def load_command(name: str) -> Command:
    """Import one sub-command's module and build its click command exactly as `add_typer`/`command` would."""
    module, attr = COMMANDS[name]
    target = getattr(importlib.import_module(module), attr)
    parent = typer.Typer(add_completion=False)
    parent.callback()(_root)  # a group, whatever it holds
    if isinstance(target, typer.Typer):
        parent.add_typer(target, name=name)
    else:
        parent.command(name=name)(target)
    group = typer.main.get_command(parent)
    assert isinstance(group, TyperGroup)
    return group.commands[name]


class LazyGroup(TyperGroup):
    """A typer group whose sub-commands are imported on first use."""

    def list_commands(self, ctx: Context) -> list[str]:
        return [*super().list_commands(ctx), *(n for n in COMMANDS if n not in self.commands)]

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        if cmd_name in COMMANDS and cmd_name not in self.commands:
            self.add_command(load_command(cmd_name), cmd_name)
        return super().get_command(ctx, cmd_name)


app = typer.Typer(
    name="risk-manager",
    cls=LazyGroup,
    help="Real-time risk manager for TopstepX / ProjectX futures accounts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.callback()(_root)


if __name__ == "__main__":
    app()
