"""SDK callbacks -> normalised events. A callback only parses and hands the event on; nothing else.

The SDK runs each callback as its own task; with nothing awaited inside, they still run in arrival order.
Receive time comes from the injected clock (quotes are timestamped on receipt; user events carry their own
gateway timestamps where present). A payload that fails strict parsing (``payloads.py``) is never valued:
it goes to the same sink as a :class:`RejectedPayload` (secrets masked), in order with the account's events,
so the daemon journals it, alerts and reconciles. Nothing is raised here: the SDK would swallow it anyway.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any

from risk_manager.broker.projectx.logs import scrub
from risk_manager.broker.projectx.payloads import (
    parse_account,
    parse_order,
    parse_position,
    parse_quote,
    parse_trade,
)
from risk_manager.broker.stream import EventSink, RejectedPayload
from risk_manager.clock.clock import Clock
from risk_manager.domain.events import AccountEvent, Event, MalformedEvent

log = logging.getLogger(__name__)
RAW_CHARS = 1000  # how much of a rejected payload is kept
Callback = Callable[[dict[str, Any]], Coroutine[Any, Any, None]]
Parser = Callable[[Any, datetime], Event]
USER_PARSERS: dict[str, Parser] = {
    "account_update": parse_account,
    "order_update": parse_order,
    "position_update": parse_position,
    "trade_execution": parse_trade,
}


class Dispatch:
    """Shared by every hub link of a stream. ``last_quote`` / ``last_user_event`` are monotonic seconds."""

    def __init__(self, on_event: EventSink, clock: Clock,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self._on_event = on_event
        self._clock = clock
        self._monotonic = monotonic
        self.last_quote = monotonic()
        self.last_user_event = monotonic()
        self.skipped = 0  # malformed payloads rejected (tests and diagnostics)
        self.delivered = 0

    def callbacks(self, account_id: int, balances: frozenset[int] | None = None) -> dict[str, Callback]:
        """SDK callback name -> coroutine function, for the realtime client of ``account_id``.

        ``balances``: the accounts whose account (balance) events this client passes on (default: its own).
        ``SubscribeAccounts`` sends every account's balance to every client that asked, so with many
        accounts one client carries them all and the others carry none."""
        passes = frozenset({account_id}) if balances is None else balances
        table: dict[str, Callback] = {name: self._user_callback(name, parser, account_id, passes)
                                      for name, parser in USER_PARSERS.items()}
        table["quote_update"] = self._on_quote
        return table

    def _user_callback(self, name: str, parser: Parser, account_id: int,
                       balances: frozenset[int]) -> Callback:
        async def on_user(data: dict[str, Any]) -> None:
            self.last_user_event = self._monotonic()
            try:
                event = parser(data, self._clock.now())
            except MalformedEvent as e:
                self._skip(name, account_id, data, e)
                return
            if isinstance(event, AccountEvent) and event.account_id not in balances:
                return
            self._deliver(event)

        on_user.__name__ = f"on_{name}_{account_id}"
        return on_user

    async def _on_quote(self, data: dict[str, Any]) -> None:
        self.last_quote = self._monotonic()
        try:
            if not isinstance(data, dict):
                raise MalformedEvent("quote callback: expected an object")
            event = parse_quote(data.get("contract_id"), data.get("data"), self._clock.now())
        except MalformedEvent as e:
            self._skip("quote_update", None, data, e)
            return
        self._deliver(event)

    def _deliver(self, event: Event | RejectedPayload) -> None:
        try:
            self._on_event(event)
            self.delivered += 1
        except Exception:  # the sink only enqueues; if it breaks, say so loudly but keep the hub alive
            log.exception("event sink failed for %s", type(event).__name__)

    def _skip(self, name: str, account_id: int | None, data: Any, e: Exception) -> None:
        self.skipped += 1
        raw = scrub(_text(data))[:RAW_CHARS]
        log.error("rejected malformed %s payload (%s): %s", name, e, raw[:300])
        self._deliver(RejectedPayload(self._clock.now(), name, account_id, str(e), raw))

    def reset_quote_clock(self) -> None:
        """Start the quote-silence timer afresh (new subscription, rebuilt hubs)."""
        self.last_quote = self._monotonic()


def _text(data: Any) -> str:
    """The payload as JSON text when it is JSON-like (what the gateway sent), else its repr."""
    try:
        return json.dumps(data, separators=(",", ":"), default=repr)[:RAW_CHARS * 2]
    except (TypeError, ValueError, RecursionError):
        return repr(data)[:RAW_CHARS * 2]
