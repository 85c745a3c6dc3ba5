"""名單上傳 → 名單確認 (SPEC §3.3): the organizer's attendance list, its Excel import, the reviewing
centre's confirmation that credits the hours ledger (all or nothing), returns and corrections.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, NamedTuple

import sqlalchemy as sa
from openpyxl import Workbook
from sqlmodel import Session, col, func, select

from tpd_app.domain.courses import MAX_REASON, PUBLISHED, hours_text, parse_hours
from tpd_app.domain.errors import DomainError, Forbidden, NotFound, ValidationFailed
from tpd_app.domain.national_id import (
    is_valid_national_id,
    looks_like_national_id,
    mask_national_id,
    normalize_national_id,
)
from tpd_app.domain.permissions import Actor, Function, may
from tpd_app.domain.registration import EDITABLE, ListStatus, attendance_deadline, hours_problem, is_late
from tpd_app.domain.timeutil import format_date, format_datetime, taipei_today, utcnow
from tpd_app.domain.training_years import school_year_of
from tpd_app.domain.units import NATIONWIDE
from tpd_app.domain.workqueue import SOON_DAYS, Queue, QueueItem
from tpd_app.i18n import translate
from tpd_app.models import (
    AttendanceEntry,
    AttendanceEvent,
    AttendanceList,
    Course,
    CourseRegistration,
    Teacher,
    TrainingRecord,
    Unit,
)
from tpd_app.services.courses.access import load_managed, reviewing_centre_id
from tpd_app.services.platform import audit, outbox
from tpd_app.services.platform.guard import require, unit_ref
from tpd_app.services.platform.ids import require_id
from tpd_app.services.platform.uploads import read_rows, upload_problem
from tpd_app.services.platform.validation import clean
from tpd_app.services.stats import rollups

L = ListStatus
COLUMNS = (("national_id", "身分證字號"), ("name", "姓名"), ("hours", "時數"))
MAX_ENTRIES = 2000
PAGE_SIZE = 50


def template_bytes() -> bytes:
    """The attendance template: 身分證字號, 姓名, 時數, and a sheet explaining them."""
    book = Workbook()
    sheet = book.active
    sheet.title = "研習名單"
    sheet.append([label for _, label in COLUMNS])
    for column, width in zip("ABC", (14, 12, 8), strict=True):
        sheet.column_dimensions[column].width = width
    notes = book.create_sheet("說明")
    for line in ("每列一位實際參加的教師，第一列為標題請勿修改。",
                 "身分證字號：必填，需為本網已登錄之教師。姓名：必填，須與登錄資料相符。",
                 "時數：例 3 或 1.5（以半小時為單位），不得超過課程時數；空白則以課程時數計。"):
        notes.append([line])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _ended(course: Course, today: date) -> bool:
    return course.last_date is not None and course.last_date < today


def _list_of(session: Session, course: Course) -> AttendanceList | None:
    return session.exec(select(AttendanceList).where(AttendanceList.course_id == course.id)).first()


def _event(session: Session, actor: Actor, roster: AttendanceList, action: str, reason: str = "") -> None:
    session.flush()
    entries = session.exec(select(func.count()).select_from(AttendanceEntry)
                           .where(AttendanceEntry.list_id == roster.id)).one()
    session.add(AttendanceEvent(list_id=roster.id or 0, unit_id=actor.unit.id,
                                account_id=actor.account_id, action=action,
                                revision=roster.revision, reason=reason, entries=entries, late=roster.late))
    session.flush()


def _entries(session: Session, roster: AttendanceList) -> list[AttendanceEntry]:
    return list(session.exec(select(AttendanceEntry).where(AttendanceEntry.list_id == roster.id)
                             .order_by(col(AttendanceEntry.id))).all())


def _managed_list(session: Session, actor: Actor, course_id: Any, *, ip: str = "", create: bool = False,
                  today: date | None = None) -> tuple[Course, AttendanceList | None]:
    course, organizer = load_managed(session, actor, require_id(course_id), ip=ip)
    roster = _list_of(session, course)
    if roster is None and create:
        if course.status not in {s.value for s in PUBLISHED}:
            raise DomainError("attendance.error.not_published")
        if not _ended(course, today or taipei_today()):
            raise DomainError("attendance.error.not_ended")
        roster = AttendanceList(course_id=course.id or 0, organizer_unit_id=organizer.id or 0,
                                reviewer_unit_id=course.reviewer_unit_id or reviewing_centre_id(session, organizer))
        session.add(roster)
        session.flush()
        accepted = session.exec(select(CourseRegistration.teacher_id).where(
            CourseRegistration.course_id == course.id, CourseRegistration.status == "accepted")).all()
        for teacher_id in accepted:
            session.add(AttendanceEntry(list_id=roster.id or 0, teacher_id=teacher_id,
                                        minutes=course.hours_minutes, source="registration"))
        session.flush()
        audit.record(session, action="attendance.create", actor=actor, target_type="course", target_id=course.code,
                     after={"entries": len(accepted)}, ip=ip)
    return course, roster


def _editable(session: Session, actor: Actor, course_id: Any, *, ip: str = "",
              today: date | None = None) -> tuple[Course, AttendanceList]:
    course, roster = _managed_list(session, actor, course_id, ip=ip, create=True, today=today)
    assert roster is not None
    if roster.status not in EDITABLE:
        raise DomainError("attendance.error.not_editable")
    return course, roster


def due_lists(session: Session, actor: Actor, *, today: date | None = None, ip: str = "") -> list[dict[str, str]]:
    """The own unit's ended courses whose list is not yet confirmed, with deadline and overdue flag.

    Raises:
        Forbidden: the actor may not manage its unit's courses.
    """
    require(actor, Function.COURSE_MANAGE, ip=ip)
    today = today or taipei_today()
    rows = session.exec(select(Course, AttendanceList)
                        .join(AttendanceList, col(AttendanceList.course_id) == Course.id, isouter=True)
                        .where(Course.organizer_unit_id == actor.unit.id,
                               col(Course.status).in_([s.value for s in PUBLISHED]),
                               col(Course.last_date) < today)
                        .order_by(col(Course.last_date).desc()).limit(200)).all()
    result = []
    for course, roster in rows:
        status = roster.status if roster else L.NONE.value
        assert course.last_date is not None
        deadline = attendance_deadline(course.last_date)
        result.append({"course_id": str(course.id), "code": course.code, "title": course.title,
                       "last_date": format_date(course.last_date, roc=False),
                       "deadline": format_date(deadline, roc=False), "status": status,
                       "overdue": "1" if status in (L.NONE, *EDITABLE) and today > deadline else "",
                       "late": "1" if roster and roster.late else ""})
    return result


def list_view(session: Session, actor: Actor, course_id: Any, *, ip: str = "",
              today: date | None = None) -> dict[str, Any]:
    """The course's attendance list for its organizer (created from accepted registrants on first open).

    Raises:
        Forbidden: not the organizer. NotFound: no such course.
        DomainError: the course has not ended or is not published (no list yet).
    """
    course, roster = _managed_list(session, actor, course_id, ip=ip, create=True, today=today)
    assert roster is not None
    return _view(session, course, roster)


def _view(session: Session, course: Course, roster: AttendanceList) -> dict[str, Any]:
    rows = session.exec(select(AttendanceEntry, Teacher, Unit)
                        .join(Teacher, col(Teacher.id) == AttendanceEntry.teacher_id)
                        .join(Unit, col(Unit.id) == Teacher.school_unit_id)
                        .where(AttendanceEntry.list_id == roster.id).order_by(col(AttendanceEntry.id))).all()
    assert course.last_date is not None
    history = session.exec(select(AttendanceEvent, Unit.name).join(Unit, col(Unit.id) == AttendanceEvent.unit_id)
                           .where(AttendanceEvent.list_id == roster.id)
                           .order_by(col(AttendanceEvent.id).desc())).all()
    return {
        "list": {"id": str(roster.id), "course_id": str(course.id), "code": course.code, "title": course.title,
                 "status": roster.status, "revision": str(roster.revision), "late": "1" if roster.late else "",
                 "return_reason": roster.return_reason, "course_hours": hours_text(course.hours_minutes),
                 "last_date": format_date(course.last_date, roc=False),
                 "deadline": format_date(attendance_deadline(course.last_date), roc=False),
                 "editable": "1" if roster.status in EDITABLE else "",
                 "count": str(len(rows)),
                 "total_hours": hours_text(sum(e.minutes for e, _, _ in rows))},
        "entries": [{"teacher_id": str(t.id), "name": t.name, "national_id": mask_national_id(t.national_id),
                     "school": u.name, "hours": hours_text(e.minutes), "source": e.source}
                    for e, t, u in rows],
        "history": [{"action": ev.action, "unit": name, "reason": ev.reason, "revision": str(ev.revision),
                     "entries": str(ev.entries), "late": "1" if ev.late else "",
                     "at": format_datetime(ev.at, roc=False)}
                    for ev, name in history],
    }


def _parse_minutes(raw: Any, course: Course) -> tuple[int | None, str | None]:
    text = "" if raw is None else str(raw).strip()
    if not text:
        return course.hours_minutes, None
    if text.endswith(".0"):
        text = text[:-2]
    minutes = parse_hours(text)
    if minutes is None:
        return None, "attendance.error.hours_invalid"
    return minutes, hours_problem(minutes, course.hours_minutes)


def _upsert(session: Session, roster: AttendanceList, teacher_id: int, minutes: int, source: str) -> None:
    entry = session.exec(select(AttendanceEntry).where(AttendanceEntry.list_id == roster.id,
                                                       AttendanceEntry.teacher_id == teacher_id)).first()
    if entry is None:
        if len(_entries(session, roster)) >= MAX_ENTRIES:
            raise ValidationFailed({"national_id": "attendance.error.too_many"})
        entry = AttendanceEntry(list_id=roster.id or 0, teacher_id=teacher_id, minutes=minutes, source=source)
    entry.minutes = minutes
    session.add(entry)
    roster.updated_at = utcnow()
    session.add(roster)
    session.flush()


class KnownTeacher(NamedTuple):
    """What checking a row needs of a teacher, without loading the whole row."""

    id: int
    national_id: str
    name: str


def _teacher_problem(session: Session, national_id: str, name: str | None,
                     known: dict[str, KnownTeacher] | None = None
                     ) -> tuple[Teacher | KnownTeacher | None, str | None]:
    """(teacher, problem key or None) of one ID; `known`: the teachers of a whole list, looked up at once."""
    if not looks_like_national_id(national_id):
        return None, "attendance.error.id_format"
    if not is_valid_national_id(national_id):
        return None, "attendance.error.checksum"
    if known is not None:
        teacher = known.get(national_id)
    else:
        teacher = session.exec(select(Teacher).where(Teacher.national_id == national_id)).first()
    if teacher is None:
        return None, "attendance.error.unknown"
    if name is not None and name.replace(" ", "") != teacher.name.replace(" ", ""):
        return None, "attendance.error.name_mismatch"
    return teacher, None


#: National IDs in one lookup query (well under the bound-parameter limits of SQLite and PostgreSQL).
LOOKUP_CHUNK = 500


def _known_teachers(session: Session, national_ids: list[str]) -> dict[str, KnownTeacher]:
    """The teachers among `national_ids` (normalized), by ID: one query per LOOKUP_CHUNK IDs instead of one
    a row, so a list of 2,000 is checked with four queries."""
    wanted = sorted({n for n in national_ids if looks_like_national_id(n)})
    found: dict[str, KnownTeacher] = {}
    for first in range(0, len(wanted), LOOKUP_CHUNK):
        chunk = wanted[first:first + LOOKUP_CHUNK]
        found.update((n, KnownTeacher(i or 0, n, name)) for i, n, name in session.exec(
            select(Teacher.id, Teacher.national_id, Teacher.name).where(col(Teacher.national_id).in_(chunk))).all())
    return found


def _check_row(session: Session, course: Course, national_id: str, name: str | None, hours: Any,
               seen: set[str], known: dict[str, KnownTeacher] | None = None
               ) -> tuple[Teacher | KnownTeacher | None, int | None, str | None]:
    """One attendee row of an import or a pushed list: (teacher, minutes, problem key or None); `seen`
    collects the IDs so far (a second row of the same ID is a duplicate). `name` None: not checked;
    `known`: the list's teachers from `_known_teachers`."""
    minutes, problem = _parse_minutes(hours, course)
    teacher = None
    if national_id in seen:
        problem = "attendance.error.duplicate"
    else:
        teacher, id_problem = _teacher_problem(session, national_id, name, known)
        problem = id_problem or problem
    seen.add(national_id)
    return teacher, minutes, problem


def add_walk_in(session: Session, actor: Actor, course_id: Any, national_id: Any, hours: Any = "", *,
                ip: str = "", today: date | None = None) -> None:
    """Add a teacher who came without registering, by national ID (hours default to the course's).

    Raises:
        Forbidden, NotFound: as `list_view`. DomainError: the list is not editable.
        ValidationFailed: unknown ID, checksum wrong, or hours over the course's.
    """
    course, roster = _editable(session, actor, course_id, ip=ip, today=today)
    teacher, problem = _teacher_problem(session, normalize_national_id(clean(national_id, 20)), None)
    if problem:
        raise ValidationFailed({"national_id": problem})
    minutes, problem = _parse_minutes(hours, course)
    if problem or minutes is None:
        raise ValidationFailed({"hours": problem or "attendance.error.hours_invalid"})
    assert teacher is not None
    _upsert(session, roster, teacher.id or 0, minutes, "walk_in")
    audit.record(session, action="attendance.add", actor=actor, target_type="course", target_id=course.code,
                 after={"teacher": mask_national_id(teacher.national_id), "minutes": minutes}, ip=ip)


def set_hours(session: Session, actor: Actor, course_id: Any, teacher_id: Any, hours: Any, *,
              ip: str = "", today: date | None = None) -> None:
    """Change one attendee's hours (never more than the course's).

    Raises:
        Forbidden, NotFound, DomainError: as `add_walk_in`. ValidationFailed: hours invalid or over.
    """
    course, roster = _editable(session, actor, course_id, ip=ip, today=today)
    entry = session.exec(select(AttendanceEntry).where(AttendanceEntry.list_id == roster.id,
                                                       AttendanceEntry.teacher_id == require_id(teacher_id))).first()
    if entry is None:
        raise NotFound()
    minutes, problem = _parse_minutes(clean(hours, 10) or "x", course)
    if problem or minutes is None:
        raise ValidationFailed({"hours": problem or "attendance.error.hours_invalid"})
    before = entry.minutes
    entry.minutes = minutes
    session.add(entry)
    session.flush()
    audit.record(session, action="attendance.hours", actor=actor, target_type="course", target_id=course.code,
                 before={"teacher_id": entry.teacher_id, "minutes": before},
                 after={"teacher_id": entry.teacher_id, "minutes": minutes}, ip=ip)


def remove_entry(session: Session, actor: Actor, course_id: Any, teacher_id: Any, *, ip: str = "",
                 today: date | None = None) -> None:
    """Take someone off the list (she did not attend).

    Raises:
        Forbidden, NotFound, DomainError: as `add_walk_in`.
    """
    course, roster = _editable(session, actor, course_id, ip=ip, today=today)
    entry = session.exec(select(AttendanceEntry).where(AttendanceEntry.list_id == roster.id,
                                                       AttendanceEntry.teacher_id == require_id(teacher_id))).first()
    if entry is None:
        raise NotFound()
    session.delete(entry)
    session.flush()
    audit.record(session, action="attendance.remove", actor=actor, target_type="course", target_id=course.code,
                 before={"teacher_id": entry.teacher_id, "minutes": entry.minutes}, ip=ip)


def import_list(session: Session, actor: Actor, course_id: Any, filename: str, data: bytes, *,
                accept_good_rows: bool = False, ip: str = "", today: date | None = None,
                progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Import attendees from the Excel template; report every row (`progress(done, total)` hears of each
    hundred).

    Nothing is imported while any row is bad, unless `accept_good_rows` (the user saw the report and
    chose to import the good rows). The file is checked (type, size, zip, rows) before it is parsed.

    Returns `{"rows": [...], "imported": n, "errors": n}`.

    Raises:
        Forbidden, NotFound, DomainError: as `add_walk_in`.
        ValidationFailed: the file as a whole is refused.
    """
    course, roster = _editable(session, actor, course_id, ip=ip, today=today)
    if problem := upload_problem(filename, data):
        raise ValidationFailed({"file": problem})
    report: list[dict[str, str]] = []
    good: list[tuple[int, int]] = []
    seen: set[str] = set()
    rows = list(read_rows(data, COLUMNS))
    known = _known_teachers(session, [normalize_national_id(str(r.get("national_id") or "")) for r in rows])
    for number, raw in enumerate(rows, start=2):
        if progress and number % 100 == 0:
            progress(number - 2, len(rows))
        national_id = normalize_national_id(str(raw.get("national_id") or ""))
        name = str(raw.get("name") or "").strip()
        teacher, minutes, problem = _check_row(session, course, national_id, name, raw.get("hours"), seen, known)
        report.append({"row": str(number), "national_id": mask_national_id(national_id), "name": name[:100],
                       "hours": hours_text(minutes) if minutes else str(raw.get("hours") or ""),
                       "outcome": "error" if problem else "ok", "message": problem or "attendance.row_ok"})
        if not problem and teacher is not None and minutes is not None:
            good.append((teacher.id or 0, minutes))
    errors = sum(1 for r in report if r["outcome"] == "error")
    imported = 0
    if errors == 0 or accept_good_rows:
        for teacher_id, minutes in good:
            _upsert(session, roster, teacher_id, minutes, "import")
        imported = len(good)
        audit.record(session, action="attendance.import", actor=actor, target_type="course",
                     target_id=course.code, after={"file": filename[:100], "rows": len(report),
                                                   "imported": imported, "errors": errors}, ip=ip)
    return {"rows": report, "imported": imported, "errors": errors}


def replace_reported_list(session: Session, actor: Actor, course: Course, organizer: Unit, rows: list[Any], *,
                          month: str, client_id: int, ip: str = "", today: date | None = None) -> dict[str, Any]:
    """The whole list of `course` as a back-end county's system sent it (SPEC §3.5): every row is checked
    as an Excel row is (ID and checksum, a known teacher, the name when given, hours not above the
    course's); the good rows replace the list, which waits, provisional, for the month's confirmation. A
    confirmed list sent again with other rows becomes its next revision; the same rows again change nothing.
    The caller has checked the county's jurisdiction over `organizer`.

    Returns `{"result": created | replaced | unchanged, "accepted", "rejected", "rows": [...]}`.

    Raises:
        DomainError: the course is not published or has not ended.
        ValidationFailed: more rows than a list may have.
    """
    today = today or taipei_today()
    if course.status not in {s.value for s in PUBLISHED}:
        raise DomainError("attendance.error.not_published")
    if not _ended(course, today):
        raise DomainError("attendance.error.not_ended")
    if len(rows) > MAX_ENTRIES:
        raise ValidationFailed({"rows": "attendance.error.too_many"})
    report: list[dict[str, str]] = []
    good: dict[int, int] = {}
    seen: set[str] = set()
    rows = [raw if isinstance(raw, dict) else {} for raw in rows]
    ids = [normalize_national_id(clean(r.get("national_id"), 20)) for r in rows]
    known = _known_teachers(session, ids)
    for number, (raw, national_id) in enumerate(zip(rows, ids, strict=True)):
        name = clean(raw.get("name"), 100) or None
        teacher, minutes, problem = _check_row(session, course, national_id, name, raw.get("hours"), seen, known)
        report.append({"row": str(number), "national_id": mask_national_id(national_id),
                       "result": "rejected" if problem else "accepted", "problem": problem or ""})
        if not problem and teacher is not None and minutes is not None:
            good[teacher.id or 0] = minutes
    accepted = len(good)
    outcome = {"accepted": accepted, "rejected": len(report) - accepted, "rows": report}
    if not good:
        return {"result": "unchanged", **outcome}
    roster = _list_of(session, course)
    current = dict(session.exec(select(AttendanceEntry.teacher_id, AttendanceEntry.minutes)
                                .where(AttendanceEntry.list_id == roster.id)).all()) if roster else {}
    if roster is not None and current == good and roster.status in (L.SUBMITTED.value, L.CONFIRMED.value):
        return {"result": "unchanged", **outcome}
    result = "replaced" if roster is not None else "created"
    if roster is None:
        roster = AttendanceList(course_id=course.id or 0, organizer_unit_id=organizer.id or 0,
                                reviewer_unit_id=actor.unit.id)
        session.add(roster)
        session.flush()
    elif roster.status == L.CONFIRMED.value:
        roster.revision += 1
    # Whole lists of up to 2,000 rows: one DELETE and one executemany, without an ORM object a row.
    session.execute(sa.delete(AttendanceEntry).where(col(AttendanceEntry.list_id) == roster.id),
                    execution_options={"synchronize_session": False})
    session.execute(sa.insert(AttendanceEntry), [
        {"list_id": roster.id or 0, "teacher_id": t, "minutes": m, "source": "api"} for t, m in sorted(good.items())])
    assert course.last_date is not None
    roster.status, roster.reviewer_unit_id, roster.return_reason = L.SUBMITTED.value, actor.unit.id, ""
    roster.reported_month, roster.reported_by_client_id = month, client_id
    roster.late = is_late(course.last_date, today)
    roster.submitted_at = roster.updated_at = utcnow()
    session.add(roster)
    session.flush()
    _event(session, actor, roster, "reported")
    audit.record(session, action="attendance.reported", actor=actor, target_type="course", target_id=course.code,
                 after={"list": roster.id, "revision": roster.revision, "entries": accepted,
                        "rejected": outcome["rejected"], "month": month}, ip=ip)
    return {"result": result, **outcome}


def submit_list(session: Session, actor: Actor, course_id: Any, *, ip: str = "", today: date | None = None) -> bool:
    """Send the list to the reviewing centre; returns whether it is late (more than a month after the end).

    Raises:
        Forbidden, NotFound, DomainError: as `add_walk_in`; `attendance.error.empty` without attendees.
    """
    course, roster = _editable(session, actor, course_id, ip=ip, today=today)
    if not _entries(session, roster):
        raise DomainError("attendance.error.empty")
    assert course.last_date is not None
    before = roster.status
    roster.status = L.SUBMITTED.value
    roster.late = is_late(course.last_date, today or taipei_today())
    roster.submitted_at = utcnow()
    roster.return_reason = ""
    session.add(roster)
    session.flush()
    _event(session, actor, roster, "submit")
    audit.record(session, action="attendance.submit", actor=actor, target_type="course", target_id=course.code,
                 before={"status": before}, after={"status": roster.status, "late": roster.late,
                                                   "revision": roster.revision}, ip=ip)
    return roster.late


def start_correction(session: Session, actor: Actor, course_id: Any, *, ip: str = "") -> None:
    """Reopen a confirmed list for a correction; it goes through confirmation again.

    Raises:
        Forbidden, NotFound: as `list_view`. DomainError: the list is not confirmed.
    """
    course, roster = _managed_list(session, actor, course_id, ip=ip)
    if roster is None or roster.status != L.CONFIRMED.value:
        raise DomainError("attendance.error.not_confirmed")
    roster.status = L.DRAFT.value
    roster.revision += 1
    session.add(roster)
    session.flush()
    _event(session, actor, roster, "correct")
    audit.record(session, action="attendance.correct", actor=actor, target_type="course", target_id=course.code,
                 after={"revision": roster.revision}, ip=ip)


def _scoped(stmt: Any, nationwide: bool, unit_id: Any) -> Any:
    """The lists centre `unit_id` (a value or a bound parameter) confirms: those it reviews; a nationwide
    centre every list but its own."""
    stmt = stmt.where(AttendanceList.organizer_unit_id != unit_id)
    return stmt if nationwide else stmt.where(AttendanceList.reviewer_unit_id == unit_id)


def _scope(stmt: Any, actor: Actor) -> Any:
    return _scoped(stmt, actor.unit.type in NATIONWIDE, actor.unit.id)


def confirmation_queue(session: Session, actor: Actor, *, ip: str = "") -> list[dict[str, str]]:
    """名單確認: submitted lists awaiting this centre, late ones flagged, oldest first.

    Raises:
        Forbidden: not a reviewing centre.
    """
    require(actor, Function.COURSE_REVIEW, ip=ip)
    stmt = _scope(select(AttendanceList, Course, Unit).join(Course, col(Course.id) == AttendanceList.course_id)
                  .join(Unit, col(Unit.id) == AttendanceList.organizer_unit_id), actor)
    # Lists a back-end county's system sent are confirmed with their month (`reporting.months`), not here.
    rows = session.exec(stmt.where(AttendanceList.status == L.SUBMITTED.value,
                                   col(AttendanceList.reported_month).is_(None))
                        .order_by(col(AttendanceList.submitted_at)).limit(200)).all()
    return [{"id": str(roster.id), "code": course.code, "title": course.title, "organizer": unit.name,
             "last_date": format_date(course.last_date, roc=False) if course.last_date else "",
             "revision": str(roster.revision), "late": "1" if roster.late else "",
             "submitted_at": format_datetime(roster.submitted_at, roc=False)}
            for roster, course, unit in rows]


def _for_decision(session: Session, actor: Actor, list_id: Any, *, ip: str = "") -> tuple[AttendanceList, Course]:
    require(actor, Function.COURSE_REVIEW, ip=ip)
    roster = session.get(AttendanceList, require_id(list_id))
    if roster is None:
        raise NotFound()
    course = session.get(Course, roster.course_id)
    organizer = session.get(Unit, roster.organizer_unit_id)
    if course is None or organizer is None:
        raise NotFound()
    require(actor, Function.COURSE_REVIEW, unit_ref(organizer), ip=ip, detail=f"attendance {course.code}")
    # Conflict of interest: nobody confirms the hours of its own courses.
    if organizer.id == actor.unit.id:
        audit.record_now(action="access.denied", actor=actor, outcome="denied", target_type="attendance_list",
                         target_id=roster.id or "", after={"reason": "own_course"}, ip=ip)
        raise Forbidden("course.error.own_course")
    return roster, course


def list_for_review(session: Session, actor: Actor, list_id: Any, *, ip: str = "") -> dict[str, Any]:
    """The submitted list in full for the centre.

    Raises:
        Forbidden: outside its jurisdiction or its own course. NotFound: no such list.
    """
    roster, course = _for_decision(session, actor, list_id, ip=ip)
    return _view(session, course, roster)


def confirm_list(session: Session, actor: Actor, list_id: Any, *, ip: str = "",
                 progress: Callable[[int, int], None] | None = None, by_month: bool = False) -> int:
    """Confirm a submitted list: credit every attendee in the ledger in this one transaction.

    A correction supersedes changed or removed rows and adds new ones, so history stays. Returns
    the number of attendees credited. `progress(done, total)` hears every 100 entries (a progress bar).
    A list a back-end county's system sent is confirmed only with its month (`by_month`, `reporting.months`).

    Raises:
        Forbidden: outside its jurisdiction or its own course. NotFound: no such list.
        DomainError: `attendance.error.not_submitted`.
    """
    roster, course = _for_decision(session, actor, list_id, ip=ip)
    if roster.status != L.SUBMITTED.value:
        raise DomainError("attendance.error.not_submitted")
    if roster.reported_month and not by_month:  # a back-end county's lists go with their month
        raise DomainError("attendance.error.reported")
    organizer = session.get(Unit, course.organizer_unit_id)
    assert organizer is not None and course.last_date is not None
    now = utcnow()
    active = {r.teacher_id: r for r in session.exec(select(TrainingRecord).where(
        TrainingRecord.course_id == course.id, col(TrainingRecord.superseded_at).is_(None))).all()}
    entries = _entries(session, roster)
    listed = {e.teacher_id for e in entries}
    # Every attendee and school in a few queries (the loop below then finds them in the session).
    ids = sorted(listed)
    teachers = {t.id: t for i in range(0, len(ids), 500)
                for t in session.exec(select(Teacher).where(col(Teacher.id).in_(ids[i:i + 500]))).all()}
    school_ids = sorted({t.school_unit_id for t in teachers.values()})
    schools = {u.id: u for i in range(0, len(school_ids), 500)
               for u in session.exec(select(Unit).where(col(Unit.id).in_(school_ids[i:i + 500]))).all()}
    added: list[TrainingRecord] = []
    superseded: list[TrainingRecord] = []
    mails: list[dict[str, str]] = []
    for teacher_id, old in active.items():
        if teacher_id not in listed:
            old.superseded_at = now
            session.add(old)
            superseded.append(old)
    credited = 0
    for entry in entries:
        old = active.get(entry.teacher_id)
        if old is not None and old.minutes == entry.minutes:
            continue
        if old is not None:
            old.superseded_at = now
            session.add(old)
            superseded.append(old)
        teacher = teachers.get(entry.teacher_id)
        school = schools.get(teacher.school_unit_id) if teacher else None
        if teacher is None or school is None:
            raise NotFound()
        record = TrainingRecord(
            teacher_id=entry.teacher_id, course_id=course.id or 0, minutes=entry.minutes,
            credited_on=course.last_date, calendar_year=course.last_date.year,
            school_year=school_year_of(course.last_date), school_unit_id=school.id or 0,
            school_county=school.county, school_level=school.school_level,
            organizer_unit_id=organizer.id or 0, organizer_county=organizer.county, course_kind=course.kind,
            attendance_list_id=roster.id, confirmed_at=now, confirmed_by_account_id=actor.account_id)
        session.add(record)
        added.append(record)
        mails.append({"to": teacher.email, "kind": "hours_confirmed",
                      "subject": _t("mail.hours_confirmed.subject", title=course.title),
                      "body": _t("mail.hours_confirmed.body", name=teacher.name, title=course.title, code=course.code,
                                 hours=hours_text(entry.minutes))})
        credited += 1
        if progress and credited % 100 == 0:
            progress(credited, len(entries))
    # The statistics rollups move in the same transaction as the ledger (their contract, SPEC §3.6).
    session.flush()
    outbox.queue_many(session, mails)
    rollups.apply_confirmation(session, added, superseded)
    roster.status = L.CONFIRMED.value
    roster.confirmed_at = now
    roster.confirmed_by_account_id = actor.account_id
    session.add(roster)
    session.flush()
    _event(session, actor, roster, "confirm")
    audit.record(session, action="attendance.confirm", actor=actor, target_type="course", target_id=course.code,
                 after={"list": roster.id, "revision": roster.revision, "entries": len(entries),
                        "credited": credited, "late": roster.late}, ip=ip)
    return len(entries)


def return_list(session: Session, actor: Actor, list_id: Any, reason: Any, *, ip: str = "") -> None:
    """Return a submitted list to its organizer with a reason.

    Raises:
        Forbidden, NotFound: as `confirm_list`. ValidationFailed: no reason.
        DomainError: `attendance.error.not_submitted`.
    """
    roster, course = _for_decision(session, actor, list_id, ip=ip)
    text = clean(reason, MAX_REASON)
    if not text:
        raise ValidationFailed({"reason": "course.error.reason_required"})
    if roster.status != L.SUBMITTED.value:
        raise DomainError("attendance.error.not_submitted")
    roster.status = L.RETURNED.value
    roster.return_reason = text
    session.add(roster)
    session.flush()
    _event(session, actor, roster, "return", text)
    audit.record(session, action="attendance.return", actor=actor, target_type="course", target_id=course.code,
                 before={"status": "submitted"}, after={"status": roster.status, "reason": text}, ip=ip)


def _t(key: str, **params: object) -> str:
    return translate(key, "zh-TW", **params)


#: The home page's count of the lists waiting for a centre's confirmation (and of those submitted late):
#: the lists `confirmation_queue` shows, by whether the centre is nationwide, with `unit_id` bound per call.
_TO_CONFIRM = {nationwide: _scoped(select(func.count(), func.count().filter(col(AttendanceList.late)))
                                   .where(AttendanceList.status == L.SUBMITTED.value,
                                          col(AttendanceList.reported_month).is_(None)),
                                   nationwide, sa.bindparam("unit_id"))
               for nationwide in (True, False)}
#: An organizer's ended courses whose list is not in yet (none, or one still being edited): their last days.
_ENDED_WITHOUT_LIST = (select(Course.last_date)
                       .join(AttendanceList, col(AttendanceList.course_id) == Course.id, isouter=True)
                       .where(Course.organizer_unit_id == sa.bindparam("unit_id"),
                              col(Course.status).in_([s.value for s in PUBLISHED]),
                              col(Course.last_date) < sa.bindparam("today"),
                              col(AttendanceList.id).is_(None)
                              | col(AttendanceList.status).in_([s.value for s in EDITABLE])))


def work_queue(session: Session, actor: Actor, *, today: date | None = None) -> list[QueueItem]:
    """The home page's attendance work: for a reviewing centre the lists waiting for its confirmation
    (urgent: submitted late); for an organizer its lists past the one-month deadline and those due within
    a week (not yet submitted). Only the queues of functions the actor holds."""
    today = today or taipei_today()
    items: list[QueueItem] = []
    if may(actor, Function.COURSE_REVIEW):
        total, late = session.execute(_TO_CONFIRM[actor.unit.type in NATIONWIDE], {"unit_id": actor.unit.id}).one()
        items.append(QueueItem(Queue.LISTS_TO_CONFIRM, int(total), int(late)))
    if may(actor, Function.COURSE_MANAGE):
        ended = session.execute(_ENDED_WITHOUT_LIST, {"unit_id": actor.unit.id, "today": today}).scalars().all()
        deadlines = [attendance_deadline(day) for day in ended if day is not None]
        overdue = sum(1 for deadline in deadlines if today > deadline)
        soon = sum(1 for deadline in deadlines if today <= deadline <= today + timedelta(days=SOON_DAYS))
        items += [QueueItem(Queue.LISTS_OVERDUE, overdue, overdue), QueueItem(Queue.LISTS_DUE, soon, soon)]
    return items
