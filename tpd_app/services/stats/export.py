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
import logging
import math
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
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

from tpd_app.domain.errors import DomainError, Forbidden
from tpd_app.domain.permissions import Actor, Function
from tpd_app.domain.stats import PeriodType, StatsFilters, looks_like_formula
from tpd_app.i18n import translate
from tpd_app.services.platform import audit
from tpd_app.services.platform.db import transaction
from tpd_app.services.stats import dashboards
from tpd_app.services.stats.labels import month_label, period_label, row_label, scope_path

#: Excel's limit is 1,048,576 rows; the title and header rows repeat on every sheet.
EXCEL_MAX_ROWS = 1_048_576
INTEGER = "#,##0"
HOURS = "#,##0.0"
PERCENT = "0.0%"
#: Tables whose rows are individual teachers: never exported, whoever asks (SPEC §3.6).
TEACHER_RECORD_TABLES = frozenset({"teacher_records", "records", "teachers"})
#: Excel refuses a sheet title longer than this or holding one of these characters (openpyxl raises).
SHEET_TITLE_CHARS = 31
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

_log = logging.getLogger("tpd.stats.export")


class ExportFailed(DomainError):
    """An export or annual report could not be produced (the cause is logged and audited); nothing was
    handed out."""

    key = "stats.error.export_failed"


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


def sheet_title(name: str, taken: set[str], part: int = 1) -> str:
    """A sheet title Excel accepts: without []:*?/\\ (a slash becomes "-", the others a space), no
    leading or trailing apostrophe, at most 31 characters with the part number, and unlike every title in
    `taken` (Excel compares them ignoring case); "By county / unit" becomes "By county - unit"."""
    clean = _SHEET_TITLE_FORBIDDEN.sub(lambda m: "-" if m.group() in "/\\" else " ", name)
    clean = " ".join(clean.split()).strip("'") or "Sheet"
    suffix = f" ({part})" if part > 1 else ""
    title = clean[:SHEET_TITLE_CHARS - len(suffix)].rstrip() + suffix
    number = 2
    while title.casefold() in taken:
        extra = f" ~{number}"
        title = clean[:SHEET_TITLE_CHARS - len(suffix) - len(extra)].rstrip() + suffix + extra
        number += 1
    taken.add(title.casefold())
    return title


def write_workbook(sheets: Iterable[Sheet], *, max_rows: int = EXCEL_MAX_ROWS,
                   progress: Callable[[int], None] | None = None) -> bytes:
    """Stream `sheets` into one .xlsx; a sheet longer than `max_rows` continues on "name (2)", ….

    Memory stays flat: data rows are serialized and written a batch at a time. Sheet titles are made
    valid for Excel (`sheet_title`) whatever the language gave them.
    """
    book = Workbook(write_only=True)
    taken: set[str] = set()
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
                worksheet, cells = _start_sheet(book, sheet, sheet_title(sheet.name, taken, part))
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
            _start_sheet(book, sheet, sheet_title(sheet.name, taken))
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


def _start_sheet(book: Workbook, sheet: Sheet, title: str) -> tuple[_BulkWorksheet, list[WriteOnlyCell]]:
    worksheet = _BulkWorksheet(parent=book, title=title)
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


def filters_text(filters: StatsFilters, lang: str = "zh-TW", topics: dict[str, tuple[str, str]] | None = None) -> str:
    """The filters in words for the title row: 114 學年度・研習性質：工作坊 … (School year 114 (2025–26);
    Course kind: Workshop … in English)."""
    english = lang == "en"
    colon, glue = (": ", "; ") if english else ("：", "・")
    school = filters.period_type is PeriodType.SCHOOL
    parts = [period_label(filters.period_type.value, filters.year if school else filters.calendar_year_ad, lang)]
    if filters.month_from or filters.month_to:
        def ym(v: int) -> str:
            return month_label(v, lang) if v else "…"
        parts.append(f"{_t('stats.filter.months', lang)}{colon}{ym(filters.month_from)}–{ym(filters.month_to)}")
    if filters.kind:
        parts.append(f"{_t('stats.filter.kind', lang)}{colon}{_t('course.kind.' + filters.kind, lang)}")
    if filters.topic:
        zh, en = (topics or {}).get(filters.topic, (filters.topic, filters.topic))
        parts.append(f"{_t('stats.filter.topic', lang)}{colon}{(en or zh) if english else zh}")
    if filters.level:
        parts.append(f"{_t('stats.filter.level', lang)}{colon}{_t('course.level.' + filters.level, lang)}")
    return glue.join(parts)


def _title(lang: str, head: str, dashboard: dashboards.Dashboard, *, scope: bool = True) -> str:
    """A sheet's title row: what it is, the scope (once) and the filters the figures were computed with."""
    filters = filters_text(dashboard.filters, lang, dashboard.topic_names)
    if lang == "en":
        where = f"{_t('stats.scope', lang)}: {scope_path(dashboard.breadcrumb, lang)}; " if scope else ""
        return f"{head} ({where}{filters})"
    where = f"{_t('stats.scope', lang)}：{scope_path(dashboard.breadcrumb, lang)}；" if scope else ""
    return f"{head}（{where}{filters}）"


def table_heading_key(table: str, area_kind: str) -> str:
    """The message key of a breakdown's heading: the area table says whether its rows are counties or units."""
    return f"stats.table.area.{area_kind or 'county'}" if table == "area" else f"stats.table.{table}"


def _figure_columns(lang: str, first_key: str) -> list[Column]:
    return [Column(_t(first_key, lang), width=28), Column(_t("stats.measure.courses", lang), INTEGER),
            Column(_t("stats.measure.offered_hours", lang), HOURS),
            Column(_t("stats.measure.participants", lang), INTEGER),
            Column(_t("stats.measure.credited_hours", lang), HOURS)]


def _figure_values(label: str, figures: dashboards.Figures) -> list[Any]:
    return [label, figures.courses, figures.offered_minutes / 60, figures.participants, figures.credited_minutes / 60]


def table_sheet(dashboard: dashboards.Dashboard, table: str, lang: str = "zh-TW") -> Sheet:
    """One dashboard table as a sheet (the same rows the page shows, labelled in `lang`)."""
    kind = dashboard.area_kind or "county"
    first = f"stats.table.{table}.label" if table != "area" else f"stats.area.{kind}"
    colon = ": " if lang == "en" else "："
    title = _title(lang, f"{_t('stats.report.title', lang)}{colon}{_t(table_heading_key(table, kind), lang)}",
                   dashboard)
    rows = [_figure_values(row_label(table, r, lang, area_kind=dashboard.area_kind, topics=dashboard.topic_names,
                                     in_progress=dashboard.trend_in_progress), r.figures)
            for r in dashboard.tables.get(table, [])]
    # A topic's rows repeat a course under each of its topics, and the trend spans several years: neither
    # adds up to the period's total, so neither ends with one.
    if table not in ("trend", "topic"):
        rows.append(_figure_values(_t("stats.total", lang), dashboard.totals))
    sheet_key = f"stats.sheet.area.{kind}" if table == "area" else f"stats.sheet.{table}"
    return Sheet(name=_t(sheet_key, lang), title=title, columns=_figure_columns(lang, first), rows=rows)


def export_table(session: Session, actor: Actor, function: Function, filters: StatsFilters, table: str, *,
                 county: str = "", unit_id: int = 0, lang: str = "zh-TW", ip: str = "") -> tuple[str, bytes]:
    """(file name, .xlsx bytes) of one dashboard table in the actor's scope.

    Raises:
        Forbidden: teachers' individual records were asked for, the function is not the actor's, or
            the county/unit is outside their scope.
        ExportFailed: the workbook could not be written (logged and audited; no file is returned).
    """
    if table in TEACHER_RECORD_TABLES or table not in dashboards.TABLES:
        audit.record_now(action="statistics.export_refused", actor=actor, outcome="denied", target_type="export",
                         target_id=table[:64], ip=ip)
        raise Forbidden("stats.error.no_teacher_records" if table in TEACHER_RECORD_TABLES else "error.forbidden")
    dashboard = dashboards.open_dashboard(session, actor, function, filters, county=county, unit_id=unit_id, ip=ip)
    scope = dashboard.breadcrumb[-1].target or "home"
    with _failures_told(actor, "statistics.export", table, scope, filters.year, lang, ip):
        data = write_workbook([table_sheet(dashboard, table, lang)])
    audit.record(session, action="statistics.export", actor=actor, target_type="stats", target_id=table,
                 after={"scope": scope, "year": filters.year, "lang": lang}, ip=ip)
    return f"tpd-stats-{table}-{filters.year}.xlsx", data


@contextmanager
def _failures_told(actor: Actor, action: str, target: str, scope: str, year: int, lang: str,
                   ip: str) -> Iterator[None]:
    """Around writing a workbook: an unexpected error is logged with its traceback, audited as a failed
    attempt (in a transaction of its own, since the caller's rolls back) and raised as `ExportFailed`,
    which the page shows in the viewer's language. Domain errors pass through unchanged."""
    try:
        yield
    except DomainError:
        raise
    except Exception as error:
        raise export_failed(actor, action, target, error, after={"scope": scope, "year": year, "lang": lang},
                            ip=ip) from error


def export_failed(actor: Actor, action: str, target: str, error: BaseException, *, after: dict[str, Any] | None = None,
                  ip: str = "") -> ExportFailed:
    """Log and audit an export that failed outside the rules; the `ExportFailed` to raise or show.

    Also for failures around the export (its worker process gone): `state.stats` calls it then.
    """
    _log.error("%s of %s failed: %s", action, target, type(error).__name__, exc_info=error)
    try:
        audit.record_now(action=action, actor=actor, outcome="failed", target_type="stats", target_id=target[:64],
                         after={**(after or {}), "error": type(error).__name__}, ip=ip)
    except Exception:  # the database may be what failed: the log line above still tells the operator
        _log.exception("could not audit the failed %s", action)
    return ExportFailed("stats.error.report_failed" if action == "statistics.annual_report" else None)


def compliance_sheet(dashboard: dashboards.Dashboard, lang: str) -> Sheet:
    columns = [Column(_t("stats.compliance.rule", lang), width=30),
               Column(_t("stats.compliance.period", lang), width=24),
               Column(_t("stats.compliance.required_hours", lang), HOURS),
               Column(_t("stats.compliance.met", lang), INTEGER), Column(_t("stats.compliance.roster", lang), INTEGER),
               Column(_t("stats.compliance.share", lang), PERCENT)]
    rows = [[_t(f"stats.rule.{c['rule']}", lang), period_label(c["period_type"], c["period"], lang),
             c["minutes"] / 60, c["met"], c["roster"], c["share"]] for c in dashboard.compliance]
    return Sheet(name=_t("stats.sheet.compliance", lang),
                 title=_title(lang, _t("stats.compliance.title", lang), dashboard), columns=columns, rows=rows)


def summary_sheet(dashboard: dashboards.Dashboard, lang: str) -> Sheet:
    t = dashboard.totals
    rows = [[_t("stats.measure.courses", lang), t.courses],
            [_t("stats.measure.offered_hours", lang), t.offered_minutes / 60],
            [_t("stats.measure.participants", lang), t.participants],
            [_t("stats.measure.distinct_teachers", lang), dashboard.distinct_teachers if dashboard.distinct_teachers
             is not None else _t("stats.measure.not_applicable", lang)],
            [_t("stats.measure.credited_hours", lang), t.credited_minutes / 60]]
    colon = ": " if lang == "en" else "："
    head = f"{_t('stats.report.annual', lang)}{colon}{scope_path(dashboard.breadcrumb, lang)}"
    return Sheet(name=_t("stats.sheet.summary", lang), title=_title(lang, head, dashboard, scope=False),
                 columns=[Column(_t("stats.report.item", lang), width=24), Column(_t("stats.report.value", lang),
                                                                                 HOURS, 18)],
                 rows=rows)


def annual_report(session: Session, actor: Actor, function: Function, school_year: int, *, county: str = "",
                  unit_id: int = 0, lang: str = "zh-TW", ip: str = "",
                  progress: Callable[[int, int], None] | None = None) -> tuple[str, bytes]:
    """統計年報 for one school year: summary, compliance and every breakdown, one sheet each.

    Raises:
        Forbidden: the function is not the actor's, or the county/unit is outside their scope.
        ExportFailed: the workbook could not be written (logged and audited; no file is returned).
    """
    filters = StatsFilters(period_type=PeriodType.SCHOOL, year=school_year)
    dashboard = dashboards.open_dashboard(session, actor, function, filters, county=county, unit_id=unit_id, ip=ip)
    if progress:
        progress(1, 3)
    scope = dashboard.breadcrumb[-1].target or "home"
    with _failures_told(actor, "statistics.annual_report", str(school_year), scope, school_year, lang, ip):
        sheets = [summary_sheet(dashboard, lang), compliance_sheet(dashboard, lang)]
        sheets += [table_sheet(dashboard, table, lang) for table in dashboards.TABLES if dashboard.tables.get(table)]
        if progress:
            progress(2, 3)
        data = write_workbook(sheets)
    audit.record(session, action="statistics.annual_report", actor=actor, target_type="stats",
                 target_id=str(school_year), after={"scope": scope, "lang": lang}, ip=ip)
    if progress:
        progress(3, 3)
    return f"tpd-annual-report-{school_year}{'-' + county if county else ''}.xlsx", data


def export_table_job(actor: Actor, function: Function, filters: StatsFilters, table: str, county: str,
                     unit_id: int, lang: str, ip: str) -> tuple[str, bytes]:
    """`export_table` in its own transaction: the unit of work `services.offload` runs in a worker process.

    Raises:
        Forbidden: as `export_table`.
        ExportFailed: as `export_table`.
    """
    with transaction() as session:
        return export_table(session, actor, function, filters, table, county=county, unit_id=unit_id, lang=lang,
                            ip=ip)
