"""Replay scenarios for rules 006-010 and 012 through the real engine, paper broker and virtual clock.

Each scenario is tests/scenarios/<rule>/<name>.jsonl with <name>.yaml (its config) and
<name>.expected.jsonl (the whole journal, summary included, as `risk-manager replay` writes it).
After a deliberate change, rewrite the expected files with REGEN_SCENARIOS=1 and review the diff by hand;
KEY_RECORDS below pins the edge cases independently, so a careless regeneration cannot bless a regression.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from risk_manager.cli.replay_cmd import run_replay_files

ROOT = Path(__file__).resolve().parents[1] / "scenarios"
RULES = ("trade_frequency_limit", "cooldown_after_loss", "no_stop_loss_grace", "session_block_outside",
         "auth_loss_guard", "trade_management")
SCENARIOS = sorted(p for rule in RULES for p in (ROOT / rule).glob("*.jsonl")
                   if not p.name.endswith(".expected.jsonl"))

# scenario -> records (subsets of fields) that must appear, in this order, in its journal
KEY_RECORDS: dict[str, list[dict[str, Any]]] = {
    "trade_frequency_limit/third_trade_cools_down": [
        {"at": "2026-11-20T08:30:30-06:00", "type": "lockout", "kind": "cooldown",
         "until": "2026-11-20T08:31:30-06:00"},  # the 3rd trade starts it
        {"type": "action", "action": "cancel_entry_orders", "order_ids": [4]},  # the limit, not the stop
        {"at": "2026-11-20T08:30:45-06:00", "type": "action", "action": "reduce_position", "to": 3},
        {"at": "2026-11-20T08:31:30-06:00", "type": "unlock"},
    ],
    "trade_frequency_limit/per_hour_flattens": [
        {"at": "2026-11-20T09:20:00-06:00", "type": "action", "action": "flatten"},
        {"at": "2026-11-20T09:30:00-06:00", "type": "unlock"},
        {"at": "2026-11-20T09:40:00-06:00", "type": "lockout", "until": "2026-11-20T09:50:00-06:00"},
    ],
    "cooldown_after_loss/most_severe_tier": [
        {"at": "2026-11-20T08:41:00-06:00", "type": "lockout", "until": "2026-11-20T09:11:00-06:00"},
        {"at": "2026-11-20T08:41:00-06:00", "type": "action", "action": "flatten"},
        {"at": "2026-11-20T09:11:00-06:00", "type": "unlock"},
        {"at": "2026-11-20T09:32:00-06:00", "type": "lockout", "until": "2026-11-20T09:37:00-06:00"},
    ],
    "no_stop_loss_grace/grace_and_cancelled_stop": [
        {"at": "2026-11-20T08:30:15-06:00", "type": "action", "action": "close_position", "symbol": "MNQ"},
        {"at": "2026-11-20T08:31:40-06:00", "type": "action", "action": "close_position", "symbol": "MNQ"},
    ],
    "session_block_outside/outside_fill_and_session_end": [
        {"at": "2026-11-20T08:00:00-06:00", "type": "lockout", "kind": "hard",
         "until": "2026-11-20T08:30:00-06:00"},
        {"at": "2026-11-20T08:30:00-06:00", "type": "unlock"},
        {"at": "2026-11-20T14:59:00-06:00", "type": "lockout", "until": "2026-11-23T08:30:00-06:00"},
        {"at": "2026-11-20T14:59:00-06:00", "type": "action", "action": "flatten"},
        {"at": "2026-11-20T15:30:00-06:00", "type": "action", "action": "close_position"},
    ],
    "session_block_outside/thanksgiving_early_close": [
        {"at": "2026-11-26T12:00:00-06:00", "type": "lockout", "until": "2026-11-27T08:30:00-06:00"},
        {"at": "2026-11-26T12:00:00-06:00", "type": "action", "action": "flatten"},
        {"at": "2026-11-27T08:29:00-06:00", "type": "action", "action": "close_position"},
        {"at": "2026-11-27T08:30:00-06:00", "type": "unlock"},
    ],
    "auth_loss_guard/can_trade_off_and_on": [
        {"at": "2026-11-20T08:32:00-06:00", "type": "lockout", "kind": "hard", "until": None},
        {"at": "2026-11-20T08:32:00-06:00", "type": "action", "action": "flatten"},
        {"at": "2026-11-20T08:40:00-06:00", "type": "unlock"},
    ],
    "trade_management/breakeven_then_trail": [
        {"at": "2026-11-20T08:33:00-06:00", "type": "action", "action": "modify_stop", "stop": 21000.75},
        {"at": "2026-11-20T08:34:00-06:00", "type": "action", "action": "modify_stop", "stop": 21002.25},
        {"type": "summary", "realized_pnl": 7.0, "positions": {}},
    ],
}


def _id(p: Path) -> str:
    return f"{p.parent.name}/{p.stem}"


def _replay(scenario: Path) -> list[dict[str, Any]]:
    records = run_replay_files(scenario, scenario.with_suffix(".yaml"))
    return json.loads(json.dumps(records))  # the journal as it is written: plain JSON values


def test_every_rule_and_scenario_is_covered() -> None:
    assert {p.parent.name for p in SCENARIOS} == set(RULES)
    assert {_id(p) for p in SCENARIOS} == set(KEY_RECORDS)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=_id)
def test_scenario_journal(scenario: Path) -> None:
    got = _replay(scenario)
    expected_file = scenario.with_name(scenario.stem + ".expected.jsonl")
    if os.environ.get("REGEN_SCENARIOS") == "1":
        expected_file.write_text("".join(json.dumps(r) + "\n" for r in got), encoding="utf-8")
    expected = [json.loads(line) for line in expected_file.read_text(encoding="utf-8").splitlines() if line]
    assert got == expected
    # only the rule the folder is named after decides anything (the kill switch acts in its name)
    assert {r["rule"] for r in got if "rule" in r} <= {scenario.parent.name}


@pytest.mark.parametrize("scenario", SCENARIOS, ids=_id)
def test_scenario_key_records(scenario: Path) -> None:
    rest = iter(_replay(scenario))
    for want in KEY_RECORDS[_id(scenario)]:
        assert any(want.items() <= r.items() for r in rest), f"missing (in order): {want}"


@pytest.mark.parametrize("scenario", SCENARIOS, ids=_id)
def test_scenario_is_deterministic(scenario: Path) -> None:
    assert _replay(scenario) == _replay(scenario)
