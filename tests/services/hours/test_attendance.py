"""Attendance lists: built from accepted registrants, walk-ins, hours limits, Excel import report,
deadline and late flag, confirmation into the ledger (all or nothing), returns, corrections, personas."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from tests.factories import make_teacher, make_world, new_national_id, xlsx
from tests.services.hours_data import published_course
from tpd_app.domain.errors import DomainError, Forbidden, ValidationFailed
from tpd_app.domain.registration import attendance_deadline, is_late
from tpd_app.domain.timeutil import taipei_today
from tpd_app.domain.units import AccountCategory
from tpd_app.models import AttendanceList, AuditLog, CourseRegistration, OutboxMessage, TrainingRecord
from tpd_app.services.hours import attendance
from tpd_app.services.platform.db import transaction


def _setup(days_ahead: int = -3, **fields):
    with transaction() as s:
        world = make_world(s)
        course = published_course(s, world.school_a, days_ahead=days_ahead, capacity=10, **fields)
        organizer = world.actor(s, world.school_a, AccountCategory.OPERATOR)
        bureau = world.actor(s, world.bureau_a)
        teachers = [make_teacher(s, world.school_a) for _ in range(3)]
        s.add(CourseRegistration(course_id=course.id, teacher_id=teachers[0].id, status="accepted"))
        s.add(CourseRegistration(course_id=course.id, teacher_id=teachers[1].id, status="declined"))
    return world, course.id, organizer, bureau, teachers


def _xlsx(rows, header=("身分證字號", "姓名", "時數")) -> bytes:
    return xlsx(header, rows)


def _records(course_id):
    with transaction() as s:
        return s.exec(select(TrainingRecord).where(TrainingRecord.course_id == course_id)
                      .order_by(TrainingRecord.id)).all()


def test_list_starts_from_accepted_registrants_with_the_course_hours(db_url: str):
    _, course_id, organizer, _, teachers = _setup()
    with transaction() as s:
        view = attendance.list_view(s, organizer, course_id)
    assert [e["name"] for e in view["entries"]] == [teachers[0].name]
    assert view["entries"][0]["hours"] == "3" and view["list"]["status"] == "draft"


def test_no_list_before_the_course_has_ended(db_url: str):
    _, course_id, organizer, _, _ = _setup(days_ahead=5)
    with transaction() as s, pytest.raises(DomainError) as error:
        attendance.list_view(s, organizer, course_id)
    assert error.value.key == "attendance.error.not_ended"


def test_walk_in_by_national_id_and_hours_never_over_the_course(db_url: str):
    _, course_id, organizer, _, teachers = _setup()
    with transaction() as s:
        attendance.add_walk_in(s, organizer, course_id, teachers[2].national_id.lower(), "1.5")
    with transaction() as s, pytest.raises(ValidationFailed) as over:
        attendance.set_hours(s, organizer, course_id, teachers[2].id, "3.5")
    assert over.value.field_errors == {"hours": "attendance.error.hours_over"}
    with transaction() as s, pytest.raises(ValidationFailed) as bad:
        attendance.add_walk_in(s, organizer, course_id, "A123456780")
    assert bad.value.field_errors == {"national_id": "attendance.error.checksum"}
    with transaction() as s:
        view = attendance.list_view(s, organizer, course_id)
    assert sorted(e["hours"] for e in view["entries"]) == ["1.5", "3"]


def test_import_reports_every_bad_row_and_imports_nothing_until_accepted(db_url: str):
    world, course_id, organizer, _, teachers = _setup()
    with transaction() as s:
        data = _xlsx([
            (teachers[1].national_id, teachers[1].name, 2),
            (teachers[2].national_id, "別人", 3),
            ("A123456780", "錯號", 3),
            (teachers[1].national_id, teachers[1].name, 1),
            (teachers[0].national_id, teachers[0].name, 4),
            (new_national_id("F"), "無此人", 1),
        ])
        report = attendance.import_list(s, organizer, course_id, "名單.xlsx", data)
    messages = [r["message"] for r in report["rows"]]
    assert messages == ["attendance.row_ok", "attendance.error.name_mismatch", "attendance.error.checksum",
                        "attendance.error.duplicate", "attendance.error.hours_over", "attendance.error.unknown"]
    assert report["imported"] == 0 and report["errors"] == 5
    with transaction() as s:
        assert len(attendance.list_view(s, organizer, course_id)["entries"]) == 1
        report = attendance.import_list(s, organizer, course_id, "名單.xlsx", data, accept_good_rows=True)
    assert report["imported"] == 1
    with transaction() as s:
        assert len(attendance.list_view(s, organizer, course_id)["entries"]) == 2
    assert world


def test_import_refuses_files_that_are_not_xlsx_before_parsing(db_url: str):
    _, course_id, organizer, _, _ = _setup()
    with transaction() as s, pytest.raises(ValidationFailed) as error:
        attendance.import_list(s, organizer, course_id, "名單.xlsx", b"PK\x03\x04not really a zip")
    assert error.value.field_errors == {"file": "import.error.type"}
    with transaction() as s, pytest.raises(ValidationFailed) as header:
        attendance.import_list(s, organizer, course_id, "x.xlsx", _xlsx([], header=("姓名", "時數")))
    assert header.value.field_errors == {"file": "import.error.header"}


def test_confirmation_credits_the_ledger_in_one_step_and_mails_the_teachers(db_url: str):
    world, course_id, organizer, bureau, teachers = _setup(topics=("special_ed",))
    with transaction() as s:
        attendance.add_walk_in(s, organizer, course_id, teachers[2].national_id, "2")
        assert attendance.submit_list(s, organizer, course_id) is False
        list_id = s.exec(select(AttendanceList.id)).one()
        queue = attendance.confirmation_queue(s, bureau)
    assert [q["id"] for q in queue] == [str(list_id)]
    with transaction() as s:
        assert attendance.confirm_list(s, bureau, list_id) == 2
    rows = _records(course_id)
    assert sorted(r.minutes for r in rows) == [120, 180]
    assert all(r.attendance_list_id == list_id and r.school_county == "TPE" for r in rows)
    with transaction() as s:
        assert len(s.exec(select(OutboxMessage).where(OutboxMessage.kind == "hours_confirmed")).all()) == 2
        assert s.exec(select(AuditLog).where(AuditLog.action == "attendance.confirm")).first() is not None
    assert world


def test_organizer_cannot_confirm_its_own_list_nor_another_county(db_url: str):
    world, course_id, organizer, _, _ = _setup()
    with transaction() as s:
        attendance.submit_list(s, organizer, course_id)
        list_id = s.exec(select(AttendanceList.id)).one()
        other_bureau = world.actor(s, world.bureau_b)
        school_chief = world.actor(s, world.school_a)
    with transaction() as s, pytest.raises(Forbidden):
        attendance.confirm_list(s, school_chief, list_id)
    with transaction() as s, pytest.raises(Forbidden):
        attendance.confirm_list(s, other_bureau, list_id)
    with transaction() as s:
        assert attendance.confirmation_queue(s, other_bureau) == []
    assert _records(course_id) == []


def test_centre_cannot_confirm_a_list_of_its_own_course(db_url: str):
    with transaction() as s:
        world = make_world(s)
        course = published_course(s, world.bureau_a, days_ahead=-2, capacity=5)
        bureau = world.actor(s, world.bureau_a)
        teacher = make_teacher(s, world.school_a)
    with transaction() as s:
        attendance.add_walk_in(s, bureau, course.id, teacher.national_id)
        attendance.submit_list(s, bureau, course.id)
        list_id = s.exec(select(AttendanceList.id)).one()
    with transaction() as s, pytest.raises(Forbidden):
        attendance.confirm_list(s, bureau, list_id)
    with transaction() as s:
        nc = world.actor(s, world.nc)
        assert attendance.confirm_list(s, nc, list_id) == 1


def test_return_needs_a_reason_and_makes_the_list_editable_again(db_url: str):
    _, course_id, organizer, bureau, _ = _setup()
    with transaction() as s:
        attendance.submit_list(s, organizer, course_id)
        list_id = s.exec(select(AttendanceList.id)).one()
    with transaction() as s, pytest.raises(DomainError):
        attendance.add_walk_in(s, organizer, course_id, "A123456789")
    with transaction() as s, pytest.raises(ValidationFailed):
        attendance.return_list(s, bureau, list_id, " ")
    with transaction() as s:
        attendance.return_list(s, bureau, list_id, "缺少下午場簽到")
        view = attendance.list_view(s, organizer, course_id)
    assert view["list"]["status"] == "returned" and view["list"]["return_reason"] == "缺少下午場簽到"
    with transaction() as s, pytest.raises(DomainError):
        attendance.confirm_list(s, bureau, list_id)


def test_correction_after_confirmation_is_reviewed_again_and_keeps_history(db_url: str):
    _, course_id, organizer, bureau, teachers = _setup()
    with transaction() as s:
        attendance.add_walk_in(s, organizer, course_id, teachers[2].national_id)
        attendance.submit_list(s, organizer, course_id)
        list_id = s.exec(select(AttendanceList.id)).one()
        attendance.confirm_list(s, bureau, list_id)
        attendance.start_correction(s, organizer, course_id)
        attendance.set_hours(s, organizer, course_id, teachers[0].id, "2")
        attendance.remove_entry(s, organizer, course_id, teachers[2].id)
    assert len([r for r in _records(course_id) if r.superseded_at is None]) == 2  # unchanged until confirmed
    with transaction() as s:
        attendance.submit_list(s, organizer, course_id)
        attendance.confirm_list(s, bureau, list_id)
        history = attendance.list_view(s, organizer, course_id)["history"]
    rows = _records(course_id)
    active = [(r.teacher_id, r.minutes) for r in rows if r.superseded_at is None]
    assert active == [(teachers[0].id, 120)]
    assert len(rows) == 3
    assert [h["action"] for h in history] == ["confirm", "submit", "correct", "confirm", "submit"]


def test_deadline_is_one_month_after_the_end_and_late_lists_are_flagged(db_url: str):
    from datetime import date

    assert attendance_deadline(date(2026, 1, 31)) == date(2026, 2, 28)
    assert attendance_deadline(date(2026, 12, 15)) == date(2027, 1, 15)
    assert not is_late(date(2026, 3, 1), date(2026, 4, 1)) and is_late(date(2026, 3, 1), date(2026, 4, 2))
    _, course_id, organizer, bureau, _ = _setup(days_ahead=-40)
    with transaction() as s:
        due = attendance.due_lists(s, organizer)
        assert due[0]["overdue"] == "1"
        assert attendance.submit_list(s, organizer, course_id) is True
        assert attendance.confirmation_queue(s, bureau)[0]["late"] == "1"


def test_teacher_and_other_organizers_cannot_touch_a_list(db_url: str):
    world, course_id, _, _, _ = _setup()
    with transaction() as s:
        teacher = world.teacher_actor(s)
        other = world.actor(s, world.school_b)
    for actor in (teacher, other):
        with transaction() as s, pytest.raises(Forbidden):
            attendance.list_view(s, actor, course_id)
    assert taipei_today() - timedelta(days=1)


def test_confirmation_and_correction_move_the_statistics_rollups_like_a_rebuild(db_url: str):
    from tests.services.stats.test_dashboards import _snapshot
    from tpd_app.services.stats import rollups

    _, course_id, organizer, bureau, teachers = _setup()
    with transaction() as s:
        rollups.rebuild_rollups(s)
        before = _snapshot(s)
        attendance.add_walk_in(s, organizer, course_id, teachers[2].national_id)
        attendance.submit_list(s, organizer, course_id)
        list_id = s.exec(select(AttendanceList.id)).one()
        attendance.confirm_list(s, bureau, list_id)
        after_confirm = _snapshot(s)
        attendance.start_correction(s, organizer, course_id)
        attendance.set_hours(s, organizer, course_id, teachers[0].id, "2")
        attendance.submit_list(s, organizer, course_id)
        attendance.confirm_list(s, bureau, list_id)
        incremental = _snapshot(s)
        rollups.rebuild_rollups(s)
        assert _snapshot(s) == incremental
    assert after_confirm != before and incremental != after_confirm
