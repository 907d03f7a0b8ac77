"""One-line reasons for every journal record kind the dashboard lists (SPEC §11, §13)."""

from __future__ import annotations

from typing import Any

import pytest

from risk_manager.tui.oneliner import line_style, oneliner, recent_lines

AT = "2026-11-20T14:23:15-06:00"


def rec(type_: str, rule: str | None = "max_contracts", **fields: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"at": AT, "type": type_, "account": "PRAC-1"}
    if rule:
        out["rule"] = rule
    out.update(fields)
    return out


def test_the_spec_example_reduce_with_limit() -> None:
    r = {**rec("action", action="reduce_position", symbol="MNQ"), "from": 4, "to": 2, "limit": 5}
    assert oneliner(r) == "14:23:15 max_contracts: reduced MNQ 4→2, limit 5"


@pytest.mark.parametrize(("record", "line"), [
    (rec("action", "daily_realized_loss", action="flatten"),
     "14:23:15 daily_realized_loss: flattened the account"),
    (rec("action", "daily_unrealized_loss", action="close_position", symbol="ES"),
     "14:23:15 daily_unrealized_loss: closed ES"),
    ({**rec("action", action="reduce_position", symbol="ES"), "from": 2, "to": 1},
     "14:23:15 max_contracts: reduced ES 2→1"),
    (rec("action", "symbol_blocks", action="cancel_order", symbol="MNQ", order_ids=[1]),
     "14:23:15 symbol_blocks: cancelled order MNQ (#1)"),
    (rec("action", "symbol_blocks", action="cancel_order", symbol="MNQ", order_ids=[1, 2]),
     "14:23:15 symbol_blocks: cancelled orders MNQ (#1, 2)"),
    (rec("action", "trade_frequency_limit", action="cancel_entry_orders", order_ids=[4]),
     "14:23:15 trade_frequency_limit: cancelled entry orders (#4)"),
    (rec("action", "trade_management", action="modify_stop", symbol="MNQ", order_id=2, stop=21000.75),
     "14:23:15 trade_management: moved stop MNQ to 21000.75"),
    (rec("lockout", "daily_realized_loss", kind="hard", scope="account", until="2026-11-20T17:00:00-06:00",
         reason="daily P&L -512.50 reached -500.00"),
     "14:23:15 daily_realized_loss: locked until 17:00:00 — daily P&L -512.50 reached -500.00"),
    (rec("lockout", "trade_frequency_limit", kind="cooldown", scope="account",
         until="2026-11-20T14:24:15-06:00", reason="3/3 trades this minute"),
     "14:23:15 trade_frequency_limit: cooldown until 14:24:15 — 3/3 trades this minute"),
    (rec("lockout", "session_block_outside", kind="hard", scope="account",
         until="2026-11-23T08:30:00-06:00", reason="fill outside the session"),
     "14:23:15 session_block_outside: locked until Mon 08:30:00 — fill outside the session"),
    (rec("lockout", "auth_loss_guard", kind="hard", scope="account", until=None, reason="canTrade false"),
     "14:23:15 auth_loss_guard: locked until condition clears — canTrade false"),
    (rec("lockout", "symbol_blocks", kind="hard", scope="symbol", symbol="MNQ", until=None),
     "14:23:15 symbol_blocks: blocked MNQ until condition clears"),
    (rec("unlock", "trade_frequency_limit"), "14:23:15 trade_frequency_limit: unlocked"),
    (rec("unlock", "symbol_blocks", symbol="MNQ"), "14:23:15 symbol_blocks: unlocked MNQ"),
    (rec("warning", "daily_realized_loss", utilization=0.82),
     "14:23:15 daily_realized_loss: warning: 82% of limit"),
    ({"at": "2026-11-20T17:00:00-06:00", "type": "reset", "trading_day": "2026-11-21"},
     "17:00:00 daily reset — trading day 2026-11-21"),
    (rec("violation", "max_contracts", message="6 contracts > limit 5"),
     "14:23:15 max_contracts: 6 contracts > limit 5"),
    (rec("alert", None, level="critical", message="MNQ still open after 5 tries"),
     "14:23:15 ALERT critical: MNQ still open after 5 tries"),
    ({"at": AT, "type": "connection_lost"}, "14:23:15 connection to the broker lost"),
    ({"at": AT, "type": "connection_restored", "down_seconds": 4.25},
     "14:23:15 connection restored after 4.2s"),
])
def test_every_record_kind_reads_as_one_line(record: dict[str, Any], line: str) -> None:
    assert oneliner(record) == line
    assert "\n" not in oneliner(record)


def test_dry_run_says_would_have() -> None:
    r = rec("action", "daily_realized_loss", action="flatten", dry_run=True)
    assert oneliner(r).startswith("14:23:15 daily_realized_loss: [dry run] would have flattened")
    assert "[dry run] locked" in oneliner(rec("lockout", kind="hard", until=None, dry_run=True))


def test_unknown_shapes_never_crash() -> None:
    assert oneliner({"type": "brand_new", "message": "hello"}) == "--:--:-- hello"
    assert oneliner({}) == "--:--:-- event"
    assert oneliner(rec("action", action="teleport")) == "14:23:15 max_contracts: teleport"
    assert oneliner(rec("action", action="reduce_position")) == "14:23:15 max_contracts: reduced ?→?"


def test_a_violation_folds_into_the_action_or_lockout_it_caused() -> None:
    why = rec("violation", message="3.1 contracts (gross) > limit 3")
    act = {**rec("action", action="reduce_position", symbol="MNQ"), "from": 4, "to": 3}
    lone = {**rec("violation", "no_stop_loss_grace", message="MNQ had no stop for 10s"),
            "at": "2026-11-20T14:30:00-06:00"}
    lock = rec("lockout", "daily_realized_loss", kind="hard", until=None, reason="loss")
    loss = rec("violation", "daily_realized_loss", message="loss")
    lines = [oneliner(r) for r in recent_lines([why, act, loss, lock, lone], "PRAC-1")]
    assert lines == [
        "14:30:00 no_stop_loss_grace: MNQ had no stop for 10s",  # nothing acted on it: still listed
        "14:23:15 daily_realized_loss: locked until condition clears — loss",
        "14:23:15 max_contracts: reduced MNQ 4→3 — 3.1 contracts (gross) > limit 3",
    ]


def test_line_colours() -> None:
    assert line_style(rec("action", action="flatten")) == "red"
    assert line_style(rec("lockout")) == "red"
    assert line_style(rec("action", action="modify_stop")) == "yellow"
    assert line_style(rec("warning")) == "yellow"
    assert line_style(rec("unlock")) == "green"
    assert line_style(rec("reset")) == "green"


def test_recent_lines_newest_first_for_this_account_and_global_records() -> None:
    records = [
        rec("action", action="flatten"),
        {**rec("action", action="close_position", symbol="ES"), "account": "OTHER"},
        {"at": AT, "type": "reset", "trading_day": "2026-11-21"},
        {"type": "summary", "account": "PRAC-1"},  # not an enforcement: left out
        rec("unlock"),
    ]
    shown = recent_lines(records, "PRAC-1")
    assert [r["type"] for r in shown] == ["unlock", "reset", "action"]
    assert recent_lines(records, "PRAC-1", limit=1) == [records[-1]]
    assert len(recent_lines(records, None)) == 4


def test_a_kill_switch_action_is_labelled_and_a_rule_action_keeps_its_reason() -> None:
    lock = {"at": "2026-11-20T08:31:00-06:00", "account": "P", "rule": "cooldown_after_loss"}
    records = [{**lock, "type": "violation", "message": "trade lost $91.50"},
               {**lock, "type": "action", "action": "flatten"},
               {**lock, "at": "2026-11-20T08:32:00-06:00", "type": "action", "action": "close_position",
                "symbol": "MNQ"}]
    lines = [oneliner(r) for r in recent_lines(records, "P")]
    assert lines == ["08:32:00 cooldown_after_loss: closed MNQ — kill switch: the account is locked",
                     "08:31:00 cooldown_after_loss: flattened the account — trade lost $91.50"]


def test_journal_line_shows_date_time_and_zone() -> None:
    from zoneinfo import ZoneInfo

    from risk_manager.tui.oneliner import journal_line

    r = {"at": "2026-11-20T20:04:12+00:00", "type": "lockout", "account": "P",
         "rule": "trade_frequency_limit",
         "kind": "cooldown", "until": "2026-11-20T20:05:12+00:00", "reason": "3/3 trades this minute"}
    assert journal_line(r, ZoneInfo("America/Chicago")) == (
        "2026-11-20 14:04:12 CST P trade_frequency_limit: cooldown until 14:05:12 — 3/3 trades this minute")
    assert journal_line({"at": "2026-11-20T14:04:12-06:00", "type": "reset"}, None).startswith(
        "2026-11-20 14:04:12 UTC-06:00 daily reset")


def test_a_warning_above_100_percent_beside_its_breach_is_not_listed() -> None:
    key = {"at": "2026-11-20T08:30:20-06:00", "account": "P", "rule": "max_contracts"}
    records = [{**key, "type": "warning", "utilization": 1.5},
               {**key, "type": "violation", "message": "6 contracts (net) > limit 4"},
               {**key, "type": "action", "action": "reduce_position", "symbol": "MNQ", "from": 6, "to": 4},
               {**key, "rule": "daily_realized_loss", "type": "warning", "utilization": 0.8}]
    assert [oneliner(r) for r in recent_lines(records, "P")] == [
        "08:30:20 daily_realized_loss: warning: 80% of limit",
        "08:30:20 max_contracts: reduced MNQ 6→4 — 6 contracts (net) > limit 4"]


def test_every_locking_rule_labels_its_kill_switch_closes() -> None:
    """The kill switch acts under the rule holding the lock: each rule that locks (017 and the guardrails
    too) and the trader's self-lockout must be known, or the close reads as that rule firing again."""
    from risk_manager.rules.registry import RULES
    from risk_manager.tui.oneliner import LOCKING_RULES

    locking = {spec.key for spec in RULES if getattr(spec.rule, "locks", False)}
    assert len(locking) >= 10
    assert locking | {"self_lockout"} == LOCKING_RULES
