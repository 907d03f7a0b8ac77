"""Helpers shared by the cooldown rules (006, 007): lockout specs, when they end, short texts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from risk_manager.rules.base import LockoutSpec, TradingDayLike, Violation
from risk_manager.schema.values import Duration

# Stands in for "a schedule point we cannot compute here": it sorts after every real instant.
_LATEST = datetime.max.replace(tzinfo=UTC)


def cooldown_spec(cooldown: Duration) -> LockoutSpec:
    """A cooldown of a configured length, or until the daily reset for ``until_reset``."""
    seconds = cooldown.seconds
    if cooldown.until_reset or seconds is None:
        return LockoutSpec("cooldown", "reset")
    return LockoutSpec("cooldown", "duration", duration=timedelta(seconds=seconds))


def lockout_end(spec: LockoutSpec, now: datetime, trading_day: TradingDayLike | None) -> datetime:
    """When a lockout starting ``now`` would end; used only to pick the longest of several."""
    if spec.until == "duration" and spec.duration is not None:
        return now + spec.duration
    if spec.until == "reset" and trading_day is not None:
        return trading_day.next_reset(now)
    return _LATEST


def cooldown_violation(rule: str, message: str, lockout: LockoutSpec, flatten: bool) -> Violation:
    """Start a cooldown: flatten the account, or (the softer choice) only cancel its entry orders."""
    if flatten:
        return Violation(rule, message, action="flatten", lockout=lockout)
    return Violation(rule, message, lockout=lockout, also_cancel_entries=True)


def describe(cooldown: Duration) -> str:
    """``60s`` -> "1m", ``5400`` -> "1h30m", ``until_reset`` -> "until reset"."""
    seconds = cooldown.seconds
    if cooldown.until_reset or seconds is None:
        return "until reset"
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours}h" if hours else "", f"{minutes}m" if minutes else "", f"{secs}s" if secs else ""]
    return "".join(parts) or "0s"
