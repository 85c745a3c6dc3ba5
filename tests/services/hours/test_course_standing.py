"""The registration part of a course's page: seats left, the window, and each person's call to action."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from tests.factories import make_world
from tests.services.hours_data import published_course
from tpd_app.domain.errors import NotFound
from tpd_app.domain.timeutil import taipei_today
from tpd_app.domain.units import AccountCategory
from tpd_app.models import CourseRegistration
from tpd_app.services.courses import catalogue
from tpd_app.services.hours import registration
from tpd_app.services.platform.db import transaction


def _course(**fields):
    with transaction() as s:
        world = make_world(s)
        course = published_course(s, world.school_a, **fields)
        catalogue.publish(s, course)
        teachers = [world.teacher_actor(s) for _ in range(3)]
        staff = world.actor(s, world.school_a, AccountCategory.OPERATOR)
    return world, course, teachers, staff


def _standing(actor, code):
    with transaction() as s:
        return registration.course_standing(s, actor, code)


def _register(actor, course_id):
    with transaction() as s:
        return registration.register(s, actor, course_id)


def test_each_person_sees_the_seats_left_the_window_and_what_she_can_do(db_url: str):
    _, course, t, staff = _course(capacity=2)
    first = course.first_date
    anonymous = _standing(None, course.code)
    assert (anonymous["action"], anonymous["seats_left"], anonymous["capacity"]) == ("sign_in", "2", "2")
    assert anonymous["opens"] == (first - timedelta(days=30)).isoformat()
    assert anonymous["closes"] == course.registration_closes.isoformat() and not anonymous["registration_id"]
    assert _standing(staff, course.code)["action"] == "staff"
    assert _standing(t[0], course.code)["action"] == "register"

    _register(t[0], course.id)
    mine = _standing(t[0], course.code)
    assert (mine["action"], mine["status"], mine["can_withdraw"], mine["seats_left"]) == (
        "registered", "pending", "1", "1")
    _register(t[1], course.id)
    full = _standing(t[2], course.code)
    assert (full["action"], full["full"], full["seats_left"], full["would_be"]) == ("join_waiting", "1", "0", "1")
    waiting = _register(t[2], course.id)
    theirs = _standing(t[2], course.code)
    assert (theirs["action"], theirs["status"], theirs["position"]) == ("registered", "waiting", "1")
    assert theirs["registration_id"] == str(waiting["id"])
    # Another teacher's page never carries someone else's registration.
    assert _standing(t[1], course.code)["registration_id"] != theirs["registration_id"]

    with transaction() as s:
        registration.withdraw(s, t[2], waiting["id"])
    again = _standing(t[2], course.code)
    assert (again["action"], again["status"], again["would_be"]) == ("join_waiting", "withdrawn", "1")


def test_each_waiting_teacher_sees_her_own_place_in_the_queue(db_url: str):
    with transaction() as s:
        world = make_world(s)
        course = published_course(s, world.school_a, capacity=1)
        catalogue.publish(s, course)
        teachers = [world.teacher_actor(s) for _ in range(4)]
    for teacher in teachers:
        _register(teacher, course.id)
    places = [_standing(teacher, course.code)["position"] for teacher in teachers]
    assert places == ["", "1", "2", "3"]  # the first holds the seat; the rest in the order they pressed

    def on_her_registrations_page(teacher) -> str:
        with transaction() as s:
            (row,) = registration.my_registrations(s, teacher)
            return row["position"]

    assert [on_her_registrations_page(teacher) for teacher in teachers] == places
    with transaction() as s:
        second = s.exec(select(CourseRegistration).where(CourseRegistration.teacher_id == teachers[1].id)).one()
        registration.withdraw(s, teachers[1], second.id)
    assert [_standing(teacher, course.code)["position"] for teacher in teachers[2:]] == ["1", "2"]
    assert [on_her_registrations_page(teacher) for teacher in teachers[1:]] == ["", "1", "2"]


def test_refusals_and_courses_without_online_registration(db_url: str):
    _, khh_only, t, _ = _course(eligible_counties=["KHH"])
    refused = _standing(t[0], khh_only.code)
    assert (refused["action"], refused["refusal"]) == ("refused", "registration.refused.county")
    assert _standing(None, khh_only.code)["action"] == "sign_in"  # who may register shows after signing in

    later = taipei_today() + timedelta(days=10)
    _, upcoming, t2, _ = _course(registration_opens=later, registration_closes=later + timedelta(days=5),
                                 days_ahead=30)
    assert _standing(t2[0], upcoming.code)["refusal"] == "registration.refused.not_open_yet"
    assert _standing(None, upcoming.code)["action"] == "sign_in"

    yesterday = taipei_today() - timedelta(days=1)
    _, closed, _, _ = _course(registration_closes=yesterday)
    assert (_standing(None, closed.code)["action"], _standing(None, closed.code)["refusal"]) == (
        "refused", "registration.refused.closed")

    _, offline, t4, _ = _course(online_registration=False)
    assert _standing(t4[0], offline.code)["action"] == "none"
    assert _standing(None, offline.code)["action"] == "none"
    with pytest.raises(NotFound):
        _standing(None, "999999999")
