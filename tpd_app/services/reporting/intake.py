"""What a county's own system sends (SPEC §3.5): its courses, upserted by its own ids, and their attendance
lists, put whole. Both are checked by the rules of the network's own pages (`courses.form_input`,
`hours.attendance`); a refused item is kept with its problems for the month's summary."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from typing import Any

from sqlmodel import Session, select

from tpd_app.domain.errors import DomainError, Forbidden, NotFound, ValidationFailed
from tpd_app.domain.permissions import Actor, Function
from tpd_app.domain.reporting import ReportingMode, Scope, month_of
from tpd_app.domain.timeutil import taipei_today, utcnow
from tpd_app.domain.units import UnitType
from tpd_app.models import ApiClient, Course, ReportedCourse, ReportRejection, Unit
from tpd_app.services.courses import lifecycle
from tpd_app.services.courses.form_input import parse_course, raise_if_invalid
from tpd_app.services.hours import attendance
from tpd_app.services.platform import audit
from tpd_app.services.platform.db import transaction
from tpd_app.services.platform.guard import require, unit_ref
from tpd_app.services.reporting import modes

EXTERNAL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")


def require_scope(actor: Actor, client: ApiClient, scope: Scope, *, ip: str = "") -> None:
    """Raises:
    Forbidden: the client was not given `scope` (audited).
    """
    if scope.value not in client.scopes:
        audit.record_now(action="access.denied", actor=actor, outcome="denied", target_type="api_scope",
                         target_id=scope.value, after={"reason": "scope"}, ip=ip)
        raise Forbidden("api.error.scope", scope=scope.value)


def _external_id(raw: Any) -> str:
    text = str(raw or "").strip()
    if not EXTERNAL_ID.match(text):
        raise ValidationFailed({"external_id": "api.error.external_id"})
    return text


def _require_backend(session: Session, actor: Actor, today: date) -> None:
    """A county bureau sends data only while its county reports back-end (the national centre sets it)."""
    if actor.unit.type is UnitType.COUNTY_BUREAU and \
            modes.mode_of(session, actor.unit.county, today) is not ReportingMode.BACKEND:
        raise DomainError("api.error.not_backend")


def _rejection(actor: Actor, client: ApiClient, kind: str, external_id: str, problems: list[dict[str, Any]],
               today: date) -> ReportRejection:
    return ReportRejection(owner_unit_id=actor.unit.id, client_id=client.id, month=month_of(today), kind=kind,
                           external_id=external_id[:64], problems=problems[:200])


def keep_refusal(error: BaseException) -> None:
    """After the refused call's transaction rolled back: keep what was refused for the month's summary."""
    rejection = getattr(error, "rejection", None)
    if isinstance(rejection, ReportRejection):
        with transaction() as session:
            session.add(rejection)


def _digest(document: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(document, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def _link(session: Session, actor: Actor, external_id: str) -> ReportedCourse | None:
    return session.exec(select(ReportedCourse).where(ReportedCourse.owner_unit_id == actor.unit.id,
                                                     ReportedCourse.external_id == external_id)).first()


def _as_form(document: dict[str, Any]) -> dict[str, Any]:
    """The API document in the shape the course form hands its parser (numbers as text, lists as lists)."""
    form = {k: v for k, v in document.items() if k not in ("organizer_code", "external_id")}
    for name in ("hours", "capacity", "credits"):
        if isinstance(form.get(name), int | float) and not isinstance(form.get(name), bool):
            value = form[name]
            form[name] = str(int(value)) if float(value).is_integer() else str(value)
    form["online_registration"] = bool(form.get("online_registration"))
    return form


def push_course(session: Session, actor: Actor, client: ApiClient, external_id: Any, document: dict[str, Any], *,
                ip: str = "", today: date | None = None) -> dict[str, str]:
    """Create or update the course the owner's system calls `external_id`; the same document twice changes
    nothing. A course sent by its reviewing centre's system counts as reviewed by it (published at once).

    Returns `{"external_id", "code", "status", "result": created | updated | unchanged}`.

    Raises:
        Forbidden: no `courses:write` scope, or the organizer is outside the owner's jurisdiction.
        ValidationFailed: a field is wrong (the same checks as the course form); the organizer is unknown.
        DomainError: `api.error.not_backend`: the county does not report back-end.
    """
    today = today or taipei_today()
    key = _external_id(external_id)
    require_scope(actor, client, Scope.COURSES_WRITE, ip=ip)
    require(actor, Function.COURSE_REVIEW, ip=ip)
    _require_backend(session, actor, today)
    try:
        organizer_code = str(document.get("organizer_code") or "").strip()[:32]
        organizer = session.exec(select(Unit).where(Unit.code == organizer_code)).first() if organizer_code else None
        if organizer is None or organizer.status != "active":
            raise ValidationFailed({"organizer_code": "api.error.unknown_organizer"})
        require(actor, Function.COURSE_REVIEW, unit_ref(organizer), ip=ip, detail=f"api course {key}")
        if organizer.id == actor.unit.id and actor.unit.type is not UnitType.NATIONAL_CENTER:
            raise Forbidden("course.error.own_course")
        digest = _digest(document)
        link = _link(session, actor, key)
        course = session.get(Course, link.course_id) if link else None
        if link is not None and course is not None and link.digest == digest:
            return {"external_id": key, "code": course.code, "status": course.status, "result": "unchanged"}
        parsed = parse_course(session, _as_form(document), complete=True)
        raise_if_invalid(parsed)
    except (ValidationFailed, Forbidden) as refused:
        problems = ([{"field": f, "key": k} for f, k in refused.field_errors.items()]
                    if isinstance(refused, ValidationFailed) else [{"field": "organizer_code", "key": refused.key}])
        refused.rejection = _rejection(actor, client, "course", key, problems, today)  # type: ignore[attr-defined]
        raise
    course = lifecycle.publish_reported(session, actor, organizer, parsed, course, ip=ip, today=today)
    result = "updated" if link else "created"
    if link is None:
        link = ReportedCourse(owner_unit_id=actor.unit.id, external_id=key, course_id=course.id or 0)
    link.client_id, link.digest, link.updated_at = client.id, digest, utcnow()
    session.add(link)
    session.flush()
    return {"external_id": key, "code": course.code, "status": course.status, "result": result}


def reported_course(session: Session, actor: Actor, external_id: Any) -> Course:
    """The owner's course sent as `external_id`.

    Raises:
        NotFound: the owner's system never sent such a course.
    """
    link = _link(session, actor, _external_id(external_id))
    course = session.get(Course, link.course_id) if link else None
    if course is None:
        raise NotFound("api.error.unknown_course")
    return course


def push_attendance(session: Session, actor: Actor, client: ApiClient, external_id: Any, rows: list[dict[str, Any]],
                    *, ip: str = "", today: date | None = None) -> dict[str, Any]:
    """Put the whole attendance list of the course sent as `external_id`: the good rows replace the list,
    each row gets its result. The list stays provisional until the owner confirms this month.

    Returns `{"external_id", "code", "result": created | replaced | unchanged, "accepted", "rejected", "rows"}`.

    Raises:
        Forbidden: no `attendance:write` scope, or outside the owner's jurisdiction.
        NotFound: no such course of the owner's.
        DomainError: the course has not ended; `api.error.not_backend`.
        ValidationFailed: every row was refused, or more rows than a list may have.
    """
    today = today or taipei_today()
    key = _external_id(external_id)
    require_scope(actor, client, Scope.ATTENDANCE_WRITE, ip=ip)
    require(actor, Function.COURSE_REVIEW, ip=ip)
    _require_backend(session, actor, today)
    course = reported_course(session, actor, key)
    organizer = session.get(Unit, course.organizer_unit_id)
    if organizer is None:
        raise NotFound()
    require(actor, Function.COURSE_REVIEW, unit_ref(organizer), ip=ip, detail=f"api attendance {key}")
    outcome = attendance.replace_reported_list(session, actor, course, organizer, rows, month=month_of(today),
                                               client_id=client.id or 0, ip=ip, today=today)
    refused = [r for r in outcome["rows"] if r["result"] == "rejected"]
    rejection = _rejection(actor, client, "attendance", key, [
        {"row": r["row"], "key": r["problem"], "national_id": r["national_id"]} for r in refused], today)
    if outcome["accepted"] == 0 and refused:
        error = ValidationFailed({f"rows.{r['row']}.national_id": r["problem"] for r in refused[:200]})
        error.key = "api.error.no_good_rows"
        error.rejection = rejection  # type: ignore[attr-defined]
        raise error
    if refused:
        session.add(rejection)
        session.flush()
    return {"external_id": key, "code": course.code, **outcome}
