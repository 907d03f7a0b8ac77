"""Builders for the limit-rule tests (001-005, 011, 013): account state fed through state.apply."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from risk_manager.domain.contracts import ContractBook, catalogue_contract
from risk_manager.domain.enums import OrderStatus, OrderType, PositionType, Side
from risk_manager.domain.events import OrderEvent, PositionEvent, QuoteEvent, TradeEvent
from risk_manager.domain.state import AccountState, Delta
from risk_manager.rules.base import RuleContext

T0 = datetime(2026, 11, 20, 14, 30, tzinfo=UTC)
ACCOUNT = 1


def cid(root: str) -> str:
    """Contract id of the built-in front contract of a CME root (ES -> CON.F.US.EP.Z26)."""
    return catalogue_contract(root).id


def new_state(pnl_basis: str = "net") -> AccountState:
    state = AccountState(ACCOUNT, "PRAC-1", ContractBook.builtin())
    state.pnl_basis = "net" if pnl_basis == "net" else "gross"
    return state


def position(state: AccountState, contract: str, size: int,
             avg: float = 100.0) -> tuple[PositionEvent, Delta]:
    """Set a position by root ("ES") or contract id; size is signed, 0 closes it."""
    contract_id = contract if "." in contract else cid(contract)
    kind = PositionType.LONG if size > 0 else PositionType.SHORT if size < 0 else PositionType.UNDEFINED
    ev = PositionEvent(T0, ACCOUNT, contract_id, kind, abs(size), avg)
    return ev, state.apply(ev)


def quote(state: AccountState, root: str, bid: float | None, ask: float | None,
          last: float | None = None) -> tuple[QuoteEvent, Delta]:
    ev = QuoteEvent(T0, cid(root), bid, ask, last)
    return ev, state.apply(ev)


_trade_ids = iter(range(1, 1_000_000))


def trade(state: AccountState, root: str, pnl: float | None, fees: float = 0.0, side: Side = Side.SELL,
          size: int = 1) -> tuple[TradeEvent, Delta]:
    """A new fill (unique id). The position update that follows a real fill is up to the caller."""
    tid = next(_trade_ids)
    ev = TradeEvent(T0 + timedelta(seconds=tid), ACCOUNT, tid, cid(root), 100.0, pnl, fees, side, size,
                    order_id=tid)
    return ev, state.apply(ev)


def order(state: AccountState, oid: int, contract: str, side: Side, size: int,
          type_: OrderType = OrderType.LIMIT,
          status: OrderStatus = OrderStatus.OPEN) -> tuple[OrderEvent, Delta]:
    contract_id = contract if "." in contract else cid(contract)
    ev = OrderEvent(T0, ACCOUNT, oid, contract_id, status, type_, side, size, limit_price=100.0)
    return ev, state.apply(ev)


def ctx(state: AccountState, delta: Delta | None = None,
        micro_roots: frozenset[str] = frozenset()) -> RuleContext:
    return RuleContext(now=T0, state=state, delta=delta or Delta(), micro_weight_roots=micro_roots)

