"""Connection handling shared by every part of the store: open, pragmas, transactions, meta table."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from .records import StoreError
from .schema import migrate

MEMORY = ":memory:"
DEFAULT_BUSY_TIMEOUT_MS = 5000


class StoreBase:
    """One SQLite connection in autocommit mode; writes are grouped by :meth:`transaction`."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None) -> None:
        self._conn = conn
        self._path = path
        self._depth = 0  # nesting level of transaction()

    @classmethod
    def open(cls, path: str | Path, *, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS) -> Self:
        """Open (creating if needed) and migrate the database at ``path``; ``":memory:"`` for replay/tests.

        Raises sqlite3.DatabaseError if the file is not a usable database (see open_with_recovery).
        """
        memory = str(path) == MEMORY
        file_path = None if memory else Path(path)
        if file_path is not None:
            file_path.parent.mkdir(parents=True, exist_ok=True)
        # autocommit=True: we issue BEGIN/COMMIT ourselves, so nothing commits behind our back.
        conn = sqlite3.connect(MEMORY if file_path is None else file_path, autocommit=True)
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms):d}")
            conn.execute("PRAGMA journal_mode = WAL")  # ":memory:" stays "memory"
            conn.execute("PRAGMA synchronous = FULL")  # durable at COMMIT, also on power loss
            conn.execute("PRAGMA foreign_keys = ON")
            migrate(conn)
        except BaseException:
            conn.close()
            raise
        return cls(conn, file_path)

    @property
    def path(self) -> Path | None:
        """The database file, or None for an in-memory store."""
        return self._path

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def pragma(self, name: str) -> Any:
        """Current value of a PRAGMA (for diagnostics and tests), e.g. ``pragma("journal_mode")``."""
        if not name.replace("_", "").isalnum():
            raise ValueError(f"not a pragma name: {name!r}")
        row = self._conn.execute(f"PRAGMA {name}").fetchone()
        return None if row is None else row[0]

    def integrity_ok(self) -> bool:
        """PRAGMA quick_check; False (never raises) on a corrupt database."""
        try:
            rows = self._conn.execute("PRAGMA quick_check").fetchall()
        except sqlite3.DatabaseError:
            return False
        return [tuple(r) for r in rows] == [("ok",)]

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes into one atomic, durable commit. Nests: inner blocks become savepoints, so an
        exception caught inside an outer block still undoes exactly the inner block's writes."""
        if self._depth:
            name = f"sp{self._depth}"
            self._conn.execute(f"SAVEPOINT {name}")
            self._depth += 1
            try:
                yield
            except BaseException:
                self._conn.execute(f"ROLLBACK TO {name}")
                self._conn.execute(f"RELEASE {name}")
                raise
            finally:
                self._depth -= 1
            self._conn.execute(f"RELEASE {name}")
            return
        # IMMEDIATE takes the write lock up front: no SQLITE_BUSY half-way through the block.
        self._conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield
            self._conn.execute("COMMIT")
        except BaseException:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            raise
        finally:
            self._depth = 0

    def _require_no_transaction(self, what: str) -> None:
        if self._depth:
            raise StoreError(f"{what} cannot run inside transaction()")

    def get_meta(self, key: str) -> str | None:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction():
            self._conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
