"""What the hubs deliver, and to whom: events straight from pysignalr, and subscriptions trimmed.

The SDK hands every hub event to its callbacks through ``run_coroutine_threadsafe`` -- a self-pipe write,
a new task and two loop turns per event (~0.1 ms; a fill is a burst of five events, the breaching position
update fourth; quotes come ~1,000/s). Here handlers are bound on the client's hub connection objects
(``user_connection`` / ``market_connection``: ``on``, ``send``), which keep them across the SDK's own
reconnects; ``hubs.SupervisedRealtime`` turns the SDK's forwarders for these events into no-ops.
``subscribe_user_updates`` and ``subscribe_market_data`` have no options, so what they add that the daemon
does not want is unsubscribed again right after (every account's balances on every link; depth and the
trade tape with every quote).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only: the SDK is imported through hubs.import_sdk_lean, never first here
    from project_x_py.realtime import ProjectXRealtimeClient

log = logging.getLogger(__name__)

UserCallback = Callable[[Any], Coroutine[Any, Any, None]]
# The user hub's events and the SDK's callback names for them (its connection set-up binds the same four).
USER_EVENTS = {"GatewayUserAccount": "account_update", "GatewayUserPosition": "position_update",
               "GatewayUserOrder": "order_update", "GatewayUserTrade": "trade_execution"}


def bind_user_events(rt: ProjectXRealtimeClient, callbacks: Mapping[str, UserCallback]) -> bool:
    """Have the user hub hand each event to ``callbacks`` (by SDK callback name) as pysignalr dispatches
    it. Call after ``connect()`` and before subscribing."""
    conn = rt.user_connection
    if conn is None:
        return False
    for target, name in USER_EVENTS.items():
        conn.on(target, _direct(target, callbacks[name]))
    return True


def bind_quotes(rt: ProjectXRealtimeClient, callback: UserCallback) -> bool:
    """``GatewayQuote`` straight from the market hub to ``callback`` as ``{"contract_id", "data"}`` (the
    shape the SDK's ``quote_update`` callbacks get). The SDK would wake the loop through its self-pipe and
    run a task for every quote (~1,000/s); the daemon's quote queue coalesces a backlog itself."""
    conn = rt.market_connection
    if conn is None:
        return False
    conn.on("GatewayQuote", _direct("GatewayQuote", callback, market=True))
    return True


def _direct(target: str, callback: UserCallback,
            market: bool = False) -> Callable[..., Coroutine[Any, Any, None]]:
    async def handler(*arguments: Any) -> None:
        if market:  # [contractId, quote]; anything else reaches the parser as it came, to be rejected
            payload: Any = ({"contract_id": arguments[0], "data": arguments[1]} if len(arguments) == 2
                            else {"contract_id": None, "data": list(arguments)})
        else:
            payload = arguments[0] if arguments else {}
        try:  # runs inside pysignalr's receive loop: an exception here would end the hub
            await callback(payload)
        except Exception:
            log.exception("handling %s failed", target)

    return handler


async def drop_balance_feed(rt: ProjectXRealtimeClient) -> bool:
    """Undo the ``SubscribeAccounts`` that ``subscribe_user_updates`` sends (it has no option to skip it);
    orders, positions and trades of the client's own account stay subscribed."""
    conn = rt.user_connection
    if conn is None:
        return False
    await conn.send("UnsubscribeAccounts", [])
    return True


async def quotes_only(rt: ProjectXRealtimeClient, contract_ids: list[str]) -> bool:
    """Undo the trade-tape and market-depth subscriptions that ``subscribe_market_data`` adds to every
    quote subscription (it has no option to skip them). The rules price on quotes alone; depth is the
    busiest feed the gateway has, and decoding it competes with the enforcement path for the loop."""
    conn = rt.market_connection
    if conn is None:
        return False
    for cid in contract_ids:
        await conn.send("UnsubscribeContractTrades", [cid])
        await conn.send("UnsubscribeContractMarketDepth", [cid])
    return True
