"""max_contracts.count_working_orders (SPEC §7b): an entry order that would take the count past the limit
if filled is cancelled before it fills; exits and orders within the limit stay; positions never shrink
because of working orders. Real engine + paper broker (replay runner)."""

from __future__ import annotations

from replay_helpers import Rec, at, buy, config, of_type, quote, replay

RULES = "  max_contracts: {enabled: true, limit: 5, count_working_orders: true}\n"


def limit_order(t: str, oid: str, side: str, size: int, price: float) -> Rec:
    return at(t, "order", id=oid, symbol="MNQ", side=side, type="limit", size=size, limit=price)


def day(*lines: Rec) -> list[Rec]:
    return [at("08:30:00", "account", name="PRAC-1", balance=50000, canTrade=True),
            quote("08:30:00", 21000.0), *lines, at("10:00:00", "end")]


def test_an_entry_order_past_the_limit_is_cancelled_and_never_fills() -> None:
    lines = [buy("08:31:00", "o1", 4), limit_order("08:32:00", "o2", "buy", 2, 20990.0),
             quote("08:33:00", 20980.0)]  # the touch reaches 20990 later: o2 would have filled
    recs = replay(config(RULES), day(*lines))
    acts = [(r["at"][11:19], r["action"]) for r in of_type(recs, "action")]
    assert acts == [("08:32:00", "cancel_order")]
    assert "6 contracts (net) with working orders > limit 5" in of_type(recs, "violation")[0]["message"]
    assert list(of_type(recs, "summary")[0]["positions"].values()) == [4]


def test_orders_within_the_limit_and_exit_orders_stay() -> None:
    lines = [buy("08:31:00", "o1", 4), limit_order("08:32:00", "o2", "buy", 1, 20990.0),
             limit_order("08:32:10", "o3", "sell", 4, 21010.0)]  # an exit: it shrinks the position
    recs = replay(config(RULES), day(*lines))
    assert of_type(recs, "action", "violation") == []


def test_the_newest_entry_order_goes_first_and_the_position_is_never_reduced() -> None:
    lines = [buy("08:31:00", "o1", 2), limit_order("08:32:00", "o2", "buy", 2, 20990.0),
             limit_order("08:32:10", "o3", "buy", 2, 20980.0)]
    recs = replay(config(RULES), day(*lines))
    assert [(r["at"][11:19], r["action"]) for r in of_type(recs, "action")] == [("08:32:10", "cancel_order")]
    assert list(of_type(recs, "summary")[0]["positions"].values()) == [2]


def test_without_the_option_working_orders_do_not_count() -> None:
    lines = [buy("08:31:00", "o1", 4), limit_order("08:32:00", "o2", "buy", 2, 20990.0)]
    assert of_type(replay(config("  max_contracts: {enabled: true, limit: 5}\n"), day(*lines)),
                   "action") == []
