"""A real engine fed with events, a fake control backend, and a control server run on its own thread."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from risk_manager.config import Config, load_config_text
from risk_manager.control.peer import AdminPolicy, Peer
from risk_manager.control.server import ControlServer
from risk_manager.domain.contracts import catalogue_contract
from risk_manager.domain.enums import OrderStatus, OrderType, PositionType, Side
from risk_manager.domain.events import AccountEvent, OrderEvent, PositionEvent, QuoteEvent, TradeEvent
from risk_manager.engine.engine import Engine
from risk_manager.engine.factory import build_engine
from risk_manager.engine.records import ListJournal

MNQ = catalogue_contract("MNQ").id
T0 = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)  # Friday 09:00 CST, session 08:30-15:00 open
Json = dict[str, Any]


def config(rules: str, accounts: str = "[{name: PRAC-1}]", extra: str = "") -> Config:
    return load_config_text(
        f"accounts: {accounts}\n"
        "schedule: {timezone: America/Chicago, daily_reset: '17:00',"
        " session: {start: '08:30', end: '15:00'}}\n"
        + extra + "rules:\n" + rules, "test.yaml")


def engine(cfg: Config, start: datetime = T0) -> tuple[Engine, ListJournal]:
    journal = ListJournal()
    eng = build_engine(cfg, journal)
    eng.start(start)
    eng.add_account(1, "PRAC-1")
    eng.handle(AccountEvent(start, 1, "PRAC-1", 50000.0, True))
    return eng, journal


def run_until(eng: Engine, until: datetime) -> None:
    """Fire every deadline due up to ``until`` at its own time (as the daemon's timer would)."""
    while (d := eng.pop_due(until)) is not None:
        eng.fire(d)


def open_long(eng: Engine, at: datetime, trade_id: int, size: int = 1, total: int | None = None,
              price: float = 21000.0, fees: float = 0.0) -> None:
    """One opening fill of ``size`` (its own order) and the position update to ``total``."""
    eng.handle(TradeEvent(at, 1, trade_id, MNQ, price, None, fees, Side.BUY, size, 1000 + trade_id))
    eng.handle(PositionEvent(at, 1, MNQ, PositionType.LONG, total or size, price))


def close_long(eng: Engine, at: datetime, trade_id: int, pnl: float, size: int = 1) -> None:
    eng.handle(TradeEvent(at, 1, trade_id, MNQ, 21000.0, pnl, 0.0, Side.SELL, size, 1000 + trade_id))
    eng.handle(PositionEvent(at, 1, MNQ, PositionType.LONG, 0, 21000.0))


def quote(eng: Engine, at: datetime, bid: float, ask: float | None = None) -> None:
    eng.handle(QuoteEvent(at, MNQ, bid, ask if ask is not None else bid + 0.25, bid))


def stop_order(eng: Engine, at: datetime, order_id: int, size: int, price: float) -> None:
    eng.handle(OrderEvent(at, 1, order_id, MNQ, OrderStatus.OPEN, OrderType.STOP, Side.SELL, size,
                          stop_price=price))


def later(minutes: float = 0, seconds: float = 0) -> datetime:
    return T0 + timedelta(minutes=minutes, seconds=seconds)


class FakeBackend:
    """Records what the server asks for; answers like a daemon would."""

    def __init__(self) -> None:
        self.audits: list[tuple[str, str, bool, str]] = []
        self.clocks: list[tuple[str, str]] = []
        self.locks: list[tuple[str | None, str, bool]] = []
        self.reloads = 0
        self.stops = 0
        self.reload_result: Json = {"applied": True, "restart_needed": False,
                                    "changes": ["rules.max_contracts.limit: 5 -> 3"]}
        self.records = [{"at": f"2026-11-20T09:0{i}:00-06:00", "type": "warning", "account": a,
                         "rule": "daily_realized_loss", "utilization": 0.8}
                        for i, a in enumerate(["PRAC-1", "PRAC-2", "PRAC-1"])]

    def snapshot(self) -> Json:
        return {"version": 1, "daemon": {"state": "PROTECTED", "mode": "enforce", "started_at": None},
                "accounts": [{"name": "PRAC-1", "badge": "OK"}], "recent": []}

    def journal(self, n: int, account: str | None) -> list[Json]:
        rows = [r for r in self.records if account is None or r["account"] == account]
        return rows[-n:]

    async def reload(self) -> Json:
        self.reloads += 1
        return self.reload_result

    async def stop(self) -> None:
        self.stops += 1

    def clock(self, account: str, kind: str) -> None:
        if account not in ("PRAC-1", "PRAC-2"):
            raise KeyError(account)
        self.clocks.append((account, kind))

    def self_lock(self, account: str | None, duration: str, flatten: bool) -> list[Json]:
        if account not in (None, "PRAC-1", "PRAC-2"):
            raise KeyError(account)
        if duration not in ("30m", "until_reset"):
            raise ValueError("must be a duration")
        self.locks.append((account, duration, flatten))
        return [{"account": account or "PRAC-1", "rule": "self_lockout", "kind": "cooldown",
                 "until": "2026-11-20T09:30:00-06:00", "extended": True, "flatten": flatten}]

    def audit(self, actor: str, action: str, ok: bool, detail: str, at: datetime) -> None:
        assert at.tzinfo is not None
        self.audits.append((actor, action, ok, detail))


class NoAdmins(AdminPolicy):
    """Nobody is an admin, not even root: how the server treats a trader's uid, testable in-process."""

    def is_admin(self, peer: Peer) -> bool:
        return False


@contextmanager
def server_thread(backend: Any, hash_path: Path, sock: Path | None = None,
                  **kw: Any) -> Iterator[ControlServer]:
    """A ControlServer on a socket next to ``hash_path`` (or ``sock``), served by a loop on another thread
    (so that synchronous clients and CLI commands can call it from the test's thread)."""
    loop = asyncio.new_event_loop()
    started = threading.Event()
    server = ControlServer(backend, sock or hash_path.parent / "control.sock", hash_path, **kw)

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(server.start())
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=run, name="control-test", daemon=True)
    thread.start()
    assert started.wait(10), "control server did not start"
    try:
        yield server
    finally:
        asyncio.run_coroutine_threadsafe(server.stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
