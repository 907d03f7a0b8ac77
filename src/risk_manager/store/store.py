"""The store facade: every persistence capability in one class."""

from __future__ import annotations

from .backup import BackupMixin
from .figures import FiguresMixin
from .journal import JournalMixin
from .lockouts import LockoutsMixin
from .logs import LogsMixin
from .spared import SparedMixin
from .trades import TradesMixin


class Store(LockoutsMixin, SparedMixin, TradesMixin, JournalMixin, LogsMixin, BackupMixin,
            FiguresMixin):
    """SQLite-backed state of the daemon (SPEC §10): lockouts, spared fills, seen trades, reset log,
    journal, clock events, admin audit, carried figures and a small key/value table.

    - Open with ``Store.open(path)`` (``":memory:"`` for replay and tests) or, at daemon start-up,
      ``Store.open_with_recovery(path, backup_dir)``. WAL, synchronous=FULL, foreign keys, busy timeout.
    - Every write method is one durable transaction; wrap several in ``with store.transaction():`` to
      commit them together (e.g. journal the lockout and persist it atomically).
    - Time: all datetimes go in timezone-aware and come back as aware UTC. The store never reads the clock
      (except to name a backup file when no ``now`` is given): callers pass ``at``/``now``.
    - Threads: the connection keeps sqlite3's default ``check_same_thread=True``. Open and use a Store on
      one thread (the daemon's asyncio thread, or one dedicated DB thread); it is not safe to share.
    - Secrets (credentials, tokens, passwords) must never be written to any table, the journal and the
      audit trail included.
    """
