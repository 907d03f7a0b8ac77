"""Logging: rotating files (daemon.log, enforcement.log, errors.log), secrets scrubbed, SDK loggers ours.

- daemon.log: everything at INFO and above.
- enforcement.log: decisions and broker outcomes (the journal mirror and the executor).
- errors.log: WARNING and above (NOT MONITORED, failed calls, alerts) for whoever checks on the service.
Every handler carries the adapter's ScrubFilter, so an API key or JWT never reaches a file or the console.
"""

from __future__ import annotations

import logging
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import TextIO

from risk_manager.broker.projectx.logs import ScrubFilter, take_over_sdk_loggers

FORMAT = "%(asctime)s %(levelname)-8s %(name)s: %(message)s"
ENFORCEMENT_LOGGERS = ("risk_manager.enforcement", "risk_manager.journal")
_TAG = "_risk_manager_handler"
MAX_BYTES = 10 * 1024 * 1024
BACKUPS = 5


class _Prefix(logging.Filter):
    def __init__(self, prefixes: tuple[str, ...]) -> None:
        super().__init__()
        self.prefixes = prefixes

    def filter(self, record: logging.LogRecord) -> bool:
        return record.name.startswith(self.prefixes)


def _file(path: Path, level: int) -> RotatingFileHandler:
    h = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True)
    h.setLevel(level)
    return h


def setup_logging(log_dir: Path, console_level: int | None = logging.INFO,
                  console: TextIO | None = None) -> list[logging.Handler]:
    """Install our handlers on the root logger (replacing ones installed earlier) and return them."""
    log_dir.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    remove_handlers()
    enforcement = _file(log_dir / "enforcement.log", logging.INFO)
    enforcement.addFilter(_Prefix(ENFORCEMENT_LOGGERS))
    handlers: list[logging.Handler] = [_file(log_dir / "daemon.log", logging.INFO), enforcement,
                                       _file(log_dir / "errors.log", logging.WARNING)]
    if console_level is not None:
        stream = logging.StreamHandler(console or sys.stderr)
        stream.setLevel(console_level)
        handlers.append(stream)
    fmt = logging.Formatter(FORMAT)
    for h in handlers:
        h.setFormatter(fmt)
        h.addFilter(ScrubFilter())
        setattr(h, _TAG, True)
        root.addHandler(h)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
    take_over_sdk_loggers(logging.WARNING)
    for noisy in ("aiohttp.access", "websockets", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return handlers


def remove_handlers() -> None:
    root = logging.getLogger()
    for h in list(root.handlers):
        if getattr(h, _TAG, False):
            root.removeHandler(h)
            h.close()
