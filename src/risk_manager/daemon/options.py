"""Daemon settings that are not in the config file, and the start-up refusal with its exit code."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from risk_manager.clock.clock import Clock, SystemClock
from risk_manager.enforcement.calls import ExecutorPolicy

EXIT_ENDPOINT = 6  # cannot own the data-directory lock or the control endpoint (another daemon, unsafe path)


class StartupError(Exception):
    """The daemon refuses to start. ``code`` is the process exit code."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(slots=True)
class DaemonOptions:
    data_dir: Path
    clock: Clock = field(default_factory=SystemClock)
    policy: ExecutorPolicy = field(default_factory=ExecutorPolicy)
    rate_limit: int = 180  # requests / rate_window across accounts (gateway: 200 / 60 s)
    rate_window: float = 60.0
    self_test: bool = True
    reconcile_every: float = 300.0  # a safety net besides reconnects: events can be lost silently
    login_retry_cap: float = 30.0
    started_at: float = field(default_factory=time.perf_counter)  # for startup_ms
    config_path: Path | None = None  # lets the admin reload the file live
    control: bool = True  # serve the control API (SPEC §11)
    control_socket: Path | None = None  # None = daemon.control_socket of the config, else the default
    gc_tuning: bool = False  # freeze the start-up heap once protected (gcpause.py): CLI, service
