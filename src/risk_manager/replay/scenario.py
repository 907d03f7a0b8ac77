"""Scenario files (SPEC §13): JSON lines, time-ordered, each a market or trader action at a time.

Every line is checked in full before anything runs, so a bad file stops with ``FILE:LINE: reason`` (exit 2)
and never half-way through: each action's fields and their kinds are in ``FIELDS`` (``replay.fields``);
numbers are finite and bounded, names are short strings, and a scenario spans at most ``MAX_SPAN``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from risk_manager.replay import live_lines
from risk_manager.replay.fields import FIELDS, cross_check

MAX_SPAN = timedelta(days=31)  # a month of trading days: a year-9999 `end` is a typo, not a long replay
MAX_LINE = 10_000  # characters; a real line is < 300 (also bounds nesting far below the parser's limit)
MIN_YEAR, MAX_YEAR = 2000, 2100


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


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def _check(do: object, d: dict[str, Any]) -> str | None:
    if not isinstance(do, str) or do not in FIELDS:
        shown = do if isinstance(do, str) else type(do).__name__
        return f"unknown action {shown!r} (expected one of {', '.join(FIELDS)})"
    required, optional = FIELDS[do]
    missing = [k for k in required if k not in d]
    if missing:
        return f"{do}: missing {', '.join(missing)}"
    for key, value in d.items():
        if key in ("at", "do"):
            continue
        kind = required.get(key) or optional.get(key)
        if kind is None:
            return f"{do}: unknown field {key!r}"
        problem = kind(value)
        if problem:
            return f"{do}: {key} {problem}"
    return cross_check(do, d) or live_lines.check(do, d)


def _time(value: object) -> tuple[datetime | None, str]:
    if not isinstance(value, str):
        return None, f"'at' must be an ISO 8601 time text, got {type(value).__name__}"
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        return None, f"bad time {value!r}"
    if at.tzinfo is None:
        return None, f"time {value!r} needs a UTC offset"
    if not MIN_YEAR <= at.year <= MAX_YEAR:
        return None, f"time {value!r} is outside {MIN_YEAR}-{MAX_YEAR}"
    return at, ""


def _line(raw: str) -> tuple[dict[str, Any] | None, str]:
    if len(raw) > MAX_LINE:
        return None, f"line too long ({len(raw)} characters, at most {MAX_LINE})"
    try:
        d = json.loads(raw, parse_constant=_reject_constant)
    except json.JSONDecodeError as e:
        return None, f"invalid JSON: {e.msg}"
    except (ValueError, RecursionError) as e:  # NaN/Infinity; huge integers; deep nesting
        return None, f"invalid JSON: {e}" if isinstance(e, ValueError) else "invalid JSON: nested too deeply"
    if not isinstance(d, dict):
        return None, "each line must be a JSON object"
    if "at" not in d or "do" not in d:
        return None, "each line needs 'at' and 'do'"
    return d, ""


def parse_scenario(text: str, source: str = "<scenario>") -> list[Step]:
    steps: list[Step] = []
    for n, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        d, problem = _line(raw)
        if d is None:
            raise ScenarioError(source, n, problem)
        at, problem = _time(d["at"])
        if at is None:
            raise ScenarioError(source, n, problem)
        if steps and at < steps[-1].at:
            raise ScenarioError(source, n, "lines must be in time order")
        if steps and at - steps[0].at > MAX_SPAN:
            raise ScenarioError(source, n, f"a scenario spans at most {MAX_SPAN.days} days from its start")
        wrong = _check(d["do"], d)
        if wrong:
            raise ScenarioError(source, n, wrong)
        steps.append(Step(n, at, d["do"], d))
    if not steps:
        raise ScenarioError(source, 1, "empty scenario")
    return steps


def load_scenario(path: str | Path) -> list[Step]:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as e:
        raise ScenarioError(str(path), 0, f"cannot read: {e.strerror or e}") from e
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise ScenarioError(str(path), line, "not UTF-8 text") from e
    return parse_scenario(text, str(path))
