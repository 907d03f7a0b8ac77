"""The tilted trader: a scripted bad morning, acted out through the simulator's REST API.

He oversizes (max_contracts reduces him), ignores stops (no_stop_loss_grace closes him), takes a loss and
revenge-trades (cooldown_after_loss + the kill switch), overtrades (trade_frequency_limit), then holds
through a crash past the daily loss limit (flatten + lockout until the reset) and tries once more (the kill
switch closes it). About 35 seconds at speed 1.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from risk_manager.demo.client import TraderClient
from risk_manager.domain.enums import OrderType, Side

Say = Callable[[str], None]


async def tilted_trader(t: TraderClient, say: Say, speed: float = 1.0) -> None:
    async def wait(seconds: float) -> None:
        await asyncio.sleep(seconds / speed)

    for root, px in (("MES", 6000.0), ("MNQ", 21000.0), ("NQ", 21000.0)):
        await t.price(root, px)
    await wait(1.0)

    say("oversizing: buys 5 MES (the account limit is 4 contracts)")
    await t.buy("MES", 5)
    await wait(0.8)
    held = await t.position("MES") or 1
    stop = await t.order("MES", Side.SELL, held, OrderType.STOP, stop=5990.0)
    say(f"puts a stop under the {held} MES he was left with")
    await wait(2.2)
    await t.price("MES", 6001.0)
    if stop is not None:
        await t.cancel(stop)
    await t.sell("MES", held)
    say("takes a small profit on MES")
    await wait(2.0)

    say("ignores stops: buys 2 MNQ and will 'set a stop later'")
    await t.buy("MNQ", 2)
    await wait(7.0)

    say("buys 1 NQ; the market drops 3.5 points; he sells at a loss")
    await t.buy("NQ", 1)
    await wait(1.0)
    await t.price("NQ", 20996.75)
    await wait(1.5)
    await t.sell("NQ", 1)
    await wait(1.0)
    say("revenge: buys 2 NQ straight away")
    await t.buy("NQ", 2)
    await wait(6.5)  # the loss cooldown (6 s) ends before the next act

    say("overtrading: scalps NQ again and again")
    await t.price("NQ", 20997.0)
    await t.buy("NQ", 1)
    await wait(0.7)
    await t.sell("NQ", 1)
    await wait(0.7)
    say("6th trade within a minute: buys 3 NQ")
    await t.buy("NQ", 3)
    await wait(1.0)
    say("tries to add one more NQ")
    await t.buy("NQ", 1)
    await wait(2.0)

    say("the market crashes 10 points against his 3 NQ")
    await t.price("NQ", 20987.0)
    await wait(3.0)
    say("tries to win it back: buys 2 NQ")
    await t.buy("NQ", 2)
    await wait(2.0)
    say("done for the day: locked until the daily reset")
