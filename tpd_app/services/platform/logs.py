"""Secrets never reach a log line: cookies, the session id and authorization headers are redacted as each
log record is made, whichever library logs (Reflex logs a whole event, request headers included, when an
event names no handler). Our own log lines are JSON with a timestamp and the request id, and every
HTTP request and websocket connection gets one access-log line (`api/access.py`)."""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from logging.handlers import WatchedFileHandler
from pathlib import Path
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


#: The id of the HTTP request (or websocket connection) being served, on every log line made meanwhile.
request_id: ContextVar[str] = ContextVar("tpd_request_id", default="")
_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def new_request_id(sent: str = "") -> str:
    """The id a proxy sent (`X-Request-Id`, when it looks like one), else a fresh one."""
    return sent if _ID.match(sent or "") else uuid.uuid4().hex[:16]


class JsonLines(logging.Formatter):
    """One JSON object per record: UTC timestamp, level, logger, message, request id, and the record's
    `fields` (an `extra={"fields": {...}}` dict), so a log collector can filter without parsing text."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "timestamp": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(), "logger": record.name, "message": record.getMessage()}
        if rid := request_id.get():
            payload["request_id"] = rid
        payload.update(getattr(record, "fields", None) or {})
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False)


def configure_logging() -> None:
    """Our loggers (`tpd.*`) write JSON lines to stderr; the access log (`tpd.access`) to `TPD_ACCESS_LOG`
    when it names a file (reopened after logrotate moves it), to stderr when unset, nowhere when `off`.
    Runs in each web worker at start-up (a lifespan task) and in the command line's worker."""
    root = logging.getLogger("tpd")
    if getattr(root, "_tpd_configured", False):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLines())
    root.handlers = [handler]
    root.setLevel(logging.INFO)
    root.propagate = False
    access = logging.getLogger("tpd.access")
    target = os.environ.get("TPD_ACCESS_LOG", "").strip()
    if target.lower() == "off":
        access.disabled = True
    elif target:
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        file_handler = WatchedFileHandler(target, encoding="utf-8")
        file_handler.setFormatter(JsonLines())
        access.handlers = [file_handler]
        access.propagate = False
    root._tpd_configured = True  # type: ignore[attr-defined]
