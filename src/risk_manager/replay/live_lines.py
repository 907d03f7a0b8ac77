"""Scenario lines for what live trading does and a day file cannot otherwise show (SPEC §13):
``partial`` (on an order line), ``fill``, ``void`` and ``duplicate``. Checked at parse time, performed by
the replay runner against the paper broker."""

from __future__ import annotations

from typing import Any

from risk_manager.broker.paper import PaperBroker

REQUIRED: dict[str, tuple[str, ...]] = {"fill": ("id", "size"), "void": ("order",), "duplicate": ("order",)}


def _positive_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def check(do: str, d: dict[str, Any]) -> str | None:
    """The problem with a line's live-trading fields, or None."""
    if do == "order" and "partial" in d:
        parts = d["partial"]
        if d.get("type") != "market":
            return "order: partial fills are for market orders"
        if not isinstance(parts, list) or not parts or not all(_positive_int(p) for p in parts):
            return "order: partial must be a list of positive integers"
        if sum(parts) != d.get("size"):
            return f"order: partial {parts} must sum to size {d.get('size')}"
    if do == "fill" and not _positive_int(d["size"]):
        return "fill: size must be a positive integer"
    return None


def parts(d: dict[str, Any]) -> tuple[int, ...] | None:
    return tuple(d["partial"]) if "partial" in d else None


class OverFill(ValueError):
    """A ``fill`` of more than what remains of the order: a scenario error (exit 2)."""


def perform(broker: PaperBroker, do: str, account_id: int, order_id: int, d: dict[str, Any]) -> None:
    """Run a ``fill``/``void``/``duplicate`` line on the broker order it names. A broker rejection (the order
    is no longer working) propagates as ``PaperRejection``; over-filling raises ``OverFill``."""
    if do == "fill":
        size = int(d["size"])
        remaining = broker.remaining(account_id, order_id)
        if size > remaining:
            raise OverFill(f"fill: size {size} is more than the {remaining} that remain of order {d['id']!r}")
        broker.force_fill(account_id, order_id, size)
    elif do == "void":
        broker.void_order(account_id, order_id)
    elif do == "duplicate":
        broker.duplicate_order(account_id, order_id)
