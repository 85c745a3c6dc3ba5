"""Registration and hours downloads (SPEC §3.2, §3.3), authorized by the HttpOnly session cookie like every page:
the record PDF, a registration's .ics, an organizer's registrant list (Excel, masked IDs), the
attendance template; and two addresses that need no login (each a signed token): the one-click unsubscribe
link and a teacher's personal calendar feed."""

from __future__ import annotations

import asyncio
import html
from collections.abc import Callable
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from tpd_app.domain.errors import DomainError, Forbidden, NotFound
from tpd_app.domain.permissions import Actor
from tpd_app.i18n import translate
from tpd_app.services.accounts import auth
from tpd_app.services.hours import attendance, calendar, records, registration, subscriptions
from tpd_app.services.platform.db import transaction
from tpd_app.services.platform.uploads import XLSX_MIME
from tpd_app.settings import get_settings


def _actor(request: Request) -> Actor | None:
    return auth.acting_actor(request.cookies.get(get_settings().cookie_name))


def _file(name: str, data: bytes, media_type: str) -> Response:
    return Response(data, media_type=media_type,
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
                             "Cache-Control": "private, no-store"})


async def _serve(request: Request, make: Callable[[Actor, str], tuple[str, bytes, str]]) -> Response:
    def work() -> tuple[str, bytes, str] | None:
        actor = _actor(request)
        if actor is None:
            return None
        return make(actor, request.client.host if request.client else "")

    try:
        result = await asyncio.to_thread(work)
    except (Forbidden, NotFound):
        return Response("not found", status_code=404)
    except DomainError:
        return Response("bad request", status_code=400)
    if result is None:
        return Response("sign in required", status_code=401)
    return _file(*result)


def _in_session(fn: Callable[..., bytes], *args: object, **kwargs: object) -> bytes:
    with transaction() as session:
        return fn(session, *args, **kwargs)


async def record_pdf(request: Request) -> Response:
    def make(actor: Actor, ip: str) -> tuple[str, bytes, str]:
        return "研習紀錄.pdf", _in_session(records.record_pdf, actor, ip=ip), "application/pdf"

    return await _serve(request, make)


async def registration_ics(request: Request) -> Response:
    raw = str(request.path_params.get("registration_id", ""))

    def make(actor: Actor, ip: str) -> tuple[str, bytes, str]:
        with transaction() as session:
            name, data = registration.ics(session, actor, raw, ip=ip)
        return name, data, "text/calendar; charset=utf-8"

    return await _serve(request, make)


async def registrants_xlsx(request: Request) -> Response:
    raw = str(request.path_params.get("course_id", ""))

    def make(actor: Actor, ip: str) -> tuple[str, bytes, str]:
        return "報名名單.xlsx", _in_session(registration.registrants_xlsx, actor, raw, ip=ip), XLSX_MIME

    return await _serve(request, make)


async def attendance_template(request: Request) -> Response:
    if _actor(request) is None:
        return Response("sign in required", status_code=401)
    return _file("研習名單範本.xlsx", attendance.template_bytes(), XLSX_MIME)


async def unsubscribe(request: Request) -> Response:
    token = request.query_params.get("token", "")[:64]

    def work() -> bool:
        with transaction() as session:
            return subscriptions.unsubscribe(session, token, ip=request.client.host if request.client else "")

    ok = await asyncio.to_thread(work)
    message = translate("subscriptions.unsubscribed" if ok else "subscriptions.bad_link")
    page = (f"<!doctype html><html lang='zh-Hant-TW'><meta charset='utf-8'><title>{html.escape(message)}</title>"
            f"<body style='font-family:sans-serif;padding:2rem'><p data-testid='unsubscribe-result'>"
            f"{html.escape(message)}</p><p><a href='/'>全國教師在職進修資訊網</a></p></body></html>")
    return HTMLResponse(page, status_code=200 if ok else 400)


async def calendar_feed(request: Request) -> Response:
    """A teacher's calendar subscription: polled by calendar applications, so the address is the key."""
    token = request.path_params.get("token", "")[:80]

    def work() -> bytes | None:
        with transaction() as session:
            return calendar.feed_calendar(session, token)

    data = await asyncio.to_thread(work)
    if data is None:
        return Response("not found", status_code=404)
    return Response(data, media_type="text/calendar; charset=utf-8",
                    headers={"Cache-Control": "private, no-store", "X-Robots-Tag": "noindex",
                             "Referrer-Policy": "no-referrer"})


ROUTES = [
    Route("/api/me/records.pdf", record_pdf, methods=["GET"]),
    Route("/api/me/registrations/{registration_id}.ics", registration_ics, methods=["GET"]),
    Route("/api/courses/{course_id}/registrants.xlsx", registrants_xlsx, methods=["GET"]),
    Route("/api/attendance/template.xlsx", attendance_template, methods=["GET"]),
    Route("/api/unsubscribe", unsubscribe, methods=["GET"]),
    Route("/api/calendar/{token}.ics", calendar_feed, methods=["GET"]),
]
