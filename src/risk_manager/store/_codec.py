"""Encoding between Python values and the TEXT columns of the store.

Datetimes are stored as fixed-width ISO 8601 UTC strings (microseconds always present), so that string
order equals time order and SQL range comparisons on those columns are correct.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

# prev_hash of the first journal row
GENESIS_HASH = "0" * 64


def to_iso(dt: datetime) -> str:
    """Aware datetime -> '2026-11-20T23:00:00.000000+00:00'. Naive datetimes are a caller bug."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"naive datetime {dt!r}: the store only accepts timezone-aware datetimes")
    return dt.astimezone(UTC).isoformat(timespec="microseconds")


def from_iso(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def opt_to_iso(dt: datetime | None) -> str | None:
    return None if dt is None else to_iso(dt)


def opt_from_iso(text: str | None) -> datetime | None:
    return None if text is None else from_iso(text)


def _json_default(value: object) -> str:
    # datetime is a subclass of date: test it first
    if isinstance(value, datetime):
        return to_iso(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__} in JSON: {value!r}")


def canonical_json(record: Mapping[str, Any]) -> str:
    """One canonical text per record: the hash chain depends on it being byte-stable."""
    return json.dumps(
        record,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
        allow_nan=False,
        default=_json_default,
    )


def chain_hash(prev_hash: str, canonical: str) -> str:
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()
