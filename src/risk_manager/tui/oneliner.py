"""One line per journal record for the dashboard's "last enforcements" list (SPEC §11, §13).

``14:23:15 max_contracts: reduced MNQ 4→2, limit 5`` — the time is the record's own (schedule zone),
then the rule, then what was done in words. Unknown record shapes still produce a line (never a crash):
the dashboard must keep working when the daemon learns a new record type first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import tzinfo
from typing import Any

from risk_manager.tui.format import day_hhmm, hhmmss, parse_time, pct, price

Record = Mapping[str, Any]

# Records worth showing to the trader as "what the daemon did or is about to do".
SHOWN_TYPES = frozenset({
    "action", "lockout", "unlock", "warning", "reset", "violation", "alert",
    "connection_lost", "connection_restored", "daemon_started", "daemon_stopped",
})


def _ids(rec: Record) -> str:
    ids = rec.get("order_ids") or ([rec["order_id"]] if rec.get("order_id") is not None else [])
    return ", ".join(str(i) for i in ids)


def _on(rec: Record) -> str:
    return f" {rec['symbol']}" if rec.get("symbol") else ""


def _flatten(rec: Record) -> str:
    return "flattened the account"


def _close(rec: Record) -> str:
    return f"closed{_on(rec) or ' position'}"


def _reduce(rec: Record) -> str:
    text = f"reduced{_on(rec)} {rec.get('from', '?')}→{rec.get('to', '?')}"
    if rec.get("limit") is not None:
        text += f", limit {rec['limit']}"
    return text


def _cancel(rec: Record) -> str:
    ids = _ids(rec)
    count = len(rec.get("order_ids") or ()) or 1
    noun = "order" if count == 1 else "orders"
    return f"cancelled {noun}{_on(rec)}" + (f" (#{ids})" if ids else "")


def _cancel_entries(rec: Record) -> str:
    ids = _ids(rec)
    return f"cancelled entry orders{_on(rec)}" + (f" (#{ids})" if ids else "")


def _modify_stop(rec: Record) -> str:
    stop = rec.get("stop")
    return f"moved stop{_on(rec)} to {price(stop)}" if stop is not None else f"moved stop{_on(rec)}"


ACTIONS: dict[str, Callable[[Record], str]] = {
    "flatten": _flatten,
    "close_position": _close,
    "reduce_position": _reduce,
    "cancel_order": _cancel,
    "cancel_entry_orders": _cancel_entries,
    "modify_stop": _modify_stop,
}


def _lockout(rec: Record) -> str:
    what = "cooldown" if rec.get("kind") == "cooldown" else "locked"
    if rec.get("scope") == "symbol" and rec.get("symbol"):
        what = f"blocked {rec['symbol']}"
    until = rec.get("until")
    when = f" until {day_hhmm(until, (rec.get('at') or '')[:10], seconds=True)}" if until \
        else " until condition clears"
    reason = rec.get("reason") or rec.get("message")
    return what + when + (f" — {reason}" if reason else "")


def _unlock(rec: Record) -> str:
    return f"unlocked{_on(rec)}"


def _warning(rec: Record) -> str:
    util = rec.get("utilization")
    return f"warning: {pct(util)} of limit" if isinstance(util, int | float) else "warning"


def _reset(rec: Record) -> str:
    day = rec.get("trading_day")
    return f"daily reset — trading day {day}" if day else "daily reset"


def _action(rec: Record) -> str:
    fn = ACTIONS.get(str(rec.get("action")))
    text = fn(rec) if fn is not None else str(rec.get("message") or rec.get("action") or "action")
    return text + (f" — {rec['reason']}" if rec.get("reason") else "")


def _alert(rec: Record) -> str:
    return f"ALERT {rec.get('level', '')}: {rec.get('message', '')}".replace("  ", " ")


def _connection(rec: Record) -> str:
    if rec.get("type") == "connection_lost":
        return "connection to the broker lost"
    down = rec.get("down_seconds")
    return "connection restored" + (f" after {down:.1f}s" if isinstance(down, int | float) else "")


KINDS: dict[str, Callable[[Record], str]] = {
    "action": _action,
    "lockout": _lockout,
    "unlock": _unlock,
    "warning": _warning,
    "reset": _reset,
    "violation": lambda r: str(r.get("message") or "rule breached"),
    "alert": _alert,
    "connection_lost": _connection,
    "connection_restored": _connection,
    "daemon_started": lambda r: "daemon started",
    "daemon_stopped": lambda r: "daemon stopped",
}


def describe(rec: Record) -> str:
    """What one record says, in words, without its time: ``max_contracts: reduced MNQ 4→2, limit 5``."""
    kind = str(rec.get("type", ""))
    fn = KINDS.get(kind)
    body = fn(rec) if fn is not None else str(rec.get("message") or kind or "event")
    if rec.get("dry_run"):
        body = "[dry run] would have " + body if kind == "action" else "[dry run] " + body
    who = f"{rec['rule']}: " if rec.get("rule") else ""
    return who + body


def oneliner(rec: Record) -> str:
    """The dashboard line for one journal record."""
    return f"{hhmmss(rec.get('at'))} {describe(rec)}"


def journal_line(rec: Record, tz: tzinfo | None) -> str:
    """The CLI's line for one record (``trader log``, ``admin journal``): date, time and zone name in
    ``tz`` (the schedule zone; None keeps the record's own offset, shown as ``UTC-06:00``), account, words.
    ``2026-11-20 14:23:15 CST PRAC-1 max_contracts: reduced MNQ 4→2, limit 5``."""
    at = parse_time(rec.get("at"))
    if at is None:
        when = str(rec.get("at") or "--")
    else:
        if tz is not None and at.tzinfo is not None:
            at = at.astimezone(tz)
            until = parse_time(rec.get("until"))
            if until is not None and until.tzinfo is not None:
                rec = {**rec, "at": at.isoformat(), "until": until.astimezone(tz).isoformat()}
        when = at.strftime("%Y-%m-%d %H:%M:%S %Z").strip()
    who = f"{rec['account']} " if rec.get("account") else ""
    return f"{when} {who}{describe(rec)}"


def line_style(rec: Record) -> str:
    """Colour of a line: red for what took something away, yellow for warnings, green for relief."""
    kind = rec.get("type")
    if kind in ("lockout", "alert", "connection_lost") or (
            kind == "action" and rec.get("action") in ("flatten", "close_position", "reduce_position")):
        return "red"
    if kind in ("warning", "violation", "action"):
        return "yellow"
    if kind in ("unlock", "reset", "connection_restored"):
        return "green"
    return ""


KILL_SWITCH_ACTIONS = frozenset({"close_position", "reduce_position", "cancel_order"})
# the rules whose breach locks the account (the kill switch acts under the name of the one holding it), kept
# equal to the registry's locking rules by a test, and the trader's own self-lockout
LOCKING_RULES = frozenset({"daily_realized_loss", "trade_frequency_limit", "cooldown_after_loss",
                           "session_block_outside", "auth_loss_guard", "daily_realized_profit",
                           "max_loss_limit", "weekly_loss_limit", "weekly_profit_target",
                           "consecutive_losses", "self_lockout"})


def _key(rec: Record) -> tuple[Any, Any, Any]:
    return rec.get("at"), rec.get("account"), rec.get("rule")


def _over_limit(rec: Record) -> bool:
    util = rec.get("utilization")
    return isinstance(util, int | float) and util >= 1.0


def with_reasons(records: Sequence[Record]) -> list[Record]:
    """Fold each ``violation`` into the action/lockout it caused (same time, account and rule): the action
    gains the violation's message as its ``reason`` and the violation is not listed on its own."""
    caused = {_key(r) for r in records if r.get("type") in ("action", "lockout")}
    why = {_key(r): r.get("message") for r in records if r.get("type") == "violation"}
    out: list[Record] = []
    for rec in records:
        if rec.get("type") == "violation" and _key(rec) in caused:
            continue
        if rec.get("type") == "warning" and _key(rec) in caused and _over_limit(rec):
            continue  # the breach itself is listed: a ">100 %" warning beside it only crowds the list
        if rec.get("type") == "action" and not rec.get("reason"):
            if why.get(_key(rec)):
                rec = {**rec, "reason": why[_key(rec)]}
            elif rec.get("action") in KILL_SWITCH_ACTIONS and rec.get("rule") in LOCKING_RULES:
                # the kill switch journals its action alone (no violation of its own), under the rule
                # that holds the lock: say so, or it reads as that rule firing again
                rec = {**rec, "reason": "kill switch: the account is locked"}
        out.append(rec)
    return out


def recent_lines(records: Sequence[Record], account: str | None, limit: int = 12) -> list[Record]:
    """Newest first, only what the trader of ``account`` should see (their records and global ones)."""
    shown = [r for r in with_reasons(records) if r.get("type") in SHOWN_TYPES
             and (account is None or r.get("account") in (None, account))]
    return list(reversed(shown))[:limit]
