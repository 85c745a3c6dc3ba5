"""The reporting API against its own OpenAPI document, with inputs generated from it (schemathesis on
hypothesis): whatever a county's system sends — valid, malformed, of the wrong type — the API never fails with
a 5xx, and every answer (status, content type, body, headers) is one the document describes. Then the same
push twice changes nothing, and every endpoint refuses another county's client or a client without scope."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from sqlmodel import func, select

from tests.api.test_reporting import _auth, _course, _http, _setup
from tpd_app.models import AttendanceEntry, AuditLog, Course, ReportedCourse
from tpd_app.services.platform.db import transaction
from tpd_app.services.reporting import clients, readback

ALL_SCOPES = ("courses:write", "attendance:write", "records:read")
EXAMPLES = 40  # per operation: about 10 s in all on this machine


def _schema() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import schemathesis

    from tpd_app.api.app import build_api

    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", build_api())


def test_generated_calls_never_fail_the_server_and_always_match_the_document(db_url: str,
                                                                             monkeypatch: pytest.MonkeyPatch):
    from schemathesis import checks

    from tpd_app.api import v1

    monkeypatch.setattr(v1, "RATE_BURST", 10**6)
    monkeypatch.setattr(v1, "_limiter", v1._Limiter())
    monkeypatch.setattr(readback, "SETTLE_SECONDS", 0.0)
    env = _setup(scopes=ALL_SCOPES)
    # Something to find: a course, so generated ids sometimes hit one (and its list).
    http = _http()
    assert http.put("/api/v1/courses/0", json=_course(env["world"]), headers=_auth(env["token"])).status_code == 200
    schema = _schema()
    wanted = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
              checks.response_schema_conformance, checks.response_headers_conformance]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {f"{op.method.upper()} {op.path}" for op in operations} == {
        "GET /me", "PUT /courses/{external_id}", "PUT /courses/{external_id}/attendance", "POST /batches",
        "GET /records", "GET /courses"}
    tried: dict[str, set[int]] = {}

    def fuzz(operation: Any) -> None:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def run(case: Any) -> None:
            response = case.call_and_validate(headers=_auth(env["token"]), checks=wanted)
            tried.setdefault(f"{case.method} {operation.path}", set()).add(response.status_code)

        run()

    for operation in operations:
        fuzz(operation)
    assert len(tried) == len(operations), tried
    # Generated documents reached the course form's own rules, and read back answered pages.
    assert 422 in tried["PUT /courses/{external_id}"] and 200 in tried["GET /records"], tried
    # The checks do catch a broken answer: a use case that fails unexpectedly is found at once.
    monkeypatch.setattr(readback, "records", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):  # the in-process transport hands the server's error on
        fuzz(next(op for op in operations if op.path == "/records"))


def test_the_same_push_twice_changes_nothing(db_url: str):
    env = _setup()
    http, headers = _http(), _auth(env["token"])
    rows = {"rows": [{"national_id": env["ids"][0]}, {"national_id": env["ids"][1], "hours": 2}]}
    for _ in range(2):
        assert http.put("/api/v1/courses/I1", json=_course(env["world"]), headers=headers).status_code == 200
        assert http.put("/api/v1/courses/I1/attendance", json=rows, headers=headers).status_code == 200
    batch = {"items": [{"kind": "course", "external_id": "I1", "course": _course(env["world"])},
                       {"kind": "attendance", "external_id": "I1", **rows}]}
    answer = http.post("/api/v1/batches", json=batch, headers=headers).json()
    assert [answer["items"][0]["course"]["result"], answer["items"][1]["attendance"]["result"]] == \
        ["unchanged", "unchanged"]
    with transaction() as s:
        counts = [s.exec(select(func.count()).select_from(table)).one()
                  for table in (Course, ReportedCourse, AttendanceEntry)]
        assert counts == [1, 1, 2]
        written = s.exec(select(func.count()).select_from(AuditLog)
                         .where(AuditLog.action.in_(("course.reported", "attendance.reported")))).one()
        assert written == 2  # one course and one list: the repeats wrote nothing


def _calls(external_id: str, world: Any) -> list[tuple[str, str, dict[str, Any] | None]]:
    return [("PUT", f"/api/v1/courses/{external_id}", _course(world)),
            ("PUT", f"/api/v1/courses/{external_id}/attendance", {"rows": []}),
            ("POST", "/api/v1/batches", {"items": [{"kind": "course", "external_id": external_id,
                                                     "course": _course(world)}]}),
            ("GET", "/api/v1/records", None), ("GET", "/api/v1/courses", None)]


def test_every_endpoint_keeps_a_client_inside_its_owners_jurisdiction_and_scopes(db_url: str):
    """Kaohsiung's client cannot write Taipei's courses or list, nor read back Taipei's; a client without a
    scope is refused where it is needed; a revoked client everywhere."""
    env = _setup(scopes=ALL_SCOPES)
    world, http = env["world"], _http()
    taipei = _auth(env["token"])
    assert http.put("/api/v1/courses/T1", json=_course(world), headers=taipei).status_code == 200
    with transaction() as s:
        from tpd_app.services.reporting import modes

        modes.set_mode(s, env["centre"], {"county": "KHH", "mode": "backend"})
        kaohsiung = world.actor(s, world.bureau_b)
        _, khh_token = clients.create_client(s, kaohsiung, {"name": "高雄市系統", "scopes": list(ALL_SCOPES)})
        _, narrow_token = clients.create_client(s, env["bureau"], {"name": "只讀", "scopes": ["records:read"]})
    khh = _auth(khh_token)
    statuses = [http.request(m, p, json=b, headers=khh) for m, p, b in _calls("T1", world)]
    assert statuses[0].status_code == 403 and statuses[0].json()["key"] == "error.forbidden.jurisdiction"
    assert statuses[1].status_code == 404  # Taipei's course is not one Kaohsiung sent: not even found
    assert statuses[2].json()["items"][0]["status"] == 403
    assert statuses[3].json()["records"] == [] and statuses[4].json()["courses"] == []  # nothing of Taipei's
    narrow = [http.request(m, p, json=b, headers=_auth(narrow_token)) for m, p, b in _calls("T1", world)]
    assert [r.status_code for r in narrow] == [403, 403, 200, 200, 200]
    assert narrow[2].json()["items"][0]["problem"]["key"] == "api.error.scope"
    with transaction() as s:
        from tpd_app.models import ApiClient

        for client in s.exec(select(ApiClient).where(ApiClient.owner_unit_id == world.bureau_b.id)).all():
            clients.revoke_client(s, kaohsiung, client.id)
    assert {http.request(m, p, json=b, headers=khh).status_code for m, p, b in _calls("T1", world)} == {401}
