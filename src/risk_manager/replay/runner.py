"""`risk-manager replay`: a scenario through the real engine on a virtual clock with the paper broker."""

from __future__ import annotations

from typing import Any

from risk_manager.broker.paper import PaperRejection
from risk_manager.clock.deadlines import Deadline
from risk_manager.config import Config, Duration
from risk_manager.domain.contracts import catalogue_contract
from risk_manager.domain.enums import OrderType, Side
from risk_manager.domain.events import Event
from risk_manager.engine.engine import Payload
from risk_manager.engine.record_types import SummaryRecord, record_dict
from risk_manager.engine.records import Record
from risk_manager.replay import live_lines
from risk_manager.replay.outage import Outage, check_steps
from risk_manager.replay.paper_loop import PaperLoop
from risk_manager.replay.scenario import ScenarioError, Step

_TYPES = {"market": OrderType.MARKET, "limit": OrderType.LIMIT, "stop": OrderType.STOP,
          "stop_limit": OrderType.STOP_LIMIT}


class Replay(PaperLoop):
    def __init__(self, config: Config, steps: list[Step], source: str = "<scenario>") -> None:
        check_steps(steps, source)
        self.outage: Outage | None = None
        super().__init__(config, steps[0].at)
        self.outage = Outage(self)
        self.steps = steps
        self.accounts: dict[str, int] = {}
        self.order_ids: dict[str, tuple[int, int]] = {}  # scenario id -> (account, broker order id)
        self.rejections: list[str] = []

    def deliver(self, event: Event) -> None:
        if self.outage is None or not self.outage.lost(event):
            self.queue.append(event)

    def hold(self, deadline: Deadline[Payload]) -> bool:
        if self.outage is None or not self.outage.holds(deadline):
            return False
        self.outage.held.append(deadline)
        return True

    def run(self) -> list[Record]:
        for step in self.steps:
            self.move_to(step.at)
            if step.do == "end":
                break
            self._perform(step)
            self.drain()
        return self.journal.records + self._summaries()

    def _account(self, step: Step) -> int:
        name = step.data.get("account")
        if name is None:
            if not self.accounts:
                return self._add_account(step, "PRAC-1", {})
            return next(iter(self.accounts.values()))
        return self.accounts.get(name) or self._add_account(step, str(name), {})

    def _add_account(self, step: Step, name: str, d: dict[str, Any]) -> int:
        info = self.broker.add_account(name, float(d.get("balance", 50_000.0)), bool(d.get("canTrade", True)))
        self.accounts[name] = info.id
        self.engine.add_account(info.id, name)
        self.broker.set_fees(info.id, float(d.get("fees_per_contract", 0.0)))
        return info.id

    def _perform(self, step: Step) -> None:
        d, b = step.data, self.broker
        try:
            if step.do == "account":
                name = str(d["name"])
                if name in self.accounts:
                    acct = self.accounts[name]
                    if "canTrade" in d:
                        b.set_can_trade(acct, bool(d["canTrade"]))
                else:
                    self._add_account(step, name, d)
            elif step.do == "quote":
                cid = catalogue_contract(str(d["symbol"])).id
                b.on_quote(cid, d.get("bid"), d.get("ask"), d.get("last"))
            elif step.do == "order":
                acct = self._account(step)
                cid = catalogue_contract(str(d["symbol"])).id
                side = Side.BUY if d["side"] == "buy" else Side.SELL
                oid = b.place_order(acct, cid, _TYPES[d["type"]], side, int(d["size"]),
                                    limit_price=d.get("limit"), stop_price=d.get("stop"),
                                    parts=live_lines.parts(d))
                self.order_ids[str(d["id"])] = (acct, oid)
            elif step.do in ("cancel", "modify"):
                ref = self.order_ids.get(str(d["id"]))
                if ref is None:
                    raise PaperRejection(2, f"unknown order {d['id']!r}")
                if step.do == "cancel":
                    b.cancel_order(*ref)
                else:
                    b.modify_order(*ref, size=d.get("size"), limit_price=d.get("limit"),
                                   stop_price=d.get("stop"))
            elif step.do == "close":
                b.close_position(self._account(step), catalogue_contract(str(d["symbol"])).id)
            elif step.do == "can_trade":
                b.set_can_trade(self._account(step), bool(d["value"]))
            elif step.do == "self_lock":  # without `account`: every account of the scenario
                names = [str(d["account"])] if "account" in d else list(self.accounts)
                for name in names:
                    self._account(Step(step.line, step.at, step.do, {"account": name}))
                    self.execute(self.engine.self_lock(name, step.at, Duration(str(d["duration"])),
                                                       bool(d.get("flatten", False))))
            elif step.do in live_lines.REQUIRED:
                key = "id" if step.do == "fill" else "order"
                ref = self.order_ids.get(str(d[key]))
                if ref is None:
                    raise ScenarioError("scenario", step.line, f"{step.do}: unknown order {d[key]!r}")
                live_lines.perform(b, step.do, ref[0], ref[1], d)
            elif step.do in ("disconnect", "reconnect"):
                self._outage(step)
        except live_lines.OverFill as e:
            raise ScenarioError("scenario", step.line, str(e)) from e
        except PaperRejection as e:
            self.rejections.append(f"{step.line}: {step.do} refused by the broker: {e.message}")

    def _outage(self, step: Step) -> None:
        assert self.outage is not None
        name = step.data.get("account")
        acct = None if name is None else self._account(step)
        if step.do == "disconnect":
            self.outage.disconnect(acct)
        else:
            self.outage.reconnect(acct, self.clock.now())

    def _summaries(self) -> list[Record]:
        out: list[Record] = []
        basis_net = self.engine.pnl_basis == "net"
        for name, acct in self.accounts.items():
            trades = self.broker.trades(acct)
            gross = sum(t.profit_and_loss or 0.0 for t in trades if not t.voided)
            fees = sum(t.fees for t in trades if not t.voided)
            positions = {}
            for p in self.broker.positions(acct):
                if p.size:
                    positions[self.book.get(p.contract_id).root] = p.size
            realized = round(gross - fees if basis_net else gross, 2)
            out.append(record_dict(SummaryRecord(account=name, realized_pnl=realized, fees=round(fees, 2),
                                                 positions=dict(sorted(positions.items())))))
        return out
