"""The engine driven against the paper broker on a virtual clock: shared by replay and the self-test.

Broker events are queued and handled in order; each decision is executed at once (closes fill at the touch
at the moment of the decision), and the events that produces join the queue behind the current ones.
"""

from __future__ import annotations

from collections import deque
from datetime import datetime

from risk_manager.broker.paper import PaperBroker
from risk_manager.clock import VirtualClock
from risk_manager.clock.deadlines import Deadline
from risk_manager.config import Config
from risk_manager.domain.contracts import ContractBook
from risk_manager.domain.events import Event
from risk_manager.enforcement.paper_executor import PaperExecutor
from risk_manager.engine.actions import Action
from risk_manager.engine.engine import Payload
from risk_manager.engine.factory import build_engine
from risk_manager.engine.records import ListJournal


class PaperLoop:
    def __init__(self, config: Config, start: datetime) -> None:
        self.book = ContractBook.builtin()
        self.clock = VirtualClock(start)
        self.journal = ListJournal()
        self.engine = build_engine(config, self.journal, self.book)
        self.broker = PaperBroker(self.book, self.clock.now)
        self.executor = PaperExecutor(self.broker, self.engine.complete)
        self.queue: deque[Event] = deque()
        self.broker.subscribe(self.deliver)
        self.engine.start(start)

    def deliver(self, event: Event) -> None:
        """A broker event on its way to the engine (a replay drops those an outage loses)."""
        self.queue.append(event)

    def hold(self, deadline: Deadline[Payload]) -> bool:
        """True to keep a due deadline back instead of firing it (a replay's outage)."""
        return False

    def execute(self, actions: list[Action]) -> None:
        if actions:
            self.executor.execute(actions)

    def drain(self) -> None:
        while self.queue:
            self.execute(self.engine.handle(self.queue.popleft(), self.clock.now()))

    def move_to(self, at: datetime) -> None:
        """Fire every deadline up to ``at`` at its own exact time, then set the clock there."""
        while (d := self.engine.pop_due(at)) is not None:
            if self.hold(d):
                continue
            self.clock.set(max(d.at, self.clock.now()))
            self.execute(self.engine.fire(d, self.clock.now()))
            self.drain()
        self.clock.set(at)
