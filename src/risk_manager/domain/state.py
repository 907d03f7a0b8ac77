"""Account state: positions, working orders, quotes, realized and unrealized P&L, trade counts.

Pure bookkeeping: no I/O, no clock reads. The engine feeds it normalised events and reads it for rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from risk_manager.domain.carry import LossRun, PastDays
from risk_manager.domain.contracts import ContractBook
from risk_manager.domain.entries import EntryCount
from risk_manager.domain.enums import STOP_TYPES, WORKING_STATUSES, OrderStatus, Side
from risk_manager.domain.events import AccountEvent, Event, OrderEvent, PositionEvent, QuoteEvent, TradeEvent
from risk_manager.domain.marks import MarkMode
from risk_manager.domain.positions import Delta, PositionState

__all__ = ["AccountState", "Delta", "PnlBasis", "PositionState"]

PnlBasis = Literal["net", "gross"]


@dataclass(slots=True)
class _TradeSeen:
    pnl: float | None
    fees: float
    voided: bool
    order_id: int = 0
    entry_of: int | None = None  # the order this counted opening half-turn made a "trade" of


@dataclass
class AccountState:
    account_id: int
    name: str
    book: ContractBook
    pnl_basis: PnlBasis = "net"
    mark_mode: MarkMode = "liquidation"
    balance: float = 0.0
    can_trade: bool = True
    positions: dict[str, PositionState] = field(default_factory=dict)
    orders: dict[int, OrderEvent] = field(default_factory=dict)  # working orders only
    quotes: dict[str, QuoteEvent] = field(default_factory=dict)
    realized_gross: float = 0.0  # this trading day
    fees: float = 0.0  # this trading day
    _trades: dict[int, _TradeSeen] = field(default_factory=dict)
    entries: EntryCount = field(default_factory=EntryCount)  # the day's trades (rule 006)
    losses: LossRun = field(default_factory=LossRun)  # closing orders of the day (rule 017)
    past_days: PastDays = field(default_factory=PastDays)  # finished days of the week (015/016)
    figures: dict[str, float] = field(default_factory=dict)  # carried over resets, persisted (014 floor)
    # per contract: (order id, its signed fills) since the contract's last position update: an order's legs
    # (a flip: a closing and an opening trade) come before its update; another order's fill starts afresh
    unposted: dict[str, tuple[int, int]] = field(default_factory=dict)

    # ---- reading -------------------------------------------------------------------------------
    @property
    def realized(self) -> float:
        return self.realized_gross - self.fees if self.pnl_basis == "net" else self.realized_gross

    def unrealized_total(self) -> float:
        return sum(p.unrealized for p in self.positions.values() if p.unrealized is not None)

    def daily_pnl(self, include_unrealized: bool) -> float:
        return self.realized + (self.unrealized_total() if include_unrealized else 0.0)

    def entries_since(self, since: datetime) -> int:
        """Trades (orders that opened or increased a position) strictly after ``since``."""
        return self.entries.since(since)

    @property
    def entries_today(self) -> int:
        return len(self.entries)

    def is_protected(self, contract_id: str) -> bool:
        pos = self.positions.get(contract_id)
        if pos is None or pos.size == 0:
            return False
        return bool(self.stop_orders(contract_id))

    def stop_orders(self, contract_id: str) -> list[OrderEvent]:
        """Working stops (stop, stop-limit, trailing) on the exit side of the position. A Suspended bracket
        child (status 8) is not one: it only goes on the book if its own entry fills, so it protects nothing
        that is open now (a far-away bracket entry must not make another position look protected)."""
        pos = self.positions.get(contract_id)
        if pos is None:
            return []
        exit_side = Side.SELL if pos.size > 0 else Side.BUY
        return [o for o in self.orders.values()
                if o.contract_id == contract_id and o.type in STOP_TYPES and o.side is exit_side
                and o.status is not OrderStatus.SUSPENDED]

    # ---- writing -------------------------------------------------------------------------------
    def apply(self, event: Event, count_trade: bool = True) -> Delta:
        """Apply one event. ``count_trade=False`` records a trade as seen without counting it (other day)."""
        if isinstance(event, QuoteEvent):
            self.apply_quote(event)
            return Delta(event.contract_id)
        if isinstance(event, PositionEvent):
            return self._on_position(event)
        if isinstance(event, OrderEvent):
            return self._on_order(event)
        if isinstance(event, TradeEvent):
            return self._on_trade(event, count_trade)
        self._on_account(event)
        return Delta()

    def week_pnl(self, today: date, include_unrealized: bool) -> float:
        """P&L of the trading week of ``today`` (its finished days + today's daily P&L)."""
        return self.past_days.week_of(today, self.pnl_basis == "net") + self.daily_pnl(include_unrealized)

    def reset_day(self, closed: date | None = None) -> None:
        """The daily reset; ``closed`` = the label of the day that ends (kept for the week's P&L)."""
        if closed is not None:
            self.past_days.close(closed, self.realized_gross, self.fees)
        self.realized_gross = 0.0
        self.fees = 0.0
        self.entries.clear()
        self.losses.clear()
        # seen trade ids stay: a trade of the old day delivered late must never count again

    def _on_account(self, ev: AccountEvent) -> None:
        self.balance, self.can_trade = ev.balance, ev.can_trade
        if ev.name:
            self.name = ev.name

    def apply_quote(self, q: QuoteEvent) -> PositionState | None:
        """Apply a quote; returns the position it revalued, None if this account holds none there."""
        self.quotes[q.contract_id] = q
        pos = self.positions.get(q.contract_id)
        if pos is not None:
            pos.revalue(q, self.mark_mode)
        return pos

    def _on_position(self, ev: PositionEvent) -> Delta:
        cid, after = ev.contract_id, ev.signed_size
        self.unposted.pop(cid, None)
        old = self.positions.get(cid)
        before = old.size if old else 0
        if after == 0:
            self.positions.pop(cid, None)
            return Delta(cid, before, 0)
        flipped = old is None or (before > 0) != (after > 0)
        if flipped:
            pos = PositionState(cid, self.book.find(cid), after, ev.average_price, ev.at)
            self.positions[cid] = pos
        else:
            assert old is not None
            pos, pos.size, pos.avg_price = old, after, ev.average_price
        self._update_protection(cid, ev.at)
        q = self.quotes.get(cid)
        if q is not None:
            pos.revalue(q, self.mark_mode)
        return Delta(cid, before, after)

    def _on_order(self, ev: OrderEvent) -> Delta:
        if ev.status in WORKING_STATUSES:
            self.orders[ev.id] = ev
        else:
            self.orders.pop(ev.id, None)
        self._update_protection(ev.contract_id, ev.at)
        pos = self.positions.get(ev.contract_id)
        size = pos.size if pos else 0
        return Delta(ev.contract_id, size, size)

    def _update_protection(self, contract_id: str, at: datetime) -> None:
        pos = self.positions.get(contract_id)
        if pos is None:
            return
        if self.is_protected(contract_id):
            pos.unprotected_since = None
        elif pos.unprotected_since is None:
            pos.unprotected_since = max(at, pos.opened_at)

    def _on_trade(self, ev: TradeEvent, count: bool) -> Delta:
        seen = self._trades.get(ev.id)
        pos = self.positions.get(ev.contract_id)
        size = pos.size if pos else 0
        if seen is not None:
            if ev.voided and not seen.voided:  # reverse a trade counted earlier
                seen.voided = True
                self.realized_gross -= seen.pnl or 0.0
                self.fees -= seen.fees
                if seen.pnl is not None:
                    self.losses.reverse(seen.order_id, seen.pnl)
                if seen.entry_of is not None:
                    self.entries.void(seen.entry_of)
                return Delta(ev.contract_id, size, size, counted=True)
            return Delta(ev.contract_id, size, size, duplicate=True)
        counted = count and not ev.voided
        self._trades[ev.id] = _TradeSeen(ev.profit_and_loss if counted else None,
                                         ev.fees if counted else 0.0, ev.voided, order_id=ev.order_id)
        if not ev.voided:
            oid, legs = self.unposted.get(ev.contract_id, (ev.order_id, 0))
            legs = legs if oid == ev.order_id else 0
            self.unposted[ev.contract_id] = (ev.order_id, legs + ev.side.sign * ev.size)
        if not counted:
            return Delta(ev.contract_id, size, size)
        self.realized_gross += ev.profit_and_loss or 0.0
        self.fees += ev.fees
        if ev.profit_and_loss is not None:
            self.losses.add(ev.order_id, ev.profit_and_loss)
        new_entry = False
        if ev.profit_and_loss is None:
            self._trades[ev.id].entry_of = ev.order_id  # an opening half-turn: its order is one "trade"
            new_entry = self.entries.add(ev.order_id, ev.at)
        return Delta(ev.contract_id, size, size, counted=True, new_entry=new_entry)
