"""Directory changes: jurisdiction, effective dates, mergers that keep history, acknowledgement."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from tests.factories import make_account, make_teacher, make_unit, make_world
from tpd_app.domain.accounts import directory_reminder, next_directory_deadline
from tpd_app.domain.errors import Forbidden, ValidationFailed
from tpd_app.domain.timeutil import taipei_today
from tpd_app.domain.units import AccountCategory, UnitType
from tpd_app.models import BusinessAccount, DirectoryChange, Teacher, TeacherPlacement, Unit
from tpd_app.services.accounts import directory, teachers
from tpd_app.services.platform.db import transaction


def test_merger_moves_teachers_and_accounts_and_history_keeps_the_old_name(db_url: str):
    with transaction() as s:
        world = make_world(s)
        merged = world.school_a
        successor = make_unit(s, UnitType.SCHOOL, county="TPE", reviewer=world.bureau_a, name="新合併國小")
        make_account(s, successor, username="succ-chief")
        old_chief = make_account(s, merged, username="merged-chief")
        bureau = world.actor(s, world.bureau_a)
        chief = world.actor(s, merged)
    with transaction() as s:
        row, _ = teachers.enter_teacher(s, chief, {"national_id": "A123456789", "name": "林老師", "email": ""})
    with transaction() as s:
        directory.report_change(s, bureau, {"kind": "merged", "unit_code": merged.code,
                                            "successor_code": successor.code,
                                            "effective_date": taipei_today().isoformat()})
    with transaction() as s:
        teacher = s.get(Teacher, int(row["id"]))
        unit = s.get(Unit, merged.id)
        placements = s.exec(select(TeacherPlacement).where(TeacherPlacement.teacher_id == teacher.id)
                            .order_by(TeacherPlacement.id)).all()
        moved_chief = s.get(BusinessAccount, old_chief.id)
    assert teacher.school_unit_id == successor.id
    assert (unit.status, unit.merged_into_id) == ("closed", successor.id)
    assert [(p.unit_name, p.ended_at is None) for p in placements] == [(merged.name, False), ("新合併國小", True)]
    assert (moved_chief.unit_id, moved_chief.category) == (successor.id, AccountCategory.CONTACT.value)


@pytest.mark.parametrize("reporter", ["bureau_b", "school_a"], ids=["another_county", "the_school_itself"])
def test_only_the_schools_own_county_reports_its_closure(db_url: str, reporter: str):
    with transaction() as s:
        world = make_world(s)
        actor = world.actor(s, getattr(world, reporter))
    with pytest.raises(Forbidden), transaction() as s:
        directory.report_change(s, actor, {"kind": "closed", "unit_code": world.school_a.code,
                                           "effective_date": "2026-12-01"})
    with transaction() as s:
        assert s.exec(select(DirectoryChange)).all() == []
        assert s.get(Unit, world.school_a.id).status == "active"


def test_a_future_change_waits_for_its_date_and_a_new_school_is_planned_until_then(db_url: str):
    with transaction() as s:
        world = make_world(s)
        bureau = world.actor(s, world.bureau_a)
    later = taipei_today() + timedelta(days=10)
    with transaction() as s:
        directory.report_change(s, bureau, {"kind": "new", "unit_code": "999601", "new_name": "臺北市新設國小",
                                            "school_level": "elementary", "effective_date": later.isoformat()})
        directory.report_change(s, bureau, {"kind": "renamed", "unit_code": world.school_a.code,
                                            "new_name": "改名國小", "effective_date": later.isoformat()})
    with transaction() as s:
        new = s.exec(select(Unit).where(Unit.code == "999601")).one()
        assert (new.status, new.reviewer_id) == ("planned", world.bureau_a.id)
        assert directory.apply_due_changes(s, later - timedelta(days=1)) == 0
        assert directory.apply_due_changes(s, later) == 2
    with transaction() as s:
        assert s.exec(select(Unit).where(Unit.code == "999601")).one().status == "active"
        assert s.get(Unit, world.school_a.id).name == "改名國小"


def test_new_school_needs_a_free_code_and_a_name(db_url: str):
    with transaction() as s:
        world = make_world(s)
        bureau = world.actor(s, world.bureau_a)
    with pytest.raises(ValidationFailed) as failed, transaction() as s:
        directory.report_change(s, bureau, {"kind": "new", "unit_code": world.school_a.code, "new_name": "",
                                            "school_level": "elementary", "effective_date": "soon"})
    assert failed.value.field_errors == {"unit_code": "directory.error.code_taken", "new_name": "validation.required",
                                         "effective_date": "directory.error.date"}


def test_only_the_national_centre_acknowledges_and_sees_every_report(db_url: str):
    with transaction() as s:
        world = make_world(s)
        bureau = world.actor(s, world.bureau_a)
        other_bureau = world.actor(s, world.bureau_b)
        national = world.actor(s, world.nc)
        make_teacher(s, world.school_a)
    with transaction() as s:
        change = directory.report_change(s, bureau, {"kind": "closed", "unit_code": world.school_a.code,
                                                     "effective_date": taipei_today().isoformat()})
    with pytest.raises(Forbidden), transaction() as s:
        directory.acknowledge(s, bureau, int(change["id"]))
    with transaction() as s:
        assert directory.list_changes(s, other_bureau) == []
        assert [c["status"] for c in directory.list_changes(s, national)] == ["applied"]
        directory.acknowledge(s, national, int(change["id"]))
        assert directory.list_changes(s, bureau)[0]["status"] == "acknowledged"


def test_reminders_come_in_the_thirty_days_before_1_june_and_1_december():
    assert next_directory_deadline(date(2026, 6, 2)) == date(2026, 12, 1)
    assert next_directory_deadline(date(2026, 12, 2)) == date(2027, 6, 1)
    assert directory_reminder(date(2026, 5, 20)).days_left == 12
    assert directory_reminder(date(2026, 12, 1)).days_left == 0
    assert directory_reminder(date(2026, 3, 1)) is None


def test_regional_centre_chiefs_are_reminded_once_per_deadline(db_url: str):
    from tpd_app.models import OutboxMessage

    with transaction() as s:
        world = make_world(s)
        make_account(s, world.bureau_a, username="bureau-chief")
        make_account(s, world.bureau_a, username="bureau-op", category=AccountCategory.OPERATOR)
        make_account(s, world.school_a, username="school-chief")
    with transaction() as s:
        assert directory.queue_reminders(s, date(2026, 3, 1)) == 0
        assert directory.queue_reminders(s, date(2026, 5, 20)) == 1
        assert directory.queue_reminders(s, date(2026, 5, 21)) == 0
        mail = s.exec(select(OutboxMessage)).one()
    assert "115/06/01" in mail.subject and mail.kind == "directory.reminder"


def test_an_application_for_a_merged_school_cannot_be_activated(db_url: str):
    from tpd_app.services.accounts import business

    with transaction() as s:
        world = make_world(s)
        successor = make_unit(s, UnitType.SCHOOL, county="TPE", reviewer=world.bureau_a)
        bureau = world.actor(s, world.bureau_a)
        application_id = business.submit_application(s, {
            "unit_id": str(world.school_a.id), "category": "chief", "username": "late-chief",
            "password": "Apply-pass-2026", "confirm": "Apply-pass-2026", "name": "晚", "email": "l@b.tw"})
        directory.report_change(s, bureau, {"kind": "merged", "unit_code": world.school_a.code,
                                            "successor_code": successor.code,
                                            "effective_date": taipei_today().isoformat()})
    with pytest.raises(ValidationFailed) as failed, transaction() as s:
        business.decide_application(s, bureau, application_id, approve=True)
    assert failed.value.field_errors == {"unit_id": "accounts.error.unit_closed"}


def test_a_county_edits_its_schools_contact_data_but_not_another_countys(db_url: str):
    from tpd_app.models import AuditLog

    with transaction() as s:
        world = make_world(s)
        bureau = world.actor(s, world.bureau_a)
        other = world.actor(s, world.bureau_b)
        chief = world.actor(s, world.school_a)
    data = {"contact_name": "教務處", "phone": "02-27001234", "fax": "", "email": "office@a.edu.tw",
            "address": "臺北市信義區松仁路1號", "website": ""}
    with transaction() as s:
        saved = directory.edit_unit(s, bureau, world.school_a.code, data)
    assert saved["unit_name"] == world.school_a.name and saved["phone"] == "02-27001234"
    for actor in (other, chief):
        with pytest.raises(Forbidden), transaction() as s:
            directory.edit_unit(s, actor, world.school_a.code, {**data, "phone": "02-11111111"})
    with transaction() as s:
        assert s.get(Unit, world.school_a.id).phone == "02-27001234"
        row = s.exec(select(AuditLog).where(AuditLog.action == "unit.edit", AuditLog.outcome == "ok")).one()
    assert row.after["phone"] == "02-27001234" and row.before["phone"] == "07-7172930"


def test_merger_hands_the_courses_to_the_successor_and_the_catalogue_keeps_the_old_name(db_url: str):
    from datetime import date

    from tpd_app.models import CatalogueEntry, Course

    with transaction() as s:
        world = make_world(s)
        merged = world.school_a
        successor = make_unit(s, UnitType.SCHOOL, county="TPE", reviewer=world.bureau_a, name="新合併國小")
        courses = {}
        for status in ("submitted", "approved", "draft"):
            course = Course(code=f"115M{status[:3]}", organizer_unit_id=merged.id, reviewer_unit_id=world.bureau_a.id,
                            title=f"合併前研習 {status}", kind="lecture", status=status)
            s.add(course)
            s.flush()
            courses[status] = course.id
        s.add(CatalogueEntry(course_id=courses["approved"], code="115Mapp", title="合併前研習", kind="lecture",
                             organizer_name=merged.name, first_date=date(2026, 12, 1), last_date=date(2026, 12, 1)))
        bureau = world.actor(s, world.bureau_a)
    with transaction() as s:
        directory.report_change(s, bureau, {"kind": "merged", "unit_code": merged.code,
                                            "successor_code": successor.code,
                                            "effective_date": taipei_today().isoformat()})
    with transaction() as s:
        moved = {status: s.get(Course, course_id) for status, course_id in courses.items()}
        entry = s.exec(select(CatalogueEntry)).one()
    assert {c.organizer_unit_id for c in moved.values()} == {successor.id}
    assert moved["submitted"].reviewer_unit_id == world.bureau_a.id
    assert entry.organizer_name == merged.name


def test_a_transformation_can_change_the_school_level_and_is_audited(db_url: str):
    with transaction() as s:
        world = make_world(s)
        world.school_a.school_level = "junior_high"
        s.add(world.school_a)
        bureau = world.actor(s, world.bureau_a)
    with pytest.raises(ValidationFailed) as failed, transaction() as s:
        directory.report_change(s, bureau, {"kind": "transformed", "unit_code": world.school_a.code,
                                            "effective_date": taipei_today().isoformat()})
    assert failed.value.field_errors == {"school_level": "directory.error.transform"}
    with transaction() as s:
        directory.report_change(s, bureau, {"kind": "transformed", "unit_code": world.school_a.code,
                                            "school_level": "senior_high", "new_name": "臺北市立完全中學",
                                            "effective_date": taipei_today().isoformat()})
    with transaction() as s:
        unit = s.get(Unit, world.school_a.id)
        from tpd_app.models import AuditLog

        applied = s.exec(select(AuditLog).where(AuditLog.action == "directory.apply")).one()
    assert (unit.school_level, unit.name) == ("senior_high", "臺北市立完全中學")
    assert applied.before["school_level"] == "junior_high" and applied.after["school_level"] == "senior_high"
