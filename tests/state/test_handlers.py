"""The handler kit: the guard reads the declared function, errors land where the user looks."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.factories import PASSWORD, make_account, make_world
from tests.services.course_data import course_form
from tests.state.conftest import build_state, session_cookie
from tpd_app.domain.permissions import Function
from tpd_app.domain.units import AccountCategory
from tpd_app.models import BusinessAccount, Course
from tpd_app.services.accounts.auth import actor_for_account
from tpd_app.services.courses import lifecycle
from tpd_app.services.platform.db import transaction
from tpd_app.state.courses import CourseFormState, OwnCoursesState
from tpd_app.state.review import AutoReviewBrowseState, ReviewState
from tpd_app.state.topics import TopicsState


def _submitted_course() -> int:
    with transaction() as s:
        world = make_world(s)
        make_account(s, world.school_a, username="op-a", category=AccountCategory.OPERATOR)
        make_account(s, world.bureau_a, username="bureau-a")
        account = s.exec(select(BusinessAccount).where(BusinessAccount.username == "op-a")).one()
        code = lifecycle.register_course(s, actor_for_account(account, world.school_a), course_form(), submit=True)
        return s.exec(select(Course.id).where(Course.code == code)).one()


def test_a_page_guard_checks_only_a_function_its_state_declares(db_url: str):
    state = build_state(TopicsState, path="/course/topics")
    with pytest.raises(TypeError):
        state._enter_page(Function.STATS_NATIONAL)
    courses = build_state(OwnCoursesState, path="/course/own")
    with pytest.raises(TypeError):  # it serves two pages: each on_load names its own
        courses._enter_page()


def test_a_missing_reason_shows_beside_the_decision_form_and_changes_nothing(db_url: str):
    course_id = _submitted_course()
    state = build_state(ReviewState, cookie=session_cookie("bureau-a", PASSWORD), path="/course/review")
    state.load()
    state.open_course(str(course_id))
    assert state.current["id"] == str(course_id)
    assert state.decide({"decision": "return", "reason": "  "}) is None
    assert state.reason_error == "請填寫理由。"
    assert state.notice_key == "" and state.current != {}
    with transaction() as s:
        assert s.get(Course, course_id).status == "submitted"


def test_a_refused_dialog_action_is_explained_in_the_dialog(db_url: str):
    _submitted_course()
    state = build_state(AutoReviewBrowseState, cookie=session_cookie("bureau-a", PASSWORD),
                        path="/autoreview/browse")
    state.load()
    state.ask_reason("999999", "不存在的課程")
    state.confirm_reason({"reason": "撤銷"})
    assert state.dialog_error == "找不到資料。"
    assert state.dialog_id == "999999" and state.notice_key == ""


def test_a_lost_session_in_a_form_handler_goes_to_the_login(db_url: str):
    state = build_state(CourseFormState, path="/course/register")
    event = state.save({"title": "x", "intent": "draft"})
    assert "/login" in str(event)
    with transaction() as s:
        assert s.exec(select(Course)).all() == []
