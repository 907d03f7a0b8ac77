"""SignalR JSON hub protocol constants and the ProjectX hub method tables."""

from __future__ import annotations

from typing import Any

from risk_manager.sim.http import dumps

RS = "\x1e"  # record separator: every JSON record ends with it
ALL = "*"  # subscription to every key (SubscribeAccounts takes no argument)
PING = '{"type":6}' + RS
HANDSHAKE_OK = "{}" + RS

Targets = dict[str, tuple[str, bool]]  # lower-case hub method -> (subscription kind, subscribe?)
USER_TARGETS: Targets = {
    f"{verb}{name}".lower(): (kind, verb == "Subscribe")
    for verb in ("Subscribe", "Unsubscribe")
    for name, kind in (("Accounts", "accounts"), ("Orders", "orders"), ("Positions", "positions"),
                       ("Trades", "trades"))
}
MARKET_TARGETS: Targets = {
    f"{verb}{name}".lower(): (kind, verb == "Subscribe")
    for verb in ("Subscribe", "Unsubscribe")
    for name, kind in (("ContractQuotes", "quotes"), ("ContractTrades", "trades"),
                       ("ContractMarketDepth", "depth"))
}
IGNORED_TARGETS = frozenset({"heartbeat"})  # the SDK's health probe; ASP.NET just logs a binding failure


def invocation(target: str, *arguments: Any) -> str:
    """A serialised server->client invocation (only the keys pysignalr accepts: extra keys kill its run())."""
    return dumps({"type": 1, "target": target, "arguments": list(arguments)}) + RS


def completion(invocation_id: str, error: str | None = None) -> str:
    body: dict[str, Any] = {"type": 3, "invocationId": invocation_id}
    if error is None:
        body["result"] = None
    else:
        body["error"] = error
    return dumps(body) + RS


def close_record(error: str) -> str:
    """``{"type":7,"error":...}``: pysignalr raises ServerError and its hub task dies (no reconnect)."""
    return dumps({"type": 7, "error": error}) + RS
