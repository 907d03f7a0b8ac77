"""`risk-manager demo --headless`: the whole story runs locally and every act is enforced."""

from __future__ import annotations

import io
import json

import pytest

from risk_manager.demo.run import run_demo

pytestmark = pytest.mark.e2e


async def test_headless_demo_prints_json_lines_and_every_act_is_enforced() -> None:
    out, err = io.StringIO(), io.StringIO()
    code = await run_demo(headless=True, duration=16.0, speed=4.0, out=out, err=err)
    assert code == 0, err.getvalue()[-2000:]
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    violated = {r["rule"] for r in records if r["type"] == "violation"}
    assert {"max_contracts", "no_stop_loss_grace", "cooldown_after_loss", "trade_frequency_limit",
            "daily_realized_loss"} <= violated
    lock = next(r for r in records if r["type"] == "lockout" and r["rule"] == "daily_realized_loss")
    assert lock["kind"] == "hard" and lock["until"]
    actions = [r for r in records if r["type"] == "action"]
    assert any(a["action"] == "reduce_position" and a["symbol"] == "MES" for a in actions)
    assert any(a["action"] == "flatten" for a in actions)
    # after the lockout the trader's last attempt is closed by the kill switch
    after = records[records.index(lock):]
    assert any(r["type"] == "action" and r["action"] == "close_position" for r in after)
    assert all(r["ok"] for r in records if r["type"] == "result" and r.get("call") == "done")
    assert "trader: done for the day" in err.getvalue()


async def test_the_demo_opens_the_trader_dashboard_over_the_control_api() -> None:
    out, err = io.StringIO(), io.StringIO()
    code = await run_demo(headless=True, duration=10.0, speed=4.0, out=out, err=err, dashboard=True)
    assert code == 0, err.getvalue()[-2000:]
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert any(r["type"] == "violation" and r["rule"] == "max_contracts" for r in records)
