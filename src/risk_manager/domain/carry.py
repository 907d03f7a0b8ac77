"""Figures an account carries beyond one event: the run of losing closing orders (rule 017) and the P&L of
the trading week's finished days (rules 015/016). Pure bookkeeping, fed by AccountState."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(slots=True)
class LossRun:
    """Closing orders of the trading day in the order they first filled: order id -> gross P&L so far.

    A closing order counts once however many partial fills it has; the run is the number of trailing
    orders whose P&L is < 0 (a closing order >= 0 ends it). Cleared at the daily reset.
    """

    orders: dict[int, float] = field(default_factory=dict)
    grew: bool = False  # the last fill counted made the run longer

    def add(self, order_id: int, pnl: float) -> None:
        """Count one closing fill (gross ``profitAndLoss``)."""
        before = self.run()
        self.orders[order_id] = self.orders.get(order_id, 0.0) + pnl
        self.grew = self.run() > before

    def reverse(self, order_id: int, pnl: float) -> None:
        """A voided fill: take its P&L back (an order left with no P&L at all stops counting)."""
        if order_id in self.orders:
            left = self.orders[order_id] - pnl
            if abs(left) < 1e-9:
                del self.orders[order_id]
            else:
                self.orders[order_id] = left

    def run(self) -> int:
        n = 0
        for pnl in reversed(self.orders.values()):
            if pnl >= 0:
                break
            n += 1
        return n

    def clear(self) -> None:
        self.orders.clear()
        self.grew = False


@dataclass(slots=True)
class PastDays:
    """Finished trading days of the current week: label -> (gross P&L, fees)."""

    days: dict[date, tuple[float, float]] = field(default_factory=dict)

    def close(self, label: date, gross: float, fees: float) -> None:
        """Keep a finished day; days more than two weeks older are dropped."""
        self.days[label] = (gross, fees)
        for old in [d for d in self.days if (label - d).days > 14]:
            del self.days[old]

    def week_of(self, today: date, net: bool) -> float:
        """P&L of the days before ``today`` in its week (trading days labelled Monday to Sunday of one ISO
        week)."""
        week = today.isocalendar()[:2]
        return sum(g - f if net else g for d, (g, f) in self.days.items()
                   if d < today and d.isocalendar()[:2] == week)
