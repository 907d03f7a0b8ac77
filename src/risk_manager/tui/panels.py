"""Fill the per-account panels of the dashboard from one account of the status snapshot."""

from __future__ import annotations

from textual.dom import DOMNode
from textual.widgets import Static

from risk_manager.tui import render
from risk_manager.tui.model import Json, badge_of

BADGE_CLASSES = {"green": "ok", "yellow": "warn"}  # anything else is red


def fill_account(root: DOMNode, status: Json | None, acc: Json | None, elapsed: float,
                 problem: str | None, stale_for: float | None = None) -> None:
    """Badge, clock-in, P&L, positions, rules and enforcements for ``acc``.

    While ``problem`` is set the badge says NOT MONITORED (never a stale green OK). When the data is not
    live (``stale_for``: seconds since the daemon last answered) P&L, positions and rules are blanked, not
    frozen; the enforcement history stays (each line has its time) and the app dims it.
    """
    badge = root.query_one("#badge", Static)
    badge.remove_class("ok", "warn", "locked")
    if problem is not None:
        badge.add_class("locked")
        badge.update(render.not_monitored(problem, None))
    elif acc is not None:
        today = str((status or {}).get("clock", {}).get("now_local") or "")[:10] or None
        b = badge_of(acc, elapsed, today)
        badge.add_class(BADGE_CLASSES.get(b.colour, "locked"))
        badge.update(render.badge(b))
    if acc is None:
        if problem is None:
            badge.update("no accounts configured")
        return
    if stale_for is not None:
        blank = render.no_live_data(stale_for)
        for panel in ("#clockin", "#pnl", "#positions", "#rules"):
            root.query_one(panel, Static).update(blank)
    else:
        root.query_one("#clockin", Static).update(render.clock_in(acc))
        root.query_one("#pnl", Static).update(render.pnl(acc))
        root.query_one("#positions", Static).update(render.positions(acc))
        root.query_one("#rules", Static).update(render.rules(acc, elapsed))
    recent = list((status or {}).get("recent") or [])
    root.query_one("#log", Static).update(render.enforcements(recent, acc.get("name")))
