"""The only door to a course row for a caller: every loader fetches the course *and* checks the caller's
right to it in one call, so no code path holds a course it may not act on (SPEC §2, regional scope).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from tpd_app.domain.errors import DomainError, Forbidden, NotFound
from tpd_app.domain.permissions import Actor, Function
from tpd_app.domain.units import UnitType
from tpd_app.models import Course, Unit
from tpd_app.services.platform import audit
from tpd_app.services.platform.guard import require, unit_ref


def reviewing_centre_id(session: Session, organizer: Unit) -> int:
    """SPEC §1.1: the organizer's reviewing centre. A centre's own courses go to the level above it
    (its own reviewer, else its parent); the ministry's go to the national centre."""
    if organizer.reviewer_id:
        return organizer.reviewer_id
    if organizer.parent_id:
        return organizer.parent_id
    national = session.exec(select(Unit.id).where(Unit.type == UnitType.NATIONAL_CENTER.value)).first()
    if national is None or national == organizer.id:
        raise DomainError("course.error.no_reviewer")
    return national


def organizer_of(session: Session, course: Course) -> Unit:
    """The unit that organizes the course.

    Raises:
        NotFound: the unit is gone.
    """
    unit = session.get(Unit, course.organizer_unit_id)
    if unit is None:
        raise NotFound()
    return unit


def load_managed(session: Session, actor: Actor, course_id: int, *, ip: str = "",
                 function: Function = Function.COURSE_MANAGE) -> tuple[Course, Unit]:
    """The course and its organizer, if the actor's unit organizes it and may manage it.

    Raises:
        NotFound: no such course.
        Forbidden: the matrix refuses, or the course belongs to another unit.
    """
    require(actor, function, ip=ip)
    course = session.get(Course, course_id) if isinstance(course_id, int) else None
    if course is None:
        raise NotFound()
    organizer = organizer_of(session, course)
    require(actor, function, unit_ref(organizer), ip=ip, detail=f"course {course.code}")
    # Courses are edited by their own organizer only; centres decide, they do not rewrite.
    if organizer.id != actor.unit.id:
        raise Forbidden("error.forbidden.jurisdiction")
    return course, organizer


def load_for_decision(session: Session, actor: Actor, course_id: Any, function: Function, *,
                      ip: str = "") -> tuple[Course, Unit]:
    """The course and its organizer, if the actor's centre may decide on it.

    Raises:
        NotFound: no such course.
        Forbidden: not a reviewing centre, outside its jurisdiction, or its own course.
    """
    require(actor, function, ip=ip)
    course = session.get(Course, course_id) if isinstance(course_id, int) else None
    if course is None:
        raise NotFound()
    organizer = session.get(Unit, course.organizer_unit_id)
    if organizer is None:
        raise NotFound()
    require(actor, function, unit_ref(organizer), ip=ip, detail=f"course {course.code}")
    if organizer.id == actor.unit.id:
        audit.record_now(action="access.denied", actor=actor, outcome="denied", target_type="course",
                         target_id=course.code, after={"reason": "own_course"}, ip=ip)
        raise Forbidden("course.error.own_course")
    return course, organizer
