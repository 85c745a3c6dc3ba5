"""影音說明 (video guides): short videos the national centre makes to introduce the site's functions (seed
參.二.(二).18), each for one audience and often for one page, with captions (WebVTT) and a transcript for
whoever cannot watch or hear it. A video is a file kept privately and served with range requests, or a
link to where the centre published it. Pages that a guide explains link to it (`page_links`).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urlsplit

from sqlmodel import Session, col, select

from tpd_app.domain.errors import Forbidden, NotFound, ValidationFailed
from tpd_app.domain.permissions import Actor, Function
from tpd_app.domain.portal import (
    GUIDE_DESCRIPTION_MAX,
    GUIDE_TITLE_MAX,
    GUIDE_TRANSCRIPT_MAX,
    GuideAudience,
    keeps_public_pages,
)
from tpd_app.domain.timeutil import utcnow
from tpd_app.models import VideoGuide
from tpd_app.services.platform import audit, documents
from tpd_app.services.platform.documents import FileToServe
from tpd_app.services.platform.guard import require
from tpd_app.services.platform.ids import require_id
from tpd_app.services.platform.refcache import KeyedCache
from tpd_app.services.platform.richtext import render, required_text
from tpd_app.services.platform.validation import clean

#: A guide's video file at most (the upload limit of `/_upload` is a course's five 5 MB attachments).
MAX_VIDEO_BYTES = 20 * 1024 * 1024
MAX_CAPTION_BYTES = 512 * 1024
#: A WebM file starts with the EBML magic; an MP4 has `ftyp` at byte 4 (its first box).
VIDEO_TYPES = {".mp4": "video/mp4", ".webm": "video/webm", ".m4v": "video/mp4"}
_PAGE = re.compile(r"^/[a-z0-9/_-]{0,79}$")
_DURATION = re.compile(r"^(?:(\d{1,2}):)?(\d{1,3})$")


def _require_keeper(actor: Actor, ip: str) -> None:
    require(actor, Function.COURSE_REVIEW, ip=ip, detail="guides")
    if not keeps_public_pages(actor):
        audit.record_now(action="access.denied", actor=actor, outcome="denied", target_type="function",
                         target_id="guides", after={"reason": "jurisdiction"}, ip=ip)
        raise Forbidden("error.forbidden.jurisdiction")


def is_page_path(text: str) -> bool:
    """A path of this site's pages (`/me/register`): never another site's (`//host`) or a script."""
    return bool(_PAGE.match(text)) and not text.startswith("//")


def _seconds(text: str) -> int | None:
    """`3:25` or `205` as seconds (None: not a duration)."""
    found = _DURATION.match(text)
    if found is None:
        return None
    minutes, seconds = int(found.group(1) or 0), int(found.group(2))
    if found.group(1) is not None and seconds >= 60:
        return None
    return minutes * 60 + seconds


def duration_text(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}" if seconds else ""


def _link(text: str) -> str | None:
    """An https address of a video elsewhere (None: not one)."""
    if not text:
        return ""
    parts = urlsplit(text)
    if parts.scheme != "https" or not parts.netloc or any(c in text for c in "\"'<> "):
        return None
    return text


def save_guide(session: Session, actor: Actor, data: dict[str, Any], *, ip: str = "") -> int:
    """Add a guide or change one. A guide is shown only with a video (a file or a link) and a transcript.
    Returns its id.

    Raises:
        Forbidden: only the national centre and the ministry keep the guides.
        NotFound: `data["id"]` names no guide.
        ValidationFailed: title or transcript missing or too long, an unknown audience, a bad page, duration
            or link; published without a video.
    """
    _require_keeper(actor, ip)
    errors: dict[str, str] = {}
    title = required_text(errors, "title", data.get("title"), GUIDE_TITLE_MAX, "guides.error.title_long")
    transcript = required_text(errors, "transcript", data.get("transcript"), GUIDE_TRANSCRIPT_MAX,
                               "guides.error.transcript_long", markdown=True)
    description = clean(data.get("description"), GUIDE_DESCRIPTION_MAX + 1)
    if len(description) > GUIDE_DESCRIPTION_MAX:
        errors["description"] = "guides.error.description_long"
    audience = clean(data.get("audience"), 16) or GuideAudience.EVERYONE.value
    if audience not in {a.value for a in GuideAudience}:
        errors["audience"] = "guides.error.audience"
    page = clean(data.get("page"), 81)
    if page and not is_page_path(page):
        errors["page"] = "guides.error.page"
    duration = _seconds(clean(data.get("duration"), 10) or "0")
    if duration is None:
        errors["duration"] = "guides.error.duration"
    link = _link(clean(data.get("video_url"), 501))
    if link is None:
        errors["video_url"] = "guides.error.link"
    order_text = clean(data.get("sort_order"), 5) or "100"
    if not order_text.isdigit():
        errors["sort_order"] = "guides.error.sort_order"
    published = data.get("published") in (True, "1", "on", "true")
    row = None
    if data.get("id") not in (None, ""):
        row = session.get(VideoGuide, require_id(data["id"]))
        if row is None:
            raise NotFound()
    if published and not link and (row is None or not row.video_stored_name):
        errors.setdefault("video_url", "guides.error.no_video")
    if errors:
        raise ValidationFailed(errors)
    before = _summary(row) if row is not None else None
    row = row or VideoGuide(title=title)
    row.title, row.description, row.audience, row.page = title, description, audience, page
    row.duration_seconds, row.video_url, row.transcript = duration or 0, link or "", transcript
    row.sort_order, row.published = int(order_text), published
    row.updated_by_account_id, row.updated_at = actor.account_id, utcnow()
    session.add(row)
    session.flush()
    audit.record(session, action="guides.save", actor=actor, target_type="video_guide", target_id=row.id or 0,
                 before=before, after=_summary(row), ip=ip)
    return row.id or 0


def _summary(row: VideoGuide) -> dict[str, Any]:
    return {"title": row.title, "audience": row.audience, "page": row.page, "published": row.published,
            "video": bool(row.video_stored_name or row.video_url), "captions": bool(row.captions_stored_name)}


def _checked_video(filename: str, data: bytes) -> documents.CheckedFile:
    name = documents.clean_name(filename)
    extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in VIDEO_TYPES:
        raise ValidationFailed({"file": "guides.error.video_type"})
    if not data or len(data) > MAX_VIDEO_BYTES:
        raise ValidationFailed({"file": "guides.error.video_size"})
    webm = data.startswith(b"\x1a\x45\xdf\xa3")
    mp4 = data[4:8] == b"ftyp"
    if not (webm if extension == ".webm" else mp4):
        raise ValidationFailed({"file": "attachment.error.content"})
    return documents.CheckedFile(name=name, content_type=VIDEO_TYPES[extension], extension=extension,
                                 size=len(data))


def _checked_captions(filename: str, data: bytes) -> documents.CheckedFile:
    name = documents.clean_name(filename)
    if not name.lower().endswith(".vtt"):
        raise ValidationFailed({"file": "guides.error.captions_type"})
    if not data or len(data) > MAX_CAPTION_BYTES:
        raise ValidationFailed({"file": "guides.error.captions_size"})
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed({"file": "attachment.error.content"}) from None
    if not text.startswith("WEBVTT"):
        raise ValidationFailed({"file": "attachment.error.content"})
    return documents.CheckedFile(name=name, content_type="text/vtt", extension=".vtt", size=len(data))


def attach_file(session: Session, actor: Actor, guide_id: Any, filename: str, data: bytes, *,
                ip: str = "") -> str:
    """Give a guide its video file (an .mp4 or .webm) or its captions (a WebVTT .vtt), by the file's name;
    a file the guide had of that kind is replaced. Returns which it was: `video` or `captions`.

    Raises:
        Forbidden: only the national centre and the ministry keep the guides.
        NotFound: no such guide.
        ValidationFailed: not a video or captions file, too big, or its bytes not what its name says.
    """
    _require_keeper(actor, ip)
    row = session.get(VideoGuide, require_id(guide_id))
    if row is None:
        raise NotFound()
    kind = "captions" if documents.clean_name(filename).lower().endswith(".vtt") else "video"
    checked = _checked_captions(filename, data) if kind == "captions" else _checked_video(filename, data)
    stored = documents.store(data, checked.extension)
    replaced = row.captions_stored_name if kind == "captions" else row.video_stored_name
    try:
        if kind == "captions":
            row.captions_stored_name = stored
        else:
            row.video_stored_name, row.video_content_type = stored, checked.content_type
        row.updated_at = utcnow()
        session.add(row)
        session.flush()
        audit.record(session, action=f"guides.{kind}", actor=actor, target_type="video_guide",
                     target_id=row.id or 0, after={"file": checked.name, "bytes": checked.size}, ip=ip)
    except Exception:
        documents.discard(stored)
        raise
    if replaced:
        documents.discard(replaced)
    return kind


def manage_list(session: Session, actor: Actor, *, ip: str = "") -> list[dict[str, str]]:
    """Every guide, shown or not, with what its form holds.

    Raises:
        Forbidden: only the national centre and the ministry keep the guides.
    """
    _require_keeper(actor, ip)
    rows = session.exec(select(VideoGuide).order_by(col(VideoGuide.sort_order), col(VideoGuide.id))).all()
    return [{"id": str(r.id), "title": r.title, "description": r.description, "audience": r.audience,
             "page": r.page, "duration": duration_text(r.duration_seconds), "video_url": r.video_url,
             "transcript": r.transcript, "sort_order": str(r.sort_order), "published": "1" if r.published else "",
             "has_file": "1" if r.video_stored_name else "", "has_captions": "1" if r.captions_stored_name else ""}
            for r in rows]


def _public_row(row: VideoGuide) -> dict[str, str]:
    own = bool(row.video_stored_name)
    return {"id": str(row.id), "title": row.title, "description": row.description, "audience": row.audience,
            "page": row.page, "duration": duration_text(row.duration_seconds),
            "video_href": f"/api/portal/guides/{row.id}/video" if own else row.video_url,
            "video_type": row.video_content_type if own else "", "external": "" if own else "1",
            "captions_href": f"/api/portal/guides/{row.id}/captions.vtt" if row.captions_stored_name else "",
            "transcript_html": render(row.transcript)}


def public_list(session: Session, *, audience: str = "", page: str = "") -> list[dict[str, str]]:
    """The guides shown to everyone (for one audience and the guides for everyone, or for one page)."""
    conditions: list[Any] = [col(VideoGuide.published)]
    if audience in {a.value for a in GuideAudience} and audience != GuideAudience.EVERYONE.value:
        conditions.append(col(VideoGuide.audience).in_([audience, GuideAudience.EVERYONE.value]))
    if page:
        conditions.append(VideoGuide.page == page[:80])
    rows = session.exec(select(VideoGuide).where(*conditions)
                        .order_by(col(VideoGuide.sort_order), col(VideoGuide.id))).all()
    return [_public_row(r) for r in rows]


def _read_pages(session: Session, _key: str) -> frozenset[str]:
    pages = session.exec(select(VideoGuide.page).where(col(VideoGuide.published), VideoGuide.page != "")).all()
    return frozenset(pages)


#: Read with every signed-in page load (the "video guide" link beside the heading).
_pages = KeyedCache(_read_pages, seconds=30.0, size=1, tables=("video_guide",))


def page_link(session: Session, path: str) -> str:
    """Where the guides explaining the page at `path` are ("" when none is shown)."""
    path = path.rstrip("/") or "/"
    return f"/guides?page={quote(path)}" if path in _pages.get(session, "") else ""


def open_file(session: Session, actor: Actor | None, guide_id: int, kind: str) -> FileToServe:
    """A guide's video or captions: anyone's once the guide is shown, the keepers' always.

    Raises:
        NotFound: no such guide or file, or the guide is not shown and the caller does not keep guides.
    """
    row = session.get(VideoGuide, guide_id)
    if row is None or not (row.published or (actor is not None and keeps_public_pages(actor))):
        raise NotFound()
    stored = row.captions_stored_name if kind == "captions" else row.video_stored_name
    if not stored:
        raise NotFound()
    found = documents.serve(stored, f"{row.title}.vtt" if kind == "captions" else row.title,
                            "text/vtt" if kind == "captions" else row.video_content_type)
    if found is None:
        raise NotFound()
    return found
