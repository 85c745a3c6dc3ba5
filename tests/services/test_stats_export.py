"""Statistics exports: reopened with openpyxl, checked for headers, values, formula safety and refusals."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tests.services.test_stats import SY114, _build
from tpd_app.domain.errors import Forbidden
from tpd_app.domain.permissions import Function as F
from tpd_app.services import stats_export
from tpd_app.services.db import transaction
from tpd_app.services.stats_export import Column, Sheet, write_workbook


def _open(data: bytes):
    return load_workbook(io.BytesIO(data))


def test_a_county_table_exports_with_title_headers_formats_and_totals(db_url: str):
    with transaction() as session:
        data = _build(session)
        moe = data.world.actor(session, data.world.moe)
        name, content = stats_export.export_table(session, moe, F.STATS_NATIONAL, SY114, "area")
    assert name.endswith(".xlsx")
    sheet = _open(content).worksheets[0]
    assert "全國" in sheet["A1"].value and "114 學年度" in sheet["A1"].value
    assert [c.value for c in sheet[2]] == ["縣市", "辦理場次", "提供研習時數", "參與人次", "核實研習時數"]
    assert sheet.freeze_panes == "A3"
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=3)}
    assert rows["臺北市"][3].value == 3 and rows["臺北市"][4].value == 11.0
    assert rows["臺北市"][4].number_format == "#,##0.0" and rows["臺北市"][1].number_format == "#,##0"
    assert rows["合計"][3].value == 5 and rows["合計"][4].value == 18.0
    assert sheet.column_dimensions["A"].width == 28


def test_text_that_looks_like_a_formula_stays_text():
    content = write_workbook([Sheet("s", "=HYPERLINK(\"x\")", [Column("名稱"), Column("n", "#,##0")],
                                    [["=1+1", 1], ["+SUM(A1)", 2], ["-3", 3], ["@x", 4], ["plain", 5]])])
    sheet = _open(content).worksheets[0]
    cells = [sheet.cell(row=r, column=1) for r in range(3, 8)]
    assert [c.value for c in cells] == ["=1+1", "+SUM(A1)", "-3", "@x", "plain"]
    assert all(c.data_type == "s" for c in cells)
    assert all(c.quotePrefix for c in cells[:4]) and not cells[4].quotePrefix
    assert sheet["A1"].data_type == "s"


def test_long_tables_continue_on_a_new_sheet_before_the_row_limit():
    rows = ([f"r{i}", i] for i in range(25))
    content = write_workbook([Sheet("明細", "t", [Column("a"), Column("b", "#,##0")], rows)], max_rows=12)
    book = _open(content)
    assert book.sheetnames == ["明細", "明細 (2)", "明細 (3)"]
    assert [book[n].max_row - 2 for n in book.sheetnames] == [10, 10, 5]
    assert book["明細 (2)"]["A3"].value == "r10" and book["明細 (2)"]["A2"].value == "a"


def test_teacher_records_are_never_exported(db_url: str):
    with transaction() as session:
        data = _build(session)
        moe = data.world.actor(session, data.world.moe)
    for table in ("teacher_records", "records"):
        with transaction() as session, pytest.raises(Forbidden) as refused:
            stats_export.export_table(session, moe, F.STATS_NATIONAL, SY114, table)
        assert refused.value.key == "stats.error.no_teacher_records"
    with pytest.raises(Forbidden):
        stats_export.export_teacher_records(moe)


def test_an_export_outside_the_scope_is_refused(db_url: str):
    with transaction() as session:
        data = _build(session)
        bureau = data.world.actor(session, data.world.bureau_a)
    with transaction() as session, pytest.raises(Forbidden):
        stats_export.export_table(session, bureau, F.STATS_COUNTY, SY114, "area", county="KHH")


def test_the_annual_report_has_one_sheet_per_table(db_url: str):
    with transaction() as session:
        data = _build(session)
        moe = data.world.actor(session, data.world.moe)
        steps: list[int] = []
        _, content = stats_export.annual_report(session, moe, F.STATS_NATIONAL, 114,
                                                progress=lambda done, total: steps.append(done))
    book = _open(content)
    assert book.sheetnames[:2] == ["摘要", "法定研習時數達成情形"]
    assert {"各縣市／單位", "研習性質", "課程類別", "月份", "歷年趨勢"} <= set(book.sheetnames)
    summary = {r[0].value: r[1].value for r in book["摘要"].iter_rows(min_row=3)}
    assert summary["參與人次"] == 5 and summary["參與教師數"] == 4
    assert steps == [1, 2, 3]
