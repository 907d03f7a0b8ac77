"""Credentials and JWTs for the simulator.

Tokens are real HS256 JWTs signed with a random per-process secret. The SDK only decodes the payload (it
needs ``exp``); the simulator also checks the signature, the expiry and that the token was not revoked.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from risk_manager.sim.options import MIN_API_KEY_LEN


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True, slots=True)
class Session:
    jti: str
    username: str
    exp: float


class TokenStore:
    """Issues, validates and revokes tokens. ``clock`` gives aware datetimes (expiry is epoch seconds)."""

    def __init__(self, clock: Callable[[], datetime], ttl: float, username: str | None = None,
                 api_key: str | None = None) -> None:
        self._clock = clock
        self.ttl = ttl
        self._username = username
        self._api_key = api_key
        self._secret = secrets.token_bytes(32)
        self._active: dict[str, Session] = {}
        self.revocations = 0

    def check_credentials(self, username: Any, api_key: Any) -> bool:
        if not isinstance(username, str) or not username or not isinstance(api_key, str):
            return False
        if self._username is not None and username != self._username:
            return False
        if self._api_key is not None:
            return hmac.compare_digest(api_key, self._api_key)
        return len(api_key) >= MIN_API_KEY_LEN

    def issue(self, username: str) -> str:
        now = self._clock().timestamp()
        jti = secrets.token_hex(8)
        claims = {"sub": username, "name": username, "iat": int(now), "nbf": int(now),
                  "exp": int(now + self.ttl), "jti": jti, "iss": "risk-manager-sim",
                  "aud": "projectx-gateway"}
        header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
        payload = _b64url(json.dumps(claims, separators=(",", ":")).encode())
        sig = hmac.new(self._secret, f"{header}.{payload}".encode(), hashlib.sha256).digest()
        self._active[jti] = Session(jti, username, now + self.ttl)
        return f"{header}.{payload}.{_b64url(sig)}"

    def verify(self, token: str | None) -> Session | None:
        """The live session for ``token``, or None (malformed, bad signature, expired, revoked)."""
        if not token:
            return None
        parts = token.split(".")
        if len(parts) != 3:
            return None
        header, payload, sig = parts
        expected = hmac.new(self._secret, f"{header}.{payload}".encode(), hashlib.sha256).digest()
        try:
            if not hmac.compare_digest(_b64url_decode(sig), expected):
                return None
            jti = json.loads(_b64url_decode(payload)).get("jti")
        except (ValueError, AttributeError):
            return None
        session = self._active.get(jti) if isinstance(jti, str) else None
        if session is None or session.exp <= self._clock().timestamp():
            return None
        return session

    def revoke(self, token: str) -> bool:
        session = self.verify(token)
        if session is None:
            return False
        del self._active[session.jti]
        return True

    def revoke_all(self) -> int:
        n = len(self._active)
        self._active.clear()
        self.revocations += 1
        return n

    @property
    def active_count(self) -> int:
        return len(self._active)


def bearer(auth_header: str | None) -> str | None:
    """``Authorization: Bearer <token>`` -> token."""
    if not auth_header:
        return None
    scheme, _, value = auth_header.partition(" ")
    return (value.strip() or None) if scheme.lower() == "bearer" else None


def decode_claims(token: str) -> dict[str, Any]:
    """Unverified payload, as the SDK reads it (tests use this)."""
    claims: dict[str, Any] = json.loads(_b64url_decode(token.split(".")[1]))
    return claims
