"""The audit-log viewer: jurisdiction scoping, filters, masked personal data, refusals."""

from __future__ import annotations

import pytest

from tests.factories import make_teacher, make_world
from tpd_app.domain.errors import Forbidden
from tpd_app.domain.national_id import mask_name
from tpd_app.services.accounts import audit_viewer, teachers
from tpd_app.services.platform import audit
from tpd_app.services.platform.db import transaction


def _log_in_both_counties() -> tuple:
    with transaction() as s:
        world = make_world(s)
        chief_a = world.actor(s, world.school_a)
        chief_b = world.actor(s, world.school_b)
        bureau = world.actor(s, world.bureau_a)
        moe = world.actor(s, world.moe)
        teacher = make_teacher(s, world.school_a, national_id="A123456789")
    with transaction() as s:
        teachers.update_contact(s, chief_a, teacher.id, {"email": "lin.yijun@school.edu.tw", "phone": "0912345678"})
        audit.record(s, action="teacher.note", actor=chief_a, after={"national_id": "A123456789", "name": "林怡君"})
        audit.record(s, action="teacher.note", actor=chief_b, after={"x": 1})
    return world, bureau, moe


def test_a_county_sees_only_its_jurisdiction_and_personal_data_is_masked(db_url: str):
    world, bureau, moe = _log_in_both_counties()
    with transaction() as s:
        rows = audit_viewer.list_audit(s, bureau)
        everything = audit_viewer.list_audit(s, moe)
    assert {r["unit"] for r in rows} == {world.school_a.name}
    assert world.school_b.name in {r["unit"] for r in everything}
    text = str(rows)
    assert "A123456789" not in text and "A12****789" in text
    assert "lin.yijun@" not in text and "l***@school.edu.tw" in text and "0912345678" not in text
    assert "林怡君" not in text and "林○君" in text


def test_filters_by_action_and_unit(db_url: str):
    world, _, moe = _log_in_both_counties()
    with transaction() as s:
        edits = audit_viewer.list_audit(s, moe, action="teacher.edit")
        in_b = audit_viewer.list_audit(s, moe, unit_code=world.school_b.code)
        none = audit_viewer.list_audit(s, moe, date_from="2001-01-01", date_to="2001-01-02")
    assert [r["action"] for r in edits] == ["teacher.edit"]
    assert [r["action"] for r in in_b] == ["teacher.note"]
    assert none == []


def test_schools_cannot_read_the_audit_log(db_url: str):
    with transaction() as s:
        world = make_world(s)
        chief = world.actor(s, world.school_a)
    with pytest.raises(Forbidden), transaction() as s:
        audit_viewer.list_audit(s, chief)


def test_names_are_masked_to_first_and_last_character():
    assert [mask_name(n) for n in ("王小明", "林怡", "歐陽志遠", "")] == ["王○明", "林○", "歐○○遠", ""]
