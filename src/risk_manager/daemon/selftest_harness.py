"""A throwaway engine + paper broker on a virtual clock (the replay loop), for the start-up self-test."""

from __future__ import annotations

from datetime import datetime, timedelta

from risk_manager.clock import ExchangeCalendar, SessionWindow
from risk_manager.config import Config
from risk_manager.domain.contracts import PRODUCTS, Contract, catalogue_contract
from risk_manager.domain.enums import OrderType, Side
from risk_manager.engine.records import Record
from risk_manager.replay.paper_loop import PaperLoop

ACCOUNT = "SELFTEST"
HARNESS_BALANCE = 50_000.0


class Harness(PaperLoop):
    """The paper account a self-test case trades on (``risk_manager.rules.spec.SelfTestDriver``)."""

    balance = HARNESS_BALANCE

    def __init__(self, config: Config, start: datetime) -> None:
        super().__init__(config, start)
        self.config = config
        self.account = self.broker.add_account(ACCOUNT, HARNESS_BALANCE, True).id
        self.engine.add_account(self.account, ACCOUNT)
        self.drain()

    @property
    def records(self) -> list[Record]:
        return self.journal.records

    def contract(self, root: str) -> Contract:
        """The catalogue contract, or a made-up one for a root the catalogue lacks (e.g. ZB)."""
        if root.upper() in PRODUCTS:
            return catalogue_contract(root)
        try:
            return self.book.by_root(root)
        except KeyError:
            c = Contract(f"CON.F.US.{root.upper()}.Z26", f"{root.upper()}Z6", root.upper(), 0.25, 1.25)
            self.book.add(c)
            return c

    def advance(self, seconds: float) -> None:
        self.move_to(self.clock.now() + timedelta(seconds=seconds))

    def quote(self, root: str, bid: float) -> None:
        c = self.contract(root)
        self.broker.on_quote(c.id, bid, bid + c.tick_size, bid)
        self.drain()

    def market(self, root: str, side: Side, size: int) -> int:
        oid = self.broker.place_order(self.account, self.contract(root).id, OrderType.MARKET, side, size)
        self.drain()
        return oid

    def stop(self, root: str, side: Side, size: int, price: float) -> int:
        oid = self.broker.place_order(self.account, self.contract(root).id, OrderType.STOP, side, size,
                                      stop_price=price)
        self.drain()
        return oid

    def can_trade(self, value: bool) -> None:
        self.broker.set_can_trade(self.account, value)
        self.drain()

    def violated(self, rule: str) -> bool:
        return any(r.get("type") == "violation" and r.get("rule") == rule for r in self.records)

    def leave_session(self) -> None:
        """Move to the first instant (on the hour, else the minute) the configured session is closed."""
        s = self.config.schedule
        window = SessionWindow(s.session.start, s.session.end, s.session.weekdays, s.tz,
                               ExchangeCalendar("none", tz=s.tz, holidays=list(s.holidays),
                                                early_closes=dict(s.early_closes)))
        self.move_to(_closed_instant(window, self.clock.now()))


def _closed_instant(window: SessionWindow, start: datetime) -> datetime:
    for step, count in ((timedelta(hours=1), 24 * 8), (timedelta(minutes=1), 60 * 24 * 2)):
        for i in range(1, count):
            at = start + step * i
            if not window.is_open(at):
                return at
    raise LookupError("the session never closes within a week")
