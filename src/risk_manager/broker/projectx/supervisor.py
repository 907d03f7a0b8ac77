"""The connection supervisor: one task, one bounded check per interval, never dies.

Detects a dead or stale link (hub task ended, flags down, a pysignalr self-reconnect, GatewayLogout, no
quotes while positions are open, a token refreshed since the hubs connected), reports DEGRADED at once and
DOWN if not recovered within ``down_after``, rebuilds broken links with backoff 1, 2, 4 ... ``backoff_cap``
seconds (logging in again when a hub died of a 401 or attempts keep failing), then reports CONNECTED and
awaits ``on_reconnected`` so the daemon reconciles over REST (events during a gap are lost for good).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from risk_manager.broker.projectx.dispatch import Dispatch
from risk_manager.broker.projectx.link import HubLink
from risk_manager.broker.projectx.session import AuthenticationFailed, ProjectXSession
from risk_manager.broker.stream import LinkState, Reconnected, StateSink

log = logging.getLogger(__name__)


class Supervisor:
    def __init__(self, session: ProjectXSession, links: list[HubLink], dispatch: Dispatch,
                 wanted: Callable[[], set[str]], on_state: StateSink, on_reconnected: Reconnected, *,
                 monotonic: Callable[[], float], down_after: float = 5.0, stale_after: float = 30.0,
                 backoff_cap: float = 10.0, reconcile_timeout: float = 60.0,
                 relogin_every: float = 30.0) -> None:
        self._session, self._links, self._dispatch, self._wanted = session, links, dispatch, wanted
        self._on_state, self._on_reconnected, self._now = on_state, on_reconnected, monotonic
        self._down_after, self._stale_base, self._backoff_cap = down_after, stale_after, backoff_cap
        self._stale_limit = stale_after
        self._reconcile_timeout, self._relogin_every = reconcile_timeout, relogin_every
        self.state = LinkState.CONNECTING
        self.reason = ""
        self.failures = 0
        self.recoveries = 0
        self._next_attempt = 0.0
        self._last_login = monotonic()
        self._down: asyncio.TimerHandle | None = None

    # ---- entry points --------------------------------------------------------------------------------------

    async def connect_initial(self) -> bool:
        self._set(LinkState.CONNECTING, "connecting")
        if await self._recover({link: "initial connect" for link in self._links}):
            self._connected(reconcile=False)
            return True
        self._failed()
        self._set(LinkState.DOWN, f"initial connect failed: {self.reason}")
        return False

    async def run(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception:  # a bug here must not leave the daemon deaf: log and check again next tick
                log.exception("connection supervisor check failed")

    async def tick(self) -> None:
        try:
            await self._session.ensure_fresh()  # proactive, at ~80 % of the token's life
        except AuthenticationFailed as e:
            log.warning("proactive token refresh failed: %s", e)
        broken = self._broken()
        if not broken:
            if self.state is not LinkState.CONNECTED:
                await self._reconnected()
            else:
                await self._sync_quotes()
            return
        if self.state is LinkState.CONNECTED:
            self._degrade("; ".join(f"account {k.account_id}: {v}" for k, v in broken.items()))
        if self._now() < self._next_attempt:
            return
        if await self._recover(broken):
            await self._reconnected()
        else:
            self._failed()

    def cancel_timers(self) -> None:
        if self._down is not None:
            self._down.cancel()
            self._down = None

    # ---- detection -----------------------------------------------------------------------------------------

    def _broken(self) -> dict[HubLink, str]:
        out: dict[HubLink, str] = {}
        for link in self._links:
            reason = link.problem()
            if reason is None and link.built_generation != self._session.generation:
                reason = "token refreshed; reconnecting hubs with the new token"
            if reason is not None:
                out[link] = reason
        quote_link = next((k for k in self._links if k.carries_quotes), None)
        if quote_link is not None and quote_link not in out and quote_link.subscribed:
            silent = self._now() - self._dispatch.last_quote
            if silent >= self._stale_limit:
                out[quote_link] = f"no quotes for {silent:.0f}s with positions open"
                self._stale_limit = min(self._stale_limit * 2, 10 * self._stale_base)  # quiet market
            elif silent < self._stale_base:
                self._stale_limit = self._stale_base
        return out

    # ---- recovery ------------------------------------------------------------------------------------------

    async def _recover(self, broken: dict[HubLink, str]) -> bool:
        self.recoveries += 1
        now = self._now()
        relogin = any(link.needs_login() for link in broken) or (
            self.failures > 0 and now - self._last_login >= self._relogin_every)
        if relogin or self._session.refresh_due():
            try:
                await self._session.refresh(if_generation=self._session.generation)
                self._last_login = now
            except AuthenticationFailed as e:
                self.reason = f"login failed: {e}"
                log.warning("reconnect attempt %d failed: %s", self.failures + 1, self.reason)
                return False
        generation, token, wanted = self._session.generation, self._session.token, set(self._wanted())
        targets = [k for k in self._links if k in broken or k.built_generation != generation]
        reasons = await asyncio.gather(*(k.build(token, generation, wanted) for k in targets))
        failed = [f"account {k.account_id}: {r}" for k, r in zip(targets, reasons, strict=True) if r]
        if failed:
            self.reason = "; ".join(failed)
            log.warning("reconnect attempt %d failed: %s", self.failures + 1, self.reason)
            return False
        return all(k.problem() is None for k in self._links)

    def _failed(self) -> None:
        self.failures += 1
        delay = min(2.0 ** (self.failures - 1), self._backoff_cap)
        self._next_attempt = self._now() + delay

    async def _reconnected(self) -> None:
        self._connected(reconcile=True)
        try:
            async with asyncio.timeout(self._reconcile_timeout):
                await self._on_reconnected()
        except Exception:
            log.exception("on_reconnected (REST reconcile) failed")

    def _connected(self, *, reconcile: bool) -> None:
        self.cancel_timers()
        self.failures, self._next_attempt = 0, 0.0
        self._set(LinkState.CONNECTED, "reconnected; reconciling" if reconcile else "connected")

    async def _sync_quotes(self) -> None:
        wanted = set(self._wanted())
        for link in self._links:
            if link.carries_quotes and link.subscribed != wanted:
                await link.sync_quotes(wanted)

    # ---- state ---------------------------------------------------------------------------------------------

    def _degrade(self, reason: str) -> None:
        self.reason = reason
        self._set(LinkState.DEGRADED, reason)
        if self._down is None:
            self._down = asyncio.get_running_loop().call_later(self._down_after, self._go_down)

    def _go_down(self) -> None:
        self._down = None
        if self.state is LinkState.DEGRADED:
            self._set(LinkState.DOWN, f"not recovered within {self._down_after:g}s: {self.reason}")

    def _set(self, state: LinkState, reason: str) -> None:
        if state is self.state and state is not LinkState.CONNECTING:
            return
        self.state = state
        level = logging.WARNING if state in (LinkState.DEGRADED, LinkState.DOWN) else logging.INFO
        log.log(level, "link %s: %s", state, reason)
        try:
            self._on_state(state, reason)
        except Exception:
            log.exception("on_state callback failed")
