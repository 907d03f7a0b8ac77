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
    from risk_manager.daemon.prepare import PrepareError, prepare_daemon

    try:
        ready = prepare_daemon(config, data_dir, console_level=logging.WARNING if quiet else logging.INFO,
                               started=started)
    except PrepareError as e:
        print(f"risk-manager: {e.lines[0]}", *e.lines[1:], sep="\n", file=sys.stderr)
        raise typer.Exit(e.code) from None

    from risk_manager.daemon.logs import remove_handlers
    from risk_manager.daemon.service import serve

    try:
        code = asyncio.run(serve(ready.config, ready.connector, ready.options))
    finally:
        remove_handlers()
    raise typer.Exit(code)
