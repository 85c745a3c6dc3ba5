"""Own basic data and the own unit's contact data: validation, audit, refusals."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.factories import make_world
from tpd_app.domain.errors import Forbidden, ValidationFailed
from tpd_app.domain.units import AccountCategory
from tpd_app.models import AuditLog, BusinessAccount, Teacher, Unit
from tpd_app.services.accounts import profile
from tpd_app.services.platform.db import transaction

GOOD_CONTACT = {"contact_name": "陳承辦", "phone": "02-23456789 分機 12", "fax": "", "email": "office@school.edu.tw",
                "address": "臺北市大安區和平東路一段1號", "website": "https://school.example.edu.tw"}


def test_account_edits_own_basic_data_and_the_change_is_audited(db_url: str):
    with transaction() as s:
        world = make_world(s)
        actor = world.actor(s, world.school_a)
    with transaction() as s:
        saved = profile.update_profile(s, actor, {"name": "林主任", "title": "教務主任",
                                                  "email": "lin@school.edu.tw", "phone": "02-2345-6789"})
    assert saved["name"] == "林主任"
    with transaction() as s:
        assert s.get(BusinessAccount, actor.id).title == "教務主任"
        row = s.exec(select(AuditLog).where(AuditLog.action == "profile.edit")).one()
    assert row.before["name"] == "測試人員" and row.after["name"] == "林主任"
    assert "email" in row.after


def test_bad_input_saves_nothing_and_names_each_field(db_url: str):
    with transaction() as s:
        world = make_world(s)
        actor = world.actor(s, world.school_a)
    with pytest.raises(ValidationFailed) as failed, transaction() as s:
        profile.update_profile(s, actor, {"name": " ", "email": "not-an-address", "phone": "call me"})
    assert failed.value.field_errors == {"name": "validation.required", "email": "validation.email",
                                         "phone": "validation.phone"}
    with transaction() as s:
        assert s.get(BusinessAccount, actor.id).name == "測試人員"
        assert s.exec(select(AuditLog).where(AuditLog.action == "profile.edit")).first() is None


def test_extra_fields_sent_by_a_browser_are_ignored(db_url: str):
    with transaction() as s:
        world = make_world(s)
        actor = world.actor(s, world.school_a, AccountCategory.OPERATOR)
    with transaction() as s:
        profile.update_profile(s, actor, {"name": "甲", "email": "a@b.tw", "category": "chief",
                                          "unit_id": world.bureau_a.id, "username": "root"})
    with transaction() as s:
        row = s.get(BusinessAccount, actor.id)
    assert (row.category, row.unit_id) == ("operator", world.school_a.id)
    assert row.username != "root"


def test_teacher_edits_contact_data_but_never_name_or_national_id(db_url: str):
    with transaction() as s:
        world = make_world(s)
        actor = world.teacher_actor(s)
        before = s.get(Teacher, actor.id)
        national_id, name = before.national_id, before.name
    with transaction() as s:
        profile.update_profile(s, actor, {"email": "me@mail.edu.tw", "phone": "0912-345678",
                                          "name": "別人", "national_id": "B123456780"})
        shown = profile.get_profile(s, actor)
    with transaction() as s:
        after = s.get(Teacher, actor.id)
    assert (after.national_id, after.name, after.email) == (national_id, name, "me@mail.edu.tw")
    assert shown["login"] == national_id[:3] + "****" + national_id[-3:]
    assert national_id not in shown.values()


def test_every_category_edits_its_own_units_contact_data(db_url: str):
    with transaction() as s:
        world = make_world(s)
        operator = world.actor(s, world.school_a, AccountCategory.OPERATOR)
    with transaction() as s:
        profile.update_unit_contact(s, operator, GOOD_CONTACT)
    with transaction() as s:
        unit = s.get(Unit, world.school_a.id)
        audit = s.exec(select(AuditLog).where(AuditLog.action == "unit.contact")).one()
    assert unit.contact_name == "陳承辦" and unit.website.startswith("https://")
    assert audit.target_id == str(world.school_a.id) and audit.after["contact_name"] == "陳承辦"


def test_unit_contact_validation_keeps_the_saved_data(db_url: str):
    with transaction() as s:
        world = make_world(s)
        actor = world.actor(s, world.bureau_a)
    bad = {**GOOD_CONTACT, "phone": "", "email": "x", "website": "javascript:alert(1)"}
    with pytest.raises(ValidationFailed) as failed, transaction() as s:
        profile.update_unit_contact(s, actor, bad)
    assert failed.value.field_errors == {"phone": "validation.required", "email": "validation.email",
                                         "website": "validation.url"}
    with transaction() as s:
        assert s.get(Unit, world.bureau_a.id).phone == "07-7172930"


def test_teacher_cannot_edit_unit_contact_data_and_the_refusal_is_logged(db_url: str):
    with transaction() as s:
        world = make_world(s)
        teacher = world.teacher_actor(s)
    with pytest.raises(Forbidden), transaction() as s:
        profile.update_unit_contact(s, teacher, GOOD_CONTACT)
    with transaction() as s:
        denied = s.exec(select(AuditLog).where(AuditLog.action == "access.denied")).one()
        assert s.get(Unit, world.school_a.id).contact_name == "承辦人"
    assert denied.actor_teacher_id == teacher.id and denied.target_id == "unit.contact"

