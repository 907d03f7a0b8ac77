"""The notifier: journal records in, chat messages out, never in the way of enforcement.

``offer`` is called from the journal's dispatch (after the broker calls are on the wire) and only turns a
record into text and puts it on a bounded queue; one sender task does the HTTP. A slow or dead chat service
costs queued messages (dropped with a log line when the queue is full), never a decision.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import Callable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp

from risk_manager.config.models import NotificationsConfig
from risk_manager.notify.messages import NOTIFY_TYPES, describe
from risk_manager.notify.targets import TELEGRAM_API, Target, build_targets

log = logging.getLogger("risk_manager.notify")
SessionFactory = Callable[[], aiohttp.ClientSession]


class Notifier:
    def __init__(self, config: NotificationsConfig, *, env: Mapping[str, str] = os.environ,
                 session_factory: SessionFactory = aiohttp.ClientSession, tz: ZoneInfo | None = None,
                 telegram_base: str = TELEGRAM_API, timeout: float = 5.0, retries: int = 2,
                 backoff: float = 0.5, dedupe_seconds: float = 60.0, queue_size: int = 100,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._env, self._session_factory, self.tz = env, session_factory, tz
        self._telegram_base = telegram_base
        self.timeout, self.retries, self.backoff = timeout, retries, backoff
        self.dedupe_seconds, self._clock = dedupe_seconds, clock
        self.targets: list[Target] = build_targets(config, env, telegram_base)
        self._queue: asyncio.Queue[str] = asyncio.Queue(maxsize=queue_size)
        self._recent: dict[str, float] = {}
        self._task: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None
        self._started = False
        self.sent = self.failed = self.dropped = self.duplicates = 0

    @property
    def enabled(self) -> bool:
        return bool(self.targets)

    def start(self) -> None:
        """Start the sender task (needs a running loop); nothing at all when no target is configured."""
        self._started = True
        if self.enabled and self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="notifier")
            log.info("notifications on: %s", ", ".join(t.shown for t in self.targets))

    def reconfigure(self, config: NotificationsConfig, tz: ZoneInfo | None = None) -> None:
        """A reloaded config's targets take effect for the next message (live, like the rest of it)."""
        self.tz = tz or self.tz
        self.targets = build_targets(config, self._env, self._telegram_base)
        if self._started:
            self.start()

    def offer(self, record: Mapping[str, Any]) -> None:
        """Queue the record's text if it is worth one. Never blocks, never raises."""
        if not self.targets or record.get("type") not in NOTIFY_TYPES:
            return
        try:
            text = describe(record, self.tz)
            if text is None:
                return
            now = self._clock()
            last = self._recent.get(text)
            if last is not None and now - last < self.dedupe_seconds:
                self.duplicates += 1
                return
            try:
                self._queue.put_nowait(text)
            except asyncio.QueueFull:
                self.dropped += 1
                log.warning("notification queue full (%d): dropped %r", self._queue.maxsize, text)
                return
            self._recent[text] = now
            if len(self._recent) > 512:
                self._recent = {k: v for k, v in self._recent.items() if now - v < self.dedupe_seconds}
        except Exception:
            log.exception("notification of a %s record failed", record.get("type"))

    async def stop(self, drain: float = 2.0) -> None:
        """Give queued messages up to ``drain`` seconds, then cancel; returns within ~drain + 1 s."""
        task, self._task = self._task, None
        if task is None:
            return
        if drain > 0 and not task.done():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._queue.join(), drain)
        task.cancel()
        await asyncio.wait([task], timeout=0.5)
        if self._session is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._session.close(), 0.5)
            self._session = None
        if not self._queue.empty():
            log.warning("%d notification(s) not sent at stop", self._queue.qsize())

    # ---- sender --------------------------------------------------------------------------------------

    async def _run(self) -> None:
        while True:
            text = await self._queue.get()
            try:
                # each target on its own: a hanging Discord must not hold back Telegram
                await asyncio.gather(*(self._send(t, text) for t in self.targets))
            except Exception:
                log.exception("notification sender failed")
            finally:
                self._queue.task_done()

    async def _send(self, target: Target, text: str) -> bool:
        if self._session is None or self._session.closed:
            self._session = self._session_factory()
        attempts = self.retries + 1
        for attempt in range(1, attempts + 1):
            delay, why = await self._post(target, text)
            if delay is None:
                return True
            if attempt == attempts or delay < 0:
                break
            delay = delay or self.backoff * 2 ** (attempt - 1)  # 0 = "retry, no hint": back off
            log.warning("notification to %s failed (%s); retry %d/%d in %.1f s", target.shown, why,
                        attempt, self.retries, delay)
            await asyncio.sleep(delay)
        self.failed += 1
        log.error("notification to %s not sent (%s): %r", target.shown, why, text)
        return False

    async def _post(self, target: Target, text: str) -> tuple[float | None, str]:
        """One POST: (None, "") delivered; (0, why) retry with backoff; (s, why) retry after s seconds
        (429); (-1, why) give up (a 4xx will not get better)."""
        assert self._session is not None
        try:
            async with self._session.post(target.url, json=target.body(text),
                                          timeout=aiohttp.ClientTimeout(total=self.timeout)) as resp:
                if resp.status < 300:
                    self.sent += 1
                    return None, ""
                why = f"HTTP {resp.status}"
                if resp.status == 429:
                    return _retry_after(resp.headers.get("Retry-After")), why
                return (0.0 if resp.status >= 500 else -1.0), why
        except (aiohttp.ClientError, TimeoutError) as e:
            return 0.0, target.scrub(f"{type(e).__name__}: {e}"[:300])
        except Exception as e:  # anything else (a bad URL, ...) will not get better by retrying
            return -1.0, target.scrub(f"{type(e).__name__}: {e}"[:300])


def _retry_after(header: str | None) -> float:
    # Discord and Telegram both say how long to wait; cap it so the queue is never stuck behind one message
    try:
        return min(max(float(header or 0), 0.0), 10.0)
    except ValueError:
        return 0.0
