"""build_snapshot's clock and daemon sections, accounts not resolved yet, and the recent journal tail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from control_helpers import T0, config, engine

from risk_manager.config import Config
from risk_manager.control.snapshot import build_snapshot, daemon_state
from risk_manager.engine.engine import Engine

Json = dict[str, Any]
MAXC = "  max_contracts: {enabled: true, limit: 5}\n"


def snap(eng: Engine, cfg: Config, now: datetime, started_at: datetime = T0) -> Json:
    return build_snapshot(eng, cfg, "CONNECTED", now, started_at=started_at, clocked_in={})


def rule(acct: Json, name: str) -> Json:
    return dict(next(r for r in acct["rules"] if r["rule"] == name))


def test_clock_section_in_the_schedule_zone_winter_weekend_and_summer() -> None:
    cfg = config(MAXC)
    eng, _ = engine(cfg)
    c = snap(eng, cfg, T0)["clock"]
    assert c == {"now_utc": "2026-11-20T15:00:00+00:00", "now_local": "2026-11-20T09:00:00-06:00",
                 "timezone": "America/Chicago", "trading_day": "2026-11-20",
                 "next_reset": "2026-11-20T17:00:00-06:00", "seconds_to_reset": 8 * 3600,
                 "session": {"start": "08:30", "end": "15:00", "days": ["mon", "tue", "wed", "thu", "fri"],
                             "open": True, "current_end": "2026-11-20T15:00:00-06:00",
                             "next_start": "2026-11-23T08:30:00-06:00"}}
    saturday = T0 + timedelta(days=1)
    s = snap(eng, cfg, saturday)["clock"]["session"]
    assert (s["open"], s["current_end"], s["next_start"]) == (False, None, "2026-11-23T08:30:00-06:00")
    summer = datetime(2026, 7, 14, 14, 0, tzinfo=UTC)
    eng2, _ = engine(cfg, summer)
    c = snap(eng2, cfg, summer, started_at=summer)["clock"]
    assert (c["now_local"], c["next_reset"]) == (
        "2026-07-14T09:00:00-05:00", "2026-07-14T17:00:00-05:00")


def test_daemon_state_unresolved_accounts_clock_in_and_recent() -> None:
    cfg = config(MAXC, accounts="[{name: PRAC-1}, {name: PRAC-2}]")
    eng, _ = engine(cfg)
    records = [{"at": "x", "type": "reset", "trading_day": str(i)} for i in range(30)]
    s = build_snapshot(eng, cfg, "CONNECTING", T0, started_at=None, clocked_in={"PRAC-1": True},
                       recent=records, protected=False)
    assert s["daemon"]["state"] == "STARTING" and s["daemon"]["started_at"] is None
    one, two = s["accounts"]
    assert (one["monitored"], one["clocked_in"]) == (True, True)
    assert (two["name"], two["monitored"], two["id"], two["pnl"], two["clocked_in"]) == (
        "PRAC-2", False, None, None, None)
    assert rule(two, "max_contracts")["text"] == "not monitored"
    assert [r["trading_day"] for r in s["recent"]] == [str(i) for i in range(10, 30)]
    assert [daemon_state(x) for x in ("CONNECTED", "DEGRADED", "DOWN", "CONNECTING", "weird")] == [
        "PROTECTED", "DEGRADED", "NOT_MONITORED", "DEGRADED", "NOT_MONITORED"]
    assert daemon_state("CONNECTED", protected=False) == "STARTING"
    assert daemon_state("NOT_MONITORED") == "NOT_MONITORED"
