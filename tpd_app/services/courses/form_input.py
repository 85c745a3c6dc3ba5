"""Cleaning and validating the course form (SPEC §3.1.1): any handler input in, typed values out."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session, select

from tpd_app.domain.courses import (
    MAX_CAPACITY,
    MAX_SESSIONS,
    AudienceLevel,
    CourseKind,
    ScheduleFacts,
    SessionInput,
    parse_hours,
    parse_time,
    schedule_problems,
)
from tpd_app.domain.errors import ValidationFailed
from tpd_app.domain.timeutil import parse_day
from tpd_app.domain.units import COUNTIES
from tpd_app.models import CourseTopic, Unit
from tpd_app.services.platform.validation import clean, email_problem, phone_problem, url_problem

TEXT_LIMITS: dict[str, int] = {
    "title": 200, "description": 4000, "venue": 300, "online_url": 300, "audience_subjects": 200,
    "audience_roles": 200, "contact_name": 100, "contact_phone": 40, "contact_email": 200,
}
_INT = re.compile(r"^\d{1,5}$")


@dataclass
class CourseInput:
    """A cleaned course form; `errors` maps field names to i18n keys."""

    text: dict[str, str]
    kind: str
    hours_minutes: int | None
    credits: int
    capacity: int | None
    audience_levels: list[str]
    topic_codes: list[str]
    sessions: list[SessionInput]
    online_registration: bool
    registration_opens: date | None
    registration_closes: date | None
    eligible_counties: list[str]
    eligible_levels: list[str]
    eligible_school_codes: list[str]
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def first_date(self) -> date | None:
        return min((s.day for s in self.sessions), default=None)

    @property
    def last_date(self) -> date | None:
        return max((s.day for s in self.sessions), default=None)


def _str_list(value: Any, allowed: set[str], limit: int = 50) -> list[str]:
    if not isinstance(value, list | tuple):
        return []
    return sorted({item for item in value[:limit] if isinstance(item, str) and item in allowed})


def _flag(value: Any) -> bool:
    return value is True or value in ("on", "true", "1", 1)


def _sessions(raw: Any, errors: dict[str, str]) -> list[SessionInput]:
    sessions: list[SessionInput] = []
    if not isinstance(raw, list):
        return sessions
    for index, row in enumerate(raw[:MAX_SESSIONS]):
        if not isinstance(row, dict):
            continue
        day = parse_day(clean(row.get("day"), 16))
        start = parse_time(clean(row.get("start"), 5))
        end = parse_time(clean(row.get("end"), 5))
        lecturer = clean(row.get("lecturer"), 100)
        if day is None or start is None or end is None:
            if any(clean(row.get(k), 10) for k in ("day", "start", "end")) or lecturer:
                errors[f"session_{index}"] = "course.error.session_incomplete"
            continue
        sessions.append(SessionInput(day=day, start=start, end=end, lecturer=lecturer, row=index))
    return sessions


def parse_course(session: Session, data: dict[str, Any], *, complete: bool) -> CourseInput:
    """Clean `data` (from a browser: any types) and collect every problem.

    `complete=False` (a draft) needs only a title; `complete=True` (submission) needs the lot.
    """
    if not isinstance(data, dict):
        data = {}
    text = {name: clean(data.get(name), limit) for name, limit in TEXT_LIMITS.items()}
    errors: dict[str, str] = {}
    kind = clean(data.get("kind"), 32)
    if kind and kind not in {k.value for k in CourseKind}:
        errors["kind"] = "course.error.kind"
    hours_text = clean(data.get("hours"), 8)
    hours = parse_hours(hours_text) if hours_text else None
    if hours_text and hours is None:
        errors["hours"] = "course.error.hours_format"
    credits_text = clean(data.get("credits"), 3)
    credits = int(credits_text) if _INT.match(credits_text) else 0
    if credits_text and (not _INT.match(credits_text) or not 0 <= credits <= 20):
        errors["credits"] = "course.error.credits"
    capacity_text = clean(data.get("capacity"), 6)
    capacity = int(capacity_text) if _INT.match(capacity_text) else None
    if capacity_text and (capacity is None or not 1 <= capacity <= MAX_CAPACITY):
        errors["capacity"] = "course.error.capacity"
    known_topics = set(session.exec(select(CourseTopic.code).where(CourseTopic.active)))
    schools_raw = data.get("eligible_school_codes")
    if isinstance(schools_raw, str):
        schools_raw = [code.strip() for code in re.split(r"[,，、\s]+", schools_raw) if code.strip()]
    school_codes = sorted({clean(c, 32) for c in schools_raw[:200]}) if isinstance(schools_raw, list) else []
    if school_codes:
        found = set(session.exec(select(Unit.code).where(Unit.code.in_(school_codes))))  # type: ignore[attr-defined]
        if set(school_codes) - found:
            errors["eligible_school_codes"] = "course.error.unknown_school"
    parsed = CourseInput(
        text=text,
        kind=kind,
        hours_minutes=hours,
        credits=credits,
        capacity=capacity,
        audience_levels=_str_list(data.get("audience_levels"), {v.value for v in AudienceLevel}),
        topic_codes=_str_list(data.get("topics"), known_topics),
        sessions=_sessions(data.get("sessions"), errors),
        online_registration=_flag(data.get("online_registration")),
        registration_opens=parse_day(clean(data.get("registration_opens"), 10)),
        registration_closes=parse_day(clean(data.get("registration_closes"), 10)),
        eligible_counties=_str_list(data.get("eligible_counties"), set(COUNTIES)),
        eligible_levels=_str_list(data.get("eligible_levels"), {v.value for v in AudienceLevel}),
        eligible_school_codes=school_codes,
        errors=errors,
    )
    for name in ("registration_opens", "registration_closes"):
        if clean(data.get(name), 10) and getattr(parsed, name) is None:
            errors[name] = "course.error.date_format"
    _check_text(parsed, errors, complete=complete)
    if complete:
        _check_complete(parsed, errors)
    return parsed


def _check_text(parsed: CourseInput, errors: dict[str, str], *, complete: bool) -> None:
    if not parsed.text["title"]:
        errors["title"] = "validation.required"
    for meeting in parsed.sessions:
        if meeting.minutes <= 0:
            errors.setdefault(meeting.field_name, "course.error.end_before_start")
    if problem := url_problem(parsed.text["online_url"]):
        errors["online_url"] = problem
    if problem := phone_problem(parsed.text["contact_phone"], required=complete):
        errors["contact_phone"] = problem
    if problem := email_problem(parsed.text["contact_email"], required=complete):
        errors["contact_email"] = problem


def _check_complete(parsed: CourseInput, errors: dict[str, str]) -> None:
    if not parsed.kind:
        errors.setdefault("kind", "validation.required")
    if parsed.hours_minutes is None:
        errors.setdefault("hours", "validation.required")
    if parsed.capacity is None:
        errors.setdefault("capacity", "validation.required")
    if not parsed.topic_codes:
        errors["topics"] = "course.error.topics_required"
    if not parsed.audience_levels:
        errors["audience_levels"] = "course.error.audience_required"
    if not parsed.text["contact_name"]:
        errors["contact_name"] = "validation.required"
    if not parsed.text["venue"] and not parsed.text["online_url"]:
        errors["venue"] = "course.error.venue_or_link"
    facts = ScheduleFacts(
        sessions=parsed.sessions,
        hours_minutes=parsed.hours_minutes,
        online_registration=parsed.online_registration,
        registration_opens=parsed.registration_opens,
        registration_closes=parsed.registration_closes,
    )
    for name, key in schedule_problems(facts).items():
        errors.setdefault(name, key)


def raise_if_invalid(parsed: CourseInput) -> None:
    """Raises:
    ValidationFailed: with every field problem found.
    """
    if parsed.errors:
        raise ValidationFailed(dict(parsed.errors))
