"""014 max_loss_limit: a mirror of the firm's trailing Maximum Loss Limit, with a margin before it.

Breach: account balance + open unrealized <= floor + buffer -> flatten, locked until the daily reset. The
floor is ``floor`` (or starting_balance - drawdown) at first; at each daily reset it becomes
``max(floor, end-of-day balance - drawdown)``, never above starting_balance, and a stored floor and the
configured one -> the higher: it never falls. The trailed floor is a figure the engine keeps in
``state.figures`` and persists (``at_reset``); the rule itself stays a pure function of the state.

Balance = the broker's balance (moves at each fill with realized P&L and fees). On a closing fill the
balance arrives with the account event after the trade and position updates: between them the figure
is late by an event (it under-counts the loss), never a false breach.
"""

from __future__ import annotations

from typing import ClassVar, Self
from zoneinfo import ZoneInfo

from pydantic import Field, model_validator

from risk_manager.domain.events import AccountEvent, PositionEvent, QuoteEvent, TradeEvent
from risk_manager.domain.state import AccountState
from risk_manager.rules.base import EngineEvent, LockoutSpec, Rule, RuleContext, Violation
from risk_manager.rules.fmt import fmt_money
from risk_manager.rules.pnl import EPS, quote_without_position
from risk_manager.rules.selftest_moves import swing
from risk_manager.rules.spec import RuleSpec, SelfTestDriver
from risk_manager.schema.section import RuleConfig, field_error

FLOOR = "mll_floor"
_UNTIL_RESET = LockoutSpec("hard", "reset")


class MaxLossLimitConfig(RuleConfig):
    """014 max_loss_limit: balance + open unrealized <= floor + buffer flattens and locks until reset.

    The floor mirrors the firm's trailing Maximum Loss Limit: starting_balance - drawdown at first (or
    ``floor`` for an account that already trades), raised at each daily reset to the end-of-day balance -
    drawdown, never above starting_balance and never lowered.
    """

    required_when_enabled: ClassVar[tuple[str, ...]] = ("starting_balance", "drawdown")

    starting_balance: float | None = Field(default=None, gt=0)
    drawdown: float | None = Field(default=None, gt=0)
    buffer: float = Field(default=0.0, ge=0)  # the trader's margin above the floor
    floor: float | None = Field(default=None, gt=0)  # today's floor of an account that already trades

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        # checked whenever the values are there, enabled or not: a wrong pair is wrong either way
        if self.drawdown is not None and self.buffer >= self.drawdown:
            raise field_error("buffer", f"must be < drawdown ({self.drawdown:g}): the buffer sits above the "
                                        "floor, inside the drawdown")
        start = self.starting_balance
        if self.floor is not None and start is not None and self.floor > start:
            raise field_error("floor", f"must be <= starting_balance ({start:g}): the floor never trails "
                                       "above the starting balance")
        return self

    def first_floor(self) -> float:
        """The floor before any stored one: ``floor`` if given, else starting_balance - drawdown."""
        if self.floor is not None:
            return self.floor
        return (self.starting_balance or 0.0) - (self.drawdown or 0.0)


class MaxLossLimit(Rule):
    name = "max_loss_limit"
    triggers = frozenset({QuoteEvent, PositionEvent, TradeEvent, AccountEvent})
    locks = True

    def __init__(self, cfg: MaxLossLimitConfig) -> None:
        self.cfg = cfg
        self._start = cfg.starting_balance or 0.0
        self._drawdown = cfg.drawdown or 0.0
        self._first = cfg.first_floor()

    def floor(self, st: AccountState) -> float:
        """Today's floor: the stored one and the configured one -> the higher, capped at the start."""
        stored = st.figures.get(FLOOR)
        return min(self._start, self._first if stored is None else max(stored, self._first))

    def equity(self, st: AccountState) -> float:
        return st.balance + st.unrealized_total()

    def evaluate(self, event: EngineEvent, ctx: RuleContext) -> list[Violation]:
        st = ctx.state
        if st.balance == 0.0 or quote_without_position(event, ctx):
            return []  # no balance seen yet (no account event): nothing to judge against
        floor = self.floor(st)
        line = floor + self.cfg.buffer
        equity = self.equity(st)
        if equity > line + EPS:
            return []
        message = (f"balance + unrealized {fmt_money(equity)} <= floor {fmt_money(floor)} + buffer "
                   f"{fmt_money(self.cfg.buffer)}")
        return [Violation(self.name, message, action="flatten", lockout=_UNTIL_RESET)]

    def utilization(self, ctx: RuleContext) -> float | None:
        """Share of the room between the starting point of today and floor + buffer that is used."""
        st = ctx.state
        line = self.floor(st) + self.cfg.buffer
        room = self._drawdown - self.cfg.buffer
        if room <= 0:
            return None
        return max(0.0, min(1.0, 1.0 - (self.equity(st) - line) / room)) if st.balance else 0.0

    def at_reset(self, ctx: RuleContext) -> dict[str, float]:
        """Trail the floor from the end-of-day balance (realized, after fees): it only ever rises."""
        st = ctx.state
        floor = self.floor(st)
        if st.balance > 0:
            floor = max(floor, min(self._start, st.balance - self._drawdown))
        return {FLOOR: floor}

    def figures(self, st: AccountState) -> dict[str, float]:
        """Floor, floor + buffer, equity (balance + open unrealized) and the distances to both (dashboard)."""
        floor = self.floor(st)
        line = floor + self.cfg.buffer
        equity = self.equity(st)
        return {"floor": round(floor, 2), "line": round(line, 2), "equity": round(equity, 2),
                "to_floor": round(equity - floor, 2), "to_line": round(equity - line, 2)}


def _text(rule: MaxLossLimit, ctx: RuleContext, tz: ZoneInfo) -> str:
    if ctx.state.balance == 0.0:
        return "no balance yet"
    f = rule.figures(ctx.state)
    return (f"{fmt_money(f['to_line'])} above floor + buffer {fmt_money(f['line'])}, "
            f"{fmt_money(f['to_floor'])} above floor {fmt_money(f['floor'])}")


def _selftest(h: SelfTestDriver, cfg: MaxLossLimitConfig) -> None:
    line = min(cfg.starting_balance or 0.0, cfg.first_floor()) + cfg.buffer
    swing(h, -max(h.balance - line, 1.0), up=False, close=False)


SPEC = RuleSpec(
    key="max_loss_limit",
    id="014",
    config=MaxLossLimitConfig,
    rule=MaxLossLimit,
    text=_text,
    selftest=_selftest,
)
