"""006 trade_frequency_limit: too many trades in a minute, an hour or a trading day starts a cooldown.

A "trade" is one order that opened or increased a position; AccountState counts it once, at its first
opening fill (``Delta.new_entry``), so partial fills of one order count once. The trade that reaches the
limit starts the cooldown (limit 3 -> the 3rd trade). Counts are taken up to the event's own time, so a
trade delivered late by a reconcile is judged against the trades before it, not the ones after it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from pydantic import Field

from risk_manager.domain.enums import Side
from risk_manager.domain.events import TradeEvent
from risk_manager.domain.state import AccountState
from risk_manager.rules.base import EngineEvent, LockoutSpec, Rule, RuleContext, Violation
from risk_manager.rules.cooldowns import cooldown_spec, cooldown_violation, describe, lockout_end
from risk_manager.rules.spec import RuleSpec, SelfTestDriver
from risk_manager.schema.section import RuleConfig, field_error
from risk_manager.schema.values import Count, Duration, StrictModel

_MINUTE = timedelta(seconds=60)
_HOUR = timedelta(seconds=3600)


class FrequencyCooldownConfig(StrictModel):
    """How long each trade_frequency_limit window locks the account once it is reached."""

    per_minute: Duration = Duration("60s")
    per_hour: Duration = Duration("30m")
    per_session: Duration = Duration("until_reset")


class TradeFrequencyLimitConfig(RuleConfig):
    """006 trade_frequency_limit: trades in the last 60 s / 3600 s / trading day reaching a limit."""

    per_minute: Count | None = None
    per_hour: Count | None = None
    per_session: Count | None = None
    cooldown: FrequencyCooldownConfig = Field(default_factory=FrequencyCooldownConfig)
    flatten_on_breach: bool = False

    def check_enabled(self) -> None:
        if self.per_minute is None and self.per_hour is None and self.per_session is None:
            raise field_error("per_minute", "set per_minute, per_hour or per_session (the rule is enabled)")


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
        self.windows = [(limit, span, label, cooldown_spec(c), describe(c))
                        for limit, span, label, c in windows if limit is not None]

    @staticmethod
    def count(state: AccountState, span: timedelta | None, now: datetime) -> int:
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
        for limit, span, label, spec, text in self.windows:
            count = self.count(state, span, now)
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
        if not self.windows:
            return None
        return max(self.count(ctx.state, span, ctx.now) / limit for limit, span, *_ in self.windows)


def _text(rule: TradeFrequencyLimitRule, ctx: RuleContext, tz: ZoneInfo) -> str:
    """The window closest to its limit: "3/3 trades this hour"."""
    best: tuple[float, str] | None = None
    for limit, span, label, *_ in rule.windows:
        count = rule.count(ctx.state, span, ctx.now)
        if best is None or count / limit > best[0]:
            best = (count / limit, f"{count}/{limit} trades {label}")
    return best[1] if best else "no window set"


def _selftest(h: SelfTestDriver, cfg: TradeFrequencyLimitConfig) -> None:
    n = min(v for v in (cfg.per_minute, cfg.per_hour, cfg.per_session) if v is not None)
    h.quote("ES", 6000.0)
    for _i in range(n):  # all at one instant: inside every window, however high the limit
        h.market("ES", Side.BUY, 1)
        h.market("ES", Side.SELL, 1)


SPEC = RuleSpec(
    key="trade_frequency_limit",
    id="006",
    config=TradeFrequencyLimitConfig,
    rule=TradeFrequencyLimitRule,
    text=_text,
    selftest=_selftest,
)
