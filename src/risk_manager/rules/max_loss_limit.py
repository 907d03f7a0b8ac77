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

from risk_manager.config import MaxLossLimitConfig
from risk_manager.domain.events import AccountEvent, PositionEvent, QuoteEvent, TradeEvent
from risk_manager.domain.state import AccountState
from risk_manager.rules._common import EPS, fmt_money, quote_without_position
from risk_manager.rules.base import EngineEvent, LockoutSpec, Rule, RuleContext, Violation

FLOOR = "mll_floor"
_UNTIL_RESET = LockoutSpec("hard", "reset")


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
