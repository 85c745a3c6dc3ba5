"""No overfilled course on PostgreSQL either: simultaneous registrations from threads on a real server."""

from __future__ import annotations

import pytest

from tests.factories import make_world
from tests.services.hours_data import published_course, register_all_at_once, seats_held
from tests.structure.test_postgresql import on_postgresql, postgres_url  # noqa: F401 (the module-scoped server fixture)
from tpd_app.services.platform.db import dispose_engines
from tpd_app.settings import reset_settings


def test_simultaneous_registrations_never_exceed_capacity_on_postgresql(
        postgres_url: str, monkeypatch: pytest.MonkeyPatch):  # noqa: F811
    from tpd_app.services.platform.db import transaction

    on_postgresql(postgres_url, monkeypatch)
    with transaction() as s:
        world = make_world(s)
        course_id = published_course(s, world.school_a, capacity=4).id
        teachers = [world.teacher_actor(s) for _ in range(16)]
    outcomes, errors = register_all_at_once(teachers, course_id)
    held = seats_held(course_id)
    dispose_engines()
    reset_settings()
    assert errors == []
    assert outcomes.count("pending") == 4 and outcomes.count("waiting") == 12
    assert held == (4, 4)


def test_subscription_matching_on_postgresql(postgres_url: str, monkeypatch: pytest.MonkeyPatch):  # noqa: F811
    """The matcher reads the choice lists as JSON text (a cast PostgreSQL's json type must accept)."""
    import sqlalchemy as sa

    from tests.factories import actor_for_teacher, make_teacher
    from tpd_app.models import OutboxMessage, SubscriptionNotice
    from tpd_app.services.hours import subscriptions
    from tpd_app.services.platform.db import transaction

    on_postgresql(postgres_url, monkeypatch)
    with transaction() as s:
        world = make_world(s)
        wanted = {}
        for name, choices in (("instant", {"topics": ["special_ed"]}),
                              ("digest", {"digest": True, "kinds": ["lecture"]}),
                              ("other", {"kinds": ["workshop"]})):
            teacher = make_teacher(s, world.school_a)
            subscriptions.save_subscription(s, actor_for_teacher(teacher, world.school_a), {"active": True, **choices})
            wanted[name] = teacher.id
        course = published_course(s, world.school_a, topics=("special_ed",))
        matched = subscriptions.notify_subscribers(s, course)
        notices = s.execute(sa.select(SubscriptionNotice.teacher_id).where(SubscriptionNotice.course_id == course.id))
        mails = s.execute(sa.select(OutboxMessage.body).where(OutboxMessage.kind == "course_match")).scalars().all()
        noticed = notices.scalars().all()
    dispose_engines()
    reset_settings()
    assert matched == 2 and noticed == [wanted["digest"]]
    assert len([b for b in mails if f"token={wanted['instant']}." in b]) == 1
