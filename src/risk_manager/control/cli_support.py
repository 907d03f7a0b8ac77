"""What the admin and trader commands share: where the daemon listens, where its data is, read-only DB."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from risk_manager.config import Config, load_config
from risk_manager.control.client import DEFAULT_URL
from risk_manager.store import Store

DB_NAME = "risk_manager.db"  # same name as daemon.paths.DB_NAME (kept here to avoid importing the daemon)


def control_url(url: str | None, config: Config | None) -> str:
    """--url wins; else daemon.control_host/port of --config; else http://127.0.0.1:8787."""
    if url:
        return url.rstrip("/")
    if config is None:
        return DEFAULT_URL
    host = config.daemon.control_host
    return f"http://{f'[{host}]' if ':' in host else host}:{config.daemon.control_port}"


def load_optional(config: Path | None) -> Config | None:
    """The config named by --config (ConfigError propagates), or None when none was given."""
    return None if config is None else load_config(config)


def data_dir(explicit: Path | None, config: Config | None) -> Path:
    """--data-dir wins; else daemon.data_dir of --config; else the platform default the daemon uses."""
    if explicit is not None:
        return explicit
    if config is not None and config.daemon.data_dir:
        return Path(config.daemon.data_dir)
    from risk_manager.daemon.paths import default_data_dir

    return default_data_dir()


def open_readonly(data: Path) -> Store:
    """The daemon's database opened read-only (no migration, no writes); FileNotFoundError if absent."""
    db = (data / DB_NAME).resolve()
    if not db.is_file():
        raise FileNotFoundError(f"no risk-manager database at {db}")
    conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True, autocommit=True)
    return Store(conn, db)
