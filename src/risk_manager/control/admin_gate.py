"""The admin password check of the control API: identity -> rate limit (per uid) -> hash file -> argon2id,
every attempt audited under the peer's kernel-given identity.

Verification runs in a worker thread (argon2 takes ~50 ms and 64 MiB: never on the event loop) and one
at a time, so parallel guesses cannot slip past the failure count or pile up threads.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from risk_manager.control.password import PasswordError, read_hash, verify_password
from risk_manager.control.ratelimit import FailureLimiter

Audit = Callable[[str, str, bool, str], None]  # (actor, action, ok, detail)
Refusal = tuple[int, str, dict[str, str]]  # (HTTP status, reason, headers)


class AdminGate:
    def __init__(self, hash_path: Path, limiter: FailureLimiter, audit: Audit) -> None:
        self.hash_path, self.limiter, self._audit = hash_path, limiter, audit
        self._lock = asyncio.Lock()
        self._limited: dict[str, tuple[int, int]] = {}  # client -> (status, repeats) of a 403/429 run

    def forbidden(self, client: str, actor: str, action: str, why: str) -> Refusal:
        """A peer that is not an admin: refused before any password is read (nothing to guess with)."""
        refused: Refusal = (403, why, {})
        self._audit_refusal(client, actor, action, refused)
        return refused

    async def check(self, client: str, actor: str, action: str, password: Any) -> Refusal | None:
        """None when the password is right (the caller audits the outcome); else the refusal, audited."""
        async with self._lock:
            refused = await self._authenticate(client, password)
        self._audit_refusal(client, actor, action, refused)
        return refused

    async def _authenticate(self, client: str, password: Any) -> Refusal | None:
        wait = self.limiter.retry_after(client)
        if wait is not None:
            return 429, f"too many failed attempts; retry in {wait}s", {"Retry-After": str(wait)}
        try:
            encoded = read_hash(self.hash_path)
        except (PasswordError, OSError) as e:
            encoded, why = None, f"admin password unusable: {e}"
        else:
            why = "no admin password set (risk-manager admin set-password)"
        if encoded is None:
            self.limiter.failure(client)  # counted too: probing a daemon without a password is bounded
            return 503, why, {}
        ok = isinstance(password, str) and await asyncio.to_thread(verify_password, encoded, password)
        if not ok:
            self.limiter.failure(client)
            return 401, "wrong admin password", {}
        self.limiter.success(client)
        return None

    def _audit_refusal(self, client: str, actor: str, action: str, refused: Refusal | None) -> None:
        """While rate-limited (429) or forbidden (403) only the first refusal is written and the rest are
        counted (one line when the client is next answered otherwise), so hammering cannot flood the trail,
        the disk or the loop."""
        status, limited = self._limited.get(client, (0, 0))
        if len(self._limited) > 1024 and client not in self._limited:
            self._limited.clear()
        if refused is not None and refused[0] == status:
            self._limited[client] = (status, limited + 1)
            return
        self._limited.pop(client, None)
        if limited > 1:
            why = "while rate-limited" if status == 429 else "(not an admin)"
            self._audit(actor, action, False, f"{limited - 1} more attempt(s) refused {why}")
        if refused is not None and refused[0] in (403, 429):
            self._limited[client] = (refused[0], 1)
        if refused is not None:
            self._audit(actor, action, False, refused[1])
