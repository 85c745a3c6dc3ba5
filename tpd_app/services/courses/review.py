"""Reviewing centres' use cases (SPEC §3.1.3): the review queue, decisions, late-registration
allowances, auto-review settings and the auto-review browse page with revocation.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from tpd_app.domain.courses import MAX_REASON, Action, CourseKind, CourseStatus, next_status
from tpd_app.domain.errors import DomainError, NotFound, ValidationFailed
from tpd_app.domain.permissions import Actor, Function, may
from tpd_app.domain.timeutil import taipei_today, utcnow
from tpd_app.domain.units import NATIONWIDE
from tpd_app.domain.workqueue import SOON_DAYS, Queue, QueueItem
from tpd_app.models import AutoReviewSetting, Course, Unit
from tpd_app.services.courses import catalogue, versions
from tpd_app.services.courses.access import load_for_decision
from tpd_app.services.courses.lifecycle import history, record_decision, row
from tpd_app.services.hours import subscriptions
from tpd_app.services.platform import audit
from tpd_app.services.platform.guard import require
from tpd_app.services.platform.validation import clean

PAGE_SIZE = 20
MAX_BULK = 100
AUTO_MODES = ("off", "all", "selected")


def _scoped(stmt: Any, nationwide: bool, unit_id: Any) -> Any:
    """The courses centre `unit_id` (a value or a bound parameter) decides on: those it reviews; `moe`/national
    centre everything except their own (conflict of interest)."""
    stmt = stmt.where(Course.organizer_unit_id != unit_id)
    return stmt if nationwide else stmt.where(Course.reviewer_unit_id == unit_id)


def _scope(stmt: Any, actor: Actor) -> Any:
    return _scoped(stmt, actor.unit.type in NATIONWIDE, actor.unit.id)


def review_queue(session: Session, actor: Actor, *, keyword: str = "", county: str = "", page: int = 1,
                 ip: str = "") -> tuple[list[dict[str, str]], int]:
    """研習課程資料確認: submitted courses awaiting this centre, oldest submission first.

    Raises:
        Forbidden: the actor may not review courses.
    """
    require(actor, Function.COURSE_REVIEW, ip=ip)
    stmt = _scope(select(Course, Unit).join(Unit, col(Unit.id) == Course.organizer_unit_id), actor)
    stmt = stmt.where(Course.status == CourseStatus.SUBMITTED.value)
    if keyword := clean(keyword, 100):
        stmt = stmt.where(col(Course.title).contains(keyword) | col(Course.code).contains(keyword)
                          | col(Unit.name).contains(keyword))
    if county := clean(county, 8):
        stmt = stmt.where(Unit.county == county)
    total = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    page = max(1, min(page, 1000))
    rows = session.exec(stmt.order_by(col(Course.submitted_at), col(Course.id))
                        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    return [{**row(c, u.name), "county": u.county or ""} for c, u in rows], int(total)


def course_for_review(session: Session, actor: Actor, course_id: Any, *, ip: str = "") -> dict[str, Any]:
    """The submitted course in full, with its history, for the reviewer.

    Raises:
        NotFound, Forbidden: as `load_for_decision`.
    """
    course, organizer = load_for_decision(session, actor, course_id, Function.COURSE_REVIEW, ip=ip)
    detail = catalogue.course_detail_dict(session, course)
    return {**detail, "id": course.id, "status": course.status, "organizer": organizer.name,
            "history": history(session, course), "late_allowed_reason": course.late_allowed_reason,
            "since_return": versions.since_return(session, course)}


def _reason(action: Action, reason: Any) -> str:
    text = clean(reason, MAX_REASON)
    if action in (Action.RETURN, Action.REJECT, Action.REVOKE, Action.ALLOW_LATE) and not text:
        raise ValidationFailed({"reason": "course.error.reason_required"})
    return text


def decide(session: Session, actor: Actor, course_id: Any, action: Action, reason: Any = "", *,
           ip: str = "") -> str:
    """Approve, return (with reason) or reject (with reason) a submitted course; returns the new status.

    Raises:
        Forbidden: not this course's reviewing centre, or its own course.
        DomainError: the course is not awaiting review (`course.error.transition.<action>`).
        ValidationFailed: a return or rejection without a reason.
    """
    if action not in (Action.APPROVE, Action.RETURN, Action.REJECT):
        raise DomainError("error.generic")
    course, _ = load_for_decision(session, actor, course_id, Function.COURSE_REVIEW, ip=ip)
    target = next_status(action, course.status)
    text = _reason(action, reason)
    before = course.status
    course.status = target.value
    course.decision_reason = text
    course.decided_at = utcnow()
    session.add(course)
    session.flush()
    if target is CourseStatus.APPROVED:
        catalogue.publish(session, course)
        subscriptions.notify_subscribers(session, course)
    record_decision(session, course, actor, action.value, before, text,
                    version=versions.version(session, course) if action is Action.RETURN else None)
    audit.record(session, action=f"course.{action.value}", actor=actor, target_type="course",
                 target_id=course.code, before={"status": before},
                 after={"status": course.status, "reason": text}, ip=ip)
    return course.status


def bulk_approve(session: Session, actor: Actor, course_ids: Any, *, ip: str = "",
                 progress: Callable[[int, int], None] | None = None) -> int:
    """Approve several submitted courses at once: all of them, or (on any refusal) none. `progress(done,
    total)` hears of each approved course (the page's progress bar).

    Raises:
        ValidationFailed: no course selected.
        Forbidden, DomainError: as `decide`, for the first course that cannot be approved.
    """
    if not isinstance(course_ids, list) or not course_ids:
        raise ValidationFailed({"selection": "review.error.nothing_selected"})
    ids = [i for i in course_ids[:MAX_BULK] if isinstance(i, int)]
    # Check every course before writing any: a refusal is audited in its own transaction,
    # which SQLite could not commit while this one already holds the write lock.
    for course_id in ids:
        course, _ = load_for_decision(session, actor, course_id, Function.COURSE_REVIEW, ip=ip)
        next_status(Action.APPROVE, course.status)
    for done, course_id in enumerate(ids, 1):
        decide(session, actor, course_id, Action.APPROVE, ip=ip)
        if progress:
            progress(done, len(ids))
    return len(ids)


def allow_late_registration(session: Session, actor: Actor, code: Any, reason: Any, *, ip: str = "") -> str:
    """The reviewing centre lets a draft or returned course be registered within the 14 days,
    recording why (seed §肆.四.(二).2 exception). Returns the course title.

    Raises:
        NotFound: no course has this code.
        Forbidden: not its reviewing centre.
        ValidationFailed: no reason given.
        DomainError: the course is not a draft or returned.
    """
    course_id = session.exec(select(Course.id).where(Course.code == clean(code, 16))).first()
    if course_id is None:
        raise NotFound()
    course, _ = load_for_decision(session, actor, course_id, Function.COURSE_REVIEW, ip=ip)
    next_status(Action.ALLOW_LATE, course.status)
    text = _reason(Action.ALLOW_LATE, reason)
    course.late_allowed_reason = text
    session.add(course)
    record_decision(session, course, actor, Action.ALLOW_LATE.value, course.status, text)
    audit.record(session, action="course.allow_late", actor=actor, target_type="course", target_id=course.code,
                 before={"late_allowed_reason": ""}, after={"late_allowed_reason": text}, ip=ip)
    return course.title


def _reviewed_organizers(session: Session, actor: Actor) -> list[Unit]:
    return list(session.exec(select(Unit).where(Unit.reviewer_id == actor.unit.id, Unit.status == "active")
                             .order_by(col(Unit.county), col(Unit.name))).all())


def get_autoreview(session: Session, actor: Actor, *, ip: str = "") -> dict[str, Any]:
    """自動審核功能設定: the centre's setting and the organizers it could select.

    Raises:
        Forbidden: the actor may not change auto-review settings.
    """
    require(actor, Function.AUTOREVIEW_SETTINGS, ip=ip)
    setting = session.exec(select(AutoReviewSetting)
                           .where(AutoReviewSetting.centre_unit_id == actor.unit.id)).first()
    return {
        "mode": setting.mode if setting else "off",
        "organizer_ids": [str(i) for i in (setting.organizer_ids if setting else [])],
        "kinds": list(setting.kinds) if setting else [],
        "organizers": [{"id": str(u.id), "name": u.name, "county": u.county or ""}
                       for u in _reviewed_organizers(session, actor)],
    }


def save_autoreview(session: Session, actor: Actor, mode: Any, organizer_ids: Any, kinds: Any, *,
                    ip: str = "") -> None:
    """Switch auto-review off, on for the whole jurisdiction, or on for selected organizers/kinds.

    Raises:
        Forbidden: the actor may not change auto-review settings.
        ValidationFailed: unknown mode, an organizer outside the jurisdiction, or "selected" with nothing.
    """
    require(actor, Function.AUTOREVIEW_SETTINGS, ip=ip)
    mode = clean(mode, 16)
    if mode not in AUTO_MODES:
        raise ValidationFailed({"mode": "autoreview.error.mode"})
    allowed_ids = {u.id for u in _reviewed_organizers(session, actor)}
    ids = sorted({int(i) for i in organizer_ids if isinstance(i, str | int) and str(i).isdigit()}) \
        if isinstance(organizer_ids, list) else []
    if set(ids) - allowed_ids:
        raise ValidationFailed({"organizers": "autoreview.error.outside"})
    kind_values = sorted({k for k in kinds if k in {c.value for c in CourseKind}}) if isinstance(kinds, list) else []
    if mode != "selected":
        ids, kind_values = [], []
    elif not ids and not kind_values:
        raise ValidationFailed({"organizers": "autoreview.error.nothing_selected"})
    setting = session.exec(select(AutoReviewSetting)
                           .where(AutoReviewSetting.centre_unit_id == actor.unit.id)).first()
    before = {"mode": setting.mode, "organizer_ids": setting.organizer_ids, "kinds": setting.kinds} \
        if setting else {"mode": "off", "organizer_ids": [], "kinds": []}
    if setting is None:
        setting = AutoReviewSetting(centre_unit_id=actor.unit.id)
    setting.mode, setting.organizer_ids, setting.kinds = mode, ids, kind_values
    setting.updated_by_account_id = actor.account_id
    setting.updated_at = utcnow()
    session.add(setting)
    session.flush()
    old, new = audit.changed_fields(before, {"mode": mode, "organizer_ids": ids, "kinds": kind_values})
    audit.record(session, action="autoreview.settings", actor=actor, target_type="unit", target_id=actor.unit.id,
                 before=old, after=new, ip=ip)


def auto_approved(session: Session, actor: Actor, *, page: int = 1, ip: str = "") -> tuple[list[dict[str, str]], int]:
    """自動審核瀏覽: courses auto-approved for this centre, newest first.

    Raises:
        Forbidden: the actor may not browse auto-approved courses.
    """
    require(actor, Function.AUTOREVIEW_BROWSE, ip=ip)
    stmt = _scope(select(Course, Unit).join(Unit, col(Unit.id) == Course.organizer_unit_id), actor)
    stmt = stmt.where(Course.status == CourseStatus.AUTO_APPROVED.value)
    total = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    page = max(1, min(page, 1000))
    rows = session.exec(stmt.order_by(col(Course.decided_at).desc()).offset((page - 1) * PAGE_SIZE)
                        .limit(PAGE_SIZE)).all()
    return [{**row(c, u.name), "county": u.county or ""} for c, u in rows], int(total)


def revoke(session: Session, actor: Actor, course_id: Any, reason: Any, *, ip: str = "") -> None:
    """Take back an automatic approval with a reason: the course leaves the catalogue and returns
    to its organizer.

    Raises:
        Forbidden: not this course's centre.
        DomainError: the course is not auto-approved.
        ValidationFailed: no reason given.
    """
    course, _ = load_for_decision(session, actor, course_id, Function.AUTOREVIEW_BROWSE, ip=ip)
    target = next_status(Action.REVOKE, course.status)
    text = _reason(Action.REVOKE, reason)
    before = course.status
    course.status = target.value
    course.decision_reason = text
    course.decided_at = utcnow()
    session.add(course)
    catalogue.unpublish(session, course.id or 0)
    record_decision(session, course, actor, Action.REVOKE.value, before, text)
    audit.record(session, action="course.revoke", actor=actor, target_type="course", target_id=course.code,
                 before={"status": before}, after={"status": course.status, "reason": text}, ip=ip)


#: The home page's count of the courses waiting for a centre's decision (and of those starting soon), by
#: whether the centre is nationwide, built once: `unit_id` and `soon` are bound per call.
_WAITING_FOR = {nationwide: _scoped(select(func.count(), func.count().filter(col(Course.first_date)
                                                                             <= sa.bindparam("soon")))
                                    .where(Course.status == CourseStatus.SUBMITTED.value),
                                    nationwide, sa.bindparam("unit_id"))
                for nationwide in (True, False)}
_RETURNED = select(func.count()).where(Course.organizer_unit_id == sa.bindparam("unit_id"),
                                       Course.status == CourseStatus.RETURNED.value)


def work_queue(session: Session, actor: Actor, *, today: date | None = None) -> list[QueueItem]:
    """The home page's course work: for a reviewing centre the courses waiting for its decision (urgent:
    starting within a week); for an organizer its courses returned for changes (urgent: all of them, a
    returned course cannot take registrations). Only the queues of functions the actor holds."""
    today = today or taipei_today()
    items: list[QueueItem] = []
    if may(actor, Function.COURSE_REVIEW):
        total, soon = session.execute(_WAITING_FOR[actor.unit.type in NATIONWIDE], {
            "unit_id": actor.unit.id, "soon": today + timedelta(days=SOON_DAYS)}).one()
        items.append(QueueItem(Queue.COURSES_TO_REVIEW, int(total), int(soon)))
    if may(actor, Function.COURSE_MANAGE):
        returned = session.execute(_RETURNED, {"unit_id": actor.unit.id}).scalar_one()
        items.append(QueueItem(Queue.RETURNED_COURSES, int(returned), int(returned)))
    return items
