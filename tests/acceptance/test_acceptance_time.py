"""Acceptance: 006, 007, 008, 009, 010 and the DST / multi-day schedule, through `risk-manager replay`."""

import pytest
from acc_helpers import acts, hms, locks, money, of, run, unlocks, violations

T = "2026-11-20T"


def test_006_per_session_third_trade_cools_down_until_reset_and_flattens() -> None:
    recs = run("r006_session_flatten")
    # a (1), b is only an exit, c (a 2-lot limit filled in one go) counts once -> d at 10:00 is the 3rd
    assert violations(recs) == [("10:00:00", "trade_frequency_limit")]
    v = of(recs, "violation")[0]
    assert "3/3" in v["message"]
    assert locks(recs) == [(f"{T}10:00:00-06:00", "trade_frequency_limit", "cooldown", "account",
                            f"{T}17:00:00-06:00")]
    assert of(recs, "lockout")[0]["reason"] == v["message"]
    assert ("10:00:00", "trade_frequency_limit", "flatten", None) in acts(recs)
    assert unlocks(recs) == [(f"{T}17:00:00-06:00", "trade_frequency_limit")]
    assert money(recs) == (-2.0, 0.0, {})  # b -0.5, flatten of 3 at 1 tick below avg -1.5


def test_006_per_hour_rolling_window_default_30m_cooldown_cancels_only_entry_orders() -> None:
    recs = run("r006_per_hour")
    assert violations(recs) == [("08:45:00", "trade_frequency_limit"), ("09:32:00", "trade_frequency_limit")]
    assert [(r["at"], r["until"]) for r in of(recs, "lockout")] == [
        (f"{T}08:45:00-06:00", f"{T}09:15:00-06:00"), (f"{T}09:32:00-06:00", f"{T}10:02:00-06:00")]
    cancels = of(recs, "action")
    assert [(hms(a), a["action"], len(a["order_ids"])) for a in cancels] == [
        ("08:45:00", "cancel_entry_orders", 1)]
    assert unlocks(recs) == [(f"{T}09:15:00-06:00", "trade_frequency_limit"),
                             (f"{T}10:02:00-06:00", "trade_frequency_limit")]
    assert "2/2" in of(recs, "violation")[0]["message"]
    assert money(recs) == (0.0, 0.0, {"MNQ": 4})


def test_006_per_minute_limit_order_filled_in_one_go_counts_once_and_unlock_at_exact_time() -> None:
    # The paper broker has no partial fills: "an order's partial fills count once" is approximated by a
    # 3-lot limit order that fills at once and must count as ONE trade.
    recs = run("r006_per_minute_limit_fill")
    assert violations(recs) == [("09:00:20", "trade_frequency_limit")]
    assert locks(recs) == [(f"{T}09:00:20-06:00", "trade_frequency_limit", "cooldown", "account",
                            f"{T}09:01:50-06:00")]
    assert unlocks(recs) == [(f"{T}09:01:50-06:00", "trade_frequency_limit")]
    assert acts(recs) == []  # no entry orders to cancel, no flatten: nothing journaled
    assert money(recs) == (-0.5, 0.0, {"MNQ": 3})


def test_007_most_severe_tier_wins_and_flatten_false_keeps_the_position() -> None:
    recs = run("r007_tiers")
    assert [(r["at"], r["until"]) for r in of(recs, "lockout")] == [
        (f"{T}08:33:00-06:00", f"{T}09:03:00-06:00"), (f"{T}09:10:00-06:00", f"{T}09:15:00-06:00")]
    assert acts(recs) == []
    assert unlocks(recs) == [(f"{T}09:03:00-06:00", "cooldown_after_loss"),
                             (f"{T}09:15:00-06:00", "cooldown_after_loss")]
    assert money(recs) == (-460.5, 0.0, {})  # -400.5 then -60


def test_007_default_flatten_and_exact_tier_loss_counts() -> None:
    recs = run("r007_flatten")
    assert acts(recs) == [("08:33:00", "cooldown_after_loss", "flatten", None)]
    assert [(r["at"], r["until"]) for r in of(recs, "lockout")] == [
        (f"{T}08:33:00-06:00", f"{T}08:38:00-06:00"), (f"{T}08:43:00-06:00", f"{T}08:48:00-06:00")]
    assert money(recs) == (-851.0, 0.0, {})


def test_008_stop_in_time_is_fine_cancelled_stop_restarts_grace_flip_needs_new_stop() -> None:
    recs = run("r008_flip")
    assert acts(recs) == [("08:32:10", "no_stop_loss_grace", "close_position", "MNQ"),
                          ("09:01:10", "no_stop_loss_grace", "close_position", "ES")]
    assert of(recs, "lockout") == []
    assert money(recs) == (-25.5, 0.0, {})


def test_009_overnight_window_flatten_early_lock_until_next_start() -> None:
    recs = run("r009_overnight")
    d = "2026-11-18T"
    assert locks(recs) == [(f"{d}15:59:00-06:00", "session_block_outside", "hard", "account",
                            f"{d}17:00:00-06:00")]
    assert acts(recs) == [("15:59:00", "session_block_outside", "flatten", None),
                          ("16:30:00", "session_block_outside", "close_position", "MNQ")]
    assert unlocks(recs) == [(f"{d}17:00:00-06:00", "session_block_outside")]
    assert money(recs) == (-1.0, 0.0, {"MNQ": 2})  # 17:30 and 02:00 fills are inside the overnight window


def test_009_christmas_holiday_fill_locks_until_monday_open() -> None:
    recs = run("r009_christmas", "r009_cme")
    assert locks(recs) == [("2026-12-25T10:00:00-06:00", "session_block_outside", "hard", "account",
                            "2026-12-28T08:30:00-06:00")]
    assert acts(recs) == [("10:00:00", "session_block_outside", "flatten", None)]
    assert unlocks(recs) == [("2026-12-28T08:30:00-06:00", "session_block_outside")]
    assert money(recs) == (-12.5, 0.0, {"ES": 1})


def test_009_thanksgiving_12_00_early_close_minus_30s() -> None:
    recs = run("r009_thanksgiving", "r009_cme")
    assert locks(recs) == [("2026-11-26T11:59:30-06:00", "session_block_outside", "hard", "account",
                            "2026-11-27T08:30:00-06:00")]
    assert acts(recs) == [("11:59:30", "session_block_outside", "flatten", None)]
    assert money(recs) == (-25.0, 0.0, {})


def test_009_black_friday_12_15_early_close_locks_over_the_weekend() -> None:
    recs = run("r009_black_friday", "r009_cme")
    assert locks(recs) == [("2026-11-27T12:14:30-06:00", "session_block_outside", "hard", "account",
                            "2026-11-30T08:30:00-06:00")]
    assert unlocks(recs) == [("2026-11-30T08:30:00-06:00", "session_block_outside")]
    assert money(recs) == (-12.5, 0.0, {})


def test_010_until_null_flatten_unlock_on_can_trade_and_kill_switch_names_remaining_lockout() -> None:
    recs = run("r010_ends_last")
    l10 = [r for r in of(recs, "lockout") if r["rule"] == "auth_loss_guard"]
    assert [(r["at"], r["kind"], r["scope"], r["until"]) for r in l10] == [
        (f"{T}08:40:00-06:00", "hard", "account", None)]
    # 08:45: the paper broker refuses orders while canTrade is false -> no fill, nothing to do, no action
    assert acts(recs) == [("08:40:00", "auth_loss_guard", "flatten", None),
                          ("08:55:00", "cooldown_after_loss", "close_position", "MNQ")]
    assert unlocks(recs) == [(f"{T}08:50:00-06:00", "auth_loss_guard"),
                             (f"{T}09:03:00-06:00", "cooldown_after_loss")]
    assert money(recs) == (-101.5, 0.0, {"MNQ": 1})


def test_dst_fall_back_resets_at_local_17_00_and_cooldown_across_the_repeated_hour() -> None:
    recs = run("m_fall_back")
    assert [(r["at"], r["trading_day"]) for r in of(recs, "reset")] == [
        ("2026-10-30T17:00:00-05:00", "2026-10-31"), ("2026-10-31T17:00:00-05:00", "2026-11-01"),
        ("2026-11-01T17:00:00-06:00", "2026-11-02"), ("2026-11-02T17:00:00-06:00", "2026-11-03")]
    # 01:45 CDT + 30 min = 01:15 CST (06:45Z -> 07:15Z)
    assert ("2026-11-01T01:15:00-06:00", "cooldown_after_loss") in unlocks(recs)
    # three -62.5 days: the daily loss limit (-100) is never reached because each reset clears it
    assert [r["rule"] for r in of(recs, "violation")] == ["cooldown_after_loss"] * 3
    assert money(recs) == (-187.5, 0.0, {})


def test_dst_spring_forward_until_reset_and_cooldown() -> None:
    recs = run("m_spring_forward")
    assert ("2026-03-08T01:30:00-06:00", "daily_realized_loss", "hard", "account",
            "2026-03-08T17:00:00-05:00") in locks(recs)
    assert ("2026-03-08T01:30:00-06:00", "cooldown_after_loss", "cooldown", "account",
            "2026-03-08T04:30:00-05:00") in locks(recs)
    assert [(r["at"], r["trading_day"]) for r in of(recs, "reset")] == [
        ("2026-03-07T17:00:00-06:00", "2026-03-08"), ("2026-03-08T17:00:00-05:00", "2026-03-09")]
    assert unlocks(recs) == [("2026-03-07T12:00:00-06:00", "cooldown_after_loss"),
                             ("2026-03-07T17:00:00-06:00", "daily_realized_loss"),
                             ("2026-03-08T04:30:00-05:00", "cooldown_after_loss"),
                             ("2026-03-08T17:00:00-05:00", "daily_realized_loss")]
    assert money(recs) == (-1137.5, 0.0, {})  # -512.5 (ES 41 ticks) - 625 (MES 10 x 50 ticks)


@pytest.mark.parametrize("name", ["r006_per_hour", "r007_tiers", "m_fall_back"])
def test_every_cooldown_has_exactly_one_unlock_at_its_until(name: str) -> None:
    recs = run(name)
    assert sorted(r["until"] for r in of(recs, "lockout")) == sorted(at for at, _ in unlocks(recs))
