"""One line per rule for the dashboard: its current value against its limit ("3/3 trades this hour").

Read-only and display-only: values come from the account state with the rules' own helpers (weights,
daily P&L, trade counts), so the line shows what the rule sees. Disabled rules say "off".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from risk_manager.config import Config, Duration
from risk_manager.control.fmt import local_hhmm, money
from risk_manager.control.rule_text_guard import GUARD_TEXT
from risk_manager.domain.state import AccountState
from risk_manager.rules._common import daily_pnl, fmt_count, position_root, weight_of
from risk_manager.rules.base import RuleContext

Text = Callable[[Any, RuleContext, ZoneInfo], str]


def _max_contracts(cfg: Any, ctx: RuleContext, tz: ZoneInfo) -> str:
    total = 0.0
    for pos in ctx.state.positions.values():
        size = pos.size * weight_of(pos, ctx, cfg.micro_weight)
        total += {"net": size, "gross": abs(size), "long": max(size, 0.0)}.get(cfg.count, max(-size, 0.0))
    return f"{fmt_count(abs(total))}/{cfg.limit} contracts ({cfg.count})"


def _per_instrument(cfg: Any, ctx: RuleContext, tz: ZoneInfo) -> str:
    roots: dict[str, int] = {}
    for pos in ctx.state.positions.values():
        root = position_root(ctx.state, pos)
        roots[root] = roots.get(root, 0) + abs(pos.size)
    parts = [f"{root} {n}/{cfg.limit_for(root)}" for root, n in sorted(roots.items())
             if cfg.limit_for(root) is not None]
    return ", ".join(parts) if parts else "no limited position"


def _daily_pnl(field: str) -> Text:
    def text(cfg: Any, ctx: RuleContext, tz: ZoneInfo) -> str:
        what = "daily P&L" if cfg.include_unrealized else "daily realized P&L"
        return f"{what} {money(daily_pnl(None, ctx, cfg.include_unrealized))} / {money(getattr(cfg, field))}"
    return text


def _worst(cfg: Any, ctx: RuleContext, tz: ZoneInfo) -> str:
    values = [p.unrealized for p in ctx.state.positions.values() if p.unrealized is not None]
    return f"worst position {money(min(values, default=0.0))} / {money(cfg.limit)}"


def _best(cfg: Any, ctx: RuleContext, tz: ZoneInfo) -> str:
    values = [p.unrealized for p in ctx.state.positions.values() if p.unrealized is not None]
    return f"best position {money(max(values, default=0.0))} / {money(cfg.target)}"


def _trade_count(state: AccountState, span: timedelta | None, ctx: RuleContext) -> int:
    """Trades in (now - span, now], or this trading day up to now (same count as rule 006)."""
    upto_now = state.entries_today - state.entries_since(ctx.now)
    if span is None:
        return upto_now
    return upto_now - (state.entries_today - state.entries_since(ctx.now - span))


def _frequency(cfg: Any, ctx: RuleContext, tz: ZoneInfo) -> str:
    windows = [(cfg.per_minute, timedelta(seconds=60), "this minute"),
               (cfg.per_hour, timedelta(hours=1), "this hour"),
               (cfg.per_session, None, "this trading day")]
    best: tuple[float, str] | None = None
    for limit, span, label in windows:
        if limit is None:
            continue
        count = _trade_count(ctx.state, span, ctx)
        if best is None or count / limit > best[0]:
            best = (count / limit, f"{count}/{limit} trades {label}")
    return best[1] if best else "no window set"


def _tiers(cfg: Any, ctx: RuleContext, tz: ZoneInfo) -> str:
    tiers = sorted(cfg.tiers, key=lambda t: -t.loss)
    return "a loss of " + ", ".join(f"{money(t.loss)} -> {_dur(t.cooldown)}" for t in tiers)


def _dur(d: Duration) -> str:
    return "until reset" if d.until_reset else str(d)


def _grace(cfg: Any, ctx: RuleContext, tz: ZoneInfo) -> str:
    positions = [p for p in ctx.state.positions.values() if p.size]
    if not positions:
        return f"no position (grace {cfg.grace_period_seconds:g}s)"
    bare = [p for p in positions if p.unprotected_since is not None]
    if not bare:
        return "every position has a stop"
    p = min(bare, key=lambda q: q.unprotected_since or ctx.now)
    waited = (ctx.now - (p.unprotected_since or ctx.now)).total_seconds()
    return f"{p.root} without a stop for {max(waited, 0.0):.0f}s / {cfg.grace_period_seconds:g}s"


def _session(cfg: Any, ctx: RuleContext, tz: ZoneInfo) -> str:
    session, now = ctx.session, ctx.now
    if session is None:
        return "no session window"
    try:
        end = session.current_end(now)
        if end is not None:
            return f"session open until {local_hhmm(end, now, tz)}"
        nxt = session.next_start(now)
    except LookupError:
        return "no session ahead"
    return f"outside the session (opens {local_hhmm(nxt, now, tz)})"


def _can_trade(cfg: Any, ctx: RuleContext, tz: ZoneInfo) -> str:
    return f"canTrade {'true' if ctx.state.can_trade else 'false'}"


def _blocked(cfg: Any, ctx: RuleContext, tz: ZoneInfo) -> str:
    return "blocked: " + ", ".join(cfg.blocked)


def _management(cfg: Any, ctx: RuleContext, tz: ZoneInfo) -> str:
    parts = []
    if cfg.breakeven is not None:
        b = cfg.breakeven
        parts.append(f"breakeven at +{b.trigger_ticks} ticks (offset {b.offset_ticks})")
    if cfg.trailing is not None:
        t = cfg.trailing
        parts.append(f"trailing {t.distance_ticks} ticks after +{t.activation_ticks}")
    return ", ".join(parts)


VALUE_TEXT: dict[str, Text] = {
    "max_contracts": _max_contracts,
    "max_contracts_per_instrument": _per_instrument,
    "daily_realized_loss": _daily_pnl("limit"),
    "daily_unrealized_loss": _worst,
    "max_unrealized_profit": _best,
    "trade_frequency_limit": _frequency,
    "cooldown_after_loss": _tiers,
    "no_stop_loss_grace": _grace,
    "session_block_outside": _session,
    "auth_loss_guard": _can_trade,
    "symbol_blocks": _blocked,
    "trade_management": _management,
    "daily_realized_profit": _daily_pnl("target"),
    **GUARD_TEXT,
}


def value_text(config: Config, rule: str, ctx: RuleContext) -> str:
    """The rule's current value against its setting; "off" when disabled, never raises."""
    section = config.rules_for(ctx.state.name).rule(rule)
    if not section.enabled:
        return "off"
    try:
        return VALUE_TEXT[rule](section, ctx, config.schedule.tz)
    except Exception as e:  # a display line must never break the status endpoint
        return f"(no value: {type(e).__name__})"
