"""HTTP endpoints of single sign-on (教育雲端帳號): send her to the provider, take its answer, sign out there.

Only these can set cookies, so the whole round trip is HTTP: `start` keeps the request server-side and
binds it to this browser by an HttpOnly cookie; `callback` settles the answer (`services/accounts/sso.finish`)
and either sets the same session cookie as the password path, or sends her to `/login/sso` with the cookie of
her waiting identity, or back to the login page with what went wrong.
"""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from tpd_app import routes
from tpd_app.api.auth import set_session_cookie
from tpd_app.api.origin import from_our_pages
from tpd_app.domain.permissions import Function
from tpd_app.domain.sso import SsoOutcome
from tpd_app.routes import safe_next
from tpd_app.services.accounts import auth, sso
from tpd_app.settings import get_settings

_COOKIE_SECONDS = sso.REQUEST_MINUTES * 60
_BINDING_PATH = "/api/auth/sso"  # routes.SSO_START and routes.SSO_LOGOUT are under it


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


def _off() -> Response:
    return PlainTextResponse("單一登入未啟用 / Single sign-on is not configured", status_code=404)


def _to_provider(url: str, binding: str) -> Response:
    response = RedirectResponse(url, status_code=302)
    response.set_cookie(sso.BINDING_COOKIE, binding, max_age=_COOKIE_SECONDS, path=_BINDING_PATH, httponly=True,
                        samesite="lax", secure=get_settings().cookie_secure)
    return response


async def start(request: Request) -> Response:
    """GET (the login page's button, `?next=`): sign in through the provider. POST `link=1` from a page of ours
    while signed in (the profile page): link her account to the identity she signs in with there."""
    if not sso.enabled():
        return _off()
    session_id: int | None = None
    intent = "login"
    if request.method == "POST":
        if not from_our_pages(request.headers, request.url.scheme):
            return PlainTextResponse("跨站請求已拒絕 / Cross-site request refused", status_code=403)
        signed_in = await asyncio.to_thread(auth.resolve_session,
                                            request.cookies.get(get_settings().cookie_name))
        if signed_in is None:
            return RedirectResponse(f"{routes.LOGIN}?expired=1", status_code=303)
        session_id, intent = signed_in.session_id, "link"
    next_path = safe_next(request.query_params.get("next", ""))
    try:
        url, binding = await sso.begin(next_path=next_path, intent=intent, session_id=session_id)
    except sso.ProviderUnavailable:
        where = routes.FUNCTION_ROUTES[Function.PROFILE_EDIT] if intent == "link" else routes.LOGIN
        return RedirectResponse(f"{where}?sso={SsoOutcome.PROVIDER_DOWN.value}" if intent == "link"
                                else f"{where}?e=sso_{SsoOutcome.PROVIDER_DOWN.value}", status_code=303)
    return _to_provider(url, binding)


async def callback(request: Request) -> Response:
    """GET from the provider (`code`, `state`, or `error`): settle it and go on."""
    if not sso.enabled():
        return _off()
    settings = get_settings()
    finished = await sso.finish(dict(request.query_params), request.cookies.get(sso.BINDING_COOKIE),
                                ip=_client_ip(request), user_agent=request.headers.get("user-agent", ""))
    response = await _settled(finished, request)
    response.delete_cookie(sso.BINDING_COOKIE, path=_BINDING_PATH, httponly=True, samesite="lax",
                           secure=settings.cookie_secure)
    return response


async def _settled(finished: sso.Finish, request: Request) -> Response:
    settings = get_settings()
    profile = routes.FUNCTION_ROUTES[Function.PROFILE_EDIT]
    if finished.intent == "link":
        return RedirectResponse(f"{profile}?sso={finished.outcome.value}", status_code=303)
    if finished.ticket is not None:
        token = await asyncio.to_thread(auth.exchange_ticket, finished.ticket, ip=_client_ip(request),
                                        user_agent=request.headers.get("user-agent", ""))
        if token is None:
            return RedirectResponse(f"{routes.LOGIN}?e=session", status_code=303)
        response = RedirectResponse(safe_next(finished.next_path), status_code=303)
        set_session_cookie(response, token)
        return response
    if finished.pending is not None:
        response = RedirectResponse(routes.LOGIN_SSO, status_code=303)
        response.set_cookie(sso.PENDING_COOKIE, finished.pending, max_age=_COOKIE_SECONDS, path="/", httponly=True,
                            samesite="lax", secure=settings.cookie_secure)
        return response
    return RedirectResponse(f"{routes.LOGIN}?e=sso_{finished.outcome.value}", status_code=303)


async def provider_logout(request: Request) -> Response:
    """GET (the signed-out page's offer): sign out at the provider too, coming back to the login page."""
    if not sso.enabled():
        return _off()
    back = get_settings().public_origin.rstrip("/") + f"{routes.LOGIN}?out=1"
    url = await sso.provider_logout_url(back)
    return RedirectResponse(url or f"{routes.LOGIN}?out=1", status_code=302)


ROUTES = [
    Route(f"{_BINDING_PATH}/start", start, methods=["GET", "POST"]),
    Route(sso.CALLBACK_PATH, callback, methods=["GET"]),
    Route(f"{_BINDING_PATH}/logout", provider_logout, methods=["GET"]),
]
