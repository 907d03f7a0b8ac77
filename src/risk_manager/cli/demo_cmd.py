"""`risk-manager demo [--headless] [--duration N] [--speed X]`: see the daemon stop a tilted trader."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer


def demo(
    headless: Annotated[bool, typer.Option("--headless", help="print journal records as JSON lines")] = False,
    duration: Annotated[float, typer.Option("--duration", min=5.0, help="seconds before exiting")] = 60.0,
    speed: Annotated[float, typer.Option("--speed", min=0.1, max=20.0, help="story pace (2 = twice as fast)")]
    = 1.0,
) -> None:
    """Simulator + daemon + a scripted tilted trader, all local: no account, no network."""
    from risk_manager.demo.run import run_demo  # keeps `--help` fast

    code = asyncio.run(run_demo(headless=headless, duration=duration, speed=speed))
    raise typer.Exit(code)
