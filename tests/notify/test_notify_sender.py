"""The notifier against a local stand-in for Discord and Telegram (127.0.0.1 only): payloads, dedupe,
retries, a hanging endpoint, secrets kept out of the logs, and "off" when nothing is configured."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest
from chat_server import ChatServer, chat_server

from risk_manager.config.models import NotificationsConfig, TelegramConfig
from risk_manager.notify import Notifier
from support import wait_until

WEBHOOK_PATH = "/api/webhooks/42/WEBHOOKSECRET"
TOKEN = "123456:TOKENSECRET"
ENV = {"RISK_MANAGER_TELEGRAM_TOKEN": TOKEN}
LOCK = {"type": "lockout", "account": "PRAC-1", "rule": "daily_realized_loss", "kind": "hard",
        "scope": "account", "until": None, "reason": "daily P&L -512.50 <= limit -500.00"}
TEXT = "PRAC-1 LOCKED until the condition clears by daily_realized_loss: daily P&L -512.50 <= limit -500.00"


def notifier(server: ChatServer, *, discord: bool = True, telegram: bool = True, **kw: object) -> Notifier:
    cfg = NotificationsConfig(discord_webhook=server.base + WEBHOOK_PATH if discord else None,
                              telegram=TelegramConfig(chat_id="-100777") if telegram else None)
    kw.setdefault("backoff", 0.01)
    return Notifier(cfg, env=ENV, telegram_base=server.base, **kw)  # type: ignore[arg-type]


async def test_posts_reach_discord_and_telegram_with_the_right_json() -> None:
    async with chat_server() as server:
        n = notifier(server)
        n.start()
        n.offer(LOCK)
        await wait_until(lambda: n.sent == 2)
        await n.stop()
    assert server.paths(WEBHOOK_PATH) == [{"content": TEXT}]
    assert server.paths(f"/bot{TOKEN}/sendMessage") == [{"chat_id": "-100777", "text": TEXT}]
    assert (n.failed, n.dropped) == (0, 0)


async def test_the_same_text_within_60_s_is_sent_once() -> None:
    now = [1000.0]
    async with chat_server() as server:
        n = notifier(server, telegram=False, clock=lambda: now[0])
        n.start()
        for _ in range(3):
            n.offer(LOCK)
        n.offer(LOCK | {"reason": "another reason"})
        now[0] += 59.0
        n.offer(LOCK)
        await wait_until(lambda: n.sent == 2)
        now[0] += 2.0  # 61 s after the first: news again
        n.offer(LOCK)
        await wait_until(lambda: n.sent == 3)
        await n.stop()
    texts = [b["content"] for b in server.paths(WEBHOOK_PATH)]
    assert texts == [TEXT, TEXT.replace("daily P&L -512.50 <= limit -500.00", "another reason"), TEXT]
    assert n.duplicates == 3


async def test_noise_is_not_posted() -> None:
    async with chat_server() as server:
        n = notifier(server, telegram=False)
        n.start()
        n.offer({"type": "result", "ok": True})
        n.offer({"type": "daemon_started"})
        n.offer({"type": "unlock", "account": "PRAC-1", "rule": "trade_frequency_limit"})
        await wait_until(lambda: n.sent == 1)
        await n.stop()
    assert [b["content"] for b in server.paths(WEBHOOK_PATH)] == ["PRAC-1 unlocked: trade_frequency_limit"]


async def test_retries_after_a_500_and_a_429_but_not_after_a_400() -> None:
    async with chat_server() as server:
        server.script = [500, 429]
        n = notifier(server, telegram=False)
        n.start()
        n.offer(LOCK)
        await wait_until(lambda: n.sent == 1)
        assert len(server.posts) == 3  # 500, 429, then delivered
        server.script = [400]
        n.offer(LOCK | {"rule": "other"})
        await wait_until(lambda: n.failed == 1)
        await asyncio.sleep(0.1)
        assert len(server.posts) == 4  # a 4xx will not get better: no retry
        await n.stop()


async def test_gives_up_after_the_retry_budget() -> None:
    async with chat_server() as server:
        server.script = [503, 503, 503, 503]
        n = notifier(server, telegram=False, retries=2)
        n.start()
        n.offer(LOCK)
        await wait_until(lambda: n.failed == 1)
        await n.stop()
    assert (len(server.posts), n.sent) == (3, 0)


async def test_a_hanging_endpoint_never_blocks_offer_and_stop_is_bounded() -> None:
    async with chat_server() as server:
        server.hang = asyncio.Event()
        n = notifier(server, timeout=30.0, queue_size=5)
        n.start()
        t0 = time.perf_counter()
        for i in range(50):
            n.offer(LOCK | {"reason": f"r{i}"})
        assert time.perf_counter() - t0 < 0.05  # offer only queues
        await wait_until(lambda: len(server.posts) == 2)  # one message in flight per target
        assert n.dropped == 50 - 5  # all offered before the sender ran: a queue of 5
        n.offer(LOCK | {"reason": "late 1"})  # the sender took one out: room for exactly one more
        n.offer(LOCK | {"reason": "late 2"})
        assert n.dropped == 46
        t0 = time.perf_counter()
        await n.stop(drain=0.3)
        assert time.perf_counter() - t0 < 1.5
        assert n.sent == 0


async def test_timeout_per_request_then_retry() -> None:
    async with chat_server() as server:
        server.hang = asyncio.Event()
        n = notifier(server, telegram=False, timeout=0.1, retries=1)
        n.start()
        n.offer(LOCK)
        await wait_until(lambda: n.failed == 1)
        assert len(server.posts) == 2  # timed out twice (first try + one retry)
        await n.stop(drain=0)


async def test_secrets_never_reach_the_log(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    async with chat_server() as server:
        server.script = [500, 500, 500, 500, 500, 500]
        n = notifier(server, retries=2)
        n.start()
        n.offer(LOCK)
        await wait_until(lambda: n.failed == 2)
        await n.stop()
        # transport errors too: nothing listens on this port any more
        dead = notifier(server, retries=0)
    await asyncio.sleep(0.05)
    dead.start()
    dead.offer(LOCK)
    await wait_until(lambda: dead.failed == 2)
    await dead.stop()
    assert "TOKENSECRET" not in caplog.text and "WEBHOOKSECRET" not in caplog.text
    assert f"{server.base}/***" in caplog.text and f"{server.base}/bot***/sendMessage" in caplog.text
    assert "HTTP 500" in caplog.text


def test_scrub_masks_every_form_of_the_secret() -> None:
    n = Notifier(NotificationsConfig(discord_webhook="https://chat.invalid/api/webhooks/1/WEBHOOKSECRET?wait=1",
                                     telegram=TelegramConfig(chat_id="1")), env=ENV)
    discord, telegram = n.targets
    line = discord.scrub("url='https://chat.invalid/api/webhooks/1/WEBHOOKSECRET?wait=1' "
                         "path=/api/webhooks/1/WEBHOOKSECRET")
    assert "WEBHOOKSECRET" not in line and "https://chat.invalid" in line
    assert telegram.scrub(f"POST https://api.telegram.org/bot{TOKEN}/sendMessage") == (
        "POST https://api.telegram.org/bot***/sendMessage")


async def test_disabled_when_nothing_is_configured_and_telegram_without_its_token(
        caplog: pytest.LogCaptureFixture) -> None:
    n = Notifier(NotificationsConfig(), env={})
    n.start()
    n.offer(LOCK)
    assert (n.enabled, n._task, n._queue.qsize()) == (False, None, 0)
    await n.stop()
    caplog.set_level(logging.ERROR)
    tg = Notifier(NotificationsConfig(telegram=TelegramConfig(chat_id="1", bot_token_env="MY_BOT_TOKEN")),
                  env={})
    assert not tg.enabled and "MY_BOT_TOKEN is not set" in caplog.text


async def test_offer_never_raises_even_on_a_bad_record() -> None:
    async with chat_server() as server:
        n = notifier(server, telegram=False)
        n.start()
        n.offer({"type": "lockout", "until": object(), "at": object()})  # junk fields: a text, not a crash
        n.offer(LOCK)
        await wait_until(lambda: n.sent == 2)
        await n.stop()


async def test_a_reload_turns_notifications_on_live() -> None:
    async with chat_server() as server:
        n = Notifier(NotificationsConfig(), env=ENV)
        n.start()
        assert n._task is None
        n.reconfigure(NotificationsConfig(discord_webhook=server.base + WEBHOOK_PATH))
        n.offer(LOCK)
        await wait_until(lambda: n.sent == 1)
        await n.stop()
    assert server.paths(WEBHOOK_PATH) == [{"content": TEXT}]
