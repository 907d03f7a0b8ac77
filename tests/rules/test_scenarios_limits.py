"""Replay scenarios for rules 001-005, 011, 013 through the real engine, paper broker and virtual clock.

Each scenario is tests/scenarios/<rule>/<name>.jsonl with <name>.yaml (its config) and
<name>.expected.jsonl (the whole journal, summary included, as `risk-manager replay` writes it).
After a deliberate change, rewrite the expected files with REGEN_SCENARIOS=1 and review the diff by hand.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from risk_manager.cli.replay_cmd import run_replay_files

ROOT = Path(__file__).resolve().parents[1] / "scenarios"
RULES = ("max_contracts", "max_contracts_per_instrument", "daily_realized_loss", "daily_unrealized_loss",
         "max_unrealized_profit", "symbol_blocks", "daily_realized_profit")
SCENARIOS = sorted(p for rule in RULES for p in (ROOT / rule).glob("*.jsonl")
                   if not p.name.endswith(".expected.jsonl"))


def _expected_path(scenario: Path) -> Path:
    return scenario.with_name(scenario.stem + ".expected.jsonl")


def _replay(scenario: Path) -> list[dict[str, Any]]:
    records = run_replay_files(scenario, scenario.with_suffix(".yaml"))
    plain: list[dict[str, Any]] = json.loads(json.dumps(records))  # as written: plain JSON values
    return plain


def test_every_rule_has_a_scenario() -> None:
    assert {p.parent.name for p in SCENARIOS} == set(RULES)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_scenario_journal(scenario: Path) -> None:
    got = _replay(scenario)
    expected_file = _expected_path(scenario)
    if os.environ.get("REGEN_SCENARIOS") == "1":
        expected_file.write_text("".join(json.dumps(r) + "\n" for r in got), encoding="utf-8")
    expected = [json.loads(line) for line in expected_file.read_text(encoding="utf-8").splitlines() if line]
    assert got == expected
    # every decision of these scenarios comes from the rule the folder is named after (or the kill switch
    # enforcing that rule's lockout): no other rule is configured
    assert {r["rule"] for r in got if "rule" in r} <= {scenario.parent.name}


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_scenario_is_deterministic(scenario: Path) -> None:
    assert _replay(scenario) == _replay(scenario)
