"""Bulk teacher entry from Excel: server-side file checks before parsing, and a row-by-row report."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from tests.factories import make_teacher, make_world, new_national_id, xlsx
from tpd_app.domain.errors import Forbidden, ValidationFailed
from tpd_app.domain.units import AccountCategory
from tpd_app.models import Teacher
from tpd_app.services.accounts import teacher_import
from tpd_app.services.platform import uploads
from tpd_app.services.platform.db import transaction


def _workbook(rows: list[list[object]]) -> bytes:
    return xlsx([label for _, label in teacher_import.COLUMNS], rows)


def test_the_template_has_the_expected_header():
    sheet = load_workbook(io.BytesIO(teacher_import.template_bytes())).worksheets[0]
    assert [c.value for c in sheet[1]] == ["身分證字號", "姓名", "出生日期", "電子郵件", "電話"]


def test_import_adds_valid_rows_and_reports_every_bad_one(db_url: str):
    with transaction() as s:
        world = make_world(s)
        contact = world.actor(s, world.school_a, AccountCategory.CONTACT)
        existing = make_teacher(s, world.school_b)
    good, dup = new_national_id(), new_national_id()
    data = _workbook([[good, "甲老師", "1985-01-02", "a@school.edu.tw", ""],
                      ["A123456788", "乙老師", None, None, None],
                      [dup, "丙老師", "74/3/5", None, None],
                      [dup, "丙老師", None, None, None],
                      [existing.national_id, "丁老師", None, None, None],
                      [new_national_id(), "", None, None, None],
                      [None, None, None, None, None]])
    with transaction() as s:
        report = teacher_import.import_teachers(s, contact, "teachers.xlsx", data)
    assert [(r["row"], r["outcome"], r["message"]) for r in report] == [
        ("2", "added", "import.row_added"), ("3", "error", "teachers.error.national_id"),
        ("4", "added", "import.row_added"), ("5", "error", "teachers.error.duplicate_in_file"),
        ("6", "error", "teachers.error.exists"), ("7", "error", "validation.required")]
    assert good not in str(report)
    with transaction() as s:
        assert {t.national_id for t in s.exec(select(Teacher).where(Teacher.school_unit_id == world.school_a.id))} \
            == {good, dup}


@pytest.mark.parametrize(("name", "data", "key"), [
    ("teachers.csv", b"a,b", "import.error.type"),
    ("teachers.xlsx", b"not a zip at all", "import.error.type"),
    ("teachers.xlsx", b"PK" + b"\0" * (uploads.MAX_BYTES), "import.error.size"),
])
def test_files_are_refused_before_parsing(db_url: str, name: str, data: bytes, key: str):
    with transaction() as s:
        world = make_world(s)
        chief = world.actor(s, world.school_a)
    with pytest.raises(ValidationFailed) as failed, transaction() as s:
        teacher_import.import_teachers(s, chief, name, data)
    assert failed.value.field_errors == {"file": key}


def test_operator_cannot_import(db_url: str):
    with transaction() as s:
        world = make_world(s)
        operator = world.actor(s, world.school_a, AccountCategory.OPERATOR)
    with pytest.raises(Forbidden), transaction() as s:
        teacher_import.import_teachers(s, operator, "t.xlsx", _workbook([[new_national_id(), "甲"]]))
