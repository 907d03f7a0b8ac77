"""The broker port: what the engine and executor need from a broker, live or paper.

Two implementations: ``broker.paper.PaperBroker`` (in-process, deterministic; replay and unit tests; also
behind the simulator) and ``broker.projectx`` (the live adapter over project-x-py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from risk_manager.domain.contracts import Contract
from risk_manager.domain.enums import OrderStatus, OrderType, Side
from risk_manager.domain.events import Event


@dataclass(frozen=True, slots=True)
class AccountInfo:
    id: int
    name: str
    balance: float
    can_trade: bool


@dataclass(frozen=True, slots=True)
class Position:
    account_id: int
    contract_id: str
    size: int  # signed: > 0 long, < 0 short
    average_price: float


@dataclass(frozen=True, slots=True)
class Order:
    account_id: int
    id: int
    contract_id: str
    status: OrderStatus
    type: OrderType
    side: Side
    size: int
    limit_price: float | None = None
    stop_price: float | None = None
    fill_volume: int = 0


@dataclass(frozen=True, slots=True)
class Trade:
    account_id: int
    id: int
    contract_id: str
    price: float
    profit_and_loss: float | None
    fees: float
    side: Side
    size: int
    order_id: int
    voided: bool
    at_iso: str


@dataclass(frozen=True, slots=True)
class BrokerResult:
    """Outcome of a mutating call. ``ok=False, uncertain=True`` = may have been accepted: re-query."""

    ok: bool
    uncertain: bool = False
    error: str | None = None
    order_id: int | None = None


class BrokerError(Exception):
    """A read call failed (transport, 5xx, auth). The caller retries or reports DEGRADED."""


EventSink = Callable[[Event], None]


class BrokerPort(Protocol):
    async def accounts(self) -> list[AccountInfo]: ...
    async def contract(self, contract_id: str) -> Contract: ...
    async def open_positions(self, account_id: int) -> list[Position]: ...
    async def open_orders(self, account_id: int) -> list[Order]: ...
    async def trades(self, account_id: int, start_iso: str, end_iso: str | None = None) -> list[Trade]: ...
    async def close_position(self, account_id: int, contract_id: str) -> BrokerResult: ...
    async def partial_close(self, account_id: int, contract_id: str, size: int) -> BrokerResult: ...
    async def cancel_order(self, account_id: int, order_id: int) -> BrokerResult: ...
    async def modify_stop(self, account_id: int, order_id: int, stop_price: float) -> BrokerResult: ...
