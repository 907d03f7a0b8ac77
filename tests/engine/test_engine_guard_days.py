"""Rules that span trading days (SPEC §7b): the weekly P&L (015/016) and the trailing MLL floor (014),
through the real engine, paper broker and virtual clock, over several days of one replay."""

from __future__ import annotations

from replay_helpers import Rec, at, buy, config, of_type, quote, sell


def ts(day: str, hhmmss: str) -> str:
    return f"2026-11-{day}T{hhmmss}-06:00"


def trip(day: str, n: int, exit_bid: float, hh: str = "09") -> list[Rec]:
    """Buy 1 MNQ at 21000.25 and sell it at ``exit_bid`` (P&L = (exit - 21000.25) x $2 per point)."""
    return [quote(ts(day, f"{hh}:00:00"), 21000.0), buy(ts(day, f"{hh}:00:01"), f"b{n}", 1),
            quote(ts(day, f"{hh}:00:02"), exit_bid), sell(ts(day, f"{hh}:00:03"), f"s{n}", 1)]


def start(balance: float = 50000) -> list[Rec]:
    return [at(ts("16", "08:30:00"), "account", name="PRAC-1", balance=balance, canTrade=True)]


def run(rules: str, *lines: Rec, end: str) -> list[Rec]:
    from replay_helpers import replay
    return replay(config(rules), [*start(), *lines, at(end, "end")])


WEEK = "  weekly_loss_limit: {enabled: true, limit: -500, include_unrealized: false}\n"


def test_weekly_loss_adds_up_the_days_and_locks_until_the_next_weeks_first_reset() -> None:
    lines = [*trip("16", 1, 20850.25),  # Monday -300
             *trip("17", 2, 20875.25),  # Tuesday -250: week -550
             *trip("23", 3, 20850.25)]  # next Monday -300: a new week
    recs = run(WEEK, *lines, end=ts("23", "12:00:00"))
    v = of_type(recs, "violation")
    assert [(r["at"], r["rule"]) for r in v] == [(ts("17", "09:00:03"), "weekly_loss_limit")]
    assert "weekly P&L -550.00 <= limit -500.00" in v[0]["message"]
    (lock,) = of_type(recs, "lockout")
    assert (lock["kind"], lock["until"]) == ("hard", "2026-11-22T17:00:00-06:00")  # Sunday's reset
    assert [r["at"] for r in of_type(recs, "unlock")] == ["2026-11-22T17:00:00-06:00"]


def test_weekly_profit_target_counts_today_with_the_days_before() -> None:
    rules = "  weekly_profit_target: {enabled: true, target: 400, include_unrealized: false}\n"
    lines = [*trip("16", 1, 21100.25), *trip("18", 2, 21100.25)]  # +200 Monday, +200 Wednesday
    recs = run(rules, *lines, end=ts("18", "12:00:00"))
    assert [r["at"] for r in of_type(recs, "violation")] == [ts("18", "09:00:03")]
    assert of_type(recs, "lockout")[0]["until"] == "2026-11-22T17:00:00-06:00"


MLL = "  max_loss_limit: {enabled: true, starting_balance: 50000, drawdown: 2000, buffer: 200}\n"


def test_the_floor_trails_the_end_of_day_balance_and_guards_the_next_day() -> None:
    lines = [*trip("16", 1, 21500.25),  # Monday +1,000: balance 51,000 -> floor 49,000 at the reset
             *trip("17", 2, 20100.25)]  # Tuesday -1,800 would leave 49,200
    lines[-1:-1] = [quote(ts("17", "09:00:02"), 20100.25)]
    recs = run(MLL, *lines, end=ts("17", "12:00:00"))
    v = of_type(recs, "violation")
    assert [(r["at"], r["rule"]) for r in v][:1] == [(ts("17", "09:00:02"), "max_loss_limit")]
    assert "floor 49,000.00 + buffer 200.00" in v[0]["message"]
    assert of_type(recs, "lockout")[0]["until"] == "2026-11-17T17:00:00-06:00"
    # flattened at the breach; the trader's own sell a second later opens a short: the kill switch
    acts = [(r["at"], r["action"]) for r in of_type(recs, "action")]
    assert acts == [(ts("17", "09:00:02"), "flatten"), (ts("17", "09:00:03"), "close_position")]


def test_without_a_winning_day_the_first_floor_holds() -> None:
    recs = run(MLL, *trip("16", 1, 20100.25), end=ts("16", "12:00:00"))  # -1,800: 48,200 = 48,000 + 200
    assert [r["rule"] for r in of_type(recs, "violation")] == ["max_loss_limit"]
    recs = run(MLL, *trip("16", 1, 20100.75), end=ts("16", "12:00:00"))  # 48,201: above the line
    assert of_type(recs, "violation") == []
