"""Small value types config models are written in: Duration, "HH:MM" clock times, weekdays, roots, money."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    PlainSerializer,
    PlainValidator,
    WithJsonSchema,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema


class StrictModel(BaseModel):
    """Base of every config model: unknown keys are errors, and a loaded config is immutable.

    Strict types (SPEC §14: ``config validate`` OK must mean ``run`` starts): no booleans as numbers
    (``limit: true``), no words as booleans (``enabled: "yes"``), no numbers as text; and no infinite
    or NaN numbers anywhere.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


# Bounds that keep every accepted value inside what the daemon can compute with (a datetime plus a
# duration, a price plus ticks): a value that validates must also start (SPEC §14).
MAX_MONEY = 1_000_000_000.0  # dollars, for loss limits and profit targets
MAX_COUNT = 1_000_000  # contracts, trades
MAX_TICKS = 1_000_000
MAX_SECONDS = 86_400.0  # a grace period, a lead time, a quote's age
MAX_DURATION_HOURS = 24 * 366  # a cooldown: at most a year

Count = Annotated[int, Field(gt=0, le=MAX_COUNT)]
Ticks = Annotated[int, Field(gt=0, le=MAX_TICKS)]
Loss = Annotated[float, Field(lt=0, ge=-MAX_MONEY)]  # negative dollars
Profit = Annotated[float, Field(gt=0, le=MAX_MONEY)]

_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smh])\s*$")
_UNIT_SECONDS = {"s": 1.0, "m": 60.0, "h": 3600.0}
UNTIL_RESET = "until_reset"
_DURATION_HELP = 'must be a duration like "90s", "15m", "2h" or "until_reset"'


class Duration:
    """A positive length of time ("90s", "15m", "2h", plain int seconds) or "until_reset".

    Equality is by value ("60s" == "1m"); str() gives back the text it was written with.
    """

    __slots__ = ("_seconds", "_text")

    def __init__(self, text: str) -> None:
        text = text.strip()
        if text == UNTIL_RESET:
            self._seconds: float | None = None
        else:
            match = _DURATION_RE.match(text)
            if match is None:
                raise ValueError(_DURATION_HELP)
            self._seconds = float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
            if self._seconds <= 0:
                raise ValueError("must be a positive duration")
            if self._seconds > MAX_DURATION_HOURS * 3600:
                raise ValueError(f"must be at most {MAX_DURATION_HOURS}h (a year)")
        self._text = text

    @classmethod
    def of_seconds(cls, seconds: float) -> Duration:
        return cls(f"{seconds:g}s")

    @classmethod
    def parse(cls, value: object) -> Duration:
        """Accept a Duration, its text, or a number of seconds (YAML ints)."""
        if isinstance(value, Duration):
            return value
        if isinstance(value, bool):  # bool is an int subclass; `true` is not a duration
            raise ValueError(_DURATION_HELP)
        if isinstance(value, int | float):
            if not math.isfinite(value) or abs(value) > MAX_DURATION_HOURS * 3600:
                raise ValueError(f"must be at most {MAX_DURATION_HOURS}h (a year)")
            return cls.of_seconds(value)
        if isinstance(value, str):
            return cls(value)
        raise ValueError(_DURATION_HELP)

    @property
    def seconds(self) -> float | None:
        """Length in seconds; None for until_reset."""
        return self._seconds

    @property
    def until_reset(self) -> bool:
        return self._seconds is None

    def as_timedelta(self) -> timedelta | None:
        return None if self._seconds is None else timedelta(seconds=self._seconds)

    def __str__(self) -> str:
        return self._text

    def __repr__(self) -> str:
        return f"Duration({self._text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Duration) and self._seconds == other._seconds

    def __hash__(self) -> int:
        return hash(self._seconds)

    @classmethod
    def _validate(cls, value: Any) -> Duration:
        try:
            return cls.parse(value)
        except ValueError as exc:
            raise PydanticCustomError("duration", str(exc)) from None

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls._validate, serialization=core_schema.plain_serializer_function_ser_schema(str)
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "anyOf": [
                {"type": "string", "pattern": r"^(\d+(\.\d+)?[smh]|until_reset)$"},
                {"type": "integer", "exclusiveMinimum": 0},
            ]
        }


_HHMM_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def parse_hhmm(value: object) -> time:
    """Parse a wall-clock "HH:MM" (24 h). A datetime.time passes through (minutes precision)."""
    if isinstance(value, time):
        if value.second or value.microsecond or value.tzinfo is not None:
            raise PydanticCustomError("hhmm", "must be a local time with whole minutes")
        return value
    match = _HHMM_RE.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise PydanticCustomError("hhmm", 'must be a time "HH:MM" (24 h, quoted)')
    return time(int(match.group(1)), int(match.group(2)))


def format_hhmm(value: time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


def parse_date(value: object) -> date:
    """A calendar day: YAML's unquoted 2026-12-24 (a date) or the quoted text "2026-12-24"."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _DATE_RE.match(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise PydanticCustomError("date_parsing", "must be a date (YYYY-MM-DD)")


_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CalendarDate = Annotated[
    date,
    PlainValidator(parse_date),
    PlainSerializer(lambda d: d.isoformat() if isinstance(d, date) else str(d), when_used="json"),
    WithJsonSchema({"type": "string", "format": "date"}),
]

# A wall-clock time written "HH:MM"; the model holds a datetime.time.
ClockTime = Annotated[
    time,
    PlainValidator(parse_hhmm),
    PlainSerializer(format_hhmm),
    WithJsonSchema({"type": "string", "pattern": r"^([01]?\d|2[0-3]):[0-5]\d$"}),
]

WEEKDAY_NAMES: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WeekdayName = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def _lower(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value


# "mon".."sun" (case-insensitive in the file); index in WEEKDAY_NAMES == datetime.weekday().
Weekday = Annotated[WeekdayName, BeforeValidator(_lower)]

_ROOT_RE = re.compile(r"^[A-Z0-9]{1,8}$")
_PATTERN_RE = re.compile(r"^[A-Z0-9*?]{1,8}$")


def normalize_root(value: object) -> object:
    """Symbol roots are upper-case CME roots ("MNQ"); accept any case in the file."""
    if isinstance(value, str):
        root = value.strip().upper()
        if not _ROOT_RE.match(root):
            raise PydanticCustomError("root", "must be a symbol root like MNQ (letters and digits)")
        return root
    return value


def normalize_root_pattern(value: object) -> object:
    """A root or a shell-style wildcard over roots ("M*", "?ES")."""
    if isinstance(value, str):
        pattern = value.strip().upper()
        if not _PATTERN_RE.match(pattern):
            raise PydanticCustomError("root", "must be a symbol root or wildcard like CL or M*")
        return pattern
    return value


SymbolRoot = Annotated[str, BeforeValidator(normalize_root)]
RootPattern = Annotated[str, BeforeValidator(normalize_root_pattern)]
