"""The personal calendar feed: only her accepted courses, a forged or replaced address gives nothing,
making a new address or stopping ends the old one, and only a teacher has one."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.factories import make_world
from tests.services.hours_data import published_course
from tpd_app.domain.errors import Forbidden
from tpd_app.domain.units import AccountCategory
from tpd_app.models import AuditLog, Course
from tpd_app.services.hours import calendar, registration
from tpd_app.services.platform.db import transaction


def _setup():
    with transaction() as s:
        world = make_world(s)
        accepted = published_course(s, world.school_a, title="閱讀素養工作坊")
        pending = published_course(s, world.school_a, title="數位學習講座")
        organizer = world.actor(s, world.school_a, AccountCategory.OPERATOR)
        her, other = world.teacher_actor(s), world.teacher_actor(s)
        ids = accepted.id, pending.id
    with transaction() as s:
        mine = registration.register(s, her, ids[0])
        registration.register(s, her, ids[1])
        theirs = registration.register(s, other, ids[1])
        registration.accept(s, organizer, ids[0], [mine["id"]])
        registration.accept(s, organizer, ids[1], [theirs["id"]])
    return her, other, organizer, ids


def _token(address: str) -> str:
    return address.rsplit("/", 1)[1].removesuffix(".ics")


def _read(token: str) -> bytes | None:
    with transaction() as s:
        return calendar.feed_calendar(s, token)


def test_the_feed_has_her_accepted_courses_only_and_says_when_it_was_read(db_url: str):
    her, _, _, (accepted_id, pending_id) = _setup()
    with transaction() as s:
        assert calendar.my_feed(s, her)["address"] == ""
        address = calendar.make_feed(s, her)
        codes = {cid: s.get(Course, cid).code for cid in (accepted_id, pending_id)}
    assert "/api/calendar/" in address and address.endswith(".ics")
    body = _read(_token(address))
    assert body is not None
    text = body.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "閱讀素養工作坊" in text and f"tpd-{codes[accepted_id]}-" in text
    assert "數位學習講座" not in text  # pending for her (accepted for someone else)
    assert "REFRESH-INTERVAL" in text and all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    with transaction() as s:
        mine = calendar.my_feed(s, her)
    assert mine["address"] == address and mine["last_read"].startswith("20")  # ISO; pages write it 民國


def test_a_forged_or_replaced_address_gives_nothing_and_stopping_ends_it(db_url: str):
    her, other, _, _ = _setup()
    with transaction() as s:
        first = _token(calendar.make_feed(s, her))
    key = first.partition(".")[0]
    assert _read(first) is not None
    assert _read(key + "." + "0" * 32) is None  # a guessed signature
    assert _read(key) is None and _read("") is None and _read("../" + first) is None
    with transaction() as s:
        second = _token(calendar.make_feed(s, her))
    assert second != first and _read(first) is None and _read(second) is not None
    with transaction() as s:
        assert calendar.stop_feed(s, her) is True
        assert calendar.stop_feed(s, her) is False
        assert calendar.my_feed(s, her)["address"] == ""
        actions = s.exec(select(AuditLog.action).where(AuditLog.action.startswith("calendar."))).all()
    assert _read(second) is None
    assert actions == ["calendar.feed_created", "calendar.feed_replaced", "calendar.feed_stopped"]
    with transaction() as s:  # another teacher's feed is her own, independent one
        assert _token(calendar.make_feed(s, other)) != second


def test_only_a_teacher_has_a_feed(db_url: str):
    _, _, organizer, _ = _setup()
    with transaction() as s, pytest.raises(Forbidden):
        calendar.make_feed(s, organizer)
