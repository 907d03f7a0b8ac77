"""One start-up preparation for `risk-manager run` and the Windows service (which runs it in-process).

Config, data directory, credentials, secret scrubbing, logging and the daemon options: both entry points
call :func:`prepare_daemon`, so they cannot drift apart again (the service once built its options without
the config path, and every admin reload of a Windows service failed).
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from risk_manager.config import Config
    from risk_manager.daemon.connect import Connector
    from risk_manager.daemon.options import DaemonOptions

EXIT_INVALID_CONFIG = 2
EXIT_CREDENTIALS = 3
LOGIN_REJECTIONS_ALLOWED = 3
CREDENTIALS_FILE = "credentials.env"  # what the service installers create in the data directory


class PrepareError(Exception):
    """Start-up refused before the daemon exists. ``code`` is the `risk-manager run` exit code, ``lines``
    what to tell the admin."""

    def __init__(self, code: int, lines: list[str]) -> None:
        super().__init__("; ".join(lines))
        self.code, self.lines = code, lines


@dataclass(frozen=True, slots=True)
class Prepared:
    config: Config
    connector: Connector
    options: DaemonOptions


def data_dir_credentials(data: Path) -> str | None:
    """``DATA/credentials.env`` when it exists (the installer's file), for a config that names none."""
    path = data / CREDENTIALS_FILE
    return str(path) if path.exists() else None


def prepare_daemon(config_path: Path, data_dir: Path | None, *, console_level: int | None = logging.INFO,
                   started: float | None = None) -> Prepared:
    """Everything `run` does before serving. Raises PrepareError (exit 2 invalid config, 3 credentials)."""
    started = time.perf_counter() if started is None else started
    from risk_manager.config import ConfigError, load_config
    from risk_manager.daemon.credentials import CredentialsError, load_credentials
    from risk_manager.daemon.paths import data_dir as resolve_data_dir

    try:
        cfg = load_config(config_path)
    except ConfigError as e:
        raise PrepareError(EXIT_INVALID_CONFIG, [f"invalid config ({len(e.problems)} problem(s)):",
                                                 *(f"  {p}" for p in e.problems)]) from None
    data = resolve_data_dir(cfg, data_dir)
    try:
        creds = load_credentials(cfg.secrets_file or data_dir_credentials(data))
    except CredentialsError as e:
        raise PrepareError(EXIT_CREDENTIALS, [str(e)]) from None

    from risk_manager.broker.projectx.logs import register_secret
    from risk_manager.daemon.connect import projectx_connector
    from risk_manager.daemon.logs import setup_logging
    from risk_manager.daemon.options import DaemonOptions
    from risk_manager.daemon.paths import log_dir

    register_secret(creds.api_key)
    setup_logging(log_dir(cfg, data), console_level)
    logging.getLogger("risk_manager.daemon").info(
        "risk-manager starting: config %s, data %s, credentials from %s", config_path, data, creds.source)
    # under systemd (NOTIFY_SOCKET) a wrong key is retried in-process with back-off: exiting would only be
    # restarted a second later; anywhere else the admin is told and the run stops after a few rejections
    rejections = None if os.environ.get("NOTIFY_SOCKET") else LOGIN_REJECTIONS_ALLOWED
    options = DaemonOptions(data_dir=data, started_at=started, config_path=config_path.resolve(),
                            login_rejections_allowed=rejections, gc_tuning=True)
    return Prepared(cfg, projectx_connector(cfg, creds), options)
