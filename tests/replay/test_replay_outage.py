"""`disconnect` ... `reconnect` (SPEC §13, §5): missed events judged at their own time at the reconnect.

Issue 12.2 and 12.3 at replay level: a cooldown that already ended neither starts nor acts, and a late
entry inside a cooldown that was running at its own time sits out."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "engine"))
from replay_helpers import at, buy, config, of_type, quote, replay, sell

from risk_manager.config import load_config
from risk_manager.replay.runner import Replay
from risk_manager.replay.scenario import load_scenario

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "replay"
COOL5 = "  cooldown_after_loss: {enabled: true, tiers: [{loss: -40, cooldown: 5s}]}\n"
FREQ = "  trade_frequency_limit: {enabled: true, per_minute: 3, cooldown: {per_minute: 10s}}\n"


def brief(records: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(r.get("at", "")[11:19], r["type"], r.get("action") or r.get("until", "")[11:19] or "")
            for r in records if r["type"] != "warning"]


def test_12_2_a_loss_seen_at_reconnect_after_its_cooldown_ended_neither_locks_nor_flattens() -> None:
    recs = replay(config(COOL5), [
        quote("09:00:00", 6000.0, "MES"), buy("09:00:01", "a", 1, "MES"), at("09:00:02", "disconnect"),
        quote("09:00:03", 5990.5, "MES"), sell("09:00:04", "b", 1, "MES"),  # -$48.75: tier 5 s
        buy("09:00:11", "c", 1, "MES"),  # bought 2 s after that cooldown would have ended
        at("09:00:15", "reconnect"), at("09:05:00", "end")])
    assert brief(recs[:-1]) == [("09:00:04", "violation", ""), ("09:00:15", "lockout", "09:00:09")]
    assert recs[-1]["positions"] == {"MES": 1}  # the new position is not touched


def test_12_3_a_late_entry_inside_a_cooldown_that_ended_in_the_gap_starts_none() -> None:
    lines = [quote("09:00:00", 6000.0, "MES")] + [buy(f"09:00:0{i}", f"o{i}", 1, "MES") for i in (1, 2, 3)]
    recs = replay(config(FREQ), [*lines, at("09:00:04", "disconnect"), buy("09:00:06", "d", 1, "MES"),
                                 at("09:00:14", "reconnect"), at("09:05:00", "end")])
    assert brief(recs[:-1]) == [("09:00:03", "violation", ""), ("09:00:03", "lockout", "09:00:13"),
                                ("09:00:13", "unlock", "")]  # no second cooldown from the 4th entry
    assert recs[-1]["positions"] == {"MES": 4}


def test_a_late_entry_while_its_cooldown_still_runs_meets_the_kill_switch_at_the_reconnect() -> None:
    lines = [quote("09:00:00", 6000.0, "MES")] + [buy(f"09:00:0{i}", f"o{i}", 1, "MES") for i in (1, 2, 3)]
    recs = replay(config(FREQ), [*lines, at("09:00:04", "disconnect"), buy("09:00:06", "d", 1, "MES"),
                                 at("09:00:10", "reconnect"), at("09:05:00", "end")])
    acts = of_type(recs, "action")
    assert [(a["at"][11:19], a["action"], a["from"], a["to"]) for a in acts] == [
        ("09:00:10", "reduce_position", 4, 3)]
    assert recs[-1]["positions"] == {"MES": 3}


def test_a_daily_limit_crossed_in_the_gap_still_locks_and_flattens_at_the_reconnect() -> None:
    daily = "  daily_realized_loss: {enabled: true, limit: -100, include_unrealized: false}\n"
    recs = replay(config(daily), [
        quote("09:00:00", 21000.0), buy("09:00:01", "a", 2), at("09:00:02", "disconnect"),
        quote("09:00:10", 20900.0), sell("09:00:11", "b", 1), buy("09:00:20", "c", 1),
        at("09:01:00", "reconnect"), at("09:05:00", "end")])
    violation, lockout = of_type(recs, "violation")[0], of_type(recs, "lockout")[0]
    assert violation["at"] == "2026-11-20T09:00:11-06:00"  # its own time
    assert lockout["at"] == "2026-11-20T09:01:00-06:00"  # the decision: the reconnect
    assert lockout["until"] == "2026-11-20T17:00:00-06:00"
    assert [(a["at"][11:19], a["action"]) for a in of_type(recs, "action")] == [("09:01:00", "flatten")]
    assert recs[-1]["positions"] == {}


def test_quotes_are_lost_during_the_gap_and_a_grace_end_in_it_is_judged_at_the_reconnect() -> None:
    rules = ("  daily_unrealized_loss: {enabled: true, limit: -100}\n"
             "  no_stop_loss_grace: {enabled: true, grace_period_seconds: 10}\n")
    recs = replay(config(rules), [
        quote("09:00:00", 21000.0), buy("09:00:01", "a", 1), at("09:00:02", "disconnect"),
        quote("09:00:05", 20900.0), quote("09:00:06", 21000.0),  # a dip the engine never saw
        at("09:00:30", "reconnect"), at("09:05:00", "end")])
    assert of_type(recs, "lockout") == []
    violation = of_type(recs, "violation")
    assert [(v["at"][11:19], v["rule"]) for v in violation] == [("09:00:11", "no_stop_loss_grace")]
    acts = [(a["at"][11:19], a["action"]) for a in of_type(recs, "action")]
    assert acts == [("09:00:30", "close_position")]


def test_an_outage_of_one_account_leaves_the_other_watched() -> None:
    two = config(COOL5).replace("accounts: [{name: PRAC-1}]", "accounts: [{name: PRAC-1}, {name: PRAC-2}]")
    recs = replay(two, [
        at("09:00:00", "account", name="PRAC-1"), at("09:00:00", "account", name="PRAC-2"),
        quote("09:00:00", 6000.0, "MES"),
        buy("09:00:01", "a", 1, "MES", account="PRAC-1"), buy("09:00:01", "b", 1, "MES", account="PRAC-2"),
        at("09:00:02", "disconnect", account="PRAC-1"), quote("09:00:03", 5990.5, "MES"),
        sell("09:00:04", "c", 1, "MES", account="PRAC-1"), sell("09:00:04", "d", 1, "MES", account="PRAC-2"),
        at("09:00:06", "reconnect", account="PRAC-1"), at("09:05:00", "end")])
    locks = [(r["account"], r["at"][11:19], r["until"][11:19]) for r in of_type(recs, "lockout")]
    assert locks == [("PRAC-2", "09:00:04", "09:00:09"), ("PRAC-1", "09:00:06", "09:00:09")]


def test_bundled_outage_example_counts_gap_events_once() -> None:
    steps = load_scenario(EXAMPLES / "outage.jsonl")
    config = load_config(EXAMPLES / "config.yaml")
    before_reset = Replay(config, steps[:-1], "outage.jsonl")  # up to the last reconnect, 08:56
    summary = before_reset.run()[-1]
    assert before_reset.engine.states[1].realized == summary["realized_pnl"] == -204.96  # 3 reconciles: once
    recs = Replay(config, steps, "outage.jsonl").run()
    lockouts = of_type(recs, "lockout")
    assert [(r["at"][11:19], r["until"][11:19]) for r in lockouts] == [("08:34:00", "08:32:40"),
                                                                      ("08:42:00", "08:50:30")]
    assert [(r["at"][11:19], r["action"]) for r in of_type(recs, "action")] == [("08:42:00", "flatten")]
    assert json.dumps(summary)  # and the CLI journal is pinned byte for byte in test_replay_golden
