"""One account's realtime link: a fresh SDK client per (re)build, health checks, quote subscriptions."""

from __future__ import annotations

import asyncio
import logging

from project_x_py.models import ProjectXConfig

from risk_manager.broker.projectx.dispatch import Dispatch
from risk_manager.broker.projectx.hub_feeds import (
    bind_quotes,
    bind_user_events,
    drop_balance_feed,
    quotes_only,
)
from risk_manager.broker.projectx.hubs import (
    SupervisedRealtime,
    bounded,
    connect_fast,
    describe_end,
    ended_hub,
    hub_tasks,
    is_auth_failure,
)

log = logging.getLogger(__name__)


class HubLink:
    """User + market hub for ``account_id``. ``quotes=True`` marks the one link that carries market data;
    ``balances`` the accounts whose balance events it carries (the lead link carries every account's:
    the gateway sends every account's balance to each client subscribed to accounts, so the other links
    unsubscribe -- with 20 accounts, a fill otherwise cost 20 decoded copies of one balance event)."""

    def __init__(self, account_id: int, config: ProjectXConfig, dispatch: Dispatch, *, quotes: bool,
                 balances: frozenset[int] | None = None, connect_timeout: float = 12.0,
                 op_timeout: float = 5.0) -> None:
        self.account_id = account_id
        self.carries_quotes = quotes
        self.balances = frozenset({account_id}) if balances is None else balances
        self._config = config
        self._dispatch = dispatch
        self._connect_timeout = connect_timeout
        self._op_timeout = op_timeout
        self.rt: SupervisedRealtime | None = None
        self.built_generation = -1  # token generation the hubs connected with
        self.subscribed: set[str] = set()  # contracts whose quotes this client is subscribed to
        self.builds = 0
        self._lock = asyncio.Lock()

    @property
    def busy(self) -> bool:
        return self._lock.locked()

    async def build(self, token: str, generation: int, quotes: set[str]) -> str | None:
        """Tear down, then connect a brand-new client and subscribe. None on success, else the reason."""
        async with self._lock:
            await self._teardown()
            rt = SupervisedRealtime(jwt_token=token, account_id=str(self.account_id), config=self._config)
            self.rt = rt
            self.builds += 1
            wanted = sorted(quotes) if self.carries_quotes else []
            try:
                callbacks = self._dispatch.callbacks(self.account_id, self.balances)
                reason = await connect_fast(rt, self._connect_timeout)
                if reason is None and not (bind_user_events(rt, callbacks)
                                           and bind_quotes(rt, callbacks["quote_update"])):
                    reason = "hub connection missing after connect"
                if reason is None and not await bounded(rt.subscribe_user_updates(), self._op_timeout):
                    reason = "subscribing user updates failed"
                if reason is None and not self.balances:  # not fatal: the copies are only filtered out
                    await bounded(drop_balance_feed(rt), self._op_timeout)
                if reason is None and wanted and not await bounded(rt.subscribe_market_data(wanted),
                                                                   self._op_timeout):
                    reason = "subscribing quotes failed"
                if reason is None and wanted:  # not fatal: unwanted depth only costs CPU
                    await bounded(quotes_only(rt, wanted), self._op_timeout)
            except Exception as e:  # the SDK should not raise here; if it does, this attempt failed
                reason = f"build failed: {type(e).__name__}: {str(e)[:120]}"
            if reason is None:
                self.built_generation = generation
                self.subscribed = set(wanted)
                if wanted:
                    self._dispatch.reset_quote_clock()
            return reason

    def problem(self) -> str | None:
        """Why this link cannot be trusted right now (None = healthy). Cheap; no I/O."""
        rt = self.rt
        if rt is None:
            return "not connected"
        if rt.logout_seen:
            return "GatewayLogout received"
        ended = ended_hub(rt)
        if ended is not None:
            return describe_end(*ended)
        for hub, up in (("user", rt.user_connected), ("market", rt.market_connected)):
            if not up:
                return f"{hub} hub disconnected"
        for hub, n in rt.drops.items():
            if n:  # pysignalr reconnected by itself: events in the gap are lost and a retry was spent
                return f"{hub} hub dropped and reconnected"
        return None

    def needs_login(self) -> bool:
        """A hub died of a 401 at negotiate, or the gateway logged us out."""
        rt = self.rt
        if rt is None:
            return False
        ended = ended_hub(rt)
        return rt.logout_seen or (ended is not None and is_auth_failure(ended[1]))

    async def sync_quotes(self, wanted: set[str]) -> bool:
        """Subscribe/unsubscribe so quotes flow for exactly ``wanted``. Skips (False) while rebuilding."""
        rt = self.rt
        if not self.carries_quotes or rt is None or self._lock.locked() or self.problem() is not None:
            return False
        add, remove = sorted(wanted - self.subscribed), sorted(self.subscribed - wanted)
        if not add and not remove:
            return True
        async with self._lock:
            ok = True
            if remove:
                await bounded(rt.unsubscribe_market_data(remove), self._op_timeout)
                self.subscribed -= set(remove)  # a failed unsubscribe only costs unwanted quotes
            if add:
                if not self.subscribed:
                    self._dispatch.reset_quote_clock()
                ok = await bounded(rt.subscribe_market_data(add), self._op_timeout)
                if ok:
                    self.subscribed |= set(add)
                    await bounded(quotes_only(rt, add), self._op_timeout)
            return ok

    async def close(self) -> None:
        async with self._lock:
            await self._teardown()

    async def _teardown(self) -> None:
        rt, self.rt = self.rt, None
        self.subscribed = set()
        if rt is None:
            return
        for task in hub_tasks(rt).values():  # a hub that died of an error: retrieve it, or asyncio
            if task is not None and task.done() and not task.cancelled():  # logs "never retrieved"
                task.exception()
        try:
            async with asyncio.timeout(self._op_timeout):
                await rt.cleanup()  # disconnects both hubs (cancels pysignalr), clears callbacks
        except Exception as e:
            log.warning("realtime cleanup for account %s failed: %s", self.account_id, type(e).__name__)
