"""Excel exports of statistics tables and the annual statistical report (統計年報), SPEC §3.6.

Workbooks are streamed with openpyxl's write-only mode (lxml): a title row with the scope and
filters, zh-TW headers, a frozen header row, widths, number formats, sheets split before Excel's
row limit, and text that could be read as a formula stored as quoted text. Data rows are serialized
in bulk (`_RowSerializer`) rather than cell by cell, which makes national-size exports fast. Every
number comes from `services.stats.open_dashboard`, so an export holds exactly what its viewer may see.
Teachers' individual training records are never exported (SPEC §3.6).
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from lxml import etree
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlmodel import Session

from tpd_app.domain.errors import Forbidden
from tpd_app.domain.permissions import Actor, Function
from tpd_app.domain.stats import PeriodType, StatsFilters, looks_like_formula
from tpd_app.i18n import translate
from tpd_app.services.platform import audit
from tpd_app.services.platform.db import transaction
from tpd_app.services.stats import dashboards

#: Excel's limit is 1,048,576 rows; the title and header rows repeat on every sheet.
EXCEL_MAX_ROWS = 1_048_576
INTEGER = "#,##0"
HOURS = "#,##0.0"
PERCENT = "0.0%"
#: Tables whose rows are individual teachers: never exported, whoever asks (SPEC §3.6).
TEACHER_RECORD_TABLES = frozenset({"teacher_records", "records", "teachers"})


@dataclass(frozen=True)
class Column:
    """A sheet column: header message key (or text), number format, width in characters."""

    header: str
    number_format: str = ""
    width: float = 14


@dataclass(frozen=True)
class Sheet:
    """A sheet to write: title, the title row's text, columns and an iterable of row value lists."""

    name: str
    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]


_TITLE_FONT = Font(bold=True, size=13)
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
#: Data rows are parsed and written this many at a time (memory stays flat, lxml's per-call cost is shared).
_BATCH_ROWS = 500
#: Characters XML 1.0 cannot hold (openpyxl refuses them) and characters that need escaping in text.
_NEEDS_ESCAPE = re.compile(r"[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f]")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;",
                          **{chr(c): None for c in (*range(0, 9), 11, 12, *range(14, 32))}})
_EXCEL_MAX_TEXT = 32_767


class _BulkWorksheet(WriteOnlyWorksheet):
    """openpyxl's write-only worksheet that also takes data rows already serialized as `<row>` XML.

    openpyxl still writes the package (workbook, styles, widths, frozen panes, the title and header
    rows, the zip); only the data rows skip its per-cell objects, which cost three times XlsxWriter's
    time per row. The rows are parsed by lxml a batch at a time and written to the same stream.
    """

    def __init__(self, parent: Workbook, title: str) -> None:
        super().__init__(parent, title)
        self.next_row = 1

    def append(self, row: Any) -> None:
        super().append(row)
        self.next_row += 1

    def append_serialized(self, rows_xml: str, count: int) -> None:
        """`count` `<row>` elements numbered from `next_row`, joined into one string."""
        self._get_writer()
        if self._rows is None:
            self._rows = self._write_rows()
            next(self._rows)
        # Parsing UTF-8 bytes is faster in lxml than parsing a str.
        self._rows.send(etree.fromstring(f"<rows>{rows_xml}</rows>".encode()))
        self.next_row += count

    def _write_rows(self):  # type: ignore[no-untyped-def]
        # openpyxl's own generator (worksheet/_write_only.py, 3.1.5) plus the parsed-batch branch.
        try:
            xf = self._writer.xf.send(True)
        except StopIteration:
            self._already_saved()
        with xf.element("sheetData"):
            row_idx = 1
            try:
                while True:
                    row = (yield)
                    if isinstance(row, etree._Element):
                        xf.write(*row)  # one call for the batch: about half the time of one call per row
                        row_idx += len(row)
                        continue
                    row = self._values_to_row(row, row_idx)
                    self._writer.write_row(xf, row, row_idx)
                    row_idx += 1
            except GeneratorExit:
                pass
        self._writer.xf.send(None)


class _RowSerializer:
    """Data rows as `<row>` XML with the columns' precomputed style ids.

    Numbers are written with `repr` (exact), text as escaped inline strings (never a formula; text a
    spreadsheet could take for a formula gets the quote-prefix style), None and "" as empty styled
    cells. A row holding any other type returns None, and goes through openpyxl's cell path instead.
    """

    def __init__(self, worksheet: _BulkWorksheet, columns: Sequence[Column]) -> None:
        self.refs, self.styles, self.quoted = [], [], []
        for index, column in enumerate(columns, start=1):
            self.refs.append(f'<c r="{get_column_letter(index)}')
            # A fresh cell each: the workbook keeps the style array itself, so it must not change afterwards.
            plain, quoted = WriteOnlyCell(worksheet), WriteOnlyCell(worksheet)
            if column.number_format:
                plain.number_format = quoted.number_format = column.number_format
            quoted.quotePrefix = True
            self.styles.append(f' s="{plain.style_id}"' if plain.has_style else "")
            self.quoted.append(f' s="{quoted.style_id}"')

    def row(self, row_idx: int, values: Sequence[Any]) -> str | None:
        parts = [f'<row r="{row_idx}">']
        append = parts.append
        for ref, style, quoted, value in zip(self.refs, self.styles, self.quoted, values, strict=False):
            kind = type(value)
            if kind is str and value:
                text, formula = value[:_EXCEL_MAX_TEXT], looks_like_formula(value)
                if _NEEDS_ESCAPE.search(text):
                    text = text.translate(_ESCAPES)
                    if not text:
                        if style:
                            append(f'{ref}{row_idx}"{style}/>')
                        continue
                    formula = formula or looks_like_formula(text)  # "\x01=1" is "=1" once cleaned
                space = ' xml:space="preserve"' if text[0].isspace() or text[-1].isspace() else ""
                append(f'{ref}{row_idx}"{quoted if formula else style} t="inlineStr">'
                       f"<is><t{space}>{text}</t></is></c>")
            elif kind is int:
                append(f'{ref}{row_idx}"{style}><v>{value!r}</v></c>')
            elif kind is float:
                if math.isfinite(value):
                    append(f'{ref}{row_idx}"{style}><v>{value!r}</v></c>')
                elif style:
                    append(f'{ref}{row_idx}"{style}/>')
            elif value is None or kind is str:
                if style:
                    append(f'{ref}{row_idx}"{style}/>')
            elif kind is bool:
                append(f'{ref}{row_idx}"{style} t="b"><v>{int(value)}</v></c>')
            else:
                return None
        append("</row>")
        return "".join(parts)


def write_workbook(sheets: Iterable[Sheet], *, max_rows: int = EXCEL_MAX_ROWS,
                   progress: Callable[[int], None] | None = None) -> bytes:
    """Stream `sheets` into one .xlsx; a sheet longer than `max_rows` continues on "name (2)", ….

    Memory stays flat: data rows are serialized and written a batch at a time.
    """
    book = Workbook(write_only=True)
    written = 0
    for sheet in sheets:
        part, body_limit = 1, max_rows - 2
        worksheet: _BulkWorksheet | None = None
        serializer: _RowSerializer | None = None
        cells: list[WriteOnlyCell] = []
        batch: list[str] = []
        count = 0
        for values in sheet.rows:
            if worksheet is None or count >= body_limit:
                if worksheet is not None:
                    _flush(worksheet, batch)
                    part += 1
                worksheet, cells = _start_sheet(book, sheet, part)
                serializer = _RowSerializer(worksheet, sheet.columns)
                count = 0
            assert serializer is not None
            xml = serializer.row(worksheet.next_row + len(batch), values)
            if xml is None:
                _flush(worksheet, batch)
                worksheet.append(_cells_row(worksheet, cells, values))
            else:
                batch.append(xml)
                if len(batch) >= _BATCH_ROWS:
                    _flush(worksheet, batch)
            count += 1
            written += 1
            if progress is not None and written % 10_000 == 0:
                progress(written)
        if worksheet is None:
            _start_sheet(book, sheet, 1)
        else:
            _flush(worksheet, batch)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _flush(worksheet: _BulkWorksheet, batch: list[str]) -> None:
    if batch:
        worksheet.append_serialized("".join(batch), len(batch))
        batch.clear()


def _cells_row(worksheet: Any, cells: list[WriteOnlyCell], values: Sequence[Any]) -> list[WriteOnlyCell]:
    """openpyxl's own cell path, for a row holding a type the serializer does not write (dates, …)."""
    row = []
    for cell, value in zip(cells, values, strict=False):
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)  # as the fast path: dropped, not an error
        if isinstance(value, str) and looks_like_formula(value):
            row.append(_quoted(worksheet, value))
        else:
            # One styled cell per column is reused (rows are serialized on append); its style is never
            # changed afterwards, because the workbook shares the style object.
            cell.value = value
            row.append(cell)
    return row


def _quoted(worksheet: Any, value: str) -> WriteOnlyCell:
    """A text cell with Excel's quote prefix, so the value is shown and kept as text, never run."""
    cell = WriteOnlyCell(worksheet, value=value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def _start_sheet(book: Workbook, sheet: Sheet, part: int) -> tuple[_BulkWorksheet, list[WriteOnlyCell]]:
    name = sheet.name[:31] if part == 1 else f"{sheet.name[:26]} ({part})"
    worksheet = _BulkWorksheet(parent=book, title=name)
    book._add_sheet(worksheet)
    worksheet.freeze_panes = "A3"
    for index, column in enumerate(sheet.columns, start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = column.width
    title = WriteOnlyCell(worksheet, value=sheet.title)
    title.data_type = "s"
    title.font = _TITLE_FONT
    worksheet.append([title])
    headers = []
    for column in sheet.columns:
        cell = WriteOnlyCell(worksheet, value=column.header)
        cell.data_type = "s"
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        headers.append(cell)
    worksheet.append(headers)
    cells = []
    for column in sheet.columns:
        cell = WriteOnlyCell(worksheet)
        if column.number_format:
            cell.number_format = column.number_format
        cells.append(cell)
    return worksheet, cells


def _t(key: str, lang: str) -> str:
    return translate(key, lang)


def filters_text(filters: StatsFilters, lang: str = "zh-TW") -> str:
    """The filters in words for the title row: 114 學年度・研習性質：工作坊 …"""
    school = filters.period_type is PeriodType.SCHOOL
    period = _t("stats.period.school_year" if school else "stats.period.calendar_year", lang)
    parts = [f"{filters.year} {period}"]
    if filters.month_from or filters.month_to:
        def ym(v: int) -> str:
            return f"{v // 100 - 1911}/{v % 100:02d}" if v else "…"
        parts.append(f"{_t('stats.filter.months', lang)}：{ym(filters.month_from)}–{ym(filters.month_to)}")
    if filters.kind:
        parts.append(f"{_t('stats.filter.kind', lang)}：{_t('course.kind.' + filters.kind, lang)}")
    if filters.topic:
        parts.append(f"{_t('stats.filter.topic', lang)}：{filters.topic}")
    if filters.level:
        parts.append(f"{_t('stats.filter.level', lang)}：{_t('course.level.' + filters.level, lang)}")
    return "・".join(parts)


def row_label(table: str, row: dashboards.Row, lang: str) -> str:
    """A row's name as the dashboard shows it."""
    if table == "kind":
        return _t(f"course.kind.{row.key}", lang)
    if table == "level":
        return _t(f"course.level.{row.key}", lang) if row.key else _t("stats.level.none", lang)
    return row.label


def _figure_columns(lang: str, first_key: str) -> list[Column]:
    return [Column(_t(first_key, lang), width=28), Column(_t("stats.measure.courses", lang), INTEGER),
            Column(_t("stats.measure.offered_hours", lang), HOURS),
            Column(_t("stats.measure.participants", lang), INTEGER),
            Column(_t("stats.measure.credited_hours", lang), HOURS)]


def _figure_values(label: str, figures: dashboards.Figures) -> list[Any]:
    return [label, figures.courses, figures.offered_minutes / 60, figures.participants, figures.credited_minutes / 60]


def table_sheet(dashboard: dashboards.Dashboard, table: str, filters: StatsFilters, lang: str = "zh-TW") -> Sheet:
    """One dashboard table as a sheet (the same rows the page shows)."""
    first = f"stats.table.{table}.label" if table != "area" else f"stats.area.{dashboard.area_kind or 'county'}"
    scope = " > ".join(c[0] for c in dashboard.breadcrumb)
    title = (f"{_t('stats.report.title', lang)}：{_t('stats.table.' + table, lang)}"
             f"（{_t('stats.scope', lang)}：{scope}；{filters_text(filters, lang)}）")
    rows = [_figure_values(row_label(table, r, lang), r.figures) for r in dashboard.tables.get(table, [])]
    rows.append(_figure_values(_t("stats.total", lang), dashboard.totals) if table != "trend" else [])
    return Sheet(name=_t("stats.table." + table, lang), title=title, columns=_figure_columns(lang, first),
                 rows=[r for r in rows if r])


def export_table(session: Session, actor: Actor, function: Function, filters: StatsFilters, table: str, *,
                 county: str = "", unit_id: int = 0, lang: str = "zh-TW", ip: str = "") -> tuple[str, bytes]:
    """(file name, .xlsx bytes) of one dashboard table in the actor's scope.

    Raises:
        Forbidden: teachers' individual records were asked for, the function is not the actor's, or
            the county/unit is outside their scope.
    """
    if table in TEACHER_RECORD_TABLES or table not in dashboards.TABLES:
        audit.record_now(action="statistics.export_refused", actor=actor, outcome="denied", target_type="export",
                         target_id=table[:64], ip=ip)
        raise Forbidden("stats.error.no_teacher_records" if table in TEACHER_RECORD_TABLES else "error.forbidden")
    dashboard = dashboards.open_dashboard(session, actor, function, filters, county=county, unit_id=unit_id, ip=ip)
    data = write_workbook([table_sheet(dashboard, table, filters, lang)])
    audit.record(session, action="statistics.export", actor=actor, target_type="stats", target_id=table,
                 after={"scope": dashboard.breadcrumb[-1][1] or "home", "year": filters.year}, ip=ip)
    return f"tpd-stats-{table}-{filters.year}.xlsx", data


def compliance_sheet(dashboard: dashboards.Dashboard, filters: StatsFilters, lang: str) -> Sheet:
    columns = [Column(_t("stats.compliance.rule", lang), width=24), Column(_t("stats.compliance.period", lang)),
               Column(_t("stats.compliance.required_hours", lang), HOURS),
               Column(_t("stats.compliance.met", lang), INTEGER), Column(_t("stats.compliance.roster", lang), INTEGER),
               Column(_t("stats.compliance.share", lang), PERCENT)]
    rows = [[_t(f"stats.rule.{c['rule']}", lang), str(c["period"] - (1911 if c["period_type"] == "calendar" else 0)),
             c["minutes"] / 60, c["met"], c["roster"], c["share"]] for c in dashboard.compliance]
    return Sheet(name=_t("stats.compliance.title", lang),
                 title=f"{_t('stats.compliance.title', lang)}（{filters_text(filters, lang)}）", columns=columns,
                 rows=rows)


def summary_sheet(dashboard: dashboards.Dashboard, filters: StatsFilters, lang: str) -> Sheet:
    t = dashboard.totals
    rows = [[_t("stats.measure.courses", lang), t.courses],
            [_t("stats.measure.offered_hours", lang), t.offered_minutes / 60],
            [_t("stats.measure.participants", lang), t.participants],
            [_t("stats.measure.distinct_teachers", lang), dashboard.distinct_teachers if dashboard.distinct_teachers
             is not None else "—"],
            [_t("stats.measure.credited_hours", lang), t.credited_minutes / 60]]
    return Sheet(name=_t("stats.report.summary", lang),
                 title=(f"{_t('stats.report.annual', lang)}：{' > '.join(c[0] for c in dashboard.breadcrumb)}"
                        f"（{filters_text(filters, lang)}）"),
                 columns=[Column(_t("stats.report.item", lang), width=24), Column(_t("stats.report.value", lang),
                                                                                 HOURS, 18)],
                 rows=rows)


def annual_report(session: Session, actor: Actor, function: Function, school_year: int, *, county: str = "",
                  unit_id: int = 0, lang: str = "zh-TW", ip: str = "",
                  progress: Callable[[int, int], None] | None = None) -> tuple[str, bytes]:
    """統計年報 for one school year: summary, compliance and every breakdown, one sheet each.

    Raises:
        Forbidden: the function is not the actor's, or the county/unit is outside their scope.
    """
    filters = StatsFilters(period_type=PeriodType.SCHOOL, year=school_year)
    dashboard = dashboards.open_dashboard(session, actor, function, filters, county=county, unit_id=unit_id, ip=ip)
    if progress:
        progress(1, 3)
    sheets = [summary_sheet(dashboard, filters, lang), compliance_sheet(dashboard, filters, lang)]
    sheets += [table_sheet(dashboard, table, filters, lang)
               for table in dashboards.TABLES if dashboard.tables.get(table)]
    if progress:
        progress(2, 3)
    data = write_workbook(sheets)
    audit.record(session, action="statistics.annual_report", actor=actor, target_type="stats",
                 target_id=str(school_year),
                 after={"scope": dashboard.breadcrumb[-1][1] or "home"}, ip=ip)
    if progress:
        progress(3, 3)
    return f"tpd-annual-report-{school_year}{'-' + county if county else ''}.xlsx", data


def export_table_job(actor: Actor, function: Function, filters: StatsFilters, table: str, county: str,
                     unit_id: int, lang: str, ip: str) -> tuple[str, bytes]:
    """`export_table` in its own transaction: the unit of work `services.offload` runs in a worker process.

    Raises:
        Forbidden: as `export_table`.
    """
    with transaction() as session:
        return export_table(session, actor, function, filters, table, county=county, unit_id=unit_id, lang=lang,
                            ip=ip)
