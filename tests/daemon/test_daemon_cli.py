"""`risk-manager run` exit codes and start-up housekeeping (no network: refusals happen before login)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from daemon_helpers import FAST, config, connector, paper_setup
from typer.testing import CliRunner

from risk_manager.cli.main import app
from risk_manager.daemon.options import DaemonOptions
from risk_manager.daemon.runtime import build_daemon
from risk_manager.rules.max_contracts import MaxContracts
from risk_manager.store import LockoutRecord, Store, list_backups

GOOD = """accounts: [{name: PRAC-1}]
gateway: {api_url: "http://127.0.0.1:9/api", user_hub_url: "http://127.0.0.1:9/hubs/user",
          market_hub_url: "http://127.0.0.1:9/hubs/market"}
rules:
  max_contracts: {enabled: true, limit: 2}
"""


@pytest.fixture(autouse=True)
def keep_umask() -> Iterator[None]:
    """`run` sets the process umask to 027 (its files 0640); keep that from leaking into later tests."""
    import os

    old = os.umask(0o022)
    os.umask(old)
    yield
    os.umask(old)


def run(tmp_path: Path, text: str, env: dict[str, str]) -> tuple[int, str]:
    cfg = tmp_path / "risk_manager.yaml"
    cfg.write_text(text)
    result = CliRunner().invoke(app, ["run", "-c", str(cfg), "--data-dir", str(tmp_path / "data"), "-q"],
                                env=env)
    return result.exit_code, result.output


def test_invalid_config_exits_2_and_prints_the_problems(tmp_path: Path) -> None:
    code, output = run(tmp_path, GOOD.replace("limit: 2", "limit: 2, limt: 3"), {})
    assert code == 2 and "limt" in output and "unknown key" in output


def test_missing_credentials_exit_3(tmp_path: Path) -> None:
    code, output = run(tmp_path, GOOD, {"PROJECT_X_USERNAME": "", "PROJECT_X_API_KEY": ""})
    assert code == 3 and "PROJECT_X_USERNAME" in output


def test_a_dead_rule_exits_4_with_its_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(MaxContracts, "evaluate", lambda self, event, ctx: [])
    secret = "sk-very-secret-key-1234567890"
    code, output = run(tmp_path, GOOD, {"PROJECT_X_USERNAME": "me", "PROJECT_X_API_KEY": secret})
    assert code == 4 and "max_contracts" in output
    logs = "".join(p.read_text() for p in (tmp_path / "data" / "logs").glob("*.log"))
    assert "max_contracts" in logs and secret not in logs


async def test_restarts_within_a_day_do_not_rotate_backups_and_stale_symbol_blocks_are_released(
        tmp_path: Path) -> None:
    now = datetime.now(UTC)
    with Store.open(tmp_path / "risk_manager.db") as store:
        store.put_lockout(LockoutRecord("PRAC-1", "symbol_blocks", "symbol:CL", "hard", None, "old",
                                        now - timedelta(hours=1)))
    cfg = config("  symbol_blocks: {enabled: true, blocked: [GC]}\n")
    for _ in range(2):
        _, port, stream = paper_setup()
        opts = DaemonOptions(data_dir=tmp_path, policy=FAST, control=False)
        d = await build_daemon(cfg, connector(port, stream), opts)
        await d.stop()
    assert len(list_backups(tmp_path / "backups", "risk_manager")) == 1
    with Store.open(tmp_path / "risk_manager.db") as store:
        assert store.active_lockouts() == []
        assert any(r["type"] == "unlock" and r.get("symbol") == "CL" for r in store.journal_tail(50))
