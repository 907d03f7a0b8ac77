"""Textual CSS of the dashboard (inline, so it ships inside the wheel without package-data setup)."""

DASHBOARD_CSS = """
Screen { layout: vertical; }
#header { height: auto; padding: 0 1; background: $panel; }
#banner {
    width: 100%; height: auto; padding: 1 2;
    background: darkred; color: white; text-style: bold; content-align: center middle;
}
#help { height: auto; padding: 1 2; margin: 0 1; border: round $foreground 50%; }
#body { height: 1fr; }
#body.stale #clockin, #body.stale #pnl, #body.stale #positions, #body.stale #rules, #body.stale #log {
    opacity: 60%;
}
#top { height: auto; }
#top.narrow { layout: vertical; }
#top.narrow #left, #top.narrow #positions { width: 100%; }
#left { width: 2fr; height: auto; }
#positions { width: 3fr; }
#badge {
    height: auto; min-height: 5; padding: 1 2; margin: 1 1 0 1;
    content-align: center middle; text-style: bold; border: heavy $foreground 30%;
}
#badge.ok { background: darkgreen; color: white; }
#badge.warn { background: #b58900; color: black; }
#badge.locked { background: darkred; color: white; }
#clockin { height: auto; padding: 0 2; margin: 1 1 0 1; }
#pnl { height: auto; padding: 0 1; margin: 1 1 0 1; }
#positions, #rules { height: auto; margin: 1 1 0 1; }
#log { height: auto; padding: 0 1; margin: 1 1; border-top: solid $foreground 30%; }
"""
