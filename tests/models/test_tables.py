"""Guarantees the tables keep whatever code writes to them."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.factories import make_teacher, make_unit
from tpd_app.domain.units import UnitType
from tpd_app.models import Teacher, Unit
from tpd_app.services.platform.db import transaction


def test_teacher_national_id_can_never_change(db_url: str):
    with transaction() as s:
        teacher = make_teacher(s, make_unit(s, UnitType.SCHOOL), national_id="A123456789")
    with pytest.raises(ValueError, match="cannot be changed"), transaction() as s:
        row = s.get(Teacher, teacher.id)
        row.national_id = "F131104093"
        s.add(row)
    with transaction() as s:
        assert s.get(Teacher, teacher.id).national_id == "A123456789"


def test_teacher_needs_a_valid_national_id(db_url: str):
    with pytest.raises(ValueError, match="valid"), transaction() as s:
        make_teacher(s, make_unit(s, UnitType.SCHOOL), national_id="A123456788")


def test_timestamps_come_back_timezone_aware_utc(db_url: str):
    with transaction() as s:
        unit = make_unit(s, UnitType.SCHOOL)
    with transaction() as s:
        created = s.get(Unit, unit.id).created_at
    assert created.tzinfo is not None and created.utcoffset().total_seconds() == 0


def test_naive_timestamps_are_refused(db_url: str):
    with pytest.raises(Exception, match="naive"), transaction() as s:
        unit = make_unit(s, UnitType.SCHOOL)
        unit.updated_at = datetime(2026, 1, 1)
        s.add(unit)
        s.flush()
