"""Journal output for the demo: JSON lines (--headless) or one readable line per record."""

from __future__ import annotations

import json
from datetime import datetime, tzinfo
from typing import Any, TextIO

from risk_manager.engine.records import Record

_ACTIONS = {"flatten": "flatten: cancel every order, close every position", "close_position": "closing {sym}",
            "cancel_entry_orders": "cancelling entry orders {ids}", "cancel_order": "cancelling order {ids}",
            "modify_stop": "moving the {sym} stop to {stop}"}


def clock(at: Any) -> str:
    try:
        return datetime.fromisoformat(str(at)).strftime("%H:%M:%S")
    except ValueError:
        return "--:--:--"


def _until(rec: Record) -> str:
    until = rec.get("until")
    if until is None:
        return "until its condition clears" if rec.get("rule") != "symbol_blocks" else "while configured"
    return f"until {datetime.fromisoformat(str(until)).strftime('%a %H:%M:%S')}"


def human(rec: Record) -> str | None:
    """One readable line, or None for records not worth a line (individual broker results that went well)."""
    t, rule, kind = clock(rec.get("at")), rec.get("rule", ""), rec.get("type")
    sym = rec.get("symbol", "")
    if kind == "violation":
        return f"{t} {rule}: {rec.get('message')}"
    if kind == "lockout":
        what = f"{sym} blocked" if rec.get("scope") == "symbol" else f"LOCKED ({rec.get('kind')})"
        return f"{t} {rule}: {what} {_until(rec)}"
    if kind == "action":
        if rec.get("action") == "reduce_position":
            return f"{t} {rule}: reducing {sym} {rec.get('from')}→{rec.get('to')}"
        text = _ACTIONS.get(str(rec.get("action")), str(rec.get("action")))
        return f"{t} {rule}: " + text.format(sym=sym, ids=rec.get("order_ids", ""), stop=rec.get("stop"))
    if kind == "result":
        if rec.get("call") == "done":
            state = "done" if rec.get("ok") else "NOT DONE"
            return f"{t}   ↳ {state} in {rec.get('ms', 0):.0f} ms ({rec.get('calls')} broker call(s))"
        if not rec.get("ok"):
            return f"{t}   ↳ {rec.get('call')} failed: {rec.get('error')} (will re-check)"
        return None
    if kind == "unlock":
        return f"{t} {rule}: unlocked"
    if kind == "warning":
        return f"{t} {rule}: warning, at {float(rec.get('utilization', 0)):.0%} of the limit"
    if kind == "daemon_started":
        return f"{t} PROTECTED: {', '.join(rec.get('accounts', []))} ({rec.get('startup_ms', 0):.0f} ms)"
    if kind in ("connection_lost", "connection_restored", "alert", "reset", "daemon_stopped"):
        detail = rec.get("message") or rec.get("reason") or rec.get("trading_day") or ""
        return f"{t} {kind.replace('_', ' ').upper()} {detail}".rstrip()
    return f"{t} {kind}: {json.dumps(rec, default=str)}"


class Printer:
    def __init__(self, out: TextIO, err: TextIO, headless: bool, tz: tzinfo | None = None) -> None:
        self.out, self.err, self.headless, self.tz = out, err, headless, tz
        # (rule, at) of each violation: an action with none behind it comes from the kill switch
        self._violations: set[tuple[Any, Any]] = set()

    def record(self, rec: Record) -> None:
        if self.headless:
            self.out.write(json.dumps(rec, default=str, separators=(", ", ": ")) + "\n")
        else:
            line = human(rec)
            if line is None:
                return
            key = (rec.get("rule"), rec.get("at"))
            if rec.get("type") == "violation":
                self._violations.add(key)
            elif rec.get("type") == "action" and key not in self._violations:
                line = line.replace(": ", ": kill switch (locked), ", 1)
            self.out.write(line + "\n")
        self.out.flush()

    def say(self, text: str) -> None:
        stream = self.err if self.headless else self.out
        stream.write(f"{datetime.now(self.tz).strftime('%H:%M:%S')} trader: {text}\n")
        stream.flush()
