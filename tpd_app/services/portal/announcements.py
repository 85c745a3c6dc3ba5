"""最新消息 (announcements): the national centre (and the ministry) publish to everyone, a regional centre to
its own jurisdiction; drafts, a publish window, pinning, categories, and every saved version kept. Each
reader sees only what is live and meant for them: a Taipei announcement never reaches a Kaohsiung teacher.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlmodel import Session, col, func, or_, select

from tpd_app.domain.errors import Forbidden, NotFound, ValidationFailed
from tpd_app.domain.permissions import Actor, Function, UnitRef
from tpd_app.domain.portal import (
    BODY_MAX,
    TITLE_MAX,
    Category,
    Status,
    is_live,
    may_publish,
    publishes_nationally,
    reaches,
)
from tpd_app.domain.timeutil import TAIPEI, parse_day, taipei_today, to_taipei, utcnow
from tpd_app.domain.units import NATIONWIDE
from tpd_app.models import Announcement, AnnouncementAttachment, AnnouncementRevision, Unit
from tpd_app.services.platform import audit, documents
from tpd_app.services.platform.documents import FileToServe
from tpd_app.services.platform.guard import require
from tpd_app.services.platform.ids import require_id
from tpd_app.services.platform.richtext import plain, render, required_text
from tpd_app.services.platform.validation import clean

#: Announcements on one page of /news, and on the home page.
PAGE_SIZE = 20
HOME_COUNT = 5
#: Files one announcement may carry (the upload limit of `/_upload` holds a course's five as well).
MAX_ATTACHMENTS = 5


def _require_publisher(actor: Actor, ip: str) -> None:
    require(actor, Function.COURSE_REVIEW, ip=ip, detail="announcements")
    if not may_publish(actor):
        audit.record_now(action="access.denied", actor=actor, outcome="denied", target_type="function",
                         target_id="announcements", after={"reason": "unit_type"}, ip=ip)
        raise Forbidden("error.forbidden.unit_type")


def _midnight(day: date) -> datetime:
    """The first instant of `day` in Taipei, as stored (UTC)."""
    return datetime.combine(day, time(), tzinfo=TAIPEI)


def _day_of(value: datetime | None, *, until: bool = False) -> str:
    """The Taipei day of a stored instant as the form's ISO value (`until`: the last day shown)."""
    if value is None:
        return ""
    day = to_taipei(value).date()
    return (day - timedelta(days=1) if until else day).isoformat()


def _own(session: Session, actor: Actor, announcement_id: Any) -> Announcement:
    row = session.get(Announcement, require_id(announcement_id))
    if row is None or row.publisher_unit_id != actor.unit.id:
        raise NotFound()
    return row


def _read_form(data: dict[str, Any], today: date) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    title = required_text(errors, "title", data.get("title"), TITLE_MAX, "portal.error.title_long")
    body = required_text(errors, "body", data.get("body"), BODY_MAX, "portal.error.body_long", markdown=True)
    category = clean(data.get("category"), 16) or Category.GENERAL.value
    if category not in {c.value for c in Category}:
        errors["category"] = "portal.error.category"
    start_text, end_text = clean(data.get("publish_from"), 20), clean(data.get("publish_until"), 20)
    start = parse_day(start_text) if start_text else today
    end = parse_day(end_text) if end_text else None
    if start is None:
        errors["publish_from"] = "portal.error.date"
    if end_text and end is None:
        errors["publish_until"] = "portal.error.date"
    elif start is not None and end is not None and end < start:
        errors["publish_until"] = "portal.error.until_before_from"
    values = {"title": title, "body": body, "category": category,
              "pinned": data.get("pinned") in (True, "1", "on", "true"),
              "publish_from": _midnight(start) if start else None,
              # Shown through the last day given: stored as the next day's first instant (exclusive).
              "publish_until": _midnight(end + timedelta(days=1)) if end else None}
    return values, errors


def save_announcement(session: Session, actor: Actor, data: dict[str, Any], *, publish: bool, ip: str = "",
                      today: date | None = None) -> int:
    """Add an announcement or change one of the actor's unit, as a draft or published; every save is a new
    version. The audience is the nation for nationwide units, the unit's own jurisdiction for a regional
    centre. Returns its id.

    Raises:
        Forbidden: not a unit that publishes announcements.
        NotFound: `data["id"]` is not one of this unit's announcements.
        ValidationFailed: title or body missing or too long, an unknown category, a bad date or window.
    """
    _require_publisher(actor, ip)
    values, errors = _read_form(data, today or taipei_today())
    existing = _own(session, actor, data["id"]) if data.get("id") not in (None, "") else None
    if errors:
        raise ValidationFailed(errors)
    status = Status.PUBLISHED.value if publish else (
        existing.status if existing is not None and existing.status != Status.PUBLISHED.value else Status.DRAFT.value)
    before = _summary(existing) if existing is not None else None
    row = existing or Announcement(publisher_unit_id=actor.unit.id, created_by_account_id=actor.account_id,
                                   audience_unit_id=None if publishes_nationally(actor) else actor.unit.id,
                                   title=values["title"], revision=0)
    for key, value in values.items():
        setattr(row, key, value)
    row.status, row.revision, row.updated_at = status, row.revision + 1, utcnow()
    session.add(row)
    session.flush()
    _keep_version(session, actor, row)
    audit.record(session, action="announcement.save", actor=actor, target_type="announcement",
                 target_id=row.id or 0, before=before, after=_summary(row), ip=ip)
    return row.id or 0


def withdraw(session: Session, actor: Actor, announcement_id: Any, *, ip: str = "") -> None:
    """Take a published announcement down (it stays, with its history, as withdrawn).

    Raises:
        Forbidden: not a unit that publishes. NotFound: not one of this unit's announcements.
    """
    _require_publisher(actor, ip)
    row = _own(session, actor, announcement_id)
    before = _summary(row)
    row.status, row.revision, row.updated_at = Status.WITHDRAWN.value, row.revision + 1, utcnow()
    session.add(row)
    _keep_version(session, actor, row)
    audit.record(session, action="announcement.withdraw", actor=actor, target_type="announcement",
                 target_id=row.id or 0, before=before, after=_summary(row), ip=ip)


def _keep_version(session: Session, actor: Actor, row: Announcement) -> None:
    """What the announcement says now, as its version `row.revision` (its history)."""
    session.add(AnnouncementRevision(announcement_id=row.id or 0, revision=row.revision, status=row.status,
                                     category=row.category, title=row.title, body=row.body, pinned=row.pinned,
                                     publish_from=row.publish_from, publish_until=row.publish_until,
                                     saved_by_account_id=actor.account_id))


def _summary(row: Announcement) -> dict[str, Any]:
    return {"title": row.title, "status": row.status, "category": row.category, "pinned": row.pinned,
            "revision": row.revision}


def _state(row: Announcement, now: datetime) -> str:
    """What the publisher's list says of it: draft, scheduled, live, ended, withdrawn."""
    if row.status != Status.PUBLISHED.value:
        return row.status
    if is_live(row.status, row.publish_from, row.publish_until, now):
        return "live"
    return "scheduled" if row.publish_from > now else "ended"


def manage_list(session: Session, actor: Actor, *, ip: str = "") -> list[dict[str, str]]:
    """The actor's unit's announcements, every state, newest first, with what each form field holds.

    Raises:
        Forbidden: not a unit that publishes announcements.
    """
    _require_publisher(actor, ip)
    now = utcnow()
    rows = session.exec(select(Announcement).where(Announcement.publisher_unit_id == actor.unit.id)
                        .order_by(col(Announcement.updated_at).desc(), col(Announcement.id).desc())).all()
    return [{"id": str(r.id), "title": r.title, "body": r.body, "category": r.category,
             "pinned": "1" if r.pinned else "", "state": _state(r, now), "revision": str(r.revision),
             "publish_from": _day_of(r.publish_from), "publish_until": _day_of(r.publish_until, until=True),
             "updated_at": r.updated_at.isoformat(), "national": "" if r.audience_unit_id else "1"}
            for r in rows]


def history(session: Session, actor: Actor, announcement_id: Any, *, ip: str = "") -> list[dict[str, str]]:
    """Every saved version of one of the unit's announcements, newest first.

    Raises:
        Forbidden: not a unit that publishes. NotFound: not one of this unit's announcements.
    """
    _require_publisher(actor, ip)
    row = _own(session, actor, announcement_id)
    versions = session.exec(select(AnnouncementRevision).where(AnnouncementRevision.announcement_id == row.id)
                            .order_by(col(AnnouncementRevision.revision).desc())).all()
    return [{"revision": str(v.revision), "status": v.status, "title": v.title, "saved_at": v.saved_at.isoformat()}
            for v in versions]


def _live(viewer: UnitRef | None, now: datetime) -> list[Any]:
    """The conditions of what is live for `viewer` (the audience rule of `domain.portal.reaches`, in SQL;
    nationwide units oversee every centre's announcements, so no audience condition for them)."""
    conditions = [Announcement.status == Status.PUBLISHED.value, col(Announcement.publish_from) <= now,
                  or_(col(Announcement.publish_until).is_(None), col(Announcement.publish_until) > now)]
    if viewer is None or viewer.type not in NATIONWIDE:
        reach = [viewer.id, viewer.reviewer_id] if viewer is not None else []
        conditions.append(or_(col(Announcement.audience_unit_id).is_(None),
                              col(Announcement.audience_unit_id).in_([r for r in reach if r is not None])))
    return conditions


def _public_row(row: Announcement, publishers: dict[int, Unit]) -> dict[str, str]:
    publisher = publishers.get(row.publisher_unit_id)
    return {"id": str(row.id), "title": row.title, "category": row.category, "pinned": "1" if row.pinned else "",
            "summary": plain(row.body), "published": _day_of(row.publish_from),
            "publisher": publisher.name if publisher else "", "national": "" if row.audience_unit_id else "1"}


def _publishers(session: Session, rows: list[Announcement]) -> dict[int, Unit]:
    ids = sorted({r.publisher_unit_id for r in rows})
    return {u.id or 0: u for u in session.exec(select(Unit).where(col(Unit.id).in_(ids))).all()} if ids else {}


def latest(session: Session, viewer: UnitRef | None, *, category: str = "", page: int = 1,
           limit: int = PAGE_SIZE) -> tuple[list[dict[str, str]], int]:
    """What is live for `viewer` (None: a visitor), pinned first, then newest: (rows of the page, total)."""
    now = utcnow()
    conditions = _live(viewer, now)
    if category in {c.value for c in Category}:
        conditions.append(Announcement.category == category)
    rows = list(session.exec(select(Announcement).where(*conditions)
                             .order_by(col(Announcement.pinned).desc(), col(Announcement.publish_from).desc(),
                                       col(Announcement.id).desc())
                             .offset((max(1, page) - 1) * limit).limit(limit)).all())
    total = session.exec(select(func.count()).select_from(Announcement).where(*conditions)).one()
    publishers = _publishers(session, rows)
    return [_public_row(r, publishers) for r in rows], total


def read(session: Session, viewer: UnitRef | None, announcement_id: Any) -> dict[str, str]:
    """One live announcement meant for `viewer`, its body as safe HTML.

    Raises:
        NotFound: no such announcement, not live, or not meant for this reader.
    """
    row = session.get(Announcement, require_id(announcement_id))
    if row is None or not reaches(row.audience_unit_id, viewer) or not is_live(
            row.status, row.publish_from, row.publish_until, utcnow()):
        raise NotFound()
    return {**_public_row(row, _publishers(session, [row])), "html": render(row.body),
            "updated": _day_of(row.updated_at)}


def read_attachments(session: Session, viewer: UnitRef | None, announcement_id: Any) -> list[dict[str, str]]:
    """The files of one live announcement meant for `viewer` (as `read` decides).

    Raises:
        NotFound: as `read`.
    """
    row = session.get(Announcement, require_id(announcement_id))
    if row is None or not reaches(row.audience_unit_id, viewer) or not is_live(
            row.status, row.publish_from, row.publish_until, utcnow()):
        raise NotFound()
    return _attachment_rows(session, row.id or 0)


def _attachment_rows(session: Session, announcement_id: int) -> list[dict[str, str]]:
    rows = session.exec(select(AnnouncementAttachment)
                        .where(AnnouncementAttachment.announcement_id == announcement_id)
                        .order_by(col(AnnouncementAttachment.id))).all()
    return [{"id": str(r.id), "name": r.original_name, "kb": str(max(1, r.size_bytes // 1024)),
             "href": f"/api/portal/attachments/{r.id}"} for r in rows]


def attachments(session: Session, actor: Actor, announcement_id: Any, *, ip: str = "") -> list[dict[str, str]]:
    """The files of one of the unit's announcements, whatever its state (for its publisher's page).

    Raises:
        Forbidden: not a unit that publishes. NotFound: not one of this unit's announcements.
    """
    _require_publisher(actor, ip)
    return _attachment_rows(session, _own(session, actor, announcement_id).id or 0)


def add_attachment(session: Session, actor: Actor, announcement_id: Any, filename: str, data: bytes, *,
                   ip: str = "") -> dict[str, str]:
    """Attach a file to one of the unit's announcements (checked by its bytes, as course attachments are).

    Raises:
        Forbidden: not a unit that publishes. NotFound: not one of this unit's announcements.
        ValidationFailed: too big, empty, not an allowed type, content not matching its type, too many files,
            or the announcement is withdrawn.
    """
    _require_publisher(actor, ip)
    row = _own(session, actor, announcement_id)
    if row.status == Status.WITHDRAWN.value:
        raise ValidationFailed({"attachment": "portal.error.attach_withdrawn"})
    checked = documents.check(filename, data)
    count = session.exec(select(func.count()).select_from(AnnouncementAttachment)
                         .where(AnnouncementAttachment.announcement_id == row.id)).one()
    if count >= MAX_ATTACHMENTS:
        raise ValidationFailed({"attachment": "portal.error.too_many_files"})
    stored = documents.store(data, checked.extension)
    try:
        file = AnnouncementAttachment(announcement_id=row.id or 0, stored_name=stored, original_name=checked.name,
                                      content_type=checked.content_type, size_bytes=checked.size,
                                      uploaded_by_account_id=actor.account_id)
        session.add(file)
        session.flush()
        audit.record(session, action="announcement.attachment.add", actor=actor, target_type="announcement",
                     target_id=row.id or 0, after={"file": checked.name, "bytes": checked.size}, ip=ip)
    except Exception:
        documents.discard(stored)
        raise
    return {"id": str(file.id), "name": checked.name}


def delete_attachment(session: Session, actor: Actor, attachment_id: Any, *, ip: str = "") -> None:
    """Remove a file of one of the unit's announcements.

    Raises:
        Forbidden: not a unit that publishes. NotFound: no such file on this unit's announcements.
    """
    _require_publisher(actor, ip)
    file = session.get(AnnouncementAttachment, require_id(attachment_id))
    if file is None:
        raise NotFound()
    row = _own(session, actor, file.announcement_id)
    session.delete(file)
    session.flush()
    audit.record(session, action="announcement.attachment.delete", actor=actor, target_type="announcement",
                 target_id=row.id or 0, before={"file": file.original_name}, ip=ip)
    documents.discard(file.stored_name)


def open_attachment(session: Session, actor: Actor | None, attachment_id: int) -> FileToServe:
    """The file, if its announcement is live and reaches `actor` (None: a visitor), or `actor`'s unit
    published it (a draft's files too).

    Raises:
        NotFound: no such file, or the caller may not see it (not told apart on purpose).
    """
    file = session.get(AnnouncementAttachment, attachment_id)
    row = session.get(Announcement, file.announcement_id) if file is not None else None
    if file is None or row is None:
        raise NotFound()
    viewer = actor.unit if actor is not None else None
    publisher = actor is not None and may_publish(actor) and actor.unit.id == row.publisher_unit_id
    if not publisher and not (reaches(row.audience_unit_id, viewer)
                              and is_live(row.status, row.publish_from, row.publish_until, utcnow())):
        raise NotFound()
    found = documents.serve(file.stored_name, file.original_name, file.content_type)
    if found is None:
        raise NotFound()
    return found
