"""What the admin and trader commands share: where the daemon's socket and data are, whom to trust with a
password, and a read-only database.

Resolution, first match wins: the command's option; the ``--config`` file; the installed service's record
(``/etc/risk-manager/service.json``, written by ``service install``; ``/etc/risk-manager/NAME/service.json``
for the instance chosen with ``--name`` / ``$RISK_MANAGER_NAME``); the platform default.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

from risk_manager.config import Config, load_config
from risk_manager.service.record import InstallRecord, read_record
from risk_manager.store import Store

DB_NAME = "risk_manager.db"  # same name as daemon.paths.DB_NAME (kept here to avoid importing the daemon)
NAME_ENV = "RISK_MANAGER_NAME"
_chosen: dict[str, str] = {}  # the instance this command addresses (`trader --name`, `admin --name`)


def select_instance(name: str | None) -> None:
    """Address the service instance ``name`` (None: ``$RISK_MANAGER_NAME``, else the unnamed one).
    ValueError for a malformed name."""
    from risk_manager.service.instance import valid_name

    _chosen.clear()
    if name:
        _chosen["name"] = valid_name(name)


def instance_name() -> str | None:
    return _chosen.get("name") or os.environ.get(NAME_ENV) or None


def load_optional(config: Path | None) -> Config | None:
    """The config named by --config (ConfigError propagates), or None when none was given."""
    return None if config is None else load_config(config)


def data_dir(explicit: Path | None, config: Config | None, record: InstallRecord | None = None) -> Path:
    """--data-dir; else daemon.data_dir of --config; else the installed service's; else the default."""
    if explicit is not None:
        return explicit
    if config is not None and config.daemon.data_dir:
        return Path(config.daemon.data_dir)
    name = instance_name()
    record = record or read_record(name=name)
    if record is not None:
        return Path(record.data_dir)
    if name is not None:  # a named instance's own directory, even before its record exists
        from risk_manager.service.instance import Instance

        inst = Instance(name)
        return Path(inst.program_data() if sys.platform == "win32" else inst.state_dir)
    from risk_manager.daemon.paths import default_data_dir

    return default_data_dir()


def control_socket(explicit: Path | None, config: Config | None, data: Path | None = None) -> Path:
    """--socket; else daemon.control_socket of --config; else (Windows) the service's pipe; else the
    installed service's socket; else ``control.sock`` in the data directory (the foreground default)."""
    from risk_manager.control.endpoint import SOCKET_NAME

    if explicit is not None:
        return explicit
    if config is not None and config.daemon.control_socket:
        return Path(config.daemon.control_socket)
    name = instance_name()
    if sys.platform == "win32":  # the service's named pipe (control/windows_pipe.py)
        from risk_manager.control.windows_pipe import pipe_name

        return Path(pipe_name(name))
    record = read_record(name=name)
    if record is not None and (config is None or not config.daemon.data_dir):
        return Path(record.socket)
    if name is not None and config is None and data is None:
        from risk_manager.service.instance import Instance

        return Path(Instance(name).socket)
    return (data or data_dir(None, config, record)) / SOCKET_NAME


def trusted_uids() -> set[int]:
    """Who may serve the endpoint the admin sends a password to: root, this user, the service's user."""
    uids = {0, os.geteuid() if sys.platform != "win32" else 0}
    record = read_record(name=instance_name())
    uid = record.service_uid() if record is not None else None
    if uid is not None:
        uids.add(uid)
    return uids


def open_readonly(data: Path) -> Store:
    """The daemon's database opened read-only (no migration, no writes); FileNotFoundError if absent."""
    db = (data / DB_NAME).resolve()
    if not db.is_file():
        raise FileNotFoundError(f"no risk-manager database at {db}")
    conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True, autocommit=True)
    return Store(conn, db)
