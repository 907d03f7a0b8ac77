"""What the simulator saw: a bounded log of REST calls and hub requests, for tests and benchmarks."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)
class RequestRecord:
    seq: int
    at: str  # ISO 8601 (the simulator clock)
    perf_ns: int  # time.perf_counter_ns() at handler entry (same process clock as benchmarks)
    method: str
    endpoint: str  # "Order/place" for /api calls, "hubs/user/negotiate", "hubs/user" (WebSocket), ...
    body: Any
    status: int = 0  # filled when the response is known (0 = still running or connection hijacked)
    fault: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "at": self.at, "perf_ns": self.perf_ns, "method": self.method,
                "endpoint": self.endpoint, "body": self.body, "status": self.status, "fault": self.fault}


class RequestLog:
    def __init__(self, size: int) -> None:
        self._records: deque[RequestRecord] = deque(maxlen=size)
        self._seq = 0
        # called with each record as it is logged: a benchmark waits on an arrival instead of polling
        self.watchers: list[Callable[[RequestRecord], None]] = []

    def add(self, at: str, perf_ns: int, method: str, endpoint: str, body: Any) -> RequestRecord:
        self._seq += 1
        rec = RequestRecord(self._seq, at, perf_ns, method, endpoint, body)
        self._records.append(rec)
        for watch in list(self.watchers):
            watch(rec)
        return rec

    def records(self, endpoint: str | None = None, since: int = 0) -> list[RequestRecord]:
        want = endpoint.lower() if endpoint else None
        return [r for r in self._records
                if r.seq > since and (want is None or r.endpoint.lower() == want)]

    def clear(self) -> None:
        self._records.clear()

    @property
    def last_seq(self) -> int:
        return self._seq
