"""Request bodies over their path's limit are refused before they are read (issue 13, item 4)."""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Iterator

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route, WebSocketRoute
from starlette.types import Message, Receive, Scope, Send
from starlette.websockets import WebSocket

from tpd_app.api import limits
from tpd_app.api.limits import BodyLimit
from tpd_app.services.courses import attachments
from tpd_app.services.platform import uploads

AUTH = "/api/auth/session"
UPLOAD = "/_upload"


def _test_client(app: Starlette):
    with warnings.catch_warnings():
        # Starlette's test client warns about the httpx it is built on; it is only the test's transport.
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    return TestClient(app)


class _Recorder:
    """An endpoint that reads its whole body the way Reflex's upload does, and notes what it got."""

    def __init__(self) -> None:
        self.calls = 0
        self.bodies: list[bytes] = []

    async def endpoint(self, request: Request) -> Response:
        self.calls += 1
        try:
            body = await request.body()
        except ClientDisconnect:
            # What reflex_components_core/core/_upload.py answers when the client goes away mid-form.
            return Response()
        self.bodies.append(body)
        return PlainTextResponse(f"got {len(body)}")

    @property
    def most_bytes_seen(self) -> int:
        return max((len(b) for b in self.bodies), default=0)


def _limited_app(recorder: _Recorder) -> Starlette:
    routes = [Route(path, recorder.endpoint, methods=["POST"]) for path in (AUTH, UPLOAD, "/anything")]
    return Starlette(routes=routes, middleware=[Middleware(BodyLimit)])


def _chunks(total: int, size: int = 1024) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        step = min(size, total - sent)
        sent += step
        yield b"x" * step


def test_each_path_has_its_limit():
    assert limits.limit_for(UPLOAD) == limits.UPLOAD_LIMIT
    assert limits.limit_for(AUTH) == limits.limit_for("/api/auth/logout") == limits.AUTH_LIMIT
    assert limits.limit_for("/anything") == limits.limit_for("/_upload/elsewhere") == limits.DEFAULT_LIMIT
    assert limits.AUTH_LIMIT <= 8 * 1024 < limits.DEFAULT_LIMIT <= 64 * 1024


def test_the_upload_limit_is_the_largest_legitimate_upload_plus_multipart_overhead():
    largest = max(attachments.MAX_PER_COURSE * attachments.MAX_BYTES, uploads.MAX_BYTES)
    assert largest + limits.MULTIPART_OVERHEAD == limits.UPLOAD_LIMIT
    assert 0 < limits.MULTIPART_OVERHEAD <= 64 * 1024


def test_a_declared_oversize_body_is_refused_before_the_endpoint_runs():
    recorder = _Recorder()
    client = _test_client(_limited_app(recorder))
    response = client.post(AUTH, content=b"x" * (limits.AUTH_LIMIT + 1))
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/plain")
    assert "Request body too large" in response.text and "太大" in response.text
    assert recorder.calls == 0


def test_an_oversize_chunked_body_is_cut_at_the_limit():
    recorder = _Recorder()
    client = _test_client(_limited_app(recorder))
    response = client.post("/anything", content=_chunks(limits.DEFAULT_LIMIT + 1))
    assert response.status_code == 413
    assert recorder.most_bytes_seen <= limits.DEFAULT_LIMIT


def test_bodies_within_the_limit_pass_unchanged():
    recorder = _Recorder()
    client = _test_client(_limited_app(recorder))
    exact = bytes(range(256)) * (limits.AUTH_LIMIT // 256)
    assert client.post(AUTH, content=exact).status_code == 200
    assert client.post("/anything", content=_chunks(limits.DEFAULT_LIMIT)).status_code == 200
    assert recorder.bodies == [exact, b"x" * limits.DEFAULT_LIMIT]


async def _drive(app, path: str, chunks: Iterator[bytes], *, content_length: int | None = None):
    """Run one HTTP request through `app` by hand; returns (sent messages, bytes the server handed over)."""
    headers = [] if content_length is None else [(b"content-length", str(content_length).encode())]
    scope = {"type": "http", "method": "POST", "path": path, "headers": headers, "query_string": b""}
    pulled = 0
    sent: list[Message] = []

    async def receive() -> Message:
        nonlocal pulled
        chunk = next(chunks, None)
        if chunk is None:
            # A body that has run out: the client then goes away (a real server would wait for that).
            return {"type": "http.disconnect"}
        pulled += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent, pulled


def test_nothing_past_the_limit_is_read_from_the_server():
    seen = 0
    calls_after_cut = 0

    async def endpoint(scope: Scope, receive: Receive, send: Send) -> None:
        nonlocal seen, calls_after_cut
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                calls_after_cut += 1
                if calls_after_cut == 3:
                    return
                continue
            seen += len(message.get("body", b""))

    chunk = 1000
    sent, pulled = asyncio.run(_drive(BodyLimit(endpoint), "/anything", _chunks(10 * limits.DEFAULT_LIMIT, chunk)))
    assert sent[0]["type"] == "http.response.start" and sent[0]["status"] == 413
    assert seen <= limits.DEFAULT_LIMIT
    assert pulled <= limits.DEFAULT_LIMIT + chunk
    assert calls_after_cut == 3


def test_a_declared_oversize_body_is_not_read_at_all():
    async def endpoint(scope: Scope, receive: Receive, send: Send) -> None:
        raise AssertionError("the endpoint ran")

    sent, pulled = asyncio.run(_drive(BodyLimit(endpoint), UPLOAD, _chunks(limits.UPLOAD_LIMIT + 1),
                                      content_length=limits.UPLOAD_LIMIT + 1))
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]
    assert sent[0]["status"] == 413
    assert pulled == 0


def test_what_the_endpoint_answers_after_being_cut_off_is_dropped():
    async def endpoint(scope: Scope, receive: Receive, send: Send) -> None:
        while (await receive())["type"] != "http.disconnect":
            pass
        await Response("late", status_code=200)(scope, receive, send)

    sent, _ = asyncio.run(_drive(BodyLimit(endpoint), AUTH, _chunks(limits.AUTH_LIMIT + 1)))
    assert [m.get("status") for m in sent if m["type"] == "http.response.start"] == [413]
    assert b"late" not in b"".join(m.get("body", b"") for m in sent)


def test_a_real_client_disconnect_reaches_the_endpoint_and_is_not_answered():
    received: list[str] = []

    async def endpoint(scope: Scope, receive: Receive, send: Send) -> None:
        received.append((await receive())["type"])

    async def gone() -> Message:
        return {"type": "http.disconnect"}

    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": AUTH, "headers": [], "query_string": b""}
    asyncio.run(BodyLimit(endpoint)(scope, gone, send))
    assert received == ["http.disconnect"]
    assert sent == []


def test_websocket_scopes_pass_through_untouched():
    handed: list[tuple] = []

    async def endpoint(scope: Scope, receive: Receive, send: Send) -> None:
        handed.append((scope, receive, send))

    async def receive() -> Message:
        return {"type": "websocket.connect"}

    async def send(message: Message) -> None:
        pass

    scope = {"type": "websocket", "path": "/_event", "headers": [(b"content-length", b"999999999")]}
    asyncio.run(BodyLimit(endpoint)(scope, receive, send))
    assert handed == [(scope, receive, send)]

    async def echo(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.send_text(await websocket.receive_text())
        await websocket.close()

    app = Starlette(routes=[WebSocketRoute("/_event", echo)], middleware=[Middleware(BodyLimit)])
    big = "x" * (2 * limits.DEFAULT_LIMIT)
    with _test_client(app).websocket_connect("/_event") as ws:
        ws.send_text(big)
        assert ws.receive_text() == big


def test_build_api_limits_the_app_reflex_mounts_inside_it(monkeypatch: pytest.MonkeyPatch):
    """Reflex mounts its own Starlette app (with /_upload) at "" inside ours (reflex/app.py, App.__call__)."""
    from tpd_app.api import uploads
    from tpd_app.api.app import build_api

    # The session check of uploads needs a running Reflex app (tests/browser/test_session_edges.py covers it).
    async def through(self, scope, receive, send):  # type: ignore[no-untyped-def]
        await self.app(scope, receive, send)

    monkeypatch.setattr(uploads.UploadSession, "__call__", through)

    recorder = _Recorder()

    async def download(request: Request) -> Response:
        return StreamingResponse(_chunks(3 * limits.DEFAULT_LIMIT), media_type="application/octet-stream")

    reflex_inside = Starlette(routes=[Route(UPLOAD, recorder.endpoint, methods=["POST"]),
                                      Route("/_upload/report.bin", download, methods=["GET"])])
    api = build_api()
    assert any(m.cls is BodyLimit for m in api.user_middleware)
    api.mount("", reflex_inside)
    client = _test_client(api)

    refused = client.post(UPLOAD, content=_chunks(limits.UPLOAD_LIMIT + 1, 64 * 1024))
    assert refused.status_code == 413
    assert refused.headers["x-content-type-options"] == "nosniff"
    assert recorder.most_bytes_seen <= limits.UPLOAD_LIMIT
    declared = client.post(UPLOAD, content=b"x" * (limits.UPLOAD_LIMIT + 1))
    assert declared.status_code == 413
    assert client.post(UPLOAD, content=b"x" * limits.UPLOAD_LIMIT).text == f"got {limits.UPLOAD_LIMIT}"
    assert len(client.get("/_upload/report.bin").content) == 3 * limits.DEFAULT_LIMIT


def test_the_proxy_configuration_limits_match_the_app():
    from pathlib import Path

    conf = (Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "tpd-locations.conf").read_text()
    assert conf.count(f"client_max_body_size {limits.UPLOAD_LIMIT // 1024}k;") == 1
    assert conf.count(f"client_max_body_size {limits.DEFAULT_LIMIT // 1024}k;") == 1
    assert conf.count(f"client_max_body_size {limits.API_LIMIT // 1024}k;") == 1
    assert limits.UPLOAD_LIMIT % 1024 == 0
