"""006 trade_frequency_limit: too many trades in a minute, an hour or a trading day starts a cooldown.

A "trade" is one order that opened or increased a position; AccountState counts it once, at its first
opening fill (``Delta.new_entry``), so partial fills of one order count once. The trade that reaches the
limit starts the cooldown (limit 3 -> the 3rd trade). Counts are taken up to the event's own time, so a
trade delivered late by a reconcile is judged against the trades before it, not the ones after it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from risk_manager.config import Duration, TradeFrequencyLimitConfig
from risk_manager.domain.events import TradeEvent
from risk_manager.domain.state import AccountState
from risk_manager.rules._time import cooldown_spec, cooldown_violation, describe, lockout_end
from risk_manager.rules.base import EngineEvent, LockoutSpec, Rule, RuleContext, Violation

_MINUTE = timedelta(seconds=60)
_HOUR = timedelta(seconds=3600)


class TradeFrequencyLimitRule(Rule):
    name = "trade_frequency_limit"
    triggers = frozenset({TradeEvent})
    locks = True

    def __init__(self, config: TradeFrequencyLimitConfig) -> None:
        self.config = config
        cd = config.cooldown
        # (limit, window length or None for the trading day, label, cooldown); unset windows are skipped
        windows: list[tuple[int | None, timedelta | None, str, Duration]] = [
            (config.per_minute, _MINUTE, "this minute", cd.per_minute),
            (config.per_hour, _HOUR, "this hour", cd.per_hour),
            (config.per_session, None, "this trading day", cd.per_session),
        ]
        self._windows = [(limit, span, label, cooldown_spec(c), describe(c))
                         for limit, span, label, c in windows if limit is not None]

    @staticmethod
    def _count(state: AccountState, span: timedelta | None, now: datetime) -> int:
        """Trades in (now - span, now]; span None = the whole trading day up to now."""
        upto_now = state.entries_today - state.entries_since(now)
        if span is None:
            return upto_now
        return upto_now - (state.entries_today - state.entries_since(now - span))

    def evaluate(self, event: EngineEvent, ctx: RuleContext) -> list[Violation]:
        if not isinstance(event, TradeEvent) or not ctx.delta.new_entry:
            return []
        now, state = ctx.now, ctx.state
        parts: list[str] = []
        longest: tuple[datetime, LockoutSpec] | None = None
        for limit, span, label, spec, text in self._windows:
            count = self._count(state, span, now)
            if count < limit:
                continue
            parts.append(f"{count}/{limit} trades {label} (cooldown {text})")
            end = lockout_end(spec, now, ctx.trading_day)
            if longest is None or end > longest[0]:
                longest = (end, spec)
        if longest is None:
            return []
        # Several windows at once -> one violation carrying the lockout that ends last.
        return [cooldown_violation(self.name, "; ".join(parts), longest[1], self.config.flatten_on_breach)]

    def utilization(self, ctx: RuleContext) -> float | None:
        if not self._windows:
            return None
        return max(self._count(ctx.state, span, ctx.now) / limit for limit, span, *_ in self._windows)
