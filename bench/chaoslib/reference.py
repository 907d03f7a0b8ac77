"""The crash-free reference: the simulator's trades, in order and at their own times, replayed through the
same engine on a virtual clock (the replay runner, enforcement ``dry_run``), with no kill, no fault and no
latency. What it locks, and until when, is what the daemon must have locked."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from risk_manager.config import Config
from risk_manager.domain.contracts import catalogue_contract
from risk_manager.domain.enums import Side
from risk_manager.replay.runner import Replay
from risk_manager.replay.scenario import parse_scenario

from .gateway import Fill


@dataclass(frozen=True)
class Lock:
    account: str
    rule: str
    symbol: str | None
    start: datetime
    until: datetime | None

    def key(self) -> tuple[str, str, str | None, datetime | None]:
        return (self.account, self.rule, self.symbol, self.until)

    def active(self, at: datetime) -> bool:
        return self.start <= at and (self.until is None or at < self.until)


def scenario_text(fills: dict[str, list[Fill]], start: datetime, end: datetime, fees: float) -> str:
    """Each fill becomes a touch at its price and a market order of its side and size at its own time."""
    lines: list[dict[str, object]] = [
        {"at": start.isoformat(), "do": "account", "name": name, "balance": 50_000, "fees_per_contract": fees}
        for name in fills]
    merged = sorted(((f.at, f.id, name, f) for name, fs in fills.items() for f in fs), key=lambda x: x[:2])
    for at, fid, name, f in merged:
        tick = catalogue_contract(f.symbol).tick_size
        bid, ask = (f.price - tick, f.price) if f.side == Side.BUY else (f.price, f.price + tick)
        lines.append({"at": at.isoformat(), "do": "quote", "symbol": f.symbol, "bid": bid, "ask": ask})
        lines.append({"at": at.isoformat(), "do": "order", "id": f"t{fid}", "account": name,
                      "symbol": f.symbol, "side": "buy" if f.side == Side.BUY else "sell", "type": "market",
                      "size": f.size})
    lines.append({"at": max(end, start).isoformat(), "do": "end"})
    return "".join(json.dumps(x) + "\n" for x in lines)


def reference_locks(config: Config, fills: dict[str, list[Fill]], start: datetime, end: datetime,
                    fees: float) -> list[Lock]:
    """Every lockout the crash-free replay took, up to ``end``."""
    steps = parse_scenario(scenario_text(fills, start, end, fees), "<chaos reference>")
    replay = Replay(config, steps)
    records = replay.run()
    if replay.rejections:
        raise RuntimeError(f"the reference replay refused fills: {replay.rejections[:3]}")
    return locks_from_records(records)


def locks_from_records(records: list[dict[str, object]]) -> list[Lock]:
    out = []
    for r in records:
        if r.get("type") == "lockout":
            until = r.get("until")
            out.append(Lock(str(r["account"]), str(r["rule"]), _opt(r.get("symbol")),
                            datetime.fromisoformat(str(r["at"])),
                            None if until is None else datetime.fromisoformat(str(until))))
    return out


def _opt(x: object) -> str | None:
    return None if x is None else str(x)
