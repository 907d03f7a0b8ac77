"""The `risk-manager` command."""

from __future__ import annotations

import typer

from risk_manager.cli.admin_cmd import admin_app
from risk_manager.cli.config_cmd import config_app
from risk_manager.cli.demo_cmd import demo
from risk_manager.cli.replay_cmd import replay
from risk_manager.cli.run_cmd import run
from risk_manager.cli.service_cmd import service_app
from risk_manager.cli.sim_cmd import sim
from risk_manager.cli.trader_cmd import trader_app

app = typer.Typer(
    name="risk-manager",
    help="Real-time risk manager for TopstepX / ProjectX futures accounts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(config_app, name="config")
app.add_typer(admin_app, name="admin")
app.add_typer(trader_app, name="trader")
app.add_typer(service_app, name="service")
app.command()(replay)
app.command()(run)

app.command()(sim)
app.command()(demo)


if __name__ == "__main__":
    app()
