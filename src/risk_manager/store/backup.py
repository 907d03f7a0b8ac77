"""Online backups (sqlite3 backup API) with rotation, and start-up recovery from the newest backup.

Backup files are named ``<db stem>-<UTC stamp>.db`` (stamp ``20261120T230000.000000Z``), so name order is
time order and several databases can share one backup directory.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Self

from .base import StoreBase
from .records import StoreError

DEFAULT_KEEP = 7
_CORRUPTION_CODES = frozenset({11, 26})  # SQLITE_CORRUPT, SQLITE_NOTADB (primary result codes)
_SIDECARS = ("-wal", "-shm", "-journal")


def _stamp(now: datetime | None) -> str:
    # The only clock read in the store: a file name, never a decision. Callers may pass ``now``.
    moment = datetime.now(UTC) if now is None else now.astimezone(UTC)
    return moment.strftime("%Y%m%dT%H%M%S.%fZ")


def _pattern(stem: str) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(stem)}-\d{{8}}T\d{{6}}\.\d{{6}}Z\.db$")


def list_backups(backup_dir: str | Path, stem: str) -> list[Path]:
    """Backups of the database named ``stem`` in ``backup_dir``, newest first."""
    directory = Path(backup_dir)
    if not directory.is_dir():
        return []
    pattern = _pattern(stem)
    return sorted(
        (p for p in directory.iterdir() if pattern.match(p.name)), key=lambda p: p.name, reverse=True
    )


def _fsync_file(path: Path) -> None:
    with path.open("rb+") as fh:
        os.fsync(fh.fileno())


def _fsync_dir(directory: Path) -> None:
    if os.name != "posix":  # directories cannot be opened for fsync on Windows
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def is_corruption(exc: sqlite3.DatabaseError) -> bool:
    """True if the error means 'damaged or not a database' (not 'locked', 'read-only', ...)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return isinstance(code, int) and (code & 0xFF) in _CORRUPTION_CODES


class BackupMixin(StoreBase):
    def backup(self, dest_dir: str | Path, *, now: datetime | None = None, keep: int = DEFAULT_KEEP) -> Path:
        """Write a consistent copy of the live database into ``dest_dir`` and keep only the newest
        ``keep`` backups of this database there. Written to a temporary name, checked, fsynced and then
        renamed, so a crash never leaves a half-written file that looks like a backup."""
        self._require_no_transaction("backup()")
        if keep < 1:
            raise ValueError("keep must be at least 1")
        directory = Path(dest_dir)
        directory.mkdir(parents=True, exist_ok=True)
        stem = self._path.stem if self._path is not None else "memory"
        final = directory / f"{stem}-{_stamp(now)}.db"
        tmp = final.with_name(final.name + ".tmp")
        tmp.unlink(missing_ok=True)
        dest = sqlite3.connect(tmp)
        try:
            self._conn.backup(dest)
            checked = dest.execute("PRAGMA quick_check").fetchall()
        finally:
            dest.close()
        if [tuple(r) for r in checked] != [("ok",)]:
            tmp.unlink(missing_ok=True)
            raise StoreError(f"backup copy failed its integrity check: {checked!r}")
        _fsync_file(tmp)
        os.replace(tmp, final)
        _fsync_dir(directory)
        for old in list_backups(directory, stem)[keep:]:
            old.unlink(missing_ok=True)
        return final

    @classmethod
    def open_with_recovery(
        cls, path: str | Path, backup_dir: str | Path, *, now: datetime | None = None
    ) -> tuple[Self, bool]:
        """Open ``path``; if it is corrupt or not a database, move it (and its -wal/-shm) aside as
        ``<name>.corrupt-<stamp>``, restore the newest backup that opens cleanly (or start empty if
        there is none) and return ``recovered=True`` so the caller raises an alert. A database file that
        is missing while backups exist is restored too (someone deleted it); with no backups either, it
        is a first start: a fresh database and ``recovered=False``.

        Errors that are not corruption (locked, permission denied, schema too new) propagate unchanged:
        moving a healthy database aside would lose data.
        """
        if str(path) == ":memory:":
            raise ValueError("open_with_recovery needs a database file")
        db = Path(path)
        backups = list_backups(backup_dir, db.stem)
        if db.exists():
            store = cls._open_if_sound(db)
            if store is not None:
                return store, False
        elif not backups:
            return cls.open(db), False
        stamp = _stamp(now)
        for suffix in ("", *_SIDECARS):  # a stale -wal must never be replayed onto a restored file
            src = Path(f"{db}{suffix}")
            if src.exists():
                os.replace(src, Path(f"{db}.corrupt-{stamp}{suffix}"))
        for candidate in backups:
            tmp = db.with_name(db.name + ".restore")
            shutil.copyfile(candidate, tmp)
            _fsync_file(tmp)
            os.replace(tmp, db)
            restored = cls._open_if_sound(db)
            if restored is not None:
                return restored, True
            for suffix in ("", *_SIDECARS):  # a bad backup: drop the copy, try the next one
                Path(f"{db}{suffix}").unlink(missing_ok=True)
        return cls.open(db), True

    @classmethod
    def _open_if_sound(cls, db: Path) -> Self | None:
        try:
            store = cls.open(db)
        except sqlite3.DatabaseError as exc:
            if is_corruption(exc):
                return None
            raise
        if store.integrity_ok():
            return store
        store.close()
        return None
