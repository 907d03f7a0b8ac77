"""Gateway REST rows (SDK models or raw dicts) -> the broker port's dataclasses.

Rows are parsed by the same strict models as hub payloads (``payloads.py``). A bad row fails the whole
read with BrokerError rather than being skipped: a skipped position row would read as "closed", a skipped
trade as a day without that loss. The caller (the REST reconcile) then alerts that state may be stale.
A contract we cannot name a CME root for raises, because valuing it with another product's tick value
would be silently wrong.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from typing import Any

from project_x_py.models import Position as SdkPosition
from project_x_py.models import Trade as SdkTrade

from risk_manager.broker.port import AccountInfo, BrokerError, Order, Position, Trade
from risk_manager.broker.projectx.logs import scrub
from risk_manager.broker.projectx.payloads import (
    AccountPayload,
    OrderPayload,
    Payload,
    PositionPayload,
    TradePayload,
    fees_of,
    validate,
)
from risk_manager.domain.contracts import (
    Contract,
    UnknownContractError,
    root_from_contract_id,
    root_from_name,
)
from risk_manager.domain.enums import PositionType
from risk_manager.domain.events import MalformedEvent

log = logging.getLogger(__name__)


def _row[M: Payload](model: type[M], what: str, row: Any) -> M:
    if dataclasses.is_dataclass(row) and not isinstance(row, type):
        row = {f.name: getattr(row, f.name) for f in dataclasses.fields(row)}
    try:
        return validate(model, row)
    except MalformedEvent as e:
        raise BrokerError(f"{what}: unreadable row ({e}): {scrub(repr(row))[:300]}") from None


def position(p: SdkPosition | dict[str, Any]) -> Position | None:
    """Signed size: ``type`` 2 (short) is negative. A zero-size row is a closed position: dropped."""
    row = _row(PositionPayload, "Position/searchOpen", p)
    if row.size == 0:
        return None
    sign = -1 if row.type is PositionType.SHORT else 1
    return Position(row.accountId, row.contractId, sign * row.size, row.averagePrice)


def trade(t: SdkTrade | dict[str, Any]) -> Trade:
    row = _row(TradePayload, "Trade/search", t)
    at = t.get("creationTimestamp") if isinstance(t, dict) else t.creationTimestamp
    return Trade(account_id=row.accountId, id=row.id, contract_id=row.contractId, price=row.price,
                 profit_and_loss=row.profitAndLoss, fees=fees_of(row), side=row.side, size=row.size,
                 order_id=row.orderId or 0, voided=bool(row.voided), at_iso=str(at))


def order(r: Any) -> Order:
    row = _row(OrderPayload, "Order/searchOpen", r)
    return Order(account_id=row.accountId, id=row.id, contract_id=row.contractId, status=row.status,
                 type=row.type, side=row.side, size=row.size, limit_price=row.limitPrice,
                 stop_price=row.stopPrice, fill_volume=row.fillVolume or 0)


def account(r: Any) -> AccountInfo:
    row = _row(AccountPayload, "Account/search", r)
    return AccountInfo(row.id, row.name, row.balance, row.canTrade)


def contract(contract_id: str, row: Any) -> Contract:
    """``Contract/searchById`` payload -> Contract; root from the name (``MNQZ6``), else from the id."""
    if not isinstance(row, dict):
        raise UnknownContractError(contract_id)
    cid = str(row.get("id") or contract_id)
    name = str(row.get("name") or "")
    try:
        if isinstance(row.get("tickSize"), bool) or isinstance(row.get("tickValue"), bool):
            raise TypeError("a boolean is not a tick size/value")
        tick_size, tick_value = float(row["tickSize"]), float(row["tickValue"])
    except (KeyError, TypeError, ValueError, OverflowError) as e:
        raise UnknownContractError(f"{contract_id}: no tick size/value ({e!r})") from None
    if not (0 < tick_size < math.inf and 0 < tick_value < math.inf):
        raise UnknownContractError(f"{contract_id}: tick size/value must be positive and finite")
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
