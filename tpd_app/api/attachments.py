"""GET /api/courses/attachments/<id>: a course attachment, for whoever may see the course; GET
/api/portal/attachments/<id>: an announcement's file, for whoever the announcement reaches; GET
/api/portal/guides/<id>/video and /captions.vtt: a video guide's files, once it is shown.

Browser downloads carry the HttpOnly session cookie, so the same server-side session decides.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from urllib.parse import quote

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from tpd_app.domain.errors import NotFound
from tpd_app.domain.permissions import Actor
from tpd_app.services.accounts import auth
from tpd_app.services.courses import attachments
from tpd_app.services.platform.db import transaction
from tpd_app.services.platform.documents import FileToServe
from tpd_app.services.platform.ids import parse_id
from tpd_app.services.portal import announcements, guides
from tpd_app.settings import get_settings

Opener = Callable[[Session, Actor | None, int], FileToServe]


def _lookup(opener: Opener, token: str | None, attachment_id: int) -> FileToServe:
    actor = auth.acting_actor(token)
    with transaction() as session:
        return opener(session, actor, attachment_id)


async def _send(request: Request, opener: Opener, *, inline: bool = False) -> Response:
    attachment_id = parse_id(request.path_params.get("attachment_id", ""))
    if attachment_id is None:
        return Response("not found", status_code=404)
    token = request.cookies.get(get_settings().cookie_name)
    try:
        found = await asyncio.to_thread(_lookup, opener, token, attachment_id)
    except NotFound:
        return Response("not found", status_code=404)
    disposition = f"{'inline' if inline else 'attachment'}; filename*=UTF-8''{quote(found.name)}"
    return FileResponse(found.path, media_type=found.content_type,
                        headers={"Content-Disposition": disposition, "Cache-Control": "private, no-store"})


async def download(request: Request) -> Response:
    return await _send(request, attachments.open_attachment)


async def announcement_file(request: Request) -> Response:
    return await _send(request, announcements.open_attachment)


async def guide_video(request: Request) -> Response:
    """Played in the page (FileResponse answers the player's range requests)."""
    return await _send(request, lambda s, a, i: guides.open_file(s, a, i, "video"), inline=True)


async def guide_captions(request: Request) -> Response:
    return await _send(request, lambda s, a, i: guides.open_file(s, a, i, "captions"), inline=True)


ROUTES = [Route("/api/courses/attachments/{attachment_id}", download, methods=["GET"]),
          Route("/api/portal/attachments/{attachment_id}", announcement_file, methods=["GET"]),
          Route("/api/portal/guides/{attachment_id}/video", guide_video, methods=["GET"]),
          Route("/api/portal/guides/{attachment_id}/captions.vtt", guide_captions, methods=["GET"])]
