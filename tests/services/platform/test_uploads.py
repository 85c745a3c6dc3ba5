"""Spreadsheet uploads: refused before parsing, read against their header, kept privately by name."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.factories import xlsx
from tpd_app.domain.errors import ValidationFailed
from tpd_app.services.platform import uploads

COLUMNS = (("national_id", "身分證字號"), ("name", "姓名"))


def _workbook(rows: list[list[object]], header: list[str] | None = None) -> bytes:
    return xlsx(header or [label for _, label in COLUMNS], rows)


def test_a_zip_bomb_is_refused_by_its_unpacked_size():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/big.xml", b"0" * (uploads.MAX_UNPACKED_BYTES + 1))
    assert len(out.getvalue()) < uploads.MAX_BYTES
    assert uploads.upload_problem("bomb.xlsx", out.getvalue()) == "import.error.unpacked"


def test_wrong_header_and_too_many_rows_are_refused():
    with pytest.raises(ValidationFailed) as failed:
        uploads.read_rows(_workbook([["x"]], header=["ID", "Name"]), COLUMNS)
    assert failed.value.field_errors == {"file": "import.error.header"}
    with pytest.raises(ValidationFailed) as failed:
        uploads.read_rows(_workbook([[str(i), "x"] for i in range(uploads.MAX_ROWS + 1)]), COLUMNS)
    assert failed.value.field_errors == {"file": "import.error.rows"}


def test_rows_come_keyed_by_column_and_blank_rows_are_skipped():
    data = _workbook([["A123456789", "王小明"], [None, None], ["B123456789", "李小華"]])
    assert uploads.read_rows(data, COLUMNS) == [{"national_id": "A123456789", "name": "王小明"},
                                                {"national_id": "B123456789", "name": "李小華"}]


def test_a_kept_file_is_read_back_by_its_name_only(db_url: str):
    name = uploads.keep(b"PK spreadsheet")
    assert uploads.read(name) == b"PK spreadsheet"
    assert uploads.read("../" + name) is None and uploads.read(name.upper()) is None
    uploads.discard(name)
    assert uploads.read(name) is None
