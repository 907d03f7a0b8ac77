"""Replay lines for what live trading does (SPEC §13): partial, fill, void, duplicate; the bundled examples'
journals are pinned byte for byte."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_replay_cli import BASE, CONFIG, records, run
from typer.testing import CliRunner

from risk_manager.cli.main import app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "replay"
FREQ = CONFIG.replace("rules:\n", "rules:\n  trade_frequency_limit: {enabled: true, per_minute: 2, "
                                  "cooldown: {per_minute: 60s}}\n")
T = "2026-11-20T08:3{}:00-06:00"


@pytest.mark.parametrize("name", ["partial_fill", "voided_trade"])
def test_bundled_live_trading_examples_are_pinned(name: str, tmp_path: Path) -> None:
    out = tmp_path / "journal.jsonl"
    res = CliRunner().invoke(app, ["replay", str(EXAMPLES / f"{name}.jsonl"), "--config",
                                   str(EXAMPLES / "config.yaml"), "--out", str(out)])
    assert res.exit_code == 0, res.stderr
    assert out.read_bytes() == (EXAMPLES / f"{name}.journal.jsonl").read_bytes()


def _order(at: str, oid: str, size: int, side: str = "buy", **extra: object) -> dict[str, object]:
    return {"at": at, "do": "order", "id": oid, "symbol": "ES", "side": side, "type": "market", "size": size,
            **extra}


def test_partial_fill_is_one_trade_and_each_part_pays_its_fee(tmp_path: Path) -> None:
    lines = [*BASE[:2], _order(T.format(1), "a", 3, partial=[1, 2]), _order(T.format(1), "b", 3, "sell"),
             BASE[-1]]
    code, out, _ = run(tmp_path, lines, FREQ)
    recs = records(out)
    assert code == 0 and not [r for r in recs if r["type"] == "violation"]  # 1 entry, not 2
    assert recs[-1]["fees"] == 3.0  # 2 parts + the exit: 6 contracts x 0.50


def test_duplicate_counts_once_and_void_reverses(tmp_path: Path) -> None:
    lines = [*BASE[:4], _order(T.format(3), "b", 1, "sell"),
             {"at": T.format(4), "do": "duplicate", "order": "b"},
             {"at": T.format(5), "do": "void", "order": "b"}, BASE[-1]]
    code, out, _ = run(tmp_path, lines)
    recs = records(out)
    assert code == 0
    # the duplicate changes nothing: one violation, one lockout
    assert [(r["at"][11:19], r["type"]) for r in recs if r["type"] in ("violation", "lockout", "action")] == [
        ("08:33:00", "violation"), ("08:33:00", "lockout"), ("08:35:00", "action")]
    # the void reopens the long (the broker sends the corrected position); the lockout taken stands, so the
    # reopened position is closed at once, at the bid: the day ends with the same loss, its fees once more
    action = next(r for r in recs if r["type"] == "action")
    assert (action["action"], action["symbol"]) == ("close_position", "ES")
    assert recs[-1] == {"type": "summary", "account": "PRAC-1", "realized_pnl": -513.5, "fees": 1.0,
                        "positions": {}}


def test_fill_of_a_resting_order_and_overfill_is_a_scenario_error(tmp_path: Path) -> None:
    rest = {"at": T.format(1), "do": "order", "id": "lim", "symbol": "ES", "side": "buy", "type": "limit",
            "size": 2, "limit": 4900.0}
    ok = [*BASE[:2], rest, {"at": T.format(2), "do": "fill", "id": "lim", "size": 1}, BASE[-1]]
    code, out, _ = run(tmp_path, ok)
    assert code == 0 and records(out)[-1]["positions"] == {"ES": 1}
    bad = [*BASE[:2], rest, {"at": T.format(2), "do": "fill", "id": "lim", "size": 3}, BASE[-1]]
    code, _, err = run(tmp_path, bad)
    assert code == 2 and "more than the 2 that remain" in err


@pytest.mark.parametrize(("line", "problem"), [
    (_order(T.format(1), "x", 3, partial=[1, 1]), "must sum to size 3"),
    ({**_order(T.format(1), "x", 2, partial=[1, 1]), "type": "limit", "limit": 1.0}, "partial fills are for"),
    ({"at": T.format(1), "do": "fill", "id": "x", "size": 0}, "fill: size must be a whole number"),
    ({"at": T.format(1), "do": "void"}, "void: missing order"),
])
def test_malformed_live_lines_exit_2(tmp_path: Path, line: dict[str, object], problem: str) -> None:
    code, _, err = run(tmp_path, [*BASE[:2], line, BASE[-1]])
    assert code == 2 and problem in err, err


def test_journal_lines_are_json(tmp_path: Path) -> None:
    for name in ("partial_fill", "voided_trade"):
        for line in (EXAMPLES / f"{name}.journal.jsonl").read_text().splitlines():
            assert isinstance(json.loads(line), dict)


def test_a_voided_entry_no_longer_counts_as_a_trade(tmp_path: Path) -> None:
    lines = [*BASE[:2], _order(T.format(1), "a", 1), {"at": "2026-11-20T08:31:10-06:00", "do": "void",
                                                        "order": "a"},
             _order("2026-11-20T08:31:20-06:00", "b", 1), BASE[-1]]
    code, out, _ = run(tmp_path, lines, FREQ)
    assert code == 0
    assert not [r for r in records(out) if r["type"] == "violation"]  # 1/2 after the void, not 2/2
