"""Small append-style logs: daily resets, trader clock-in/out, admin audit trail."""

from __future__ import annotations

from datetime import date, datetime
from typing import cast

from ._codec import from_iso, to_iso
from .base import StoreBase
from .records import AuditEntry, ClockEvent, ClockKind


class LogsMixin(StoreBase):
    # --- reset log: makes the daily reset idempotent (one row per trading day) ---

    def reset_done(self, trading_day: date) -> bool:
        row = self._conn.execute(
            "SELECT 1 FROM resets WHERE trading_day = ?", (trading_day.isoformat(),)
        ).fetchone()
        return row is not None

    def record_reset(self, trading_day: date, at: datetime) -> bool:
        """Idempotent. True if this call recorded it, False if that day's reset was already logged
        (the first ``at`` is kept)."""
        with self.transaction():
            cur = self._conn.execute(
                "INSERT INTO resets (trading_day, at) VALUES (?, ?) ON CONFLICT (trading_day) DO NOTHING",
                (trading_day.isoformat(), to_iso(at)),
            )
        return cur.rowcount > 0

    def last_reset(self) -> date | None:
        """The latest trading day whose reset ran, or None on a fresh database."""
        row = self._conn.execute("SELECT MAX(trading_day) FROM resets").fetchone()
        return None if row[0] is None else date.fromisoformat(row[0])

    # --- trader clock-in/out ---

    def record_clock_event(self, account: str, kind: ClockKind, at: datetime) -> None:
        if kind not in ("in", "out"):
            raise ValueError(f"clock event kind must be 'in' or 'out', got {kind!r}")
        with self.transaction():
            self._conn.execute(
                "INSERT INTO clock_events (account, kind, at) VALUES (?, ?, ?)", (account, kind, to_iso(at))
            )

    def clock_events(self, account: str, since: datetime | None = None) -> list[ClockEvent]:
        """Clock events of one account at or after ``since`` (all if None), oldest first."""
        floor = "" if since is None else to_iso(since)
        rows = self._conn.execute(
            "SELECT kind, at FROM clock_events WHERE account = ? AND at >= ? ORDER BY at, id",
            (account, floor),
        ).fetchall()
        return [ClockEvent(account=account, kind=cast(ClockKind, k), at=from_iso(a)) for k, a in rows]

    # --- admin audit trail (append-only, enforced by triggers) ---

    def audit(self, actor: str, action: str, ok: bool, detail: str, at: datetime) -> None:
        """Record an admin action or attempt. ``detail`` must never contain a password or API key."""
        with self.transaction():
            self._conn.execute(
                "INSERT INTO audit (at, actor, action, ok, detail) VALUES (?, ?, ?, ?, ?)",
                (to_iso(at), actor, action, int(ok), detail),
            )

    def audit_tail(self, n: int) -> list[AuditEntry]:
        """The last ``n`` audit entries, oldest first."""
        rows = self._conn.execute(
            "SELECT at, actor, action, ok, detail FROM "
            "(SELECT id, at, actor, action, ok, detail FROM audit ORDER BY id DESC LIMIT ?) ORDER BY id",
            (max(n, 0),),
        ).fetchall()
        return [
            AuditEntry(at=from_iso(a), actor=ac, action=act, ok=bool(ok), detail=d)
            for a, ac, act, ok, d in rows
        ]
