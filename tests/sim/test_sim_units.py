"""Socket-free tests of the simulator's parts: tokens, rate limiter, faults, contract search, price feed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request

from risk_manager.domain.contracts import ContractBook, catalogue_contract
from risk_manager.sim.auth import TokenStore, bearer, decode_claims
from risk_manager.sim.faults import FaultPlan, normalise_endpoint
from risk_manager.sim.feed import PriceFeed
from risk_manager.sim.hub import Hub
from risk_manager.sim.middleware import is_loopback, sim_middleware
from risk_manager.sim.ratelimit import SlidingWindowLimiter
from risk_manager.sim.rest_account import contract_matches
from risk_manager.sim.signalr import MARKET_TARGETS

T0 = datetime(2026, 11, 20, 14, 30, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def test_tokens_carry_exp_expire_and_revoke() -> None:
    clock = Clock()
    store = TokenStore(clock, ttl=600)
    assert not store.check_credentials("u", "short")
    assert store.check_credentials("u", "0123456789")
    token = store.issue("u")
    claims = decode_claims(token)
    assert claims["exp"] == int(T0.timestamp()) + 600 and claims["sub"] == "u"
    assert store.verify(token) is not None
    clock.now = T0 + timedelta(seconds=601)
    assert store.verify(token) is None  # expired
    clock.now = T0
    other = store.issue("u")
    assert store.revoke_all() == 2 and store.verify(other) is None
    assert store.verify("a.b") is None and store.verify("x.y.z") is None and store.verify(None) is None


def test_restricted_credentials() -> None:
    store = TokenStore(Clock(), ttl=60, username="alice", api_key="the-one-key")
    assert store.check_credentials("alice", "the-one-key")
    assert not store.check_credentials("bob", "the-one-key")
    assert not store.check_credentials("alice", "another-long-key")
    assert bearer("Bearer abc") == "abc" and bearer("Basic abc") is None and bearer(None) is None


def test_sliding_window_counts_accepted_requests_per_key() -> None:
    t = [0.0]
    lim = SlidingWindowLimiter(3, 60.0, now=lambda: t[0])
    assert [lim.allow("a")[0] for _ in range(4)] == [True, True, True, False]
    assert lim.allow("b")[0]  # per key
    ok, retry = lim.allow("a")
    assert not ok and retry == pytest.approx(60.0)
    t[0] = 60.01  # the first hit left the window
    assert lim.allow("a")[0]
    lim.configure(limit=0)
    assert all(lim.allow("a")[0] for _ in range(100))


def test_fault_plan_consumes_shots_in_order() -> None:
    plan = FaultPlan(default_hang=40)
    assert normalise_endpoint("/api/Order/Place") == "order/place"
    plan.add("Order/place", "500", count=2)
    plan.add("*", "429")
    plan.add("Order/cancel", "hang", hang_seconds=999)
    assert plan.faults[-1].hang_seconds == 120  # bounded
    assert [plan.take("order/place").mode for _ in range(2)] == ["500", "500"]  # type: ignore[union-attr]
    assert plan.take("order/place").mode == "429"  # type: ignore[union-attr]
    assert plan.take("order/cancel").mode == "hang"  # type: ignore[union-attr]
    assert plan.take("order/cancel") is None
    with pytest.raises(ValueError):
        plan.add("x", "503")


@pytest.mark.parametrize(("text", "roots"), [
    ("MNQ", {"MNQ"}), ("NQ", {"NQ"}), ("ENQ", {"NQ"}), ("ES", {"ES"}), ("EP", {"ES"}), ("EPZ6", {"ES"}),
    ("nasdaq", {"NQ", "MNQ"}), ("CON.F.US.MGC.G27", {"MGC"}), ("ZZZ", set()),
])
def test_contract_search_matches_roots_names_and_descriptions(text: str, roots: set[str]) -> None:
    book = ContractBook.builtin()
    assert {c.root for c in book.all() if contract_matches(c, text)} == roots


def test_feed_walks_on_the_tick_grid_deterministically() -> None:
    def run(seed: int) -> list[tuple[float | None, ...]]:
        seen: list[tuple[float | None, ...]] = []
        hub = Hub("market", TokenStore(Clock(), 60), MARKET_TARGETS, str)
        feed = PriceFeed(ContractBook([catalogue_contract("RTY")]), hub,
                         lambda cid, b, a, last: seen.append((b, a, last)), Clock(), seed=seed)
        for _ in range(200):
            feed.tick()
        return seen

    a, b = run(1), run(1)
    assert a == b and a != run(2)
    for bid, ask, last in a:
        assert bid is not None and ask is not None
        assert round(ask - bid, 6) == 0.1 and last in (bid, ask)
        assert abs(bid * 10 - round(bid * 10)) < 1e-6  # RTY 0.10 grid, no float drift


def test_feed_set_price_and_silence() -> None:
    seen: list[tuple[str, float | None, float | None, float | None]] = []
    hub = Hub("market", TokenStore(Clock(), 60), MARKET_TARGETS, str)
    feed = PriceFeed(ContractBook.builtin(), hub, lambda *q: seen.append(q), Clock(), walk=False)
    quote = feed.set_price("CON.F.US.MNQ.Z26", bid=21000.0, ask=21000.5)
    assert (quote["bestBid"], quote["bestAsk"], quote["lastPrice"]) == (21000.0, 21000.5, 21000.0)
    assert seen[-1] == ("CON.F.US.MNQ.Z26", 21000.0, 21000.5, 21000.0)
    feed.silenced = True
    feed.tick()  # still feeds the broker (resting orders keep filling) ...
    assert feed.stats["quotes"] == 1  # ... but publishes nothing


@pytest.mark.parametrize(("peer", "status"), [("127.0.0.1", 200), ("::1", 200), ("192.0.2.7", 403)])
async def test_fault_injection_is_loopback_only(peer: str, status: int) -> None:
    class Transport:
        def get_extra_info(self, name: str, default: object = None) -> object:
            return (peer, 50000) if name == "peername" else default

    request = make_mocked_request("POST", "/_sim/revoke", transport=Transport())

    async def handler(_: web.Request) -> web.StreamResponse:
        return web.Response(text="done")

    resp = await sim_middleware(request, handler)
    assert resp.status == status
    assert is_loopback("127.8.9.1") and not is_loopback(None) and not is_loopback("not-an-ip")
