"""What the control server needs from the daemon (a Protocol), and the reload decision it reports."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, Protocol

from risk_manager.config import Config, ConfigError, diff_configs, load_config, needs_restart

Json = dict[str, Any]


class ControlBackend(Protocol):
    """Called on the event loop; every method must return quickly (no broker calls, no fsync waits)."""

    def snapshot(self) -> Json:
        """The status view (control.snapshot.build_snapshot)."""
        ...

    def journal(self, n: int, account: str | None) -> list[Json]:
        """The last ``n`` journal records (of ``account`` plus global ones), oldest first."""
        ...

    async def reload(self) -> Json:
        """Re-read the config file: {applied, restart_needed, changes: [str], error?: str}."""
        ...

    async def stop(self) -> None:
        """Ask the daemon to stop; must return at once (the stop itself tears this server down)."""
        ...

    def clock(self, account: str, kind: str) -> None:
        """Record a trader clock-in/out; KeyError for an unknown account, ValueError for a bad kind."""
        ...

    def self_lock(self, account: str | None, duration: str, flatten: bool) -> list[Json]:
        """The trader's own lockout (SPEC §7b) on ``account`` (None = every account): only ever
        strengthens. One result per account: {account, rule, kind, until, extended, flatten}.
        ValueError for a bad duration, KeyError for an unknown account."""
        ...

    def audit(self, actor: str, action: str, ok: bool, detail: str, at: datetime) -> None:
        """Append to the admin audit trail (never a password in ``detail``)."""
        ...


Apply = Callable[[Config], Awaitable[None]]


async def reload_decision(path: str | os.PathLike[str], current: Config,
                          apply: Apply | None) -> tuple[Json, Config | None]:
    """Validate the whole file, diff it against ``current`` and apply it live when that is possible.

    Nothing changes unless the new file is valid. Changes to accounts, gateway, daemon or secrets_file
    need a restart: then nothing is applied live (the daemon keeps running on the old config, the next
    start uses the new file). ``apply`` None = this daemon cannot apply live changes: restart needed.
    Returns ({"applied", "restart_needed", "changes", "error"?}, the new config if it was applied).
    """
    try:
        new = await asyncio.to_thread(load_config, path)  # file I/O + validation off the event loop
    except ConfigError as e:
        problems = [str(p) for p in e.problems]
        return {"applied": False, "restart_needed": False, "changes": [],
                "error": "invalid config, nothing changed:\n" + "\n".join(problems)}, None
    changes = diff_configs(current, new)
    if not changes:
        return {"applied": False, "restart_needed": False, "changes": []}, None
    if needs_restart(current, new) or apply is None:
        return {"applied": False, "restart_needed": True, "changes": changes}, None
    try:
        await apply(new)
    except ValueError as e:  # refused by the daemon (its self-test): nothing changed, say why
        return {"applied": False, "restart_needed": False, "changes": changes,
                "error": f"not applied, nothing changed: {e}"}, None
    return {"applied": True, "restart_needed": False, "changes": changes}, new
