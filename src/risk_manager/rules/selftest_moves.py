"""Moves shared by the self-test cases of the P&L rules: open one ES contract and move the market."""

from __future__ import annotations

import math

from risk_manager.domain.enums import Side
from risk_manager.rules.spec import SelfTestDriver


def points(contract_tick: float, tick_value: float, dollars: float) -> float:
    """Whole ticks, as price points, that move one contract by more than ``dollars``."""
    return (math.ceil(abs(dollars) / tick_value) + 2) * contract_tick


def swing(h: SelfTestDriver, dollars: float, up: bool, close: bool) -> None:
    """Buy one ES, move the market by more than ``dollars`` (up or down), optionally sell it again."""
    c = h.contract("ES")
    h.quote("ES", 6000.0)
    h.market("ES", Side.BUY, 1)
    move = points(c.tick_size, c.tick_value, dollars)
    h.advance(1)
    h.quote("ES", 6000.0 + move if up else 6000.0 - move)
    if close:
        h.advance(1)
        h.market("ES", Side.SELL, 1)
