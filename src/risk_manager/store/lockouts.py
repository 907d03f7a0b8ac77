"""Lockouts: one row per (account, rule, scope). A lockout is never shortened by a later write."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from ._codec import from_iso, opt_from_iso, opt_to_iso, to_iso
from .base import StoreBase
from .records import LockoutKind, LockoutRecord

_COLUMNS = "account, rule, scope, kind, until, reason, created_at"


def _row_to_lockout(row: tuple[Any, ...]) -> LockoutRecord:
    account, rule, scope, kind, until, reason, created_at = row
    return LockoutRecord(
        account=account,
        rule=rule,
        scope=scope,
        kind=cast(LockoutKind, kind),
        until=opt_from_iso(until),
        reason=reason,
        created_at=from_iso(created_at),
    )


class LockoutsMixin(StoreBase):
    def put_lockouts(self, recs: list[LockoutRecord]) -> None:
        """Several lockouts in one transaction (one fsync): many accounts locked by one event."""
        with self.transaction():
            for rec in recs:
                self.put_lockout(rec)

    def put_lockout(self, rec: LockoutRecord) -> LockoutRecord:
        """Insert or replace the lockout keyed by (account, rule, scope) and return the one now in force.

        Never shortens: if a lockout with the same key is still active at ``rec.created_at`` and ends at
        the same time or later (``until=None`` counts as latest), it is kept unchanged and returned.
        An expired one is replaced. One transaction (or part of the caller's transaction()).
        """
        with self.transaction():
            existing = self.get_lockout(rec.account, rec.rule, rec.scope)
            if existing is not None and existing.is_active(rec.created_at) and not rec.ends_after(existing):
                return existing
            self._conn.execute(
                f"INSERT INTO lockouts ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (account, rule, scope) DO UPDATE SET kind = excluded.kind, "
                "until = excluded.until, reason = excluded.reason, created_at = excluded.created_at",
                (
                    rec.account,
                    rec.rule,
                    rec.scope,
                    rec.kind,
                    opt_to_iso(rec.until),
                    rec.reason,
                    to_iso(rec.created_at),
                ),
            )
        return rec

    def get_lockout(self, account: str, rule: str, scope: str) -> LockoutRecord | None:
        row = self._conn.execute(
            f"SELECT {_COLUMNS} FROM lockouts WHERE account = ? AND rule = ? AND scope = ?",
            (account, rule, scope),
        ).fetchone()
        return None if row is None else _row_to_lockout(row)

    def delete_lockout(self, account: str, rule: str, scope: str) -> bool:
        """Remove one lockout (its timer fired, its condition cleared, its symbol block was unconfigured).
        Returns True if a row was deleted."""
        with self.transaction():
            cur = self._conn.execute(
                "DELETE FROM lockouts WHERE account = ? AND rule = ? AND scope = ?", (account, rule, scope)
            )
        return cur.rowcount > 0

    def put_ended(self, account: str, rule: str, start: datetime, end: datetime) -> None:
        """An account lockout that ended (kept for the rest of the trading day; the latest end wins)."""
        with self.transaction():
            self._conn.execute(
                "INSERT INTO ended_lockouts (account, rule, start, end) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (account, rule, start) DO UPDATE SET end = max(end, excluded.end)",
                (account, rule, to_iso(start), to_iso(end)),
            )

    def ended_lockouts(self) -> list[tuple[str, str, datetime, datetime]]:
        rows = self._conn.execute("SELECT account, rule, start, end FROM ended_lockouts").fetchall()
        return [(str(a), str(r), from_iso(s), from_iso(e)) for a, r, s, e in rows]

    def forget_ended(self, before: datetime) -> None:
        """Drop the ended lockouts that ended before ``before`` (the daily reset)."""
        with self.transaction():
            self._conn.execute("DELETE FROM ended_lockouts WHERE end < ?", (to_iso(before),))

    def active_lockouts(self, account: str | None = None, now: datetime | None = None) -> list[LockoutRecord]:
        """Stored lockouts, of one account or all, ordered by (account, rule, scope).

        The store reads no clock: without ``now`` every stored row is returned (expired rows stay until
        deleted); with ``now`` only those still active at that instant (until is None or > now).
        """
        sql = f"SELECT {_COLUMNS} FROM lockouts"
        params: list[str] = []
        clauses: list[str] = []
        if account is not None:
            clauses.append("account = ?")
            params.append(account)
        if now is not None:
            clauses.append("(until IS NULL OR until > ?)")
            params.append(to_iso(now))
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        rows = self._conn.execute(sql + " ORDER BY account, rule, scope", params).fetchall()
        return [_row_to_lockout(r) for r in rows]

    def expire_lockouts(self, now: datetime) -> list[LockoutRecord]:
        """Delete every timed lockout that ended at or before ``now`` and return them (to journal unlocks,
        e.g. at start-up after downtime). Condition lockouts (until None) are never expired here."""
        stamp = to_iso(now)
        with self.transaction():
            rows = self._conn.execute(
                f"SELECT {_COLUMNS} FROM lockouts WHERE until IS NOT NULL AND until <= ? "
                "ORDER BY account, rule, scope",
                (stamp,),
            ).fetchall()
            self._conn.execute("DELETE FROM lockouts WHERE until IS NOT NULL AND until <= ?", (stamp,))
        return [_row_to_lockout(r) for r in rows]
