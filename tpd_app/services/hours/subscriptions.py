"""訂閱 (SPEC §1.3.4): teachers tick kinds, topics, counties and levels; when a matching course is
approved they are e-mailed at once or in a daily digest; every mail carries a signed one-click
unsubscribe link that needs no login."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlmodel import Session, col, select

from tpd_app.domain.courses import AudienceLevel, CourseKind, hours_text
from tpd_app.domain.errors import NotFound, ValidationFailed
from tpd_app.domain.permissions import Actor, Function
from tpd_app.domain.timeutil import format_date, utcnow
from tpd_app.domain.units import COUNTIES
from tpd_app.i18n import translate
from tpd_app.models import Course, CourseTopic, CourseTopicLink, Subscription, SubscriptionNotice, Teacher, Unit
from tpd_app.services.platform import audit, mail, outbox
from tpd_app.services.platform.guard import require
from tpd_app.settings import get_settings

PURPOSE = "unsubscribe"


def _row(session: Session, teacher_id: int) -> Subscription | None:
    return session.exec(select(Subscription).where(Subscription.teacher_id == teacher_id)).first()


def get_subscription(session: Session, actor: Actor, *, ip: str = "") -> dict[str, Any]:
    """The teacher's subscription (defaults when she has none) and whether she has an e-mail address.

    Raises:
        Forbidden: not a teacher.
    """
    require(actor, Function.TEACHER_SUBSCRIPTIONS, ip=ip)
    teacher = session.get(Teacher, actor.id)
    if teacher is None:
        raise NotFound()
    row = _row(session, actor.id)
    return {"active": bool(row and row.active), "digest": bool(row and row.digest),
            "kinds": list(row.kinds) if row else [], "topics": list(row.topics) if row else [],
            "counties": list(row.counties) if row else [], "levels": list(row.levels) if row else [],
            "has_email": bool(teacher.email)}


def _pick(values: Any, allowed: set[str]) -> list[str]:
    if not isinstance(values, list):
        return []
    return sorted({v for v in values if isinstance(v, str) and v in allowed})


def save_subscription(session: Session, actor: Actor, data: Any, *, ip: str = "") -> None:
    """Store what the teacher wants to hear about (unknown values are dropped, not trusted).

    Raises:
        Forbidden: not a teacher.
        ValidationFailed: switching it on without an e-mail address.
    """
    require(actor, Function.TEACHER_SUBSCRIPTIONS, ip=ip)
    data = data if isinstance(data, dict) else {}
    teacher = session.get(Teacher, actor.id)
    if teacher is None:
        raise NotFound()
    active = data.get("active") is True
    if active and not teacher.email:
        raise ValidationFailed({"active": "subscriptions.no_email"})
    topics = set(session.exec(select(CourseTopic.code).where(CourseTopic.active)).all())
    row = _row(session, actor.id) or Subscription(teacher_id=actor.id)
    row.active = active
    row.digest = data.get("digest") is True
    row.kinds = _pick(data.get("kinds"), {k.value for k in CourseKind})
    row.topics = _pick(data.get("topics"), topics)
    row.counties = _pick(data.get("counties"), set(COUNTIES))
    row.levels = _pick(data.get("levels"), {lv.value for lv in AudienceLevel})
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    audit.record(session, action="subscription.save", actor=actor, target_type="teacher", target_id=actor.id,
                 after={"active": row.active, "digest": row.digest, "kinds": row.kinds, "topics": row.topics,
                        "counties": row.counties, "levels": row.levels}, ip=ip)


class Choices(NamedTuple):
    """A subscription's four choice lists (empty: any)."""

    kinds: list[str]
    topics: list[str]
    counties: list[str]
    levels: list[str]


def matches(sub: Subscription | Choices, *, kind: str, topics: set[str], county: str | None, levels: set[str]) -> bool:
    """Whether a course matches a subscription: every ticked group must match; an empty group is "any"."""
    return ((not sub.kinds or kind in sub.kinds)
            and (not sub.topics or bool(topics & set(sub.topics)))
            and (not sub.counties or county in sub.counties)
            and (not sub.levels or bool(levels & set(sub.levels))))


def unsubscribe_links() -> Callable[[int], str]:
    """teacher id → her signed one-click unsubscribe link (the key read once, for many mails)."""
    prefix = f"{get_settings().public_origin}/api/unsubscribe?token="
    token = mail.signer(PURPOSE)
    return lambda teacher_id: prefix + token(teacher_id)


def _course_line(course: Course, organizer: str) -> str:
    first = format_date(course.first_date, roc=True) if course.first_date else ""
    return f"・{course.title}（{course.code}）{organizer}，{first} 起，{hours_text(course.hours_minutes)} 小時"


def notify_subscribers(session: Session, course: Course) -> int:
    """A course was approved: mail matching instant subscribers now, queue it for digest ones.

    Runs inside the approval's transaction, so it stays light however many teachers subscribe: plain
    columns, not ORM objects; each distinct set of choices parsed and matched once (most teachers share
    theirs); mails and notices written in one batch each. `bench/subscriptions.py` measures it."""
    organizer = session.get(Unit, course.organizer_unit_id)
    topics = set(session.exec(select(CourseTopic.code).join(CourseTopicLink,
                                                            col(CourseTopicLink.topic_id) == CourseTopic.id)
                              .where(CourseTopicLink.course_id == course.id)).all())
    county = organizer.county if organizer else None
    levels = set(course.audience_levels or [])
    subscription = Subscription.__table__  # type: ignore[attr-defined]
    teacher = Teacher.__table__  # type: ignore[attr-defined]
    # The four choice lists as their JSON text (a cast, so every driver returns text): a dictionary key.
    choices = [sa.cast(subscription.c[name], sa.Text) for name in ("kinds", "topics", "counties", "levels")]
    candidates = session.execute(
        sa.select(teacher.c.id, teacher.c.email, teacher.c.name, subscription.c.digest, *choices)
        .join_from(subscription, teacher, teacher.c.id == subscription.c.teacher_id)
        .where(subscription.c.active.is_(True), teacher.c.status == "active", teacher.c.email != ""))
    verdicts: dict[tuple[str, ...], bool] = {}
    noticed = set(session.exec(select(SubscriptionNotice.teacher_id)
                               .where(SubscriptionNotice.course_id == course.id)).all())
    subject = translate("mail.course_match.subject", "zh-TW", title=course.title)
    line = _course_line(course, organizer.name if organizer else "")
    catalogue_url = f"{get_settings().public_origin}/courses"
    unsubscribe_link = unsubscribe_links()
    now = utcnow()
    mails, notices, count = [], [], 0
    for teacher_id, email, name, digest, *chosen in candidates:
        key = tuple(chosen)
        verdict = verdicts.get(key)
        if verdict is None:
            kinds_, topics_, counties_, levels_ = (json.loads(text) if text else [] for text in key)
            verdict = verdicts[key] = matches(Choices(kinds_, topics_, counties_, levels_), kind=course.kind,
                                              topics=topics, county=county, levels=levels)
        if not verdict:
            continue
        count += 1
        if digest:
            if teacher_id not in noticed:
                notices.append({"teacher_id": teacher_id, "course_id": course.id, "created_at": now, "sent_at": None})
        else:
            mails.append({"to": email, "kind": "course_match", "subject": subject,
                          "body": translate("mail.course_match.body", "zh-TW", name=name, lines=line,
                                            catalogue=catalogue_url, unsubscribe=unsubscribe_link(teacher_id))})
    if notices:
        session.execute(sa.insert(SubscriptionNotice.__table__), notices)  # type: ignore[attr-defined]
    outbox.queue_many(session, mails)
    return count


def send_digests(session: Session) -> int:
    """Turn each digest subscriber's pending notices into one queued mail; returns mails queued."""
    pending = session.exec(select(SubscriptionNotice, Course, Teacher)
                           .join(Course, col(Course.id) == SubscriptionNotice.course_id)
                           .join(Teacher, col(Teacher.id) == SubscriptionNotice.teacher_id)
                           .where(col(SubscriptionNotice.sent_at).is_(None))
                           .order_by(col(SubscriptionNotice.teacher_id), col(SubscriptionNotice.id))).all()
    by_teacher: dict[int, list[tuple[SubscriptionNotice, Course, Teacher]]] = {}
    for notice, course, teacher in pending:
        by_teacher.setdefault(teacher.id or 0, []).append((notice, course, teacher))
    now = utcnow()
    unsubscribe_link = unsubscribe_links()
    for teacher_id, items in by_teacher.items():
        teacher = items[0][2]
        sub = _row(session, teacher_id)
        if sub and sub.active:
            lines = []
            for _, course, _ in items:
                organizer = session.get(Unit, course.organizer_unit_id)
                lines.append(_course_line(course, organizer.name if organizer else ""))
            outbox.queue(session, to=teacher.email, kind="digest",
                         subject=translate("mail.digest.subject", "zh-TW", count=len(items)),
                         body=translate("mail.digest.body", "zh-TW", name=teacher.name, lines="\n".join(lines),
                                        catalogue=f"{get_settings().public_origin}/courses",
                                        unsubscribe=unsubscribe_link(teacher_id)))
        for notice, _, _ in items:
            notice.sent_at = now
            session.add(notice)
    session.flush()
    return len(by_teacher)


def unsubscribe(session: Session, token: str, *, ip: str = "") -> bool:
    """Switch off the subscription named by a signed link; False when the link is not genuine."""
    teacher_id = mail.verify(PURPOSE, token)
    if teacher_id is None:
        return False
    row = _row(session, teacher_id)
    if row is not None and row.active:
        row.active = False
        row.updated_at = utcnow()
        session.add(row)
        audit.record(session, action="subscription.unsubscribe", actor_label="link", target_type="teacher",
                     target_id=teacher_id, ip=ip)
    return True
