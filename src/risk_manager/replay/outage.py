"""`disconnect` ... `reconnect` in a replay (SPEC §13, §5): the broker trades on, the engine hears nothing.

While an account is cut, its broker events are lost (quotes too once every account is cut: the market hub
is shared) and its deadlines are held. At `reconnect`, as the live daemon after a reconnect:
1. the held lockout ends and daily reset run, each at its own time (so what the gap's events are judged
   against is what was in force at their own timestamps);
2. the account is reconciled from the broker as the daemon reconciles over REST (the day's trades,
   each judged at its own time; positions, orders and the account at the reconnect), with ``now`` = the
   reconnect: a cooldown that already ended is journaled but neither starts nor acts, a daily limit crossed
   in the gap still locks, a trade already seen never counts twice;
3. the held rule deadlines (a grace end, a session end) are evaluated at the reconnect.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from risk_manager.clock.deadlines import Deadline
from risk_manager.daemon.reconcile import order_events, position_events, trade_events
from risk_manager.domain.events import AccountEvent, Event, QuoteEvent
from risk_manager.engine.engine import Payload
from risk_manager.replay.scenario import ScenarioError, Step

if TYPE_CHECKING:
    from risk_manager.replay.paper_loop import PaperLoop

_FIRST = ("unlock", "reset")  # held deadlines that run before the reconcile


def check_steps(steps: list[Step], source: str) -> None:
    """Every `reconnect` ends a `disconnect` of the same accounts."""
    every, cut = False, set[str]()
    for s in steps:
        name = s.data.get("account")
        if s.do == "disconnect":
            if every or name in cut or (name is None and cut):
                raise ScenarioError(source, s.line, "disconnect: already disconnected")
            every = every or name is None
            if name is not None:
                cut.add(name)
        elif s.do == "reconnect":
            if name is None and (every or cut):
                every, cut = False, set()
            elif name is not None and not every and name in cut:
                cut.discard(name)
            else:
                raise ScenarioError(source, s.line, "reconnect: without a matching disconnect"
                                    + (" (reconnect every account at once)" if every else ""))


class Outage:
    def __init__(self, loop: PaperLoop) -> None:
        self.loop = loop
        self.every = False
        self.cut: set[int] = set()
        self.held: list[Deadline[Payload]] = []

    def is_cut(self, account_id: int) -> bool:
        return self.every or account_id in self.cut

    def lost(self, event: Event) -> bool:
        if isinstance(event, QuoteEvent):
            engine = self.loop.engine
            return bool(engine.states) and all(self.is_cut(a) for a in engine.states)
        return self.is_cut(event.account_id)

    def holds(self, d: Deadline[Payload]) -> bool:
        kind = d.payload[0]
        if kind == "reset":
            return self.every or bool(self.cut)
        if kind == "unlock":
            aid = self.loop.engine.account_id(d.payload[1])
            return aid is not None and self.is_cut(aid)
        return self.is_cut(d.payload[1])

    def disconnect(self, account_id: int | None) -> None:
        if account_id is None:
            self.every = True
        else:
            self.cut.add(account_id)

    def reconnect(self, account_id: int | None, now: datetime) -> None:
        loop, engine = self.loop, self.loop.engine
        ids = [a for a in engine.states if self.is_cut(a)] if account_id is None else [account_id]
        if account_id is None:
            self.every, self.cut = False, set()
        else:
            self.cut.discard(account_id)
        held, self.held = self.held, []
        back = [d for d in held if not self.holds(d)]
        self.held = [d for d in held if self.holds(d)]
        self._put_back([d for d in back if d.payload[0] in _FIRST], now)
        for aid in ids:
            for read in (self._trades, self._rest):
                for event in read(aid, now):
                    loop.execute(engine.handle(event, now))
                loop.drain()
        self._put_back([d for d in back if d.payload[0] not in _FIRST], now)

    def _put_back(self, deadlines: list[Deadline[Payload]], now: datetime) -> None:
        queue = self.loop.engine.deadlines
        for d in deadlines:
            if d.key not in queue:  # re-armed meanwhile: the engine's newer deadline wins
                queue.set(d.key, d.at, d.payload)
        self.loop.move_to(now)

    def _trades(self, account_id: int, now: datetime) -> list[Event]:
        """The day's trades, as the daemon's REST reconcile reads them (daemon.reconcile)."""
        day_start = self.loop.engine.td.start(now)
        return [t for t in trade_events(self.loop.broker.trades(account_id)) if t.at >= day_start]

    def _rest(self, account_id: int, now: datetime) -> list[Event]:
        """Positions, orders and the account, read once the trades are judged and what they decided is
        done (the daemon reads them together; read before its closes land, they would be stale here)."""
        broker = self.loop.broker
        st = self.loop.engine.states[account_id]
        events: list[Event] = list(position_events(st, broker.positions(account_id), now))
        events += order_events(st, broker.open_orders(account_id), now)
        info = broker.account(account_id)
        events.append(AccountEvent(now, info.id, info.name, info.balance, info.can_trade))
        return events
