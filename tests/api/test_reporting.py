"""The county reporting API (/api/v1, SPEC §3.5) as a county's engineer meets it: a token from the county's
client, courses upserted by the county's own ids, attendance lists put whole with a result per row, and
refusals as problem+json that say what is wrong and where."""

from __future__ import annotations

import warnings
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from tests.factories import make_teacher, make_world, new_national_id
from tpd_app.domain.timeutil import taipei_today
from tpd_app.models import (
    ApiClient,
    AttendanceEntry,
    AttendanceList,
    AuditLog,
    CatalogueEntry,
    Course,
    ReportedCourse,
    ReportRejection,
    TrainingRecord,
)
from tpd_app.services.hours import attendance
from tpd_app.services.platform.db import transaction
from tpd_app.services.reporting import clients, modes


def _http():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    from tpd_app.api.app import build_api

    return TestClient(build_api(), client=("203.0.113.7", 50000))


def _setup(*, backend: bool = True, scopes: tuple[str, ...] = ("courses:write", "attendance:write"),
           addresses: str = "") -> dict[str, Any]:
    with transaction() as s:
        world = make_world(s)
        centre = world.actor(s, world.nc)
        if backend:
            modes.set_mode(s, centre, {"county": "TPE", "mode": "backend"})
        bureau = world.actor(s, world.bureau_a)
        _, token = clients.create_client(s, bureau, {"name": "臺北市教師研習系統", "scopes": list(scopes),
                                                     "addresses": addresses})
        teachers = [make_teacher(s, world.school_a) for _ in range(3)]
    return {"world": world, "token": token, "bureau": bureau, "centre": centre,
            "ids": [t.national_id for t in teachers], "teacher_ids": [t.id for t in teachers]}


def _course(world: Any, *, days_ago: int = 10, **fields: Any) -> dict[str, Any]:
    day = (taipei_today() - timedelta(days=days_ago)).isoformat()
    return {"organizer_code": world.school_a.code, "title": "臺北市國小閱讀教學研習", "kind": "workshop", "hours": 3,
            "capacity": 40, "topics": ["special_ed"], "audience_levels": ["elementary"],
            "sessions": [{"day": day, "start": "13:30", "end": "16:30", "lecturer": "林教授"}],
            "venue": "臺北市教師研習中心", "contact_name": "張承辦", "contact_phone": "02-27256789",
            "contact_email": "tp@example.edu.tw", **fields}


def _auth(token: str, lang: str = "zh-TW") -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Accept-Language": lang}


def test_a_county_system_sends_a_course_twice_and_one_course_is_published(db_url: str):
    env = _setup()
    http, headers = _http(), _auth(env["token"])
    me = http.get("/api/v1/me", headers=headers)
    assert me.status_code == 200 and me.json()["name"] == "臺北市教師研習系統"
    first = http.put("/api/v1/courses/TPE-2026-0001", json=_course(env["world"]), headers=headers)
    assert first.status_code == 200, first.text
    assert first.json()["result"] == "created" and first.json()["status"] == "approved"
    again = http.put("/api/v1/courses/TPE-2026-0001", json=_course(env["world"]), headers=headers)
    assert again.json() == {**first.json(), "result": "unchanged"}
    renamed = http.put("/api/v1/courses/TPE-2026-0001", json=_course(env["world"], title="閱讀教學研習（更名）"),
                       headers=headers)
    assert renamed.json()["result"] == "updated" and renamed.json()["code"] == first.json()["code"]
    with transaction() as s:
        courses = s.exec(select(Course).where(Course.organizer_unit_id == env["world"].school_a.id)).all()
        assert len(courses) == 1 and courses[0].title == "閱讀教學研習（更名）"
        assert courses[0].reviewer_unit_id == env["world"].bureau_a.id  # reviewed by the county that sent it
        entry = s.exec(select(CatalogueEntry).where(CatalogueEntry.course_id == courses[0].id)).one()
        assert entry.title == "閱讀教學研習（更名）"
        assert len(s.exec(select(ReportedCourse)).all()) == 1
        client = s.exec(select(ApiClient)).one()
        assert client.calls == 4 and client.last_used_ip == "203.0.113.7"
        actions = list(s.exec(select(AuditLog.action).where(col(AuditLog.actor_client_id) == client.id)).all())
        assert actions.count("course.reported") == 2  # created and renamed; the unchanged call wrote nothing


def test_an_attendance_list_is_answered_row_by_row_and_waits_for_the_month(db_url: str):
    env = _setup()
    http, headers = _http(), _auth(env["token"])
    assert http.put("/api/v1/courses/C1", json=_course(env["world"]), headers=headers).status_code == 200
    good_a, good_b, _ = env["ids"]
    rows = [{"national_id": good_a}, {"national_id": good_b, "hours": 1.5, "name": "王老師"},
            {"national_id": "A123456788"}, {"national_id": good_a}, {"national_id": new_national_id("B")},
            {"national_id": env["ids"][2], "hours": 9}]
    put = http.put("/api/v1/courses/C1/attendance", json={"rows": rows}, headers=headers)
    assert put.status_code == 200, put.text
    body = put.json()
    assert (body["result"], body["accepted"], body["rejected"]) == ("created", 2, 4)
    problems = [r["problem"] for r in body["rows"]]
    assert problems == ["", "", "attendance.error.checksum", "attendance.error.duplicate",
                        "attendance.error.unknown", "attendance.error.hours_over"]
    assert body["rows"][2]["message"].startswith("身分證") and "****" in body["rows"][0]["national_id"]
    assert http.put("/api/v1/courses/C1/attendance", json={"rows": rows}, headers=headers).json()["result"] == \
        "unchanged"
    with transaction() as s:
        roster = s.exec(select(AttendanceList)).one()
        assert roster.status == "submitted" and roster.reported_month == taipei_today().isoformat()[:7]
        assert sorted(e.minutes for e in s.exec(select(AttendanceEntry)).all()) == [90, 180]
        # Provisional: nobody's record yet, and not in the ordinary confirmation queue.
        assert s.exec(select(TrainingRecord)).all() == []
        assert attendance.confirmation_queue(s, env["bureau"]) == []
        refused = s.exec(select(ReportRejection).where(ReportRejection.kind == "attendance")).all()
        assert len(refused) == 2 and len(refused[0].problems) == 4


def test_refusals_say_what_and_where_in_the_callers_language(db_url: str):
    env = _setup()
    http, world = _http(), env["world"]
    headers, english = _auth(env["token"]), _auth(env["token"], "en")
    assert http.put("/api/v1/courses/X", json=_course(world)).status_code == 401
    wrong = http.put("/api/v1/courses/X", json=_course(world), headers=_auth("tpd_000000000000_" + "x" * 43))
    assert wrong.status_code == 401 and wrong.headers["www-authenticate"] == "Bearer"
    assert wrong.headers["content-type"] == "application/problem+json"
    # Schema: the field's path is named.
    bad = http.put("/api/v1/courses/X", json={**_course(world), "kind": "party", "hours": -1}, headers=english)
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"kind", "hours"}
    # The course form's own rules: an unknown topic leaves none; the sessions do not add up to the hours.
    rules = http.put("/api/v1/courses/X", json=_course(world, topics=["no_such"], hours=5), headers=english)
    assert rules.status_code == 422
    fields = {e["field"]: e["message"] for e in rules.json()["errors"]}
    assert "topics" in fields and fields["topics"].isascii()
    # Another county's school: outside the jurisdiction.
    other = http.put("/api/v1/courses/X", json=_course(world, organizer_code=world.school_b.code), headers=headers)
    assert other.status_code == 403 and other.json()["key"] == "error.forbidden.jurisdiction"
    unknown = http.put("/api/v1/courses/X", json=_course(world, organizer_code="NOPE"), headers=headers)
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "organizer_code"
    # A list for a course never sent, and for one that has not ended.
    assert http.put("/api/v1/courses/never/attendance", json={"rows": []}, headers=headers).status_code == 404
    assert http.put("/api/v1/courses/F", json=_course(world, days_ago=-30), headers=headers).status_code == 200
    future = http.put("/api/v1/courses/F/attendance", json={"rows": [{"national_id": env["ids"][0]}]},
                      headers=english)
    assert future.status_code == 409 and future.json()["detail"].isascii()
    with transaction() as s:
        assert {r.kind for r in s.exec(select(ReportRejection)).all()} == {"course"}
        assert len(s.exec(select(Course)).all()) == 1  # only the future course: nothing half-written


def test_a_client_acts_only_within_its_scopes_mode_address_and_life(db_url: str):
    env = _setup(scopes=("courses:write",))
    http, headers = _http(), _auth(env["token"])
    assert http.put("/api/v1/courses/A", json=_course(env["world"]), headers=headers).status_code == 200
    no_scope = http.put("/api/v1/courses/A/attendance", json={"rows": []}, headers=headers)
    assert no_scope.status_code == 403 and no_scope.json()["key"] == "api.error.scope"
    with transaction() as s:
        modes.set_mode(s, env["centre"], {"county": "TPE", "mode": "direct"})
    direct = http.put("/api/v1/courses/B", json=_course(env["world"]), headers=headers)
    assert direct.status_code == 409 and direct.json()["key"] == "api.error.not_backend"
    with transaction() as s:
        client = s.exec(select(ApiClient)).one()
        clients.revoke_client(s, env["bureau"], client.id)
    assert http.get("/api/v1/me", headers=headers).status_code == 401
    fenced = _setup(addresses="198.51.100.0/24")
    assert _http().get("/api/v1/me", headers=_auth(fenced["token"])).status_code == 401
    with transaction() as s:
        reasons = [a.after["reason"] for a in s.exec(select(AuditLog).where(AuditLog.action == "api.denied")).all()]
    assert reasons == ["revoked", "address"]


def test_a_rotated_token_replaces_the_old_one(db_url: str):
    env = _setup()
    with transaction() as s:
        client = s.exec(select(ApiClient)).one()
        _, new_token = clients.rotate_client(s, env["bureau"], client.id)
    http = _http()
    assert http.get("/api/v1/me", headers=_auth(env["token"])).status_code == 401
    assert http.get("/api/v1/me", headers=_auth(new_token)).status_code == 200


def test_bodies_and_call_rates_have_limits(db_url: str, monkeypatch: pytest.MonkeyPatch):
    from tpd_app.api import v1

    env = _setup()
    http, headers = _http(), _auth(env["token"])
    huge = http.put("/api/v1/courses/A/attendance", content=b"{" + b" " * (5 * 1024 * 1024) + b"}",
                    headers={**headers, "Content-Type": "application/json"})
    assert huge.status_code == 413 and huge.headers["content-type"] == "application/problem+json"
    monkeypatch.setattr(v1, "RATE_BURST", 3)
    monkeypatch.setattr(v1, "RATE_PER_SECOND", 0.01)
    monkeypatch.setattr(v1, "_limiter", v1._Limiter())
    answers = [http.get("/api/v1/me", headers=headers) for _ in range(5)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429, 429]
    assert int(answers[-1].headers["retry-after"]) >= 1


def test_the_api_documents_itself_without_outside_files(db_url: str):
    http = _http()
    schema = http.get("/api/v1/openapi.json").json()
    assert {"/courses/{external_id}", "/courses/{external_id}/attendance", "/me"} <= set(schema["paths"])
    assert "bearer" in str(schema["components"]["securitySchemes"]).lower()
    docs = http.get("/api/v1/docs")
    assert docs.status_code == 200 and "cdn" not in docs.text.lower()
    assert http.get("/api/v1/docs-static/swagger-ui-bundle.js").status_code == 200


def test_a_month_is_confirmed_whole_and_only_once_it_has_ended(db_url: str):
    """What was sent stays provisional; confirming the month credits every list of it in one go (records
    and statistics), refuses a month not over or already done, and a re-sent list becomes a new version."""
    from datetime import date

    from tests.services.stats.test_dashboards import _snapshot
    from tpd_app.domain.errors import DomainError
    from tpd_app.models import OutboxMessage, StatsCourseFact
    from tpd_app.services.reporting import months
    from tpd_app.services.stats import rollups

    env = _setup()
    http, headers = _http(), _auth(env["token"])
    for key in ("M1", "M2"):
        assert http.put(f"/api/v1/courses/{key}", json=_course(env["world"]), headers=headers).status_code == 200
        rows = [{"national_id": env["ids"][0]}, {"national_id": env["ids"][1], "hours": 2},
                {"national_id": "A123456788"}]
        assert http.put(f"/api/v1/courses/{key}/attendance", json={"rows": rows}, headers=headers).status_code == 200
    sent = taipei_today().isoformat()[:7]
    next_month = date(taipei_today().year + (taipei_today().month == 12), taipei_today().month % 12 + 1, 2)
    with transaction() as s:
        now = months.month_summary(s, env["bureau"], sent)
        assert (now["pending"], now["can_confirm"], now["not_over"]) == ("2", "", "1")
        assert now["schools"] == [{"code": env["world"].school_a.code, "name": env["world"].school_a.name,
                                   "lists": "2", "participants": "4", "hours": "10"}]
        assert [r["problem"] for r in now["rejections"]] == ["attendance.error.checksum"] * 2
        with pytest.raises(DomainError) as early:
            months.confirm_month(s, env["bureau"], sent)
        assert early.value.key == "reporting.error.month_not_over"
    first_of_next = next_month.replace(day=1)
    with transaction() as s:  # the worker's reminder on the 1st, and the national centre's view
        assert months.send_reminders(s, first_of_next.replace(day=2)) == 0  # not a reminder day
        assert months.send_reminders(s, first_of_next) == 1  # the bureau's one active account
        mail = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "reporting.reminder")).one()
        assert sent in mail.body and "（2）" in mail.body
        waiting = months.unconfirmed(s, first_of_next)
        assert waiting == {env["world"].bureau_a.id: {sent: 2}}
        assert months.unconfirmed(s, taipei_today()) == {}  # this month has not ended
    with transaction() as s:
        assert months.month_summary(s, env["bureau"], today=next_month)["month"] == sent  # last month by default
        done = months.confirm_month(s, env["bureau"], sent, today=next_month)
        assert done == {"month": sent, "lists": "2", "entries": "4"}
    with transaction() as s:
        records = s.exec(select(TrainingRecord).where(col(TrainingRecord.superseded_at).is_(None))).all()
        assert sorted(r.minutes for r in records) == [120, 120, 180, 180]
        assert {r.teacher_id for r in records} == set(env["teacher_ids"][:2])
        assert s.exec(select(StatsCourseFact)).all()  # the rollups moved in the same transaction
    with transaction() as s:  # ... and equal what a rebuild from the ledger makes of the confirmed month
        incremental = _snapshot(s)
        rollups.rebuild_rollups(s)
        assert _snapshot(s) == incremental
        assert any(incremental.values())
    with transaction() as s:
        summary = months.month_summary(s, env["bureau"], sent, today=next_month)
        assert summary["confirmed_at"] and summary["can_confirm"] == "" and summary["pending"] == "0"
        assert months.unconfirmed(s, first_of_next) == {} and months.send_reminders(s, first_of_next) == 0
        with pytest.raises(DomainError) as again:
            months.confirm_month(s, env["bureau"], sent, today=next_month)
        assert again.value.key == "reporting.error.nothing_to_confirm"
    # A correction after confirmation: a new revision, provisional again; the confirmed rows stay until then.
    fixed = http.put("/api/v1/courses/M1/attendance", json={"rows": [{"national_id": env["ids"][0]}]},
                     headers=headers)
    assert fixed.json()["result"] == "replaced"
    with transaction() as s:
        roster = s.exec(select(AttendanceList).join(Course, col(Course.id) == AttendanceList.course_id)
                        .join(ReportedCourse, col(ReportedCourse.course_id) == Course.id)
                        .where(ReportedCourse.external_id == "M1")).one()
        assert (roster.status, roster.revision) == ("submitted", 1)
        assert len(s.exec(select(TrainingRecord).where(col(TrainingRecord.superseded_at).is_(None))).all()) == 4
        # Not confirmable through the ordinary page either.
        with pytest.raises(DomainError) as ordinary:
            attendance.confirm_list(s, env["bureau"], roster.id)
        assert ordinary.value.key == "attendance.error.reported"


def test_roles_without_the_right_are_refused_by_every_reporting_use_case(db_url: str):
    """A school, a teacher and another county's bureau are refused on the server, whatever the page shows."""
    from tpd_app.domain.errors import Forbidden, NotFound
    from tpd_app.services.reporting import months

    env = _setup()
    world = env["world"]
    with transaction() as s:
        school, teacher = world.actor(s, world.school_a), world.teacher_actor(s)
        client_id = s.exec(select(ApiClient)).one().id
        other_bureau = world.actor(s, world.bureau_b)
    calls = [
        lambda s, a: clients.list_clients(s, a),
        lambda s, a: clients.create_client(s, a, {"name": "x", "scopes": ["courses:write"]}),
        lambda s, a: clients.revoke_client(s, a, client_id),
        lambda s, a: modes.set_mode(s, a, {"county": "TPE", "mode": "direct"}),
        lambda s, a: months.month_summary(s, a),
        lambda s, a: months.confirm_month(s, a, "2026-01"),
    ]
    for actor in (school, teacher):
        for call in calls:
            with transaction() as s, pytest.raises(Forbidden):
                call(s, actor)
    with transaction() as s, pytest.raises(Forbidden):
        modes.set_mode(s, env["bureau"], {"county": "TPE", "mode": "direct"})  # only the national centre
    with transaction() as s, pytest.raises(NotFound):
        clients.revoke_client(s, other_bureau, client_id)  # another county's client: not even found
    with transaction() as s:
        assert s.exec(select(ApiClient)).one().revoked_at is None
        assert modes.mode_of(s, "TPE").value == "backend"
