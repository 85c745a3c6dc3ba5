"""線上報名 (SPEC §3.2): teachers register, join the waiting list and withdraw; organizers accept and
decline; the first waiting teacher is promoted whenever a seat frees up.

Capacity is decided in SQL: every change first updates the course's `registration_tally` row, which
serialises registrations of one course (SQLite's single writer; PostgreSQL's row lock), and a seat is
taken only by a conditional UPDATE (`seats_taken < capacity`), so no race can overfill a course.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from openpyxl import Workbook
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from tpd_app.domain.courses import PUBLISHED, CourseStatus, hours_text
from tpd_app.domain.errors import DomainError, NotFound, ValidationFailed
from tpd_app.domain.national_id import mask_national_id
from tpd_app.domain.permissions import Actor, Function, may
from tpd_app.domain.registration import (
    ACTIVE,
    HOLDS_SEAT,
    CourseFacts,
    Refusal,
    RegistrationStatus,
    Standing,
    TeacherFacts,
    may_withdraw,
    refusal,
)
from tpd_app.domain.timeutil import TAIPEI, format_date, taipei_today, utcnow
from tpd_app.domain.workqueue import SOON_DAYS, Queue, QueueItem
from tpd_app.i18n import translate
from tpd_app.models import CatalogueEntry, Course, CourseRegistration, CourseSession, RegistrationTally, Teacher, Unit
from tpd_app.services.courses.access import load_managed
from tpd_app.services.hours import calendar
from tpd_app.services.platform import audit, outbox
from tpd_app.services.platform.batching import Batcher
from tpd_app.services.platform.db import transaction
from tpd_app.services.platform.guard import require
from tpd_app.services.platform.ids import require_id
from tpd_app.services.platform.refcache import KeyedCache
from tpd_app.services.platform.sql import upsert_insert
from tpd_app.services.platform.validation import clean

R = RegistrationStatus
MAX_REASON = 500
MAX_BULK = 500


def course_facts(course: Course | sa.Row[Any], *, in_catalogue: bool = False) -> CourseFacts:
    """The registration-relevant facts of a course (a table row, or a statement's row with those columns).

    A published course whose material edit is back in review stays in the catalogue (its approved
    version), so teachers can still register for it: `in_catalogue` says so.
    """
    return CourseFacts(
        published=course.status in {s.value for s in PUBLISHED} or in_catalogue,
        cancelled=course.status == CourseStatus.CANCELLED.value,
        online_registration=course.online_registration,
        opens=course.registration_opens,
        closes=course.registration_closes,
        first_date=course.first_date,
        eligible_counties=tuple(course.eligible_counties or ()),
        eligible_levels=tuple(course.eligible_levels or ()),
        eligible_school_codes=tuple(course.eligible_school_codes or ()),
    )


def _lock_tally(session: Session, course_id: int) -> int:
    """Take the course's write lock before reading seats (creating its tally row if missing); returns the
    seats taken, read under that lock."""
    touch = (sa.update(RegistrationTally).where(col(RegistrationTally.course_id) == course_id)
             .values(seats_taken=RegistrationTally.seats_taken).returning(col(RegistrationTally.seats_taken)))
    taken = session.execute(touch).scalar()
    if taken is None:
        session.exec(upsert_insert(session, RegistrationTally).values(course_id=course_id, seats_taken=0)  # type: ignore[call-overload]
                     .on_conflict_do_nothing(index_elements=["course_id"]))
        taken = session.execute(touch).scalar_one()
    return int(taken)


def _take_seat(session: Session, course: Course) -> bool:
    """Atomically take one seat if the course has one free (capacity 0: unlimited)."""
    stmt = sa.update(RegistrationTally).where(col(RegistrationTally.course_id) == course.id)
    if course.capacity > 0:
        stmt = stmt.where(col(RegistrationTally.seats_taken) < course.capacity)
    result = session.exec(stmt.values(seats_taken=RegistrationTally.seats_taken + 1))  # type: ignore[call-overload]
    return result.rowcount == 1


def _take_seats(session: Session, course: Course, count: int) -> None:
    """Add `count` seats counted under the tally lock; a tally that would pass the capacity (which the lock
    rules out) fails the whole transaction instead of overfilling the course."""
    stmt = sa.update(RegistrationTally).where(col(RegistrationTally.course_id) == course.id)
    if course.capacity > 0:
        stmt = stmt.where(col(RegistrationTally.seats_taken) + count <= course.capacity)
    if session.exec(stmt.values(seats_taken=RegistrationTally.seats_taken + count)).rowcount != 1:  # type: ignore[call-overload]
        raise RuntimeError(f"the tally of course {course.id} would pass its capacity")


def _free_seat(session: Session, course_id: int) -> None:
    session.exec(sa.update(RegistrationTally).where(col(RegistrationTally.course_id) == course_id,  # type: ignore[call-overload]
                                                    col(RegistrationTally.seats_taken) > 0)
                 .values(seats_taken=RegistrationTally.seats_taken - 1))


def _mail(session: Session, teacher: Teacher, course: Course, kind: str, **params: object) -> None:
    """Queue a notice to the teacher (zh-TW, as the network writes to teachers)."""
    values = {"title": course.title, "code": course.code,
              "first": format_date(course.first_date, roc=True) if course.first_date else "", **params}
    outbox.queue(session, to=teacher.email, subject=translate(f"mail.{kind}.subject", "zh-TW", **values),
                 body=translate(f"mail.{kind}.body", "zh-TW", name=teacher.name, **values), kind=kind)


def send_reminders(session: Session, today: date) -> int:
    """The day before a course starts, remind each teacher who holds a seat (pending or accepted): when,
    where, and how to withdraw so that the waiting list moves. Run once a day (`chores`); returns how many
    mails were queued."""
    tomorrow = today + timedelta(days=1)
    rows = session.execute(
        select(Teacher.name, Teacher.email, Course.id, Course.code, Course.title, Course.venue, Course.first_date)
        .join(CourseRegistration, col(CourseRegistration.teacher_id) == Teacher.id)
        .join(Course, col(Course.id) == CourseRegistration.course_id)
        .where(Course.first_date == tomorrow, col(Course.status).in_([s.value for s in PUBLISHED]),
               col(CourseRegistration.status).in_(sorted(HOLDS_SEAT)))
        .order_by(col(Course.id), col(Teacher.id))).all()
    if not rows:
        return 0
    first_sessions = {course_id: (start, end) for course_id, start, end in session.execute(
        select(CourseSession.course_id, CourseSession.start_time, CourseSession.end_time)
        .where(col(CourseSession.course_id).in_({r.id for r in rows}), CourseSession.day == tomorrow)
        .order_by(col(CourseSession.start_time).desc()))}
    messages = []
    for r in rows:
        start, end = first_sessions.get(r.id, ("", ""))
        values = {"title": r.title, "code": r.code, "first": format_date(r.first_date, roc=True),
                  "time": f"{start}–{end}" if start else "", "venue": r.venue or ""}
        messages.append({"to": r.email, "kind": "reminder",
                         "subject": translate("mail.reminder.subject", "zh-TW", **values),
                         "body": translate("mail.reminder.body", "zh-TW", name=r.name, **values)})
    return outbox.queue_many(session, messages)


def _promote_waiting(session: Session, course: Course) -> list[int]:
    """Give free seats to the waiting list in order (the tally lock is held); returns promoted ids."""
    promoted: list[int] = []
    while True:
        first = session.exec(select(CourseRegistration)
                             .where(CourseRegistration.course_id == course.id,
                                    CourseRegistration.status == R.WAITING.value)
                             .order_by(col(CourseRegistration.queued_at), col(CourseRegistration.id))
                             .limit(1)).first()
        if first is None or not _take_seat(session, course):
            return promoted
        first.status = R.PENDING.value
        first.updated_at = utcnow()
        session.add(first)
        session.flush()
        teacher = session.get(Teacher, first.teacher_id)
        if teacher:
            _mail(session, teacher, course, "promoted")
        promoted.append(first.id or 0)


def seats_added(session: Session, course: Course) -> list[int]:
    """The organizer raised the capacity (or lifted it): the waiting list takes the new seats now, in
    order, each teacher told by mail, not at the next registration change. Returns promoted ids."""
    _lock_tally(session, course.id or 0)
    return _promote_waiting(session, course)


_Ahead = aliased(CourseRegistration)


def _count_ahead(course_id: Any, queued_at: Any, registration_id: Any) -> sa.Select[Any]:
    """How many wait ahead of one registration: the earlier queued, then the same instant with a lower id."""
    return select(func.count()).select_from(_Ahead).where(
        _Ahead.course_id == course_id, _Ahead.status == R.WAITING.value,
        sa.or_(col(_Ahead.queued_at) < queued_at,
               sa.and_(col(_Ahead.queued_at) == queued_at, col(_Ahead.id) < registration_id)))


def _load_course(session: Session, course_id: Any) -> Course:
    course = session.get(Course, require_id(course_id))
    if course is None:
        raise NotFound()
    return course


#: The course part of a course page's registration panel, with its seats taken and its waiting list's
#: length, in one statement built once (every course page a teacher opens runs it).
_STANDING_COURSE = (
    select(Course.id, Course.code, Course.capacity, Course.registration_opens, Course.registration_closes,
           Course.online_registration, Course.status, Course.first_date, Course.eligible_counties,
           Course.eligible_levels, Course.eligible_school_codes,
           select(RegistrationTally.seats_taken).where(RegistrationTally.course_id == Course.id)
           .scalar_subquery().label("taken"),
           select(func.count()).select_from(CourseRegistration)
           .where(CourseRegistration.course_id == Course.id, CourseRegistration.status == R.WAITING.value)
           .scalar_subquery().label("waiting"))
    .join(CatalogueEntry, col(CatalogueEntry.course_id) == Course.id)
    .where(CatalogueEntry.code == sa.bindparam("code")))
#: Her part: her school's facts and her registration for the course, if any, with how many wait ahead of
#: her (read for a waiting registration only), in one statement.
_STANDING_HERS = (
    select(Unit.county, Unit.school_level, Unit.code.label("school_code"),  # type: ignore[attr-defined]
           CourseRegistration.id.label("registration_id"),  # type: ignore[union-attr]
           CourseRegistration.status,
           _count_ahead(CourseRegistration.course_id, CourseRegistration.queued_at, CourseRegistration.id)
           .scalar_subquery().label("ahead"))
    .select_from(Teacher)
    .outerjoin(Unit, col(Unit.id) == Teacher.school_unit_id)
    .outerjoin(CourseRegistration, sa.and_(col(CourseRegistration.teacher_id) == Teacher.id,
                                           col(CourseRegistration.course_id) == sa.bindparam("course_id")))
    .where(Teacher.id == sa.bindparam("teacher_id")))


def course_standing(session: Session, actor: Actor | None, code: str, *, today: date | None = None) -> dict[str, str]:
    """The registration part of a published course's page for this person (None: not signed in): seats
    left, the registration window and her call to action (`action`, a `Standing`), with her status,
    waiting position or the reason she may not register, or the place she would get on the waiting list.

    Raises:
        NotFound: no published course has this code.
    """
    today = today or taipei_today()
    course = session.execute(_STANDING_COURSE, {"code": clean(code, 16)}).first()
    if course is None or course.id is None:
        raise NotFound()
    taken, waiting = int(course.taken or 0), int(course.waiting)
    full = bool(course.capacity) and taken >= course.capacity
    standing = {"course_id": str(course.id), "code": course.code, "capacity": str(course.capacity),
                "seats_left": str(max(0, course.capacity - taken)) if course.capacity else "",
                "full": "1" if full else "", "waiting": str(waiting),
                "opens": course.registration_opens.isoformat() if course.registration_opens else "",
                "closes": course.registration_closes.isoformat() if course.registration_closes else "",
                "action": "", "status": "", "position": "", "would_be": "", "refusal": "", "registration_id": "",
                "can_withdraw": "", "ics": ""}
    facts = course_facts(course, in_catalogue=True)
    anyone = refusal(facts, TeacherFacts(county=None, level=None, school_code="", registered=False), today)
    if not course.online_registration or anyone in (Refusal.CANCELLED, Refusal.NOT_PUBLISHED):
        return {**standing, "action": Standing.NONE.value}
    if actor is None:
        open_or_soon = anyone in (None, Refusal.NOT_OPEN_YET, Refusal.COUNTY, Refusal.LEVEL, Refusal.SCHOOL)
        return {**standing, "action": Standing.SIGN_IN.value if open_or_soon else Standing.REFUSED.value,
                "refusal": "" if open_or_soon else f"registration.refused.{anyone.value}"}  # type: ignore[union-attr]
    if not actor.is_teacher or not may(actor, Function.TEACHER_REGISTER):
        return {**standing, "action": Standing.STAFF.value}
    hers = session.execute(_STANDING_HERS, {"course_id": course.id, "teacher_id": actor.id}).first()
    if hers is None:
        raise NotFound()
    if hers.registration_id is not None and hers.status in ACTIVE:
        return {**standing, "action": Standing.REGISTERED.value, "status": hers.status,
                "position": str(int(hers.ahead) + 1) if hers.status == R.WAITING.value else "",
                "registration_id": str(hers.registration_id),
                "can_withdraw": "1" if may_withdraw(hers.status, course.first_date, today) else "",
                "ics": "1" if hers.status == R.ACCEPTED.value else ""}
    if hers.school_code is None:
        raise NotFound()
    reason = refusal(facts, TeacherFacts(county=hers.county, level=hers.school_level, school_code=hers.school_code,
                                         registered=False), today)
    past = {"status": hers.status} if hers.registration_id is not None else {}
    if reason is not None:
        return {**standing, **past, "action": Standing.REFUSED.value, "refusal": f"registration.refused.{reason.value}"}
    if full:
        return {**standing, **past, "action": Standing.JOIN_WAITING.value, "would_be": str(waiting + 1)}
    return {**standing, **past, "action": Standing.REGISTER.value}


#: The teachers of a batch of registrations with their schools' facts, in one statement.
_SCHOOLS = (select(Teacher.id, Unit.county, Unit.school_level, Unit.code)
            .join(Unit, col(Unit.id) == Teacher.school_unit_id)
            .where(col(Teacher.id).in_(sa.bindparam("ids", expanding=True))))
_WAITING = (select(func.count()).select_from(CourseRegistration)
            .where(CourseRegistration.course_id == sa.bindparam("course_id"),
                   CourseRegistration.status == R.WAITING.value))

Answer = dict[str, Any] | DomainError


def register(session: Session, actor: Actor, course_id: Any, *, ip: str = "",
             today: date | None = None) -> dict[str, Any]:
    """線上報名: take a seat (pending the organizer's acceptance) or join the waiting list.

    Returns `{"status": …, "position": n, "id": …}` (position 0 unless waiting).

    Raises:
        Forbidden: not a teacher.
        NotFound: no such course.
        DomainError: `registration.refused.<reason>`: window, status, eligibility or a second registration.
    """
    answer = register_batch(session, [(actor, course_id, ip)], today=today)[0]
    if isinstance(answer, DomainError):
        raise answer
    return answer


def register_batch(session: Session, requests: list[tuple[Actor, Any, str]], *,
                   today: date | None = None) -> list[Answer]:
    """Several teachers' 報名 in arrival order, in the caller's transaction: each one's answer as `register`
    gives it, or the refusal for her alone (nothing written for a refused one).

    The rush costs a few statements per batch instead of several per teacher: the courses, their catalogue
    entries and the teachers' schools are read once, each course's seat lock is taken once (in course id
    order, so two workers' batches never deadlock) and her registration read under it, the waiting list
    is counted once when the course is full, and the rows, the tally and the audit rows are written
    together. Positions follow from the count: each teacher queues a microsecond after the one before.
    """
    today = today or taipei_today()
    answers: list[Answer | None] = [None] * len(requests)
    wanted: dict[int, list[int]] = {}  # course id -> the indexes of its requests, in arrival order
    for i, (actor, course_id, ip) in enumerate(requests):
        try:
            require(actor, Function.TEACHER_REGISTER, ip=ip)
            wanted.setdefault(require_id(course_id), []).append(i)
        except DomainError as refused:
            answers[i] = refused
    if wanted:
        courses = {course.id: course for course in session.exec(select(Course).where(col(Course.id).in_(list(wanted))))}
        listed = set(session.exec(select(CatalogueEntry.course_id)
                                  .where(col(CatalogueEntry.course_id).in_(list(wanted)))).all())
        schools = {row.id: row for row in session.execute(
            _SCHOOLS, {"ids": sorted({requests[i][0].id for indexes in wanted.values() for i in indexes})})}
        for course_id in sorted(wanted):
            course = courses.get(course_id)
            for i, answer in _register_for(session, course, course_id in listed, schools,
                                           [(i, requests[i]) for i in wanted[course_id]], today):
                answers[i] = answer
    return [answer if answer is not None else NotFound() for answer in answers]


def _register_for(session: Session, course: Course | None, in_catalogue: bool, schools: dict[int, Any],
                  items: list[tuple[int, tuple[Actor, Any, str]]], today: date) -> list[tuple[int, Answer]]:
    """One course's share of a batch (`register_batch`): (request index, answer) in arrival order."""
    if course is None or course.id is None:
        return [(i, NotFound()) for i, _ in items]
    facts = course_facts(course, in_catalogue=in_catalogue)
    taken = _lock_tally(session, course.id)
    # Read under the lock: a double click or a second tab may have registered meanwhile.
    teachers = [actor.id for _, (actor, _, _) in items]
    existing: dict[int, CourseRegistration | _Placed] = {row.teacher_id: row for row in session.exec(
        select(CourseRegistration).where(CourseRegistration.course_id == course.id,
                                         col(CourseRegistration.teacher_id).in_(teachers)))}
    waiting: int | None = None  # counted once, when first needed

    def count_waiting() -> int:
        return int(session.execute(_WAITING, {"course_id": course.id}).scalar_one())

    seats_from, now = taken, utcnow()
    answers: list[tuple[int, Answer]] = []
    # (request index, her earlier row or None, the new row's columns, position, actor, ip), in arrival order
    placed: list[tuple[int, CourseRegistration | None, dict[str, Any], int, Actor, str]] = []
    for i, (actor, _, ip) in items:
        school, row = schools.get(actor.id), existing.get(actor.id)
        if school is None:
            answers.append((i, NotFound()))
            continue
        reason = refusal(facts, TeacherFacts(county=school.county, level=school.school_level, school_code=school.code,
                                             registered=row is not None and row.status in ACTIVE), today)
        if reason is not None:
            answers.append((i, DomainError(f"registration.refused.{reason.value}")))
            continue
        free = course.capacity == 0 or taken < course.capacity
        if free and waiting is None:
            waiting = count_waiting()
            if waiting:  # a free seat goes to whoever waits first (none, normally: a freed seat is passed on at once)
                _promote_waiting(session, course)
                taken = seats_from = _lock_tally(session, course.id)
                waiting = count_waiting()
                free = course.capacity == 0 or taken < course.capacity
        if free:
            status, position, taken = R.PENDING, 0, taken + 1
        else:
            if waiting is None:  # full, read under the lock: the rush's common case
                waiting = count_waiting()
            status, waiting = R.WAITING, waiting + 1
            position = waiting
        values = {"status": status.value, "queued_at": now + timedelta(microseconds=len(placed)), "updated_at": now,
                  "reason": "", "decided_at": None, "decided_by_account_id": None}
        earlier = row if isinstance(row, CourseRegistration) else None
        if earlier is not None:  # she registers again after withdrawing: her row is reused
            for name, value in values.items():
                setattr(earlier, name, value)
            session.add(earlier)
        existing[actor.id] = _Placed(status.value)  # her second 報名 in the same batch is "already"
        placed.append((i, earlier, values, position, actor, ip))
    if taken > seats_from:
        _take_seats(session, course, taken - seats_from)
    session.flush()
    new = [{**values, "course_id": course.id, "teacher_id": actor.id, "created_at": now}
           for _, row, values, _, actor, _ in placed if row is None]
    # The new rows in one INSERT without ORM objects (the rush's common case), their ids in arrival order.
    ids = iter(session.execute(sa.insert(CourseRegistration).returning(CourseRegistration.id,
                                                                       sort_by_parameter_order=True),
                               new).scalars().all() if new else ())
    entries = []
    for i, row, values, position, actor, ip in placed:
        registration_id = row.id if row is not None else next(ids)
        entries.append({"action": "registration.register", "actor": actor, "target_type": "course",
                        "target_id": course.code, "after": {"status": values["status"], "position": position},
                        "ip": ip})
        answers.append((i, {"status": values["status"], "position": position, "id": registration_id}))
    audit.record_all(session, entries)
    return answers


@dataclass(frozen=True)
class _Placed:
    """A registration this batch has just made (what the next request of hers in it is checked against)."""

    status: str


def register_each(requests: list[tuple[Actor, int, str]]) -> list[dict[str, Any] | Exception]:
    """Several teachers' registrations, in arrival order, in one transaction (the rush: one commit and one
    seat lock for the lot instead of one each): each request's answer, or the refusal for it alone.

    A refusal (window, eligibility, already registered) writes nothing, so the others go on. Any other
    failure rolls the batch back and every request is tried again in a transaction of its own. The callers
    have checked that each actor may register (a refusal there is audited in a transaction of its own,
    which SQLite's single writer would make wait behind this one).
    """
    try:
        with transaction() as session:
            return list(register_batch(session, requests))  # its own list type: refusals are exceptions too
    except Exception:
        if len(requests) == 1:
            raise
    return [_register_alone(request) for request in requests]


#: This process's registration desk: the 報名 of all its tabs (the registration list and course pages), 50
#: per transaction, in arrival order.
desk: Batcher[tuple[Actor, int, str], dict[str, Any]] = Batcher(register_each)


def _register_alone(request: tuple[Actor, int, str]) -> dict[str, Any] | Exception:
    actor, course_id, ip = request
    try:
        with transaction() as session:
            return register(session, actor, course_id, ip=ip)
    except Exception as failure:
        return failure


def withdraw(session: Session, actor: Actor, registration_id: Any, *, ip: str = "",
             today: date | None = None) -> None:
    """The teacher withdraws her own registration before the course starts; a freed seat is passed on.

    Raises:
        Forbidden: not a teacher. NotFound: not her registration.
        DomainError: `registration.error.withdraw` after the start or when not active.
    """
    require(actor, Function.TEACHER_REGISTRATIONS, ip=ip)
    row = session.get(CourseRegistration, require_id(registration_id))
    if row is None or row.teacher_id != actor.id:
        raise NotFound()
    course = _load_course(session, row.course_id)
    _lock_tally(session, row.course_id)
    session.refresh(row)
    if not may_withdraw(row.status, course.first_date, today or taipei_today()):
        raise DomainError("registration.error.withdraw")
    before = row.status
    row.status, row.updated_at = R.WITHDRAWN.value, utcnow()
    session.add(row)
    session.flush()
    if before in HOLDS_SEAT:
        _free_seat(session, row.course_id)
        _promote_waiting(session, course)
    audit.record(session, action="registration.withdraw", actor=actor, target_type="course", target_id=course.code,
                 before={"status": before}, after={"status": row.status}, ip=ip)


def _registration_of(session: Session, course: Course, registration_id: Any) -> CourseRegistration:
    row = session.get(CourseRegistration, require_id(registration_id))
    if row is None or row.course_id != course.id:
        raise NotFound()
    return row


def accept(session: Session, actor: Actor, course_id: Any, registration_ids: Any, *, ip: str = "") -> int:
    """The organizer accepts pending registrants (one or many: all or none); returns how many.

    Raises:
        Forbidden: not the course's organizer. NotFound: a registration of another course.
        DomainError: `registration.error.not_pending` when one of them is not pending.
    """
    course, _ = load_managed(session, actor, require_id(course_id), ip=ip)
    if not isinstance(registration_ids, list) or not registration_ids or len(registration_ids) > MAX_BULK:
        raise ValidationFailed({"selection": "registration.error.nothing_selected"})
    _lock_tally(session, course.id or 0)
    rows = [_registration_of(session, course, rid) for rid in registration_ids]
    for row in rows:
        if row.status != R.PENDING.value:
            raise DomainError("registration.error.not_pending")
    for row in rows:
        row.status, row.decided_at, row.updated_at = R.ACCEPTED.value, utcnow(), utcnow()
        row.decided_by_account_id = actor.id
        session.add(row)
        teacher = session.get(Teacher, row.teacher_id)
        if teacher:
            _mail(session, teacher, course, "accepted")
    session.flush()
    audit.record(session, action="registration.accept", actor=actor, target_type="course", target_id=course.code,
                 after={"registrations": [r.id for r in rows]}, ip=ip)
    return len(rows)


def decline(session: Session, actor: Actor, course_id: Any, registration_id: Any, reason: Any, *,
            ip: str = "") -> None:
    """The organizer declines a registrant with a reason; her seat goes to the first waiting.

    Raises:
        Forbidden: not the course's organizer. NotFound: not a registration of this course.
        ValidationFailed: no reason. DomainError: `registration.error.not_active`.
    """
    course, _ = load_managed(session, actor, require_id(course_id), ip=ip)
    text = clean(reason, MAX_REASON)
    if not text:
        raise ValidationFailed({"reason": "course.error.reason_required"})
    _lock_tally(session, course.id or 0)
    row = _registration_of(session, course, registration_id)
    session.refresh(row)
    if row.status not in ACTIVE:
        raise DomainError("registration.error.not_active")
    before = row.status
    row.status, row.reason, row.decided_at, row.updated_at = R.DECLINED.value, text, utcnow(), utcnow()
    row.decided_by_account_id = actor.id
    session.add(row)
    session.flush()
    teacher = session.get(Teacher, row.teacher_id)
    if teacher:
        _mail(session, teacher, course, "declined", reason=text)
    if before in HOLDS_SEAT:
        _free_seat(session, course.id or 0)
        _promote_waiting(session, course)
    audit.record(session, action="registration.decline", actor=actor, target_type="course", target_id=course.code,
                 before={"status": before, "registration": row.id}, after={"status": row.status, "reason": text},
                 ip=ip)


def cancel_registrations(session: Session, course: Course) -> int:
    """The course was cancelled: every active registration ends and its teacher is told."""
    rows = session.exec(select(CourseRegistration).where(CourseRegistration.course_id == course.id,
                                                         col(CourseRegistration.status).in_(list(ACTIVE)))).all()
    for row in rows:
        row.status, row.updated_at = R.CANCELLED.value, utcnow()
        session.add(row)
        teacher = session.get(Teacher, row.teacher_id)
        if teacher:
            _mail(session, teacher, course, "cancelled", reason=course.decision_reason)
    session.exec(sa.update(RegistrationTally).where(col(RegistrationTally.course_id) == course.id)  # type: ignore[call-overload]
                 .values(seats_taken=0))
    session.flush()
    return len(rows)


def registrants(session: Session, actor: Actor, course_id: Any, *, ip: str = "") -> dict[str, Any]:
    """報名名單 of the organizer's course: every registration, waiting ones in order, IDs masked.

    Raises:
        Forbidden: not the course's organizer. NotFound: no such course.
    """
    course, _ = load_managed(session, actor, require_id(course_id), ip=ip, function=Function.COURSE_BROWSE_OWN)
    rows = session.exec(select(CourseRegistration, Teacher, Unit)
                        .join(Teacher, col(Teacher.id) == CourseRegistration.teacher_id)
                        .join(Unit, col(Unit.id) == Teacher.school_unit_id)
                        .where(CourseRegistration.course_id == course.id)
                        .order_by(col(CourseRegistration.queued_at), col(CourseRegistration.id))).all()
    result, waiting = [], 0
    for reg, teacher, school in rows:
        waiting += reg.status == R.WAITING.value
        result.append({"id": str(reg.id), "name": teacher.name, "national_id": mask_national_id(teacher.national_id),
                       "school": school.name, "status": reg.status, "reason": reg.reason,
                       "position": str(waiting) if reg.status == R.WAITING.value else "",
                       "registered_at": format_date(reg.created_at.astimezone(TAIPEI).date(), roc=False)})
    held = sum(1 for r in result if r["status"] in HOLDS_SEAT)
    return {"course": {"id": str(course.id), "code": course.code, "title": course.title,
                       "capacity": str(course.capacity), "held": str(held),
                       "first_date": format_date(course.first_date, roc=False) if course.first_date else ""},
            "rows": result}


def registrants_xlsx(session: Session, actor: Actor, course_id: Any, *, ip: str = "") -> bytes:
    """The registrant list as Excel for the organizer: names, masked IDs, schools, statuses.

    Raises:
        Forbidden, NotFound: as `registrants`.
    """
    data = registrants(session, actor, course_id, ip=ip)
    book = Workbook()
    sheet = book.active
    sheet.title = "報名名單"
    sheet.append(["序號", "姓名", "身分證字號", "服務學校", "狀態", "候補順位", "報名日期", "說明"])
    for number, row in enumerate(data["rows"], start=1):
        sheet.append([number, row["name"], row["national_id"], row["school"],
                      translate(f"registration.status.{row['status']}", "zh-TW"), row["position"],
                      row["registered_at"], row["reason"]])
    audit.record(session, action="registration.export", actor=actor, target_type="course",
                 target_id=data["course"]["code"], after={"rows": len(data["rows"])}, ip=ip)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


#: Built once: every visit of 線上報名記錄 runs it.
_MY_REGISTRATIONS = (
    select(CourseRegistration.id, CourseRegistration.course_id, CourseRegistration.status,
           CourseRegistration.reason, CourseRegistration.queued_at, Course.code, Course.title,
           Course.first_date, Course.hours_minutes, Unit.name.label("organizer"),  # type: ignore[attr-defined]
           # her place on a waiting list (`_count_ahead`), counted for the waiting rows only
           sa.case((CourseRegistration.status == R.WAITING.value,
                    _count_ahead(CourseRegistration.course_id, CourseRegistration.queued_at, CourseRegistration.id)
                    .scalar_subquery() + 1), else_=0).label("position"))
    .join(Course, col(Course.id) == CourseRegistration.course_id)
    .join(Unit, col(Unit.id) == Course.organizer_unit_id)
    .where(CourseRegistration.teacher_id == sa.bindparam("teacher_id"))
    .order_by(col(CourseRegistration.created_at).desc(), col(CourseRegistration.id).desc())
    .limit(500))


def my_registrations(session: Session, actor: Actor, *, ip: str = "") -> list[dict[str, str]]:
    """線上報名記錄: every registration of the teacher, newest first, with status and waiting position.

    Raises:
        Forbidden: not a teacher.
    """
    require(actor, Function.TEACHER_REGISTRATIONS, ip=ip)
    today = taipei_today()
    rows = session.execute(_MY_REGISTRATIONS, {"teacher_id": actor.id}).all()
    return [{"id": str(reg.id), "code": reg.code, "title": reg.title, "organizer": reg.organizer,
             "first_date": format_date(reg.first_date, roc=False) if reg.first_date else "",
             "hours": hours_text(reg.hours_minutes), "status": reg.status, "reason": reg.reason,
             "position": str(reg.position or ""),
             "can_withdraw": "1" if may_withdraw(reg.status, reg.first_date, today) else "",
             "ics": "1" if reg.status == R.ACCEPTED.value else ""}
            for reg in rows]


def ics(session: Session, actor: Actor, registration_id: Any, *, ip: str = "") -> tuple[str, bytes]:
    """An iCalendar file with every session of an accepted registration: (filename, bytes).

    Raises:
        Forbidden: not a teacher. NotFound: not hers, or not accepted.
    """
    require(actor, Function.TEACHER_REGISTRATIONS, ip=ip)
    row = session.get(CourseRegistration, require_id(registration_id))
    if row is None or row.teacher_id != actor.id or row.status != R.ACCEPTED.value:
        raise NotFound()
    course = _load_course(session, row.course_id)
    organizer = session.get(Unit, course.organizer_unit_id)
    events = calendar.vevents(course, organizer.name if organizer else "",
                              calendar.course_sessions(session, course.id or 0), row.id)
    return f"{course.code}.ics", calendar.calendar(events)


@dataclass(frozen=True)
class _OpenCourse:
    """What the online registration list shows of a course, the same for every teacher."""

    id: int
    code: str
    title: str
    organizer: str
    first_date: date | None
    closes: date | None
    hours_minutes: int
    capacity: int
    facts: CourseFacts


def _read_open(session: Session, key: tuple[date, str]) -> tuple[_OpenCourse, ...]:
    today, keyword = key
    stmt = (select(Course, Unit.name).join(Unit, col(Unit.id) == Course.organizer_unit_id)
            .where(col(Course.status).in_([s.value for s in PUBLISHED])
                   | col(Course.id).in_(select(CatalogueEntry.course_id)), Course.online_registration,
                   col(Course.registration_closes) >= today, col(Course.first_date) > today))
    if keyword:
        stmt = stmt.where(col(Course.title).contains(keyword) | col(Course.code).contains(keyword))
    rows = session.exec(stmt.order_by(col(Course.first_date), col(Course.id)).limit(100)).all()
    return tuple(_OpenCourse(id=course.id or 0, code=course.code, title=course.title, organizer=organizer,
                             first_date=course.first_date, closes=course.registration_closes,
                             hours_minutes=course.hours_minutes, capacity=course.capacity,
                             facts=course_facts(course, in_catalogue=True)) for course, organizer in rows)


#: Every teacher on the registration page reads the same list (her own registrations and the seats taken
#: are read for her each time); a change to a course, the catalogue or a unit's name forgets it.
_open = KeyedCache(_read_open, seconds=5.0, size=128, tables=("course", "catalogue_entry", "unit"),
                   copy=lambda kept: kept)


_SCHOOL_OF_TEACHER = (select(Unit.county, Unit.school_level, Unit.code)
                      .join(Teacher, col(Teacher.school_unit_id) == Unit.id)
                      .where(Teacher.id == sa.bindparam("teacher_id")))
_STATUS_BY_COURSE = (select(CourseRegistration.course_id, CourseRegistration.status)
                     .where(CourseRegistration.teacher_id == sa.bindparam("teacher_id")))
_SEATS_TAKEN = (select(RegistrationTally.course_id, RegistrationTally.seats_taken)
                .where(col(RegistrationTally.course_id).in_(sa.bindparam("course_ids", expanding=True))))


def open_courses(session: Session, actor: Actor, *, keyword: str = "", today: date | None = None,
                 ip: str = "") -> list[dict[str, str]]:
    """Courses open for online registration today, with whether this teacher may register and why not.

    Raises:
        Forbidden: not a teacher.
    """
    require(actor, Function.TEACHER_REGISTER, ip=ip)
    today = today or taipei_today()
    school = session.execute(_SCHOOL_OF_TEACHER, {"teacher_id": actor.id}).first()
    if school is None:
        raise NotFound()
    courses = _open.get(session, (today, clean(keyword, 100)))
    mine = dict(session.execute(_STATUS_BY_COURSE, {"teacher_id": actor.id}).all())
    held = dict(session.execute(_SEATS_TAKEN, {"course_ids": [c.id for c in courses]}).all()) if courses else {}
    facts = TeacherFacts(county=school.county, level=school.school_level, school_code=school.code,
                         registered=False)
    result = []
    for course in courses:
        status = mine.get(course.id, "")
        reason = refusal(course.facts, replace(facts, registered=status in ACTIVE), today)
        taken = held.get(course.id, 0)
        result.append({"id": str(course.id), "code": course.code, "title": course.title,
                       "organizer": course.organizer,
                       "first_date": format_date(course.first_date, roc=False) if course.first_date else "",
                       "closes": format_date(course.closes, roc=False) if course.closes else "",
                       "hours": hours_text(course.hours_minutes), "capacity": str(course.capacity),
                       "full": "1" if course.capacity and taken >= course.capacity else "",
                       "refusal": f"registration.refused.{reason.value}" if reason else "",
                       # A withdrawn or declined registration is history: she may register again.
                       "my_status": status if status in ACTIVE else ""})
    return result


def organizer_courses(session: Session, actor: Actor, *, today: date | None = None,
                      ip: str = "") -> list[dict[str, str]]:
    """The own unit's published courses that take online registrations and have not ended, with counts.

    Raises:
        Forbidden: the actor may not browse its unit's courses.
    """
    require(actor, Function.COURSE_BROWSE_OWN, ip=ip)
    today = today or taipei_today()
    rows = session.exec(select(Course).where(Course.organizer_unit_id == actor.unit.id,
                                             col(Course.status).in_([s.value for s in PUBLISHED]),
                                             Course.online_registration, col(Course.last_date) >= today)
                        .order_by(col(Course.first_date)).limit(200)).all()
    counts: dict[tuple[int, str], int] = {}
    if rows:
        for course_id, status, n in session.exec(
                select(CourseRegistration.course_id, CourseRegistration.status, func.count())
                .where(col(CourseRegistration.course_id).in_([c.id for c in rows]))
                .group_by(CourseRegistration.course_id, CourseRegistration.status)).all():
            counts[(course_id, status)] = int(n)
    return [{"id": str(c.id), "code": c.code, "title": c.title,
             "first_date": format_date(c.first_date, roc=False) if c.first_date else "",
             "capacity": str(c.capacity),
             "pending": str(counts.get((c.id or 0, R.PENDING.value), 0)),
             "accepted": str(counts.get((c.id or 0, R.ACCEPTED.value), 0)),
             "waiting": str(counts.get((c.id or 0, R.WAITING.value), 0))} for c in rows]


#: The home page's registration counts, built once (every home page of a teacher or organizer runs them).
_HER_COMING = (
    select(CourseRegistration.status, func.count(),
           func.count().filter(col(Course.first_date) <= sa.bindparam("soon")))
    .join(Course, col(Course.id) == CourseRegistration.course_id)
    .where(CourseRegistration.teacher_id == sa.bindparam("teacher_id"), col(Course.first_date) >= sa.bindparam("today"),
           col(CourseRegistration.status).in_([R.ACCEPTED.value, R.WAITING.value]))
    .group_by(CourseRegistration.status))
#: The organizer's registrations waiting for its decision on courses to come (and of them, on courses
#: starting soon). Written as "registrations of these courses" so that the database goes from the
#: organizer's courses to their registrations by the queue index; as a join, SQLite went through every
#: pending registration of the network instead.
_ITS_COURSES_TO_COME = (select(Course.id).where(Course.organizer_unit_id == sa.bindparam("unit_id"),
                                                col(Course.status).in_([s.value for s in PUBLISHED]),
                                                col(Course.first_date) >= sa.bindparam("today")))
_TO_DECIDE = (
    select(func.count(), func.count().filter(col(CourseRegistration.course_id).in_(
        _ITS_COURSES_TO_COME.where(col(Course.first_date) <= sa.bindparam("soon")))))
    .where(CourseRegistration.status == R.PENDING.value, col(CourseRegistration.course_id).in_(_ITS_COURSES_TO_COME)))


def work_queue(session: Session, actor: Actor, *, today: date | None = None) -> list[QueueItem]:
    """The home page's registration work: for a teacher her courses to come (urgent: within a week) and
    her places on waiting lists; for an organizer the registrations waiting for its decision on courses
    that have not started (urgent: the course starts within a week)."""
    today = today or taipei_today()
    days = {"today": today, "soon": today + timedelta(days=SOON_DAYS)}
    items: list[QueueItem] = []
    if may(actor, Function.TEACHER_REGISTRATIONS):
        counts = session.execute(_HER_COMING, {**days, "teacher_id": actor.id}).all()
        by_status = {status: (int(total), int(near)) for status, total, near in counts}
        accepted, waiting = by_status.get(R.ACCEPTED.value, (0, 0)), by_status.get(R.WAITING.value, (0, 0))
        items += [QueueItem(Queue.UPCOMING_COURSES, *accepted), QueueItem(Queue.WAITING_POSITIONS, waiting[0])]
    if may(actor, Function.COURSE_MANAGE):
        total, near = session.execute(_TO_DECIDE, {**days, "unit_id": actor.unit.id}).one()
        items.append(QueueItem(Queue.REGISTRANTS_WAITING, int(total), int(near)))
    return items
