"""Scenario files (SPEC §13): JSON lines, time-ordered, each a market or trader action at a time."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from risk_manager.config import Duration
from risk_manager.domain.contracts import PRODUCTS
from risk_manager.replay import live_lines

_REQUIRED: dict[str, tuple[str, ...]] = {
    "account": ("name",),
    "quote": ("symbol",),
    "order": ("id", "symbol", "side", "type", "size"),
    "cancel": ("id",),
    "modify": ("id",),
    "close": ("symbol",),
    "can_trade": ("value",),
    "self_lock": ("duration",),
    "end": (),
    **live_lines.REQUIRED,
}
_ORDER_TYPES = {"market", "limit", "stop", "stop_limit"}


class ScenarioError(ValueError):
    def __init__(self, source: str, line: int, reason: str) -> None:
        super().__init__(f"{source}:{line}: {reason}")
        self.source, self.line, self.reason = source, line, reason


@dataclass(frozen=True, slots=True)
class Step:
    line: int
    at: datetime
    do: str
    data: dict[str, Any]


def _check(do: str, d: dict[str, Any]) -> str | None:
    if do not in _REQUIRED:
        return f"unknown action {do!r} (expected one of {', '.join(_REQUIRED)})"
    missing = [k for k in _REQUIRED[do] if k not in d]
    if missing:
        return f"{do}: missing {', '.join(missing)}"
    sym = d.get("symbol")
    if sym is not None and (not isinstance(sym, str) or sym.upper() not in PRODUCTS):
        return f"unknown symbol {sym!r}"
    if do == "order":
        if d["side"] not in ("buy", "sell"):
            return f"order: side must be buy or sell, got {d['side']!r}"
        if d["type"] not in _ORDER_TYPES:
            return f"order: type must be one of {sorted(_ORDER_TYPES)}, got {d['type']!r}"
        if not isinstance(d["size"], int) or isinstance(d["size"], bool) or d["size"] <= 0:
            return "order: size must be a positive integer"
        if d["type"] in ("limit", "stop_limit") and not isinstance(d.get("limit"), int | float):
            return f"order: {d['type']} needs a numeric 'limit'"
        if d["type"] in ("stop", "stop_limit") and not isinstance(d.get("stop"), int | float):
            return f"order: {d['type']} needs a numeric 'stop'"
    if do == "self_lock":
        try:
            Duration(str(d["duration"]))
        except ValueError as e:
            return f"self_lock: duration {e}"
        if not isinstance(d.get("flatten", False), bool):
            return "self_lock: flatten must be true or false"
    if do == "quote":
        for k in ("bid", "ask", "last"):
            if d.get(k) is not None and not isinstance(d[k], int | float):
                return f"quote: {k} must be a number"
        if all(d.get(k) is None for k in ("bid", "ask", "last")):
            return "quote: needs bid, ask or last"
    if do == "can_trade" and not isinstance(d["value"], bool):
        return "can_trade: value must be true or false"
    return live_lines.check(do, d)


def parse_scenario(text: str, source: str = "<scenario>") -> list[Step]:
    steps: list[Step] = []
    last: datetime | None = None
    for n, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        try:
            d = json.loads(raw)
        except json.JSONDecodeError as e:
            raise ScenarioError(source, n, f"invalid JSON: {e.msg}") from e
        if not isinstance(d, dict):
            raise ScenarioError(source, n, "each line must be a JSON object")
        if "at" not in d or "do" not in d:
            raise ScenarioError(source, n, "each line needs 'at' and 'do'")
        try:
            at = datetime.fromisoformat(str(d["at"]))
        except ValueError as e:
            raise ScenarioError(source, n, f"bad time {d['at']!r}") from e
        if at.tzinfo is None:
            raise ScenarioError(source, n, f"time {d['at']!r} needs a UTC offset")
        if last is not None and at < last:
            raise ScenarioError(source, n, "lines must be in time order")
        problem = _check(str(d["do"]), d)
        if problem:
            raise ScenarioError(source, n, problem)
        steps.append(Step(n, at, str(d["do"]), d))
        last = at
    if not steps:
        raise ScenarioError(source, 1, "empty scenario")
    return steps


def load_scenario(path: str | Path) -> list[Step]:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as e:
        raise ScenarioError(str(path), 0, f"cannot read: {e.strerror}") from e
    return parse_scenario(text, str(path))
