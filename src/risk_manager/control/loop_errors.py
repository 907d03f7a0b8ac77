"""asyncio reports every failed accept (e.g. out of descriptors) through the loop's exception handler,
once a second per listener. While the control server runs, those reports are said at most once per
interval (the rest counted); everything else goes to the handler that was there before."""

from __future__ import annotations

import asyncio
from typing import Any

from risk_manager.control.conn_guard import RateLog

ACCEPT_TROUBLE = "socket.accept() out of system resource"


class QuietAcceptErrors:
    def __init__(self, rate_log: RateLog) -> None:
        self.rate_log = rate_log
        self._loop: asyncio.AbstractEventLoop | None = None
        self._previous: Any = None

    def install(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop, self._previous = loop, loop.get_exception_handler()
        loop.set_exception_handler(self._handle)

    def remove(self) -> None:
        if self._loop is not None:
            loop, self._loop = self._loop, None
            loop.set_exception_handler(self._previous)

    def _handle(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        if str(context.get("message", "")).startswith(ACCEPT_TROUBLE):
            self.rate_log.warn("accept", "control endpoint: accept failed (%s)", context.get("exception"))
        elif self._previous is not None:
            self._previous(loop, context)
        else:
            loop.default_exception_handler(context)
