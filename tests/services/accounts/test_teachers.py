"""Teacher roster, data entry, transfers and self-applications: rules, masking and refusals."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from tests.factories import PASSWORD, make_teacher, make_world, new_national_id
from tpd_app.domain.errors import Forbidden, NotFound, ValidationFailed
from tpd_app.domain.units import AccountCategory
from tpd_app.models import AuditLog, Teacher, TeacherApplication, TeacherPlacement
from tpd_app.services.accounts import auth, teachers
from tpd_app.services.platform.db import transaction

C = AccountCategory


def _teacher_form(national_id: str, **extra: str) -> dict[str, str]:
    return {"national_id": national_id, "name": "陳新師", "birth_date": "1990-03-04", "email": "chen@school.edu.tw",
            "phone": "0912-345678", **extra}


def test_contact_enters_a_teacher_who_can_sign_in_with_the_one_time_password(db_url: str):
    with transaction() as s:
        world = make_world(s)
        contact = world.actor(s, world.school_a, C.CONTACT)
    national_id = new_national_id()
    with transaction() as s:
        row, password = teachers.enter_teacher(s, contact, _teacher_form(national_id.lower()))
    assert row["national_id"] != national_id and row["national_id"].startswith(national_id[:3])
    signed_in = auth.resolve_session(auth.exchange_ticket(auth.sign_in(national_id, password)))
    assert signed_in is not None and signed_in.must_change_password
    with transaction() as s:
        teacher = s.exec(select(Teacher).where(Teacher.national_id == national_id)).one()
        placement = s.exec(select(TeacherPlacement)).one()
        entry = s.exec(select(AuditLog).where(AuditLog.action == "teacher.enter")).one()
    assert teacher.birth_date == date(1990, 3, 4) and placement.unit_name == world.school_a.name
    assert national_id not in str(entry.after)


def test_entry_checks_checksum_uniqueness_and_dates(db_url: str):
    with transaction() as s:
        world = make_world(s)
        chief = world.actor(s, world.school_a)
        existing = make_teacher(s, world.school_b)
    with pytest.raises(ValidationFailed) as failed, transaction() as s:
        teachers.enter_teacher(s, chief, _teacher_form("A123456788", birth_date="1990-13-01"))
    assert failed.value.field_errors == {"national_id": "teachers.error.national_id",
                                         "birth_date": "teachers.error.birth_date"}
    with pytest.raises(ValidationFailed) as failed, transaction() as s:
        teachers.enter_teacher(s, chief, _teacher_form(existing.national_id))
    assert failed.value.field_errors == {"national_id": "teachers.error.exists"}


def test_roc_birth_dates_are_understood():
    assert teachers.parse_birth_date("77/05/17") == (date(1988, 5, 17), None)
    assert teachers.parse_birth_date("1988/5/17") == (date(1988, 5, 17), None)
    assert teachers.parse_birth_date("yesterday")[1] == "teachers.error.birth_date"


def test_operator_cannot_manage_or_enter_teachers(db_url: str):
    with transaction() as s:
        world = make_world(s)
        operator = world.actor(s, world.school_a, C.OPERATOR)
        teacher = make_teacher(s, world.school_a)
    for call in (lambda s: teachers.list_roster(s, operator),
                 lambda s: teachers.reveal_national_id(s, operator, teacher.id),
                 lambda s: teachers.enter_teacher(s, operator, _teacher_form(new_national_id())),
                 lambda s: teachers.set_employment(s, operator, teacher.id, "left")):
        with pytest.raises(Forbidden) as refused, transaction() as s:
            call(s)
        assert refused.value.key == "error.forbidden.category"
    with transaction() as s:
        assert len(s.exec(select(AuditLog).where(AuditLog.action == "access.denied")).all()) == 4


def test_a_narrowed_contact_without_the_grant_is_refused(db_url: str):
    from tests.factories import make_account
    from tpd_app.services.accounts.auth import actor_for_account

    with transaction() as s:
        world = make_world(s)
        narrowed = actor_for_account(make_account(s, world.school_a, category=C.CONTACT,
                                                  grants=["course.register"]), world.school_a)
    with pytest.raises(Forbidden) as refused, transaction() as s:
        teachers.list_roster(s, narrowed)
    assert refused.value.key == "error.forbidden.grant"


def test_roster_masks_ids_and_a_reveal_is_audited(db_url: str):
    with transaction() as s:
        world = make_world(s)
        chief = world.actor(s, world.school_a)
        mine = make_teacher(s, world.school_a)
        theirs = make_teacher(s, world.school_b)
    with transaction() as s:
        roster = teachers.list_roster(s, chief)
        by_id = teachers.list_roster(s, chief, text=mine.national_id)
    assert [r["id"] for r in roster] == [str(mine.id)] and mine.national_id not in str(roster)
    assert len(by_id) == 1
    with transaction() as s:
        assert teachers.reveal_national_id(s, chief, mine.id) == mine.national_id
    with pytest.raises(NotFound), transaction() as s:
        teachers.reveal_national_id(s, chief, theirs.id)
    with transaction() as s:
        assert s.exec(select(AuditLog).where(AuditLog.action == "teacher.reveal_id")).one().target_id == str(mine.id)


def test_edit_contact_and_mark_left_keeps_the_account(db_url: str):
    with transaction() as s:
        world = make_world(s)
        chief = world.actor(s, world.school_a)
        teacher = make_teacher(s, world.school_a)
    with transaction() as s:
        teachers.update_contact(s, chief, teacher.id, {"email": "new@school.edu.tw", "phone": "02-12345678"})
        teachers.set_employment(s, chief, teacher.id, "retired")
    with transaction() as s:
        assert teachers.list_roster(s, chief) == []
        assert len(teachers.list_roster(s, chief, employment="retired")) == 1
        row = s.get(Teacher, teacher.id)
    assert (row.email, row.employment, row.status) == ("new@school.edu.tw", "retired", "active")
    assert auth.sign_in(teacher.national_id, PASSWORD)
    with pytest.raises(ValidationFailed), transaction() as s:
        teachers.set_employment(s, chief, teacher.id, "fired")


def test_receiving_school_takes_in_a_transferred_teacher_who_keeps_her_account(db_url: str):
    with transaction() as s:
        world = make_world(s)
        receiving = world.actor(s, world.school_b)
        teacher = make_teacher(s, world.school_a)
    with pytest.raises(ValidationFailed) as failed, transaction() as s:
        teachers.take_in_teacher(s, receiving, {"national_id": teacher.national_id, "name": "別人"})
    assert failed.value.field_errors == {"national_id": "teachers.error.no_match"}
    with transaction() as s:
        teachers.take_in_teacher(s, receiving, {"national_id": teacher.national_id, "name": "王老師"})
    with transaction() as s:
        moved = s.get(Teacher, teacher.id)
        log = s.exec(select(AuditLog).where(AuditLog.action == "teacher.transfer")).one()
    assert moved.school_unit_id == world.school_b.id and moved.password_hash == teacher.password_hash
    assert (log.before["unit"], log.after["unit"]) == (world.school_a.code, world.school_b.code)
    assert auth.sign_in(teacher.national_id, PASSWORD)


def test_teacher_applies_and_her_school_confirms(db_url: str):
    with transaction() as s:
        world = make_world(s)
        chief = world.actor(s, world.school_a)
        other_school = world.actor(s, world.school_b)
    national_id = new_national_id()
    with transaction() as s:
        application_id = teachers.submit_teacher_application(s, {
            **_teacher_form(national_id), "school_id": str(world.school_a.id), "password": "My-own-pass-1",
            "confirm": "My-own-pass-1"})
    with transaction() as s:
        assert teachers.pending_teacher_applications(s, other_school) == []
    with pytest.raises(NotFound), transaction() as s:
        teachers.decide_teacher_application(s, other_school, application_id, approve=True)
    with transaction() as s:
        assert len(teachers.pending_teacher_applications(s, chief)) == 1
        assert [i.count for i in teachers.work_queue(s, chief)] == [1]  # the home page's count of the list
        assert [i.count for i in teachers.work_queue(s, other_school)] == [0]
        teachers.decide_teacher_application(s, chief, application_id, approve=True)
    with transaction() as s:
        assert teachers.pending_teacher_applications(s, chief) == []
        assert [i.count for i in teachers.work_queue(s, chief)] == [0]
    assert auth.sign_in(national_id, "My-own-pass-1")
    with transaction() as s:
        assert s.get(TeacherApplication, application_id).status == "approved"


def test_the_public_form_does_not_reveal_whether_an_id_has_an_account(db_url: str):
    with transaction() as s:
        world = make_world(s)
        chief = world.actor(s, world.school_a)
        existing = make_teacher(s, world.school_b)
    form = {**_teacher_form(existing.national_id), "school_id": str(world.school_a.id),
            "password": "My-own-pass-1", "confirm": "My-own-pass-1"}
    with transaction() as s:
        application_id = teachers.submit_teacher_application(s, form)
    with transaction() as s:
        assert teachers.pending_teacher_applications(s, chief)[0]["registered"] == "1"
    with pytest.raises(ValidationFailed) as failed, transaction() as s:
        teachers.decide_teacher_application(s, chief, application_id, approve=True)
    assert failed.value.field_errors == {"national_id": "teachers.error.exists"}
