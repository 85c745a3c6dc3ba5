"""The download endpoints decide by the session cookie: no cookie, another teacher, another organizer."""

from __future__ import annotations

import warnings

from sqlmodel import select

from tests.factories import PASSWORD, make_account, make_world
from tests.services.hours_data import published_course
from tpd_app.models import CourseRegistration, Teacher
from tpd_app.services.accounts import auth
from tpd_app.services.platform.db import transaction
from tpd_app.settings import get_settings


def _client():
    with warnings.catch_warnings():
        # Starlette's test client warns about the httpx it is built on; it is only the test's transport.
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    from tpd_app.api.app import build_api

    return TestClient(build_api())


def _cookie(login: str) -> dict[str, str]:
    return {get_settings().cookie_name: auth.exchange_ticket(auth.sign_in(login, PASSWORD))}


def test_downloads_need_the_right_session(db_url: str):
    with transaction() as s:
        world = make_world(s)
        course = published_course(s, world.school_a)
        mine = world.teacher_actor(s)
        other = world.teacher_actor(s)
        make_account(s, world.school_a, username="org-a")
        make_account(s, world.school_b, username="org-b")
        s.add(CourseRegistration(course_id=course.id, teacher_id=mine.id, status="accepted"))
    with transaction() as s:
        registration_id = s.exec(select(CourseRegistration.id)).one()
        mine_id = s.get(Teacher, mine.id).national_id
        other_id = s.get(Teacher, other.id).national_id
    client = _client()
    assert client.get("/api/me/records.pdf").status_code == 401
    pdf = client.get("/api/me/records.pdf", cookies=_cookie(mine_id))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get(f"/api/me/registrations/{registration_id}.ics", cookies=_cookie(mine_id)).status_code == 200
    assert client.get(f"/api/me/registrations/{registration_id}.ics", cookies=_cookie(other_id)).status_code == 404
    assert client.get(f"/api/courses/{course.id}/registrants.xlsx", cookies=_cookie("org-a")).status_code == 200
    assert client.get(f"/api/courses/{course.id}/registrants.xlsx", cookies=_cookie("org-b")).status_code == 404
    assert client.get(f"/api/courses/{course.id}/registrants.xlsx", cookies=_cookie(mine_id)).status_code == 404
    assert client.get("/api/unsubscribe?token=1.forged").status_code == 400


def test_the_calendar_feed_is_served_by_its_address_alone(db_url: str):
    from tpd_app.services.hours import calendar

    with transaction() as s:
        world = make_world(s)
        course = published_course(s, world.school_a, title="食農教育研習")
        her = world.teacher_actor(s)
        s.add(CourseRegistration(course_id=course.id, teacher_id=her.id, status="accepted"))
    with transaction() as s:
        path = calendar.make_feed(s, her).split("://", 1)[1].split("/", 1)[1]
    client = _client()
    feed = client.get("/" + path)  # no cookie: a calendar application polls it
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    assert "食農教育研習" in feed.text and feed.headers["cache-control"] == "private, no-store"
    key = path.rsplit("/", 1)[1].split(".", 1)[0]
    assert client.get(f"/api/calendar/{key}.{'f' * 32}.ics").status_code == 404
    with transaction() as s:
        calendar.stop_feed(s, her)
    assert client.get("/" + path).status_code == 404
