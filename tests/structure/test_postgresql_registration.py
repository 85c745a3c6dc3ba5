"""No overfilled course on PostgreSQL either: simultaneous registrations from threads on a real server."""

from __future__ import annotations

import threading

import pytest
from sqlmodel import func, select

from tests.factories import make_world
from tests.services.hours_data import published_course
from tests.structure.test_postgresql import postgres_url  # noqa: F401 (the module-scoped server fixture)
from tpd_app.models import CourseRegistration, RegistrationTally
from tpd_app.services.db import dispose_engines
from tpd_app.settings import reset_settings


def test_simultaneous_registrations_never_exceed_capacity_on_postgresql(
        postgres_url: str, monkeypatch: pytest.MonkeyPatch):  # noqa: F811
    from tpd_app.cli import migrate
    from tpd_app.services import registration
    from tpd_app.services.db import transaction

    monkeypatch.setenv("TPD_DATABASE_URL", postgres_url)
    reset_settings()
    dispose_engines()
    migrate()
    with transaction() as s:
        world = make_world(s)
        course_id = published_course(s, world.school_a, capacity=4).id
        teachers = [world.teacher_actor(s) for _ in range(16)]
    barrier = threading.Barrier(len(teachers))
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def go(actor):
        barrier.wait()
        try:
            with transaction() as s:
                outcomes.append(registration.register(s, actor, course_id)["status"])
        except BaseException as error:  # surfaced below: a failed registration is a test failure too
            errors.append(error)

    threads = [threading.Thread(target=go, args=(a,)) for a in teachers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with transaction() as s:
        held = s.exec(select(func.count()).select_from(CourseRegistration).where(
            CourseRegistration.course_id == course_id, CourseRegistration.status == "pending")).one()
        tally = s.exec(select(RegistrationTally).where(RegistrationTally.course_id == course_id)).one()
    dispose_engines()
    reset_settings()
    assert errors == []
    assert outcomes.count("pending") == 4 and outcomes.count("waiting") == 12
    assert held == 4 and tally.seats_taken == 4
