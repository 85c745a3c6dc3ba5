"""Statistics exports: reopened with openpyxl, checked for headers, values, formula safety and refusals."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from openpyxl import load_workbook

from tests.services.stats.test_dashboards import SY114, _build
from tpd_app.domain.errors import Forbidden
from tpd_app.domain.permissions import Function as F
from tpd_app.services.platform.db import transaction
from tpd_app.services.stats import export
from tpd_app.services.stats.export import Column, Sheet, write_workbook


def _open(data: bytes):
    return load_workbook(io.BytesIO(data))


def test_a_county_table_exports_with_title_headers_formats_and_totals(db_url: str):
    with transaction() as session:
        data = _build(session)
        moe = data.world.actor(session, data.world.moe)
        name, content = export.export_table(session, moe, F.STATS_NATIONAL, SY114, "area")
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
            export.export_table(session, moe, F.STATS_NATIONAL, SY114, table)
        assert refused.value.key == "stats.error.no_teacher_records"


def test_an_export_outside_the_scope_is_refused(db_url: str):
    with transaction() as session:
        data = _build(session)
        bureau = data.world.actor(session, data.world.bureau_a)
    with transaction() as session, pytest.raises(Forbidden):
        export.export_table(session, bureau, F.STATS_COUNTY, SY114, "area", county="KHH")


def test_the_annual_report_is_refused_without_the_function_or_outside_the_scope(db_url: str):
    with transaction() as session:
        data = _build(session)
        bureau = data.world.actor(session, data.world.bureau_a)
        centre = data.world.actor(session, data.world.subject_center)
    with transaction() as session, pytest.raises(Forbidden):
        export.annual_report(session, bureau, F.STATS_NATIONAL, 114)
    with transaction() as session, pytest.raises(Forbidden):
        export.annual_report(session, bureau, F.STATS_COUNTY, 114, county="KHH")
    with transaction() as session, pytest.raises(Forbidden):
        export.annual_report(session, centre, F.STATS_SCHOOL, 114)


def test_the_annual_report_has_one_sheet_per_table(db_url: str):
    with transaction() as session:
        data = _build(session)
        moe = data.world.actor(session, data.world.moe)
        steps: list[int] = []
        _, content = export.annual_report(session, moe, F.STATS_NATIONAL, 114,
                                                progress=lambda done, total: steps.append(done))
    book = _open(content)
    assert book.sheetnames[:2] == ["摘要", "法定研習時數達成情形"]
    assert {"各縣市", "研習性質", "課程類別", "月份", "歷年趨勢"} <= set(book.sheetnames)
    summary = {r[0].value: r[1].value for r in book["摘要"].iter_rows(min_row=3)}
    assert summary["參與人次"] == 5 and summary["參與教師數"] == 4
    assert steps == [1, 2, 3]


_FORMATS = [Column("名稱", width=30), Column("場次", "#,##0"), Column("時數", "#,##0.0"), Column("備註")]


def _sheet_xml(data: bytes, index: int = 1) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(f"xl/worksheets/sheet{index}.xml").decode()


def test_data_rows_keep_their_types_and_number_formats():
    long_cjk = "臺灣教師在職進修" * 1000
    rows = [["臺北市立和平國民小學", 12, 3.5, None],
            ["", 0, 0.1 + 0.2, "x"],
            [None, 1_234_567_890_123, -2.25, ""],
            [long_cjk, 7, float("nan"), True]]
    content = write_workbook([Sheet("s", "標題", _FORMATS, rows)])
    sheet = _open(content).worksheets[0]
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=3, max_col=4)]
    assert values[0] == ["臺北市立和平國民小學", 12, 3.5, None]
    assert values[1] == [None, 0, 0.1 + 0.2, "x"]
    assert values[2] == [None, 1_234_567_890_123, -2.25, None]
    assert values[3] == [long_cjk, 7, None, True]
    assert sheet["B3"].data_type == "n" and sheet["C3"].data_type == "n" and sheet["A3"].data_type == "s"
    assert sheet["B3"].number_format == "#,##0" and sheet["C4"].number_format == "#,##0.0"
    assert sheet["A3"].number_format == "General" and not sheet["A3"].quotePrefix
    # Empty cells in a formatted column keep the column's format (typing into them later shows it).
    assert sheet["C6"].number_format == "#,##0.0"
    assert sheet.max_row == 6


def test_text_is_escaped_and_characters_xml_cannot_hold_are_dropped():
    texts = ['a < b & c > d "quoted" \'single\'', "]]> <![CDATA[x]]>", "&amp; stays literal",
             "bell\x07 and nul\x00 gone", "line\nbreak", "carriage\r\nreturn", "  padded  ", "\x01\x02",
             "x" * 40_000]
    content = write_workbook([Sheet("s", "t", [Column("text")], [[t] for t in texts])])
    sheet = _open(content).worksheets[0]
    values = [sheet.cell(row=r, column=1).value for r in range(3, 3 + len(texts))]
    assert values[:7] == [*texts[:3], "bell and nul gone", "line\nbreak", "carriage\r\nreturn", "  padded  "]
    assert values[7] is None
    assert values[8] == "x" * 32_767


def test_formula_looking_text_in_data_rows_is_never_a_formula():
    texts = ["=1+1", "=HYPERLINK(\"http://evil.example\",\"x\")", "+SUM(A1)", "-3", "@x", "\t=1", "\r=1",
             "=cmd|' /C calc'!A0", "\x01=1+1"]
    content = write_workbook([Sheet("s", "t", [Column("名稱"), Column("n", "#,##0")],
                                    [[t, i] for i, t in enumerate(texts)])])
    assert "<f>" not in _sheet_xml(content) and "<f " not in _sheet_xml(content)
    sheet = _open(content).worksheets[0]
    cells = [sheet.cell(row=r, column=1) for r in range(3, 3 + len(texts))]
    assert [c.value for c in cells] == [*texts[:-1], "=1+1"]
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)
    assert [sheet.cell(row=r, column=2).value for r in range(3, 3 + len(texts))] == list(range(len(texts)))
    assert not sheet.cell(row=3, column=2).quotePrefix


def test_the_fast_rows_match_openpyxls_own_cell_path(monkeypatch: pytest.MonkeyPatch):
    rows = [[f"臺中市第{i}國小 & <分校>", i, i / 4, None if i % 3 else f"備註 {i}"] for i in range(40)]
    rows += [["=SUM(B3:B4)", 1, 2.5, "+x"]]

    def read(data: bytes) -> list[tuple]:
        sheet = _open(data).worksheets[0]
        return [(c.coordinate, c.value, c.data_type, c.number_format, c.quotePrefix, c.font.b)
                for row in sheet.iter_rows() for c in row]

    fast = write_workbook([Sheet("明細", "標題", _FORMATS, rows)])
    monkeypatch.setattr(export._RowSerializer, "row", lambda self, row_idx, values: None)
    slow = write_workbook([Sheet("明細", "標題", _FORMATS, rows)])
    assert read(fast) == read(slow)


def test_rows_of_other_types_go_through_openpyxl_between_fast_batches(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(export, "_BATCH_ROWS", 3)
    rows: list[list] = [[f"r{i}", i] for i in range(8)]
    rows[4] = [dt.date(2025, 8, 1), 4]
    rows[5] = ["\x02=r5", dt.date(2025, 8, 2)]
    content = write_workbook([Sheet("s", "t", [Column("a"), Column("b", "#,##0")], rows)])
    sheet = _open(content).worksheets[0]
    assert [r for r in sheet.iter_rows(min_row=3, values_only=True)] == [
        ("r0", 0), ("r1", 1), ("r2", 2), ("r3", 3), (dt.datetime(2025, 8, 1), 4),
        ("=r5", dt.datetime(2025, 8, 2)), ("r6", 6), ("r7", 7)]
    assert sheet["A8"].data_type == "s" and sheet["A8"].quotePrefix
    assert sheet["A7"].is_date and sheet["B7"].number_format == "#,##0"


def test_sheets_split_at_the_row_limit_across_batches(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(export, "_BATCH_ROWS", 4)
    rows = ([f"r{i}", i, i / 2] for i in range(23))
    columns = [Column("單位", width=20), Column("n", "#,##0"), Column("h", "#,##0.0")]
    content = write_workbook([Sheet("各單位明細", "標題：全國", columns, rows)], max_rows=12)
    book = _open(content)
    assert book.sheetnames == ["各單位明細", "各單位明細 (2)", "各單位明細 (3)"]
    body = [r for name in book.sheetnames for r in book[name].iter_rows(min_row=3, values_only=True)]
    assert body == [(f"r{i}", i, i / 2) for i in range(23)]
    for name in book.sheetnames:
        sheet = book[name]
        assert sheet.max_row <= 12 and sheet.freeze_panes == "A3" and sheet["A1"].value == "標題：全國"
        assert [c.value for c in sheet[2]] == ["單位", "n", "h"] and sheet["A1"].font.b
        assert sheet.column_dimensions["A"].width == 20 and sheet["C3"].number_format == "#,##0.0"


def test_an_empty_sheet_still_has_its_title_and_headers():
    book = _open(write_workbook([Sheet("空", "標題", _FORMATS, [])]))
    sheet = book["空"]
    assert sheet["A1"].value == "標題" and [c.value for c in sheet[2]] == ["名稱", "場次", "時數", "備註"]
    assert sheet.max_row == 2


_EXCEL_FORBIDDEN = set("[]:*?/\\")


def _valid_sheet_names(book) -> bool:
    names = [n.casefold() for n in book.sheetnames]
    return (len(set(names)) == len(names)
            and all(0 < len(n) <= 31 and not (set(n) & _EXCEL_FORBIDDEN) and n[0] != "'" and n[-1] != "'"
                    for n in book.sheetnames))


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_every_table_exports_in_english_with_sheet_names_excel_accepts(db_url: str):
    """The English table names ("By county / unit" once) failed silently as sheet titles: every table of
    every scope now exports in English, titled and labelled in English, the counties by their English
    names (only units keep their own names)."""
    with transaction() as session:
        data = _build(session)
        w = data.world
        viewers = [(w.actor(session, w.moe), F.STATS_NATIONAL), (w.actor(session, w.bureau_a), F.STATS_COUNTY),
                   (w.actor(session, w.school_a), F.STATS_SCHOOL), (w.actor(session, w.circle), F.STATS_SUBJECT_CENTER)]
    for actor, function in viewers:
        for table in ("area", "kind", "topic", "level", "month", "trend"):
            with transaction() as session:
                name, content = export.export_table(session, actor, function, SY114, table, lang="en")
            book = _open(content)
            assert name.endswith(".xlsx") and _valid_sheet_names(book), (function, table, book.sheetnames)
            sheet = book.worksheets[0]
            assert sheet["A1"].value.startswith("Teacher in-service training statistics: ")
            assert "School year 114 (2025–26)" in sheet["A1"].value
            assert [c.value for c in sheet[2]][1:] == ["Courses held", "Hours offered", "Participants",
                                                       "Hours credited"]
            if function is F.STATS_NATIONAL:
                assert not _has_cjk(sheet["A1"].value)
                assert not any(_has_cjk(str(r[0])) for r in sheet.iter_rows(min_row=3, values_only=True))
    with transaction() as session:
        _, content = export.export_table(session, viewers[0][0], F.STATS_NATIONAL, SY114, "area", lang="en")
    sheet = _open(content)["By county"]
    labels = [r[0] for r in sheet.iter_rows(min_row=3, values_only=True)]
    assert labels[0] == "Taipei City" and labels[-1] == "Total" and len(labels) == 23
    assert "Scope: Nationwide" in sheet["A1"].value


def test_the_annual_report_works_in_english_for_every_scope(db_url: str):
    with transaction() as session:
        data = _build(session)
        w = data.world
        viewers = [(w.actor(session, w.moe), F.STATS_NATIONAL), (w.actor(session, w.bureau_a), F.STATS_COUNTY),
                   (w.actor(session, w.school_a), F.STATS_SCHOOL), (w.actor(session, w.circle), F.STATS_SUBJECT_CENTER)]
    for actor, function in viewers:
        with transaction() as session:
            _, content = export.annual_report(session, actor, function, 114, lang="en")
        book = _open(content)
        assert _valid_sheet_names(book), book.sheetnames
        assert book.sheetnames[:2] == ["Summary", "Compliance"]
        assert {"By course kind", "By topic", "Trend across years"} <= set(book.sheetnames)
    with transaction() as session:
        national = _open(export.annual_report(session, *viewers[0], 114, lang="en")[1])
    assert {"By county", "By month"} <= set(national.sheetnames)
    compliance = [r for r in national["Compliance"].iter_rows(min_row=3, values_only=True)]
    periods = {r[0]: r[1] for r in compliance}
    assert periods["Environmental education, 4 hours a year"] == "Calendar year 114 (2025)"
    assert periods["18 hours per school year"] == "School year 114 (2025–26)"


def test_sheet_titles_are_made_valid_for_excel():
    taken: set[str] = set()
    assert export.sheet_title("By county / unit", taken) == "By county - unit"
    assert export.sheet_title("a[b]:c*d?e\\f", taken) == "a b c d e-f"
    assert export.sheet_title("'quoted'", taken) == "quoted"
    long = "Compliance with the statutory hours"
    assert export.sheet_title(long, taken) == long[:31]
    assert export.sheet_title(long, taken, part=2) == long[:27].rstrip() + " (2)"
    again = export.sheet_title("BY COUNTY / UNIT", taken)
    assert again.casefold() != "by county - unit" and len(again) <= 31
    assert export.sheet_title("", taken) == "Sheet"
    book = _open(write_workbook([Sheet("a/b", "t", [Column("x")], [["1"]]), Sheet("A/B", "t", [Column("x")], [])]))
    assert _valid_sheet_names(book) and len(book.sheetnames) == 2


def test_a_failed_export_is_logged_audited_and_raised_as_a_message(db_url: str, monkeypatch: pytest.MonkeyPatch,
                                                                  caplog: pytest.LogCaptureFixture):
    """Whatever breaks while the workbook is written, the viewer gets a message in her language (not a
    silent nothing, not half a file), the operator a log line with the traceback, the audit log a failed
    attempt."""
    import sqlalchemy as sa

    from tpd_app.i18n import translate
    from tpd_app.models import AuditLog

    with transaction() as session:
        data = _build(session)
        moe = data.world.actor(session, data.world.moe)

    def broken(*_args, **_kwargs):
        raise OSError("the disk went away")

    monkeypatch.setattr(export, "write_workbook", broken)
    with transaction() as session, pytest.raises(export.ExportFailed) as failed:
        export.export_table(session, moe, F.STATS_NATIONAL, SY114, "kind", lang="en")
    assert translate(failed.value.key, "en").startswith("The Excel file could not be produced")
    assert translate(failed.value.key, "zh-TW").startswith("Excel 檔案未能產生，沒有下載任何檔案")
    with transaction() as session, pytest.raises(export.ExportFailed) as report:
        export.annual_report(session, moe, F.STATS_NATIONAL, 114)
    assert report.value.key == "stats.error.report_failed"
    assert any("statistics.export of kind failed" in r.getMessage() and r.exc_info for r in caplog.records)
    with transaction() as session:
        rows = session.execute(sa.select(AuditLog.action, AuditLog.outcome, AuditLog.target_id)
                               .where(AuditLog.outcome == "failed")).all()
    assert ("statistics.export", "failed", "kind") in rows
    assert ("statistics.annual_report", "failed", "114") in rows
