"""The trader dashboard (``risk-manager trader``): a view-only Textual app over the control API.

Two timers: ``poll`` asks the provider for a status snapshot every ``refresh`` seconds (off the UI thread,
never two at once); ``tick`` redraws every ``tick`` seconds from the last snapshot, with countdowns reduced
by the time elapsed since it arrived, so they move each second even if a poll is slow. No key weakens
protection: ``q`` quits, ``?`` shows what the risk manager can and cannot do and ``l`` offers the trader's own
lockout (after a confirmation; SPEC §7b).
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import sys
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, ClassVar

from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.widgets import Footer, Static, Tab, Tabs

from risk_manager.tui import header, render
from risk_manager.tui.lock_screen import Locker, LockScreen
from risk_manager.tui.model import Json, monitoring_problem
from risk_manager.tui.panels import fill_account
from risk_manager.tui.provider import client_provider, describe_failure
from risk_manager.tui.styles import DASHBOARD_CSS

Provider = Callable[[], Mapping[str, Any] | Awaitable[Mapping[str, Any]]]
Clock = Callable[[], float]
NARROW = 110  # columns below which the panels stack


class DashboardApp(App[None]):
    CSS = DASHBOARD_CSS
    TITLE = "Risk Manager — trader"
    ENABLE_COMMAND_PALETTE = False  # view-only: nothing to run
    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "quit", "Quit"),
                                              Binding("question_mark", "help", "What it does"),
                                              Binding("l", "lock", "Lock myself out")]

    def __init__(self, provider: Provider, refresh: float = 1.0, *, tick: float | None = None,
                 monotonic: Clock = time.monotonic, stale_after: float | None = None,
                 autopoll: bool = True, locker: Locker | None = None) -> None:
        super().__init__()
        self.locker = locker  # None: the lock key only says it is not available here
        self.lock_message: str | None = None
        self.provider = provider
        self.refresh_seconds = refresh
        # twice a second: a 1 s timer drifting against the wall clock would now and then skip a second
        self.tick_seconds = tick if tick is not None else min(refresh, 0.5)
        self.monotonic = monotonic
        # A hung daemon is as bad as a dead one: after this long without an answer, say so.
        self.stale_after = stale_after if stale_after is not None else max(5.0, 3 * refresh)
        self.autopoll = autopoll
        self.status: Json | None = None
        self.received_at: float | None = None
        self.error: str | None = None
        self.selected: str | None = None
        self._tab_names: list[str] = []
        self._polling = False
        self.polls = 0

    def compose(self) -> ComposeResult:
        yield Static("connecting to the risk daemon…", id="header")
        yield Static("", id="banner")
        yield Static(render.trader_help(), id="help")
        yield Tabs(id="accounts")
        with VerticalScroll(id="body"):
            with Horizontal(id="top"):
                with Vertical(id="left"):
                    yield Static("", id="badge")
                    yield Static("", id="clockin")
                    yield Static("", id="pnl")
                yield Static("", id="positions")
            yield Static("", id="rules")
            yield Static("", id="log")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#banner").display = False
        self.query_one("#help").display = False
        self.query_one("#accounts").display = False
        self.set_interval(self.tick_seconds, self.refresh_view)
        if self.autopoll:
            self.set_interval(self.refresh_seconds, self.poll)
            self.call_later(self.poll)

    def action_help(self) -> None:
        """``?`` shows or hides what the risk manager can and cannot do (it changes nothing)."""
        panel = self.query_one("#help")
        panel.display = not panel.display

    def on_resize(self, event: events.Resize) -> None:
        # narrow terminals: stack the panels (Textual CSS has no media queries)
        with contextlib.suppress(NoMatches):  # a resize before the widgets exist
            self.query_one("#top").set_class(event.size.width < NARROW, "narrow")

    async def poll(self) -> None:
        """One status request; a failure is shown, never raised (the next poll retries)."""
        if self._polling:
            return
        self._polling = True
        try:
            result = await asyncio.to_thread(self.provider)
            if inspect.isawaitable(result):
                result = await result
            self.status, self.received_at, self.error = result, self.monotonic(), None
        except Exception as exc:  # any failure means "not monitored" until an answer comes back
            self.error = describe_failure(exc)
        finally:
            self._polling = False
            self.polls += 1
        try:
            await self._sync_tabs()
        except NoMatches:  # the app is shutting down with this poll in flight
            return
        self.refresh_view()

    async def _sync_tabs(self) -> None:
        names = [str(a.get("name") or a.get("id")) for a in (self.status or {}).get("accounts") or []]
        if names == self._tab_names:
            return
        self._tab_names = names
        tabs = self.query_one("#accounts", Tabs)
        await tabs.clear()
        for i, name in enumerate(names):
            await tabs.add_tab(Tab(name, id=f"acct-{i}"))
        if self.selected in names:
            tabs.active = f"acct-{names.index(self.selected)}"
        else:
            self.selected = names[0] if names else None
        tabs.display = len(names) > 1

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        tab_id = event.tab.id or ""
        if tab_id.startswith("acct-") and int(tab_id[5:]) < len(self._tab_names):
            self.selected = self._tab_names[int(tab_id[5:])]
            self.refresh_view()

    def problem(self) -> str | None:
        """Why the trader is not protected right now, or None."""
        if self.error is not None:
            return self.error
        age = self.age()
        if self.status is not None and age is not None and age > self.stale_after:
            return f"the daemon has not answered for {age:.0f}s"
        return monitoring_problem(self.status) if self.status is not None else None

    def action_lock(self) -> None:
        account = self.selected if len(self._tab_names) > 1 else None
        self.push_screen(LockScreen(account), lambda choice: self._lock(account, choice))

    def _lock(self, account: str | None, choice: tuple[str, bool] | None) -> None:
        if choice is None:
            self.notify("not locked")
            return
        if self.locker is None:
            self.notify("locking is not available in this view", severity="error")
            return
        duration, flatten = choice
        try:
            answer = self.locker(account, duration, flatten)
        except Exception as exc:
            self.notify(f"NOT locked: {describe_failure(exc)}", severity="error", timeout=10)
            return
        locks = (answer or {}).get("locks") or []
        self.lock_message = "; ".join(f"{x.get('account')} locked until {x.get('until')}" for x in locks)
        self.notify(self.lock_message or "locked", severity="warning", timeout=10)
        self.call_later(self.poll)

    def age(self) -> float | None:
        return None if self.received_at is None else max(0.0, self.monotonic() - self.received_at)

    def account(self) -> Json | None:
        accounts: list[Json] = list((self.status or {}).get("accounts") or [])
        for acc in accounts:
            if str(acc.get("name") or acc.get("id")) == self.selected:
                return acc
        return accounts[0] if accounts else None

    def refresh_view(self) -> None:
        with contextlib.suppress(NoMatches):  # a last timer tick during shut-down, widgets gone
            self._refresh_view()

    def _refresh_view(self) -> None:
        elapsed = self.age() or 0.0
        problem = self.problem()
        banner = self.query_one("#banner", Static)
        banner.display = problem is not None
        if problem is not None:
            banner.update(render.not_monitored(problem, self.age()))
        if self.status is None:
            if problem is None:
                return
            self.query_one("#header", Static).update("RISK MANAGER — waiting for the daemon…")
        else:
            self.query_one("#header", Static).update(
                header.header(self.status, elapsed, self.age(), live=self.live()))
        self.query_one("#body").set_class(problem is not None, "stale")
        stale_for = None if self.live() else self.age()
        fill_account(self, self.status, self.account(), elapsed, problem, stale_for)

    def live(self) -> bool:
        """Whether the last snapshot is the daemon's current word: it answered the last poll, recently.
        Anything older is never shown as if it were live (header state, positions, P&L, rules)."""
        age = self.age()
        return self.error is None and age is not None and age <= self.stale_after


class NotATerminal(RuntimeError):
    """The dashboard draws on a terminal; stdin or stdout is a pipe or a file here."""


def run_dashboard(endpoint: str, refresh: float = 1.0) -> None:
    """Open the dashboard against the control socket ``endpoint`` (blocks until the trader presses q)."""
    from risk_manager.control.client import ControlClient

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise NotATerminal("the dashboard needs a terminal (stdin and stdout are not one here); for one "
                           "screen of text use `risk-manager trader status`")

    def locker(account: str | None, duration: str, flatten: bool) -> Any:
        with ControlClient(endpoint) as client:
            return client.self_lock(duration, flatten, account)

    DashboardApp(client_provider(endpoint), refresh, locker=locker).run()
