"""Course handlers take the actor from the session, check argument types, and keep typed input."""

from __future__ import annotations

from sqlmodel import select

from tests.factories import PASSWORD, make_account, make_world
from tests.services.course_data import course_form
from tests.state.conftest import build_state, run_handler, session_cookie
from tpd_app.domain.units import AccountCategory
from tpd_app.models import AuditLog, BusinessAccount, Course
from tpd_app.services.accounts.auth import actor_for_account
from tpd_app.services.courses import lifecycle
from tpd_app.services.platform.db import transaction
from tpd_app.state.catalogue import CatalogueState
from tpd_app.state.courses import CourseFormState
from tpd_app.state.review import AutoReviewSettingsState, ReviewState


def _flat(data: dict) -> dict:
    """The course form as the browser sends it (flat names)."""
    form = {k: v for k, v in data.items() if isinstance(v, str)}
    form["online_registration"] = "on" if data["online_registration"] else ""
    for code in data["topics"]:
        form[f"topic__{code}"] = "on"
    for level in data["audience_levels"]:
        form[f"level__{level}"] = "on"
    for i, row in enumerate(data["sessions"]):
        for key, value in row.items():
            form[f"session_{key}_{i}"] = value
    return form


def _world():
    with transaction() as s:
        world = make_world(s)
        make_account(s, world.school_a, username="op-a", category=AccountCategory.OPERATOR)
        make_account(s, world.bureau_a, username="bureau-a")
        make_account(s, world.bureau_b, username="bureau-b")
    return world


def _submitted_by_operator(world) -> int:
    with transaction() as s:
        account = s.exec(select(BusinessAccount).where(BusinessAccount.username == "op-a")).one()
        code = lifecycle.register_course(s, actor_for_account(account, world.school_a), course_form(), submit=True)
        return s.exec(select(Course.id).where(Course.code == code)).one()


def test_registering_through_the_handler_uses_the_sessions_unit_not_the_form(db_url: str):
    world = _world()
    state = build_state(CourseFormState, cookie=session_cookie("op-a", PASSWORD), path="/course/register")
    state.load_new()
    event = state.save({**_flat(course_form()), "intent": "submit", "organizer_unit_id": world.school_b.id})
    assert "/course/manage?saved=" in str(event)
    with transaction() as s:
        course = s.exec(select(Course)).one()
    assert course.organizer_unit_id == world.school_a.id and course.status == "submitted"


def test_a_late_submission_keeps_everything_typed_and_explains(db_url: str):
    _world()
    state = build_state(CourseFormState, cookie=session_cookie("op-a", PASSWORD), path="/course/register")
    state.load_new()
    form = {**_flat(course_form(days_ahead=13)), "intent": "submit"}
    assert state.save(form) is None
    assert state.field_errors == {"sessions": "course.error.too_late"}
    assert "14 天" in state.error_text
    assert state.values["title"] == form["title"] and state.values["topic__special_ed"] == "on"
    assert state.sessions[0]["day"] == form["session_day_0"]
    with transaction() as s:
        assert s.exec(select(Course)).all() == []


def test_an_operator_calling_the_review_handlers_is_refused_and_logged(db_url: str):
    course_id = _submitted_by_operator(_world())
    state = build_state(ReviewState, cookie=session_cookie("op-a", PASSWORD), path="/course/review")
    state.load()
    assert state.page_status == "forbidden"
    state.current = {"id": str(course_id)}
    state.decide({"decision": "approve", "reason": ""})
    state.selected = [str(course_id)]
    run_handler(state, "approve_selected")
    assert state.error_text == "您的單位類型無此功能權限。"
    with transaction() as s:
        assert s.get(Course, course_id).status == "submitted"
        denied = s.exec(select(AuditLog).where(AuditLog.outcome == "denied")).all()
    assert len(denied) >= 2


def test_another_countys_bureau_cannot_approve_by_sending_the_course_id(db_url: str):
    course_id = _submitted_by_operator(_world())
    state = build_state(ReviewState, cookie=session_cookie("bureau-b", PASSWORD), path="/course/review")
    state.load()
    assert state.rows == []
    state.open_course(str(course_id))
    assert state.current == {} and state.error_text == "此單位不在您的管轄範圍內。"
    state.current = {"id": str(course_id)}
    state.decide({"decision": "approve"})
    with transaction() as s:
        assert s.get(Course, course_id).status == "submitted"


def test_malformed_handler_arguments_are_ignored(db_url: str):
    _world()
    state = build_state(ReviewState, cookie=session_cookie("bureau-a", PASSWORD), path="/course/review")
    state.load()
    assert state.open_course(["1"]) is None  # type: ignore[arg-type]
    state.toggle({"id": 1}, "yes")  # type: ignore[arg-type]
    assert state.selected == []
    settings = build_state(AutoReviewSettingsState, cookie=session_cookie("bureau-a", PASSWORD))
    assert settings.save("all") is None  # type: ignore[arg-type]


def test_catalogue_filters_become_a_shareable_url(db_url: str):
    state = build_state(CatalogueState, path="/courses")
    event = state.search({"q": "特殊教育", "county": "TPE", "open": "on", "kind": "", "evil": "x"})
    assert "/courses?q=%E7%89%B9" in str(event) and "county=TPE" in str(event) and "open=1" in str(event)
    assert "evil" not in str(event)
