"""The reporting API in a process of its own, so that a county pushing a month of lists never slows the
pages: `python -m tpd_app.cli serve` starts `serve-api` on a Unix socket beside the web server (only this
user can open it) and the web server forwards `/api/v1/...` to it with `ReportingProxy`.

Measured with bench/reporting_push.py: with the API inside the web worker, teachers' page events took
6.5x their idle median while a county pushed lists (the push's threads and the event loop share one
interpreter lock); in a process of its own the pages keep their pace. Without `TPD_API_SOCKET` (tests,
`reflex run`) the API is mounted in the web app itself, as before.
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import httpx
from granian.constants import Interfaces
from granian.server import Server
from starlette.types import ASGIApp, Receive, Scope, Send

from tpd_app.i18n import translate

#: Where the web server finds the API process (set by `serving.serve`).
SOCKET_ENV = "TPD_API_SOCKET"
#: The caller's address as the web server saw it; believed only on the socket, which only this user opens.
CLIENT_HEADER = b"x-tpd-client-ip"
#: Seconds a 2,000-row list may take, with room for a busy database.
TIMEOUT = 120.0
#: While the process starts (again), a request that could not be sent waits up to 5 s, then gets a 503.
CONNECT_TRIES, CONNECT_PAUSE = 20, 0.25
_HOP_BY_HOP = {b"connection", b"keep-alive", b"transfer-encoding", b"upgrade", b"host", b"content-length",
               b"proxy-connection", b"te", b"trailer", CLIENT_HEADER}


def socket_path() -> str:
    """The API process's socket when the web server forwards to one, else ''."""
    return os.environ.get(SOCKET_ENV, "")


def answers(socket: Path) -> bool:
    """Whether the API process on `socket` answers (its OpenAPI document)."""
    if not socket.exists():
        return False
    try:
        with httpx.Client(transport=httpx.HTTPTransport(uds=str(socket)), timeout=5.0) as http:
            return http.get("http://tpd-api/api/v1/openapi.json").status_code == 200
    except httpx.HTTPError:
        return False


class ReportingProxy:
    """Forwards every request to the API process and its answer back, with the caller's address. The
    body is already within the API's limit (the web app's BodyLimit counts it as it comes)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._client: httpx.AsyncClient | None = None

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(transport=httpx.AsyncHTTPTransport(uds=self.path),
                                             base_url="http://tpd-api", timeout=httpx.Timeout(TIMEOUT, connect=3.0))
        return self._client

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        target = (scope.get("raw_path") or scope["path"].encode()).decode("latin-1")
        if scope.get("query_string"):
            target += "?" + scope["query_string"].decode("latin-1")
        headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() not in _HOP_BY_HOP]
        client = scope.get("client")
        headers.append((CLIENT_HEADER, (client[0] if client else "").encode("latin-1")))
        http = self._http()
        request = http.build_request(scope["method"], target, headers=headers, content=bytes(body))
        answer = None
        for attempt in range(CONNECT_TRIES):
            try:
                answer = await http.send(request, stream=True)
                break
            except httpx.ConnectError:  # not sent at all (starting again): safe to try once more
                if attempt + 1 < CONNECT_TRIES:
                    await asyncio.sleep(CONNECT_PAUSE)
            except httpx.HTTPError:
                break
        if answer is None:
            await _unavailable(scope, send)
            return
        try:
            await send({"type": "http.response.start", "status": answer.status_code,
                        "headers": [(k, v) for k, v in answer.headers.raw
                                    if k.lower() == b"content-length" or k.lower() not in _HOP_BY_HOP]})
            async for chunk in answer.aiter_raw():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            await answer.aclose()


async def _unavailable(scope: Scope, send: Send) -> None:
    """503 as a problem in the caller's language: the API process is starting again."""
    accept = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"accept-language"), "")
    lang = "en" if accept.lower().startswith("en") else "zh-TW"
    body = json.dumps({"type": "about:blank", "title": translate("api.status.503", lang), "status": 503,
                       "detail": translate("api.error.unavailable", lang), "key": "api.error.unavailable",
                       "errors": []}, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": 503,
                "headers": [(b"content-type", b"application/problem+json"), (b"retry-after", b"5"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


class TrustedClient:
    """In the API process: the caller is whom the web server says (the socket is this user's only)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            given = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == CLIENT_HEADER), "")
            scope = {**scope, "client": (given, 0) if given else None}
        await self.app(scope, receive, send)


def serve_api(socket: Path) -> None:
    """Serve `app.build_reporting_api` on `socket` (blocks); a lower CPU priority than the pages' process, so that
    on a busy machine the pages go first and the push waits."""
    socket.unlink(missing_ok=True)
    os.nice(5)
    Server("tpd_app.api.app:build_reporting_api", factory=True, interface=Interfaces.ASGI, uds=socket,
           uds_permissions=0o600, workers=1, respawn_failed_workers=True, log_access=False).serve()
