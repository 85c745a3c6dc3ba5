"""Course attachments: checked on the server, stored privately under generated names, and served
only to whoever may see the course (anyone once it is published; otherwise its organizer and
its reviewing centre).
"""

from __future__ import annotations

from sqlmodel import Session, select

from tpd_app.domain.courses import PUBLISHED, CourseStatus
from tpd_app.domain.errors import DomainError, NotFound, ValidationFailed
from tpd_app.domain.permissions import Actor, Function, may
from tpd_app.models import CatalogueEntry, Course, CourseAttachment, Unit
from tpd_app.services.courses.access import load_managed
from tpd_app.services.courses.lifecycle import list_attachments
from tpd_app.services.platform import audit, documents
from tpd_app.services.platform.documents import FileToServe
from tpd_app.services.platform.guard import unit_ref
from tpd_app.services.platform.refcache import KeyedCache

MAX_BYTES = documents.MAX_BYTES
MAX_PER_COURSE = 5


def add_attachment(session: Session, actor: Actor, course_id: int, filename: str, data: bytes, *,
                   ip: str = "") -> dict[str, str]:
    """Attach a file to the own unit's course.

    Raises:
        Forbidden: not the actor's unit's course.
        ValidationFailed: too big, empty, not an allowed type, content not matching its type, too many files.
        DomainError: the course is cancelled or rejected.
    """
    course, _ = load_managed(session, actor, course_id, ip=ip)
    if course.status in (CourseStatus.CANCELLED.value, CourseStatus.REJECTED.value):
        raise DomainError("course.error.transition.edit")
    checked = documents.check(filename, data)
    existing = session.exec(select(CourseAttachment.id).where(CourseAttachment.course_id == course.id)).all()
    if len(existing) >= MAX_PER_COURSE:
        raise ValidationFailed({"attachment": "attachment.error.too_many"})
    stored = documents.store(data, checked.extension)
    try:
        row = CourseAttachment(course_id=course.id or 0, stored_name=stored, original_name=checked.name,
                               content_type=checked.content_type, size_bytes=checked.size,
                               uploaded_by_account_id=actor.account_id)
        session.add(row)
        session.flush()
        audit.record(session, action="course.attachment.add", actor=actor, target_type="course",
                     target_id=course.code, after={"file": checked.name, "bytes": checked.size}, ip=ip)
    except Exception:
        documents.discard(stored)
        raise
    return {"id": str(row.id), "name": checked.name}


def delete_attachment(session: Session, actor: Actor, attachment_id: int, *, ip: str = "") -> None:
    """Remove an attachment of the own unit's course.

    Raises:
        NotFound: no such attachment.
        Forbidden: not the actor's unit's course.
    """
    row = session.get(CourseAttachment, attachment_id) if isinstance(attachment_id, int) else None
    if row is None:
        raise NotFound()
    course, _ = load_managed(session, actor, row.course_id, ip=ip)
    session.delete(row)
    session.flush()
    audit.record(session, action="course.attachment.delete", actor=actor, target_type="course",
                 target_id=course.code, before={"file": row.original_name}, ip=ip)
    documents.discard(row.stored_name)


def _read_published_attachments(session: Session, code: str) -> list[dict[str, str]]:
    entry = session.exec(select(CatalogueEntry).where(CatalogueEntry.code == code)).first()
    return list_attachments(session, entry.course_id) if entry else []


#: Read with every visit of a course page (`catalogue.published_detail` keeps the rest of it).
_published = KeyedCache(_read_published_attachments, seconds=5.0, size=512,
                        tables=("catalogue_entry", "course_attachment"))


def published_attachments(session: Session, code: str) -> list[dict[str, str]]:
    """Attachments of a published course (for its public page)."""
    return _published.get(session, code)


def open_attachment(session: Session, actor: Actor | None, attachment_id: int) -> FileToServe:
    """The file, if `actor` (None: not signed in) may see its course.

    Raises:
        NotFound: no such attachment, or the caller may not see it (not told apart on purpose).
    """
    row = session.get(CourseAttachment, attachment_id)
    course = session.get(Course, row.course_id) if row else None
    organizer = session.get(Unit, course.organizer_unit_id) if course else None
    if row is None or course is None or organizer is None:
        raise NotFound()
    if not _may_see(session, actor, course, organizer):
        raise NotFound()
    found = documents.serve(row.stored_name, row.original_name, row.content_type)
    if found is None:
        raise NotFound()
    return found


def _may_see(session: Session, actor: Actor | None, course: Course, organizer: Unit) -> bool:
    published = session.exec(select(CatalogueEntry.id).where(CatalogueEntry.course_id == course.id)).first()
    if CourseStatus(course.status) in PUBLISHED or published is not None:
        return True
    if actor is None:
        return False
    if organizer.id == actor.unit.id:
        return may(actor, Function.COURSE_BROWSE_OWN, unit_ref(organizer))
    return may(actor, Function.COURSE_REVIEW, unit_ref(organizer))
