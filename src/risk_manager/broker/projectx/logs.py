"""Log hygiene for the live adapter: secrets never reach a log line, and the SDK logs through ours.

project-x-py gives every module logger its own stdout JSON handler with ``propagate=False``; the daemon
wants one log pipeline, so :func:`take_over_sdk_loggers` strips those handlers and lets records propagate.
JWTs travel in hub URLs (``?access_token=``) that pysignalr/websockets may log, hence :class:`ScrubFilter`.
"""

from __future__ import annotations

import logging
import re
import threading

MASK = "***"
SDK_LOGGER_PREFIXES = ("project_x_py", "pysignalr")
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*")
_QUERY_TOKEN = re.compile(r"(access_token=)[^&\s'\"]+", re.IGNORECASE)
_BEARER = re.compile(r"(Bearer\s+)[A-Za-z0-9._~+/=-]+", re.IGNORECASE)
_MIN_SECRET_LEN = 6  # shorter "secrets" would mask ordinary words

_secrets: set[str] = set()
_lock = threading.Lock()


def register_secret(value: str) -> None:
    """Mask ``value`` wherever it appears in a scrubbed text (the API key; done by ProjectXSession)."""
    if len(value) >= _MIN_SECRET_LEN:
        with _lock:
            _secrets.add(value)


def scrub(text: str) -> str:
    """``text`` with registered secrets, JWTs, ``access_token=`` values and Bearer tokens masked."""
    with _lock:
        known = sorted(_secrets, key=len, reverse=True)
    for secret in known:
        if secret in text:
            text = text.replace(secret, MASK)
    text = _QUERY_TOKEN.sub(rf"\g<1>{MASK}", text)
    text = _BEARER.sub(rf"\g<1>{MASK}", text)
    return _JWT.sub(MASK, text)


class ScrubFilter(logging.Filter):
    """Attach to every *handler* of the daemon (handler filters also see propagated records)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not kill logging
            message = str(record.msg)
        clean = scrub(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        return True


def _sdk_loggers() -> list[logging.Logger]:
    names = [n for n in list(logging.root.manager.loggerDict)
             if n.split(".", 1)[0] in SDK_LOGGER_PREFIXES]
    names.extend(p for p in SDK_LOGGER_PREFIXES if p not in names)
    return [logging.getLogger(n) for n in sorted(set(names))]


def take_over_sdk_loggers(level: int = logging.WARNING) -> int:
    """Remove the SDK's own handlers from every ``project_x_py.*`` (and ``pysignalr.*``) logger, make them
    propagate to ours at ``level``. Returns how many handlers were removed. Idempotent; call it again after
    importing more SDK modules. A NullHandler stays behind so the SDK's ``get_logger`` (which configures only
    handler-less loggers) does not re-attach its stdout handler."""
    import project_x_py  # noqa: F401  (module loggers are created at import time)

    removed = 0
    for lg in _sdk_loggers():
        for h in list(lg.handlers):
            if not isinstance(h, logging.NullHandler):
                lg.removeHandler(h)
                removed += 1
        if not lg.handlers:
            lg.addHandler(logging.NullHandler())
        lg.propagate = True
        lg.setLevel(level)
    return removed
