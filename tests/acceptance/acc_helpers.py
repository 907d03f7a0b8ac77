"""Run the acceptance scenarios through the real CLI (`risk-manager replay`) and check record shapes.

Every expected figure in the tests is computed by hand from SPEC §5/§7/§13 and the tick sizes/values of
domain/contracts.py (ES 0.25/12.50, MES 0.25/1.25, NQ 0.25/5.00, MNQ 0.25/0.50, GC 0.10/10.00).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from risk_manager.cli.main import app

SCENARIOS = Path(__file__).resolve().parent / "scenarios"
Rec = dict[str, Any]
ACCOUNTS = {"PRAC-1", "PRAC-2"}
ACTIONS = {"flatten", "close_position", "reduce_position", "cancel_order", "cancel_entry_orders",
           "modify_stop"}
CONTRACT_ACTIONS = {"close_position", "reduce_position", "cancel_order", "modify_stop"}


@cache
def _run(name: str, config: str) -> tuple[Rec, ...]:
    args = ["replay", str(SCENARIOS / f"{name}.jsonl"), "--config", str(SCENARIOS / f"{config}.yaml")]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    recs = tuple(json.loads(line) for line in res.stdout.splitlines() if line.strip())
    for r in recs:
        check_shape(r)
    return recs


def run(name: str, config: str | None = None) -> list[Rec]:
    return list(_run(name, config or name))


def check_shape(r: Rec) -> None:
    """SPEC §13 record shapes plus the issue's additions (symbol, from/to, stop, until null)."""
    t = r["type"]
    if t == "summary":
        assert set(r) == {"type", "account", "realized_pnl", "fees", "positions"}, r
        assert all(isinstance(v, int) and v != 0 for v in r["positions"].values()), r
        return
    assert isinstance(r["at"], str) and r["at"][19] in "+-", r  # ISO 8601 with an offset
    if t == "reset":
        assert set(r) == {"at", "type", "trading_day"}, r
        return
    base = {"at", "type", "account", "rule"}
    assert r["account"] in ACCOUNTS, r
    extra = set(r) - base - {"dry_run"}
    if t == "violation":
        assert extra <= {"message", "symbol"} and "message" in extra, r
    elif t == "lockout":
        need = {"kind", "scope", "until", "reason"}
        assert need <= extra <= need | {"symbol"}, r
        assert r["kind"] in ("hard", "cooldown") and r["scope"] in ("account", "symbol"), r
        assert (r["scope"] == "symbol") == ("symbol" in r), r
    elif t == "action":
        assert r["action"] in ACTIONS, r
        assert ("symbol" in r) == (r["action"] in CONTRACT_ACTIONS), r
        assert ("from" in r and "to" in r) == (r["action"] == "reduce_position"), r
        assert ("stop" in r) == (r["action"] == "modify_stop"), r
        if r["action"] == "reduce_position":
            assert 0 <= r["to"] < r["from"], r  # absolute sizes
    elif t == "warning":
        assert set(r) == base | {"utilization"}, r
    elif t == "unlock":
        assert set(r) == base, r
    else:
        raise AssertionError(f"unknown record type {t!r}")


def of(recs: list[Rec], *types: str) -> list[Rec]:
    return [r for r in recs if r["type"] in types]


def hms(r: Rec) -> str:
    return str(r["at"][11:19])


def acts(recs: list[Rec]) -> list[tuple[Any, ...]]:
    """(time, rule, action, symbol) of every action, plus (from, to) for reductions."""
    out: list[tuple[Any, ...]] = []
    for r in of(recs, "action"):
        row: tuple[Any, ...] = (hms(r), r["rule"], r["action"], r.get("symbol"))
        if r["action"] == "reduce_position":
            row += (r["from"], r["to"])
        out.append(row)
    return out


def locks(recs: list[Rec]) -> list[tuple[Any, ...]]:
    return [(r["at"], r["rule"], r["kind"], r["scope"], r["until"]) for r in of(recs, "lockout")]


def unlocks(recs: list[Rec]) -> list[tuple[str, str]]:
    return [(r["at"], r["rule"]) for r in of(recs, "unlock")]


def violations(recs: list[Rec]) -> list[tuple[str, str]]:
    return [(hms(r), r["rule"]) for r in of(recs, "violation")]


def summary(recs: list[Rec]) -> Rec:
    assert recs[-1]["type"] == "summary" and len(of(recs, "summary")) == 1
    return recs[-1]


def summaries(recs: list[Rec]) -> dict[str, tuple[float, float, dict[str, int]]]:
    """Trailing summaries, one per account, after every other record."""
    tail = [r for r in recs if r["type"] == "summary"]
    assert recs[-len(tail):] == tail
    return {r["account"]: (round(r["realized_pnl"], 6), round(r["fees"], 6), r["positions"]) for r in tail}


def money(recs: list[Rec]) -> tuple[float, float, dict[str, int]]:
    s = summary(recs)
    return round(s["realized_pnl"], 6), round(s["fees"], 6), s["positions"]
