"""A stand-in for Discord and Telegram on 127.0.0.1 (ephemeral port): records every POST and answers
with scripted statuses, or hangs. Tests never reach a real chat host."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class ChatServer:
    port: int = 0
    posts: list[tuple[str, Any]] = field(default_factory=list)  # (path, json)
    script: list[int] = field(default_factory=list)  # statuses to answer first, then 200
    hang: asyncio.Event | None = None  # set: every request waits on it

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def paths(self, prefix: str) -> list[Any]:
        return [body for path, body in self.posts if path.startswith(prefix)]

    async def _handle(self, request: web.Request) -> web.Response:
        self.posts.append((request.path, await request.json()))
        if self.hang is not None:
            await self.hang.wait()
        status = self.script.pop(0) if self.script else 200
        return web.json_response({"ok": status < 300}, status=status)


@asynccontextmanager
async def chat_server() -> AsyncIterator[ChatServer]:
    server = ChatServer()
    app = web.Application()
    app.router.add_post("/{tail:.*}", server._handle)
    runner = web.AppRunner(app, shutdown_timeout=0.5, access_log=None)  # a remote host's log
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server.port = runner.addresses[0][1]
    try:
        yield server
    finally:
        if server.hang is not None:
            server.hang.set()
        await asyncio.wait_for(runner.cleanup(), 5)


