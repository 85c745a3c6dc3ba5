"""GET /api/courses/attachments/<id>: a course attachment, for whoever may see the course.

Browser downloads carry the HttpOnly session cookie, so the same server-side session decides.
"""

from __future__ import annotations

import asyncio
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from tpd_app.domain.errors import NotFound
from tpd_app.services.accounts import auth
from tpd_app.services.courses import attachments
from tpd_app.services.courses.attachments import FileToServe
from tpd_app.services.platform.db import transaction
from tpd_app.services.platform.ids import parse_id
from tpd_app.settings import get_settings


def _lookup(token: str | None, attachment_id: int) -> FileToServe:
    actor = auth.acting_actor(token)
    with transaction() as session:
        return attachments.open_attachment(session, actor, attachment_id)


async def download(request: Request) -> Response:
    attachment_id = parse_id(request.path_params.get("attachment_id", ""))
    if attachment_id is None:
        return Response("not found", status_code=404)
    token = request.cookies.get(get_settings().cookie_name)
    try:
        found = await asyncio.to_thread(_lookup, token, attachment_id)
    except NotFound:
        return Response("not found", status_code=404)
    disposition = f"attachment; filename*=UTF-8''{quote(found.name)}"
    return FileResponse(found.path, media_type=found.content_type,
                        headers={"Content-Disposition": disposition, "Cache-Control": "private, no-store"})


ROUTES = [Route("/api/courses/attachments/{attachment_id}", download, methods=["GET"])]
