"""The trader's own lockout (SPEC §7b) through the replay runner: it only ever strengthens, extends with a
new lockout record, honours flatten even when it does not extend, and the kill switch guards it."""

from __future__ import annotations

from replay_helpers import Rec, at, buy, config, of_type, quote, replay

RULES = "  max_contracts: {enabled: true, limit: 5}\n"


def day(*lines: Rec) -> list[Rec]:
    return [at("08:30:00", "account", name="PRAC-1", balance=50000, canTrade=True),
            quote("08:30:00", 21000.0), *lines, at("18:00:00", "end")]


def lock(t: str, duration: str, flatten: bool = False) -> Rec:
    return at(t, "self_lock", duration=duration, flatten=flatten)


def test_self_lock_for_a_duration_is_a_cooldown_that_ends_on_its_own() -> None:
    recs = replay(config(RULES), day(lock("09:00:00", "30m")))
    (rec,) = of_type(recs, "lockout")
    assert (rec["rule"], rec["kind"]) == ("self_lockout", "cooldown")
    assert rec["until"] == "2026-11-20T09:30:00-06:00"
    assert [(r["at"], r["rule"]) for r in of_type(recs, "unlock")] == [
        ("2026-11-20T09:30:00-06:00", "self_lockout")]
    assert of_type(recs, "violation", "action") == []


def test_until_reset_is_hard_and_a_later_extension_is_a_new_record_without_unlock() -> None:
    recs = replay(config(RULES), day(lock("09:00:00", "30m"), lock("09:10:00", "until_reset")))
    locks = [(r["at"][11:19], r["kind"], r["until"]) for r in of_type(recs, "lockout")]
    assert locks == [("09:00:00", "cooldown", "2026-11-20T09:30:00-06:00"),
                     ("09:10:00", "hard", "2026-11-20T17:00:00-06:00")]
    # the replaced lockout never unlocks at 09:30; the extension ends at the reset
    assert [r["at"] for r in of_type(recs, "unlock")] == ["2026-11-20T17:00:00-06:00"]


def test_a_shorter_self_lock_records_nothing_but_still_flattens() -> None:
    lines = [buy("08:31:00", "o1", 2), lock("09:00:00", "1h"), lock("09:05:00", "10m", flatten=True)]
    recs = replay(config(RULES), day(*lines))
    assert [r["until"] for r in of_type(recs, "lockout")] == ["2026-11-20T10:00:00-06:00"]
    assert [(r["at"][11:19], r["rule"], r["action"]) for r in of_type(recs, "action")] == [
        ("09:05:00", "self_lockout", "flatten")]
    assert of_type(recs, "summary")[0]["positions"] == {}


def test_the_kill_switch_closes_what_is_opened_during_a_self_lock() -> None:
    recs = replay(config(RULES), day(lock("09:00:00", "30m"), buy("09:01:00", "o1", 1),
                                      buy("09:31:00", "o2", 1)))
    acts = [(r["at"][11:19], r["rule"], r["action"]) for r in of_type(recs, "action")]
    assert acts == [("09:01:00", "self_lockout", "close_position")]
    assert list(of_type(recs, "summary")[0]["positions"].values()) == [1]  # after it ended: allowed
