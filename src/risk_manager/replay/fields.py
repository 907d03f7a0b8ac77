"""What each scenario action takes (SPEC §13): its required and optional fields and the kind of each.

A kind is a check that returns the problem with a value (``None`` when it is fine). Numbers are finite and
bounded so nothing downstream can overflow, become NaN, or run unbounded; bools are never numbers.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from risk_manager.domain.contracts import PRODUCTS
from risk_manager.schema.values import Duration

Kind = Callable[[Any], str | None]

MAX_PRICE = 10_000_000.0
MAX_SIZE = 10_000
MAX_MONEY = 1_000_000_000_000.0
MAX_FEE = 1_000.0
MAX_TEXT = 64
ORDER_TYPES = ("market", "limit", "stop", "stop_limit")


def _number(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, int | float):
        return None
    try:
        f = float(v)
    except OverflowError:
        return None
    return f if math.isfinite(f) else None


def text(v: Any) -> str | None:
    if not isinstance(v, str) or not v.strip():
        return "must be a non-empty text"
    if len(v) > MAX_TEXT or not v.isprintable():
        return f"must be printable text of at most {MAX_TEXT} characters"
    return None


def symbol(v: Any) -> str | None:
    if not isinstance(v, str) or v.upper() not in PRODUCTS:
        return f"{_shown(v)} is not a known symbol (one of {', '.join(sorted(PRODUCTS))})"
    return None


def price(v: Any) -> str | None:
    f = _number(v)
    return None if f is not None and 0 < f <= MAX_PRICE else f"must be a price in (0, {MAX_PRICE:,.0f}]"


def optional_price(v: Any) -> str | None:
    return None if v is None else price(v)


def size(v: Any) -> str | None:
    ok = isinstance(v, int) and not isinstance(v, bool) and 0 < v <= MAX_SIZE
    return None if ok else f"must be a whole number of contracts from 1 to {MAX_SIZE}"


def money(v: Any) -> str | None:
    f = _number(v)
    return None if f is not None and abs(f) <= MAX_MONEY else "must be a finite amount of dollars"


def fee(v: Any) -> str | None:
    f = _number(v)
    return None if f is not None and 0 <= f <= MAX_FEE else f"must be dollars from 0 to {MAX_FEE:,.0f}"


def boolean(v: Any) -> str | None:
    return None if isinstance(v, bool) else "must be true or false"


def side(v: Any) -> str | None:
    return None if v in ("buy", "sell") else f"must be buy or sell, got {_shown(v)}"


def order_type(v: Any) -> str | None:
    return None if v in ORDER_TYPES else f"must be one of {', '.join(ORDER_TYPES)}, got {_shown(v)}"


def duration(v: Any) -> str | None:
    try:
        d = Duration.parse(v)
    except (ValueError, OverflowError) as e:
        return f"is not a duration ({e})"
    secs = d.seconds
    if secs is not None and secs > 31 * 86_400:
        return "is longer than 31 days"
    return None


def parts(v: Any) -> str | None:
    ok = isinstance(v, list) and 0 < len(v) <= MAX_SIZE and all(size(p) is None for p in v)
    return None if ok else "must be a list of whole numbers of contracts"


def _shown(v: Any) -> str:
    if v is None:
        return "null"
    return repr(v) if isinstance(v, str | int | float | bool) and len(repr(v)) <= 40 else type(v).__name__


_ACCOUNT: dict[str, Kind] = {"account": text}
# action -> (required fields, optional fields)
FIELDS: dict[str, tuple[dict[str, Kind], dict[str, Kind]]] = {
    "account": ({"name": text}, {"balance": money, "canTrade": boolean, "fees_per_contract": fee}),
    "quote": ({"symbol": symbol}, {"bid": optional_price, "ask": optional_price, "last": optional_price}),
    "order": ({"id": text, "symbol": symbol, "side": side, "type": order_type, "size": size},
              {"limit": price, "stop": price, "partial": parts, **_ACCOUNT}),
    "cancel": ({"id": text}, {}),
    "modify": ({"id": text}, {"size": size, "limit": price, "stop": price}),
    "close": ({"symbol": symbol}, dict(_ACCOUNT)),
    "can_trade": ({"value": boolean}, dict(_ACCOUNT)),
    "disconnect": ({}, dict(_ACCOUNT)),
    "reconnect": ({}, dict(_ACCOUNT)),
    "self_lock": ({"duration": duration}, {"flatten": boolean, **_ACCOUNT}),
    "fill": ({"id": text, "size": size}, dict(_ACCOUNT)),
    "void": ({"order": text}, dict(_ACCOUNT)),
    "duplicate": ({"order": text}, dict(_ACCOUNT)),
    "end": ({}, {}),
}


def cross_check(do: str, d: dict[str, Any]) -> str | None:
    """Checks across fields of one line (each field's own kind is already checked)."""
    if do == "order":
        if d["type"] in ("limit", "stop_limit") and "limit" not in d:
            return f"order: {d['type']} needs a 'limit' price"
        if d["type"] in ("stop", "stop_limit") and "stop" not in d:
            return f"order: {d['type']} needs a 'stop' price"
    if do == "quote" and all(d.get(k) is None for k in ("bid", "ask", "last")):
        return "quote: needs bid, ask or last"
    if do == "modify" and not any(k in d for k in ("size", "limit", "stop")):
        return "modify: needs size, limit or stop"
    return None
