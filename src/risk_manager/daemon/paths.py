"""Where the daemon keeps its database, backups and logs."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from risk_manager.config import Config

DB_NAME = "risk_manager.db"


def default_data_dir() -> Path:
    """%ProgramData%\\RiskManager on Windows; $STATE_DIRECTORY (systemd) or ~/.local/state elsewhere."""
    if sys.platform == "win32":
        return Path(os.environ.get("PROGRAMDATA", r"C:\ProgramData")) / "RiskManager"
    state = os.environ.get("STATE_DIRECTORY")
    if state:
        return Path(state.split(":")[0])
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "risk-manager"


def data_dir(config: Config, override: str | os.PathLike[str] | None = None) -> Path:
    if override is not None:
        return Path(override)
    return Path(config.daemon.data_dir) if config.daemon.data_dir else default_data_dir()


def log_dir(config: Config, data: Path) -> Path:
    """daemon.log_dir, else $LOGS_DIRECTORY (the systemd unit's LogsDirectory), else <data>/logs."""
    if config.daemon.log_dir:
        return Path(config.daemon.log_dir)
    logs = os.environ.get("LOGS_DIRECTORY")
    return Path(logs.split(":")[0]) if logs else data / "logs"


def db_path(data: Path) -> Path:
    return data / DB_NAME


def backup_dir(data: Path) -> Path:
    return data / "backups"
