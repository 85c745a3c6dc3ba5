"""Read back (SPEC §3.5): a county's own system keeps in step with the network by reading, page by page from
a cursor, its teachers' confirmed records and the courses of its jurisdiction that changed.

Only what the owner unit may see leaves: its jurisdiction (the schools it reviews; the national centre's is
the country), and teachers' national IDs and names masked unless the record came from a list the owner's own
system sent (it had them already). A cursor is opaque to the caller; rows younger than `SETTLE_SECONDS` wait
for the next call, so a transaction still open when a page is read cannot commit behind the cursor.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from tpd_app.domain.courses import CourseStatus
from tpd_app.domain.errors import ValidationFailed
from tpd_app.domain.national_id import mask_name, mask_national_id
from tpd_app.domain.permissions import Actor, Function
from tpd_app.domain.reporting import Scope
from tpd_app.domain.timeutil import utcnow
from tpd_app.domain.units import NATIONWIDE
from tpd_app.models import ApiClient, AttendanceList, Course, ReportedCourse, Teacher, TrainingRecord, Unit
from tpd_app.services.platform.guard import require
from tpd_app.services.reporting.intake import require_scope

SETTLE_SECONDS = 5.0
DEFAULT_PAGE = 500
MAX_PAGE = 1000


def _settled() -> datetime:
    return utcnow() - timedelta(seconds=SETTLE_SECONDS)


def _encode(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode(cursor: str | None) -> str | None:
    if not cursor:
        return None
    try:
        return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ValidationFailed({"after": "api.error.cursor"}) from None


def _limit(limit: int | None) -> int:
    if limit is None:
        return DEFAULT_PAGE
    if not 1 <= limit <= MAX_PAGE:
        raise ValidationFailed({"limit": "api.error.limit"}, maximum=MAX_PAGE)
    return limit


def _reach(actor: Actor) -> Any | None:
    """The units the owner may read as a condition on `Unit.id` (None: every unit, for nationwide owners)."""
    if actor.unit.type in NATIONWIDE:
        return None
    return select(Unit.id).where(sa.or_(col(Unit.reviewer_id) == actor.unit.id, col(Unit.id) == actor.unit.id))


def _require_read(session: Session, actor: Actor, client: ApiClient, ip: str) -> None:
    require_scope(actor, client, Scope.RECORDS_READ, ip=ip)
    require(actor, Function.STATS_COUNTY, ip=ip, detail="api read back")


def records(session: Session, actor: Actor, client: ApiClient, *, after: str | None = None,
            limit: int | None = None, ip: str = "") -> dict[str, Any]:
    """Confirmed records of the owner's teachers, in the order they were written, from `after` on.

    A correction writes a new record for the same teacher and course and marks the old one superseded: the
    latest record of a teacher and course is the one that counts.

    Returns `{"records": [...], "next": cursor, "more": bool}`; `next` goes in `after` of the next call.

    Raises:
        Forbidden: no `records:read` scope, or the owner's unit may not read records.
        ValidationFailed: a malformed cursor or limit.
    """
    _require_read(session, actor, client, ip)
    size = _limit(limit)
    raw = _decode(after)
    try:
        last = int(raw.removeprefix("r")) if raw is not None else 0
    except ValueError:
        raise ValidationFailed({"after": "api.error.cursor"}) from None
    own_clients = select(ApiClient.id).where(ApiClient.owner_unit_id == actor.unit.id)
    school = sa.orm.aliased(Unit)
    stmt = (select(TrainingRecord, Teacher.national_id, Teacher.name, Course.code, school.code,
                   AttendanceList.reported_by_client_id.in_(own_clients))  # type: ignore[union-attr]
            .join(Teacher, col(Teacher.id) == TrainingRecord.teacher_id)
            .join(Course, col(Course.id) == TrainingRecord.course_id)
            .join(school, col(school.id) == TrainingRecord.school_unit_id)
            .outerjoin(AttendanceList, col(AttendanceList.id) == TrainingRecord.attendance_list_id)
            .where(col(TrainingRecord.id) > last, col(TrainingRecord.confirmed_at) <= _settled()))
    reach = _reach(actor)
    if reach is not None:
        stmt = stmt.where(col(TrainingRecord.school_unit_id).in_(reach))
    rows = session.exec(stmt.order_by(col(TrainingRecord.id)).limit(size + 1)).all()
    page = rows[:size]
    out = []
    for record, national_id, name, course_code, school_code, own in page:
        sent = bool(own)
        out.append({
            "id": record.id, "national_id": national_id if sent else mask_national_id(national_id),
            "name": name if sent else mask_name(name), "masked": not sent, "course_code": course_code,
            "school_code": school_code, "hours": record.minutes / 60, "credited_on": record.credited_on,
            "school_year": record.school_year, "confirmed_at": record.confirmed_at,
            "superseded": record.superseded_at is not None})
    next_cursor = _encode(f"r{page[-1][0].id}") if page else (after or "")
    return {"records": out, "next": next_cursor, "more": len(rows) > size}


def courses(session: Session, actor: Actor, client: ApiClient, *, after: str | None = None,
            limit: int | None = None, ip: str = "") -> dict[str, Any]:
    """Courses organized in the owner's jurisdiction, in the order they last changed, from `after` on (a
    course changed again comes again). Courses the owner's system sent carry its `external_id`.

    Returns `{"courses": [...], "next": cursor, "more": bool}`.

    Raises:
        Forbidden: no `records:read` scope, or the owner's unit may not read them.
        ValidationFailed: a malformed cursor or limit.
    """
    _require_read(session, actor, client, ip)
    size = _limit(limit)
    raw = _decode(after)
    stmt = (select(Course, Unit.code, Unit.name, ReportedCourse.external_id)
            .join(Unit, col(Unit.id) == Course.organizer_unit_id)
            .outerjoin(ReportedCourse, sa.and_(col(ReportedCourse.course_id) == Course.id,
                                               col(ReportedCourse.owner_unit_id) == actor.unit.id))
            .where(col(Course.updated_at) <= _settled(), col(Course.status) != CourseStatus.DRAFT.value))
    if raw is not None:
        try:
            stamp, _, ident = raw.partition("~")
            since, since_id = datetime.fromisoformat(stamp), int(ident)
            if since.tzinfo is None:
                raise ValueError(stamp)
        except ValueError:
            raise ValidationFailed({"after": "api.error.cursor"}) from None
        stmt = stmt.where(sa.or_(col(Course.updated_at) > since,
                                 sa.and_(col(Course.updated_at) == since, col(Course.id) > since_id)))
    reach = _reach(actor)
    if reach is not None:
        stmt = stmt.where(col(Course.organizer_unit_id).in_(reach))
    rows = session.exec(stmt.order_by(col(Course.updated_at), col(Course.id)).limit(size + 1)).all()
    page = rows[:size]
    out = [{"code": course.code, "external_id": external_id, "title": course.title, "status": course.status,
            "kind": course.kind, "organizer_code": unit_code, "organizer_name": unit_name,
            "first_date": course.first_date, "last_date": course.last_date, "hours": course.hours_minutes / 60,
            "capacity": course.capacity, "updated_at": course.updated_at}
           for course, unit_code, unit_name, external_id in page]
    last = page[-1][0] if page else None
    next_cursor = _encode(f"{last.updated_at.isoformat()}~{last.id}") if last else (after or "")
    return {"courses": out, "next": next_cursor, "more": len(rows) > size}
