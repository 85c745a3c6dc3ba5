"""Organizer use cases (SPEC §3.1): register, edit, submit, cancel and browse the own unit's courses.

Every function loads what it acts on *and* checks access in one step (`load_managed`), so no
path reaches a course without the guard. Each runs inside the caller's single transaction.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlmodel import Session, col, func, select

from tpd_app.domain.courses import (
    MAX_REASON,
    PUBLISHED,
    Action,
    CourseStatus,
    actions_for,
    course_code,
    hours_text,
    latest_registration_date,
    next_status,
    registered_in_time,
    status_after_edit,
)
from tpd_app.domain.errors import NotFound, ValidationFailed
from tpd_app.domain.permissions import Actor, Function
from tpd_app.domain.timeutil import format_date, format_datetime, roc_year, taipei_today, utcnow
from tpd_app.models import (
    AutoReviewSetting,
    Course,
    CourseAttachment,
    CourseDecision,
    CourseSession,
    CourseTopic,
    CourseTopicLink,
    Unit,
)
from tpd_app.services.courses import catalogue
from tpd_app.services.courses.access import load_managed, reviewing_centre_id
from tpd_app.services.courses.form_input import CourseInput, parse_course, raise_if_invalid
from tpd_app.services.hours.registration import cancel_registrations, seats_added
from tpd_app.services.hours.subscriptions import notify_subscribers
from tpd_app.services.platform import audit
from tpd_app.services.platform.guard import require, unit_ref
from tpd_app.services.platform.validation import clean
from tpd_app.services.stats import rollups

PAGE_SIZE = 20


def snapshot(session: Session, course: Course) -> dict[str, Any]:
    """The course's editable values, for audit before/after and for the edit form."""
    data = catalogue.course_detail_dict(session, course)
    data["topics"] = [t["code"] for t in data["topics"]]
    data["status"] = course.status
    data["hours_minutes"] = course.hours_minutes
    return data


def _apply(session: Session, course: Course, parsed: CourseInput) -> None:
    for name, value in parsed.text.items():
        setattr(course, name, value)
    course.kind = parsed.kind
    course.hours_minutes = parsed.hours_minutes or 0
    course.credits = parsed.credits
    course.capacity = parsed.capacity or 0
    course.audience_levels = parsed.audience_levels
    course.online_registration = parsed.online_registration
    course.registration_opens = parsed.registration_opens if parsed.online_registration else None
    course.registration_closes = parsed.registration_closes if parsed.online_registration else None
    course.eligible_counties = parsed.eligible_counties
    course.eligible_levels = parsed.eligible_levels
    course.eligible_school_codes = parsed.eligible_school_codes
    course.first_date = parsed.first_date
    course.last_date = parsed.last_date
    course.updated_at = utcnow()
    session.add(course)
    session.flush()
    for old in session.exec(select(CourseSession).where(CourseSession.course_id == course.id)).all():
        session.delete(old)
    for old_link in session.exec(select(CourseTopicLink).where(CourseTopicLink.course_id == course.id)).all():
        session.delete(old_link)
    session.flush()
    assert course.id is not None
    for meeting in parsed.sessions:
        session.add(CourseSession(course_id=course.id, day=meeting.day, start_time=meeting.start.strftime("%H:%M"),
                                  end_time=meeting.end.strftime("%H:%M"), lecturer=meeting.lecturer))
    topic_ids = session.exec(select(CourseTopic.id).where(col(CourseTopic.code).in_(parsed.topic_codes))).all()
    for topic_id in topic_ids:
        session.add(CourseTopicLink(course_id=course.id, topic_id=topic_id or 0))
    session.flush()


def record_decision(session: Session, course: Course, actor: Actor, action: str, before: str,
                    reason: str = "", version: dict[str, str] | None = None) -> None:
    """One row of the course's history (what the organizer sees with the reason); a return keeps the
    `version` returned."""
    assert course.id is not None
    session.add(CourseDecision(course_id=course.id, unit_id=actor.unit.id,
                               account_id=actor.account_id,
                               action=action, from_status=before, to_status=course.status, reason=reason,
                               version=version))
    session.flush()
    # Statistics count published courses: every status change passes here.
    rollups.sync_course(session, course.id)


def _too_late(session: Session, course: Course, today: date) -> ValidationFailed:
    assert course.first_date is not None
    error = ValidationFailed({"sessions": "course.error.too_late"},
                             latest=format_date(latest_registration_date(course.first_date), roc=False),
                             first=format_date(course.first_date, roc=False))
    error.key = "course.error.too_late_detail"
    return error


def _auto_review_applies(session: Session, centre_id: int, course: Course) -> bool:
    setting = session.exec(select(AutoReviewSetting).where(AutoReviewSetting.centre_unit_id == centre_id)).first()
    if setting is None or setting.mode == "off":
        return False
    if setting.mode == "all":
        return True
    organizers_ok = not setting.organizer_ids or course.organizer_unit_id in setting.organizer_ids
    kinds_ok = not setting.kinds or course.kind in setting.kinds
    return bool(setting.organizer_ids or setting.kinds) and organizers_ok and kinds_ok


def _send_to_review(session: Session, actor: Actor, course: Course, organizer: Unit) -> None:
    """Submitted: to the reviewing centre, or published at once if its auto-review covers it."""
    before = course.status
    centre_id = reviewing_centre_id(session, organizer)
    course.reviewer_unit_id = centre_id
    course.submitted_at = utcnow()
    course.first_submitted_at = course.first_submitted_at or course.submitted_at
    course.decision_reason = ""
    if _auto_review_applies(session, centre_id, course):
        course.status = CourseStatus.AUTO_APPROVED.value
        course.decided_at = utcnow()
        session.add(course)
        session.flush()
        catalogue.publish(session, course)
        notify_subscribers(session, course)
        record_decision(session, course, actor, "auto_approve", before)
        return
    course.status = CourseStatus.SUBMITTED.value
    session.add(course)
    session.flush()
    # A returned course sent back is a resubmission: the history says so (the return reason is cleared above,
    # so the organizer no longer sees it as current, while the history keeps it).
    record_decision(session, course, actor, "resubmit" if before == CourseStatus.RETURNED.value else "submit",
                    before)


def _submit(session: Session, actor: Actor, course: Course, organizer: Unit, parsed: CourseInput,
            today: date) -> None:
    next_status(Action.SUBMIT, course.status)
    raise_if_invalid(parsed)
    assert course.first_date is not None
    # The 14-day rule applies to the first registration; a returned course keeps its place.
    if (course.first_submitted_at is None and not course.late_allowed_reason
            and not registered_in_time(course.first_date, today)):
        raise _too_late(session, course, today)
    _send_to_review(session, actor, course, organizer)


def register_course(session: Session, actor: Actor, data: dict[str, Any], *, submit: bool, ip: str = "",
                    today: date | None = None) -> str:
    """研習課程登錄: save a new course of the actor's own unit as a draft, or submit it; returns its code.

    Raises:
        Forbidden: the actor may not register courses.
        ValidationFailed: a field is wrong, or (on submit) the course starts in under 14 days.
    """
    require(actor, Function.COURSE_REGISTER, ip=ip)
    organizer = session.get(Unit, actor.unit.id)
    if organizer is None:
        raise NotFound()
    require(actor, Function.COURSE_REGISTER, unit_ref(organizer), ip=ip)
    parsed = parse_course(session, data, complete=submit)
    raise_if_invalid(parsed)
    course = Course(code="t" + uuid.uuid4().hex[:15], organizer_unit_id=organizer.id or 0, title="", kind="",
                    created_by_account_id=actor.account_id)
    session.add(course)
    session.flush()
    assert course.id is not None
    course.code = course_code(roc_year((today or taipei_today()).year), course.id)
    _apply(session, course, parsed)
    audit.record(session, action="course.register", actor=actor, target_type="course", target_id=course.code,
                 after=snapshot(session, course), ip=ip)
    if submit:
        _submit(session, actor, course, organizer, parsed, today or taipei_today())
        audit.record(session, action="course.submit", actor=actor, target_type="course", target_id=course.code,
                     before={"status": "draft"}, after={"status": course.status}, ip=ip)
    return course.code


def publish_reported(session: Session, actor: Actor, organizer: Unit, parsed: CourseInput, course: Course | None,
                     *, ip: str = "", today: date | None = None) -> Course:
    """A course sent by its reviewing centre's own system (後端資訊傳報, SPEC §3.5): created or updated as
    reviewed by that centre and published at once. The caller has checked the centre's jurisdiction over
    `organizer` and validated `parsed` as complete; the 14-day rule does not apply (the centre's own system
    registered it).
    """
    raise_if_invalid(parsed)
    created = course is None
    if course is None:
        course = Course(code="t" + uuid.uuid4().hex[:15], organizer_unit_id=organizer.id or 0, title="", kind="")
        session.add(course)
        session.flush()
        assert course.id is not None
        course.code = course_code(roc_year((today or taipei_today()).year), course.id)
    before_status = course.status
    before = {} if created else snapshot(session, course)
    capacity_before = course.capacity
    course.organizer_unit_id = organizer.id or 0
    _apply(session, course, parsed)
    now = utcnow()
    course.reviewer_unit_id = actor.unit.id
    course.submitted_at = course.submitted_at or now
    course.first_submitted_at = course.first_submitted_at or now
    course.status, course.decided_at, course.decision_reason = CourseStatus.APPROVED.value, now, ""
    session.add(course)
    session.flush()
    catalogue.publish(session, course)
    if created:
        notify_subscribers(session, course)
    if before_status != course.status or created:
        record_decision(session, course, actor, "reported", before_status if not created else "draft")
    else:
        rollups.sync_course(session, course.id or 0)
    if capacity_before and (course.capacity == 0 or course.capacity > capacity_before):
        seats_added(session, course)
    after = snapshot(session, course)
    old, new = audit.changed_fields(before, after) if before else ({}, after)
    audit.record(session, action="course.reported", actor=actor, target_type="course", target_id=course.code,
                 before=old or None, after=new, ip=ip)
    return course


def update_course(session: Session, actor: Actor, course_id: int, data: dict[str, Any], *, submit: bool,
                  ip: str = "", today: date | None = None) -> str:
    """Edit a draft, returned or published course (and optionally submit it); returns the new status.

    A material edit of a published course goes back to review while the catalogue keeps the
    approved version.

    Raises:
        Forbidden: not the actor's unit's course, or the matrix refuses.
        DomainError: the course's status does not allow editing (`course.error.transition.edit`).
        ValidationFailed: a field is wrong, or the 14-day rule refuses the submission.
    """
    course, organizer = load_managed(session, actor, course_id, ip=ip)
    next_status(Action.EDIT, course.status)
    published = CourseStatus(course.status) in PUBLISHED
    parsed = parse_course(session, data, complete=submit or published)
    raise_if_invalid(parsed)
    before = snapshot(session, course)
    capacity_before = course.capacity
    _apply(session, course, parsed)
    after = snapshot(session, course)
    old, new = audit.changed_fields(before, after)
    if published:
        if status_after_edit(CourseStatus(course.status), set(new)) is CourseStatus.SUBMITTED:
            _send_to_review(session, actor, course, organizer)
        else:
            catalogue.publish(session, course)
    elif submit:
        _submit(session, actor, course, organizer, parsed, today or taipei_today())
    rollups.sync_course(session, course.id or 0)
    if capacity_before and (course.capacity == 0 or course.capacity > capacity_before):
        # More seats (0: unlimited): the waiting list takes them now.
        seats_added(session, course)
    if course.status != before["status"]:
        old["status"], new["status"] = before["status"], course.status
    audit.record(session, action="course.edit", actor=actor, target_type="course", target_id=course.code,
                 before=old, after=new, ip=ip)
    return course.status


def cancel_course(session: Session, actor: Actor, course_id: int, reason: str, *, ip: str = "") -> None:
    """Cancel the own unit's course with a reason; a published one leaves the catalogue.

    Raises:
        Forbidden: not the actor's unit's course.
        ValidationFailed: no reason given.
        DomainError: already cancelled or rejected.
    """
    course, _ = load_managed(session, actor, course_id, ip=ip)
    reason = clean(reason, MAX_REASON)
    before = course.status
    target = next_status(Action.CANCEL, course.status)
    if not reason:
        raise ValidationFailed({"reason": "course.error.reason_required"})
    course.status = target.value
    course.decision_reason = reason
    course.updated_at = utcnow()
    session.add(course)
    catalogue.unpublish(session, course.id or 0)
    # Registrants are told in the same transaction (SPEC §3.1.5).
    cancel_registrations(session, course)
    record_decision(session, course, actor, "cancel", before, reason)
    audit.record(session, action="course.cancel", actor=actor, target_type="course", target_id=course.code,
                 before={"status": before}, after={"status": course.status, "reason": reason}, ip=ip)


def course_for_edit(session: Session, actor: Actor, course_id: int, *, ip: str = "") -> dict[str, Any]:
    """The course's values for the edit form, its status, history and allowed actions.

    Raises:
        NotFound, Forbidden: as `load_managed`.
    """
    course, _ = load_managed(session, actor, course_id, ip=ip, function=Function.COURSE_BROWSE_OWN)
    data = snapshot(session, course)
    data["id"] = course.id
    data["actions"] = actions_for(course.status)
    data["decision_reason"] = course.decision_reason
    data["history"] = history(session, course)
    data["attachments"] = list_attachments(session, course.id or 0)
    return data


def list_attachments(session: Session, course_id: int) -> list[dict[str, str]]:
    """The course's attachments as rows (the caller has checked access to the course)."""
    rows = session.exec(select(CourseAttachment).where(CourseAttachment.course_id == course_id)
                        .order_by(col(CourseAttachment.id))).all()
    return [{"id": str(r.id), "name": r.original_name, "kb": str(max(1, r.size_bytes // 1024)),
             "href": f"/api/courses/attachments/{r.id}"} for r in rows]


def history(session: Session, course: Course) -> list[dict[str, str]]:
    """The course's decisions, newest first, with the deciding unit's name and the reason."""
    # Only the columns shown: a return's row also holds the whole course as returned.
    rows = session.execute(
        select(CourseDecision.action, CourseDecision.to_status, CourseDecision.reason, CourseDecision.at, Unit.name)
        .join(Unit, col(Unit.id) == CourseDecision.unit_id)
        .where(CourseDecision.course_id == course.id).order_by(col(CourseDecision.id).desc())
    ).all()
    return [{"action": d.action, "to_status": d.to_status, "reason": d.reason, "unit": d.name,
             "at": format_datetime(d.at, roc=False)} for d in rows]


def row(course: Course, organizer_name: str = "") -> dict[str, str]:
    """A course as one list row (strings only, for the UI)."""
    return {
        "id": str(course.id),
        "code": course.code,
        "title": course.title,
        "kind": course.kind,
        "status": course.status,
        "organizer": organizer_name,
        "first_date": course.first_date.isoformat() if course.first_date else "",
        "hours": hours_text(course.hours_minutes),
        "reason": course.decision_reason,
    }


def where_it_went(session: Session, actor: Actor, code: str, *, ip: str = "") -> dict[str, str]:
    """What became of the own unit's course just saved: its status and, once submitted, the unit that
    reviews it (for the organizer's notice: "sent for review to 臺北市政府教育局", "approved automatically").

    Raises:
        Forbidden: the actor may not browse its unit's courses. NotFound: not a course of the actor's unit.
    """
    require(actor, Function.COURSE_BROWSE_OWN, ip=ip)
    row = session.execute(select(Course.code, Course.status, Unit.name)
                          .outerjoin(Unit, col(Unit.id) == Course.reviewer_unit_id)
                          .where(Course.code == clean(code, 16), Course.organizer_unit_id == actor.unit.id)).first()
    if row is None:
        raise NotFound()
    return {"code": row.code, "status": row.status, "reviewer": row.name or ""}


def list_own_courses(session: Session, actor: Actor, *, status: str = "", keyword: str = "", kind: str = "",
                     date_from: date | None = None, date_to: date | None = None, page: int = 1,
                     ip: str = "") -> tuple[list[dict[str, str]], int, dict[str, int]]:
    """本單位研習課程瀏覽: one page of the own unit's courses, the total, and counts per status.

    Raises:
        Forbidden: the actor may not browse its unit's courses.
    """
    require(actor, Function.COURSE_BROWSE_OWN, ip=ip)
    base = select(Course).where(Course.organizer_unit_id == actor.unit.id)
    counts = dict(session.exec(
        select(Course.status, func.count()).where(Course.organizer_unit_id == actor.unit.id)
        .group_by(Course.status)).all())
    stmt = base
    if status in {s.value for s in CourseStatus}:
        stmt = stmt.where(Course.status == status)
    if kind:
        stmt = stmt.where(Course.kind == clean(kind, 32))
    if keyword := clean(keyword, 100):
        stmt = stmt.where(col(Course.title).contains(keyword) | col(Course.code).contains(keyword))
    if date_from:
        stmt = stmt.where(col(Course.first_date) >= date_from)
    if date_to:
        stmt = stmt.where(col(Course.first_date) <= date_to)
    total = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    page = max(1, min(page, 1000))
    courses = session.exec(stmt.order_by(col(Course.id).desc()).offset((page - 1) * PAGE_SIZE)
                           .limit(PAGE_SIZE)).all()
    return [row(c) for c in courses], int(total), {str(k): int(v) for k, v in counts.items()}
