"""Config problems as `FILE:LINE: key.path: reason`, and friendly reasons for pydantic errors."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic_core import ErrorDetails


@dataclass(frozen=True, slots=True)
class ConfigProblem:
    """One problem in a config file. `line` is 1-based; None when no line applies (missing file)."""

    file: str
    line: int | None
    key_path: str
    reason: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.key_path}: {self.reason}" if self.key_path else f"{where}: {self.reason}"


class ConfigError(Exception):
    """The config file is unusable; `problems` says why (at least one)."""

    def __init__(self, problems: Sequence[ConfigProblem]) -> None:
        self.problems: list[ConfigProblem] = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


_PLAIN: dict[str, str] = {
    "extra_forbidden": "unknown key",
    "missing": "field required",
    "int_type": "must be an integer",
    "int_parsing": "must be an integer",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "finite_number": "must be a finite number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "string_type": "must be a string",
    "list_type": "must be a list",
    "dict_type": "must be a mapping (key: value)",
    "model_type": "must be a mapping (key: value)",
    "model_attributes_type": "must be a mapping (key: value)",
    "date_type": "must be a date (YYYY-MM-DD)",
    "date_parsing": "must be a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "must be a date (YYYY-MM-DD)",
    "date_from_datetime_inexact": "must be a date (YYYY-MM-DD)",
}
_BOUNDS = {"greater_than": ">", "greater_than_equal": ">=", "less_than": "<", "less_than_equal": "<="}


def _num(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def friendly_reason(error: ErrorDetails) -> str:
    """A short reason for one pydantic error ("unknown key", "must be < 0", ...)."""
    kind = error["type"]
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    given = error.get("input")
    if kind in ("int_type", "float_type") and isinstance(given, bool):
        return "must be a number, not true/false"
    if kind == "int_type" and isinstance(given, float):
        return "must be a whole number"
    if kind in ("int_type", "float_type") and isinstance(given, str):
        return f"must be a number, not text ({given[:40]!r})"
    if kind == "bool_type" and isinstance(given, str):
        return f"must be true or false, not text ({given[:40]!r})"
    if kind == "float_type" and isinstance(given, int):
        return "must be a number within range"
    if kind in _PLAIN:
        return _PLAIN[kind]
    if kind in _BOUNDS:
        (bound,) = ctx.values()
        return f"must be {_BOUNDS[kind]} {_num(bound)}"
    if kind == "literal_error":
        reason = f"must be one of {ctx.get('expected', '?')} (got {error['input']!r})"
        if isinstance(error["input"], bool):  # YAML 1.1 reads on/off/yes/no as booleans
            reason += "; quote the word if you meant it"
        return reason
    if kind == "too_short":
        if ctx.get("min_length") == 1:
            return "must not be empty"
        return f"must have at least {ctx.get('min_length')} items"
    if kind == "string_pattern_mismatch":
        return f"must match {ctx.get('pattern')}"
    if kind == "value_error":
        return str(ctx.get("error") or error["msg"].removeprefix("Value error, "))
    if "reason" in ctx:  # our own field_error(...)
        return str(ctx["reason"])
    return error["msg"]
