"""Schema migrations, versioned with PRAGMA user_version.

MIGRATIONS[i] brings the schema from version i to i + 1. Append new migrations; never edit a released one.
Each migration runs in its own IMMEDIATE transaction together with the user_version bump, so a crash leaves
the database at the previous version, never half-migrated.
"""

from __future__ import annotations

import sqlite3

from .records import StoreError

_V1: tuple[str, ...] = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT",
    """CREATE TABLE lockouts (
        account TEXT NOT NULL, rule TEXT NOT NULL, scope TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('hard', 'cooldown')),
        until TEXT, reason TEXT NOT NULL, created_at TEXT NOT NULL,
        PRIMARY KEY (account, rule, scope)) STRICT""",
    """CREATE TABLE timers (
        key TEXT PRIMARY KEY, at TEXT NOT NULL, account TEXT, kind TEXT NOT NULL,
        payload TEXT NOT NULL) STRICT""",
    "CREATE INDEX timers_by_at ON timers (at)",
    """CREATE TABLE trades (
        account TEXT NOT NULL, trade_id TEXT NOT NULL, trading_day TEXT NOT NULL, at TEXT NOT NULL,
        pnl REAL, fees REAL NOT NULL, order_id TEXT,
        voided INTEGER NOT NULL CHECK (voided IN (0, 1)),
        PRIMARY KEY (account, trade_id)) STRICT""",
    "CREATE INDEX trades_by_day ON trades (account, trading_day, at)",
    "CREATE TABLE resets (trading_day TEXT PRIMARY KEY, at TEXT NOT NULL) STRICT",
    # AUTOINCREMENT: sqlite_sequence remembers the highest seq ever used, so deleting the newest rows
    # is detectable by verify_journal().
    """CREATE TABLE journal (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT, type TEXT, account TEXT,
        body TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL) STRICT""",
    "CREATE INDEX journal_by_account ON journal (account, seq)",
    # Append-only guards against our own bugs; someone who drops them is caught by the hash chain.
    """CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
        BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END""",
    """CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
        BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END""",
    """CREATE TABLE clock_events (
        id INTEGER PRIMARY KEY, account TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('in', 'out')), at TEXT NOT NULL) STRICT""",
    "CREATE INDEX clock_events_by_account ON clock_events (account, at)",
    """CREATE TABLE audit (
        id INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
        ok INTEGER NOT NULL CHECK (ok IN (0, 1)), detail TEXT NOT NULL) STRICT""",
    """CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END""",
    """CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END""",
)

# v2: the position a fill left when it started its own lockout without a flatten (engine.spared)
_V2: tuple[str, ...] = (
    """CREATE TABLE spared_fills (
        account TEXT NOT NULL, contract_id TEXT NOT NULL, size INTEGER NOT NULL,
        PRIMARY KEY (account, contract_id)) STRICT""",
)

# v3: the timers table was never used (the engine re-arms its deadlines from lockouts and the reset log).
_V3: tuple[str, ...] = (
    "DROP INDEX IF EXISTS timers_by_at",
    "DROP TABLE IF EXISTS timers",
)

# v4: account lockouts that ended today, (start, end): a late event after a restart is judged against the
# lockouts that were running at its own time, also those that ended before the restart (engine.lockbook)
_V4: tuple[str, ...] = (
    """CREATE TABLE ended_lockouts (
        account TEXT NOT NULL, rule TEXT NOT NULL, start TEXT NOT NULL, end TEXT NOT NULL,
        PRIMARY KEY (account, rule, start)) STRICT""",
)

MIGRATIONS: tuple[tuple[str, ...], ...] = (_V1, _V2, _V3, _V4)
SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(conn: sqlite3.Connection) -> int:
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0])


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the database to SCHEMA_VERSION; returns it. The connection must be in autocommit mode."""
    current = schema_version(conn)
    if current > SCHEMA_VERSION:
        raise StoreError(
            f"database schema version {current} is newer than this build understands ({SCHEMA_VERSION}); "
            "refusing to open it rather than risk damaging it"
        )
    for target in range(current + 1, SCHEMA_VERSION + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Re-read under the write lock: another process may have migrated meanwhile.
            if schema_version(conn) < target:
                for statement in MIGRATIONS[target - 1]:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {target:d}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    return SCHEMA_VERSION
