"""Rules 014-017 (SPEC §7b) through the real engine, paper broker and virtual clock (replay runner)."""

from __future__ import annotations

from replay_helpers import Rec, at, buy, config, of_type, quote, replay, sell

STREAK = "  consecutive_losses: {enabled: true, count: 3, cooldown: 10m}\n"


def day(*lines: Rec, end: str = "12:00:00", balance: float = 50000) -> list[Rec]:
    return [at("08:30:00", "account", name="PRAC-1", balance=balance, canTrade=True),
            quote("08:30:00", 21000.0), *lines, at(end, "end")]


def round_trip(t: str, n: int, exit_bid: float) -> list[Rec]:
    """Buy 1 MNQ at 21000.25, quote, sell at ``exit_bid`` (each a whole closing order)."""
    return [quote(f"{t}:00", 21000.0), buy(f"{t}:01", f"b{n}", 1), quote(f"{t}:02", exit_bid),
            sell(f"{t}:03", f"s{n}", 1)]


def test_three_losing_closes_in_a_row_start_the_cooldown_and_flatten() -> None:
    lines = [*round_trip("08:31", 1, 20990.0), *round_trip("08:32", 2, 20990.0)]
    lines += [quote("08:33:00", 21000.0), buy("08:33:01", "b3", 2), quote("08:33:02", 20990.0),
              sell("08:33:03", "s3", 1)]
    recs = replay(config(STREAK), day(*lines))
    v = of_type(recs, "violation")
    assert [(r["at"][11:19], r["rule"]) for r in v] == [("08:33:03", "consecutive_losses")]
    assert "3 losing trades in a row" in v[0]["message"]
    lock = of_type(recs, "lockout")[0]
    assert (lock["kind"], lock["until"]) == ("cooldown", "2026-11-20T08:43:03-06:00")
    assert [(r["action"]) for r in of_type(recs, "action")] == ["flatten"]


def test_a_winning_close_ends_the_run() -> None:
    lines = [*round_trip("08:31", 1, 20990.0), *round_trip("08:32", 2, 20990.0),
             *round_trip("08:33", 3, 21010.0), *round_trip("08:34", 4, 20990.0)]
    assert of_type(replay(config(STREAK), day(*lines)), "violation") == []


def test_the_run_restarts_after_a_breach_and_at_the_reset() -> None:
    cfg = config("  consecutive_losses: {enabled: true, count: 2, cooldown: 1m, flatten_on_breach: false}\n")
    lines = [*round_trip("08:31", 1, 20990.0), *round_trip("08:32", 2, 20990.0),  # breach at 2
             *round_trip("08:34", 3, 20990.0),  # 1 of the new run
             *round_trip("16:58", 4, 20990.0)]  # 2 -> breach
    lines += [quote("2026-11-20T17:01:00-06:00", 21000.0)]
    after_reset = [buy("2026-11-20T17:01:01-06:00", "b5", 1),
                   quote("2026-11-20T17:01:02-06:00", 20990.0),
                   sell("2026-11-20T17:01:03-06:00", "s5", 1)]  # 1 of a fresh run: no breach
    recs = replay(cfg, day(*lines, *after_reset, end="2026-11-20T17:30:00-06:00"))
    assert [r["at"][11:19] for r in of_type(recs, "violation")] == ["08:32:03", "16:58:03"]


def test_until_reset_streak_cooldown_is_a_hard_lockout() -> None:
    cfg = config("  consecutive_losses: {enabled: true, count: 1, cooldown: until_reset}\n")
    recs = replay(cfg, day(*round_trip("08:31", 1, 20990.0)))
    lock = of_type(recs, "lockout")[0]
    assert (lock["kind"], lock["until"]) == ("hard", "2026-11-20T17:00:00-06:00")
