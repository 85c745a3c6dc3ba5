"""Request bodies over their path's limit are refused before they are read or spooled to disk.

Starlette's form parser (and so Reflex's `/_upload`) writes any size of file to a temporary file before a
handler can check it; this middleware stops the body at the door instead: by `Content-Length` at once,
otherwise by counting what `receive()` delivers.
"""

from __future__ import annotations

import json

from reflex.constants import Endpoint
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tpd_app.services.courses import attachments
from tpd_app.services.platform import uploads

UPLOAD_PATH = str(Endpoint.UPLOAD)
#: Boundaries, part headers, file names and Reflex's bound-arguments field of one upload request.
MULTIPART_OVERHEAD = 64 * 1024
#: The largest legitimate upload: a course's full set of attachments in one request.
UPLOAD_LIMIT = max(attachments.MAX_PER_COURSE * attachments.MAX_BYTES, uploads.MAX_BYTES) + MULTIPART_OVERHEAD
#: The sign-in form carries a login ticket and a next path.
AUTH_LIMIT = 8 * 1024
DEFAULT_LIMIT = 64 * 1024
#: The reporting API: a whole attendance list (2,000 rows) or a course with its sessions, with room to spare.
API_PREFIX = "/api/v1/"
API_LIMIT = 4 * 1024 * 1024

_TOO_LARGE = "上傳內容太大 / Request body too large\n".encode()
_TOO_LARGE_START: Message = {
    "type": "http.response.start",
    "status": 413,
    "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(_TOO_LARGE)).encode())],
}


def limit_for(path: str) -> int:
    """The most bytes a request body to `path` may have."""
    if path == UPLOAD_PATH:
        return UPLOAD_LIMIT
    if path.startswith("/api/auth/"):
        return AUTH_LIMIT
    if path.startswith(API_PREFIX):
        return API_LIMIT
    return DEFAULT_LIMIT


def _declared_length(scope: Scope) -> int | None:
    values = [value for name, value in scope.get("headers", []) if name.lower() == b"content-length"]
    # A malformed length is left to the server; the running count below holds either way.
    lengths = [int(value) for value in values if value.isdigit()]
    return max(lengths) if lengths else None


_TOO_LARGE_PROBLEM = json.dumps({"type": "about:blank", "title": "Payload Too Large", "status": 413,
                                 "detail": "請求內容超過 4 MiB 上限 / The request body is over the 4 MiB limit",
                                 "key": "api.error.too_large", "errors": []}, ensure_ascii=False).encode()


async def _refuse(send: Send, path: str) -> None:
    if path.startswith(API_PREFIX):  # the API answers every error as problem+json
        body, media = _TOO_LARGE_PROBLEM, b"application/problem+json"
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", media), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
        return
    await send(_TOO_LARGE_START)
    await send({"type": "http.response.body", "body": _TOO_LARGE})


class BodyLimit:
    """Answers 413 to an HTTP request whose body passes `limit_for(path)`, reading nothing beyond it.

    Past the limit the app sees `http.disconnect` (Starlette raises `ClientDisconnect`) and the server's
    `receive` is not called again; whatever the app answers after that is dropped.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope["path"])
        declared = _declared_length(scope)
        if declared is not None and declared > limit:
            await _refuse(send, scope["path"])
            return

        received = 0
        cut = False
        answered = False
        started = False

        async def capped_receive() -> Message:
            nonlocal received, cut, answered
            if cut:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    cut = True
                    if not started:
                        answered = True
                        await _refuse(send, scope["path"])
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if answered:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, capped_receive, guarded_send)
        except ClientDisconnect:
            if not cut:
                raise
