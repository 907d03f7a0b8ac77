"""``SimServer``: the ProjectX Gateway simulator (REST + user/market SignalR hubs + paper broker + feed).

    async with SimServer(SimOptions(port=0)) as sim:
        sim.base_url, sim.api_url, sim.user_hub_url, sim.market_hub_url   # point the SDK here
        sim.broker, sim.feed, sim.faults, sim.tokens, sim.log               # drive and inspect in-process
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from risk_manager.broker.paper import PaperBroker
from risk_manager.sim import admin, rest
from risk_manager.sim.auth import TokenStore
from risk_manager.sim.catalogue import sim_book
from risk_manager.sim.context import CTX, SimContext
from risk_manager.sim.faults import FaultPlan
from risk_manager.sim.feed import PriceFeed
from risk_manager.sim.hub import Hub
from risk_manager.sim.middleware import sim_middleware
from risk_manager.sim.options import SimOptions
from risk_manager.sim.ratelimit import EndpointLimits
from risk_manager.sim.reqlog import RequestLog
from risk_manager.sim.scenario import ScenarioRunner, Step, load_scenario
from risk_manager.sim.signalr import MARKET_TARGETS, USER_TARGETS
from risk_manager.sim.user_stream import UserStream

log = logging.getLogger(__name__)
DEFAULT_ACCOUNT = "PRAC-1"


class SimServer:
    def __init__(self, options: SimOptions | None = None, broker: PaperBroker | None = None) -> None:
        self.options = o = options or SimOptions()
        lines = load_scenario(o.scenario) if o.scenario is not None else None
        self.book = sim_book()
        self.broker = broker if broker is not None else PaperBroker(self.book, o.clock, o.fees_per_contract)
        self.tokens = TokenStore(o.clock, o.token_ttl, o.username, o.api_key)
        self.user_hub = Hub("user", self.tokens, USER_TARGETS, int)
        self.market_hub = Hub("market", self.tokens, MARKET_TARGETS, str)
        self.stream = UserStream(self.user_hub, self.broker, o.bare_events)
        self.feed = PriceFeed(self.book, self.market_hub, self.broker.on_quote, o.clock, o.seed, o.quote_rate,
                              walk=lines is None)
        self.faults = FaultPlan(o.hang_seconds)
        self.limiter = EndpointLimits(o.rate_limit, o.rate_window, o.bars_rate_limit, o.bars_rate_window)
        self.log = RequestLog(o.request_log_size)
        self.ctx = SimContext(o, o.clock, self.book, self.broker, self.tokens, self.limiter, self.faults,
                              self.log, self.user_hub, self.market_hub, self.stream, self.feed)
        self.broker.pending_cancel = o.pending_cancel
        self.broker.set_liquidity(o.liquidity)
        self.broker.subscribe(self.stream)
        self.feed.prime()
        self._setup_accounts(lines or [])
        self.scenario = ScenarioRunner(self.ctx, lines, max(o.scenario_speed, 1e-6)) if lines else None
        if self.scenario is not None:
            runner = self.scenario
            self.ctx.scenario_status = lambda: {"applied": runner.applied, "total": len(runner.lines),
                                                "finished": runner.finished, "errors": list(runner.errors)}
        self._runner: web.AppRunner | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self.port = 0

    def _setup_accounts(self, lines: list[Step]) -> None:
        seen: set[str] = set()
        for ln in lines:
            name = ln.data.get("name")
            if ln.do != "account" or not name or name in seen:
                continue
            seen.add(name)
            fees = ln.data.get("fees_per_contract")
            self.broker.add_account(str(name), float(ln.data.get("balance", self.options.balance)),
                                    bool(ln.data.get("canTrade", True)),
                                    None if fees is None else float(fees))
        names = list(self.options.accounts) or ([] if seen else [DEFAULT_ACCOUNT])
        for name in names:
            if name not in seen:
                seen.add(name)
                self.broker.add_account(name, self.options.balance, True)

    # ---- lifecycle ---------------------------------------------------------------------------------------

    def build_app(self) -> web.Application:
        app = web.Application(middlewares=[sim_middleware], client_max_size=1024 * 1024)
        app[CTX] = self.ctx
        rest.add_routes(app)
        admin.add_routes(app)
        for hub in (self.user_hub, self.market_hub):
            app.router.add_post(f"/hubs/{hub.name}/negotiate", hub.negotiate)
            app.router.add_get(f"/hubs/{hub.name}", hub.connect)

        async def on_shutdown(_: web.Application) -> None:
            await self.user_hub.close_all()
            await self.market_hub.close_all()

        app.on_shutdown.append(on_shutdown)
        return app

    async def start(self) -> None:
        self._runner = web.AppRunner(self.build_app(), access_log=None, shutdown_timeout=2.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.options.host, self.options.port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        self._spawn(self.feed.run(), "feed")
        self._spawn(self.user_hub.ping_loop(self.options.ping_interval), "user-ping")
        self._spawn(self.market_hub.ping_loop(self.options.ping_interval), "market-ping")
        if self.scenario is not None:
            self._spawn(self.scenario.run(), "scenario")

    def _spawn(self, coro: Coroutine[Any, Any, None], name: str) -> None:
        self._tasks.append(asyncio.create_task(coro, name=f"sim-{name}"))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, et: type[BaseException] | None, e: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.stop()

    # ---- addresses -----------------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        host = self.options.host
        if host in ("0.0.0.0", "", "::"):
            host = "127.0.0.1"  # the SDK accepts plain http only for 127.0.0.1 and localhost
        return f"http://{host}:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api"

    @property
    def user_hub_url(self) -> str:
        return f"{self.base_url}/hubs/user"

    @property
    def market_hub_url(self) -> str:
        return f"{self.base_url}/hubs/market"

    def account_id(self, name: str) -> int:
        acct = self.ctx.account_by_ref(name)
        if acct is None:
            raise KeyError(name)
        return acct.id
