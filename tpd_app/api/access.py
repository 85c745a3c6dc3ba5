"""The access log: one JSON line per HTTP request (method, path without its query, status, bytes, time)
and per websocket connection (when it closes, with how long it stayed), each with a request id that is
also sent back as `X-Request-Id` (a proxy's own id is kept when it sends one). Query strings are left
out: they carry the unsubscribe token and the login's return path."""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tpd_app.services.platform.logs import new_request_id, request_id
from tpd_app.settings import get_settings

_log = logging.getLogger("tpd.access")
_warn = logging.getLogger("tpd.origin")
#: Foreign origins already explained in the log (once each per process, not once per retry).
_explained: set[str] = set()


def _explain_foreign_origin(origin: str) -> None:
    """A websocket from another origin than the public one is refused by Reflex (CORS) and its page spins:
    say why, once, where the operator looks."""
    public = get_settings().public_origin
    if not origin or origin == public or origin in _explained or len(_explained) > 100:
        return
    _explained.add(origin)
    _warn.warning("websocket from %s refused: the site's address is TPD_PUBLIC_ORIGIN=%s. Open the site there, "
                  "or set TPD_PUBLIC_ORIGIN to the address users open and rebuild (`python -m tpd_app.cli build`).",
                  origin[:200], public)


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return ""


class AccessLog:
    """Outermost middleware: gives every request its id and writes its access-log line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            _explain_foreign_origin(_header(scope, b"origin"))
        rid = new_request_id(_header(scope, b"x-request-id"))
        token = request_id.set(rid)
        began = time.perf_counter()
        seen = {"status": 0, "bytes": 0, "declared": 0}

        async def send_logged(message: Message) -> None:
            kind = message["type"]
            if kind == "http.response.start":
                seen["status"] = message["status"]
                headers = message.get("headers", [])
                # Files may go out by the server's own path-send, past the body messages counted below.
                seen["declared"] = next((int(v) for k, v in headers if k.lower() == b"content-length"
                                         and v.isdigit()), 0)
                message["headers"] = [*headers, (b"x-request-id", rid.encode())]
            elif kind == "http.response.body":
                seen["bytes"] += len(message.get("body", b""))
            elif kind == "websocket.accept":
                seen["status"] = 101
            elif kind == "websocket.close" and not seen["status"]:
                seen["status"] = 403  # refused before it was accepted (e.g. a foreign origin)
            await send(message)

        try:
            await self.app(scope, receive, send_logged)
        finally:
            client = scope.get("client")
            _log.info("%s %s %s", scope.get("method", "WS"), scope.get("path", ""), seen["status"], extra={"fields": {
                "request_id": rid, "method": scope.get("method", "WEBSOCKET"), "path": scope.get("path", ""),
                "status": seen["status"] or 500, "bytes": seen["bytes"] or seen["declared"],
                "ms": round((time.perf_counter() - began) * 1000, 1),
                "client": client[0] if client else "", "user_agent": _header(scope, b"user-agent")[:200]}})
            request_id.reset(token)
