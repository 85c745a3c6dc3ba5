"""Published courses written straight into the database (past ones cannot go through the 14-day rule)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from sqlmodel import Session, select

from tpd_app.domain.timeutil import taipei_today
from tpd_app.models import Course, CourseSession, CourseTopic, CourseTopicLink, Unit

_seq = itertools.count(1)


def published_course(session: Session, organizer: Unit, *, days_ahead: int = 20, capacity: int = 2,
                     hours_minutes: int = 180, topics: tuple[str, ...] = (), title: str = "融合教育實務研習",
                     **fields: object) -> Course:
    """An approved course of `organizer`; `days_ahead` < 0 makes it a past course."""
    first = taipei_today() + timedelta(days=days_ahead)
    course = Course(code=f"H{next(_seq):08d}", organizer_unit_id=organizer.id or 0,
                    reviewer_unit_id=organizer.reviewer_id, status="approved", title=title, kind="lecture",
                    first_date=first, last_date=first, hours_minutes=hours_minutes, capacity=capacity,
                    online_registration=True, registration_opens=first - timedelta(days=30),
                    registration_closes=first - timedelta(days=1), venue="本校視聽教室")
    for name, value in fields.items():
        setattr(course, name, value)
    session.add(course)
    session.flush()
    session.add(CourseSession(course_id=course.id or 0, day=course.first_date or first, start_time="13:30",
                              end_time="16:30", lecturer="陳教授"))
    for code in topics:
        topic = session.exec(select(CourseTopic).where(CourseTopic.code == code)).first()
        if topic is None:
            topic = CourseTopic(code=code, name_zh=code, name_en=code)
            session.add(topic)
            session.flush()
        session.add(CourseTopicLink(course_id=course.id or 0, topic_id=topic.id or 0))
    session.flush()
    return course


def days(n: int) -> date:
    return taipei_today() + timedelta(days=n)


def register_all_at_once(actors: list, course_id: int) -> tuple[list[str], list[BaseException]]:
    """Every actor registers for the course from its own thread, released together by a barrier.

    Returns the statuses they got and the errors raised (a failed registration is a failure too).
    """
    import threading

    from tpd_app.services.hours import registration
    from tpd_app.services.platform.db import transaction

    barrier = threading.Barrier(len(actors))
    lock = threading.Lock()
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def go(actor: object) -> None:
        barrier.wait()
        try:
            with transaction() as session:
                status = registration.register(session, actor, course_id)["status"]
            with lock:
                outcomes.append(status)
        except BaseException as error:
            with lock:
                errors.append(error)

    threads = [threading.Thread(target=go, args=(actor,)) for actor in actors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes, errors


def seats_held(course_id: int) -> tuple[int, int]:
    """(pending + accepted registrations, the tally's count) of a course."""
    from sqlmodel import col, func

    from tpd_app.models import CourseRegistration, RegistrationTally
    from tpd_app.services.platform.db import transaction

    with transaction() as session:
        held = session.exec(select(func.count()).select_from(CourseRegistration).where(
            CourseRegistration.course_id == course_id,
            col(CourseRegistration.status).in_(["pending", "accepted"]))).one()
        tally = session.exec(select(RegistrationTally.seats_taken)
                             .where(RegistrationTally.course_id == course_id)).one()
    return int(held), int(tally)
