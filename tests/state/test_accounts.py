"""Account, teacher, directory and audit handlers: identity from the session, refusals server-side."""

from __future__ import annotations

import asyncio

from sqlmodel import select

from tests.factories import PASSWORD, make_account, make_teacher, make_world
from tests.state.conftest import build_state, session_cookie
from tpd_app.domain.units import AccountCategory
from tpd_app.models import AccountApplication, AuditLog, BusinessAccount, Teacher
from tpd_app.services.accounts import business
from tpd_app.services.platform.db import transaction
from tpd_app.state.accounts import ApplyState, OwnUnitState, SubordinateState
from tpd_app.state.audit import AuditState
from tpd_app.state.directory import DirectoryState
from tpd_app.state.teachers import TeacherRosterState

C = AccountCategory


def _world():
    with transaction() as s:
        world = make_world(s)
        make_account(s, world.school_a, username="chief-a")
        make_account(s, world.school_a, username="operator-a", category=C.OPERATOR)
        make_account(s, world.bureau_a, username="bureau-a")
        make_account(s, world.bureau_b, username="bureau-b")
        teacher_a = make_teacher(s, world.school_a)
        teacher_b = make_teacher(s, world.school_b)
    return world, teacher_a, teacher_b


def _drive(generator) -> list:
    async def run() -> list:
        return [event async for event in generator]

    return asyncio.run(run())


def test_operator_calling_create_account_is_refused_and_nothing_is_created(db_url: str):
    _world()
    state = build_state(OwnUnitState, cookie=session_cookie("operator-a", PASSWORD))
    _drive(state.create({"category": "contact", "username": "sneaky", "name": "甲", "email": "a@b.tw",
                         "title": "", "phone": ""}))
    assert (state.error_text, state.secret_text) == ("您的業務帳號類別無此功能權限。", "")
    with transaction() as s:
        assert s.exec(select(BusinessAccount).where(BusinessAccount.username == "sneaky")).first() is None


def test_chief_creates_an_account_and_sees_the_one_time_password_once(db_url: str):
    _world()
    state = build_state(OwnUnitState, cookie=session_cookie("chief-a", PASSWORD), path="/accounts/unit")
    state.load()
    assert state.page_status == "ok" and {r["username"] for r in state.rows} == {"chief-a", "operator-a"}
    _drive(state.create({"category": "contact", "username": "New-Contact", "name": "乙", "email": "b@b.tw",
                         "title": "", "phone": ""}))
    assert (state.notice_key, state.secret_label) == ("accounts.created", "new-contact")
    assert len(state.secret_text) == 12
    state.disable(next(r["id"] for r in state.rows if r["username"] == "new-contact"))
    assert state.secret_text == ""


def test_a_county_activating_another_countys_application_is_refused(db_url: str):
    world, _, _ = _world()
    with transaction() as s:
        application_id = business.submit_application(s, {
            "unit_id": str(world.school_a.id), "category": "contact", "username": "applicant",
            "password": "Apply-pass-2026", "confirm": "Apply-pass-2026", "name": "丙", "email": "c@b.tw"})
    state = build_state(SubordinateState, cookie=session_cookie("bureau-b", PASSWORD), path="/accounts/subordinate")
    state.load()
    assert state.applications == []
    state.activate(str(application_id))
    assert state.error_text == "此單位不在您的管轄範圍內。"
    with transaction() as s:
        assert s.get(AccountApplication, application_id).status == "pending"
    home = build_state(SubordinateState, cookie=session_cookie("bureau-a", PASSWORD))
    home.load()
    home.activate(str(application_id))
    assert home.notice_key == "accounts.activated"


def test_malformed_ids_are_ignored(db_url: str):
    _world()
    state = build_state(SubordinateState, cookie=session_cookie("bureau-a", PASSWORD))
    for bad in (["1"], {"id": 1}, "1; drop", True, "99999999999999"):
        assert state.activate(bad) is None  # type: ignore[arg-type]
    assert state.notice_key == "" and state.error_text == ""


def test_school_staff_see_the_forbidden_panel_on_centre_pages(db_url: str):
    _world()
    for cls, path in ((SubordinateState, "/accounts/subordinate"), (DirectoryState, "/directory"),
                      (AuditState, "/audit")):
        state = build_state(cls, cookie=session_cookie("chief-a", PASSWORD), path=path)
        state.load()
        assert state.page_status == "forbidden", cls
    with transaction() as s:
        assert len(s.exec(select(AuditLog).where(AuditLog.outcome == "denied")).all()) == 3


def test_reveal_of_another_schools_teacher_is_refused(db_url: str):
    _, teacher_a, teacher_b = _world()
    state = build_state(TeacherRosterState, cookie=session_cookie("chief-a", PASSWORD), path="/teachers")
    state.load()
    assert [r["id"] for r in state.rows] == [str(teacher_a.id)]
    assert teacher_a.national_id not in str(state.rows)
    state.reveal(str(teacher_b.id))
    assert (state.revealed_value, state.error_text) == ("", "找不到資料。")
    state.reveal(str(teacher_a.id))
    assert state.revealed_value == teacher_a.national_id


def test_operator_cannot_change_a_teachers_status_through_the_handler(db_url: str):
    _, teacher_a, _ = _world()
    state = build_state(TeacherRosterState, cookie=session_cookie("operator-a", PASSWORD))
    state.set_employment(str(teacher_a.id), "left")
    assert state.error_text == "您的業務帳號類別無此功能權限。"
    with transaction() as s:
        assert s.get(Teacher, teacher_a.id).employment == "serving"


def test_public_application_takes_the_unit_from_the_search_not_from_the_form(db_url: str):
    world, _, _ = _world()
    state = build_state(ApplyState, path="/apply")
    state.load()
    state.search_units({"q": world.school_a.code})
    state.choose_unit("999999")
    assert state.chosen_unit_id == ""
    state.choose_unit(str(world.school_a.id))
    _drive(state.submit({"category": "contact", "username": "via-form", "password": "Apply-pass-2026",
                         "confirm": "Apply-pass-2026", "name": "丁", "title": "", "email": "d@b.tw", "phone": "",
                         "unit_id": str(world.school_b.id)}))
    assert state.submitted_id
    with transaction() as s:
        assert s.exec(select(AccountApplication)).one().unit_id == world.school_a.id


def test_template_download_needs_teachers_enter(db_url: str):
    from tpd_app.state.teachers import TeacherEntryState

    _world()
    chief = build_state(TeacherEntryState, cookie=session_cookie("chief-a", PASSWORD))
    assert "teacher-template.xlsx" in str(chief.download_template())
    operator = build_state(TeacherEntryState, cookie=session_cookie("operator-a", PASSWORD))
    assert operator.download_template() is None
    assert operator.error_text == "您的業務帳號類別無此功能權限。"


def test_unit_editor_finds_only_units_of_the_jurisdiction(db_url: str):
    from tpd_app.state.directory import UnitEditState

    world, _, _ = _world()
    state = build_state(UnitEditState, cookie=session_cookie("bureau-b", PASSWORD), path="/directory/units")
    state.load()
    state.find({"code": world.school_a.code})
    assert (state.unit_code, state.error_text) == ("", "此單位不在您的管轄範圍內。")
    assert state.save({"phone": "02-1"}) is None
    state.find({"code": world.school_b.code})
    assert state.unit_code == world.school_b.code and state.values["unit_name"] == world.school_b.name
