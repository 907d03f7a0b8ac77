"""Events in order: one queue + worker per account, one for quotes (the engine fans them out).

An account's event is judged inside the hub callback when nothing of that account waits or is being
judged (the hub hands its messages over one after another, so order holds); otherwise it is queued, and
the account's worker takes one item at a time and runs it through the engine synchronously. The actions
go to the executor (their first broker calls leave at once), and only then are the journal records
dispatched and the trade remembered, so no I/O sits in front of a close request.
A contract the book does not know is looked up (Contract API) before its first event is judged: an unknown
contract is never valued with another's tick value; a failed lookup is retried (``lookups``).

Quotes are latest-wins per contract while they wait (``quote_slots``). Quotes of a contract whose
subscription is being dropped are ignored from that moment (``quotes_off``) until
a marker queued when it is subscribed again is reached (``quotes_on``): a position is valued only on a quote
received after its contract was (re)subscribed, never on one left over from an earlier subscription.

A REST snapshot (reconcile) is judged in order with the hub: a hold takes its place in the account's queue
before the snapshot is read, and what the hub delivers meanwhile waits behind it, so the gap's older trades
are judged before newer live ones, each at its own time (the snapshot's events are marked late for the
engine). A hold lets the hub's events through after ``HOLD_WITHIN`` seconds at most.

Nothing fails silently here (SPEC §14): a payload the adapter rejected is journaled (``bad_event``, see
``health.BadEvents``), and an engine error on an event makes the daemon DEGRADED (critical alert); both ask
for a REST reconcile of the account, whose success clears the problem.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from risk_manager.broker.stream import RejectedPayload
from risk_manager.clock.clock import Clock
from risk_manager.daemon.dbwriter import DbWriter
from risk_manager.daemon.health import BadEvents, Health
from risk_manager.daemon.journal import DaemonJournal
from risk_manager.daemon.lookups import ContractLookups, Sleep
from risk_manager.daemon.quote_slots import QuoteDue, QuoteSlots
from risk_manager.domain.contracts import Contract
from risk_manager.domain.events import Event, PositionEvent, QuoteEvent, TradeEvent
from risk_manager.enforcement.live_executor import LiveExecutor
from risk_manager.engine.engine import Engine

log = logging.getLogger(__name__)
MARKET = -1  # the quote queue's key
HOLD_WITHIN = 5.0  # longest a hold keeps the hub's events waiting for a snapshot that does not come


@dataclass(slots=True)
class Batch:
    """Events that must be judged back to back (a reconcile snapshot). A held batch (``hold``) takes its
    place in the queue before the snapshot is read: what the hub delivers meanwhile waits behind it."""

    events: list[Event]
    done: asyncio.Future[None] = field(default_factory=lambda: asyncio.get_running_loop().create_future())
    ready: asyncio.Future[None] | None = None  # a hold: set once ``events`` are in (or the read failed)


@dataclass(frozen=True, slots=True)
class QuotesOn:
    """Queued behind every quote received before the contract was subscribed again."""

    contract_id: str


Item = Event | RejectedPayload | Batch | QuotesOn | QuoteDue
RequestReconcile = Callable[[str], None]


class Pipeline:
    def __init__(self, engine: Engine, executor: LiveExecutor, journal: DaemonJournal,
                 writer: DbWriter | None, clock: Clock, lookup: Callable[[str], Awaitable[Contract]],
                 on_positions: Callable[[], None], poke: Callable[[], None], health: Health,
                 reconcile: RequestReconcile, *, sleep: Sleep = asyncio.sleep) -> None:
        self.engine, self.executor, self.journal, self.writer = engine, executor, journal, writer
        self.clock, self._on_positions, self._poke = clock, on_positions, poke
        self.health, self._reconcile = health, reconcile
        self.bad = BadEvents(journal, engine, health, reconcile)
        self.queues: dict[int, asyncio.Queue[Item]] = {MARKET: asyncio.Queue()}
        self._tasks: list[asyncio.Task[None]] = []
        self.lookups = ContractLookups(engine, journal, clock, lookup, self._requote, sleep)
        self._quotes_off: set[str] = set()  # contracts whose quotes are ignored (unsubscribed)
        self.quotes = QuoteSlots()
        self._holds: dict[int, Batch] = {}  # account -> its open hold (a snapshot being read)
        self._working: set[int] = set()  # queues whose worker is between taking an item and finishing it
        self._judging = False  # inside process()
        self.processed = 0

    def add_account(self, account_id: int) -> None:
        self.queues.setdefault(account_id, asyncio.Queue())

    def start(self) -> None:
        for key, q in self.queues.items():
            self._tasks.append(asyncio.create_task(self._worker(q, key), name=f"worker-{key}"))

    async def stop(self) -> None:
        await self.lookups.stop()
        for t in self._tasks:
            t.cancel()
        for t in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await t
        self._tasks.clear()

    def quotes_off(self, contract_id: str) -> None:
        """The contract is being unsubscribed: forget its quotes and ignore any still on their way."""
        self._quotes_off.add(contract_id)
        for st in self.engine.states.values():
            if contract_id not in st.positions:
                st.quotes.pop(contract_id, None)

    def quotes_on(self, contract_id: str) -> None:
        """The contract is being subscribed: its quotes count again once those queued before are judged."""
        if contract_id in self._quotes_off:
            self.quotes.forget(contract_id)
            self.queues[MARKET].put_nowait(QuotesOn(contract_id))

    def on_event(self, event: Event | RejectedPayload) -> None:
        """The stream's sink (runs inside the hub's receive loop, one message after another). An account's
        event is judged right here when nothing of that account is queued or being judged (the hop through
        the queue cost a fill ~0.5 ms); otherwise, and for quotes, it is queued."""
        if isinstance(event, RejectedPayload):
            key = MARKET if event.account_id is None else event.account_id
        elif isinstance(event, QuoteEvent):
            due = self.quotes.put(event)
            if due is not None:
                self.queues[MARKET].put_nowait(due)
            return
        else:
            key = event.account_id
        q = self.queues.get(key)
        if q is None:
            return
        if isinstance(event, RejectedPayload) or not self._may_judge_now(key, q, event):
            q.put_nowait(event)
            return
        try:
            self.process(event)
        except Exception as e:
            self._failed(event, e)

    def _may_judge_now(self, key: int, q: asyncio.Queue[Item], event: Event) -> bool:
        cid = getattr(event, "contract_id", None)
        return (bool(self._tasks) and not q.qsize() and key not in self._working and not self._judging
                and not (cid and self.lookups.needed(cid)))

    def hold(self, account_id: int) -> None:
        """A snapshot of the account is about to be read: the hub's events from now on are judged after it
        (the snapshot's trades, older, first; each at its own time), not before. Released by ``feed`` or
        ``release``, or after ``HOLD_WITHIN`` seconds (a hung read never stalls enforcement for long)."""
        if account_id in self._holds or account_id not in self.queues:
            return
        batch = Batch([], ready=asyncio.get_running_loop().create_future())
        self._holds[account_id] = batch
        self.queues[account_id].put_nowait(batch)

    def release(self, account_id: int) -> None:
        """The snapshot will not come (its read failed): let the held events through."""
        batch = self._holds.pop(account_id, None)
        if batch is not None and batch.ready is not None and not batch.ready.done():
            batch.ready.set_result(None)

    async def feed(self, account_id: int, events: list[Event]) -> None:
        """Judge a reconcile snapshot: in the account's open hold if there is one, else queued behind what
        is already queued; wait until it has been judged."""
        batch = self._holds.pop(account_id, None)
        if batch is not None and batch.ready is not None and not batch.ready.done():
            batch.events = events
            batch.ready.set_result(None)
        else:
            batch = Batch(events)
            self.queues[account_id].put_nowait(batch)
        await batch.done

    async def idle(self) -> None:
        """Wait until every queue is empty and its last item processed (tests, benchmarks)."""
        for q in self.queues.values():
            await q.join()

    def _accounts_waiting(self) -> bool:
        return any(q.qsize() for key, q in self.queues.items() if key != MARKET)

    async def _worker(self, q: asyncio.Queue[Item], key: int) -> None:
        while True:
            if key == MARKET and q.qsize() and self._accounts_waiting():
                # a get() from a non-empty queue never yields: a backlog of quotes (each fanned out to every
                # account holding the contract) would otherwise run ahead of a fill already waiting
                await asyncio.sleep(0)
            item = await q.get()
            self._working.add(key)
            try:
                if isinstance(item, QuoteDue):
                    if (quote := self.quotes.take(item)) is not None:
                        self.process(quote)
                elif isinstance(item, QuotesOn):
                    self._quotes_off.discard(item.contract_id)
                elif isinstance(item, RejectedPayload):
                    self.bad.handle(item)
                    self._poke()
                elif isinstance(item, Batch):
                    try:
                        await self._wait_hold(item)
                        for ev in item.events:
                            await self._resolve(ev)
                        # an account's account-wide counts are judged at its snapshot's last position
                        last = {ev.account_id: i for i, ev in enumerate(item.events)
                                if isinstance(ev, PositionEvent)}
                        for i, ev in enumerate(item.events):
                            more = isinstance(ev, PositionEvent) and last[ev.account_id] > i
                            self.process(ev, late=True, settling=more)
                    finally:
                        if not item.done.done():
                            item.done.set_result(None)
                else:
                    await self._resolve(item)
                    self.process(item)
            except Exception as e:  # not the engine (process() handles that): a lookup, the journal ...
                self._failed(item, e)
            finally:
                self._working.discard(key)
                q.task_done()

    def _failed(self, item: Item, e: Exception) -> None:
        log.exception("processing %s failed", type(item).__name__)
        self.health.fail("pipeline", f"processing a {type(item).__name__} failed "
                                     f"({type(e).__name__}: {e}); reconciling over REST"[:400])
        self._reconcile(f"pipeline error on {type(item).__name__}")

    async def _wait_hold(self, batch: Batch) -> None:
        if batch.ready is None or batch.ready.done():
            return
        try:
            await asyncio.wait_for(asyncio.shield(batch.ready), HOLD_WITHIN)
        except TimeoutError:
            log.warning("the REST snapshot did not come within %.0f s: judging the hub's events without it",
                        HOLD_WITHIN)
            for aid, held in list(self._holds.items()):
                if held is batch:
                    del self._holds[aid]  # its snapshot, when it comes, is queued as a batch of its own

    async def _resolve(self, event: Event) -> None:
        cid = getattr(event, "contract_id", None)
        if cid and not isinstance(event, QuoteEvent) and self.lookups.needed(cid):
            await self.lookups.resolve(cid)

    def _requote(self, contract_id: str) -> None:
        """A contract's metadata arrived late: judge its latest quote again so its positions are valued."""
        quotes = [q for st in self.engine.states.values() if (q := st.quotes.get(contract_id)) is not None]
        if quotes and contract_id not in self._quotes_off:
            self.queues[MARKET].put_nowait(max(quotes, key=lambda q: q.at))

    def process(self, event: Event, *, late: bool = False, settling: bool = False) -> None:
        if isinstance(event, QuoteEvent) and event.contract_id in self._quotes_off:
            return  # left over from a dropped subscription: never values a position
        self._judging = True  # an event the actions below emit at once (paper broker) is queued, not nested
        try:
            self._process(event, late, settling)
        finally:
            self._judging = False

    def _process(self, event: Event, late: bool, settling: bool) -> None:
        now = self.clock.now()
        # every lockout this event starts (a quote gapping many accounts) is stored and journaled with one
        # commit each, at the end of the block, before any of its actions is submitted
        with self.journal.batch(), self.engine.locks.batch():
            try:
                actions = self.engine.handle(event, now, late=late, settling=settling)
            except Exception as e:
                log.exception("the engine failed on %r", event)
                self.bad.engine_failed(event, e)
                actions = []
        if actions:
            self.executor.submit(actions)
            self.journal.hold()  # log and commit once the first broker calls are on the wire
        if isinstance(event, TradeEvent):
            self._remember(event)
        self.journal.dispatch()
        self.processed += 1
        if isinstance(event, PositionEvent):
            self._on_positions()
        self._poke()

    def _remember(self, t: TradeEvent) -> None:
        """Seen trades ride with the journal's next dispatch: the fill's position update (the event that
        usually breaches) is right behind it, and the DB thread should not wake up in between."""
        st, writer = self.engine.states.get(t.account_id), self.writer
        if writer is not None and st is not None:
            day = self.engine.td.label(t.at)
            self.journal.later(lambda: writer.trade(st.name, t.id, day, t.at, t.profit_and_loss, t.fees,
                                                    t.order_id, t.voided))
