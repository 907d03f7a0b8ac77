"""What an install needs to know, worked out (and the config validated) before anything is changed."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path, PurePath

from risk_manager.service.runner import ServiceError

RUN_MODULE = "risk_manager.cli.main"  # `python -m risk_manager.cli.main run` == the `risk-manager run` script


@dataclass(frozen=True, slots=True)
class InstallPlan:
    config: PurePath
    data_dir: PurePath
    log_dir: PurePath
    python: str
    has_secrets_file: bool = False  # the config names its own credentials file

    @property
    def argv(self) -> tuple[str, ...]:
        """The service's command line: this interpreter running the foreground daemon."""
        return run_argv(self.python, self.config, self.data_dir)


def run_argv(python: str, config: PurePath, data_dir: PurePath) -> tuple[str, ...]:
    return (python, "-m", RUN_MODULE, "run", "--config", str(config), "--data-dir", str(data_dir))


def current_python() -> str:
    # abspath, not resolve(): a venv's bin/python is a symlink and resolving it would lose the venv.
    return os.path.abspath(sys.executable)


def load_plan(config: Path, data_dir: Path | None, default_data: PurePath,
              python: str | None = None) -> InstallPlan:
    """Validate the config (an invalid one is refused, exit 2) and fix absolute paths for the service."""
    from risk_manager.config import ConfigError, load_config

    config = Path(os.path.abspath(config))
    try:
        cfg = load_config(config)
    except ConfigError as e:
        lines = "\n".join(f"  {p}" for p in e.problems)
        raise ServiceError(f"invalid config ({len(e.problems)} problem(s)); nothing was installed:\n{lines}",
                           exit_code=2) from None
    if data_dir is not None:
        data: PurePath = Path(os.path.abspath(data_dir))
    elif cfg.daemon.data_dir:
        data = Path(cfg.daemon.data_dir)
    else:
        data = default_data
    logs: PurePath = Path(cfg.daemon.log_dir) if cfg.daemon.log_dir else data / "logs"
    return InstallPlan(config, data, logs, python or current_python(), cfg.secrets_file is not None)
