"""Course attachments: checked on the server, stored privately under generated names, and served
only to whoever may see the course (anyone once it is published; otherwise its organizer and
its reviewing centre).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, select

from tpd_app.domain.courses import PUBLISHED, CourseStatus
from tpd_app.domain.errors import DomainError, NotFound, ValidationFailed
from tpd_app.domain.permissions import Actor, Function, may
from tpd_app.models import CatalogueEntry, Course, CourseAttachment, Unit
from tpd_app.services.courses.access import load_managed
from tpd_app.services.courses.lifecycle import list_attachments
from tpd_app.services.platform import audit
from tpd_app.services.platform.guard import unit_ref
from tpd_app.services.platform.refcache import KeyedCache
from tpd_app.settings import get_settings

MAX_BYTES = 5 * 1024 * 1024
MAX_PER_COURSE = 5
_ZIP = b"PK\x03\x04"
#: Extension -> (content type, magic bytes the file must start with). The browser's claimed
#: type and the upload component's `accept` are ignored: only the bytes count.
ALLOWED: dict[str, tuple[str, bytes]] = {
    ".pdf": ("application/pdf", b"%PDF-"),
    ".png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", _ZIP),
    ".odt": ("application/vnd.oasis.opendocument.text", _ZIP),
}


def storage_dir() -> Path:
    """The private directory (never Reflex's public upload folder)."""
    path = get_settings().attachments_dir
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _clean_name(name: str) -> str:
    base = Path(str(name or "")).name.replace("\x00", "").strip()
    return base[-200:] or "attachment"


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
    name = _clean_name(filename)
    extension = Path(name).suffix.lower()
    if extension not in ALLOWED:
        raise ValidationFailed({"attachment": "attachment.error.type"})
    if not data or len(data) > MAX_BYTES:
        raise ValidationFailed({"attachment": "attachment.error.size"})
    content_type, magic = ALLOWED[extension]
    if not data.startswith(magic):
        raise ValidationFailed({"attachment": "attachment.error.content"})
    existing = session.exec(select(CourseAttachment.id).where(CourseAttachment.course_id == course.id)).all()
    if len(existing) >= MAX_PER_COURSE:
        raise ValidationFailed({"attachment": "attachment.error.too_many"})
    stored = uuid.uuid4().hex + extension
    row = CourseAttachment(course_id=course.id or 0, stored_name=stored, original_name=name,
                           content_type=content_type, size_bytes=len(data),
                           uploaded_by_account_id=actor.account_id)
    session.add(row)
    session.flush()
    target = storage_dir() / stored
    target.write_bytes(data)
    try:
        audit.record(session, action="course.attachment.add", actor=actor, target_type="course",
                     target_id=course.code, after={"file": name, "bytes": len(data)}, ip=ip)
    except Exception:
        target.unlink(missing_ok=True)
        raise
    return {"id": str(row.id), "name": name}


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
    (storage_dir() / row.stored_name).unlink(missing_ok=True)


def _read_published_attachments(session: Session, code: str) -> list[dict[str, str]]:
    entry = session.exec(select(CatalogueEntry).where(CatalogueEntry.code == code)).first()
    return list_attachments(session, entry.course_id) if entry else []


#: Read with every visit of a course page (`catalogue.published_detail` keeps the rest of it).
_published = KeyedCache(_read_published_attachments, seconds=5.0, size=512,
                        tables=("catalogue_entry", "course_attachment"))


def published_attachments(session: Session, code: str) -> list[dict[str, str]]:
    """Attachments of a published course (for its public page)."""
    return _published.get(session, code)


@dataclass(frozen=True)
class FileToServe:
    path: Path
    name: str
    content_type: str


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
    path = storage_dir() / row.stored_name
    if not path.is_file():
        raise NotFound()
    return FileToServe(path=path, name=row.original_name, content_type=row.content_type)


def _may_see(session: Session, actor: Actor | None, course: Course, organizer: Unit) -> bool:
    published = session.exec(select(CatalogueEntry.id).where(CatalogueEntry.course_id == course.id)).first()
    if CourseStatus(course.status) in PUBLISHED or published is not None:
        return True
    if actor is None:
        return False
    if organizer.id == actor.unit.id:
        return may(actor, Function.COURSE_BROWSE_OWN, unit_ref(organizer))
    return may(actor, Function.COURSE_REVIEW, unit_ref(organizer))
