"""Normalised events and broker rows -> ProjectX Gateway JSON objects (field names as the SDK reads them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from risk_manager.broker.port import AccountInfo
from risk_manager.domain.contracts import Contract, projectx_symbol
from risk_manager.domain.enums import PositionType
from risk_manager.domain.events import AccountEvent, OrderEvent, PositionEvent, TradeEvent
from risk_manager.sim.catalogue import is_front

# User-hub envelope actions seen on live TopstepX: 1 add/update, 2 remove (closed position), 0 trades.
ACTION_UPSERT = 1
ACTION_REMOVE = 2
ACTION_TRADE = 0


def iso(dt: datetime) -> str:
    return dt.isoformat()


def symbol_id(contract_id: str) -> str:
    """``CON.F.US.MNQ.Z26`` -> ``F.US.MNQ`` (the Gateway's symbolId)."""
    parts = contract_id.split(".")
    return ".".join(parts[1:4]) if len(parts) >= 5 else contract_id


def account(a: AccountInfo | AccountEvent) -> dict[str, Any]:
    if isinstance(a, AccountEvent):
        ident, name, balance, can_trade = a.account_id, a.name, a.balance, a.can_trade
    else:
        ident, name, balance, can_trade = a.id, a.name, a.balance, a.can_trade
    return {"id": ident, "name": name, "balance": round(balance, 2), "canTrade": can_trade,
            "isVisible": True, "simulated": True}


def contract(c: Contract) -> dict[str, Any]:
    return {"id": c.id, "name": c.name, "description": c.description, "tickSize": c.tick_size,
            "tickValue": c.tick_value, "activeContract": is_front(c),
            "symbolId": f"F.US.{projectx_symbol(c.root)}"}


def order_from_event(e: OrderEvent, created: datetime) -> dict[str, Any]:
    return {
        "id": e.id, "accountId": e.account_id, "contractId": e.contract_id,
        "symbolId": symbol_id(e.contract_id),
        "creationTimestamp": iso(created), "updateTimestamp": iso(e.at), "status": int(e.status),
        "type": int(e.type), "side": int(e.side), "size": e.size, "limitPrice": e.limit_price,
        "stopPrice": e.stop_price, "fillVolume": e.fill_volume, "filledPrice": e.filled_price,
        "customTag": e.custom_tag,
    }


def position(pos_id: int, account_id: int, c: Contract | None, contract_id: str, signed_size: int,
             average_price: float, created: datetime) -> dict[str, Any]:
    """A position row; ``signed_size == 0`` is the closed form (type 0, size 0)."""
    if signed_size > 0:
        ptype = PositionType.LONG
    elif signed_size < 0:
        ptype = PositionType.SHORT
    else:
        ptype = PositionType.UNDEFINED
    return {"id": pos_id, "accountId": account_id, "contractId": contract_id,
            "contractDisplayName": c.name if c else contract_id, "creationTimestamp": iso(created),
            "type": int(ptype), "size": abs(signed_size), "averagePrice": average_price}


def position_from_event(e: PositionEvent, c: Contract | None, created: datetime) -> dict[str, Any]:
    return position(e.id, e.account_id, c, e.contract_id, e.signed_size, e.average_price, created)


def trade_from_event(e: TradeEvent) -> dict[str, Any]:
    return {"id": e.id, "accountId": e.account_id, "contractId": e.contract_id,
            "creationTimestamp": iso(e.at), "price": e.price, "profitAndLoss": e.profit_and_loss,
            "fees": e.fees, "side": int(e.side),
            "size": e.size, "voided": e.voided, "orderId": e.order_id}


def wrap(action: int, data: dict[str, Any], bare: bool) -> dict[str, Any]:
    return data if bare else {"action": action, "data": data}
