"""Enforcement actions (SPEC §6): one frozen dataclass per kind, and the in-flight key of each.

Executors dispatch on the class with ``match`` and ``assert_never``: a kind no executor handles is a type
error, and an unknown object fails loudly at run time instead of being reported done.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, Literal

# ---- in-flight keys: at most one action per key and account at a time (exactly-once) -----------------

@dataclass(frozen=True, slots=True)
class AccountKey:
    """The whole account (a flatten)."""


@dataclass(frozen=True, slots=True)
class PositionKey:
    """One position (a close or a reduction of it)."""

    contract_id: str


@dataclass(frozen=True, slots=True)
class StopKey:
    """One stop order being moved."""

    order_id: int


@dataclass(frozen=True, slots=True)
class OrdersKey:
    """A set of orders being cancelled (``entries``: the account's entry orders)."""

    order_ids: tuple[int, ...]
    entries: bool = False


ActionKey = AccountKey | PositionKey | StopKey | OrdersKey
FLATTEN_KEY = AccountKey()
# what an executor calls when an action is done or given up: (account id, key, the broker's verified sizes)
Complete = Callable[[int, ActionKey, dict[str, int] | None], None]


# ---- actions: one frozen dataclass per kind; ``kind`` is the journal's name for it ---------------------

@dataclass(frozen=True, slots=True)
class Flatten:
    """Cancel every working order and close every position of the account."""

    rule: str
    account_id: int
    kind: ClassVar[Literal["flatten"]] = "flatten"
    contract_id: ClassVar[None] = None
    symbol: ClassVar[None] = None

    @property
    def key(self) -> AccountKey:
        return FLATTEN_KEY


@dataclass(frozen=True, slots=True)
class ClosePosition:
    rule: str
    account_id: int
    contract_id: str
    symbol: str
    size: int  # signed size when decided (a close sent without a fresh read sizes nothing on it but this)
    kind: ClassVar[Literal["close_position"]] = "close_position"

    @property
    def key(self) -> PositionKey:
        return PositionKey(self.contract_id)


@dataclass(frozen=True, slots=True)
class ReducePosition:
    rule: str
    account_id: int
    contract_id: str
    symbol: str
    from_size: int  # signed sizes; the journal shows absolute values
    to_size: int
    kind: ClassVar[Literal["reduce_position"]] = "reduce_position"

    @property
    def key(self) -> PositionKey:
        return PositionKey(self.contract_id)


@dataclass(frozen=True, slots=True)
class CancelOrder:
    rule: str
    account_id: int
    contract_id: str
    symbol: str
    order_id: int
    kind: ClassVar[Literal["cancel_order"]] = "cancel_order"

    @property
    def key(self) -> OrdersKey:
        return OrdersKey((self.order_id,))


@dataclass(frozen=True, slots=True)
class CancelEntryOrders:
    """Cancel the working orders that would open or increase a position (exits and stops stay)."""

    rule: str
    account_id: int
    order_ids: tuple[int, ...]
    kind: ClassVar[Literal["cancel_entry_orders"]] = "cancel_entry_orders"
    contract_id: ClassVar[None] = None
    symbol: ClassVar[None] = None

    @property
    def key(self) -> OrdersKey:
        return OrdersKey(self.order_ids, entries=True)


@dataclass(frozen=True, slots=True)
class ModifyStop:
    rule: str
    account_id: int
    contract_id: str
    symbol: str
    order_id: int
    stop_price: float
    kind: ClassVar[Literal["modify_stop"]] = "modify_stop"

    @property
    def key(self) -> StopKey:
        return StopKey(self.order_id)


Action = Flatten | ClosePosition | ReducePosition | CancelOrder | CancelEntryOrders | ModifyStop
