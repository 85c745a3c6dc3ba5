"""The e-newsletter's one-click unsubscribe address (the `List-Unsubscribe` header of every issue's mail): a
POST as RFC 8058 has mail programs send it unsubscribes at once; a GET (a person who opened the address) goes
to the page with the button, so that a scanner following links changes nothing."""

from __future__ import annotations

import asyncio
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from tpd_app.services.newsletter import subscribers
from tpd_app.services.platform.db import transaction


def _token(request: Request) -> str:
    return request.query_params.get("token", "")[:80]


async def unsubscribe_page(request: Request) -> Response:
    return RedirectResponse(f"{subscribers.LINK_PAGE}?unsubscribe={quote(_token(request))}", status_code=303)


async def unsubscribe_now(request: Request) -> Response:
    token = _token(request)
    ip = request.client.host if request.client else ""

    def work() -> bool:
        with transaction() as session:
            return subscribers.unsubscribe(session, token, ip=ip)

    if not token or not await asyncio.to_thread(work):
        return PlainTextResponse("not found", status_code=404)
    return PlainTextResponse("unsubscribed / 已取消訂閱", headers={"Cache-Control": "no-store"})


ROUTES = [
    Route(subscribers.ONE_CLICK, unsubscribe_page, methods=["GET"]),
    Route(subscribers.ONE_CLICK, unsubscribe_now, methods=["POST"]),
]
