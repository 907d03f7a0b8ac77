"""The live daemon's ControlBackend: reads the engine and the store on the event loop, nothing else.

The daemon hands over what it already has (engine, config, store, clock, link state, a way to stop) and
optionally a coroutine that applies a new config live; without one every valid change "needs a restart".
Store writes here (audit, clock events) are rare and bounded by the server's rate limits.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from risk_manager.clock.clock import Clock
from risk_manager.config import Config, Duration
from risk_manager.control.backend import Apply, reload_decision
from risk_manager.control.fmt import iso
from risk_manager.control.snapshot import RECENT, build_snapshot
from risk_manager.engine.actions import Action
from risk_manager.engine.decide import SELF_LOCKOUT
from risk_manager.engine.engine import Engine
from risk_manager.store import Store
from risk_manager.store.records import ACCOUNT_SCOPE, LockoutRecord

Json = dict[str, Any]


class DaemonBackend:
    def __init__(self, engine: Engine, config: Config, store: Store, *, clock: Clock,
                 link_state: Callable[[], str], request_stop: Callable[[], None],
                 protected: Callable[[], bool] = lambda: True, config_path: str | Path | None = None,
                 apply_config: Apply | None = None, started_at: datetime | None = None,
                 problems: Callable[[], list[str]] = list,
                 after_lock: Callable[[list[Action]], None] = lambda actions: None) -> None:
        self.engine, self.config, self.store, self.clock_source = engine, config, store, clock
        self.link_state, self.protected, self.request_stop = link_state, protected, request_stop
        self.config_path = None if config_path is None else Path(config_path)
        self.apply_config = apply_config
        self.problems = problems
        self.after_lock = after_lock  # executes a self-lock's flatten and sends its journal records
        self.started_at = started_at or clock.now()
        self.clocked_in: dict[str, bool] = self._clock_state(self.started_at)

    def _clock_state(self, now: datetime) -> dict[str, bool]:
        """Clocked in = the account's latest clock event of this trading day is "in"."""
        since = self.engine.td.start(now)
        out: dict[str, bool] = {}
        for account in self.config.accounts:
            events = self.store.clock_events(account.name, since)
            if events:
                out[account.name] = events[-1].kind == "in"
        return out

    def snapshot(self) -> Json:
        return build_snapshot(self.engine, self.config, self.link_state(), self.clock_source.now(),
                              started_at=self.started_at, clocked_in=self.clocked_in,
                              recent=self.store.journal_tail(RECENT), protected=self.protected(),
                              problems=self.problems())

    def journal(self, n: int, account: str | None) -> list[Json]:
        return self.store.journal_tail(n, account)

    async def reload(self) -> Json:
        if self.config_path is None:
            return {"applied": False, "restart_needed": False, "changes": [],
                    "error": "the daemon does not know its config file path"}
        result, new = await reload_decision(self.config_path, self.config, self.apply_config)
        if new is not None:
            self.config = new
        return result

    async def stop(self) -> None:
        self.request_stop()

    def clock(self, account: str, kind: str) -> None:
        if kind not in ("in", "out"):
            raise ValueError(f"kind must be 'in' or 'out', got {kind!r}")
        if account not in {a.name for a in self.config.accounts}:
            raise KeyError(account)
        self.store.record_clock_event(account, "in" if kind == "in" else "out", self.clock_source.now())
        self.clocked_in[account] = kind == "in"

    def self_lock(self, account: str | None, duration: str, flatten: bool) -> list[Json]:
        length = Duration(duration)  # ValueError: the server answers 400
        # the engine knows each account by the gateway's spelling of its name (resolved casefolded)
        watched = {st.name.casefold(): st.name for st in self.engine.states.values()}
        wanted = [account] if account is not None else [a.name for a in self.config.accounts]
        configured = {a.name.casefold() for a in self.config.accounts}
        if account is not None and account.casefold() not in configured:
            raise KeyError(account)
        if any(w.casefold() not in watched for w in wanted):
            raise KeyError(next(w for w in wanted if w.casefold() not in watched))  # not resolved yet
        now = self.clock_source.now()
        out = []
        for name in (watched[w.casefold()] for w in wanted):
            before = self._self_lock_of(name)
            actions = self.engine.self_lock(name, now, length, flatten)
            self.after_lock(actions)
            rec = self._self_lock_of(name)
            assert rec is not None
            out.append({"account": name, "rule": SELF_LOCKOUT, "kind": rec.kind,
                        "until": iso(rec.until, self.config.schedule.tz), "extended": rec is not before,
                        "flatten": bool(actions)})
        return out

    def _self_lock_of(self, name: str) -> LockoutRecord | None:
        return next((r for r in self.engine.locks.active(name)
                     if r.rule == SELF_LOCKOUT and r.scope == ACCOUNT_SCOPE), None)

    def audit(self, actor: str, action: str, ok: bool, detail: str, at: datetime) -> None:
        self.store.audit(actor, action, ok, detail, at)
