"""Demo hours for the statistics dashboards (SPEC §3.6), kept apart from the demo attendance lists of `demo_hours.py`.

Writes confirmed `TrainingRecord` rows for demo teachers on a few years of past approved demo
courses, through `rollups.apply_confirmation` like a real confirmation. `ledger_row` copies the
facts a confirmation copies (the teacher's school, county and level; the organizer and its county).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlmodel import Session, col, select

from tpd_app.domain.courses import CourseKind
from tpd_app.domain.timeutil import taipei_today, utcnow
from tpd_app.domain.training_years import school_year_of
from tpd_app.domain.units import UnitType
from tpd_app.models import Course, CourseTopic, CourseTopicLink, Teacher, TrainingRecord, Unit
from tpd_app.services.stats import rollups

_TOPIC_MIX = ["environment", "special_ed", "gender_equality", "curriculum", "digital_learning", "family",
              "assessment", "counselling", "cyber_security"]
_KINDS = [k.value for k in CourseKind]


def ledger_row(session: Session, teacher: Teacher, course: Course, minutes: int | None = None) -> TrainingRecord:
    """The ledger row a confirmation writes for `teacher` on `course` (not yet added to the session)."""
    school = session.get(Unit, teacher.school_unit_id)
    organizer = session.get(Unit, course.organizer_unit_id)
    day = course.last_date or course.first_date or taipei_today()
    return TrainingRecord(
        teacher_id=teacher.id or 0, course_id=course.id or 0,
        minutes=course.hours_minutes if minutes is None else minutes, credited_on=day, calendar_year=day.year,
        school_year=school_year_of(day), school_unit_id=teacher.school_unit_id,
        school_county=school.county if school else None, school_level=school.school_level if school else None,
        organizer_unit_id=course.organizer_unit_id, organizer_county=organizer.county if organizer else None,
        course_kind=course.kind,
    )


def confirm(session: Session, added: list[TrainingRecord], superseded: list[TrainingRecord] | None = None) -> None:
    """Write `added`, mark `superseded` as replaced, and update the rollups: what a confirmation does."""
    for old in superseded or []:
        old.superseded_at = utcnow()
        session.add(old)
    session.add_all(added)
    session.flush()
    rollups.apply_confirmation(session, added=added, superseded=superseded or [])


def _past_courses(session: Session, organizers: list[Unit], rng: random.Random, today: date) -> list[Course]:
    """Approved past courses by demo organizers across three school years (written directly: they are history)."""
    topics = {t.code: t.id for t in session.exec(select(CourseTopic))}
    made = []
    for n in range(60):
        organizer = organizers[n % len(organizers)]
        day = today - timedelta(days=20 + rng.randrange(3 * 365))
        minutes = rng.choice([60, 120, 180, 180, 240, 360])
        title = organizer.name + rng.choice(["教師增能研習", "專業成長工作坊", "議題融入教學研習"])
        course = Course(code=f"DS{n:05d}", organizer_unit_id=organizer.id or 0, reviewer_unit_id=organizer.reviewer_id,
                        status="approved", title=title,
                        kind=rng.choice(_KINDS), first_date=day, last_date=day, hours_minutes=minutes,
                        capacity=60, audience_levels=[organizer.school_level or "elementary"])
        session.add(course)
        session.flush()
        for code in rng.sample(_TOPIC_MIX, rng.choice([1, 1, 2])):
            session.add(CourseTopicLink(course_id=course.id or 0, topic_id=topics[code] or 0))
        rollups.sync_course(session, course.id or 0)
        made.append(course)
    return made


def load_demo_hours(session: Session, *, seed: int = 2026, today: date | None = None) -> int:
    """Past courses and confirmed hours for the demo teachers; returns the number of ledger rows."""
    rng = random.Random(seed)
    today = today or taipei_today()
    organizers = list(session.exec(select(Unit).where(col(Unit.type).in_(
        [UnitType.SCHOOL.value, UnitType.SUBJECT_CENTER.value, UnitType.TEACHER_ED_UNIVERSITY.value]))
        .order_by(col(Unit.id))))
    teachers = list(session.exec(select(Teacher).where(Teacher.employment == "serving").order_by(col(Teacher.id))))
    if not organizers or not teachers:
        return 0
    courses = _past_courses(session, organizers, rng, today)
    rows = []
    for course in courses:
        same_county = [t for t in teachers if rng.random() < 0.6] if course.organizer_unit_id else teachers
        for teacher in rng.sample(same_county, min(len(same_county), rng.randrange(5, 30))):
            rows.append(ledger_row(session, teacher, course))
    confirm(session, rows)
    return len(rows)
