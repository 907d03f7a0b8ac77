"""Typed per-request storage keys (aiohttp ``RequestKey``)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from risk_manager.sim.auth import Session
from risk_manager.sim.reqlog import RequestRecord

BODY: web.RequestKey[dict[str, Any]] = web.RequestKey("sim_body", dict)
RECORD: web.RequestKey[RequestRecord] = web.RequestKey("sim_rec", RequestRecord)
SESSION: web.RequestKey[Session] = web.RequestKey("sim_session", Session)
