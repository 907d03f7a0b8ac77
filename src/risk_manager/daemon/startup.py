"""Start-up steps before connecting (SPEC §10): database (recovery), restore lockouts, missed reset,
and today's trades seeded into account state so a restart never counts a trade twice or forgets one.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from risk_manager.config import Config
from risk_manager.daemon.journal import DaemonJournal, alert_record
from risk_manager.daemon.paths import backup_dir, db_path
from risk_manager.domain.enums import Side
from risk_manager.domain.events import TradeEvent, parse_time
from risk_manager.domain.state import AccountState
from risk_manager.engine.engine import Engine
from risk_manager.engine.reconfigure import symbol_blocked
from risk_manager.store import Store
from risk_manager.store.records import LockoutRecord

log = logging.getLogger(__name__)
RECOVERED = "(journaled at the restart: the daemon was killed before its record was)"


def open_store(data: Path, now: datetime) -> tuple[Store, bool]:
    data.mkdir(parents=True, exist_ok=True)
    store, recovered = Store.open_with_recovery(db_path(data), backup_dir(data), now=now)
    _owner_and_group_only(db_path(data))
    if recovered:
        log.critical("THE DATABASE WAS CORRUPT OR MISSING: restored from the newest backup in %s "
                     "(decisions after that backup may be lost; check the journal)", backup_dir(data))
    return store, recovered


def _owner_and_group_only(db: Path) -> None:
    """The database (and its WAL files, which SQLite creates with the same mode) 0640 even without the
    umask `risk-manager run` sets: the trader reads status through the control socket, not the files."""
    for f in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        try:
            if f.stat().st_mode & 0o037:
                f.chmod(0o640)
        except OSError:
            continue


def alert_recovered(journal: DaemonJournal, engine: Engine, now: datetime, data: Path) -> None:
    journal.write(alert_record(engine.make, now, "critical",
                               f"database corrupt or missing at start-up; restored from {backup_dir(data)}"))


def restore_lockouts(engine: Engine, store: Store, now: datetime, config: Config) -> int:
    """Re-arm every stored lockout; those that ended while the daemon was down are unlocked (journaled)
    but stay known to the engine, ended at their own time, to judge the reconcile's late events.
    A symbol block lasts while it is configured: one whose root is no longer blocked is released.
    The fill that started a still-running lockout without a flatten stays spared across the restart."""
    engine.locks.book.restore_ended(store.ended_lockouts())  # those that ended before the restart, today
    stored = store.active_lockouts()
    for rec in stored:
        _journal_if_lost(engine, store, rec)
    active, released = engine.locks.restore_all(stored, now, symbol_blocked(config))
    for r in released:
        log.warning("released %s block of %s: no longer configured", r.symbol, r.account)
    for r in active:
        log.warning("restored lockout: %s %s (%s) until %s", r.account, r.rule, r.scope,
                    r.until.isoformat() if r.until else "condition clears")
    for account, contract_id, size in engine.locks.restore_spared(store.spared_fills()):
        log.info("restored spared fill: %s %s %+d", account, contract_id, size)
    return len(active)


def _journal_if_lost(engine: Engine, store: Store, rec: LockoutRecord) -> None:
    """A lockout is stored before anything acts on it, its journal record is committed a moment later
    (after the first broker calls): a kill in between leaves a lockout the journal never shows. Journal it
    now, its reason marked ``RECOVERED``."""
    for r in store.journaled_lockouts(rec.account):
        until = r.get("until")
        if r.get("rule") == rec.rule and (None if until is None else parse_time(str(until))) == rec.until:
            return
    engine.journal.write(engine.make.lockout(rec.created_at, rec.account, rec.rule, rec.kind, rec.symbol,
                                             rec.until, f"{rec.reason} {RECOVERED}"))
    log.warning("lockout %s %s was stored but not journaled (killed in between): journaled now",
                rec.account, rec.rule)


def missed_reset(engine: Engine, store: Store, now: datetime) -> bool:
    """Run the daily reset that happened while the daemon was down (once per trading day, via the log).
    In-memory state is fresh at start-up, and lockouts "until reset" already expired on restore."""
    day = engine.td.label(now)
    last = store.last_reset()
    if store.reset_done(day):
        return False
    at = engine.td.start(now)
    store.record_reset(day, at)
    if last is None:
        return False  # first start: nothing was missed
    engine.journal.write(engine.make.reset(at, day))
    log.info("daily reset of %s ran at start-up (it was missed while the daemon was down)", day)
    return True


def seed_trades(st: AccountState, store: Store, engine: Engine) -> int:
    """Apply the trades already stored for today without judging them again (they were judged live)."""
    if engine.day is None:
        return 0
    n = 0
    for t in store.trades_for_day(st.name, engine.day):
        if not t.trade_id.isdigit():
            continue
        oid = int(t.order_id) if t.order_id and t.order_id.isdigit() else 0
        st.apply(TradeEvent(t.at, st.account_id, int(t.trade_id), "", 0.0, t.pnl, t.fees, Side.BUY, 0, oid,
                            t.voided), True)
        n += 1
    return n
