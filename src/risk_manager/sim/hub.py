"""A SignalR hub over aiohttp: negotiate, WebSocket transport, JSON hub protocol, subscription sets.

Rules that matter to pysignalr (see reference/projectx-gateway.md §4): the token may come from the
``access_token`` query or a Bearer header; a negotiated ``id`` is accepted exactly once and an unknown or
reused id gets HTTP 404 *before* the upgrade (accepting then closing makes pysignalr hot-loop); a stale
``id`` on negotiate is ignored; unknown targets such as ``Heartbeat`` are ignored.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import Callable
from typing import Any, Literal

from aiohttp import WSMsgType, web

from risk_manager.sim import signalr as sr
from risk_manager.sim.auth import TokenStore, bearer
from risk_manager.sim.http import dumps
from risk_manager.sim.hub_conn import HubConn
from risk_manager.sim.keys import RECORD
from risk_manager.sim.signalr import ALL, RS

SubscribeHook = Callable[[HubConn, str, Any], None]
MAX_PENDING = 10_000
DropMode = Literal["close", "abort", "error"]


class Hub:
    def __init__(self, name: str, tokens: TokenStore, targets: sr.Targets, key: Callable[[Any], Any],
                 on_subscribe: SubscribeHook | None = None) -> None:
        self.name = name
        self._tokens = tokens
        self._targets = targets
        self._key = key
        self.on_subscribe = on_subscribe
        self.pending: dict[str, str] = {}  # negotiated, not yet connected: id -> username
        self.conns: set[HubConn] = set()
        self.stats = {"negotiated": 0, "connected": 0, "rejected_404": 0, "rejected_401": 0, "dropped": 0}

    def _token(self, request: web.Request) -> str | None:
        return request.query.get("access_token") or bearer(request.headers.get("Authorization"))

    async def negotiate(self, request: web.Request) -> web.Response:
        session = self._tokens.verify(self._token(request))
        if session is None:
            self.stats["rejected_401"] += 1
            return web.Response(status=401)
        conn_id = secrets.token_urlsafe(16)
        self.pending[conn_id] = session.username
        while len(self.pending) > MAX_PENDING:
            self.pending.pop(next(iter(self.pending)))
        self.stats["negotiated"] += 1
        return web.json_response({
            "connectionId": conn_id, "negotiateVersion": 0,
            "availableTransports": [{"transport": "WebSockets", "transferFormats": ["Text", "Binary"]}],
        })

    async def connect(self, request: web.Request) -> web.StreamResponse:
        session = self._tokens.verify(self._token(request))
        if session is None:
            self.stats["rejected_401"] += 1
            return web.Response(status=401)
        conn_id = request.query.get("id")
        if conn_id is not None and self.pending.pop(conn_id, None) is None:
            self.stats["rejected_404"] += 1
            return web.Response(status=404, text="No Connection with that ID")
        ws = web.WebSocketResponse(autoping=True, compress=False, max_msg_size=1024 * 1024)
        if not ws.can_prepare(request).ok:
            return web.Response(status=400, text="WebSocket upgrade required")
        await ws.prepare(request)
        rec = request.get(RECORD)
        if rec is not None:
            rec.status = 101
        conn_id = conn_id or secrets.token_urlsafe(16)
        conn = HubConn(self.name, conn_id, ws, session.username, request.transport)
        self.conns.add(conn)
        self.stats["connected"] += 1
        buf = ""
        try:
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    buf = self._on_text(conn, buf + msg.data)
                elif msg.type is WSMsgType.BINARY:
                    buf = self._on_text(conn, buf + msg.data.decode("utf-8", "replace"))
                elif msg.type is WSMsgType.ERROR:
                    break
        finally:
            self.conns.discard(conn)
            await conn.finish()
        return ws

    def _on_text(self, conn: HubConn, buf: str) -> str:
        *records, rest = buf.split(RS)
        for raw in records:
            if not raw.strip():
                continue
            try:
                msg = json.loads(raw)
            except ValueError:
                self._protocol_error(conn, "Invalid JSON record.")
                return ""
            conn.received_records += 1
            if not conn.handshaken:
                self._handshake(conn, msg)
            elif isinstance(msg, dict):
                self._dispatch(conn, msg)
        return rest

    def _handshake(self, conn: HubConn, msg: Any) -> None:
        if isinstance(msg, dict) and msg.get("protocol") == "json" and msg.get("version") == 1:
            conn.handshaken = True
            conn.push(sr.HANDSHAKE_OK)
        else:
            conn.push(dumps({"error": "The only supported protocol is 'json' version 1."}) + sr.RS)
            conn.close_soon()

    def _protocol_error(self, conn: HubConn, error: str) -> None:
        conn.push(sr.close_record(error))
        conn.close_soon()

    def _dispatch(self, conn: HubConn, msg: dict[str, Any]) -> None:
        mtype = msg.get("type")
        inv = msg.get("invocationId")
        if mtype == 7:
            conn.close_soon()
            return
        if mtype not in (1, 4):
            return  # pings (6), completions (3), cancel (5) ... need no answer
        target = str(msg.get("target") or "")
        args = msg.get("arguments") or []
        error: str | None = None
        entry = self._targets.get(target.lower())
        if mtype == 4:
            error = "Streaming is not supported."
        elif entry is not None:
            kind, subscribe = entry
            try:
                key = self._key(args[0]) if args else ALL
            except (TypeError, ValueError):
                key = None
                error = f"Failed to invoke '{target}' due to an error on the server."
            if key is not None:
                if subscribe:
                    conn.subs[kind].add(key)
                    if self.on_subscribe is not None:
                        self.on_subscribe(conn, kind, key)
                else:
                    conn.subs[kind].discard(key)
        elif target.lower() not in sr.IGNORED_TARGETS:
            error = f"Unknown hub method '{target}'"
        if isinstance(inv, str) and inv:
            conn.push(sr.completion(inv, error))

    def publish(self, record: str | Callable[[], str], kind: str, key: Any) -> int:
        """Queue ``record`` on every connection subscribed to (kind, key); returns how many.

        ``record`` may be a builder, called once and only if someone is subscribed.
        """
        n = 0
        text: str | None = record if isinstance(record, str) else None
        for conn in self.conns:
            if conn.handshaken and conn.subscribed(kind, key):
                if text is None:
                    text = record() if callable(record) else record
                conn.push(text)
                n += 1
        return n

    def send_all(self, record: str) -> int:
        targets = [c for c in self.conns if c.handshaken]
        for conn in targets:
            conn.push(record)
        return len(targets)

    async def drop(self, mode: DropMode = "close", error: str = "Server error (injected)") -> int:
        """Drop every open connection. Their ids are spent, so a reconnect with the same id gets 404."""
        conns = list(self.conns)
        for conn in conns:
            if mode == "abort":
                conn.abort()
            else:
                if mode == "error":
                    conn.push(sr.close_record(error))
                    await conn.flush(0.5)
                await conn.close(code=1000 if mode == "error" else 1011, message=b"dropped by sim")
        self.stats["dropped"] += len(conns)
        return len(conns)

    async def ping_loop(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            self.send_all(sr.PING)

    async def close_all(self) -> None:
        for conn in list(self.conns):
            await conn.close(code=1001, message=b"server shutdown")
