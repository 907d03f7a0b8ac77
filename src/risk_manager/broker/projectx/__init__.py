"""Live broker adapter over project-x-py 4.4.1 (SPEC §4): session, REST port, hub stream, supervisor.

    take_over_sdk_loggers(); handler.addFilter(ScrubFilter())           # once, in the daemon's log setup
    async with ProjectXSession(api_url=..., user_hub_url=..., market_hub_url=...,
                               username=user, api_key=key) as session:
        broker = ProjectXBroker(session)                                 # BrokerPort
        stream = ProjectXStream(session, clock=clock)                    # BrokerStream
        await stream.start(await broker.accounts(), on_event, on_state, on_reconnected)
        ...
        await stream.stop()
"""

from risk_manager.broker.projectx import hubs  # noqa: F401  (first: it imports the SDK lean)
from risk_manager.broker.projectx.broker import ProjectXBroker
from risk_manager.broker.projectx.logs import ScrubFilter, register_secret, scrub, take_over_sdk_loggers
from risk_manager.broker.projectx.results import is_not_found
from risk_manager.broker.projectx.session import AuthenticationFailed, ProjectXSession
from risk_manager.broker.projectx.stream import ProjectXStream

__all__ = [
    "AuthenticationFailed",
    "ProjectXBroker",
    "ProjectXSession",
    "ProjectXStream",
    "ScrubFilter",
    "is_not_found",
    "register_secret",
    "scrub",
    "take_over_sdk_loggers",
]
