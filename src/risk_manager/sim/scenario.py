"""Scenario files (SPEC §13 JSON lines) replayed in real time against the simulator.

Parsing and validation are the replay's (``replay.scenario``), so a file that replays also runs here.
``quote`` lines set prices; ``account``, ``order``, ``cancel``, ``modify``, ``close`` and ``can_trade`` act
as a scripted trader through the paper broker — exactly as a manual trade in the TopstepX UI would, so
clients see them only through the user hub. Times are relative to the first line, divided by ``speed``.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

from risk_manager.domain.enums import OrderType, Side
from risk_manager.replay import live_lines
from risk_manager.replay.scenario import ScenarioError, Step, load_scenario
from risk_manager.sim.context import SimContext

__all__ = ["ScenarioError", "ScenarioRunner", "Step", "load_scenario", "parse_side", "parse_type"]
log = logging.getLogger(__name__)
ORDER_TYPES = {"market": OrderType.MARKET, "limit": OrderType.LIMIT, "stop": OrderType.STOP,
               "stop_limit": OrderType.STOP_LIMIT, "trailing_stop": OrderType.TRAILING_STOP,
               "join_bid": OrderType.JOIN_BID, "join_ask": OrderType.JOIN_ASK}


def parse_side(value: Any) -> Side:
    if isinstance(value, str) and value.lower() in ("buy", "bid", "long"):
        return Side.BUY
    if isinstance(value, str) and value.lower() in ("sell", "ask", "short"):
        return Side.SELL
    if value in (0, 1):
        return Side(int(value))
    raise ValueError(f"bad side {value!r}")


def parse_type(value: Any) -> OrderType:
    if isinstance(value, str) and value.lower() in ORDER_TYPES:
        return ORDER_TYPES[value.lower()]
    if isinstance(value, int) and not isinstance(value, bool):
        return OrderType(value)
    raise ValueError(f"bad order type {value!r}")


def _opt(data: dict[str, Any], key: str) -> float | None:
    return None if data.get(key) is None else float(data[key])


@dataclass(slots=True)
class ScenarioRunner:
    ctx: SimContext
    lines: list[Step]
    speed: float = 1.0
    applied: int = 0
    finished: bool = False
    errors: list[str] = field(default_factory=list)
    order_ids: dict[str, tuple[int, int]] = field(default_factory=dict)  # scenario id -> (account, order)

    def _account(self, data: dict[str, Any]) -> int:
        """The line's ``account`` (by name), else the scenario's first account, else the first one."""
        names = [ln.data["name"] for ln in self.lines if ln.do == "account"]
        ref = data.get("account") or (names[0] if names else None)
        accounts = self.ctx.broker.accounts()
        acct = self.ctx.account_by_ref(ref) if ref is not None else (accounts[0] if accounts else None)
        if acct is None:
            raise ValueError(f"unknown account {ref!r}")
        return acct.id

    def _contract(self, data: dict[str, Any]) -> str:
        ref = str(data.get("contractId") or data.get("symbol") or "")
        cid = self.ctx.contract_id(ref)
        if cid is None:
            raise ValueError(f"unknown symbol {ref!r}")
        return cid

    def apply(self, line: Step) -> None:
        d, broker = line.data, self.ctx.broker
        if line.do == "account":
            acct = self.ctx.account_by_ref(d["name"])
            if acct is None:
                acct = broker.add_account(str(d["name"]), float(d.get("balance", 50_000.0)),
                                          bool(d.get("canTrade", True)))
            elif "canTrade" in d:
                broker.set_can_trade(acct.id, bool(d["canTrade"]))
            if "fees_per_contract" in d:
                broker.set_fees(acct.id, float(d["fees_per_contract"]))
        elif line.do == "quote":
            self.ctx.feed.set_price(self._contract(d), _opt(d, "bid"), _opt(d, "ask"), _opt(d, "last"))
        elif line.do == "order":
            account_id = self._account(d)
            oid = broker.place_order(account_id, self._contract(d), parse_type(d["type"]),
                                     parse_side(d["side"]), int(d["size"]), _opt(d, "limit"), _opt(d, "stop"),
                                     parts=live_lines.parts(d))
            self.order_ids[str(d["id"])] = (account_id, oid)
        elif line.do in live_lines.REQUIRED:  # fill / void / duplicate
            ref = str(d["id"] if line.do == "fill" else d["order"])
            live_lines.perform(broker, line.do, *self.order_ids[ref], d)
        elif line.do == "cancel":
            broker.cancel_order(*self.order_ids[str(d["id"])])
        elif line.do == "modify":
            broker.modify_order(*self.order_ids[str(d["id"])], size=d.get("size"),
                                limit_price=_opt(d, "limit"), stop_price=_opt(d, "stop"))
        elif line.do == "can_trade":
            broker.set_can_trade(self._account(d), bool(d["value"]))
        elif line.do == "close":
            broker.close_position(self._account(d), self._contract(d))
        elif line.do == "end":
            self.finished = True
        else:  # e.g. a replay's disconnect/reconnect: reported, never silently skipped
            raise ValueError(f"{line.do!r} lines are not played by the simulator")

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        start, t0 = loop.time(), self.lines[0].at
        for line in self.lines:
            delay = start + (line.at - t0).total_seconds() / self.speed - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            try:
                self.apply(line)
            except Exception as e:  # a bad line is reported, never fatal to the simulator
                msg = f"line {line.line} ({line.do}): {type(e).__name__}: {e}"
                log.warning("scenario %s", msg)
                self.errors.append(msg)
            self.applied += 1
            if self.finished:
                break
        self.finished = True
