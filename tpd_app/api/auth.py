"""HTTP endpoints that set and clear the HttpOnly session cookie (websockets cannot)."""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from tpd_app import routes
from tpd_app.api.origin import from_our_pages, sent_origin
from tpd_app.routes import safe_next
from tpd_app.services.accounts import auth, sso
from tpd_app.services.platform import audit
from tpd_app.settings import get_settings

#: What a refused cross-site request reads (it never reaches a page of ours, so both languages at once).
CROSS_SITE = "跨站請求已拒絕 / Cross-site request refused"


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


def _from_our_pages(request: Request) -> bool:
    """Login CSRF guard: the form was posted by a page of this site."""
    return from_our_pages(request.headers, request.url.scheme)


def _refuse_cross_site(request: Request) -> Response:
    audit.record_now(action="auth.cross_site", outcome="denied", target_type="endpoint",
                     target_id=request.url.path, after={"origin": sent_origin(request.headers)[:200]},
                     ip=_client_ip(request))
    return PlainTextResponse(CROSS_SITE, status_code=403)


async def create_session(request: Request) -> Response:
    """POST ticket=…: exchange a fresh login ticket for the session cookie, then go on."""
    if not _from_our_pages(request):
        return await asyncio.to_thread(_refuse_cross_site, request)
    settings = get_settings()
    form = await request.form(max_files=0, max_fields=4)
    ticket = str(form.get("ticket") or "")
    next_path = safe_next(str(form.get("next") or ""))
    token = await asyncio.to_thread(
        auth.exchange_ticket,
        ticket,
        ip=_client_ip(request),
        user_agent=request.headers.get("user-agent", ""),
    )
    if token is None:
        return RedirectResponse(f"{routes.LOGIN}?e=session", status_code=303)
    response = RedirectResponse(next_path, status_code=303)
    set_session_cookie(response, token)
    if request.cookies.get(sso.PENDING_COOKIE):
        response.delete_cookie(sso.PENDING_COOKIE, path="/", httponly=True, samesite="lax",
                               secure=settings.cookie_secure)
    return response


def set_session_cookie(response: Response, token: str) -> None:
    """The HttpOnly session cookie (the password and the single sign-on paths alike)."""
    settings = get_settings()
    response.set_cookie(
        settings.cookie_name,
        token,
        max_age=settings.session_absolute_hours * 3600,
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
    )


async def end_session(request: Request) -> Response:
    """POST: end the session on the server (if still open) and clear the cookie."""
    if not _from_our_pages(request):
        return await asyncio.to_thread(_refuse_cross_site, request)
    settings = get_settings()
    via_sso = await asyncio.to_thread(
        auth.sign_out, request.cookies.get(settings.cookie_name), ip=_client_ip(request)
    )
    # Signed in through the provider: the login page offers to sign out there too. The page's sign-out has
    # ended the session already and says so in `sso` (only an offer of a link: nothing to trust).
    form = await request.form(max_files=0, max_fields=2)
    via_sso = via_sso or form.get("sso") == "1"
    response = RedirectResponse(f"{routes.LOGIN}?out=1{'&sso=1' if via_sso and sso.enabled() else ''}",
                                status_code=303)
    response.delete_cookie(settings.cookie_name, path="/", httponly=True, samesite="lax",
                           secure=settings.cookie_secure)
    return response


ROUTES = [
    Route("/api/auth/session", create_session, methods=["POST"]),
    Route("/api/auth/logout", end_session, methods=["POST"]),
]
