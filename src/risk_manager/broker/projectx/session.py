"""Login and token lifetime for the live adapter.

The SDK is built from an explicit ``ProjectXConfig`` (``from_env()`` silently uses the TopstepX URLs), its
client-side limiter is raised from 60 to 180 requests/min (the gateway allows 200/60 s), and the token is
refreshed well before ``exp`` (SDK only re-logs within 5 min of expiry) and on auth errors. Hubs keep the
token they connected with: the stream watches :attr:`ProjectXSession.generation` and rebuilds them.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from types import TracebackType
from typing import Self

from project_x_py.client import ProjectX
from project_x_py.exceptions import ProjectXAuthenticationError
from project_x_py.models import ProjectXConfig

from risk_manager.broker.projectx.logs import register_secret, scrub
from risk_manager.clock.clock import Clock, SystemClock

log = logging.getLogger(__name__)
DEFAULT_REQUESTS_PER_MINUTE = 180
REFRESH_AT_FRACTION = 0.8


class AuthenticationFailed(Exception):
    """Login failed (bad credentials, no accounts, gateway unreachable). The message is scrubbed.
    ``rejected``: the gateway answered and refused the credentials (retrying will not help)."""

    def __init__(self, message: str, rejected: bool = False) -> None:
        super().__init__(message)
        self.rejected = rejected


class ProjectXSession:
    """One authenticated SDK client. Credentials are passed in by the caller and never logged."""

    def __init__(self, *, api_url: str, user_hub_url: str, market_hub_url: str, username: str,
                 api_key: str, requests_per_minute: int = DEFAULT_REQUESTS_PER_MINUTE,
                 http_timeout_seconds: int = 10, login_timeout: float = 15.0,
                 refresh_fraction: float = REFRESH_AT_FRACTION, clock: Clock | None = None) -> None:
        if not username or not api_key:
            raise ValueError("username and api_key are required")
        register_secret(api_key)
        self.config = ProjectXConfig(api_url=api_url.rstrip("/"), user_hub_url=user_hub_url,
                                     market_hub_url=market_hub_url, timeout_seconds=http_timeout_seconds,
                                     requests_per_minute=requests_per_minute)
        self._username = username
        self._api_key = api_key
        self._login_timeout = login_timeout
        self._fraction = min(max(refresh_fraction, 0.1), 0.95)
        self._clock: Clock = clock or SystemClock()
        self._client: ProjectX | None = None
        self._lock = asyncio.Lock()
        self.generation = 0  # +1 on every successful login; hubs rebuild when it moves
        self.issued_at: datetime | None = None
        self.expires_at: datetime | None = None
        self.refresh_at: datetime | None = None

    # ---- lifecycle ---------------------------------------------------------------------------------------

    async def open(self) -> None:
        """Create the HTTP client and log in. Raises :class:`AuthenticationFailed`."""
        if self._client is None:
            client = ProjectX(self._username, self._api_key, config=self.config)
            await client.__aenter__()
            self._client = client
        await self.refresh()

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                await client.__aexit__(None, None, None)
            except Exception as e:  # closing must never raise out of shutdown
                log.warning("closing the ProjectX client failed: %s", type(e).__name__)

    async def __aenter__(self) -> Self:
        await self.open()
        return self

    async def __aexit__(self, et: type[BaseException] | None, e: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.close()

    # ---- state ---------------------------------------------------------------------------------------------

    @property
    def client(self) -> ProjectX:
        if self._client is None:
            raise RuntimeError("ProjectXSession is not open")
        return self._client

    @property
    def token(self) -> str:
        return str(self.client.session_token or "")

    @property
    def is_open(self) -> bool:
        return self._client is not None and self.generation > 0

    def refresh_due(self) -> bool:
        """True once the token has lived ``refresh_fraction`` of its life (or its expiry is unknown)."""
        return self.refresh_at is None or self._clock.now() >= self.refresh_at

    # ---- login ---------------------------------------------------------------------------------------------

    async def refresh(self, *, if_generation: int | None = None) -> int:
        """Log in again (``Auth/loginKey`` + ``Account/search``) and return the new generation.

        ``if_generation``: skip when another caller already refreshed since that generation was seen, so a
        burst of auth errors costs one login. Raises :class:`AuthenticationFailed`."""
        async with self._lock:
            if if_generation is not None and self.generation != if_generation:
                return self.generation
            client = self.client
            try:
                async with asyncio.timeout(self._login_timeout):
                    await client.authenticate()
            except Exception as e:
                raise AuthenticationFailed(_describe(e), isinstance(e, ProjectXAuthenticationError)) from None
            token = str(client.session_token or "")
            if not token or not client.account_info:
                raise AuthenticationFailed("login returned no token or no account")
            self._set_lifetime(client.token_expiry)
            self.generation += 1
            log.info("logged in to ProjectX (token generation %d, refresh at %s)",
                     self.generation, self.refresh_at.isoformat() if self.refresh_at else "?")
            return self.generation

    async def ensure_fresh(self) -> bool:
        """Refresh when due; True if a new token was obtained. Raises :class:`AuthenticationFailed`."""
        if not self.refresh_due():
            return False
        before = self.generation
        return await self.refresh(if_generation=before) != before

    def _set_lifetime(self, expiry: datetime | None) -> None:
        now = self._clock.now()
        self.issued_at = now
        if expiry is None or expiry.tzinfo is None:
            self.expires_at = None
            self.refresh_at = now + timedelta(minutes=30)  # unknown lifetime: re-login regularly
            return
        self.expires_at = expiry
        life = max(expiry - now, timedelta(0))
        self.refresh_at = now + life * self._fraction


def _describe(e: BaseException) -> str:
    """A short, secret-free reason (the SDK's messages never echo the key, but be explicit)."""
    if isinstance(e, TimeoutError):
        return "login timed out"
    text = scrub(str(e))[:200]
    return f"{type(e).__name__}: {text}" if text else type(e).__name__
