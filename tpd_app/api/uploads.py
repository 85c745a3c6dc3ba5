"""Uploads are bound to the session cookie of the request that carries them, not only to a tab token.

Reflex's `/_upload` names its tab in the `Reflex-Client-Token` header and runs the handler with that tab's
state, whose identity comes from the cookie of the tab's last websocket connection. Holding the token alone
was therefore enough to upload as the tab's account. This middleware lets an upload through only when the
request's own session cookie is a live session *and* the very session the tab's websocket presented, and
only when a page of this site sent it (`Origin`, else `Referer`).
"""

from __future__ import annotations

import asyncio

import reflex as rx
from reflex.utils import prerequisites
from reflex_base.constants import Endpoint
from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from tpd_app.api.origin import from_our_pages, sent_origin
from tpd_app.services.accounts import auth
from tpd_app.services.platform import audit

UPLOAD_PATH = "/" + str(Endpoint.UPLOAD).strip("/")
REFUSED = "請重新登入後再上傳 / Sign in again to upload"


async def _tab_session(token: str) -> str:
    """The session cookie the tab's websocket presented ('' for an unknown tab)."""
    if not token:
        return ""
    app = prerequisites.get_app().app
    # Under the tab's lock, not a bare read: with Redis the worker holding the tab keeps its states in memory
    # for a few seconds (the opportunistic lock), and Redis holds only what it last wrote back. Asking for the
    # lock makes that worker write them back first (or, on that worker, hands over its copy).
    async with app.state_manager.modify_state(rx.BaseStateToken(ident=token, cls=rx.State)) as root:
        return auth.session_token_in(root.router.headers.cookie) or ""


def _refusal(scope: Scope, reason: dict[str, str]) -> None:
    client = scope.get("client")
    audit.record_now(action="upload.refused", outcome="denied", target_type="endpoint", target_id=UPLOAD_PATH,
                     after=reason, ip=client[0] if client else "")


class UploadSession:
    """Refuses an upload sent by another site's page, or whose own cookie is missing, dead, or not the one
    its tab signed in with."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") != UPLOAD_PATH:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if not from_our_pages(headers, scope.get("scheme", "http")):
            await asyncio.to_thread(_refusal, scope, {"origin": sent_origin(headers)[:200] or "missing"})
            await PlainTextResponse(REFUSED, status_code=403)(scope, receive, send)
            return
        sent = auth.session_token_in(headers.get("cookie")) or ""
        tab = await _tab_session(headers.get("reflex-client-token", ""))
        live = bool(sent) and sent == tab and await asyncio.to_thread(auth.resolve_session, sent) is not None
        if not live:
            reason = {"cookie": "missing" if not sent else "other" if sent != tab else "ended"}
            await asyncio.to_thread(_refusal, scope, reason)
            await PlainTextResponse(REFUSED, status_code=403)(scope, receive, send)
            return
        await self.app(scope, receive, send)
