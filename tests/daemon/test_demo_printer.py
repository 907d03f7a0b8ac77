"""The demo's readable journal lines and its packaged config copy."""

from __future__ import annotations

import io
import json
from pathlib import Path

from risk_manager.demo.config import IN_REPO, PACKAGED, demo_config
from risk_manager.demo.printer import Printer, human

AT = "2026-11-20T14:23:15.123-06:00"


def test_readable_lines_for_the_records_a_trader_cares_about() -> None:
    assert human({"at": AT, "type": "action", "rule": "max_contracts", "action": "reduce_position",
                  "symbol": "MNQ", "from": 4, "to": 2}) == "14:23:15 max_contracts: reducing MNQ 4→2"
    assert human({"at": AT, "type": "lockout", "rule": "daily_realized_loss", "kind": "hard",
                  "scope": "account", "until": "2026-11-20T17:00:00-06:00"}) == \
        "14:23:15 daily_realized_loss: LOCKED (hard) until Fri 17:00:00"
    assert human({"at": AT, "type": "result", "call": "close_position", "ok": True}) is None
    assert "failed: HTTP 500" in str(human({"at": AT, "type": "result", "call": "close_position", "ok": False,
                                            "error": "HTTP 500"}))
    assert human({"at": AT, "type": "connection_lost", "reason": "hub dropped"}) == \
        "14:23:15 CONNECTION LOST hub dropped"


def test_headless_prints_json_lines_and_narration_to_stderr() -> None:
    out, err = io.StringIO(), io.StringIO()
    p = Printer(out, err, headless=True)
    p.record({"at": AT, "type": "unlock", "account": "PRAC-1", "rule": "r"})
    p.say("buys 5 MES")
    assert json.loads(out.getvalue())["type"] == "unlock"
    assert "trader: buys 5 MES" in err.getvalue() and "trader" not in out.getvalue()


def test_the_packaged_demo_config_is_the_examples_file_and_always_has_an_open_session() -> None:
    if IN_REPO.is_file():
        assert PACKAGED.read_text() == IN_REPO.read_text()
    from datetime import UTC, datetime

    sat = datetime(2026, 11, 21, 23, 30, tzinfo=UTC)  # a Saturday evening in Chicago
    cfg = demo_config("http://127.0.0.1:1/api", "http://127.0.0.1:1/hubs/user", "http://127.0.0.1:1/hubs/market",
                      sat, speed=2.0)
    from risk_manager.engine.factory import build_engine
    from risk_manager.engine.records import ListJournal

    engine = build_engine(cfg, ListJournal())
    assert engine.session is not None and engine.session.is_open(sat)
    assert cfg.gateway.api_url == "http://127.0.0.1:1/api"
    assert cfg.rules.no_stop_loss_grace.grace_period_seconds == 3.0
    assert cfg.rules.trade_frequency_limit.cooldown.per_minute.seconds == 4.0
    assert Path(PACKAGED).is_file()


def test_the_demo_says_which_values_it_shortened() -> None:
    from risk_manager.demo.config import scaled_values

    assert scaled_values() == [
        "trade_frequency_limit: 6 trades/min (file: 3), cooldown 8s (file: 60s)",
        "cooldown_after_loss: loss -50 -> 6s (file: 1m), loss -100 -> 12s (file: 3m)",
        "no_stop_loss_grace: 6s (file: 10s)",
        "session: open all day, every day (file: its own window)"]
    assert scaled_values(2.0)[0].endswith("cooldown 4s (file: 60s)")
