"""Journal records: one frozen dataclass per type, one serializer writing the SPEC §13 objects with their
keys in the fixed order (``at``, ``type``, then the fields; absent optional fields left out)."""

from __future__ import annotations

import dataclasses
import json
import typing
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from risk_manager.daemon.journal import alert_record, bad_event_record
from risk_manager.engine import record_types
from risk_manager.engine.record_types import (
    AlertRecord,
    ConnectionLostRecord,
    ConnectionRestoredRecord,
    DaemonStartedRecord,
    DaemonStoppedRecord,
    JournalRecord,
    SummaryRecord,
    record_dict,
)
from risk_manager.engine.records import ListJournal, RecordMaker

CT = ZoneInfo("America/Chicago")
NOW = datetime(2026, 11, 20, 15, 34, tzinfo=UTC)  # 09:34 in Chicago
MAKE = RecordMaker(CT)
DRY = RecordMaker(CT, dry_run=True)


def line(rec: JournalRecord) -> str:
    return json.dumps(record_dict(rec), separators=(", ", ": "))


BASE = '{"at": "2026-11-20T09:34:00-06:00", '
CASES: list[tuple[JournalRecord, str]] = [
    (MAKE.violation(NOW, "PRAC-1", "max_contracts", "MNQ: 3 > 2", "MNQ"),
     BASE + '"type": "violation", "account": "PRAC-1", "rule": "max_contracts", "message": "MNQ: 3 > 2", '
            '"symbol": "MNQ"}'),
    (DRY.violation(NOW, "PRAC-1", "daily_realized_loss", "loss", None),
     BASE + '"type": "violation", "account": "PRAC-1", "rule": "daily_realized_loss", "message": "loss", '
            '"dry_run": true}'),
    (MAKE.lockout(NOW, "PRAC-1", "symbol_blocks", "hard", "CL", None, "CL is blocked"),
     BASE + '"type": "lockout", "account": "PRAC-1", "rule": "symbol_blocks", "kind": "hard", '
            '"scope": "symbol", "symbol": "CL", "until": null, "reason": "CL is blocked"}'),
    (DRY.lockout(NOW, "PRAC-1", "daily_realized_loss", "hard", None, datetime(2026, 11, 20, 23, tzinfo=UTC),
                 "x"),
     BASE + '"type": "lockout", "account": "PRAC-1", "rule": "daily_realized_loss", "kind": "hard", '
            '"scope": "account", "until": "2026-11-20T17:00:00-06:00", "reason": "x", "dry_run": true}'),
    (MAKE.action(NOW, "PRAC-1", "max_contracts", "reduce_position", symbol="MNQ", **{"from": 3, "to": 2}),
     BASE + '"type": "action", "account": "PRAC-1", "rule": "max_contracts", "action": "reduce_position", '
            '"symbol": "MNQ", "from": 3, "to": 2}'),
    (MAKE.action(NOW, "PRAC-1", "trade_management", "modify_stop", symbol="MNQ", order_id=7, stop=20990.25),
     BASE + '"type": "action", "account": "PRAC-1", "rule": "trade_management", "action": "modify_stop", '
            '"symbol": "MNQ", "order_id": 7, "stop": 20990.25}'),
    (MAKE.action(NOW, "PRAC-1", "r", "cancel_entry_orders", symbol=None, order_ids=[4, 5]),
     BASE + '"type": "action", "account": "PRAC-1", "rule": "r", "action": "cancel_entry_orders", '
            '"order_ids": [4, 5]}'),
    (MAKE.call_result(NOW, "PRAC-1", "r", "reduce_position", "MNQ", "partial_close", contract_id="C", size=1,
                      ok=False, uncertain=True, error="no answer", ms=3.5, since_decision_ms=4.25, attempt=0,
                      late=True),
     BASE + '"type": "result", "account": "PRAC-1", "rule": "r", "action": "reduce_position", '
            '"symbol": "MNQ", "call": "partial_close", "contract_id": "C", "size": 1, "ok": false, '
            '"uncertain": true, "error": "no answer", "ms": 3.5, "since_decision_ms": 4.25, "attempt": 0, '
            '"late": true}'),
    (MAKE.call_result(NOW, "PRAC-1", "r", "flatten", None, "cancel_order", order_id=9, ok=True,
                      uncertain=False, error="", ms=1.0, since_decision_ms=2.0, attempt=1),
     BASE + '"type": "result", "account": "PRAC-1", "rule": "r", "action": "flatten", '
            '"call": "cancel_order", "order_id": 9, "ok": true, "uncertain": false, "ms": 1.0, '
            '"since_decision_ms": 2.0, "attempt": 1}'),
    (MAKE.done(NOW, "PRAC-1", "r", "close_position", "ES", ok=True, calls=2, attempts=1, ms=12.5),
     BASE + '"type": "result", "account": "PRAC-1", "rule": "r", "action": "close_position", '
            '"symbol": "ES", "call": "done", "ok": true, "calls": 2, "attempts": 1, "ms": 12.5}'),
    (MAKE.unlock(NOW, "PRAC-1", "symbol_blocks", ""),
     BASE + '"type": "unlock", "account": "PRAC-1", "rule": "symbol_blocks"}'),
    (MAKE.warning(NOW, "PRAC-1", "daily_realized_loss", 0.812345),
     BASE + '"type": "warning", "account": "PRAC-1", "rule": "daily_realized_loss", "utilization": 0.8123}'),
    (MAKE.reset(NOW, date(2026, 11, 20)), BASE + '"type": "reset", "trading_day": "2026-11-20"}'),
    (alert_record(MAKE, NOW, "critical", "DEGRADED: x"),
     BASE + '"type": "alert", "level": "critical", "message": "DEGRADED: x"}'),
    (AlertRecord(at=MAKE.local(NOW), level="critical", account="PRAC-1", rule="r", action="flatten",
                 message="flatten: still not done"),
     BASE + '"type": "alert", "level": "critical", "account": "PRAC-1", "rule": "r", "action": "flatten", '
            '"message": "flatten: still not done"}'),
    (bad_event_record(MAKE, NOW, "position_update", "NaN", "{}", "PRAC-1", suppressed=3),
     BASE + '"type": "bad_event", "account": "PRAC-1", "kind": "position_update", "reason": "NaN", '
            '"raw": "{}", "suppressed": 3}'),
    (bad_event_record(MAKE, NOW, "quote", "bad", "{}"),
     BASE + '"type": "bad_event", "kind": "quote", "reason": "bad", "raw": "{}"}'),
    (ConnectionLostRecord(at=MAKE.local(NOW), state="DOWN", reason="hub closed"),
     BASE + '"type": "connection_lost", "state": "DOWN", "reason": "hub closed"}'),
    (ConnectionRestoredRecord(at=MAKE.local(NOW), down_seconds=1.5, reason="reconnected"),
     BASE + '"type": "connection_restored", "down_seconds": 1.5, "reason": "reconnected"}'),
    (DaemonStartedRecord(at=MAKE.local(NOW), accounts=("PRAC-1",), rules=("max_contracts",),
                         startup_ms=812.5),
     BASE + '"type": "daemon_started", "accounts": ["PRAC-1"], "rules": ["max_contracts"], '
            '"startup_ms": 812.5}'),
    (DaemonStoppedRecord(at=MAKE.local(NOW)), BASE + '"type": "daemon_stopped"}'),
    (SummaryRecord(account="PRAC-1", realized_pnl=-12.5, fees=1.48, positions={"MNQ": 2}),
     '{"type": "summary", "account": "PRAC-1", "realized_pnl": -12.5, "fees": 1.48, '
     '"positions": {"MNQ": 2}}'),
]


@pytest.mark.parametrize(("rec", "expected"), CASES, ids=[f"{type(r).__name__}-{i}" for i, (r, _) in
                                                          enumerate(CASES)])
def test_each_record_type_is_written_in_the_fixed_key_order(rec: JournalRecord, expected: str) -> None:
    assert line(rec) == expected


def test_every_record_type_is_a_frozen_dataclass_in_the_union_and_covered_here() -> None:
    union = set(typing.get_args(JournalRecord))
    declared = {c for c in vars(record_types).values() if isinstance(c, type)
                and dataclasses.is_dataclass(c) and c.__module__ == record_types.__name__}
    assert union == declared
    assert {type(r) for r, _ in CASES} == union
    rec = MAKE.unlock(NOW, "PRAC-1", "r", None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        rec.rule = "other"  # type: ignore[misc]


def test_an_unknown_action_field_is_refused_not_dropped() -> None:
    with pytest.raises(TypeError, match="price"):
        MAKE.action(NOW, "PRAC-1", "r", "modify_stop", price=1.0)


def test_the_list_journal_keeps_the_json_objects() -> None:
    journal = ListJournal()
    journal.write(MAKE.reset(NOW, date(2026, 11, 20)))
    assert journal.records == [
        {"at": "2026-11-20T09:34:00-06:00", "type": "reset", "trading_day": "2026-11-20"}]
