"""Registration and hours handlers take the actor from the session cookie and refuse forbidden calls."""

from __future__ import annotations

import io
from pathlib import Path

import reflex as rx
from sqlmodel import select

from tests.factories import PASSWORD, make_account, make_teacher, make_world, xlsx
from tests.services.hours_data import published_course
from tests.state.conftest import build_state, run_handler, session_cookie
from tpd_app.domain.units import AccountCategory
from tpd_app.models import AttendanceList, AuditLog, BusinessAccount, Course, CourseRegistration, TrainingRecord, Unit
from tpd_app.services.accounts.auth import actor_for_account
from tpd_app.services.courses import catalogue
from tpd_app.services.hours import attendance
from tpd_app.services.platform.db import transaction
from tpd_app.state.catalogue import CourseDetailState
from tpd_app.state.hours import AttendanceState, ConfirmListsState, MyRecordState, ReportPermissionState
from tpd_app.state.registration import RegisterState, RegistrantsState


def _world(days_ahead: int = 20):
    with transaction() as s:
        world = make_world(s)
        course = published_course(s, world.school_a, days_ahead=days_ahead, capacity=5)
        teacher = make_teacher(s, world.school_a)
        other_teacher = make_teacher(s, world.school_b)
        make_account(s, world.school_a, username="op-a", category=AccountCategory.OPERATOR)
        make_account(s, world.school_b, username="chief-b")
        make_account(s, world.bureau_a, username="bureau-a")
    return world, course.id, teacher, other_teacher


def _denials() -> int:
    with transaction() as s:
        return len(s.exec(select(AuditLog).where(AuditLog.outcome == "denied")).all())


def test_register_handler_registers_the_signed_in_teacher(db_url: str):
    _, course_id, teacher, _ = _world()
    state = build_state(RegisterState, cookie=session_cookie(teacher.national_id, PASSWORD), path="/me/register")
    state.load()
    assert [r["id"] for r in state.rows] == [str(course_id)]
    run_handler(state, "register", str(course_id))
    assert "報名成功" in state.notice_text
    with transaction() as s:
        row = s.exec(select(CourseRegistration)).one()
    assert row.teacher_id == teacher.id and row.status == "pending"
    # Her row shows the registration at once, as the next visit reads it.
    shown = [(r["my_status"], r["refusal"]) for r in state.rows]
    state.load()
    assert shown == [(r["my_status"], r["refusal"]) for r in state.rows] == [
        ("pending", "registration.refused.already")]


def test_a_teacher_registers_and_withdraws_from_the_course_page(db_url: str):
    with transaction() as s:
        world = make_world(s)
        course = published_course(s, world.school_a, capacity=5)
        catalogue.publish(s, course)
        teacher = make_teacher(s, world.school_a)
        code = course.code
    path = f"/courses/{code}"
    anonymous = build_state(CourseDetailState, path=path)
    anonymous.load()
    assert anonymous.found and anonymous.standing["action"] == "sign_in"
    assert "/login" in str(run_handler(anonymous, "register"))  # a forged 報名 without a session
    state = build_state(CourseDetailState, cookie=session_cookie(teacher.national_id, PASSWORD), path=path)
    state.load()
    assert (state.standing["action"], state.standing["seats_left"]) == ("register", "5")
    run_handler(state, "register")
    assert "報名成功" in state.notice_text
    assert (state.standing["action"], state.standing["status"], state.standing["seats_left"]) == (
        "registered", "pending", "4")
    run_handler(state, "withdraw")
    assert state.notice_key == "registration.notice.withdrawn"
    assert state.standing["action"] == "register" and state.standing["status"] == "withdrawn"
    with transaction() as s:
        assert s.exec(select(CourseRegistration.status)).all() == ["withdrawn"]


def test_a_business_account_pressing_register_on_a_course_page_is_refused_and_audited(db_url: str):
    _, course_id, _, _ = _world()
    with transaction() as s:
        course = s.get(Course, course_id)
        catalogue.publish(s, course)
        code = course.code
    before = _denials()
    state = build_state(CourseDetailState, cookie=session_cookie("op-a", PASSWORD), path=f"/courses/{code}")
    state.load()
    assert state.standing["action"] == "staff"  # the page offers her nothing; a forged event is refused
    run_handler(state, "register")
    run_handler(state, "withdraw")
    assert state.error_text
    with transaction() as s:
        assert s.exec(select(CourseRegistration)).all() == []
    assert _denials() == before + 1


def test_business_account_calling_the_register_handler_is_refused_and_audited(db_url: str):
    _, course_id, _, _ = _world()
    before = _denials()
    state = build_state(RegisterState, cookie=session_cookie("op-a", PASSWORD), path="/me/register")
    run_handler(state, "register", str(course_id))
    assert state.error_text
    with transaction() as s:
        assert s.exec(select(CourseRegistration)).all() == []
    assert _denials() == before + 1


def test_register_handler_without_a_session_goes_to_the_login(db_url: str):
    _, course_id, _, _ = _world()
    state = build_state(RegisterState, path="/me/register")
    event = run_handler(state, "register", str(course_id))
    assert "/login" in str(event)


def test_another_schools_account_cannot_accept_registrants_through_the_handler(db_url: str):
    _, course_id, teacher, _ = _world()
    with transaction() as s:
        s.add(CourseRegistration(course_id=course_id, teacher_id=teacher.id, status="pending"))
    state = build_state(RegistrantsState, cookie=session_cookie("chief-b", PASSWORD),
                        path=f"/course/registrants?id={course_id}")
    with transaction() as s:
        registration_id = str(s.exec(select(CourseRegistration.id)).one())
    state.accept(registration_id)
    assert state.error_text
    with transaction() as s:
        assert s.exec(select(CourseRegistration)).one().status == "pending"
    own = build_state(RegistrantsState, cookie=session_cookie("op-a", PASSWORD),
                      path=f"/course/registrants?id={course_id}")
    own.load()
    own.accept(registration_id)
    assert own.notice_key == "registration.notice.accepted"
    assert [r["status"] for r in own.rows] == ["accepted"]


def test_organizer_cannot_confirm_its_own_list_through_the_handler(db_url: str):
    world, course_id, teacher, _ = _world(days_ahead=-3)
    with transaction() as s:
        account = s.exec(select(BusinessAccount).where(BusinessAccount.username == "op-a")).one()
        actor = actor_for_account(account, world.school_a)
        attendance.add_walk_in(s, actor, course_id, teacher.national_id)
        attendance.submit_list(s, actor, course_id)
        list_id = s.exec(select(AttendanceList.id)).one()
    state = build_state(ConfirmListsState, cookie=session_cookie("op-a", PASSWORD), path="/attendance/confirm")
    state.load()
    assert state.page_status == "forbidden"
    state.info = {"id": str(list_id)}
    run_handler(state, "confirm")
    with transaction() as s:
        assert s.exec(select(TrainingRecord)).all() == []
        assert s.get(AttendanceList, list_id).status == "submitted"
    bureau = build_state(ConfirmListsState, cookie=session_cookie("bureau-a", PASSWORD), path="/attendance/confirm")
    bureau.load()
    bureau.open_list(str(list_id))
    run_handler(bureau, "confirm")
    assert "1 位教師" in bureau.notice_text


def test_teacher_cannot_use_the_attendance_or_permission_handlers(db_url: str):
    _, course_id, teacher, _ = _world(days_ahead=-3)
    cookie = session_cookie(teacher.national_id, PASSWORD)
    state = build_state(AttendanceState, cookie=cookie, path=f"/course/attendance?id={course_id}")
    state.add({"national_id": teacher.national_id, "hours": "3"})
    assert state.error_text
    permissions = build_state(ReportPermissionState, cookie=cookie, path="/county/report-permissions")
    permissions.save({"view_detail": "", "allow_print": ""})
    assert permissions.error_text
    with transaction() as s:
        assert s.exec(select(AttendanceList)).all() == []


def test_record_page_shows_only_the_signed_in_teachers_record(db_url: str):
    _, _, teacher, other = _world()
    state = build_state(MyRecordState, cookie=session_cookie(other.national_id, PASSWORD), path="/me/records")
    state.load()
    assert state.page_status == "ok" and state.teacher["national_id"].startswith(other.national_id[:3])
    assert state.teacher["national_id"] != other.national_id and "****" in state.teacher["national_id"]
    assert teacher.id != other.id


def _upload(name: str, data: bytes) -> rx.UploadFile:
    """What Reflex hands an upload handler (it names the file by its sanitised path)."""
    return rx.UploadFile(file=io.BytesIO(data), path=Path(name), size=len(data))


async def _drive(generator) -> None:
    async for _ in generator:
        pass


def test_bad_rows_are_kept_aside_until_the_organizer_imports_the_good_ones(db_url: str):

    _, course_id, teacher, _ = _world(days_ahead=-3)
    data = xlsx(["身分證字號", "姓名", "時數"], [[teacher.national_id, teacher.name, 2], ["A123456780", "錯號", 2]])
    state = build_state(AttendanceState, cookie=session_cookie("op-a", PASSWORD),
                        path=f"/course/attendance?id={course_id}")
    state.load()
    chained = run_handler(state, "import_file", [_upload("名單.xlsx", data)])
    assert chained is not None and "run_import" in str(chained)  # the upload only hands the file on
    assert state.entries == [] and not state.working
    run_handler(state, "run_import")
    assert "尚未匯入" in state.error_text and state.has_pending and state.entries == []
    assert run_handler(state, "run_import") is None  # the kept file is taken once
    run_handler(state, "import_good_rows")
    assert not state.has_pending and [e["hours"] for e in state.entries] == ["2"]
    assert "匯入 1 列" in state.notice_text and not state.working


def test_a_big_import_reports_its_progress_and_ends_with_the_buttons_back(db_url: str):
    world, course_id, _, _ = _world(days_ahead=-3)
    with transaction() as s:
        school = s.get(Unit, world.school_a.id)
        people = [make_teacher(s, school, password=None) for _ in range(250)]
        rows = [[t.national_id, t.name, 2] for t in people]
    state = build_state(AttendanceState, cookie=session_cookie("op-a", PASSWORD),
                        path=f"/course/attendance?id={course_id}")
    state.load()
    run_handler(state, "import_file", [_upload("名單.xlsx", xlsx(["身分證字號", "姓名", "時數"], rows))])
    run_handler(state, "run_import")
    assert "匯入 250 列" in state.notice_text and len(state.entries) == 250
    assert (state.working, state.work_done, state.work_total, state.work_percent) == (False, 250, 250, 100)
