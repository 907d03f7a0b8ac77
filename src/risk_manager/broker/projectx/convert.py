"""Gateway rows (SDK models or raw dicts) -> the broker port's dataclasses.

Bad rows are skipped with a warning rather than failing the whole read (the SDK does the same for orders);
a contract we cannot name a CME root for raises, because valuing it with another product's tick value
would be silently wrong.
"""

from __future__ import annotations

import logging
from typing import Any

from project_x_py.models import Position as SdkPosition
from project_x_py.models import Trade as SdkTrade

from risk_manager.broker.port import AccountInfo, Order, Position, Trade
from risk_manager.domain.contracts import (
    Contract,
    UnknownContractError,
    root_from_contract_id,
    root_from_name,
)
from risk_manager.domain.enums import OrderStatus, OrderType, PositionType, Side

log = logging.getLogger(__name__)


def position(p: SdkPosition) -> Position | None:
    """Signed size: ``type`` 2 (short) is negative. A zero-size row is a closed position: dropped."""
    size = abs(int(p.size))
    if size == 0:
        return None
    sign = -1 if int(p.type) == PositionType.SHORT else 1
    return Position(int(p.accountId), str(p.contractId), sign * size, float(p.averagePrice))


def trade(t: SdkTrade) -> Trade | None:
    try:
        fees = t.fees if t.fees is not None else (t.commissions or 0.0)
        return Trade(account_id=int(t.accountId), id=int(t.id), contract_id=str(t.contractId),
                     price=float(t.price),
                     profit_and_loss=None if t.profitAndLoss is None else float(t.profitAndLoss),
                     fees=float(fees), side=Side(int(t.side)), size=abs(int(t.size)),
                     order_id=int(t.orderId or 0), voided=bool(t.voided), at_iso=str(t.creationTimestamp))
    except (TypeError, ValueError) as e:
        log.warning("skipping unreadable trade row %r: %s", getattr(t, "id", "?"), e)
        return None


def order(row: Any) -> Order | None:
    try:
        if not isinstance(row, dict):
            raise TypeError(f"expected an object, got {type(row).__name__}")
        return Order(account_id=int(row["accountId"]), id=int(row["id"]), contract_id=str(row["contractId"]),
                     status=OrderStatus(int(row["status"])), type=OrderType(int(row["type"])),
                     side=Side(int(row["side"])), size=int(row["size"]),
                     limit_price=_opt_float(row.get("limitPrice")),
                     stop_price=_opt_float(row.get("stopPrice")),
                     fill_volume=int(row.get("fillVolume") or 0))
    except (KeyError, TypeError, ValueError) as e:
        log.warning("skipping unreadable order row: %r", e)
        return None


def account(row: Any) -> AccountInfo | None:
    try:
        if not isinstance(row, dict):
            raise TypeError(f"expected an object, got {type(row).__name__}")
        return AccountInfo(int(row["id"]), str(row["name"]), float(row.get("balance") or 0.0),
                           bool(row["canTrade"]))
    except (KeyError, TypeError, ValueError) as e:
        log.warning("skipping unreadable account row: %r", e)
        return None


def contract(contract_id: str, row: Any) -> Contract:
    """``Contract/searchById`` payload -> Contract; root from the name (``MNQZ6``), else from the id."""
    if not isinstance(row, dict):
        raise UnknownContractError(contract_id)
    cid = str(row.get("id") or contract_id)
    name = str(row.get("name") or "")
    try:
        tick_size, tick_value = float(row["tickSize"]), float(row["tickValue"])
    except (KeyError, TypeError, ValueError) as e:
        raise UnknownContractError(f"{contract_id}: no tick size/value ({e!r})") from None
    if tick_size <= 0 or tick_value <= 0:
        raise UnknownContractError(f"{contract_id}: tick size/value must be positive")
    root = _root(name, cid)
    if root is None:
        raise UnknownContractError(f"{contract_id}: cannot tell the product from {name!r}")
    return Contract(id=cid, name=name or cid, root=root, tick_size=tick_size, tick_value=tick_value,
                    description=str(row.get("description") or ""))


def _root(name: str, contract_id: str) -> str | None:
    for parse, value in ((root_from_name, name), (root_from_contract_id, contract_id)):
        try:
            return parse(value)
        except ValueError:
            continue
    return None


def _opt_float(v: Any) -> float | None:
    return None if v is None else float(v)
