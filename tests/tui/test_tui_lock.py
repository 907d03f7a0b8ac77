"""The dashboard's self-lock key: nothing happens without a confirmation; a confirmed choice reaches the
daemon with the chosen duration and flatten flag."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from tui_helpers import FakeProvider, status

from risk_manager.tui.app import DashboardApp
from risk_manager.tui.lock_screen import LockScreen

SIZE = (140, 50)


async def settle(pilot: Pilot[Any], cond: Any, within: float = 5.0) -> None:
    for _ in range(int(within / 0.02)):
        if cond():
            return
        await pilot.pause(0.02)
    assert cond(), "condition not reached in time"


async def test_lock_key_asks_then_locks_with_the_choice() -> None:
    calls: list[tuple[str | None, str, bool]] = []

    def locker(account: str | None, duration: str, flatten: bool) -> dict[str, Any]:
        calls.append((account, duration, flatten))
        return {"locks": [{"account": "PRAC-1", "until": "2026-11-20T17:00:00-06:00"}]}

    app = DashboardApp(FakeProvider(status()), refresh=0.05, locker=locker)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l")
        await settle(pilot, lambda: isinstance(app.screen, LockScreen))
        await pilot.press("escape")  # cancel: nothing sent
        await settle(pilot, lambda: not isinstance(app.screen, LockScreen))
        assert calls == []
        await pilot.press("l")
        await settle(pilot, lambda: isinstance(app.screen, LockScreen))
        await pilot.click("#lock-reset-flatten")
        await settle(pilot, lambda: bool(calls))
    assert calls == [(None, "until_reset", True)]
    assert app.lock_message == "PRAC-1 locked until 2026-11-20T17:00:00-06:00"
