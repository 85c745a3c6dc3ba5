"""Pure registration and attendance rules: refusal reasons, withdrawal, deadline, hours limits."""

from __future__ import annotations

from datetime import date

from tpd_app.domain.registration import (
    CourseFacts,
    Refusal,
    TeacherFacts,
    attendance_deadline,
    hours_problem,
    may_withdraw,
    refusal,
)

TODAY = date(2026, 11, 24)
OPEN = CourseFacts(published=True, cancelled=False, online_registration=True, opens=date(2026, 11, 1),
                   closes=date(2026, 12, 1), first_date=date(2026, 12, 10))
TEACHER = TeacherFacts(county="TPE", level="elementary", school_code="353601", registered=False)


def _with(**changes) -> CourseFacts:
    return CourseFacts(**{**OPEN.__dict__, **changes})


def test_an_eligible_teacher_inside_the_window_may_register():
    assert refusal(OPEN, TEACHER, TODAY) is None


def test_each_rule_gives_its_own_reason():
    assert refusal(_with(cancelled=True), TEACHER, TODAY) is Refusal.CANCELLED
    assert refusal(_with(published=False), TEACHER, TODAY) is Refusal.NOT_PUBLISHED
    assert refusal(_with(online_registration=False), TEACHER, TODAY) is Refusal.NO_ONLINE
    assert refusal(OPEN, TEACHER, date(2026, 10, 31)) is Refusal.NOT_OPEN_YET
    assert refusal(OPEN, TEACHER, date(2026, 12, 2)) is Refusal.CLOSED
    assert refusal(OPEN, TEACHER, date(2026, 12, 10)) is Refusal.STARTED
    assert refusal(_with(eligible_counties=("KHH",)), TEACHER, TODAY) is Refusal.COUNTY
    assert refusal(_with(eligible_levels=("junior_high",)), TEACHER, TODAY) is Refusal.LEVEL
    assert refusal(_with(eligible_school_codes=("000001",)), TEACHER, TODAY) is Refusal.SCHOOL
    registered = TeacherFacts(**{**TEACHER.__dict__, "registered": True})
    assert refusal(OPEN, registered, TODAY) is Refusal.ALREADY


def test_the_last_day_of_the_window_still_counts():
    assert refusal(OPEN, TEACHER, date(2026, 12, 1)) is None
    assert refusal(OPEN, TEACHER, date(2026, 11, 1)) is None


def test_withdrawal_only_for_active_registrations_before_the_first_day():
    assert may_withdraw("pending", date(2026, 12, 10), TODAY)
    assert may_withdraw("waiting", date(2026, 12, 10), date(2026, 12, 9))
    assert not may_withdraw("accepted", date(2026, 12, 10), date(2026, 12, 10))
    assert not may_withdraw("declined", date(2026, 12, 10), TODAY)


def test_list_deadline_is_one_calendar_month_after_the_end_clamped_to_the_month():
    assert attendance_deadline(date(2026, 1, 31)) == date(2026, 2, 28)
    assert attendance_deadline(date(2028, 1, 31)) == date(2028, 2, 29)
    assert attendance_deadline(date(2026, 12, 31)) == date(2027, 1, 31)


def test_hours_never_exceed_the_course_and_are_positive():
    assert hours_problem(180, 180) is None
    assert hours_problem(210, 180) == "attendance.error.hours_over"
    assert hours_problem(0, 180) == "attendance.error.hours_invalid"
