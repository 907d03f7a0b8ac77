"""`risk-manager run` (a service restart) imports only its own sub-command; `--help` still shows them all."""

from __future__ import annotations

import json
import subprocess
import sys

from typer.testing import CliRunner

from risk_manager.cli.main import COMMANDS, app

PROBE = """
import json, sys
from typer.testing import CliRunner
from risk_manager.cli.main import app
result = CliRunner().invoke(app, ["run", "-c", "/no/such/risk_manager.yaml"])
print(json.dumps({"code": result.exit_code, "output": result.output,
                  "modules": sorted(m for m in sys.modules if m.startswith(("risk_manager.cli.", "httpx",
                                                                            "rich", "textual")))}))
"""


def test_run_imports_no_other_subcommand() -> None:
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120,
                         check=True)
    seen = json.loads(out.stdout)
    assert seen["code"] == 2 and "file not found" in seen["output"]  # it really ran `run`
    assert seen["modules"] == ["risk_manager.cli.main", "risk_manager.cli.run_cmd"]


def test_help_lists_every_subcommand_in_order() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    positions = [result.output.index(f" {name} ") for name in COMMANDS]
    assert positions == sorted(positions)
    assert set(COMMANDS) == {"config", "admin", "trader", "service", "replay", "run", "sim", "demo"}


def test_each_subcommand_loads_with_its_own_help() -> None:
    for name in COMMANDS:
        result = CliRunner().invoke(app, [name, "--help"])
        assert result.exit_code == 0, (name, result.output)
        assert f"risk-manager {name}" in result.output
        assert "--install-completion" not in result.output


def test_unknown_subcommand_is_an_error() -> None:
    result = CliRunner().invoke(app, ["nosuch"])
    assert result.exit_code == 2
