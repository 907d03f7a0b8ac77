"""DaemonBackend: snapshot from the engine + store, clock events, audit, and the reload decision."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from control_helpers import T0, config, engine, later

from risk_manager.clock import VirtualClock
from risk_manager.config import Config
from risk_manager.control.daemon_backend import DaemonBackend
from risk_manager.store import Store

BASE = ("accounts: [{name: PRAC-1}]\n"
        "rules:\n  max_contracts: {enabled: true, limit: 5}\n")


def make(tmp_path: Path, text: str = BASE, apply: bool = True) -> tuple[DaemonBackend, Store, list[Config],
                                                                          list[int]]:
    cfg_file = tmp_path / "risk_manager.yaml"
    cfg_file.write_text(text)
    cfg = config("  max_contracts: {enabled: true, limit: 5}\n")
    eng, _ = engine(cfg)
    store = Store.open(":memory:")
    applied: list[Config] = []
    stops: list[int] = []

    async def apply_config(new: Config) -> None:
        applied.append(new)

    backend = DaemonBackend(eng, cfg, store, clock=VirtualClock(later(5)), link_state=lambda: "CONNECTED",
                            request_stop=lambda: stops.append(1), config_path=cfg_file,
                            apply_config=apply_config if apply else None, started_at=T0)
    return backend, store, applied, stops


def test_snapshot_journal_clock_and_audit(tmp_path: Path) -> None:
    backend, store, _, _ = make(tmp_path)
    store.append_journal({"at": "2026-11-20T09:01:00-06:00", "type": "warning", "account": "PRAC-1",
                          "rule": "max_contracts", "utilization": 0.8})
    store.append_journal({"at": "2026-11-20T09:02:00-06:00", "type": "warning", "account": "PRAC-9",
                          "rule": "max_contracts", "utilization": 0.8})
    snap = backend.snapshot()
    assert snap["daemon"]["state"] == "PROTECTED" and snap["daemon"]["uptime_seconds"] == 300
    assert [r["account"] for r in snap["recent"]] == ["PRAC-1", "PRAC-9"]
    assert [r["account"] for r in backend.journal(10, "PRAC-1")] == ["PRAC-1"]
    backend.clock("PRAC-1", "in")
    assert backend.snapshot()["accounts"][0]["clocked_in"] is True
    with pytest.raises(KeyError):
        backend.clock("PRAC-2", "in")
    with pytest.raises(ValueError):
        backend.clock("PRAC-1", "lunch")
    assert [(e.account, e.kind) for e in store.clock_events("PRAC-1")] == [("PRAC-1", "in")]
    again = DaemonBackend(backend.engine, backend.config, store, clock=VirtualClock(later(9)),
                          link_state=lambda: "DOWN", request_stop=lambda: None)
    assert again.clocked_in == {"PRAC-1": True}  # read back from the store after a restart
    assert again.snapshot()["daemon"]["state"] == "NOT_MONITORED"
    backend.audit("alice@127.0.0.1", "reload", False, "wrong admin password", later(6))
    (entry,) = store.audit_tail(5)
    assert (entry.actor, entry.action, entry.ok, entry.at) == ("alice@127.0.0.1", "reload", False, later(6))


async def test_stop_only_requests_it(tmp_path: Path) -> None:
    backend, _, _, stops = make(tmp_path)
    await backend.stop()
    assert stops == [1]


async def test_reload_applies_live_changes(tmp_path: Path) -> None:
    backend, _, applied, _ = make(tmp_path)
    (tmp_path / "risk_manager.yaml").write_text(BASE.replace("limit: 5", "limit: 3"))
    result = await backend.reload()
    assert result == {"applied": True, "restart_needed": False,
                      "changes": ["rules.max_contracts.limit: 5 -> 3"]}
    assert len(applied) == 1 and backend.config.rules.max_contracts.limit == 3
    assert await backend.reload() == {"applied": False, "restart_needed": False, "changes": []}


async def test_reload_invalid_file_changes_nothing(tmp_path: Path) -> None:
    backend, _, applied, _ = make(tmp_path)
    (tmp_path / "risk_manager.yaml").write_text(BASE.replace("limit: 5", "limit: -5"))
    result = await backend.reload()
    assert result["applied"] is False and "invalid config, nothing changed" in result["error"]
    assert "rules.max_contracts.limit: must be > 0" in result["error"]
    assert applied == [] and backend.config.rules.max_contracts.limit == 5


async def test_reload_that_needs_a_restart_applies_nothing(tmp_path: Path) -> None:
    backend, _, applied, _ = make(tmp_path)
    (tmp_path / "risk_manager.yaml").write_text(
        BASE.replace("[{name: PRAC-1}]", "[{name: PRAC-1}, {name: PRAC-2}]").replace("limit: 5", "limit: 4"))
    result = await backend.reload()
    assert result["restart_needed"] is True and result["applied"] is False
    assert "rules.max_contracts.limit: 5 -> 4" in result["changes"]
    assert applied == [] and backend.config.rules.max_contracts.limit == 5


async def test_reload_without_a_live_apply_hook_says_restart(tmp_path: Path) -> None:
    backend, _, _, _ = make(tmp_path, apply=False)
    (tmp_path / "risk_manager.yaml").write_text(BASE.replace("limit: 5", "limit: 2"))
    result = await backend.reload()
    assert (result["applied"], result["restart_needed"]) == (False, True)
    no_path = DaemonBackend(backend.engine, backend.config, backend.store,
                            clock=VirtualClock(T0 + timedelta(1)), link_state=lambda: "CONNECTED",
                            request_stop=lambda: None)
    assert "config file path" in (await no_path.reload())["error"]
