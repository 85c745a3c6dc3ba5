"""課程類別 (course topics) as managed reference data: the national centre adds, renames, retires them.

A topic is never deleted: courses keep pointing at it, and a retired topic simply stops being
offered in the registration form and the catalogue filter.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, func, select

from tpd_app.domain.courses import TOPIC_CODE, may_manage_topics
from tpd_app.domain.errors import Forbidden, NotFound, ValidationFailed
from tpd_app.domain.permissions import Actor, Function
from tpd_app.models import CourseTopic, CourseTopicLink
from tpd_app.services.platform import audit
from tpd_app.services.platform.guard import require
from tpd_app.services.platform.refcache import ReferenceCache
from tpd_app.services.platform.validation import clean


def _require_manager(actor: Actor, ip: str) -> None:
    require(actor, Function.COURSE_REVIEW, ip=ip, detail="topics")
    if not may_manage_topics(actor):
        audit.record_now(action="access.denied", actor=actor, outcome="denied", target_type="function",
                         target_id="topics", after={"reason": "jurisdiction"}, ip=ip)
        raise Forbidden("error.forbidden.jurisdiction")


def list_topics(session: Session, actor: Actor, *, ip: str = "") -> list[dict[str, str]]:
    """Every topic, retired ones too, with how many courses use it.

    Raises:
        Forbidden: only the ministry and the national centre manage topics.
    """
    _require_manager(actor, ip)
    usage = dict(session.exec(select(CourseTopicLink.topic_id, func.count()).group_by(CourseTopicLink.topic_id)).all())
    topics = session.exec(select(CourseTopic).order_by(col(CourseTopic.statutory).desc(),
                                                       col(CourseTopic.sort_order), col(CourseTopic.id))).all()
    return [{"code": t.code, "name_zh": t.name_zh, "name_en": t.name_en, "statutory": "1" if t.statutory else "",
             "active": "1" if t.active else "", "sort_order": str(t.sort_order), "courses": str(usage.get(t.id, 0))}
            for t in topics]


def save_topic(session: Session, actor: Actor, data: dict[str, Any], *, ip: str = "") -> str:
    """Add a topic, or rename / re-order / re-flag an existing one (its code never changes).

    Raises:
        Forbidden: only the ministry and the national centre manage topics.
        ValidationFailed: bad code, missing names, a taken code or name.
    """
    _require_manager(actor, ip)
    code = clean(data.get("code"), 32).lower()
    name_zh, name_en = clean(data.get("name_zh"), 100), clean(data.get("name_en"), 100)
    statutory = data.get("statutory") in (True, "1", "on", "true")
    order_text = clean(data.get("sort_order"), 4)
    errors: dict[str, str] = {}
    if not TOPIC_CODE.match(code):
        errors["code"] = "topics.error.code"
    if not name_zh:
        errors["name_zh"] = "validation.required"
    if not name_en:
        errors["name_en"] = "validation.required"
    if order_text and not order_text.isdigit():
        errors["sort_order"] = "topics.error.order"
    existing = session.exec(select(CourseTopic).where(CourseTopic.code == code)).first()
    clash = session.exec(select(CourseTopic).where(CourseTopic.name_zh == name_zh, CourseTopic.code != code)).first()
    if name_zh and clash is not None:
        errors["name_zh"] = "topics.error.name_taken"
    if errors:
        raise ValidationFailed(errors)
    values = {"name_zh": name_zh, "name_en": name_en, "statutory": statutory,
              "sort_order": int(order_text) if order_text else (existing.sort_order if existing else 100)}
    if existing is None:
        topic = CourseTopic(code=code, active=True, **values)
        session.add(topic)
        _options.forget()
        session.flush()
        audit.record(session, action="topic.add", actor=actor, target_type="course_topic", target_id=code,
                     after=values, ip=ip)
        return code
    before = {key: getattr(existing, key) for key in values}
    for key, value in values.items():
        setattr(existing, key, value)
    session.add(existing)
    _options.forget()
    old, new = audit.changed_fields(before, values)
    audit.record(session, action="topic.edit", actor=actor, target_type="course_topic", target_id=code,
                 before=old, after=new, ip=ip)
    return code


def set_topic_active(session: Session, actor: Actor, code: object, active: bool, *, ip: str = "") -> None:
    """Retire a topic (no longer offered) or bring it back.

    Raises:
        Forbidden: only the ministry and the national centre manage topics.
        NotFound: no topic has that code.
    """
    _require_manager(actor, ip)
    topic = session.exec(select(CourseTopic).where(CourseTopic.code == clean(code, 32))).first()
    if topic is None:
        raise NotFound()
    if topic.active == bool(active):
        return
    topic.active = bool(active)
    session.add(topic)
    _options.forget()
    audit.record(session, action="topic.activate" if active else "topic.retire", actor=actor,
                 target_type="course_topic", target_id=topic.code, before={"active": not active},
                 after={"active": bool(active)}, ip=ip)


def _read_options(session: Session) -> list[dict[str, str]]:
    topics = session.exec(select(CourseTopic).where(CourseTopic.active)
                          .order_by(col(CourseTopic.statutory).desc(), col(CourseTopic.sort_order))).all()
    return [{"code": t.code, "name_zh": t.name_zh, "name_en": t.name_en,
             "statutory": "1" if t.statutory else ""} for t in topics]


#: Every catalogue, course form and dashboard visit shows them; they change a few times a year.
_options = ReferenceCache(_read_options, tables=("course_topic",), copy=lambda kept: [dict(t) for t in kept])


def topic_options(session: Session) -> list[dict[str, str]]:
    """The active topics for the form and the catalogue filter, statutory ones first (a fresh list)."""
    return _options.get(session)
