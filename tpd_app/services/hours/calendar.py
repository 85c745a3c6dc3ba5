"""Calendars of accepted registrations: one course's `.ics` and a teacher's personal subscription feed.

The feed (行事曆訂閱) is an address a calendar application polls without signing in, so the address is
the secret: a random key (`calendar_feed.feed_key`) with the installation's HMAC signature. The page shows
it again whenever she asks (it is rebuilt from the key and the secret); making a new one replaces the key,
so every copy of the old address stops working; stopping it deletes the key.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from tpd_app.domain.courses import CourseStatus
from tpd_app.domain.permissions import Actor, Function
from tpd_app.domain.registration import RegistrationStatus
from tpd_app.domain.timeutil import TAIPEI, format_datetime, taipei_today, utcnow
from tpd_app.models import CalendarFeed, Course, CourseRegistration, CourseSession, Unit
from tpd_app.services.platform import audit, mail
from tpd_app.services.platform.guard import require
from tpd_app.settings import get_settings

PURPOSE = "calendar-feed"
#: How far back the feed reaches: a calendar keeps what it already has; the feed stays small.
FEED_DAYS_BACK = 365
#: What a calendar application is asked to poll at (RFC 7986 REFRESH-INTERVAL).
REFRESH = "PT6H"


def _signature(key: str) -> str:
    secret = mail.secret_key()
    return hmac.new(secret, f"{PURPOSE}:{key}".encode(), hashlib.sha256).hexdigest()[:32]


def _address(key: str) -> str:
    return f"{get_settings().public_origin}/api/calendar/{key}.{_signature(key)}.ics"


def _feed(session: Session, teacher_id: int) -> CalendarFeed | None:
    return session.exec(select(CalendarFeed).where(CalendarFeed.teacher_id == teacher_id)).first()


#: What her registrations page shows of her feed (built once: every visit reads it).
_SHOWN = select(CalendarFeed.feed_key, CalendarFeed.last_read_at).where(
    CalendarFeed.teacher_id == sa.bindparam("teacher_id"))


def my_feed(session: Session, actor: Actor, *, ip: str = "") -> dict[str, str]:
    """Her feed: its address ("" when she has none) and when a calendar last read it (民國 and ISO).

    Raises:
        Forbidden: not a teacher.
    """
    require(actor, Function.TEACHER_REGISTRATIONS, ip=ip)
    feed = session.execute(_SHOWN, {"teacher_id": actor.id}).first()
    if feed is None:
        return {"address": "", "last_read": ""}
    return {"address": _address(feed.feed_key), "last_read": format_datetime(feed.last_read_at, roc=False)}


def make_feed(session: Session, actor: Actor, *, ip: str = "") -> str:
    """A new address for her feed (any earlier one stops working); returns it.

    Raises:
        Forbidden: not a teacher.
    """
    require(actor, Function.TEACHER_REGISTRATIONS, ip=ip)
    feed = _feed(session, actor.id)
    replaced = feed is not None
    if feed is None:
        feed = CalendarFeed(teacher_id=actor.id, feed_key="")
    feed.feed_key = secrets.token_hex(16)
    feed.created_at = utcnow()
    feed.last_read_at = None
    session.add(feed)
    audit.record(session, action="calendar.feed_replaced" if replaced else "calendar.feed_created", actor=actor,
                 target_type="teacher", target_id=actor.id, ip=ip)
    return _address(feed.feed_key)


def stop_feed(session: Session, actor: Actor, *, ip: str = "") -> bool:
    """Stop her feed: its address stops working. False when she had none.

    Raises:
        Forbidden: not a teacher.
    """
    require(actor, Function.TEACHER_REGISTRATIONS, ip=ip)
    feed = _feed(session, actor.id)
    if feed is None:
        return False
    session.delete(feed)
    audit.record(session, action="calendar.feed_stopped", actor=actor, target_type="teacher", target_id=actor.id,
                 ip=ip)
    return True


def _key_of(token: str) -> str | None:
    """The key of a genuine feed token `<key>.<signature>`, else None."""
    key, _, signature = (token or "").partition(".")
    if len(key) != 32 or not all(c in "0123456789abcdef" for c in key):
        return None
    return key if hmac.compare_digest(_signature(key), signature) else None


def feed_calendar(session: Session, token: str, *, today: date | None = None) -> bytes | None:
    """The calendar behind a feed address: every session of her accepted courses from a year back;
    None when the address is not genuine or was replaced or stopped."""
    key = _key_of(token)
    if key is None:
        return None
    feed = session.exec(select(CalendarFeed).where(CalendarFeed.feed_key == key)).first()
    if feed is None:
        return None
    since = (today or taipei_today()) - timedelta(days=FEED_DAYS_BACK)
    rows = session.exec(
        select(CourseRegistration.id, Course, Unit.name)
        .join(Course, col(Course.id) == CourseRegistration.course_id)
        .join(Unit, col(Unit.id) == Course.organizer_unit_id)
        .where(CourseRegistration.teacher_id == feed.teacher_id,
               CourseRegistration.status == RegistrationStatus.ACCEPTED.value,
               Course.status != CourseStatus.CANCELLED.value,
               col(Course.last_date) >= since)
        .order_by(col(Course.first_date))
    ).all()
    meetings = _meetings(session, [course.id for _, course, _ in rows])
    events: list[str] = []
    for registration_id, course, organizer in rows:
        events += vevents(course, organizer, meetings.get(course.id, []), registration_id)
    feed.last_read_at = utcnow()
    session.add(feed)
    return calendar(events, name="全國教師在職進修研習 TPD in-service courses")


def _meetings(session: Session, course_ids: list[Any]) -> dict[int, list[CourseSession]]:
    out: dict[int, list[CourseSession]] = {}
    if not course_ids:
        return out
    for meeting in session.exec(select(CourseSession).where(col(CourseSession.course_id).in_(course_ids))
                                .order_by(col(CourseSession.day), col(CourseSession.start_time))).all():
        out.setdefault(meeting.course_id, []).append(meeting)
    return out


def course_sessions(session: Session, course_id: int) -> list[CourseSession]:
    """A course's sessions in order."""
    return _meetings(session, [course_id]).get(course_id, [])


def vevents(course: Course, organizer: str, meetings: Iterable[CourseSession], registration_id: Any) -> list[str]:
    """The VEVENT lines of one accepted registration: one event per session."""
    location = course.venue or course.online_url
    description = f"{course.code} {organizer}"
    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    lines: list[str] = []
    for index, meeting in enumerate(meetings):
        lines += ["BEGIN:VEVENT", f"UID:tpd-{course.code}-{registration_id}-{index}@inservice",
                  f"DTSTAMP:{stamp}",
                  f"DTSTART:{_taipei_to_utc(meeting.day, meeting.start_time)}",
                  f"DTEND:{_taipei_to_utc(meeting.day, meeting.end_time)}",
                  f"SUMMARY:{_ics_text(course.title)}",
                  f"LOCATION:{_ics_text(location)}",
                  f"DESCRIPTION:{_ics_text(description)}",
                  "END:VEVENT"]
    return lines


def calendar(events: list[str], *, name: str = "") -> bytes:
    """A VCALENDAR around the events, CRLF-delimited and folded as RFC 5545 asks."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//TPD//inservice//ZH-TW", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH"]
    if name:
        lines += [f"X-WR-CALNAME:{_ics_text(name)}", f"NAME:{_ics_text(name)}",
                  f"REFRESH-INTERVAL;VALUE=DURATION:{REFRESH}", f"X-PUBLISHED-TTL:{REFRESH}"]
    lines += events
    lines.append("END:VCALENDAR")
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode()


def _fold(line: str) -> str:
    """RFC 5545 §3.1: lines longer than 75 octets continue on the next line after a space."""
    data = line.encode()
    if len(data) <= 75:
        return line
    parts: list[str] = []
    current = ""
    for char in line:
        limit = 75 if not parts else 74
        if len((current + char).encode()) > limit:
            parts.append(current)
            current = char
        else:
            current += char
    parts.append(current)
    return "\r\n ".join(parts)


def _taipei_to_utc(day: date, hhmm: str) -> str:
    hour, minute = (int(p) for p in hhmm.split(":"))
    local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=TAIPEI)
    return (local - local.utcoffset()).replace(tzinfo=None).strftime("%Y%m%dT%H%M%SZ")  # type: ignore[operator]


def _ics_text(value: str) -> str:
    return (value or "").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
