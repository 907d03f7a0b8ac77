"""Fuzz (hypothesis) over scenario files: a bad file is a ScenarioError (exit 2, FILE:LINE), never a crash,
and a file that parses replays to the end with finite figures."""

from __future__ import annotations

import json
import math
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from risk_manager.config import load_config_text
from risk_manager.replay.runner import Replay
from risk_manager.replay.scenario import ScenarioError, load_scenario, parse_scenario

CONFIG = load_config_text("""\
accounts: [{name: PRAC-1}, {name: PRAC-2}]
schedule: {timezone: America/Chicago, daily_reset: "17:00", session: {start: "08:30", end: "15:00"}}
rules:
  max_contracts: {enabled: true, limit: 3}
  daily_realized_loss: {enabled: true, limit: -200}
  daily_unrealized_loss: {enabled: true, limit: -150}
  cooldown_after_loss: {enabled: true, tiers: [{loss: -20, cooldown: 30s}]}
  trade_frequency_limit: {enabled: true, per_minute: 2, cooldown: {per_minute: 20s}}
  no_stop_loss_grace: {enabled: true, grace_period_seconds: 10}
  session_block_outside: {enabled: true}
""", "fuzz.yaml")
T0 = datetime.fromisoformat("2026-11-20T08:29:00-06:00")
ACTIONS = ["account", "quote", "order", "cancel", "modify", "close", "can_trade", "disconnect", "reconnect",
           "end"]
KEYS = ["name", "balance", "canTrade", "fees_per_contract", "symbol", "bid", "ask", "last", "id", "side",
        "type", "size", "limit", "stop", "value", "account", "duration", "flatten"]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=10**300, max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=8),
    st.sampled_from(["MNQ", "MES", "buy", "sell", "market", "limit", "stop", "stop_limit", "PRAC-1", "o1"]))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.text(max_size=4), inner, max_size=3), max_leaves=6)
times = st.one_of(st.integers(0, 4000).map(lambda s: (T0 + timedelta(seconds=s)).isoformat()),
                  st.sampled_from(["9999-12-31T23:59:59-06:00", "2026-11-20T08:30:00", "yesterday",
                                   "0001-01-01T00:00:00+14:00"]),
                  values)


@st.composite
def wild_line(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return draw(st.text(max_size=30))
    if kind == 1:
        return "[" * draw(st.integers(1, 200_000)) + "]" * draw(st.integers(0, 3))
    line: dict[str, Any] = {"at": draw(times), "do": draw(st.sampled_from(ACTIONS) | values)}
    for key in draw(st.lists(st.sampled_from(KEYS), max_size=6)):
        line[key] = draw(values)
    return json.dumps(line)


@st.composite
def plausible_line(draw: st.DrawFn, at: int) -> dict[str, Any]:
    """A well-formed line with random (valid) choices: exercises the runner, not the parser."""
    stamp = (T0 + timedelta(seconds=at)).isoformat()
    do = draw(st.sampled_from([*ACTIONS[:-1], "order", "order", "quote", "quote"]))
    sym = draw(st.sampled_from(["MNQ", "MES"]))
    acct = draw(st.sampled_from([{}, {"account": "PRAC-1"}, {"account": "PRAC-2"}]))
    price = draw(st.sampled_from([5990.0, 6000.0, 6010.0, 21000.0, 20950.0, 21050.0, 0.25, 1e6]))
    oid = draw(st.sampled_from(["o1", "o2", "o3"]))
    if do == "account":
        return {"at": stamp, "do": do, "name": draw(st.sampled_from(["PRAC-1", "PRAC-2"])),
                "balance": draw(st.floats(-1e9, 1e9)), "canTrade": draw(st.booleans()),
                "fees_per_contract": draw(st.sampled_from([0, 0.37, 2.5]))}
    if do == "quote":
        return {"at": stamp, "do": do, "symbol": sym, "bid": price, "ask": price + 0.25,
                "last": draw(st.sampled_from([None, price]))}
    if do == "order":
        typ = draw(st.sampled_from(["market", "limit", "stop", "stop_limit"]))
        side = draw(st.sampled_from(["buy", "sell"]))
        line = {"at": stamp, "do": do, "id": oid, "symbol": sym, "side": side,
                "type": typ, "size": draw(st.integers(1, 8)), **acct}
        if typ in ("limit", "stop_limit"):
            line["limit"] = price
        if typ in ("stop", "stop_limit"):
            line["stop"] = price + draw(st.sampled_from([-5.0, 5.0]))
        return line
    if do == "cancel":
        return {"at": stamp, "do": do, "id": oid}
    if do == "modify":
        return {"at": stamp, "do": do, "id": oid, "size": draw(st.integers(1, 5)), "stop": price}
    if do == "close":
        return {"at": stamp, "do": do, "symbol": sym, **acct}
    if do == "can_trade":
        return {"at": stamp, "do": do, "value": draw(st.booleans()), **acct}
    return {"at": stamp, "do": do}


def _replay(text: str) -> None:
    try:
        steps = parse_scenario(text, "fuzz.jsonl")
    except ScenarioError as e:
        assert str(e).startswith("fuzz.jsonl:") and e.reason
        return
    try:
        records = Replay(CONFIG, steps, "fuzz.jsonl").run()
    except ScenarioError as e:  # a disconnect/reconnect sequence that does not match
        assert e.reason.startswith(("disconnect", "reconnect", "self_lock"))
        return
    for r in records:
        if r["type"] == "summary":
            assert math.isfinite(r["realized_pnl"]) and math.isfinite(r["fees"])
        json.dumps(r, allow_nan=False)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(wild_line(), min_size=1, max_size=6))
def test_wild_lines_are_a_scenario_error_or_replay(lines: list[str]) -> None:
    _replay("\n".join(lines) + "\n")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(0, 3000), min_size=1, max_size=25).flatmap(
    lambda ts: st.tuples(*(plausible_line(t) for t in sorted(ts)))))
def test_plausible_scenarios_replay_to_the_end(lines: tuple[dict[str, Any], ...]) -> None:
    kept, cut = [], False
    for x in lines:  # outages well nested, so the run goes to the end
        if x["do"] in ("disconnect", "reconnect"):
            if cut != (x["do"] == "reconnect"):
                continue
            cut = not cut
        kept.append(x)
    _replay("".join(json.dumps(x) + "\n" for x in kept) + json.dumps(
        {"at": (T0 + timedelta(hours=30)).isoformat(), "do": "end"}) + "\n")


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=64))
def test_any_bytes_file(tmp_path_factory: Any, data: bytes) -> None:
    path: Path = tmp_path_factory.mktemp("fz") / "s.jsonl"
    path.write_bytes(data)
    try:
        load_scenario(path)
    except ScenarioError as e:
        assert str(e).startswith(f"{path}:")
