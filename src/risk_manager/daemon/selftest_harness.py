"""A throwaway engine + paper broker on a virtual clock (the replay loop), for the start-up self-test."""

from __future__ import annotations

from datetime import datetime, timedelta

from risk_manager.config import Config
from risk_manager.domain.contracts import PRODUCTS, Contract, catalogue_contract
from risk_manager.domain.enums import OrderType, Side
from risk_manager.engine.records import Record
from risk_manager.replay.paper_loop import PaperLoop

ACCOUNT = "SELFTEST"
HARNESS_BALANCE = 50_000.0


class Harness(PaperLoop):
    def __init__(self, config: Config, start: datetime) -> None:
        super().__init__(config, start)
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
