"""The journal: an append-only, hash-chained decision log (SPEC §10, record formats in §13).

Each row stores the record as canonical JSON (sorted keys, no spaces, datetimes as ISO UTC), the hash of
the previous row (``prev_hash``; 64 zeros for the first) and ``hash = sha256(prev_hash + canonical)``.
An edited, inserted or deleted row breaks the chain; deleting the newest rows leaves a gap against
sqlite_sequence. Someone able to rewrite the whole file can rebuild the chain: this detects tampering and
bugs, it does not prevent a local administrator from forging history.

Records must never contain secrets (credentials, tokens, passwords); callers put only decisions here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ._codec import GENESIS_HASH, canonical_json, chain_hash
from .base import StoreBase
from .records import JournalEntry


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


class JournalMixin(StoreBase):
    def append_journal(self, record: Mapping[str, Any]) -> int:
        """Append one record (a JSON object: str keys; values JSON types, datetime or date) and return
        its sequence number. One transaction, or part of the caller's transaction()."""
        body = canonical_json(record)
        # Index columns come from the canonical form, so a datetime ``at`` is indexed as stored.
        decoded = json.loads(body)
        with self.transaction():
            row = self._conn.execute("SELECT hash FROM journal ORDER BY seq DESC LIMIT 1").fetchone()
            prev = GENESIS_HASH if row is None else str(row[0])
            cur = self._conn.execute(
                "INSERT INTO journal (at, type, account, body, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    _text_or_none(decoded.get("at")),
                    _text_or_none(decoded.get("type")),
                    _text_or_none(decoded.get("account")),
                    body,
                    prev,
                    chain_hash(prev, body),
                ),
            )
            seq = cur.lastrowid
        assert seq is not None
        return seq

    def journal_tail(
        self, n: int, account: str | None = None, include_global: bool = True
    ) -> list[dict[str, Any]]:
        """The last ``n`` records, oldest first. With ``account``: that account's records, plus records
        that name no account (e.g. ``reset``) unless ``include_global`` is False."""
        where = ""
        params: list[object] = []
        if account is not None:
            where = "WHERE account = ? OR account IS NULL" if include_global else "WHERE account = ?"
            params.append(account)
        params.append(max(n, 0))
        rows = self._conn.execute(
            f"SELECT seq, body FROM (SELECT seq, body FROM journal {where} ORDER BY seq DESC LIMIT ?) "
            "ORDER BY seq",
            params,
        ).fetchall()
        return [json.loads(body) for _, body in rows]

    def journaled_lockouts(self, account: str) -> list[dict[str, Any]]:
        """Every lockout record of ``account``, oldest first."""
        rows = self._conn.execute(
            "SELECT body FROM journal WHERE account = ? AND type = 'lockout' ORDER BY seq", (account,)
        ).fetchall()
        return [json.loads(body) for (body,) in rows]

    def journal_since(self, seq: int, limit: int | None = None) -> list[JournalEntry]:
        """Records with a sequence number greater than ``seq`` (0 = from the start), oldest first."""
        rows = self._conn.execute(
            "SELECT seq, body FROM journal WHERE seq > ? ORDER BY seq LIMIT ?",
            (seq, -1 if limit is None else max(limit, 0)),
        ).fetchall()
        return [JournalEntry(seq=s, record=json.loads(body)) for s, body in rows]

    def last_journal_seq(self) -> int:
        """Sequence number of the newest record, 0 if the journal is empty."""
        row = self._conn.execute("SELECT MAX(seq) FROM journal").fetchone()
        return 0 if row[0] is None else int(row[0])

    def verify_journal(self) -> tuple[bool, int | None]:
        """Walk the whole chain. Returns (True, None) if intact, else (False, first bad seq): the first row
        whose hash or link is wrong, or the first missing seq when rows were deleted."""
        expected_seq = 1
        prev = GENESIS_HASH
        for seq, body, prev_hash, stored_hash in self._conn.execute(
            "SELECT seq, body, prev_hash, hash FROM journal ORDER BY seq"
        ):
            if seq != expected_seq:
                return False, expected_seq  # rows expected_seq .. seq-1 were deleted
            if prev_hash != prev or stored_hash != chain_hash(prev_hash, body):
                return False, seq
            prev = stored_hash
            expected_seq += 1
        row = self._conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'journal'").fetchone()
        high_water = 0 if row is None else int(row[0])
        if high_water >= expected_seq:
            return False, expected_seq  # the newest rows were deleted
        return True, None
