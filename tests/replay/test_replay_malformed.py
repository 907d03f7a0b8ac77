"""Malformed scenarios (issue 12.11): each one stops with exit 2 and `FILE:LINE: reason`, none crashes or
runs unbounded; a journal that cannot be written is one clear line, exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from risk_manager.cli.main import app

CONFIG = "accounts: [{name: PRAC-1}]\nrules:\n  daily_realized_loss: {enabled: true, limit: -100}\n"
AT = '"at": "2026-11-20T08:30:00-06:00"'
ACCOUNT = '{' + AT + ', "do": "account", "name": "PRAC-1"}'


def line(**kw: object) -> str:
    return json.dumps({"at": "2026-11-20T08:30:00-06:00", **kw})


CASES: dict[str, tuple[str, str]] = {
    "balance text": (line(do="account", name="A", balance="lots"), ":1: account: balance must be a finite"),
    "fees text": (line(do="account", name="A", fees_per_contract="x"), ":1: account: fees_per_contract must"),
    "fees negative": (line(do="account", name="A", fees_per_contract=-1), ":1: account: fees_per_contract"),
    "400-digit balance": ('{' + AT + ', "do": "account", "name": "A", "balance": ' + "9" * 400 + "}",
                          ":1: account: balance must be a finite"),
    "400-digit size": ('{' + AT + ', "do": "order", "id": "o", "symbol": "MNQ", "side": "buy", '
                       '"type": "market", "size": ' + "9" * 400 + "}", ":1: order: size must be a whole"),
    "5000-digit price": ('{' + AT + ', "do": "quote", "symbol": "MNQ", "bid": ' + "9" * 5000 + "}",
                         ":1: invalid JSON"),
    "name list": (line(do="account", name=["A"]), ":1: account: name must be a non-empty text"),
    "name spaces": (line(do="account", name="   "), ":1: account: name must be a non-empty text"),
    "account dict": (line(do="close", symbol="MNQ", account={"a": 1}), ":1: close: account must be"),
    "id dict": (line(do="cancel", id={"x": 1}), ":1: cancel: id must be a non-empty text"),
    "do list": (line(do=["order"]), ":1: unknown action 'list'"),
    "at number": ('{"at": 5, "do": "end"}', ":1: 'at' must be an ISO 8601 time text"),
    "modify size text": (line(do="modify", id="o", size="2"), ":1: modify: size must be a whole"),
    "modify stop bool": (line(do="modify", id="o", stop=True), ":1: modify: stop must be a price"),
    "modify nothing": (line(do="modify", id="o"), ":1: modify: needs size, limit or stop"),
    "symbol null": (line(do="quote", symbol=None, bid=1.0), ":1: quote: symbol null is not a known symbol"),
    "order symbol null": (line(do="order", id="o", symbol=None, side="buy", type="market", size=1),
                          ":1: order: symbol null is not a known symbol"),
    "NaN quote": ('{' + AT + ', "do": "quote", "symbol": "MNQ", "bid": NaN}', ":1: invalid JSON: NaN is not"),
    "Infinity limit": ('{' + AT + ', "do": "order", "id": "o", "symbol": "MNQ", "side": "buy", '
                       '"type": "limit", "size": 1, "limit": -Infinity}', ":1: invalid JSON: -Infinity"),
    "negative price": (line(do="quote", symbol="MNQ", bid=-5.0), ":1: quote: bid must be a price"),
    "size bool": (line(do="order", id="o", symbol="MNQ", side="buy", type="market", size=True),
                  ":1: order: size must be a whole"),
    "can_trade int": (line(do="can_trade", value=1), ":1: can_trade: value must be true or false"),
    "typo field": (line(do="order", id="o", symbol="MNQ", side="buy", type="market", size=1, acount="B"),
                   ":1: order: unknown field 'acount'"),
    "deep JSON": ("[" * 100_000 + "]" * 100_000, ":1: line too long"),
    "deep JSON short": ('{"at": ' + "[" * 4000 + "]" * 4000 + "}", ":1: invalid JSON: nested too deeply"),
    "year 9999 end": (ACCOUNT + "\n" + '{"at": "9999-12-31T23:00:00-06:00", "do": "end"}',
                      ":2: time '9999-12-31T23:00:00-06:00' is outside 2000-2100"),
    "span too long": (ACCOUNT + "\n" + '{"at": "2026-12-22T08:30:00-06:00", "do": "end"}',
                      ":2: a scenario spans at most 31 days"),
    "self_lock bad duration": (line(do="self_lock", duration="forever"), ":1: self_lock: duration is not"),
    "reconnect alone": (ACCOUNT + "\n" + line(do="reconnect"), ":2: reconnect: without a matching"),
    "disconnect twice": (line(do="disconnect") + "\n" + line(do="disconnect"), ":2: disconnect: already"),
    "self_lock flatten int": (line(do="self_lock", duration="30m", flatten=1),
                              ":1: self_lock: flatten must be true or false"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_malformed_scenario_exits_2_with_file_and_line(tmp_path: Path, name: str) -> None:
    text, expected = CASES[name]
    scen, cfg = tmp_path / "s.jsonl", tmp_path / "c.yaml"
    scen.write_text(text + "\n")
    cfg.write_text(CONFIG)
    res = CliRunner().invoke(app, ["replay", str(scen), "--config", str(cfg)])
    assert res.exit_code == 2, (name, res.output, res.exception)
    assert res.stdout == ""
    assert res.stderr.startswith(str(scen) + ":") and expected in res.stderr, (name, res.stderr)
    assert len(res.stderr.splitlines()) == 1


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    scen, cfg = tmp_path / "s.jsonl", tmp_path / "c.yaml"
    bad = b'{"at": "2026-11-20T08:30:00-06:00", "do": "end", "x": "\xff"}\n'
    scen.write_bytes(ACCOUNT.encode() + b"\n" + bad)
    cfg.write_text(CONFIG)
    res = CliRunner().invoke(app, ["replay", str(scen), "--config", str(cfg)])
    assert res.exit_code == 2 and res.stderr == f"{scen}:2: not UTF-8 text\n"


def test_out_in_a_missing_directory_is_one_clear_line(tmp_path: Path) -> None:
    scen, cfg = tmp_path / "s.jsonl", tmp_path / "c.yaml"
    scen.write_text(ACCOUNT + "\n" + line(do="end") + "\n")
    cfg.write_text(CONFIG)
    out = tmp_path / "no" / "such" / "dir" / "x.jsonl"
    res = CliRunner().invoke(app, ["replay", str(scen), "--config", str(cfg), "--out", str(out)])
    assert res.exit_code == 2 and res.stdout == ""
    assert res.stderr == f"cannot write the journal to {out}: No such file or directory\n"
