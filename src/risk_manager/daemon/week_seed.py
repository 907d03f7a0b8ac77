"""After a restart, rebuild what the account rules carry over days (SPEC §7b).

- The MLL floor (rule 014) and any other carried figure: from the store.
- The P&L of the week's finished days (rules 015/016): the trades stored for those days, merged with
  ``Trade/search`` from the start of the week's Monday trading day (the daemon may have been down for a
  day, or for part of one): deduplicated by trade id, voided trades left out.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta

from risk_manager.broker.port import Trade
from risk_manager.domain.events import MalformedEvent, parse_time
from risk_manager.domain.state import AccountState
from risk_manager.engine.engine import Engine
from risk_manager.store import Store

log = logging.getLogger("risk_manager.daemon")
WEEKLY_RULES = frozenset({"weekly_loss_limit", "weekly_profit_target"})
FetchTrades = Callable[[int, str, str], Awaitable[list[Trade]]]


def restore_figures(st: AccountState, store: Store) -> None:
    st.figures.update(store.load_figures(st.name))


def week_start(engine: Engine, today: date, now: datetime) -> tuple[date, datetime]:
    """The label of the week's Monday trading day and the instant it began."""
    monday = today - timedelta(days=today.weekday())
    inside = engine.td.start(now) - timedelta(days=(today - monday).days) + timedelta(hours=12)
    return monday, engine.td.start(inside)


async def seed_week(st: AccountState, store: Store, engine: Engine, now: datetime,
                    fetch: FetchTrades | None) -> int:
    """Fill ``st.past_days`` with the week's finished days; returns how many days carry trades."""
    today = engine.day
    if today is None or not any(r.name in WEEKLY_RULES for r in engine.rules_of(st.name).rules):
        return 0
    monday, start = week_start(engine, today, now)
    if monday >= today:
        return 0
    # trade id -> (label, gross P&L, fees, voided); voiding is final, whichever source says so
    seen: dict[str, tuple[date, float, float, bool]] = {}
    for d in (monday + timedelta(days=i) for i in range((today - monday).days)):
        for t in store.trades_for_day(st.name, d):
            seen[t.trade_id] = (d, t.pnl or 0.0, t.fees, t.voided)
    if fetch is not None:
        try:
            fetched = await fetch(st.account_id, start.isoformat(), engine.td.start(now).isoformat())
        except Exception as e:  # the stored days still count; say what may be missing
            log.error("Trade/search for the week of %s failed (%s): the weekly P&L uses stored days only",
                      st.name, f"{type(e).__name__}: {e}"[:200])
            fetched = []
        for trade in fetched:
            _merge(seen, trade, engine)
    days: dict[date, tuple[float, float]] = {}
    for label, pnl, fees, voided in seen.values():
        if not voided and monday <= label < today:
            gross, paid = days.get(label, (0.0, 0.0))
            days[label] = (gross + pnl, paid + fees)
    for label, (gross, fees) in sorted(days.items()):
        st.past_days.close(label, gross, fees)
    return len(days)


def _merge(seen: dict[str, tuple[date, float, float, bool]], t: Trade, engine: Engine) -> None:
    try:
        at = parse_time(t.at_iso)
    except MalformedEvent:
        return
    key = str(t.id)
    old = seen.get(key)
    if old is None:
        seen[key] = (engine.td.label(at), t.profit_and_loss or 0.0, t.fees, t.voided)
    elif t.voided and not old[3]:
        seen[key] = (*old[:3], True)
