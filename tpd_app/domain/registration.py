"""Online registration and attendance rules (SPEC §3.2, §3.3) as pure functions.

Each refusal is an i18n key (`registration.refused.<reason>`) so the teacher reads why.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from tpd_app.domain.statuses import Status, styled


@styled(
    "registration.status",
    pending="amber",
    accepted="green",
    declined="red",
    waiting="blue",
    withdrawn="gray",
    cancelled="gray",
)
class RegistrationStatus(Status):
    """Where a registration stands; `pending` and `accepted` hold a seat, `waiting` queues for one."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WAITING = "waiting"
    WITHDRAWN = "withdrawn"
    CANCELLED = "cancelled"


#: Statuses that hold one of the course's seats.
HOLDS_SEAT: frozenset[str] = frozenset({RegistrationStatus.PENDING, RegistrationStatus.ACCEPTED})
#: Statuses that still count as "registered" (a second registration is refused).
ACTIVE: frozenset[str] = HOLDS_SEAT | {RegistrationStatus.WAITING}


@styled("catalogue.registration", upcoming="blue", open="green", closed="gray")
class RegistrationWindow(Status):
    """Where today falls in a published course's online registration window (the catalogue's badge)."""

    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"


class Refusal(StrEnum):
    """Why a teacher may not register; each value is the suffix of a message key."""

    NOT_PUBLISHED = "not_published"
    CANCELLED = "cancelled"
    NO_ONLINE = "no_online"
    NOT_OPEN_YET = "not_open_yet"
    CLOSED = "closed"
    STARTED = "started"
    COUNTY = "county"
    LEVEL = "level"
    SCHOOL = "school"
    ALREADY = "already"


class Standing(StrEnum):
    """What a course page offers the person looking at it (`course_standing`)."""

    NONE = "none"  # no online registration
    SIGN_IN = "sign_in"  # not signed in, registration open or upcoming
    REGISTER = "register"  # she may register and a seat is free
    JOIN_WAITING = "join_waiting"  # she may register; the course is full
    REGISTERED = "registered"  # she holds a seat or a waiting place
    REFUSED = "refused"  # she may not (the reason says why)
    STAFF = "staff"  # a business account: registration is for teachers


@dataclass(frozen=True)
class CourseFacts:
    """What the registration rules read of a course."""

    published: bool
    cancelled: bool
    online_registration: bool
    opens: date | None
    closes: date | None
    first_date: date | None
    eligible_counties: tuple[str, ...] = ()
    eligible_levels: tuple[str, ...] = ()
    eligible_school_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class TeacherFacts:
    """What the registration rules read of a teacher: her school's county, level and code."""

    county: str | None
    level: str | None
    school_code: str
    registered: bool


def refusal(course: CourseFacts, teacher: TeacherFacts, today: date) -> Refusal | None:
    """The first reason the teacher may not register today, or None when she may."""
    if course.cancelled:
        return Refusal.CANCELLED
    if not course.published:
        return Refusal.NOT_PUBLISHED
    if not course.online_registration:
        return Refusal.NO_ONLINE
    if course.first_date is not None and today >= course.first_date:
        return Refusal.STARTED
    if course.opens is not None and today < course.opens:
        return Refusal.NOT_OPEN_YET
    if course.closes is not None and today > course.closes:
        return Refusal.CLOSED
    if course.eligible_counties and teacher.county not in course.eligible_counties:
        return Refusal.COUNTY
    if course.eligible_levels and teacher.level not in course.eligible_levels:
        return Refusal.LEVEL
    if course.eligible_school_codes and teacher.school_code not in course.eligible_school_codes:
        return Refusal.SCHOOL
    if teacher.registered:
        return Refusal.ALREADY
    return None


def may_withdraw(status: str, first_date: date | None, today: date) -> bool:
    """A teacher withdraws an active registration before the course's first day."""
    return status in ACTIVE and (first_date is None or today < first_date)


@styled("attendance.status", none="gray", draft="amber", submitted="blue", returned="orange", confirmed="green")
class ListStatus(Status):
    """An attendance list: drafted, submitted for confirmation, returned, confirmed."""

    #: Never stored: an ended course whose organizer has not started its list.
    NONE = "none"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    CONFIRMED = "confirmed"


#: Statuses in which the organizer may still change the entries.
EDITABLE: frozenset[str] = frozenset({ListStatus.DRAFT, ListStatus.RETURNED})


def attendance_deadline(last_date: date) -> date:
    """Seed §肆.四.(二).3: the list is due one month after the course ends (same day, clamped)."""
    year, month = (last_date.year + 1, 1) if last_date.month == 12 else (last_date.year, last_date.month + 1)
    return date(year, month, min(last_date.day, calendar.monthrange(year, month)[1]))


def is_late(last_date: date, submitted_on: date) -> bool:
    """Submitted after the one-month deadline."""
    return submitted_on > attendance_deadline(last_date)


def hours_problem(minutes: int, course_minutes: int) -> str | None:
    """An i18n key when an attendee's minutes are impossible: none, or more than the course offers."""
    if minutes <= 0:
        return "attendance.error.hours_invalid"
    if minutes > course_minutes:
        return "attendance.error.hours_over"
    return None
