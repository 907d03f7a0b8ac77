"""One recorder for everything a callback receives in a test, in arrival order: normalised events (the
paper broker's and the adapter's sink), link states and reconnects (the adapter's stream), and raw SDK
callback payloads by callback name (the simulator tests' SDK session)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from risk_manager.broker.stream import LinkState
from risk_manager.domain.events import Event
from support.waiting import wait_until


class Recorder:
    def __init__(self) -> None:
        self.events: list[Event] = []
        self.states: list[tuple[LinkState, str]] = []
        self.reconnects = 0
        self.items: list[tuple[str, Any]] = []  # (SDK callback name, payload)

    # ---- sinks ----------------------------------------------------------------------------------------
    def __call__(self, event: Event) -> None:
        self.events.append(event)

    on_event = __call__

    def on_state(self, state: LinkState, reason: str) -> None:
        self.states.append((state, reason))

    async def on_reconnected(self) -> None:
        self.reconnects += 1

    def handler(self, name: str) -> Callable[[Any], Coroutine[Any, Any, None]]:
        """An SDK callback that records its payload under ``name``."""
        async def callback(data: Any) -> None:
            self.items.append((name, data))

        return callback

    # ---- reading --------------------------------------------------------------------------------------
    def of(self, kind: type[Any] | str) -> list[Any]:
        """The events of a type, or the payloads an SDK callback ``name`` received."""
        if isinstance(kind, str):
            return [d for n, d in self.items if n == kind]
        return [e for e in self.events if isinstance(e, kind)]

    def state_names(self) -> list[str]:
        return [s.value for s, _ in self.states]

    def clear(self) -> None:
        self.events.clear()
        self.states.clear()
        self.items.clear()

    async def wait_for(self, name: str, pred: Callable[[Any], bool] = lambda _: True,
                       within: float = 5.0) -> Any:
        """The first payload of SDK callback ``name`` that satisfies ``pred`` (waits for it)."""
        def find() -> Any:
            return next((d for d in self.of(name) if pred(d)), None)

        return await wait_until(find, within, f"{name} event")
