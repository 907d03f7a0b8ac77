"""Plain-text views of a status snapshot and of journal records, for the CLI (the JSON is the contract)."""

from __future__ import annotations

import json
from typing import Any

from risk_manager.control.fmt import countdown, money

Json = dict[str, Any]
Line = tuple[str, str | None]  # (text, colour name for typer.secho or None)
BADGE_COLOUR = {"OK": "green", "WARNING": "yellow", "COOLDOWN": "yellow", "LOCKED": "red"}
STATE_COLOUR = {"PROTECTED": "green", "STARTING": "yellow", "DEGRADED": "red", "NOT_MONITORED": "red"}


def _hhmm(stamp: str | None) -> str:
    return "?" if not stamp else stamp[11:16]


def _header(snap: Json) -> list[Line]:
    d, c = snap["daemon"], snap["clock"]
    s = c["session"]
    dry = " [DRY RUN: no broker actions]" if d.get("mode") == "dry_run" else ""
    state = d["state"].replace("_", " ") + dry
    session = f"session {s['start']}-{s['end']}: "
    if s.get("open"):
        session += f"open until {_hhmm(s.get('current_end'))}"
    else:
        session += f"closed, opens {str(s.get('next_start') or '?')[:16].replace('T', ' ')}"
    return [
        (f"Risk daemon: {state}", STATE_COLOUR.get(d["state"], "red")),
        (f"{c['now_local'][:19].replace('T', ' ')} {c['timezone']} | trading day {c['trading_day']} | "
         f"reset {_hhmm(c['next_reset'])} (in {countdown(c['seconds_to_reset'])}) | {session}", None),
    ]


def _lockout(lock: Json) -> str:
    where = f" {lock['symbol']}" if lock.get("symbol") else ""
    if lock.get("until"):
        when = f"until {str(lock['until'])[11:19]} ({countdown(lock.get('remaining_seconds'))} left)"
    else:
        when = "until canTrade returns" if lock["rule"] == "auth_loss_guard" else "while configured"
    word = "COOLDOWN" if lock["kind"] == "cooldown" else "LOCKED"
    return f"    {word}{where} {lock['rule']} {when}: {lock['reason']}"


def _pnl(p: Json) -> str:
    text = (f"  P&L: realized {money(p['realized'])}  unrealized {money(p['unrealized'])}  "
            f"total {money(p['total'])}  (fees {money(p['fees'])}, {p['basis']})")
    if p.get("loss_limit") is not None:
        text += f" | loss limit {money(p['loss_limit'])} ({(p.get('utilization') or 0):.0%} used)"
    if p.get("profit_target") is not None:
        text += f" | profit target {money(p['profit_target'])} ({(p.get('profit_utilization') or 0):.0%})"
    if p.get("mll"):
        m = p["mll"]
        text += (f" | MLL floor {money(m['floor'])}: {money(m['to_floor'])} above it, "
                 f"{money(m['to_line'])} above floor + buffer {money(m['line'])}")
    return text


def _position(p: Json) -> Line:
    stop = "stop ok" if p["protected"] else f"NO STOP ({p.get('unprotected_seconds') or 0}s)"
    mark = "n/a" if p.get("mark") is None else f"{p['mark']:.2f}" + (" (stale)" if p.get("stale") else "")
    if p.get("unvalued"):
        mark = "UNVALUED (contract lookup failing)"
    text = (f"    {p['symbol']:<5} {p['side']:<5} {p['size']:>3} @ {p['avg_price']:.2f}  mark {mark}  "
            f"unrealized {money(p.get('unrealized'))}  {stop}")
    return text, "red" if p.get("unvalued") else None if p["protected"] else "yellow"


def render_account(a: Json) -> list[Line]:
    badge = a["badge"]
    head = f"{a['name']}  [{badge}]" + (f"  {a['badge_reason']}" if a.get("badge_reason") else "")
    if a.get("clocked_in") is not None:
        head += "  (clocked in)" if a["clocked_in"] else "  (clocked out)"
    lines: list[Line] = [("", None), (head, BADGE_COLOUR.get(badge))]
    if not a.get("monitored"):
        lines.append(("  NOT MONITORED yet (the daemon has not resolved this account)", "red"))
        lines += [(_lockout(x), "red" if x["kind"] == "hard" else "yellow") for x in a["lockouts"]]
        return lines
    if a.get("can_trade") is False:
        lines.append(("  the broker says canTrade: false", "red"))
    if a.get("pnl"):
        lines.append((_pnl(a["pnl"]), None))
    if a["lockouts"]:
        lines.append(("  Lockouts:", None))
        lines += [(_lockout(x), "red" if x["kind"] == "hard" else "yellow") for x in a["lockouts"]]
    lines.append(("  Positions:" if a["positions"] else "  Positions: flat", None))
    lines += [_position(p) for p in a["positions"]]
    rules = [r for r in a["rules"] if r["enabled"]]
    lines.append(("  Rules:" if rules else "  Rules: none enabled", None))
    for r in rules:
        colour = {"locked": "red", "warning": "yellow"}.get(r["state"])
        lines.append((f"    {r['id']} {r['rule']:<29} {r['text']}", colour))
    return lines


def render_status(snap: Json) -> list[Line]:
    lines = _header(snap)
    for account in snap["accounts"]:
        lines += render_account(account)
    return lines


def render_record(rec: Json) -> str:
    """One journal record as one line: "14:23:15 PRAC-1 max_contracts: reduce_position MNQ 4->2"."""
    at = str(rec.get("at") or "")[11:19] or "--:--:--"
    who = " ".join(str(x) for x in (rec.get("account"), rec.get("rule")) if x)
    kind = rec.get("type")
    if kind == "violation":
        what = f"violation: {rec.get('message', '')}"
    elif kind == "lockout":
        until = _hhmm(rec["until"]) if rec.get("until") else "condition"
        sym = f" {rec['symbol']}" if rec.get("symbol") else ""
        what = f"{rec.get('kind')} lockout{sym} until {until}: {rec.get('reason', '')}"
    elif kind == "action":
        size = f" {rec['from']}->{rec['to']}" if "from" in rec and "to" in rec else ""
        what = f"{rec.get('action')}{' ' + rec['symbol'] if rec.get('symbol') else ''}{size}"
    elif kind == "warning":
        what = f"warning at {float(rec.get('utilization') or 0):.0%}"
    elif kind == "unlock":
        what = "unlocked" + (f" {rec['symbol']}" if rec.get("symbol") else "")
    elif kind == "reset":
        what = f"daily reset (trading day {rec.get('trading_day')})"
    else:
        rest = {k: v for k, v in rec.items() if k not in ("at", "type", "account", "rule")}
        what = f"{kind} {json.dumps(rest, default=str)}" if rest else str(kind)
    return f"{at} {who}: {what}" if who else f"{at} {what}"
