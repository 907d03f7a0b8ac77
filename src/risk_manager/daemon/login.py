"""Logging in to the gateway at start-up: retried with back-off for as long as it takes (the daemon is NOT
MONITORED meanwhile, and says so); a rejected key is said once (log, journal, notification) and a
foreground run gives up on it (exit 3) after ``DaemonOptions.login_rejections_allowed``."""

from __future__ import annotations

import asyncio
import logging

from risk_manager.clock.clock import Clock
from risk_manager.daemon.connect import Connection, Connector, LoginFailed
from risk_manager.daemon.journal import DaemonJournal, alert_record
from risk_manager.daemon.options import DaemonOptions, StartupError
from risk_manager.engine.records import RecordMaker

log = logging.getLogger("risk_manager.daemon")
REJECTED = "login rejected: check PROJECT_X_API_KEY (and PROJECT_X_USERNAME)"


async def log_in(connector: Connector, opts: DaemonOptions, journal: DaemonJournal, make: RecordMaker,
                 clock: Clock) -> Connection:
    delay, rejections = 1.0, 0
    while True:
        try:
            return await connector()
        except LoginFailed as e:
            if e.rejected:
                rejections += 1
                _rejected(str(e), rejections, delay, opts, journal, make, clock)
            else:
                log.critical("NOT MONITORED: cannot log in to the gateway (%s); retrying in %.0f s",
                             str(e)[:300], delay)
        except Exception as e:
            log.critical("NOT MONITORED: cannot log in to the gateway (%s); retrying in %.0f s",
                         f"{type(e).__name__}: {e}"[:300], delay)
        await asyncio.sleep(delay)
        delay = min(delay * 2, opts.login_retry_cap)


def _rejected(reason: str, count: int, delay: float, opts: DaemonOptions, journal: DaemonJournal,
              make: RecordMaker, clock: Clock) -> None:
    if count == 1:
        log.critical("NOT MONITORED: %s (%s); retrying with back-off", REJECTED, reason[:200])
        journal.write(alert_record(make, clock.now(), "critical", f"NOT MONITORED: {REJECTED}"))
        journal.dispatch()
    else:
        log.warning("login rejected again (%d times); next try in %.0f s", count, delay)
    allowed = opts.login_rejections_allowed
    if allowed is not None and count >= allowed:
        raise StartupError(3, f"{REJECTED} ({count} rejections)")
