"""Rich renderables for each dashboard panel, built from the status JSON (no Textual, no clock)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from risk_manager.tui.format import (
    bar,
    bar_colour,
    countdown,
    money,
    pct,
    pnl_style,
    price,
    signed_money,
)
from risk_manager.tui.model import Badge, Json, rule_state, state_colour
from risk_manager.tui.oneliner import line_style, oneliner, recent_lines

LOCK_TAG = re.compile(r"\s*\[(?:COOLDOWN|LOCKED|BLOCKED)[^\]]*\]$")


def badge(b: Badge) -> Text:
    text = Text(f" {b.title} ", style="bold", justify="center")
    for line in b.lines:
        text.append("\n" + line, style="")
    return text


def _limit_row(table: Table, label: str, limit: Any, util: float | None) -> None:
    colour = bar_colour(util)
    table.add_row(label, money(limit), Text.assemble((bar(util, 16), colour), f" {pct(util)}"))


def pnl(account: Json) -> Table:
    p = account.get("pnl") or {}
    total = p.get("total")
    table = Table(title="P&L (trading day)", title_justify="left", expand=True, show_header=False,
                  box=None, padding=(0, 1))
    table.add_column(ratio=1)
    table.add_column(justify="right", ratio=1)
    table.add_column(ratio=2)
    for key in ("realized", "unrealized", "total"):
        table.add_row(key.capitalize(), Text(signed_money(p.get(key)), pnl_style(p.get(key))), "")
    basis = f"basis {p['basis']}" if p.get("basis") else ""
    table.add_row("Fees", money(p.get("fees")), Text(basis, "dim"))
    loss, target = p.get("loss_limit"), p.get("profit_target")
    if isinstance(loss, int | float) and loss:
        util = p.get("utilization")
        if not isinstance(util, int | float):
            util = max(0.0, -(total or 0.0)) / abs(loss)
        _limit_row(table, "Loss limit", loss, float(util))
    if isinstance(target, int | float) and target:
        putil = p.get("profit_utilization")
        if not isinstance(putil, int | float):
            putil = max(0.0, total or 0.0) / abs(target)
        _limit_row(table, "Target", target, float(putil))
    mll = p.get("mll")
    if isinstance(mll, dict):  # rule 014: the distance to the MLL floor and to floor + buffer
        above = Text(f"{money(mll.get('to_floor'))} above", "dim")
        table.add_row("MLL floor", money(mll.get("floor")), above)
        util = mll.get("utilization")
        _limit_row(table, "Floor+buffer", mll.get("line"), util if isinstance(util, int | float) else None)
        table.add_row("", "", Text(f"{money(mll.get('to_line'))} above", "dim"))
    return table


def positions(account: Json) -> Table | Text:
    rows = account.get("positions") or []
    if not rows:
        return Text("Positions: flat", style="dim")
    table = Table(title="Positions", title_justify="left", expand=True)
    for col in ("Symbol", "Side", "Qty", "Avg", "Mark", "Unrealized", "Stop"):
        table.add_column(col, justify="right" if col in ("Qty", "Avg", "Mark", "Unrealized") else "left")
    for pos in rows:
        mark = price(pos.get("mark")) + (" (stale)" if pos.get("stale") else "")
        if pos.get("unvalued"):
            mark = "UNVALUED"
        bare = pos.get("unprotected_seconds")
        stop = Text("yes", "green") if pos.get("protected") else Text(
            "NO STOP" + (f" {bare}s" if isinstance(bare, int | float) else ""), "bold red")
        table.add_row(str(pos.get("symbol") or pos.get("contract_id") or "?"),
                      str(pos.get("side") or "").upper(), str(pos.get("size", "?")),
                      price(pos.get("avg_price")), mark,
                      Text(signed_money(pos.get("unrealized")), pnl_style(pos.get("unrealized"))), stop)
    return table


def rules(account: Json, elapsed: float) -> Table:
    """Enabled rules with value, utilisation bar and state; disabled ones folded into one dim line."""
    table = Table(title="Rules", title_justify="left", expand=True)
    table.add_column("Rule", no_wrap=True)
    table.add_column("Current", ratio=1)
    table.add_column("Use", no_wrap=True)
    table.add_column("State", no_wrap=True)
    rows = list(account.get("rules") or [])
    for rule in (r for r in rows if r.get("enabled", True)):
        util = rule.get("utilization")
        util = float(util) if isinstance(util, int | float) else None
        use = Text.assemble((bar(util, 10), bar_colour(util)), f" {pct(util)}") if util is not None else ""
        state = rule_state(rule, account, elapsed)
        # the daemon's " [COOLDOWN 28m]" tag is a poll old; the State column has the ticking one
        current = LOCK_TAG.sub("", str(rule.get("text") or ""))
        table.add_row(str(rule.get("rule", "?")), current, use, Text(state, state_colour(state)))
    off = [str(r.get("rule", "?")) for r in rows if not r.get("enabled", True)]
    if off:
        table.add_row(Text("off", "dim"), Text(", ".join(off), "dim"), "", "")
    return table


def enforcements(records: Sequence[Json], account: str | None, limit: int = 12) -> Group:
    lines = recent_lines(records, account, limit)
    body = [Text(oneliner(r), line_style(r), overflow="ellipsis", no_wrap=True) for r in lines]
    return Group(Text("Last enforcements", "bold"), *(body or [Text("nothing yet today", "dim")]))


def clock_in(account: Json) -> Text:
    state = account.get("clocked_in")
    if state is None:
        return Text("Clock: —", "dim")
    return Text.assemble("Clock: ", ("CLOCKED IN", "bold green") if state else ("CLOCKED OUT", "bold"))


def not_monitored(reason: str, since: float | None) -> Text:
    text = Text(" NOT MONITORED ", "bold", justify="center")
    text.append(f"\n{reason}")
    if since is not None:
        text.append(f" — no data for {countdown(since)}; retrying")
    return text


def no_live_data(since: float) -> Text:
    """What a blanked panel says while the daemon is not answering."""
    return Text(f"— no live data: the daemon last answered {countdown(since)} ago —", "dim")


TRADER_FACTS = (
    "Limits act AFTER the fill: the gateway has no pre-trade check, so a fast move or a gap overshoots "
    "(a -$250 limit was flattened at -$341.50 on a 20-point move).",
    "While you are locked, any new entry is closed at once, at the market, at YOUR cost; closing or "
    "reducing a position is always allowed.",
    "Keep TopstepX's own daily loss limit and contract limits switched on: they are the first layer, "
    "this is the second.",
    "Nothing on this screen changes protection; there is no unlock command. NOT MONITORED means the "
    "account is not protected right now.",
)


def trader_help() -> Text:
    text = Text("What the risk manager can and cannot do (? hides this)\n", "bold")
    for fact in TRADER_FACTS:
        text.append(f"• {fact}\n")
    return text
