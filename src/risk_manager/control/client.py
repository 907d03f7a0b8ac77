"""A small synchronous client of the control API (the CLI's; the dashboard may use it from a thread)."""

from __future__ import annotations

import getpass
from typing import Any

import httpx

Json = dict[str, Any]
DEFAULT_URL = "http://127.0.0.1:8787"


class DaemonUnreachable(ConnectionError):
    """Nothing answers at the control URL: the daemon is not running (NOT MONITORED) or hung."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"the risk daemon is not reachable at {url} ({reason})")
        self.url, self.reason = url, reason


class ControlError(RuntimeError):
    """The daemon answered with an error (wrong password, rate-limited, invalid request ...)."""

    def __init__(self, status: int, message: str, retry_after: int | None = None) -> None:
        super().__init__(f"{message} (HTTP {status})")
        self.status, self.message, self.retry_after = status, message, retry_after


class ControlClient:
    def __init__(self, url: str = DEFAULT_URL, timeout: float = 5.0) -> None:
        self.url = url.rstrip("/")
        # trust_env=False: an HTTP(S)_PROXY setting must never route loopback traffic elsewhere
        self._http = httpx.Client(base_url=self.url, timeout=timeout, trust_env=False)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ControlClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _call(self, method: str, path: str, *, params: dict[str, Any] | None = None,
              body: Json | None = None) -> Json:
        try:
            resp = self._http.request(method, path, params=params, json=body)
        except httpx.TimeoutException:
            raise DaemonUnreachable(self.url, "no answer in time") from None
        except httpx.TransportError as e:
            raise DaemonUnreachable(self.url, type(e).__name__) from None
        try:
            data = resp.json()
        except ValueError:
            data = {"error": resp.text[:200]}
        if resp.status_code >= 400 or not isinstance(data, dict):
            message = data.get("error", resp.reason_phrase) if isinstance(data, dict) else "bad answer"
            retry = resp.headers.get("Retry-After", "")
            raise ControlError(resp.status_code, str(message), int(retry) if retry.isdigit() else None)
        return data

    # ---- trader (no password) -------------------------------------------------------------------
    def health(self) -> Json:
        return self._call("GET", "/v1/health")

    def status(self) -> Json:
        return self._call("GET", "/v1/status")

    def journal(self, n: int = 50, account: str | None = None) -> list[Json]:
        params: dict[str, Any] = {"n": n}
        if account:
            params["account"] = account
        records = self._call("GET", "/v1/journal", params=params).get("records", [])
        return list(records)

    def clock(self, account: str, kind: str) -> Json:
        return self._call("POST", "/v1/trader/clock", body={"account": account, "kind": kind})

    def self_lock(self, duration: str, flatten: bool = False, account: str | None = None) -> Json:
        body: Json = {"duration": duration, "flatten": flatten}
        if account is not None:
            body["account"] = account
        return self._call("POST", "/v1/trader/lock", body=body)

    # ---- admin (the daemon checks the password) -------------------------------------------------
    def _admin(self, path: str, password: str) -> Json:
        return self._call("POST", path, body={"password": password, "user": _user()})

    def reload(self, password: str) -> Json:
        return self._admin("/v1/admin/reload", password)

    def stop(self, password: str) -> Json:
        return self._admin("/v1/admin/stop", password)


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in this environment: the audit still has the peer address
        return "unknown"
