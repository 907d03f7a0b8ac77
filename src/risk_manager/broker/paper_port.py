"""``BrokerPort`` over the in-process paper broker (replay, engine and executor tests)."""

from __future__ import annotations

from collections.abc import Callable

from risk_manager.broker.paper import PaperBroker, PaperRejection
from risk_manager.broker.port import AccountInfo, BrokerError, BrokerResult, Order, Position, Trade
from risk_manager.domain.contracts import Contract
from risk_manager.domain.events import Event, parse_time


class PaperBrokerPort:
    """Async facade. Mutations never raise: a rejection becomes ``BrokerResult(ok=False, error=message)``
    (closing a flat position gives ``error="position not found"``; callers treat that as already flat).
    Reads raise ``BrokerError`` for an unknown account, like a failed search on the live gateway."""

    def __init__(self, paper: PaperBroker) -> None:
        self.paper = paper

    def subscribe(self, sink: Callable[[Event], object]) -> None:
        self.paper.subscribe(sink)

    async def accounts(self) -> list[AccountInfo]:
        return self.paper.accounts()

    async def contract(self, contract_id: str) -> Contract:
        return self.paper.book.get(contract_id)  # UnknownContractError if not in the book

    async def open_positions(self, account_id: int) -> list[Position]:
        try:
            return self.paper.positions(account_id)
        except PaperRejection as e:
            raise BrokerError(e.message) from e

    async def open_orders(self, account_id: int) -> list[Order]:
        try:
            return self.paper.open_orders(account_id)
        except PaperRejection as e:
            raise BrokerError(e.message) from e

    async def trades(self, account_id: int, start_iso: str, end_iso: str | None = None) -> list[Trade]:
        """Trades with ``start <= time <= end`` (end open when None); compared as instants, not strings."""
        try:
            events = self.paper.trade_events(account_id)
        except PaperRejection as e:
            raise BrokerError(e.message) from e
        start = parse_time(start_iso)
        end = parse_time(end_iso) if end_iso else None
        keep = {t.id for t in events if t.at >= start and (end is None or t.at <= end)}
        return [t for t in self.paper.trades(account_id) if t.id in keep]

    async def close_position(self, account_id: int, contract_id: str) -> BrokerResult:
        try:
            return BrokerResult(ok=True, order_id=self.paper.close_position(account_id, contract_id))
        except PaperRejection as e:
            return BrokerResult(ok=False, error=e.message)

    async def partial_close(self, account_id: int, contract_id: str, size: int) -> BrokerResult:
        try:
            return BrokerResult(ok=True, order_id=self.paper.partial_close(account_id, contract_id, size))
        except PaperRejection as e:
            return BrokerResult(ok=False, error=e.message)

    async def cancel_order(self, account_id: int, order_id: int) -> BrokerResult:
        try:
            self.paper.cancel_order(account_id, order_id)
        except PaperRejection as e:
            return BrokerResult(ok=False, error=e.message)
        return BrokerResult(ok=True, order_id=order_id)

    async def modify_stop(self, account_id: int, order_id: int, stop_price: float) -> BrokerResult:
        try:
            self.paper.modify_order(account_id, order_id, stop_price=stop_price)
        except PaperRejection as e:
            return BrokerResult(ok=False, error=e.message)
        return BrokerResult(ok=True, order_id=order_id)
