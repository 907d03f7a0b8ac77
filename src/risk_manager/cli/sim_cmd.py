"""`risk-manager sim`: run the ProjectX Gateway simulator until stopped (Ctrl+C / SIGTERM)."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from pathlib import Path
from typing import Annotated

import typer

EXIT_BAD_INPUT = 2


def sim(
    host: Annotated[str, typer.Option(help="Interface to bind (keep loopback: the SDK allows plain http "
                                           "only for 127.0.0.1 and localhost).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port; 0 picks a free one.")] = 8765,
    account: Annotated[list[str] | None, typer.Option("--account", help="Account name (repeatable). "
                                                      "Default: PRAC-1.")] = None,
    balance: Annotated[float, typer.Option(help="Starting balance of --account accounts.")] = 50_000.0,
    fees: Annotated[float, typer.Option("--fees", help="Fees per contract per side.")] = 0.0,
    scenario: Annotated[Path | None, typer.Option(help="Scenario file (SPEC §13 JSON lines): scripted "
                                                       "prices and trader actions.")] = None,
    speed: Annotated[float, typer.Option(help="Scenario replay speed factor.")] = 1.0,
    bare_events: Annotated[bool, typer.Option("--bare-events", help="Send user-hub payloads bare instead "
                                                                   "of {action, data}.")] = False,
    username: Annotated[str | None, typer.Option(help="Only this username may log in.")] = None,
    api_key: Annotated[str | None, typer.Option("--api-key", help="Only this API key is accepted "
                                                "(default: any key of >= 10 characters).")] = None,
    seed: Annotated[int, typer.Option(help="Random-walk seed.")] = 0,
    quote_rate: Annotated[float, typer.Option("--quote-rate", help="Quotes per second per contract.")] = 4.0,
    token_ttl: Annotated[float, typer.Option("--token-ttl", help="JWT lifetime in seconds.")] = 86_400.0,
    rate_limit: Annotated[int, typer.Option("--rate-limit", help="Requests per 60 s per token; "
                                            "0 disables.")] = 200,
    liquidity: Annotated[int | None, typer.Option("--liquidity", min=1, help="Contracts one order can fill "
                                                  "per touch (larger orders fill partly over several "
                                                  "quotes); default: all at once.")] = None,
) -> None:
    """Run a local ProjectX Gateway (REST + SignalR hubs + paper broker) that the real SDK connects to.

    Prints the base URL once ready (REST under /api, hubs under /hubs/user and /hubs/market, fault
    injection under /_sim/), then serves until interrupted.
    """
    from risk_manager.replay.scenario import ScenarioError
    from risk_manager.sim import SimOptions  # imported late: keeps `risk-manager --help` fast

    if quote_rate <= 0 or speed <= 0 or token_ttl <= 0:
        typer.echo("--quote-rate, --speed and --token-ttl must be positive", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    options = SimOptions(host=host, port=port, accounts=list(account or []), balance=balance,
                         fees_per_contract=fees, scenario=scenario, scenario_speed=speed,
                         bare_events=bare_events, username=username, api_key=api_key, seed=seed,
                         quote_rate=quote_rate, token_ttl=token_ttl, rate_limit=rate_limit,
                         liquidity=liquidity)
    try:
        asyncio.run(_serve(options))
    except ScenarioError as e:
        typer.echo(f"scenario: {e}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except OSError as e:
        typer.echo(f"cannot listen on {host}:{port}: {e.strerror or e}", err=True)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        pass


async def _serve(options: object) -> None:
    from risk_manager.sim import SimOptions, SimServer

    assert isinstance(options, SimOptions)
    server = SimServer(options)
    await server.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # Windows: Ctrl+C raises instead
            loop.add_signal_handler(sig, stop.set)
    try:
        print(server.base_url, flush=True)
        names = ", ".join(f"{a.name} (id {a.id})" for a in server.broker.accounts())
        print(f"accounts: {names}; REST {server.api_url}; hubs {server.user_hub_url}, "
              f"{server.market_hub_url}; faults {server.base_url}/_sim/", file=sys.stderr, flush=True)
        await stop.wait()
    finally:
        await server.stop()
