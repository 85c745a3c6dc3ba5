"""The county reporting API beyond single calls: batches answered item by item, and reading back the
confirmed records and the changed courses page by page, with no more personal data than the county may see."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from tests.api.test_reporting import _auth, _course, _http, _setup
from tests.factories import make_teacher
from tpd_app.domain.timeutil import taipei_today
from tpd_app.models import Course, ReportRejection, TrainingRecord
from tpd_app.services.platform.db import transaction
from tpd_app.services.reporting import months, readback

ALL_SCOPES = ("courses:write", "attendance:write", "records:read")


@pytest.fixture(autouse=True)
def _no_settling(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readback, "SETTLE_SECONDS", 0.0)


def _next_month() -> date:
    today = taipei_today()
    return date(today.year + (today.month == 12), today.month % 12 + 1, 2)


def test_a_batch_answers_every_item_and_a_refused_one_blocks_nothing(db_url: str):
    env = _setup()
    http, world = _http(), env["world"]
    items = [
        {"kind": "course", "external_id": "B1", "course": _course(world)},
        {"kind": "course", "external_id": "B2", "course": {**_course(world), "title": "", "hours": "many"}},
        {"kind": "attendance", "external_id": "B1",
         "rows": [{"national_id": env["ids"][0]}, {"national_id": "A123456788"}]},
        {"kind": "attendance", "external_id": "never-sent", "rows": [{"national_id": env["ids"][1]}]},
        {"kind": "course", "external_id": "B3", "course": _course(world, organizer_code=world.school_b.code)},
        {"kind": "attendance", "external_id": "B1"},
    ]
    answer = http.post("/api/v1/batches", json={"items": items}, headers=_auth(env["token"], "en"))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [i["status"] for i in body["items"]] == [200, 422, 200, 404, 403, 422]
    assert (body["accepted"], body["refused"]) == (2, 4)
    assert {e["field"] for e in body["items"][1]["problem"]["errors"]} == {"course.title", "course.hours"}
    assert body["items"][1]["problem"]["detail"].isascii()  # the caller's language
    assert body["items"][2]["attendance"]["accepted"] == 1 and body["items"][2]["attendance"]["rejected"] == 1
    assert body["items"][5]["problem"]["errors"][0]["field"] == "rows"
    with transaction() as s:
        assert [c.title for c in s.exec(select(Course)).all()] == [_course(world)["title"]]  # B1 only
        kept = {(r.kind, r.external_id) for r in s.exec(select(ReportRejection)).all()}
        assert ("course", "B3") in kept and ("attendance", "B1") in kept
    # The same batch again changes nothing that was accepted.
    again = http.post("/api/v1/batches", json={"items": items[:1]}, headers=_auth(env["token"]))
    assert again.json()["items"][0]["course"]["result"] == "unchanged"
    too_many = http.post("/api/v1/batches", json={"items": items[:1] * 201}, headers=_auth(env["token"]))
    assert too_many.status_code == 422


def _direct_record(world, teacher_id: int, school, course_code: str) -> None:
    """A record from a list confirmed on the network's own pages (not sent by the county's system)."""
    with transaction() as s:
        course = Course(code=course_code, organizer_unit_id=school.id, title="直接辦理的研習", kind="lecture",
                        status="approved", hours_minutes=120)
        s.add(course)
        s.flush()
        day = taipei_today() - timedelta(days=40)
        s.add(TrainingRecord(teacher_id=teacher_id, course_id=course.id, minutes=120, credited_on=day,
                             calendar_year=day.year, school_year=115, school_unit_id=school.id,
                             school_county=school.county, organizer_unit_id=school.id, course_kind="lecture"))


def test_a_county_reads_back_its_teachers_records_page_by_page(db_url: str):
    env = _setup(scopes=ALL_SCOPES)
    http, world, headers = _http(), env["world"], _auth(env["token"])
    assert http.put("/api/v1/courses/R1", json=_course(world), headers=headers).status_code == 200
    rows = [{"national_id": env["ids"][0]}, {"national_id": env["ids"][1], "hours": 2}]
    assert http.put("/api/v1/courses/R1/attendance", json={"rows": rows}, headers=headers).status_code == 200
    assert http.get("/api/v1/records", headers=headers).json()["records"] == []  # provisional: nothing yet
    with transaction() as s:
        months.confirm_month(s, env["bureau"], taipei_today().isoformat()[:7], today=_next_month())
        other = make_teacher(s, world.school_b)
    _direct_record(world, env["teacher_ids"][2], world.school_a, "115999001")
    _direct_record(world, other.id, world.school_b, "115999002")  # another county's teacher

    first = http.get("/api/v1/records", params={"limit": 2}, headers=headers).json()
    assert first["more"] is True and len(first["records"]) == 2
    rest = http.get("/api/v1/records", params={"after": first["next"], "limit": 2}, headers=headers).json()
    assert rest["more"] is False
    records = first["records"] + rest["records"]
    # Sent by the county's own system: whole; confirmed on the network's pages: masked; Kaohsiung's: absent.
    assert [(r["national_id"], r["masked"]) for r in records] == [
        (env["ids"][0], False), (env["ids"][1], False), (env["ids"][2][:3] + "****" + env["ids"][2][-3:], True)]
    assert [r["hours"] for r in records] == [3, 2, 2] and records[2]["name"] == "王○師"
    assert {r["school_code"] for r in records} == {world.school_a.code}
    nothing_new = http.get("/api/v1/records", params={"after": rest["next"]}, headers=headers).json()
    assert nothing_new == {"records": [], "next": rest["next"], "more": False}
    bad = http.get("/api/v1/records", params={"after": "not-a-cursor"}, headers=_auth(env["token"], "en"))
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "after"


def test_a_county_reads_back_the_courses_that_changed_since_its_cursor(db_url: str):
    env = _setup(scopes=ALL_SCOPES)
    http, world, headers = _http(), env["world"], _auth(env["token"])
    for key in ("K1", "K2"):
        assert http.put(f"/api/v1/courses/{key}", json=_course(world), headers=headers).status_code == 200
    _direct_record(world, env["teacher_ids"][0], world.school_b, "115999003")  # a Kaohsiung course
    page = http.get("/api/v1/courses", headers=headers).json()
    assert [c["external_id"] for c in page["courses"]] == ["K1", "K2"] and page["more"] is False
    assert page["courses"][0]["organizer_code"] == world.school_a.code
    assert http.get("/api/v1/courses", params={"after": page["next"]}, headers=headers).json()["courses"] == []
    renamed = _course(world, title="更名後的研習")
    assert http.put("/api/v1/courses/K1", json=renamed, headers=headers).json()["result"] == "updated"
    since = http.get("/api/v1/courses", params={"after": page["next"]}, headers=headers).json()
    assert [(c["external_id"], c["title"]) for c in since["courses"]] == [("K1", "更名後的研習")]


def test_read_back_needs_its_scope(db_url: str):
    env = _setup()  # courses:write and attendance:write only
    http, headers = _http(), _auth(env["token"])
    for path in ("/api/v1/records", "/api/v1/courses"):
        refused = http.get(path, headers=headers)
        assert refused.status_code == 403 and refused.json()["key"] == "api.error.scope"


def test_the_month_summary_marks_what_changed_since_the_county_last_looked(db_url: str):
    env = _setup()
    http, world, headers = _http(), env["world"], _auth(env["token"])
    for key in ("L1", "L2"):
        assert http.put(f"/api/v1/courses/{key}", json=_course(world), headers=headers).status_code == 200
        assert http.put(f"/api/v1/courses/{key}/attendance", json={"rows": [{"national_id": env["ids"][0]}]},
                        headers=headers).status_code == 200
    month = taipei_today().isoformat()[:7]
    with transaction() as s:
        first = months.month_summary(s, env["bureau"], month)
    assert first["last_look"] == "" and not any(row["changed"] for row in first["lists"])  # a first look
    # Since then: L2's list sent again with another teacher, L1's the same again, a course refused.
    assert http.put("/api/v1/courses/L2/attendance", json={"rows": [{"national_id": env["ids"][1]}]},
                    headers=headers).json()["result"] == "replaced"
    assert http.put("/api/v1/courses/L1/attendance", json={"rows": [{"national_id": env["ids"][0]}]},
                    headers=headers).json()["result"] == "unchanged"
    assert http.put("/api/v1/courses/L3", json=_course(world, organizer_code=world.school_b.code),
                    headers=headers).status_code == 403
    with transaction() as s:
        second = months.month_summary(s, env["bureau"], month)
    assert second["last_look"] and (second["changed_lists"], second["new_rejections"]) == ("1", "1")
    assert [row["changed"] for row in second["lists"]] == ["", "1"]
    with transaction() as s:
        third = months.month_summary(s, env["bureau"], month)
    assert (third["changed_lists"], third["new_rejections"]) == ("0", "0")  # seen now
