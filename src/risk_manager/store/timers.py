"""Persisted deadlines (UTC). The scheduler re-arms every row at start-up; nothing here polls."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ._codec import canonical_json, from_iso, to_iso
from .base import StoreBase
from .records import TimerRecord

_COLUMNS = "key, at, account, kind, payload"


def _row_to_timer(row: tuple[Any, ...]) -> TimerRecord:
    key, at, account, kind, payload = row
    return TimerRecord(key=key, at=from_iso(at), account=account, kind=kind, payload=json.loads(payload))


class TimersMixin(StoreBase):
    def put_timer(
        self, key: str, at: datetime, account: str | None, kind: str, payload: Mapping[str, Any] | None = None
    ) -> None:
        """Insert or replace the deadline named ``key`` (unique, chosen by the caller, e.g.
        ``"unlock:PRAC-1:trade_frequency_limit:account"``). ``payload`` must be JSON-serialisable."""
        with self.transaction():
            self._conn.execute(
                f"INSERT INTO timers ({_COLUMNS}) VALUES (?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET "
                "at = excluded.at, account = excluded.account, kind = excluded.kind, "
                "payload = excluded.payload",
                (key, to_iso(at), account, kind, canonical_json(payload or {})),
            )

    def delete_timer(self, key: str) -> bool:
        """Returns True if the timer existed."""
        with self.transaction():
            cur = self._conn.execute("DELETE FROM timers WHERE key = ?", (key,))
        return cur.rowcount > 0

    def get_timer(self, key: str) -> TimerRecord | None:
        row = self._conn.execute(f"SELECT {_COLUMNS} FROM timers WHERE key = ?", (key,)).fetchone()
        return None if row is None else _row_to_timer(row)

    def timers(self) -> list[TimerRecord]:
        """Every persisted deadline, earliest first (ties by key)."""
        rows = self._conn.execute(f"SELECT {_COLUMNS} FROM timers ORDER BY at, key").fetchall()
        return [_row_to_timer(r) for r in rows]
