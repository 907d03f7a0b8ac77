"""Status snapshots shaped like the control API's, and fakes for the dashboard's provider and clock."""

from __future__ import annotations

import copy
import io
import threading
from typing import Any

from rich.console import Console, RenderableType

Status = dict[str, Any]


def account(name: str = "PRAC-V2-12345", badge: str | None = "OK", **over: Any) -> dict[str, Any]:
    acc: dict[str, Any] = {
        "name": name, "id": 12345, "can_trade": True, "balance": 50000.0, "badge": badge,
        "lockouts": [],
        "pnl": {"realized": -180.0, "unrealized": -75.5, "total": -255.5, "fees": 8.4, "basis": "net",
                "loss_limit": -500.0, "profit_target": 1000.0, "utilization": 0.511},
        "positions": [
            {"symbol": "MNQ", "contract_id": "CON.F.US.MNQ.Z26", "side": "long", "size": 2,
             "avg_price": 21000.25, "mark": 20981.5, "unrealized": -75.5, "protected": True},
            {"symbol": "ES", "contract_id": "CON.F.US.EP.Z26", "side": "short", "size": 1,
             "avg_price": 6010.0, "mark": 6010.0, "unrealized": 0.0, "protected": False},
        ],
        "rules": [
            {"rule": "max_contracts", "id": "001", "enabled": True, "utilization": 0.6, "state": "ok",
             "text": "3/5 contracts"},
            {"rule": "daily_realized_loss", "id": "003", "enabled": True, "utilization": 0.511,
             "state": "ok", "text": "-$255.50 of -$500.00"},
            {"rule": "trade_frequency_limit", "id": "006", "enabled": True, "utilization": 0.3,
             "state": "ok", "text": "3/10 trades this hour"},
            {"rule": "symbol_blocks", "id": "011", "enabled": False, "utilization": None, "state": "off",
             "text": ""},
        ],
        "clocked_in": True,
    }
    acc.update(over)
    return acc


def status(*accounts: dict[str, Any], recent: list[dict[str, Any]] | None = None) -> Status:
    return {
        "daemon": {"state": "PROTECTED", "mode": "enforce", "started_at": "2026-11-20T07:00:00-06:00"},
        "clock": {
            "now_utc": "2026-11-20T20:23:15+00:00", "now_local": "2026-11-20T21:23:15+01:00",
            "timezone": "America/Chicago", "trading_day": "2026-11-20",
            "next_reset": "2026-11-20T17:00:00-06:00", "seconds_to_reset": 9405,
            "session": {"start": "08:30", "end": "15:00", "open": True,
                        "current_end": "2026-11-20T15:00:00-06:00",
                        "next_start": "2026-11-23T08:30:00-06:00"},
        },
        "accounts": list(accounts) or [account()],
        "recent": recent if recent is not None else [
            {"at": "2026-11-20T14:23:15-06:00", "type": "action", "account": "PRAC-V2-12345",
             "rule": "max_contracts", "action": "reduce_position", "symbol": "MNQ", "from": 4, "to": 2,
             "limit": 5},
        ],
    }


def lockout(rule: str, kind: str, remaining: float | None, reason: str, until: str | None = None,
            scope: str = "account", symbol: str | None = None) -> dict[str, Any]:
    return {"rule": rule, "kind": kind, "scope": scope, "symbol": symbol, "until": until,
            "reason": reason, "remaining_seconds": remaining}


class FakeClock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class FakeProvider:
    """Returns a (deep-copied) snapshot, or raises ``error`` when set; counts calls; can hang."""

    def __init__(self, snapshot: Status | None = None, error: Exception | None = None) -> None:
        self.snapshot = snapshot if snapshot is not None else status()
        self.error = error
        self.calls = 0
        self.hold: threading.Event | None = None  # set: calls block on it (a hung daemon), bounded
        self.held = threading.Event()

    def __call__(self) -> Status:
        self.calls += 1
        if self.hold is not None:
            self.held.set()
            self.hold.wait(10)
        if self.error is not None:
            raise self.error
        return copy.deepcopy(self.snapshot)


class DaemonUnreachable(ConnectionError):
    """Stands in for the control client's exception (a ConnectionError naming the socket and the cause)."""


def plain(renderable: RenderableType, width: int = 160) -> str:
    console = Console(width=width, record=True, color_system=None, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def svg_text(svg: str) -> str:
    """The screen's text from a Textual SVG screenshot, one line per terminal row."""
    import html
    import re

    rows: dict[float, list[tuple[float, str]]] = {}
    for m in re.finditer(r'<text class="[^"]*" x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', svg):
        text = html.unescape(m.group(3)).replace("\xa0", " ")
        rows.setdefault(float(m.group(2)), []).append((float(m.group(1)), text))
    return "\n".join("".join(t for _, t in sorted(parts)) for _, parts in sorted(rows.items()))
