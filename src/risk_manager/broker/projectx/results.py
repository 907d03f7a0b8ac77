"""Mutation outcomes -> ``BrokerResult``: definite refusals vs "may have been accepted".

A ``success: false`` envelope is the gateway saying no (nothing happened) unless its code is Pending or
UnknownError. Transport errors, 5xx, 429, timeouts and the SDK's ``OrderSubmissionUncertainError`` mean the
request may have reached the broker: ``uncertain=True`` and the executor re-queries before acting again.
Error texts start with a stable label ("position not found", "order not found", ...) that matches the
paper broker's wording, so callers can treat "already flat / already gone" as done.
"""

from __future__ import annotations

from typing import Any

from project_x_py.exceptions import OrderSubmissionUncertainError, ProjectXDataError, ProjectXError

from risk_manager.broker.port import BrokerResult

CLOSE, PARTIAL, CANCEL, MODIFY = "closeContract", "partialCloseContract", "cancel", "modify"
_CANCEL_CODES = {1: "account not found", 2: "order not found", 3: "rejected", 4: "pending",
                 5: "unknown error", 6: "account rejected"}
# Swagger error codes per endpoint (reference/projectx-gateway.md §3.4).
CODES: dict[str, dict[int, str]] = {
    CLOSE: {1: "account not found", 2: "position not found", 3: "contract not found",
            4: "contract not active", 5: "order rejected", 6: "pending", 7: "unknown error",
            8: "account rejected"},
    PARTIAL: {1: "account not found", 2: "position not found", 3: "contract not found",
              4: "contract not active", 5: "invalid close size", 6: "order rejected", 7: "pending",
              8: "unknown error", 9: "account rejected"},
    CANCEL: _CANCEL_CODES,
    MODIFY: {**_CANCEL_CODES, 7: "contract not found"},
}
UNCERTAIN_LABELS = frozenset({"pending", "unknown error"})
NOT_FOUND_LABELS = frozenset({"position not found", "order not found"})


def is_not_found(result: BrokerResult) -> bool:
    """The broker said the position/order does not exist: for a close or cancel that means "already done"."""
    label = (result.error or "").split(" (", 1)[0]
    return not result.ok and not result.uncertain and label in NOT_FOUND_LABELS


def from_envelope(action: str, response: Any, order_id: int | None = None) -> BrokerResult:
    """Result of a mutation that got an HTTP 2xx answer."""
    if isinstance(response, dict) and response.get("success") is True:
        returned = response.get("orderId")
        oid = int(returned) if isinstance(returned, int | str) and str(returned).isdigit() else order_id
        return BrokerResult(ok=True, order_id=oid)
    if not isinstance(response, dict) or "success" not in response:
        # 200/204 without an envelope: the call was accepted by *something*; verify by re-query.
        return BrokerResult(ok=False, uncertain=True, error=f"no envelope from {action}: {response!r}"[:200])
    code = _int(response.get("errorCode"))
    label = CODES.get(action, {}).get(code, "refused")
    message = str(response.get("errorMessage") or "").strip()
    error = f"{label} (errorCode {code})" + (f": {message}" if message else "")
    return BrokerResult(ok=False, uncertain=label in UNCERTAIN_LABELS, error=error[:300])


def from_exception(action: str, e: BaseException, timeout: float) -> BrokerResult:
    """Result of a mutation that raised (after our own retry policy has run)."""
    if isinstance(e, TimeoutError):
        return BrokerResult(ok=False, uncertain=True, error=f"timed out after {timeout:g}s ({action})")
    if isinstance(e, OrderSubmissionUncertainError):
        return BrokerResult(ok=False, uncertain=True, error=f"uncertain: {_reason(e)} ({action})")
    if isinstance(e, ProjectXDataError):  # 404 or a non-JSON 2xx: cannot tell, verify
        return BrokerResult(ok=False, uncertain=True, error=f"unreadable answer: {str(e)[:120]} ({action})")
    if isinstance(e, ProjectXError):  # other 4xx (bad request ...): the gateway refused the request
        return BrokerResult(ok=False, error=f"refused: {str(e)[:160]} ({action})")
    return BrokerResult(ok=False, uncertain=True, error=f"{type(e).__name__}: {str(e)[:120]} ({action})")


def is_unauthorized(e: BaseException) -> bool:
    """The SDK reports a 401 on a mutation as "uncertain"; a 401 is decided before the handler runs, so the
    request did not execute and may be retried once with a fresh token."""
    return isinstance(e, OrderSubmissionUncertainError) and "received 401" in str(e)


def _reason(e: BaseException) -> str:
    text = str(e)
    cause = e.__cause__
    if "rate-limited" in text:
        return "rate limited (429)"
    if "cancelled" in text:
        return "cancelled or timed out in flight"
    if cause is not None:
        return f"{type(cause).__name__}: {str(cause)[:120]}"
    return text[:120]


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1
