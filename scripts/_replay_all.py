"""Replay every case given on stdin (``name<TAB>scenario<TAB>config`` lines) through the CLI in-process, as
tests/replay/test_replay_golden.py does, and write each journal (stdout) to OUTDIR/name; a failed replay
writes ``exit N`` and its stderr instead. Run by scripts/journals_identical.py against one source tree."""

from __future__ import annotations

import sys
from pathlib import Path

from typer.testing import CliRunner

from risk_manager.cli.main import app


def main() -> None:
    out = Path(sys.argv[1])
    runner = CliRunner()
    for line in sys.stdin.read().splitlines():
        name, scenario, config = line.split("\t")
        res = runner.invoke(app, ["replay", scenario, "--config", config])
        text = res.stdout if res.exit_code == 0 else f"exit {res.exit_code}\n{res.stderr}"
        (out / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
