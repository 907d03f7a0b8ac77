"""Kill switch, precedence and dry run, end to end through replay (engine + paper broker)."""

from replay_helpers import actions, at, buy, config, of_type, quote, replay, sell

LOSS = config("  daily_realized_loss: {enabled: true, limit: -100, include_unrealized: false}\n")
START = [at("08:30:00", "account", name="PRAC-1"), quote("08:30:00", 21000.0)]
# buy 2 at 21000.25, sell 2 at 20900 -> -401 ticks*0.5*2: a realised loss well past -100
LOSING_DAY = [*START, buy("08:31:00", "a", 2), quote("08:32:00", 20900.0), sell("08:33:00", "b", 2)]


def test_hard_lockout_closes_a_position_opened_from_flat_with_the_lockout_rule() -> None:
    recs = replay(LOSS, [*LOSING_DAY, buy("08:40:00", "c", 1), at("18:00:00", "end")])
    assert actions(recs) == [("08:40:00", "daily_realized_loss", "close_position", "MNQ")]
    assert recs[-1]["positions"] == {}


def test_kill_switch_reduces_a_grown_position_back_and_never_blocks_exits() -> None:
    rules = ("  cooldown_after_loss:\n    enabled: true\n    flatten_on_breach: false\n"
             "    tiers: [{loss: -50, cooldown: 5m}]\n")
    lines = [*START, buy("08:31:00", "a", 2), quote("08:32:00", 20900.0),
             sell("08:33:00", "b", 1),  # a -200.50 exit: cooldown, the other contract stays open
             buy("08:34:00", "c", 2),  # growing 1 -> 3 while locked is undone back to 1
             sell("08:35:00", "d", 1),  # an exit: never blocked
             at("18:00:00", "end")]
    recs = replay(config(rules), lines)
    assert [(r["action"], r["rule"], r.get("from"), r.get("to")) for r in of_type(recs, "action")] == [
        ("reduce_position", "cooldown_after_loss", 3, 1)]
    assert recs[-1]["positions"] == {}


def test_resting_entry_order_is_cancelled_during_lockout_but_protective_stop_stays() -> None:
    lines = [*LOSING_DAY,
             at("08:40:00", "order", id="L", symbol="MNQ", side="buy", type="limit", size=1, limit=20000.0),
             at("18:00:00", "end")]
    recs = replay(LOSS, lines)
    acts = of_type(recs, "action")
    assert [(a["action"], a["rule"]) for a in acts] == [("cancel_order", "daily_realized_loss")]


def test_cooldown_kill_switch_then_unlock_lets_trading_resume() -> None:
    rules = ("  cooldown_after_loss:\n    enabled: true\n    flatten_on_breach: false\n"
             "    tiers: [{loss: -50, cooldown: 5m}]\n")
    lines = [*START, buy("08:31:00", "a", 1), quote("08:32:00", 20900.0), sell("08:33:00", "b", 1),
             buy("08:35:00", "c", 1),  # inside the cooldown: closed
             buy("08:39:00", "d", 1),  # after 08:38 the cooldown is over: allowed
             at("18:00:00", "end")]
    recs = replay(config(rules), lines)
    lock = of_type(recs, "lockout")[0]
    assert (lock["kind"], lock["until"]) == ("cooldown", "2026-11-20T08:38:00-06:00")
    assert actions(recs) == [("08:35:00", "cooldown_after_loss", "close_position", "MNQ")]
    assert of_type(recs, "unlock")[0]["at"] == "2026-11-20T08:38:00-06:00"
    assert recs[-1]["positions"] == {"MNQ": 1}


def test_precedence_flatten_beats_reduce_and_every_lockout_is_recorded() -> None:
    rules = ("  max_contracts: {enabled: true, limit: 2}\n"
             "  daily_realized_loss: {enabled: true, limit: -100, include_unrealized: true}\n")
    lines = [*START, at("08:32:00", "quote", symbol="MNQ", bid=20000.0, ask=21000.0),
             buy("08:33:00", "b", 5),  # 5 contracts (> 2) valued at a far bid: both rules on one event
             at("18:00:00", "end")]
    recs = replay(config(rules), lines)
    kinds = [r["action"] for r in of_type(recs, "action")]
    assert kinds == ["flatten"]
    assert [r["rule"] for r in of_type(recs, "violation")] == ["max_contracts", "daily_realized_loss"]
    assert [r["rule"] for r in of_type(recs, "lockout")] == ["daily_realized_loss"]
    assert recs[-1]["positions"] == {}


def test_dry_run_journals_the_same_decisions_and_touches_nothing() -> None:
    dry = LOSS.replace("rules:\n", "enforcement: {mode: dry_run}\nrules:\n")
    lines = [*LOSING_DAY, buy("08:40:00", "c", 1), at("18:00:00", "end")]
    recs = replay(dry, lines)
    acts = of_type(recs, "action")
    assert [(a["action"], a.get("dry_run")) for a in acts] == [("close_position", True)]
    assert all(r.get("dry_run") for r in of_type(recs, "violation", "lockout"))
    assert recs[-1]["positions"] == {"MNQ": 1}  # nothing was closed


def test_warning_once_per_crossing() -> None:
    rules = "  max_contracts: {enabled: true, limit: 5}\n"
    lines = [*START, buy("08:31:00", "a", 4), sell("08:32:00", "b", 1), buy("08:33:00", "c", 1),
             sell("08:34:00", "d", 2), buy("08:35:00", "e", 1), at("18:00:00", "end")]
    recs = replay(config(rules), lines)
    # 4/5 = 0.8 crosses at 08:31; 3 -> 4 stays above? no: 3/5 = 0.6 drops below, 4/5 crosses again
    assert [(w["at"][11:19], w["utilization"]) for w in of_type(recs, "warning")] == [
        ("08:31:00", 0.8), ("08:33:00", 0.8)]
