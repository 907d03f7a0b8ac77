"""The bundled guardrail examples (SPEC §7b) in examples/replay/: each scenario's journal is pinned in
<name>.expected.jsonl (written by `risk-manager replay`; rewrite with REGEN_EXAMPLES=1 after a deliberate
change and review the diff). Each shows one behaviour the README's trader guide describes."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from risk_manager.cli.replay_cmd import run_replay_files

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "replay"
NAMES = ["mll_floor", "weekly_loss", "weekly_profit", "losing_streak", "two_accounts", "self_lock"]


def journal(name: str) -> list[dict[str, Any]]:
    records = run_replay_files(EXAMPLES / f"{name}.jsonl", EXAMPLES / f"{name}.yaml")
    plain: list[dict[str, Any]] = json.loads(json.dumps(records))
    return plain


@pytest.mark.parametrize("name", NAMES)
def test_example_journal_is_pinned(name: str) -> None:
    got = journal(name)
    expected_file = EXAMPLES / f"{name}.expected.jsonl"
    if os.environ.get("REGEN_EXAMPLES") == "1":
        expected_file.write_text("".join(json.dumps(r) + "\n" for r in got), encoding="utf-8")
    expected = [json.loads(x) for x in expected_file.read_text(encoding="utf-8").splitlines() if x]
    assert got == expected


def rules_of(name: str, *types: str) -> list[tuple[str, str]]:
    return [(r["type"], r.get("rule", "")) for r in journal(name) if r["type"] in types]


def test_each_example_shows_its_rule() -> None:
    assert ("lockout", "max_loss_limit") in rules_of("mll_floor", "lockout")
    weekly = [r for r in journal("weekly_loss") if r["type"] == "lockout"]
    assert [(r["rule"], r["until"]) for r in weekly] == [("weekly_loss_limit", "2026-11-22T17:00:00-06:00")]
    assert ("lockout", "weekly_profit_target") in rules_of("weekly_profit", "lockout")
    assert rules_of("losing_streak", "lockout") == [("lockout", "consecutive_losses")]
    two = {(r["account"], r["rule"]) for r in journal("two_accounts") if r["type"] == "violation"}
    assert two == {("FUNDED-1", "max_contracts"), ("COMBINE-1", "daily_realized_loss"),
                   ("FUNDED-1", "daily_realized_loss")}
    locks = [r for r in journal("self_lock") if r["type"] == "lockout"]
    assert [(r["kind"], r["until"][11:16]) for r in locks] == [("cooldown", "10:30"), ("hard", "17:00")]
    assert not [r for r in journal("self_lock") if r["type"] == "violation"]
