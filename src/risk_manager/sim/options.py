"""Simulator settings (CLI flags map 1:1 onto these fields)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path


def wall_clock() -> datetime:
    """The simulator's default clock. It stands in for the exchange, so wall time is what it should use."""
    return datetime.now(UTC)


@dataclass(slots=True)
class SimOptions:
    host: str = "127.0.0.1"
    port: int = 0  # 0 = ephemeral (tests, demo)
    accounts: list[str] = field(default_factory=list)  # empty = PRAC-1 (unless the scenario names accounts)
    balance: float = 50_000.0
    fees_per_contract: float = 0.0
    scenario: Path | None = None
    scenario_speed: float = 1.0  # 2.0 = replay twice as fast as the scenario's own times
    bare_events: bool = False  # False = live TopstepX form {"action": n, "data": {...}}
    username: str | None = None  # None = any username logs in
    api_key: str | None = None  # None = any key of >= MIN_API_KEY_LEN chars
    seed: int = 0
    quote_rate: float = 4.0  # quotes per second per contract (random walk, or re-publish when scripted)
    token_ttl: float = 24 * 3600.0
    rate_limit: int = 200  # requests per window per token; 0 disables
    rate_window: float = 60.0
    bars_rate_limit: int = 50  # History/retrieveBars has its own, lower limit; 0 disables
    bars_rate_window: float = 30.0
    ping_interval: float = 15.0  # SignalR {"type":6} keepalive
    pending_cancel: bool = True  # cancels go PendingCancellation (7) -> Cancelled (3), as live
    liquidity: int | None = None  # contracts an order fills per touch (None: all at once)
    hang_seconds: float = 40.0  # default "hang" fault: longer than the SDK's 30 s timeout
    request_log_size: int = 10_000
    clock: Callable[[], datetime] = wall_clock


MIN_API_KEY_LEN = 10
MAX_HANG_SECONDS = 120.0
