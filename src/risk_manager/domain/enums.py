"""ProjectX Gateway enum values (official swagger numbering)."""

from enum import IntEnum


class OrderStatus(IntEnum):
    NONE = 0
    OPEN = 1
    FILLED = 2
    CANCELLED = 3
    EXPIRED = 4
    REJECTED = 5
    PENDING = 6
    PENDING_CANCELLATION = 7
    SUSPENDED = 8


WORKING_STATUSES = frozenset({OrderStatus.OPEN, OrderStatus.PENDING, OrderStatus.SUSPENDED})


class OrderType(IntEnum):
    UNKNOWN = 0
    LIMIT = 1
    MARKET = 2
    STOP_LIMIT = 3
    STOP = 4
    TRAILING_STOP = 5
    JOIN_BID = 6
    JOIN_ASK = 7


STOP_TYPES = frozenset({OrderType.STOP_LIMIT, OrderType.STOP, OrderType.TRAILING_STOP})


class Side(IntEnum):
    BUY = 0  # "Bid"
    SELL = 1  # "Ask"

    @property
    def sign(self) -> int:
        return 1 if self is Side.BUY else -1


class PositionType(IntEnum):
    UNDEFINED = 0
    LONG = 1
    SHORT = 2
