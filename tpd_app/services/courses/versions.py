"""What changed since the return (issue 15): the course as it was returned is kept on its `return` decision;
when it comes back, the reviewer sees a field-by-field difference with the version resubmitted.

A version is the course's detail (`catalogue.course_detail_dict`) reduced to text per field, so that it
compares and shows the same way whatever the field's type (topics by name, sessions one per line).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from tpd_app.domain.courses import CourseStatus
from tpd_app.models import Course, CourseDecision
from tpd_app.services.courses import catalogue

#: The fields a difference lists, in the order of the course form; each has `course.field.<name>`.
FIELDS = ("title", "kind", "hours", "credits", "capacity", "topics", "description", "audience_levels",
          "audience_subjects", "audience_roles", "sessions", "venue", "online_url", "online_registration",
          "registration_opens", "registration_closes", "eligible_counties", "eligible_levels",
          "eligible_school_codes", "contact_name", "contact_phone", "contact_email")


def _text(name: str, value: Any) -> str:
    if name == "topics":
        return "、".join(t["name_zh"] for t in value)
    if name == "sessions":
        return "\n".join(f"{s['day']} {s['start']}–{s['end']} {s['lecturer']}".strip() for s in value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return "" if value is None else str(value)


def version(session: Session, course: Course) -> dict[str, str]:
    """The course's current values as text, field by field."""
    detail = catalogue.course_detail_dict(session, course)
    return {name: _text(name, detail.get(name)) for name in FIELDS}


def changes(before: dict[str, str], after: dict[str, str]) -> list[dict[str, str]]:
    """The fields whose text differs, in form order: field, before, after."""
    return [{"field": name, "before": before.get(name, ""), "after": after.get(name, "")}
            for name in FIELDS if before.get(name, "") != after.get(name, "")]


def since_return(session: Session, course: Course) -> dict[str, Any] | None:
    """For a course under review that was returned before: what changed since its last return (an empty
    list when nothing did), and when it was returned; None when it was never returned."""
    if course.status != CourseStatus.SUBMITTED.value:
        return None
    returned = session.exec(select(CourseDecision).where(CourseDecision.course_id == course.id,
                                                         CourseDecision.action == "return")
                            .order_by(col(CourseDecision.id).desc())).first()
    if returned is None or returned.version is None:
        return None
    return {"changes": changes(returned.version, version(session, course)), "reason": returned.reason}
