"""Demo data of registration and hours (SPEC §3.2, §3.3): registrations in every status, attendance lists
in every state and confirmed records over several years for the demo teacher A123456789 (和平國小).

Past courses cannot pass the 14-day rule today, so they are written as approved rows; everything
after that (lists, submissions, confirmations, corrections) goes through the real use cases.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlmodel import Session, col, select

from tpd_app.devdata.demo_courses import _actor, _reviewer
from tpd_app.domain.courses import course_code
from tpd_app.domain.permissions import Actor
from tpd_app.domain.registration import HOLDS_SEAT
from tpd_app.domain.timeutil import roc_year, taipei_today
from tpd_app.models import (
    AttendanceList,
    Course,
    CourseRegistration,
    CourseSession,
    CourseTopic,
    CourseTopicLink,
    RegistrationTally,
    Subscription,
    Teacher,
    Unit,
)
from tpd_app.services.hours import attendance

DEMO_TEACHER = "A123456789"

#: (title, days before today, kind, topics, hours, organizer account, list state)
HISTORY: tuple[tuple[str, int, str, tuple[str, ...], int, str, str], ...] = (
    ("環境教育：校園生態與永續發展", 1010, "workshop", ("environment",), 6, "demo-school-contact", "confirmed"),
    ("特殊教育：認識學習障礙與補救教學", 960, "lecture", ("special_ed",), 3, "demo-school-contact", "confirmed"),
    ("十二年國教素養導向教學設計", 760, "workshop", ("curriculum",), 6, "demo-teacher_ed_university",
     "confirmed"),
    ("環境教育：減塑生活與校園實踐", 620, "lecture", ("environment",), 3, "demo-school-contact", "confirmed"),
    ("性別平等教育：多元性別與校園友善", 430, "lecture", ("gender_equality",), 3, "demo-school-contact",
     "confirmed"),
    ("數位學習精進：生成式 AI 融入教學", 300, "workshop", ("digital_learning",), 6, "demo-teacher_ed_university",
     "confirmed"),
    ("特殊教育：情緒行為支持策略", 150, "lecture", ("special_ed",), 2, "demo-school-contact", "confirmed"),
    ("國語文教學：閱讀理解策略", 95, "lecture", ("curriculum",), 3, "demo-school-contact", "returned"),
    ("校園安全：防災演練規劃", 12, "lecture", ("first_aid",), 3, "demo-school-contact", "draft"),
    ("家庭教育：親職溝通工作坊", 8, "workshop", ("family",), 3, "demo-school-contact", "submitted"),
)


def _past_course(session: Session, organizer: Unit, reviewer_id: int | None, title: str, day: date, kind: str,
                 topics: tuple[str, ...], hours: int) -> Course:
    course = Course(code="d" + uuid.uuid4().hex[:15], organizer_unit_id=organizer.id or 0,
                    reviewer_unit_id=reviewer_id, status="approved", title=title, kind=kind, first_date=day,
                    last_date=day, hours_minutes=hours * 60, capacity=60, audience_levels=["elementary"],
                    venue=f"{organizer.name} 會議室", contact_name="承辦人", contact_email="contact@demo.tpd.edu.tw")
    session.add(course)
    session.flush()
    course.code = course_code(roc_year(day.year), course.id or 0)
    session.add(CourseSession(course_id=course.id or 0, day=day, start_time="13:30",
                              end_time=f"{13 + min(hours, 4)}:30", lecturer="陳怡安教授"))
    for topic_id in session.exec(select(CourseTopic.id).where(col(CourseTopic.code).in_(list(topics)))).all():
        session.add(CourseTopicLink(course_id=course.id or 0, topic_id=topic_id or 0))
    session.flush()
    return course


def _centre_actor(session: Session, unit_id: int | None) -> Actor:
    return _reviewer(session, unit_id)


def _register(session: Session, course_id: int, teacher_id: int, status: str, reason: str = "") -> None:
    session.add(CourseRegistration(course_id=course_id, teacher_id=teacher_id, status=status, reason=reason))
    session.flush()


def _recount(session: Session, course_id: int) -> None:
    held = len(session.exec(select(CourseRegistration.id).where(
        CourseRegistration.course_id == course_id, col(CourseRegistration.status).in_(list(HOLDS_SEAT)))).all())
    tally = session.exec(select(RegistrationTally).where(RegistrationTally.course_id == course_id)).first()
    tally = tally or RegistrationTally(course_id=course_id)
    tally.seats_taken = held
    session.add(tally)
    session.flush()


def load_demo_hours(session: Session) -> dict[str, int]:
    """Registrations, attendance lists in each state, several years of confirmed records."""
    today = taipei_today()
    teacher = session.exec(select(Teacher).where(Teacher.national_id == DEMO_TEACHER)).one()
    colleagues = session.exec(select(Teacher).where(Teacher.school_unit_id == teacher.school_unit_id,
                                                    Teacher.id != teacher.id).order_by(col(Teacher.id))
                              .limit(12)).all()
    lists = 0
    for title, days_ago, kind, topics, hours, username, state in HISTORY:
        organizer_actor = _actor(session, username)
        organizer = session.get(Unit, organizer_actor.unit.id)
        assert organizer is not None
        course = _past_course(session, organizer, organizer.reviewer_id, title, today - timedelta(days=days_ago),
                              kind, topics, hours)
        for person in (teacher, *colleagues[: 4 + days_ago % 5]):
            _register(session, course.id or 0, person.id or 0, "accepted")
        _recount(session, course.id or 0)
        submitted_on = (course.last_date or today) + timedelta(days=5 if days_ago != 430 else 45)
        attendance.list_view(session, organizer_actor, course.id, today=today)
        if colleagues:
            attendance.set_hours(session, organizer_actor, course.id, colleagues[0].id, str(max(1, hours - 1)),
                                 today=today)
        lists += 1
        if state == "draft":
            continue
        attendance.submit_list(session, organizer_actor, course.id, today=min(today, submitted_on))
        if state == "submitted":
            continue
        centre = _centre_actor(session, organizer.reviewer_id)
        roster_id = _list_id(session, course.id or 0)
        if state == "returned":
            attendance.return_list(session, centre, roster_id, "請補上午場次簽到的 2 位教師，並確認時數。")
            continue
        attendance.confirm_list(session, centre, roster_id)

    upcoming = session.exec(select(Course).where(col(Course.status).in_(["approved", "auto_approved"]),
                                                 col(Course.first_date) > today,
                                                 Course.online_registration)
                            .order_by(col(Course.first_date))).all()
    registrations = 0
    for index, course in enumerate(upcoming[:3]):
        status = ("accepted", "pending", "declined")[index]
        _register(session, course.id or 0, teacher.id or 0, status,
                  "本研習限定特教班教師優先" if status == "declined" else "")
        for person in colleagues[:3]:
            _register(session, course.id or 0, person.id or 0, "pending")
        _recount(session, course.id or 0)
        registrations += 4
    if len(upcoming) > 3:
        full = upcoming[3]
        full.capacity = 3
        session.add(full)
        for person in colleagues[:3]:
            _register(session, full.id or 0, person.id or 0, "accepted")
        _register(session, full.id or 0, teacher.id or 0, "waiting")
        if len(colleagues) > 3:
            _register(session, full.id or 0, colleagues[3].id or 0, "waiting")
        _recount(session, full.id or 0)
        registrations += 5
    if len(upcoming) > 4:
        _register(session, upcoming[4].id or 0, teacher.id or 0, "withdrawn")
        registrations += 1
    session.add(Subscription(teacher_id=teacher.id or 0, active=True, topics=["special_ed", "environment"],
                             counties=["TPE"], digest=False))
    session.flush()
    return {"attendance_lists": lists, "registrations": registrations}


def _list_id(session: Session, course_id: int) -> int:
    return session.exec(select(AttendanceList.id).where(AttendanceList.course_id == course_id)).one() or 0
