"""Unit tests for the live adapter's log hygiene (scrubbing, SDK logger takeover) and for how mutation
outcomes are classified (definite refusal, not found, uncertain). No sockets."""

from __future__ import annotations

import io
import logging
from typing import Any

import pytest
from project_x_py.exceptions import (
    OrderSubmissionUncertainError,
    ProjectXDataError,
    ProjectXError,
    ProjectXServerError,
)

from risk_manager.broker.port import BrokerResult
from risk_manager.broker.projectx import ScrubFilter, register_secret, results, scrub, take_over_sdk_loggers

KEY = "unit-test-api-key-0123456789"
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0cmFkZXIiLCJleHAiOjk5OTk5OTk5OTl9.c2lnbmF0dXJlLWJ5dGVz"

# ---- scrubbing -------------------------------------------------------------------------------------------

def test_scrub_masks_api_key_jwt_query_token_and_bearer() -> None:
    register_secret(KEY)
    text = (f"login apiKey={KEY} url=http://127.0.0.1:1/hubs/user?access_token={JWT}&id=7 "
            f"Authorization: Bearer {JWT} raw {JWT}")
    clean = scrub(text)
    assert KEY not in clean and JWT not in clean
    assert "access_token=***&id=7" in clean and "Bearer ***" in clean
    assert scrub("nothing secret here") == "nothing secret here"


def test_scrub_filter_cleans_messages_args_and_tracebacks() -> None:
    register_secret(KEY)
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(ScrubFilter())
    lg = logging.getLogger("test_adapter_units.scrub")
    lg.addHandler(handler)
    lg.propagate = False
    try:
        lg.warning("connecting with %s", f"?access_token={JWT}")
        try:
            raise RuntimeError(f"bad key {KEY}")
        except RuntimeError:
            lg.exception("failed")
    finally:
        lg.removeHandler(handler)
    logged = out.getvalue()
    assert JWT not in logged and KEY not in logged
    assert "access_token=***" in logged and "bad key ***" in logged


def test_take_over_sdk_loggers_removes_stdout_handlers_and_propagates() -> None:
    import project_x_py.client.http  # noqa: F401  (creates its module logger with a stdout handler)

    take_over_sdk_loggers()
    sdk = logging.getLogger("project_x_py.client.http")
    assert sdk.propagate is True and sdk.level == logging.WARNING
    assert all(isinstance(h, logging.NullHandler) for h in sdk.handlers)
    # The SDK's get_logger only configures handler-less loggers: it must not re-attach stdout now.
    from project_x_py.utils import ProjectXLogger

    again = ProjectXLogger.get_logger("project_x_py.client.http")
    assert all(isinstance(h, logging.NullHandler) for h in again.handlers)
    assert take_over_sdk_loggers() == 0  # idempotent


def test_sdk_records_reach_our_root_handler(caplog: pytest.LogCaptureFixture) -> None:
    take_over_sdk_loggers()
    with caplog.at_level(logging.WARNING):
        logging.getLogger("project_x_py.realtime.core").warning("hub trouble")
        logging.getLogger("project_x_py.realtime.core").info("chatter")
    messages = [r.getMessage() for r in caplog.records]
    assert "hub trouble" in messages and "chatter" not in messages


# ---- result classification -------------------------------------------------------------------------------

def _env(success: bool, code: int = 0, message: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"success": success, "errorCode": code, "errorMessage": message, **extra}


def test_success_envelope_is_ok_with_order_id() -> None:
    assert results.from_envelope(results.CLOSE, _env(True, orderId=42)) == BrokerResult(ok=True, order_id=42)
    assert results.from_envelope(results.CANCEL, _env(True), order_id=7) == BrokerResult(ok=True, order_id=7)


def test_position_not_found_is_a_definite_not_found() -> None:
    r = results.from_envelope(results.CLOSE, _env(False, 2, "No open position"))
    assert not r.ok and not r.uncertain and r.error is not None and r.error.startswith("position not found")
    assert results.is_not_found(r)
    cancel = results.from_envelope(results.CANCEL, _env(False, 2, "Order 9 not found."))
    assert results.is_not_found(cancel)


@pytest.mark.parametrize(("action", "code"), [(results.CLOSE, 6), (results.CLOSE, 7), (results.PARTIAL, 8),
                                              (results.CANCEL, 4), (results.MODIFY, 5)])
def test_pending_and_unknown_error_codes_are_uncertain(action: str, code: int) -> None:
    r = results.from_envelope(action, _env(False, code, "x"))
    assert not r.ok and r.uncertain and not results.is_not_found(r)


def test_missing_envelope_is_uncertain() -> None:
    assert results.from_envelope(results.CLOSE, {}).uncertain
    assert results.from_envelope(results.CLOSE, ["odd"]).uncertain


def test_exceptions_map_to_uncertain_or_refused() -> None:
    server = OrderSubmissionUncertainError("transport")
    server.__cause__ = ProjectXServerError("API server error 500")
    assert results.from_exception(results.CLOSE, server, 3.0).uncertain
    limited = OrderSubmissionUncertainError("Mutating request was rate-limited after it may have been sent")
    r429 = results.from_exception(results.CLOSE, limited, 3.0)
    assert r429.uncertain and r429.error is not None and "429" in r429.error
    assert results.from_exception(results.CLOSE, TimeoutError(), 3.0).uncertain
    assert results.from_exception(results.CLOSE, ProjectXDataError("404"), 3.0).uncertain
    refused = results.from_exception(results.CLOSE, ProjectXError("Client error: 400"), 3.0)
    assert not refused.ok and not refused.uncertain
    assert results.is_unauthorized(OrderSubmissionUncertainError("Mutating request received 401 after ..."))
    assert not results.is_unauthorized(server)
