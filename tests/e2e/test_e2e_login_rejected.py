"""A wrong API key against the simulator through the real SDK: one clear line, journaled, back-off, exit 3."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from risk_manager.config import load_config_text
from risk_manager.daemon.connect import projectx_connector
from risk_manager.daemon.credentials import Credentials
from risk_manager.daemon.options import DaemonOptions, StartupError
from risk_manager.daemon.runtime import build_daemon
from risk_manager.sim import SimOptions, SimServer
from risk_manager.store import Store
from support.daemon_rig import config_yaml

pytestmark = pytest.mark.e2e
RIGHT, WRONG = "right-key-0123456789", "wrong-key-0123456789"


async def test_a_rejected_key_is_said_once_journaled_and_a_foreground_run_gives_up(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    async with SimServer(SimOptions(port=0, accounts=["PRAC-1"], api_key=RIGHT)) as sim:
        cfg = load_config_text(config_yaml(sim, "  max_contracts: {enabled: true, limit: 2}\n"), "t.yaml")
        caplog.set_level(logging.INFO)
        with pytest.raises(StartupError) as raised:  # build_daemon closes what it opened
            await build_daemon(cfg, projectx_connector(cfg, Credentials("me", WRONG)),
                               DaemonOptions(data_dir=tmp_path, login_rejections_allowed=2, control=False))
    assert raised.value.code == 3 and "login rejected: check PROJECT_X_API_KEY" in str(raised.value)
    said = [r.getMessage() for r in caplog.records
            if r.name == "risk_manager.daemon" and "login rejected" in r.getMessage()]
    assert len(said) == 2 and said[0].startswith("NOT MONITORED: login rejected: check PROJECT_X_API_KEY")
    assert said[1] == "login rejected again (2 times); next try in 2 s"
    sdk = [r for r in caplog.records if r.name.startswith("project_x_py") and r.levelno >= logging.WARNING]
    assert sdk == []  # no SDK warning per attempt
    assert WRONG not in caplog.text
    with Store.open(tmp_path / "risk_manager.db") as store:
        alerts = [r for r in store.journal_tail(50) if r["type"] == "alert"]
    assert [a["message"] for a in alerts] == [
        "NOT MONITORED: login rejected: check PROJECT_X_API_KEY (and PROJECT_X_USERNAME)"]


def test_only_a_run_outside_systemd_gives_up_on_a_rejected_key(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from risk_manager.daemon.logs import remove_handlers
    from risk_manager.daemon.prepare import prepare_daemon

    config = tmp_path / "c.yaml"
    config.write_text("accounts: [{name: PRAC-1}]\n")
    monkeypatch.setenv("PROJECT_X_USERNAME", "me")
    monkeypatch.setenv("PROJECT_X_API_KEY", WRONG)
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    assert prepare_daemon(config, tmp_path / "d").options.login_rejections_allowed == 3
    monkeypatch.setenv("NOTIFY_SOCKET", "/run/systemd/notify")
    assert prepare_daemon(config, tmp_path / "d").options.login_rejections_allowed is None
    remove_handlers()
