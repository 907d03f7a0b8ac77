"""The wiring the daemon uses, end to end on one event loop: real engine + store + DaemonBackend +
ControlServer, called over HTTP on its socket."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
from control_helpers import T0, config, engine, later, open_long

from risk_manager.clock import VirtualClock
from risk_manager.config import Config
from risk_manager.control import ControlServer, DaemonBackend, admin_hash_path, set_password
from risk_manager.control.peer import Peer
from risk_manager.store import Store

PASSWORD = "correct horse battery"
RULES = "  trade_frequency_limit: {enabled: true, per_hour: 1}\n"


async def test_daemon_wiring_over_http(tmp_path: Path) -> None:
    cfg_file = tmp_path / "risk_manager.yaml"
    cfg_file.write_text("accounts: [{name: PRAC-1}]\nrules:\n" + RULES)
    cfg = config(RULES)
    eng, _ = engine(cfg)
    open_long(eng, T0, 1)  # 1/1 trades this hour -> cooldown
    store = Store.open(tmp_path / "risk_manager.db")
    applied: list[Config] = []

    async def apply(new: Config) -> None:
        applied.append(new)

    stop_requests: list[bool] = []
    backend = DaemonBackend(eng, cfg, store, clock=VirtualClock(later(1)), link_state=lambda: "CONNECTED",
                            request_stop=lambda: stop_requests.append(True), config_path=cfg_file,
                            apply_config=apply, started_at=T0)
    set_password(tmp_path, PASSWORD)
    server = ControlServer(backend, tmp_path / "control.sock", admin_hash_path(tmp_path))
    await server.start()
    try:
        transport = httpx.AsyncHTTPTransport(uds=server.endpoint)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as http:
            status = (await http.get("/v1/status")).json()
            acct = status["accounts"][0]
            assert (acct["badge"], acct["lockouts"][0]["remaining_seconds"]) == ("COOLDOWN", 29 * 60)
            assert (await http.post("/v1/trader/clock", json={"account": "PRAC-1", "kind": "in"})).is_success
            assert (await http.get("/v1/status")).json()["accounts"][0]["clocked_in"] is True
            cfg_file.write_text("accounts: [{name: PRAC-1}]\nrules:\n" + RULES.replace("1}", "2}"))
            bad = await http.post("/v1/admin/reload", json={"password": "wrong-password", "user": "bob"})
            assert bad.status_code == 401 and applied == []
            ok = await http.post("/v1/admin/reload", json={"password": PASSWORD, "user": "alice"})
            assert ok.json() == {"applied": True, "restart_needed": False,
                                 "changes": ["rules.trade_frequency_limit.per_hour: 1 -> 2"]}
            stop = await http.post("/v1/admin/stop", json={"password": PASSWORD})
            assert stop.json() == {"stopping": True}
    finally:
        await server.stop()
    assert len(applied) == 1 and stop_requests == [True]
    me = Peer(os.geteuid(), os.getegid(), os.getpid()).describe()  # whatever "user" the client claimed
    assert [(e.actor, e.action, e.ok) for e in store.audit_tail(10)] == [
        (me, "reload", False), (me, "reload", True), (me, "stop", True)]
    assert [e.kind for e in store.clock_events("PRAC-1")] == ["in"]
    store.close()
