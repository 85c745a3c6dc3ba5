"""Course workflow (SPEC §3.1) as pure rules: statuses, transitions, the 14-day rule, hours.

Every rule answers with an i18n key so the UI can explain a refusal in the user's language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from enum import StrEnum

from tpd_app.domain.errors import DomainError
from tpd_app.domain.permissions import Actor, Function, may
from tpd_app.domain.statuses import Status, styled
from tpd_app.domain.units import NATIONWIDE

#: Seed §肆.四.(二).2: a course is registered at least two weeks before it starts.
LEAD_DAYS = 14
MAX_SESSIONS = 30
MAX_CAPACITY = 5000
#: The longest reason a decision, return or cancellation may carry.
MAX_REASON = 1000


@styled(
    "course.status",
    draft="gray",
    submitted="blue",
    returned="orange",
    approved="green",
    auto_approved="teal",
    rejected="red",
    cancelled="gray",
)
class CourseStatus(Status):
    """Where a course is in its life; each value also names its label (`course.status.<v>`)."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"
    AUTO_APPROVED = "auto_approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


#: Statuses whose course is published in the catalogue.
PUBLISHED: frozenset[CourseStatus] = frozenset({CourseStatus.APPROVED, CourseStatus.AUTO_APPROVED})


class CourseKind(StrEnum):
    """研習性質 (SPEC §3.1)."""

    LECTURE = "lecture"
    WORKSHOP = "workshop"
    CONFERENCE = "conference"
    COMMUNITY = "community"
    OBSERVATION = "observation"
    ONLINE = "online"
    FIELD_TRIP = "field_trip"


class AudienceLevel(StrEnum):
    """研習對象 school levels; the catalogue filters on them."""

    KINDERGARTEN = "kindergarten"
    ELEMENTARY = "elementary"
    JUNIOR_HIGH = "junior_high"
    SENIOR_HIGH = "senior_high"


LEVEL_BITS: dict[str, int] = {level.value: 1 << i for i, level in enumerate(AudienceLevel)}


def level_mask(levels: list[str] | tuple[str, ...]) -> int:
    """The audience levels as a bit mask (a cheap SQL filter at national scale)."""
    mask = 0
    for level in levels:
        mask |= LEVEL_BITS.get(level, 0)
    return mask


class Action(StrEnum):
    """What can happen to a course; the transition table below says from where."""

    EDIT = "edit"
    SUBMIT = "submit"
    APPROVE = "approve"
    RETURN = "return"
    REJECT = "reject"
    REVOKE = "revoke"
    CANCEL = "cancel"
    ALLOW_LATE = "allow_late"


S = CourseStatus
#: (action, from status) -> to status. An edit keeps the status, except that a material
#: edit of a published course sends it back to review (handled by `status_after_edit`).
TRANSITIONS: dict[tuple[Action, CourseStatus], CourseStatus] = {
    (Action.EDIT, S.DRAFT): S.DRAFT,
    (Action.EDIT, S.RETURNED): S.RETURNED,
    (Action.EDIT, S.APPROVED): S.APPROVED,
    (Action.EDIT, S.AUTO_APPROVED): S.AUTO_APPROVED,
    (Action.SUBMIT, S.DRAFT): S.SUBMITTED,
    (Action.SUBMIT, S.RETURNED): S.SUBMITTED,
    (Action.APPROVE, S.SUBMITTED): S.APPROVED,
    (Action.RETURN, S.SUBMITTED): S.RETURNED,
    (Action.REJECT, S.SUBMITTED): S.REJECTED,
    # Auto-review browse: the centre takes back an automatic approval; the organizer may fix it.
    (Action.REVOKE, S.AUTO_APPROVED): S.RETURNED,
    (Action.CANCEL, S.DRAFT): S.CANCELLED,
    (Action.CANCEL, S.SUBMITTED): S.CANCELLED,
    (Action.CANCEL, S.RETURNED): S.CANCELLED,
    (Action.CANCEL, S.APPROVED): S.CANCELLED,
    (Action.CANCEL, S.AUTO_APPROVED): S.CANCELLED,
    (Action.ALLOW_LATE, S.DRAFT): S.DRAFT,
    (Action.ALLOW_LATE, S.RETURNED): S.RETURNED,
}


def can(action: Action, status: CourseStatus | str) -> bool:
    """Whether `action` is possible on a course in `status`."""
    return (action, CourseStatus(status)) in TRANSITIONS


def next_status(action: Action, status: CourseStatus | str) -> CourseStatus:
    """The status after `action`.

    Raises:
        DomainError: `course.error.transition.<action>` when the status does not allow it.
    """
    try:
        return TRANSITIONS[(action, CourseStatus(status))]
    except KeyError:
        raise DomainError(f"course.error.transition.{action.value}") from None


def actions_for(status: CourseStatus | str) -> list[str]:
    """The organizer-side actions a course in `status` offers (for buttons)."""
    return [a.value for a in (Action.EDIT, Action.SUBMIT, Action.CANCEL) if can(a, status)]


#: Fields whose change on a published course sends it back to review (SPEC §3.1.5).
MATERIAL_FIELDS: frozenset[str] = frozenset(
    {"title", "kind", "hours_minutes", "credits", "sessions", "venue", "online_url", "topics",
     "audience_levels", "description", "capacity", "eligible_counties", "eligible_levels",
     "eligible_school_codes"}
)


def status_after_edit(status: CourseStatus, changed: set[str]) -> CourseStatus:
    """A published course goes back to review when a material field changes; others keep theirs."""
    if status in PUBLISHED and changed & MATERIAL_FIELDS:
        return CourseStatus.SUBMITTED
    return status


def latest_registration_date(first_session: date) -> date:
    """The last Taipei calendar day on which a course starting `first_session` may be registered."""
    return first_session - timedelta(days=LEAD_DAYS)


def registered_in_time(first_session: date, today: date) -> bool:
    """The 14-day rule: `today` (Taipei) is at least 14 days before the first session."""
    return today <= latest_registration_date(first_session)


@dataclass(frozen=True)
class SessionInput:
    """One meeting of a course: Taipei date, local start and end time, lecturer."""

    day: date
    start: time
    end: time
    lecturer: str
    #: The form's row it was typed in (blank rows are skipped, so the n-th meeting may be a later row);
    #: its errors are shown there. -1: not from a form.
    row: int = field(default=-1, compare=False)

    @property
    def field_name(self) -> str:
        return f"session_{self.row}"

    @property
    def minutes(self) -> int:
        return (self.end.hour * 60 + self.end.minute) - (self.start.hour * 60 + self.start.minute)


def hours_text(minutes: int) -> str:
    """`3`, `1.5`: the hours as teachers read them."""
    whole, rest = divmod(minutes, 60)
    return f"{whole}" if rest == 0 else f"{whole}.{rest * 10 // 60}"


_HOURS = re.compile(r"^\d{1,3}(\.(0|5|50))?$")


def parse_hours(text: str) -> int | None:
    """`2.5` -> 150 minutes; None unless a positive multiple of half an hour."""
    text = text.strip()
    if not _HOURS.match(text):
        return None
    whole, _, fraction = text.partition(".")
    minutes = int(whole) * 60 + (30 if fraction.startswith("5") else 0)
    return minutes if minutes > 0 else None


def parse_time(text: str) -> time | None:
    """`09:30`, `9:30`, `0930`, `13：30` (a full-width colon) -> time; None when malformed."""
    match = re.fullmatch(r"(\d{1,2})[:：.]?(\d{2})", text.strip())
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


@dataclass(frozen=True)
class ScheduleFacts:
    """What the schedule rules look at."""

    sessions: list[SessionInput]
    hours_minutes: int | None
    online_registration: bool
    registration_opens: date | None
    registration_closes: date | None


def schedule_problems(facts: ScheduleFacts) -> dict[str, str]:
    """Field -> i18n key for every broken schedule rule (empty when consistent)."""
    errors: dict[str, str] = {}
    if not facts.sessions:
        errors["sessions"] = "course.error.no_sessions"
        return errors
    for index, session in enumerate(facts.sessions):
        if session.minutes <= 0:
            errors[session.field_name if session.row >= 0 else f"session_{index}"] = "course.error.end_before_start"
    if facts.hours_minutes is not None and not errors:
        total = sum(s.minutes for s in facts.sessions)
        if facts.hours_minutes > total:
            errors["hours"] = "course.error.hours_exceed_sessions"
    if facts.online_registration:
        first = min(s.day for s in facts.sessions)
        if facts.registration_opens is None:
            errors["registration_opens"] = "validation.required"
        if facts.registration_closes is None:
            errors["registration_closes"] = "validation.required"
        if facts.registration_opens and facts.registration_closes:
            if facts.registration_closes < facts.registration_opens:
                errors["registration_closes"] = "course.error.window_order"
            elif facts.registration_closes >= first:
                errors["registration_closes"] = "course.error.window_after_start"
    return errors


def course_code(roc_year: int, serial: int) -> str:
    """A unique, human-readable course code: ROC year of registration + serial, e.g. `115000042`."""
    return f"{roc_year:03d}{serial:06d}"


#: Digits of a course code (`course_code`): the ROC year, then the serial.
CODE_LENGTH = 9


def code_range(text: str) -> tuple[str, str] | None:
    """The codes a search box entry may mean: a whole code, or its first digits (at least the three of the
    year), as the first and last code they cover; None for anything else (a keyword)."""
    digits = (text or "").strip()
    if not (3 <= len(digits) <= CODE_LENGTH and digits.isascii() and digits.isdigit()):
        return None
    pad = CODE_LENGTH - len(digits)
    return digits + "0" * pad, digits + "9" * pad


def may_manage_topics(actor: Actor) -> bool:
    """課程類別 are national reference data: the ministry and the national centre keep them."""
    return not actor.is_teacher and actor.unit.type in NATIONWIDE and may(actor, Function.COURSE_REVIEW)


TOPIC_CODE = re.compile(r"^[a-z][a-z0-9_]{1,31}$")
