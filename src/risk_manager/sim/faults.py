"""Injected REST faults: fail the next N calls of an endpoint with 500, 429 or a hang.

``hang`` sleeps (bounded) and then handles the request normally: the client has already timed out, so a
mutating call takes effect without the client knowing. That is exactly the "uncertain" case the SDK reports
as ``OrderSubmissionUncertainError``.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Literal

from aiohttp import web

from risk_manager.sim.options import MAX_HANG_SECONDS

FaultMode = Literal["500", "429", "hang"]
MODES: tuple[FaultMode, ...] = ("500", "429", "hang")
ANY_ENDPOINT = "*"


@dataclass(slots=True)
class Fault:
    endpoint: str  # "Order/place" (as under /api), or "*" for any
    mode: FaultMode
    remaining: int
    hang_seconds: float
    fired: int = 0


def normalise_endpoint(endpoint: str) -> str:
    """Accepts "Order/place", "/api/Order/place", "order/place" -> "order/place"."""
    e = endpoint.strip().strip("/")
    if e.lower().startswith("api/"):
        e = e[4:]
    return e.lower()


@dataclass(slots=True)
class FaultPlan:
    default_hang: float
    faults: list[Fault] = field(default_factory=list)
    fired_total: int = 0

    def add(self, endpoint: str, mode: str, count: int = 1, hang_seconds: float | None = None) -> Fault:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        if count < 1:
            raise ValueError("count must be >= 1")
        hang = self.default_hang if hang_seconds is None else hang_seconds
        fault = Fault(normalise_endpoint(endpoint) if endpoint != ANY_ENDPOINT else ANY_ENDPOINT,
                      mode, count, min(max(0.0, hang), MAX_HANG_SECONDS))
        self.faults.append(fault)
        return fault

    def clear(self) -> None:
        self.faults.clear()

    def take(self, endpoint: str) -> Fault | None:
        """Consume one shot of the first fault matching ``endpoint`` (normalised)."""
        for fault in self.faults:
            if fault.endpoint in (endpoint, ANY_ENDPOINT):
                fault.remaining -= 1
                fault.fired += 1
                self.fired_total += 1
                if fault.remaining <= 0:
                    self.faults.remove(fault)
                return fault
        return None

    def snapshot(self) -> list[dict[str, object]]:
        return [{"endpoint": f.endpoint, "mode": f.mode, "remaining": f.remaining,
                 "hang_seconds": f.hang_seconds} for f in self.faults]


async def apply(fault: Fault) -> web.Response | None:
    """The response that replaces the real one, or None to continue (after a hang)."""
    if fault.mode == "500":
        return web.Response(status=500, text="Internal Server Error (injected by risk-manager sim)")
    if fault.mode == "429":
        return web.Response(status=429, text="Too Many Requests (injected by risk-manager sim)",
                            headers={"Retry-After": "60"})
    await asyncio.sleep(fault.hang_seconds)
    return None
