"""The fill that starts its own lockout without a flatten (``flatten_on_breach: false``) stays open.

The kill switch spares that fill's position update, recognised by the size it leaves (so a later fill is
never spared if the update had come first), and what the account held when the lockout started. The
spared size is persisted while the position keeps it (unless a flatten or close is in flight), so after a
restart the reconcile's position update (the engine then knows no position, so it looks opened while
locked) is still spared; a position the trader grew while the daemon was down is reduced back to the
spared size, as live. An exit (the trader's, or a reduction) spares what is left of it, persisted too; a
position that grows is judged from the spared size. It is forgotten when the position goes flat or flips,
and when the account is unlocked.

A lockout started by an event judged late (a reconcile's trade from a gap) cannot take "what is held" from
the engine's positions: they predate the gap (after a restart: none), and the snapshot's positions follow
its trades. What was held at the lockout's own time is then the position read at the next update of each
contract minus the fills made after that time (all of them were judged first); that size is spared.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Protocol

from risk_manager.domain.events import PositionEvent, TradeEvent
from risk_manager.domain.positions import Delta
from risk_manager.domain.state import AccountState
from risk_manager.engine.actions import FLATTEN_KEY, ActionKey, PositionKey


class SparedStore(Protocol):
    def put_spared(self, account: str, contract_id: str, size: int) -> None: ...
    def delete_spared(self, account: str, contract_id: str | None = None) -> None: ...
    def spared_fills(self) -> list[tuple[str, str, int]]: ...


@dataclass(slots=True)
class _Spared:
    size: int  # signed size the spared fill left
    pending: bool  # its own position update has not been seen yet
    restored: bool  # from the store at start-up: the engine's position state did not know it


@dataclass(slots=True)
class _Late:
    since: datetime  # the lockout's own start (the late event's time)
    after: dict[str, int] = field(default_factory=dict)  # signed fills per contract strictly after it
    read: set[str] = field(default_factory=set)  # contracts whose position update has been judged since


class SparedFills:
    def __init__(self, store: SparedStore | None = None) -> None:
        self._store = store
        self._by_account: dict[str, dict[str, _Spared]] = {}
        self._late: dict[str, _Late] = {}

    def at_lock(self, st: AccountState, projected: dict[str, int] | None, pending: Set[ActionKey],
                late: datetime | None = None) -> None:
        """A lockout just started on ``st``: spare the position update of the fill that started it
        (``projected``: the sizes it leaves) and what the account holds. Only what no flatten or close now
        in flight will take is persisted (else it would outlive a crash before the close and keep the
        position open after the restart). ``late``: started by an event judged late, at that time."""
        closing = FLATTEN_KEY in pending
        if late is not None and not closing:
            self._late[st.name] = _Late(late)
            return
        sizes = {} if closing else {cid: p.size for cid, p in st.positions.items() if p.size}
        sizes.update(projected or {})
        book = self._by_account.setdefault(st.name, {})
        for cid, size in sizes.items():
            book[cid] = _Spared(size, True, False)
            if size and not closing and PositionKey(cid) not in pending and self._store is not None:
                self._store.put_spared(st.name, cid, size)

    def restore(self, account: str, contract_id: str, size: int) -> None:
        self._by_account.setdefault(account, {})[contract_id] = _Spared(size, True, True)

    def on_trade(self, account: str, event: TradeEvent) -> None:
        """A fill judged while a late-started lockout runs: counted if made after its start."""
        late = self._late.get(account)
        if late is not None and event.at > late.since and not event.voided:
            cid = event.contract_id
            late.after[cid] = late.after.get(cid, 0) + event.side.sign * event.size

    def kill_delta(self, account: str, event: PositionEvent, delta: Delta) -> Delta | None:
        """For a position update while locked: None if it is the spared fill's own (no kill switch), else
        the delta the kill switch judges (from the spared size for a position known only from the store)."""
        late = self._late.get(account)
        if late is not None and event.contract_id not in late.read:
            return self._late_delta(account, late, event, delta)
        book = self._by_account.get(account)
        sp = book.get(event.contract_id) if book else None
        if sp is None:
            return delta
        now = event.signed_size
        if sp.size == now:
            sp.pending = False
            return None  # still the spared position
        if now * sp.size > 0:  # same side: judged from the spared size (what he adds is taken back)
            if abs(now) < abs(sp.size):  # an exit: what is left was held before, spared after a restart too
                book[event.contract_id] = _Spared(now, False, False)  # type: ignore[index]
                if self._store is not None:
                    self._store.put_spared(account, event.contract_id, now)
            return replace(delta, before=sp.size)
        del book[event.contract_id]  # type: ignore[union-attr]
        if self._store is not None:
            self._store.delete_spared(account, event.contract_id)
        return delta

    def _late_delta(self, account: str, late: _Late, event: PositionEvent, delta: Delta) -> Delta | None:
        """The first update of a contract since a late-started lockout: held at its start = now - after."""
        cid, now = event.contract_id, event.signed_size
        late.read.add(cid)
        held = now - late.after.get(cid, 0)
        if now == 0 or held == 0 or (held > 0) != (now > 0):
            return replace(delta, before=held)  # flat now, or opened / flipped after the lockout started
        spare = now if abs(now) <= abs(held) else held  # what was held then, less what he exited since
        self._by_account.setdefault(account, {})[cid] = _Spared(spare, False, False)
        if self._store is not None:
            self._store.put_spared(account, cid, spare)
        return None if spare == now else replace(delta, before=held)

    def forget(self, account: str | None = None) -> None:
        """The account's lockouts ended (None: every account's): nothing is spared any more."""
        accounts = list(self._by_account | self._late) if account is None else [account]
        for name in accounts:
            self._late.pop(name, None)
            if self._by_account.pop(name, None) and self._store is not None:
                self._store.delete_spared(name)
