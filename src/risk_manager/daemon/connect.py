"""How the daemon reaches a broker: a ``Connection`` (REST port + hub stream) from a ``Connector``.

Live: project-x-py via ``broker.projectx`` (URLs from the config, credentials passed in, never logged).
Tests and the self-test use paper connections built the same way, so the daemon code is identical.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from risk_manager.broker.port import BrokerPort
from risk_manager.broker.stream import BrokerStream
from risk_manager.config import Config
from risk_manager.daemon.credentials import Credentials


async def _nothing() -> None:
    return None


@dataclass(slots=True)
class Connection:
    broker: BrokerPort
    stream: BrokerStream
    close: Callable[[], Awaitable[None]] = _nothing


Connector = Callable[[], Awaitable[Connection]]


class LoginFailed(Exception):
    """The gateway refused or could not be reached; the daemon retries (it is NOT MONITORED meanwhile).
    ``rejected``: it refused the credentials (a wrong PROJECT_X_API_KEY), as opposed to not answering."""

    def __init__(self, message: str, rejected: bool = False) -> None:
        super().__init__(message)
        self.rejected = rejected


def projectx_connector(config: Config, creds: Credentials,
                       requests_per_minute: int | None = None) -> Connector:
    """``requests_per_minute``: the SDK's client-side limiter (default: the adapter's 180, below the
    gateway's 200 / 60 s); benchmarks raise it to measure latency rather than the limit."""

    async def connect() -> Connection:
        from risk_manager.broker.projectx import (  # lazy: the SDK import is heavy
            AuthenticationFailed,
            ProjectXBroker,
            ProjectXSession,
            ProjectXStream,
        )
        from risk_manager.broker.projectx.logs import take_over_sdk_loggers
        from risk_manager.broker.projectx.session import DEFAULT_REQUESTS_PER_MINUTE

        g = config.gateway
        session = ProjectXSession(api_url=g.api_url, user_hub_url=g.user_hub_url,
                                  market_hub_url=g.market_hub_url, username=creds.username,
                                  api_key=creds.api_key,
                                  requests_per_minute=requests_per_minute or DEFAULT_REQUESTS_PER_MINUTE)
        take_over_sdk_loggers(logging.CRITICAL)  # our one line says why a login failed, not the SDK's
        try:
            await session.open()
        except AuthenticationFailed as e:
            await session.close()
            raise LoginFailed(str(e), e.rejected) from None
        broker = ProjectXBroker(session)

        async def close() -> None:
            await broker.aclose()
            await session.close()

        return Connection(broker, ProjectXStream(session), close)

    return connect
