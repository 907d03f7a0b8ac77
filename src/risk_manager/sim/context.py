"""Everything the simulator's handlers share, stored on the aiohttp app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from aiohttp import web

from risk_manager.broker.paper import PaperBroker
from risk_manager.broker.port import AccountInfo
from risk_manager.domain.contracts import ContractBook
from risk_manager.sim.auth import Session, TokenStore
from risk_manager.sim.faults import FaultPlan
from risk_manager.sim.feed import PriceFeed
from risk_manager.sim.hub import Hub
from risk_manager.sim.keys import SESSION
from risk_manager.sim.options import SimOptions
from risk_manager.sim.ratelimit import EndpointLimits
from risk_manager.sim.reqlog import RequestLog
from risk_manager.sim.user_stream import UserStream


@dataclass(slots=True)
class SimContext:
    options: SimOptions
    clock: Callable[[], datetime]
    book: ContractBook
    broker: PaperBroker
    tokens: TokenStore
    limiter: EndpointLimits
    faults: FaultPlan
    log: RequestLog
    user_hub: Hub
    market_hub: Hub
    stream: UserStream
    feed: PriceFeed
    scenario_status: Callable[[], dict[str, object]] | None = None
    inactive_accounts: set[int] = field(default_factory=set)  # hidden by Account/search onlyActiveAccounts

    def account(self, account_id: int) -> AccountInfo | None:
        for a in self.broker.accounts():
            if a.id == account_id:
                return a
        return None

    def account_by_ref(self, ref: object) -> AccountInfo | None:
        """An account by id (int or digit string) or by name (case-insensitive)."""
        for a in self.broker.accounts():
            if a.id == ref or str(a.id) == str(ref) or a.name.lower() == str(ref).lower():
                return a
        return None

    def contract_id(self, ref: str) -> str | None:
        """A contract id from an id, a ProjectX name (MNQZ6) or a CME/ProjectX root (MNQ, EP)."""
        if ref in self.book:
            return ref
        up = ref.upper()
        for c in self.book.all():
            if up in (c.name.upper(), c.root) or up == c.id.split(".")[3]:
                return c.id
        return None


CTX: web.AppKey[SimContext] = web.AppKey("sim_context", SimContext)


def ctx_of(request: web.Request) -> SimContext:
    return request.app[CTX]


def session_of(request: web.Request) -> Session:
    session = request.get(SESSION)
    assert isinstance(session, Session), "route not behind the auth middleware"
    return session
