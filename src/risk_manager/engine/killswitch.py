"""Kill switch (SPEC §2): while the account is locked, whatever opens or grows a position is undone.

Exits are never blocked: a fill or order that only reduces a position passes untouched.
"""

from __future__ import annotations

from risk_manager.domain.enums import OrderStatus
from risk_manager.domain.events import Event, OrderEvent, PositionEvent
from risk_manager.domain.state import AccountState, Delta
from risk_manager.rules.base import Violation

_RESTING = frozenset({OrderStatus.OPEN, OrderStatus.SUSPENDED})


def kill_switch(event: Event, delta: Delta, state: AccountState, rule: str) -> list[Violation]:
    if isinstance(event, PositionEvent):
        before, after = delta.before, delta.after
        if after == 0 or (abs(after) <= abs(before) and (before > 0) == (after > 0)):
            return []  # flat, or reduced: an exit
        if before == 0 or (before > 0) != (after > 0):
            return [Violation(rule, "kill switch: position opened while locked", "close_position",
                              contract_id=event.contract_id)]
        return [Violation(rule, "kill switch: position increased while locked", "reduce_position",
                          contract_id=event.contract_id, to_size=before)]
    # Resting orders only: a market order passes Pending -> Filled, and its fill is handled above.
    if isinstance(event, OrderEvent) and event.status in _RESTING:
        pos = state.positions.get(event.contract_id)
        if pos is None or (pos.size > 0) == (event.side.sign > 0):
            return [Violation(rule, "kill switch: entry order while locked", "cancel_order",
                              order_id=event.id, contract_id=event.contract_id)]
    return []
