"""Run small scenarios through the real engine + paper broker (no mocks) and pick journal records."""

from __future__ import annotations

import json
from typing import Any

from risk_manager.config import load_config_text
from risk_manager.replay.runner import Replay
from risk_manager.replay.scenario import parse_scenario

Rec = dict[str, Any]


def replay(config_yaml: str, lines: list[Rec]) -> list[Rec]:
    config = load_config_text(config_yaml, "test.yaml")
    steps = parse_scenario("".join(json.dumps(x) + "\n" for x in lines), "test.jsonl")
    return Replay(config, steps).run()


def of_type(records: list[Rec], *types: str) -> list[Rec]:
    return [r for r in records if r.get("type") in types]


def actions(records: list[Rec]) -> list[tuple[Any, ...]]:
    return [(r["at"][11:19], r["rule"], r["action"], r.get("symbol")) for r in of_type(records, "action")]


def at(t: str, do: str, **kw: Any) -> Rec:
    """Line at local time ``t`` (HH:MM:SS) on 2026-11-20 (CST, -06:00) unless ``t`` is a full timestamp."""
    stamp = t if "T" in t else f"2026-11-20T{t}-06:00"
    return {"at": stamp, "do": do, **kw}


def buy(t: str, oid: str, size: int, sym: str = "MNQ", **kw: Any) -> Rec:
    return at(t, "order", id=oid, symbol=sym, side="buy", type="market", size=size, **kw)


def sell(t: str, oid: str, size: int, sym: str = "MNQ", **kw: Any) -> Rec:
    return at(t, "order", id=oid, symbol=sym, side="sell", type="market", size=size, **kw)


def quote(t: str, bid: float, sym: str = "MNQ", spread: float = 0.25) -> Rec:
    return at(t, "quote", symbol=sym, bid=bid, ask=bid + spread)


def config(rules: str, extra: str = "") -> str:
    return ("accounts: [{name: PRAC-1}]\n"
            "schedule: {timezone: America/Chicago, daily_reset: '17:00',"
            " session: {start: '08:30', end: '15:00'}}\n" + extra + "rules:\n" + rules)
