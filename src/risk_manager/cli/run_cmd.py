"""`risk-manager run --config FILE [--data-dir DIR]`: the daemon in the foreground (also the service's entry).

Exit codes: 0 stopped on request, 1 unexpected failure, 2 invalid config, 3 credentials missing or unusable,
4 self-test failed (a rule stayed silent on a synthetic breach), 5 configured account not found, 6 cannot
own the data directory or the control socket (another daemon runs on it, or the path belongs to someone else).
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time
from pathlib import Path
from typing import Annotated

import typer


def run(
    config: Annotated[Path, typer.Option("--config", "-c", help="risk_manager.yaml")],
    data_dir: Annotated[Path | None, typer.Option("--data-dir", help="database, backups and logs")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="warnings only on the console")] = False,
) -> None:
    """Run the risk daemon in the foreground until SIGTERM / Ctrl-C."""
    started = time.perf_counter()
    if sys.platform != "win32":
        os.umask(0o027)  # directories 0750, files 0640 unless made stricter (admin.hash 0600)
    from risk_manager.config import ConfigError, load_config
    from risk_manager.daemon.credentials import CredentialsError, load_credentials

    try:
        cfg = load_config(config)
    except ConfigError as e:
        print(f"risk-manager: invalid config ({len(e.problems)} problem(s)):", file=sys.stderr)
        for p in e.problems:
            print(f"  {p}", file=sys.stderr)
        raise typer.Exit(2) from None
    try:
        creds = load_credentials(cfg.secrets_file)
    except CredentialsError as e:
        print(f"risk-manager: {e}", file=sys.stderr)
        raise typer.Exit(3) from None

    from risk_manager.broker.projectx.logs import register_secret
    from risk_manager.daemon.connect import projectx_connector
    from risk_manager.daemon.logs import remove_handlers, setup_logging
    from risk_manager.daemon.options import DaemonOptions
    from risk_manager.daemon.paths import data_dir as resolve_data_dir
    from risk_manager.daemon.paths import log_dir
    from risk_manager.daemon.service import serve

    register_secret(creds.api_key)
    data = resolve_data_dir(cfg, data_dir)
    setup_logging(log_dir(cfg, data), logging.WARNING if quiet else logging.INFO)
    logging.getLogger("risk_manager.daemon").info(
        "risk-manager starting: config %s, data %s, credentials from %s", config, data, creds.source)
    options = DaemonOptions(data_dir=data, started_at=started, config_path=config.resolve(),
                            gc_tuning=True)
    try:
        code = asyncio.run(serve(cfg, projectx_connector(cfg, creds), options))
    finally:
        remove_handlers()
    raise typer.Exit(code)
