"""Secrets never reach a log line: cookies, the session id and authorization headers are redacted as each
log record is made, whichever library logs (Reflex logs a whole event, request headers included, when an
event names no handler)."""

from __future__ import annotations

import logging
import re
from typing import Any

from tpd_app.settings import get_settings

REDACTED = "[redacted]"
_HEADERS = re.compile(r"""(?P<key>['"]?(?:cookie|authorization|set-cookie)['"]?\s*[:=]\s*)(?P<q>['"]?)[^'"\n]*(?P=q)""",
                      re.IGNORECASE)


def redact(text: str) -> str:
    """`text` with cookie and authorization header values and the session id replaced by `[redacted]`."""
    text = _HEADERS.sub(lambda m: f"{m.group('key')}{m.group('q')}{REDACTED}{m.group('q')}", text)
    name = re.escape(get_settings().cookie_name)
    return re.sub(rf"({name}=)[^;\s'\"&]+", rf"\g<1>{REDACTED}", text)


def redact_secrets_in_logs() -> None:
    """Make every later log record redacted (installed once, when the app is created)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "_tpd_redacts", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        # The message is formatted here, once, so that no argument carries a secret past this point.
        record.msg, record.args = redact(record.getMessage()), ()
        return record

    factory._tpd_redacts = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
