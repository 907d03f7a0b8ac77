"""Lockouts, cooldowns and the 17:00 Chicago reset across both 2026 DST changes (replay, virtual clock)."""

import pytest
from replay_helpers import at, buy, config, of_type, quote, replay, sell

LOSS = config("  daily_realized_loss: {enabled: true, limit: -100, include_unrealized: false}\n")


def losing_trade(day: str, t: str, off: str) -> list[dict[str, object]]:
    """Lose 200.50 on MNQ at local time ``t`` on ``day`` (offset ``off``)."""
    s = f"{day}T{t}{off}"
    return [at(s, "account", name="PRAC-1"), quote(s, 21000.0) | {"at": s},
            buy(s, "a", 1) | {"at": s}, quote(s, 20900.0) | {"at": s}, sell(s, "b", 1) | {"at": s}]


@pytest.mark.parametrize(("day", "off", "until", "reset_at", "label"), [
    # Saturday evening before spring-forward (CST) -> Sunday 17:00 CDT
    ("2026-03-07", "-06:00", "2026-03-08T17:00:00-05:00", "2026-03-08T17:00:00-05:00", "2026-03-09"),
    # Saturday evening before fall-back (CDT) -> Sunday 17:00 CST
    ("2026-10-31", "-05:00", "2026-11-01T17:00:00-06:00", "2026-11-01T17:00:00-06:00", "2026-11-02"),
])
def test_until_reset_lockout_ends_at_local_17_00_after_the_dst_change(
        day: str, off: str, until: str, reset_at: str, label: str) -> None:
    end = {"at": "2026-11-03T12:00:00-06:00" if day.startswith("2026-10") else "2026-03-10T12:00:00-05:00",
           "do": "end"}
    recs = replay(LOSS, [*losing_trade(day, "18:00:00", off), end])
    lock = of_type(recs, "lockout")[0]
    assert lock["until"] == until
    unlock = of_type(recs, "unlock")[0]
    assert unlock["at"] == until
    resets = of_type(recs, "reset")
    assert resets[0] == {"at": reset_at, "type": "reset", "trading_day": label}
    assert len(resets) == len({r["trading_day"] for r in resets})  # never twice for one trading day


def test_cooldown_spanning_spring_forward_lasts_two_real_hours() -> None:
    rules = "  cooldown_after_loss:\n    enabled: true\n    tiers: [{loss: -50, cooldown: 2h}]\n"
    end = {"at": "2026-03-08T12:00:00-05:00", "do": "end"}
    lines = [*losing_trade("2026-03-08", "01:30:00", "-06:00"), end]
    recs = replay(config(rules), lines)
    assert of_type(recs, "lockout")[0]["until"] == "2026-03-08T04:30:00-05:00"  # 01:30 CST + 2 h
    assert of_type(recs, "unlock")[0]["at"] == "2026-03-08T04:30:00-05:00"


def test_cooldown_spanning_fall_back_lasts_two_real_hours() -> None:
    rules = "  cooldown_after_loss:\n    enabled: true\n    tiers: [{loss: -50, cooldown: 2h}]\n"
    end = {"at": "2026-11-01T12:00:00-06:00", "do": "end"}
    lines = [*losing_trade("2026-11-01", "00:30:00", "-05:00"), end]
    recs = replay(config(rules), lines)
    assert of_type(recs, "lockout")[0]["until"] == "2026-11-01T01:30:00-06:00"  # 00:30 CDT + 2 h


def test_daily_pnl_and_trade_counts_clear_at_the_reset() -> None:
    rules = ("  daily_realized_loss: {enabled: true, limit: -300, include_unrealized: false}\n")
    # -200.50 before the 17:00 reset and -200.50 after: never -300 within one trading day
    lines = [*losing_trade("2026-11-20", "16:00:00", "-06:00"),
             *losing_trade("2026-11-20", "17:30:00", "-06:00")[1:],
             {"at": "2026-11-20T18:00:00-06:00", "do": "end"}]
    for i, line in enumerate(lines[5:], start=5):
        line["id"] = f"x{i}" if "id" in line else None
        if line["id"] is None:
            del line["id"]
    recs = replay(config(rules), lines)
    assert of_type(recs, "lockout") == []
    assert of_type(recs, "reset")[0]["at"] == "2026-11-20T17:00:00-06:00"
    assert recs[-1]["realized_pnl"] == -401.0
