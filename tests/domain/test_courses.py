"""Pure course rules: transitions, the 14-day rule on the Taipei calendar, hours, schedule checks."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from tpd_app.domain.courses import (
    PUBLISHED,
    Action,
    CourseStatus,
    ScheduleFacts,
    SessionInput,
    can,
    course_code,
    hours_text,
    latest_registration_date,
    next_status,
    parse_hours,
    registered_in_time,
    schedule_problems,
    status_after_edit,
)
from tpd_app.domain.errors import DomainError
from tpd_app.domain.timeutil import taipei_today

S = CourseStatus


def test_every_status_has_a_colour_and_label_key():
    assert all(status.colour for status in CourseStatus)
    assert S.AUTO_APPROVED.label_key == "course.status.auto_approved"


@pytest.mark.parametrize(("action", "status", "expected"), [
    (Action.SUBMIT, S.DRAFT, S.SUBMITTED),
    (Action.SUBMIT, S.RETURNED, S.SUBMITTED),
    (Action.APPROVE, S.SUBMITTED, S.APPROVED),
    (Action.RETURN, S.SUBMITTED, S.RETURNED),
    (Action.REJECT, S.SUBMITTED, S.REJECTED),
    (Action.REVOKE, S.AUTO_APPROVED, S.RETURNED),
    (Action.CANCEL, S.APPROVED, S.CANCELLED),
])
def test_allowed_transitions(action: Action, status: CourseStatus, expected: CourseStatus):
    assert next_status(action, status) is expected


@pytest.mark.parametrize(("action", "status"), [
    (Action.APPROVE, S.APPROVED), (Action.APPROVE, S.DRAFT), (Action.RETURN, S.RETURNED),
    (Action.REJECT, S.CANCELLED), (Action.REVOKE, S.APPROVED), (Action.SUBMIT, S.SUBMITTED),
    (Action.SUBMIT, S.REJECTED), (Action.EDIT, S.SUBMITTED), (Action.EDIT, S.CANCELLED),
    (Action.CANCEL, S.CANCELLED), (Action.CANCEL, S.REJECTED), (Action.ALLOW_LATE, S.APPROVED),
])
def test_refused_transitions_name_their_action(action: Action, status: CourseStatus):
    assert not can(action, status)
    with pytest.raises(DomainError) as refused:
        next_status(action, status)
    assert refused.value.key == f"course.error.transition.{action.value}"


def test_material_edit_of_a_published_course_goes_back_to_review_others_do_not():
    for status in PUBLISHED:
        assert status_after_edit(status, {"title"}) is S.SUBMITTED
        assert status_after_edit(status, {"contact_phone"}) is status
    assert status_after_edit(S.DRAFT, {"title"}) is S.DRAFT


def test_14_day_rule_boundaries():
    first = date(2026, 12, 8)
    assert latest_registration_date(first) == date(2026, 11, 24)
    assert registered_in_time(first, date(2026, 11, 24))
    assert not registered_in_time(first, date(2026, 11, 25))


def test_the_rule_reckons_on_the_taipei_calendar():
    # 21:30 UTC on 24 Nov is already 25 Nov in Taipei: one day less to register.
    late_evening_utc = datetime(2026, 11, 24, 21, 30, tzinfo=UTC)
    assert taipei_today(late_evening_utc) == date(2026, 11, 25)
    assert not registered_in_time(date(2026, 12, 8), taipei_today(late_evening_utc))


@pytest.mark.parametrize(("text", "minutes"), [("3", 180), ("1.5", 90), ("2.50", 150), ("0.5", 30),
                                              ("0", None), ("2.3", None), ("-1", None), ("abc", None),
                                              ("1.25", None)])
def test_hours_are_half_hours_stored_as_minutes(text: str, minutes: int | None):
    assert parse_hours(text) == minutes


def test_hours_text():
    assert hours_text(180) == "3" and hours_text(90) == "1.5"


def _meeting(day: int, start: str, end: str) -> SessionInput:
    h1, m1 = map(int, start.split(":"))
    h2, m2 = map(int, end.split(":"))
    return SessionInput(day=date(2026, 12, day), start=time(h1, m1), end=time(h2, m2), lecturer="")


def test_schedule_problems():
    good = ScheduleFacts(sessions=[_meeting(10, "09:00", "12:00"), _meeting(17, "09:00", "12:00")],
                         hours_minutes=360, online_registration=True,
                         registration_opens=date(2026, 11, 20), registration_closes=date(2026, 12, 5))
    assert schedule_problems(good) == {}
    too_many_hours = ScheduleFacts(**{**good.__dict__, "hours_minutes": 390})
    assert schedule_problems(too_many_hours) == {"hours": "course.error.hours_exceed_sessions"}
    closes_late = ScheduleFacts(**{**good.__dict__, "registration_closes": date(2026, 12, 10)})
    assert schedule_problems(closes_late) == {"registration_closes": "course.error.window_after_start"}
    backwards = ScheduleFacts(**{**good.__dict__, "sessions": [_meeting(10, "12:00", "09:00")]})
    assert schedule_problems(backwards) == {"session_0": "course.error.end_before_start"}
    assert schedule_problems(ScheduleFacts(**{**good.__dict__, "sessions": []})) == {
        "sessions": "course.error.no_sessions"}


def test_course_codes_are_roc_year_and_serial():
    assert course_code(115, 42) == "115000042"


def test_session_times_are_read_as_typed():
    from tpd_app.domain.courses import parse_time

    assert [parse_time(t) for t in ("13:30", "1330", "9:05", "13：30")] == [time(13, 30), time(13, 30), time(9, 5),
                                                                            time(13, 30)]
    assert [parse_time(t) for t in ("24:00", "12:60", "1:3", "noon", "")] == [None] * 5
