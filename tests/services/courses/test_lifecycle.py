"""Organizer use cases: register, the 14-day rule, validation, edit, resubmit, cancel, own list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from tests.factories import make_world
from tests.services.course_data import course_form, first_day
from tpd_app.domain.courses import Action
from tpd_app.domain.errors import DomainError, Forbidden, NotFound, ValidationFailed
from tpd_app.domain.timeutil import taipei_today
from tpd_app.domain.units import AccountCategory
from tpd_app.models import AuditLog, CatalogueEntry, Course
from tpd_app.services.courses import catalogue, lifecycle, review
from tpd_app.services.platform.db import transaction


def _setup():
    with transaction() as s:
        world = make_world(s)
        operator = world.actor(s, world.school_a, AccountCategory.OPERATOR)
        bureau = world.actor(s, world.bureau_a)
    return world, operator, bureau


def _approved_course():
    """A course of school A, submitted by its operator and approved by its county bureau."""
    _, operator, bureau = _setup()
    with transaction() as s:
        code = lifecycle.register_course(s, operator, course_form(), submit=True)
    course_id = _course(code).id
    with transaction() as s:
        review.decide(s, bureau, course_id, Action.APPROVE)
    return operator, bureau, code, course_id


def _course(code: str) -> Course:
    with transaction() as s:
        return s.exec(select(Course).where(Course.code == code)).one()


def test_operator_registers_and_submits_a_course_to_its_county_bureau(db_url: str):
    world, operator, _ = _setup()
    with transaction() as s:
        code = lifecycle.register_course(s, operator, course_form(), submit=True)
    course = _course(code)
    assert course.status == "submitted"
    assert course.reviewer_unit_id == world.bureau_a.id
    assert course.hours_minutes == 180
    assert len(code) == 9 and code.startswith(str(taipei_today().year - 1911))
    with transaction() as s:
        actions = [a.action for a in s.exec(select(AuditLog).where(AuditLog.target_id == code))]
    assert actions == ["course.register", "course.submit"]


def test_course_codes_are_unique(db_url: str):
    _, operator, _ = _setup()
    with transaction() as s:
        codes = {lifecycle.register_course(s, operator, course_form(), submit=False) for _ in range(3)}
    assert len(codes) == 3


def test_registering_13_days_ahead_is_refused_with_the_latest_date(db_url: str):
    _, operator, _ = _setup()
    with pytest.raises(ValidationFailed) as refused, transaction() as s:
        lifecycle.register_course(s, operator, course_form(days_ahead=13), submit=True)
    assert refused.value.key == "course.error.too_late_detail"
    assert refused.value.field_errors == {"sessions": "course.error.too_late"}
    with transaction() as s:
        assert s.exec(select(Course)).all() == []


def test_registering_exactly_14_days_ahead_is_accepted(db_url: str):
    _, operator, _ = _setup()
    with transaction() as s:
        code = lifecycle.register_course(s, operator, course_form(days_ahead=14), submit=True)
    assert _course(code).status == "submitted"


def test_the_reviewing_centre_may_allow_a_late_registration_with_a_reason(db_url: str):
    world, operator, bureau = _setup()
    with transaction() as s:
        code = lifecycle.register_course(s, operator, course_form(days_ahead=5), submit=False)
    with pytest.raises(ValidationFailed), transaction() as s:
        review.allow_late_registration(s, bureau, code, "  ")
    with transaction() as s:
        other_bureau = world.actor(s, world.bureau_b)
    with pytest.raises(Forbidden), transaction() as s:
        review.allow_late_registration(s, other_bureau, code, "颱風停班補辦")
    with transaction() as s:
        review.allow_late_registration(s, bureau, code, "颱風停班補辦")
    course = _course(code)
    with transaction() as s:
        assert lifecycle.update_course(s, operator, course.id, course_form(days_ahead=5), submit=True) == "submitted"


def test_validation_reports_every_field_and_saves_nothing(db_url: str):
    _, operator, _ = _setup()
    bad = course_form(hours="2.3", capacity="0", contact_email="nope", topics=[], audience_levels=[],
                      venue="", sessions=[{"day": (taipei_today() + timedelta(days=30)).isoformat(),
                                           "start": "15:00", "end": "14:00", "lecturer": ""}])
    with pytest.raises(ValidationFailed) as refused, transaction() as s:
        lifecycle.register_course(s, operator, bad, submit=True)
    errors = refused.value.field_errors
    assert errors["hours"] == "course.error.hours_format"
    assert errors["capacity"] == "course.error.capacity"
    assert errors["contact_email"] == "validation.email"
    assert errors["topics"] == "course.error.topics_required"
    assert errors["audience_levels"] == "course.error.audience_required"
    assert errors["venue"] == "course.error.venue_or_link"
    assert errors["session_0"] == "course.error.end_before_start"
    with transaction() as s:
        assert s.exec(select(Course)).all() == []


def test_a_session_error_names_the_row_it_was_typed_in_even_after_blank_rows(db_url: str):
    """Rows left blank are skipped, but the message stays beside the row the organizer typed, and a 民國 date
    is read like an ISO one."""
    _, operator, _ = _setup()
    day = taipei_today() + timedelta(days=30)
    blank = {"day": "", "start": "", "end": "", "lecturer": ""}
    roc_day = f"{day.year - 1911}/{day.month:02d}/{day.day:02d}"
    bad = course_form(sessions=[blank, {"day": roc_day, "start": "09:00", "end": "12:00", "lecturer": ""},
                                blank, {"day": roc_day, "start": "15:00", "end": "14:00", "lecturer": ""}])
    with pytest.raises(ValidationFailed) as refused, transaction() as s:
        lifecycle.register_course(s, operator, bad, submit=True)
    sessions = {k: v for k, v in refused.value.field_errors.items() if k.startswith("session")}
    assert sessions == {"session_3": "course.error.end_before_start"}


def test_hours_must_fit_the_sessions_and_window_must_close_before_start(db_url: str):
    _, operator, _ = _setup()
    data = course_form(hours="3.5")
    data["registration_closes"] = data["sessions"][0]["day"]
    with pytest.raises(ValidationFailed) as refused, transaction() as s:
        lifecycle.register_course(s, operator, data, submit=True)
    assert refused.value.field_errors == {"hours": "course.error.hours_exceed_sessions",
                                          "registration_closes": "course.error.window_after_start"}


def test_a_draft_needs_only_a_title(db_url: str):
    _, operator, _ = _setup()
    with transaction() as s:
        code = lifecycle.register_course(s, operator, {"title": "草稿"}, submit=False)
    assert _course(code).status == "draft"
    with pytest.raises(ValidationFailed), transaction() as s:
        lifecycle.register_course(s, operator, {"title": ""}, submit=False)


def test_a_teacher_cannot_register_courses(db_url: str):
    world, _, _ = _setup()
    with transaction() as s:
        teacher = world.teacher_actor(s)
    with pytest.raises(Forbidden), transaction() as s:
        lifecycle.register_course(s, teacher, course_form(), submit=False)


def test_another_unit_cannot_edit_or_cancel_a_course(db_url: str):
    world, operator, bureau = _setup()
    with transaction() as s:
        code = lifecycle.register_course(s, operator, course_form(), submit=False)
        other_school = world.actor(s, world.school_b)
    course_id = _course(code).id
    for actor in (other_school, bureau):
        with pytest.raises(Forbidden), transaction() as s:
            lifecycle.update_course(s, actor, course_id, course_form(title="改名"), submit=False)
        with pytest.raises(Forbidden), transaction() as s:
            lifecycle.cancel_course(s, actor, course_id, "不辦了")
    assert _course(code).title != "改名"


def test_a_submitted_course_cannot_be_edited(db_url: str):
    _, operator, _ = _setup()
    with transaction() as s:
        code = lifecycle.register_course(s, operator, course_form(), submit=True)
    with pytest.raises(DomainError) as refused, transaction() as s:
        lifecycle.update_course(s, operator, _course(code).id, course_form(title="改"), submit=False)
    assert refused.value.key == "course.error.transition.edit"


def test_material_edit_of_an_approved_course_goes_back_to_review_and_catalogue_keeps_old_version(db_url: str):
    operator, bureau, code, course_id = _approved_course()
    with transaction() as s:
        status = lifecycle.update_course(s, operator, course_id, course_form(title="新版標題"), submit=False)
    assert status == "submitted"
    with transaction() as s:
        assert catalogue.published_detail(s, code)["title"] == "特殊教育知能研習：融合教育實務"
        audit_row = s.exec(select(AuditLog).where(AuditLog.action == "course.edit")).one()
    assert audit_row.before == {"title": "特殊教育知能研習：融合教育實務", "status": "approved"}
    assert audit_row.after == {"title": "新版標題", "status": "submitted"}
    with transaction() as s:
        review.decide(s, bureau, course_id, Action.APPROVE)
        assert catalogue.published_detail(s, code)["title"] == "新版標題"


def test_contact_change_of_an_approved_course_stays_approved_and_updates_the_catalogue(db_url: str):
    operator, _, code, course_id = _approved_course()
    with transaction() as s:
        assert lifecycle.update_course(s, operator, course_id, course_form(contact_name="新聯絡人"),
                                     submit=False) == "approved"
        assert catalogue.published_detail(s, code)["contact_name"] == "新聯絡人"


def test_cancel_needs_a_reason_removes_from_catalogue_and_cannot_repeat(db_url: str):
    operator, _, _, course_id = _approved_course()
    with pytest.raises(ValidationFailed), transaction() as s:
        lifecycle.cancel_course(s, operator, course_id, "")
    with transaction() as s:
        lifecycle.cancel_course(s, operator, course_id, "講師因病無法出席")
    with transaction() as s:
        assert s.exec(select(CatalogueEntry)).all() == []
    with pytest.raises(DomainError) as refused, transaction() as s:
        lifecycle.cancel_course(s, operator, course_id, "again")
    assert refused.value.key == "course.error.transition.cancel"


def test_own_list_shows_only_the_own_unit_with_counts_and_filters(db_url: str):
    world, operator, _ = _setup()
    with transaction() as s:
        lifecycle.register_course(s, operator, course_form(title="閱讀教學"), submit=False)
        lifecycle.register_course(s, operator, course_form(title="數學素養"), submit=True)
        other = world.actor(s, world.school_b)
        lifecycle.register_course(s, other, course_form(title="別校課程"), submit=False)
    with transaction() as s:
        rows, total, counts = lifecycle.list_own_courses(s, operator)
        assert total == 2 and counts == {"draft": 1, "submitted": 1}
        rows, total, _ = lifecycle.list_own_courses(s, operator, keyword="數學")
        assert [r["title"] for r in rows] == ["數學素養"]
        rows, total, _ = lifecycle.list_own_courses(s, operator, status="draft")
        assert [r["title"] for r in rows] == ["閱讀教學"]


def test_returned_course_keeps_its_place_under_the_14_day_rule(db_url: str):
    """Registered in time, returned, fixed later: resubmission is not a new registration."""
    _, operator, bureau = _setup()
    with transaction() as s:
        code = lifecycle.register_course(s, operator, course_form(days_ahead=14), submit=True)
    course = _course(code)
    with transaction() as s:
        review.decide(s, bureau, course.id, Action.RETURN, "請補上講師")
    data = course_form(days_ahead=14)
    data["sessions"][0]["day"] = first_day(data).isoformat()
    with transaction() as s:
        assert lifecycle.update_course(s, operator, course.id, data, submit=True,
                                     today=taipei_today() + timedelta(days=3)) == "submitted"


def test_the_organizer_is_told_where_each_saved_course_went(db_url: str):
    from tpd_app.i18n import translate
    from tpd_app.state.courses import outcome_notice

    world, operator, bureau = _setup()
    with transaction() as s:
        draft = lifecycle.register_course(s, operator, course_form(), submit=False)
        sent = lifecycle.register_course(s, operator, course_form(), submit=True)
        other = world.actor(s, world.school_b, AccountCategory.OPERATOR)
    with transaction() as s:
        went = {code: lifecycle.where_it_went(s, operator, code) for code in (draft, sent)}
        with pytest.raises(NotFound):
            lifecycle.where_it_went(s, other, sent)  # another school's course is not theirs to ask about
    assert went[draft]["status"] == "draft"
    assert (went[sent]["status"], went[sent]["reviewer"]) == ("submitted", world.bureau_a.name)
    key, params = outcome_notice(went[sent])
    assert translate(key, "zh-TW", **params) == (f"已送審至{world.bureau_a.name}（課程代碼 {sent}）。"
                                                 "核准後即刊登於課程總表。")
    assert world.bureau_a.name in translate(key, "en", **params)
    draft_key, draft_params = outcome_notice(went[draft])
    assert "草稿" in translate(draft_key, "zh-TW", **draft_params)
    with transaction() as s:
        review.decide(s, bureau, _course(sent).id, Action.APPROVE)
        approved = lifecycle.where_it_went(s, operator, sent)
    assert outcome_notice(approved)[0] == "course.outcome.published"
    edited = {**approved, "status": "submitted"}  # a material edit of the published course
    assert outcome_notice(edited, back_to_review=True)[0] == "course.outcome.back_to_review"
