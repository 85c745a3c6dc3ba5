"""Handlers take identity from the server session and refuse what the matrix refuses."""

from __future__ import annotations

from sqlmodel import select

from tests.factories import PASSWORD, make_account, make_teacher, make_world
from tests.state.conftest import build_state, run_async, session_cookie
from tpd_app.domain.units import AccountCategory
from tpd_app.models import AuditLog, BusinessAccount, Unit
from tpd_app.services.platform.db import transaction
from tpd_app.state.accounts import OwnUnitState
from tpd_app.state.auth import LoginState
from tpd_app.state.base import AppState
from tpd_app.state.home import HomeState
from tpd_app.state.profile import PasswordState, ProfileState, UnitContactState

CONTACT = {"contact_name": "新承辦", "phone": "02-23456789", "fax": "", "email": "new@school.edu.tw",
           "address": "臺北市中正區", "website": ""}


def _world_with_accounts():
    with transaction() as s:
        world = make_world(s)
        make_account(s, world.school_a, username="chief-a")
        make_account(s, world.school_a, username="operator-a", category=AccountCategory.OPERATOR)
        teacher = make_teacher(s, world.school_a)
    return world, teacher


def test_page_without_a_session_redirects_to_login(db_url: str):
    state = build_state(UnitContactState, path="/unit/contact")
    event = state.load()
    assert "/login?next=/unit/contact" in str(event)
    assert state.page_status == "loading" and state.values == {}


def test_forged_cookie_is_no_session(db_url: str):
    _world_with_accounts()
    state = build_state(ProfileState, cookie="tpd_session=guessed-value", path="/profile")
    assert "/login" in str(state.load())
    assert state.signed_in is False


def test_save_without_a_session_changes_nothing(db_url: str):
    world, _ = _world_with_accounts()
    state = build_state(UnitContactState)
    state.save(CONTACT)
    with transaction() as s:
        assert s.get(Unit, world.school_a.id).contact_name == "承辦人"


def test_teacher_calling_the_unit_contact_handler_is_refused_server_side(db_url: str):
    world, teacher = _world_with_accounts()
    state = build_state(UnitContactState, cookie=session_cookie(teacher.national_id, PASSWORD))
    state.save(CONTACT)
    assert state.error_text == "此功能不提供給您的帳號類型。"
    with transaction() as s:
        assert s.get(Unit, world.school_a.id).contact_name == "承辦人"
        assert s.exec(select(AuditLog).where(AuditLog.action == "access.denied")).one().target_id == "unit.contact"


def test_teacher_opening_the_unit_contact_page_sees_forbidden(db_url: str):
    _, teacher = _world_with_accounts()
    state = build_state(UnitContactState, cookie=session_cookie(teacher.national_id, PASSWORD), path="/unit/contact")
    state.load()
    assert state.page_status == "forbidden"
    assert state.forbidden_key == "error.forbidden.account_kind"
    assert state.values == {}


def test_operator_opening_own_unit_accounts_sees_forbidden_and_it_is_logged(db_url: str):
    _world_with_accounts()
    state = build_state(OwnUnitState, cookie=session_cookie("operator-a", PASSWORD), path="/accounts/unit")
    state.load()
    assert (state.page_status, state.forbidden_key) == ("forbidden", "error.forbidden.category")
    with transaction() as s:
        row = s.exec(select(AuditLog).where(AuditLog.action == "access.denied")).one()
    assert row.target_id == "accounts.own_unit" and row.after["detail"] == "/accounts/unit"


def test_chief_opening_own_unit_accounts_gets_the_page(db_url: str):
    _world_with_accounts()
    state = build_state(OwnUnitState, cookie=session_cookie("chief-a", PASSWORD), path="/accounts/unit/")
    state.load()
    assert state.page_status == "ok" and {r["username"] for r in state.rows} == {"chief-a", "operator-a"}


def test_navigation_lists_exactly_the_allowed_functions(db_url: str):
    _world_with_accounts()
    state = build_state(HomeState, cookie=session_cookie("operator-a", PASSWORD))
    state.load()
    items = [row["key"] for row in state.nav if row["kind"] == "item"]
    assert items == ["course.register", "course.manage", "course.browse_own", "unit.contact",
                     "profile.edit", "profile.password", "stats.school", "participants", "helpdesk"]


def test_profile_save_takes_the_account_from_the_session_not_the_form(db_url: str):
    _world_with_accounts()
    state = build_state(ProfileState, cookie=session_cookie("operator-a", PASSWORD))
    state.save({"name": "改名", "email": "op@school.edu.tw", "phone": "", "username": "chief-a",
                "id": 1, "category": "chief"})
    assert state.notice_key == "profile.saved"
    with transaction() as s:
        rows = {a.username: a for a in s.exec(select(BusinessAccount))}
    assert rows["operator-a"].name == "改名" and rows["operator-a"].category == "operator"
    assert rows["chief-a"].name == "測試人員"


def test_malformed_arguments_are_ignored(db_url: str):
    _world_with_accounts()
    state = build_state(ProfileState, cookie=session_cookie("chief-a", PASSWORD))
    assert state.save(["not", "a", "dict"]) is None  # type: ignore[arg-type]
    assert state.notice_key == ""


def test_validation_errors_come_back_per_field_in_the_users_language(db_url: str):
    _world_with_accounts()
    state = build_state(UnitContactState, cookie=session_cookie("chief-a", PASSWORD))
    state.lang = "en"
    state.save({**CONTACT, "email": "nope"})
    assert state.field_errors == {"email": "validation.email"}
    assert state.error_text.startswith("Some fields need correcting")


def test_password_change_runs_and_reports(db_url: str):
    _world_with_accounts()
    state = build_state(PasswordState, cookie=session_cookie("chief-a", PASSWORD))

    async def drive() -> None:
        async for _ in state.save({"current": PASSWORD, "new": "brand-new-pass-1", "confirm": "brand-new-pass-1"}):
            pass

    run_async(drive())
    assert state.notice_key == "password.saved" and state.field_errors == {}


def test_login_handler_refuses_wrong_passwords_with_the_generic_message(db_url: str):
    _world_with_accounts()
    state = build_state(LoginState, path="/login")

    async def drive(form: dict) -> list:
        return [event async for event in state.submit(form)]

    run_async(drive({"username": "chief-a", "password": "wrong-one-123"}))
    assert (state.message_key, state.message_is_error, state.submitting) == ("login.error.invalid", True, False)
    assert "連續錯誤 3 次後" in state.message and "最長 15 分鐘" in state.message
    events = run_async(drive({"username": "chief-a", "password": PASSWORD}))
    assert "/api/auth/session" in str(events[-1])
    assert state.submitting  # the browser is now navigating away; a second submit is ignored
    state = build_state(LoginState, path="/login")
    run_async(drive({"username": ["x"], "password": 5}))
    assert state.message_key == "login.error.empty"


def test_language_value_from_the_browser_is_validated(db_url: str):
    state = build_state(AppState)
    state.lang = "<script>"
    assert state.ui_lang == "zh-TW"
    state.toggle_language()
    assert state.ui_lang == "en"


def test_after_an_administrators_reset_every_handler_but_the_password_change_is_refused(db_url: str):
    """The page guard redirects a forced change; a browser can still send any other event: it is refused
    (redirected to the password page) and writes nothing, while changing the password works."""
    from tests.state.conftest import run_handler
    from tpd_app.models import Teacher
    from tpd_app.services.accounts import auth
    from tpd_app.services.platform.db import transaction as tx
    from tpd_app.state.subscriptions import SubscriptionState

    world, teacher = _world_with_accounts()
    cookie = session_cookie(teacher.national_id, PASSWORD)
    with tx() as s:
        stored = s.get(Teacher, teacher.id)
        stored.must_change_password = True
        s.add(stored)
    chief = session_cookie("chief-a", PASSWORD)
    with tx() as s:
        account = s.exec(select(BusinessAccount).where(BusinessAccount.username == "chief-a")).one()
        account.must_change_password = True
        s.add(account)
    state = build_state(UnitContactState, cookie=chief)
    assert "/profile/password" in str(state.save(CONTACT))
    with transaction() as s:
        assert s.get(Unit, world.school_a.id).contact_name == "承辦人"
    subscriptions = build_state(SubscriptionState, cookie=cookie)
    assert "/profile/password" in str(run_handler(subscriptions, "save", {"kind:workshop": True}))
    assert auth.acting_actor(cookie.split("=", 1)[1]) is None  # the HTTP endpoints treat her as anonymous
    password = build_state(PasswordState, cookie=cookie)
    run_handler(password, "save", {"current": PASSWORD, "new": "Another-pass-2026", "confirm": "Another-pass-2026"})
    assert password.notice_key == "password.saved"
    assert auth.acting_actor(cookie.split("=", 1)[1]) is not None
