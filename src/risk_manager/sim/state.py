"""``GET /_sim/state``: a JSON picture of the whole simulator for tests, the demo and debugging."""

from __future__ import annotations

from typing import Any

from risk_manager.sim import payloads as P
from risk_manager.sim.context import SimContext
from risk_manager.sim.hub import Hub


def _hub(hub: Hub) -> dict[str, Any]:
    return {
        "connections": [
            {"id": c.id, "handshaken": c.handshaken, "backlog": c.backlog, "sent": c.sent_records,
             "received": c.received_records, "subs": {k: sorted(map(str, v)) for k, v in c.subs.items() if v}}
            for c in hub.conns
        ],
        "pending": len(hub.pending),
        **hub.stats,
    }


def snapshot(ctx: SimContext) -> dict[str, Any]:
    accounts = []
    for a in ctx.broker.accounts():
        accounts.append({
            **P.account(a),
            "positions": ctx.stream.position_rows(a.id),
            "openOrders": [r for r in ctx.stream.order_rows(a.id) if r["status"] in (1, 6, 8)],
            "trades": len(ctx.broker.trades(a.id)),
        })
    return {
        "accounts": accounts,
        "hubs": {"user": _hub(ctx.user_hub), "market": _hub(ctx.market_hub)},
        "feed": {"silenced": ctx.feed.silenced, "rate": ctx.feed.rate, "walk": ctx.feed.walk,
                 **ctx.feed.stats, "lag": ctx.feed.lag_summary()},
        "pushed": dict(ctx.stream.pushed),
        "bare_events": ctx.stream.bare,
        "faults": ctx.faults.snapshot(),
        "rate_limit": ctx.limiter.snapshot(),
        "tokens": {"active": ctx.tokens.active_count, "revocations": ctx.tokens.revocations},
        "requests": ctx.log.last_seq,
        "scenario": ctx.scenario_status() if ctx.scenario_status else None,
    }
