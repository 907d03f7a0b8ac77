"""`risk-manager replay`: determinism, malformed scenarios, summary, deadlines at their exact time."""

import json
from pathlib import Path

from typer.testing import CliRunner

from risk_manager.cli.main import app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "replay"
CONFIG = """\
accounts: [{name: PRAC-1}]
schedule: {timezone: America/Chicago, daily_reset: "17:00"}
rules:
  daily_realized_loss: {enabled: true, limit: -100, include_unrealized: false}
"""


def run(tmp_path: Path, lines: list[dict[str, object]], config: str = CONFIG) -> tuple[int, str, str]:
    scen = tmp_path / "s.jsonl"
    scen.write_text("".join(json.dumps(x) + "\n" for x in lines))
    cfg = tmp_path / "c.yaml"
    cfg.write_text(config)
    res = CliRunner().invoke(app, ["replay", str(scen), "--config", str(cfg)])
    return res.exit_code, res.stdout, res.stderr


def records(out: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


BASE = [
    {"at": "2026-11-20T08:30:00-06:00", "do": "account", "name": "PRAC-1", "fees_per_contract": 0.5},
    {"at": "2026-11-20T08:30:00-06:00", "do": "quote", "symbol": "ES", "bid": 5000.0, "ask": 5000.25},
    {"at": "2026-11-20T08:31:00-06:00", "do": "order", "id": "a", "symbol": "ES", "side": "buy",
     "type": "market", "size": 1},
    {"at": "2026-11-20T08:32:00-06:00", "do": "quote", "symbol": "ES", "bid": 4990.0, "ask": 4990.25},
    {"at": "2026-11-20T08:33:00-06:00", "do": "order", "id": "b", "symbol": "ES", "side": "sell",
     "type": "market", "size": 1},
    {"at": "2026-11-20T18:00:00-06:00", "do": "end"},
]


def test_loss_locks_until_reset_then_unlocks_and_summarises(tmp_path: Path) -> None:
    code, out, _ = run(tmp_path, BASE)
    assert code == 0
    recs = records(out)
    types = [r["type"] for r in recs]
    # buy at the ask 5000.25, sell at the bid 4990.00: 41 ticks x 12.50 = -512.50, fees 2 x 0.50
    assert recs[-1] == {"type": "summary", "account": "PRAC-1", "realized_pnl": -513.5, "fees": 1.0,
                        "positions": {}}
    lock = next(r for r in recs if r["type"] == "lockout")
    assert lock["until"] == "2026-11-20T17:00:00-06:00" and lock["kind"] == "hard"
    assert "action" not in types  # already flat when the loss was realised: nothing to do
    assert [r for r in recs if r["type"] == "reset"] == [
        {"at": "2026-11-20T17:00:00-06:00", "type": "reset", "trading_day": "2026-11-21"}]
    unlock = next(r for r in recs if r["type"] == "unlock")
    assert unlock["at"] == "2026-11-20T17:00:00-06:00"


def test_same_scenario_and_config_give_byte_identical_journals(tmp_path: Path) -> None:
    outs = {run(tmp_path, BASE)[1] for _ in range(3)}
    assert len(outs) == 1 and outs.pop().strip()


def test_out_file(tmp_path: Path) -> None:
    scen = tmp_path / "s.jsonl"
    scen.write_text("".join(json.dumps(x) + "\n" for x in BASE))
    cfg = tmp_path / "c.yaml"
    cfg.write_text(CONFIG)
    out = tmp_path / "journal.jsonl"
    res = CliRunner().invoke(app, ["replay", str(scen), "--config", str(cfg), "--out", str(out)])
    assert res.exit_code == 0 and res.stdout == ""
    assert records(out.read_text())[-1]["type"] == "summary"


def test_malformed_line_stops_with_exit_2_and_names_file_and_line(tmp_path: Path) -> None:
    bad = [*BASE[:2], {"at": "2026-11-20T08:31:00-06:00", "do": "order", "id": "a", "symbol": "ES",
                       "side": "up", "type": "market", "size": 1}]
    code, out, err = run(tmp_path, bad)
    assert code == 2 and out == ""
    assert f"{tmp_path / 's.jsonl'}:3: order: side must be buy or sell" in err


def test_unknown_symbol_out_of_order_and_bad_json(tmp_path: Path) -> None:
    scen = tmp_path / "s.jsonl"
    cfg = tmp_path / "c.yaml"
    cfg.write_text(CONFIG)
    t1, t0 = '"at": "2026-11-20T08:30:00-06:00"', '"at": "2026-11-20T08:00:00-06:00"'
    cases = {
        "{" + t1 + ', "do": "quote", "symbol": "XX", "bid": 1}\n': ":1: quote: symbol 'XX' is not a known",
        "{" + t1 + ', "do": "end"}\n{' + t0 + ', "do": "end"}\n': ":2: lines must be in time order",
        '{"at": "2026-11-20T08:30:00-06:00", "do": "end"\n': ":1: invalid JSON",
        '{"at": "2026-11-20T08:30:00", "do": "end"}\n': ":1: time '2026-11-20T08:30:00' needs a UTC offset",
    }
    for text, expected in cases.items():
        scen.write_text(text)
        res = CliRunner().invoke(app, ["replay", str(scen), "--config", str(cfg)])
        assert res.exit_code == 2, text
        assert expected in res.stderr, (text, res.stderr)


def test_invalid_config_exits_2(tmp_path: Path) -> None:
    code, _, err = run(tmp_path, BASE, CONFIG + "  max_contracts: {enabled: true, limt: 3}\n")
    assert code == 2 and "rules.max_contracts.limt" in err


def test_bundled_example_replays(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["replay", str(EXAMPLES / "tilted_day.jsonl"), "--config",
                                   str(EXAMPLES / "config.yaml")])
    assert res.exit_code == 0, res.stderr
    recs = records(res.stdout)
    assert {"violation", "lockout", "action", "reset", "summary"} <= {r["type"] for r in recs}
