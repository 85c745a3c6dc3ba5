"""統計圖表 (national, county, school, subject centre) and the printable annual report (SPEC §3.6)."""

from __future__ import annotations

import plotly.graph_objects as go
import reflex as rx

from tpd_app import routes
from tpd_app.components import tokens
from tpd_app.components.i18n import tr
from tpd_app.components.lazy import when_visible
from tpd_app.components.shell import app_shell, loading_panel
from tpd_app.components.tables import data_table
from tpd_app.domain.permissions import Function
from tpd_app.state.base import AppState
from tpd_app.state.stats import KIND_VALUES, LEVEL_VALUES, REPORT_ROUTE, StatsReportState, StatsState

S = StatsState
_SELECT = {"padding": "0.35rem", "border": tokens.BORDER, "border_radius": tokens.RADIUS, "background": "white"}
_MEASURES = (("courses", "stats.measure.courses"), ("offered", "stats.measure.offered_hours"),
             ("participants", "stats.measure.participants"), ("credited", "stats.measure.credited_hours"))


def _labelled(label_key: str, control: rx.Component) -> rx.Component:
    return rx.el.label(rx.vstack(rx.text(tr(label_key), size="1", weight="medium"), control, spacing="1"))


def _select(name: str, options: list[rx.Component], testid: str) -> rx.Component:
    return rx.el.select(*options, name=name, default_value=S.query[name].to(str), style=_SELECT,
                        data_testid=testid)


def filters() -> rx.Component:
    all_option = rx.el.option(tr("stats.filter.all"), value="")
    return rx.form(
        rx.hstack(
            _labelled("stats.filter.period_type", _select("period", [
                rx.el.option(tr("stats.period.school_year"), value="school"),
                rx.el.option(tr("stats.period.calendar_year"), value="calendar")], "filter-period")),
            _labelled("stats.filter.year", rx.el.select(
                rx.foreach(S.year_options, lambda y: rx.el.option(y, value=y)), name="year",
                default_value=S.query["year"].to(str), style=_SELECT, data_testid="filter-year")),
            # A month range only where the rollups keep months (national, county): elsewhere it would be ignored.
            rx.cond(S.months_apply, _labelled("stats.filter.from", rx.input(
                type="month", name="from", default_value=S.query["from"].to(str), data_testid="filter-from"))),
            rx.cond(S.months_apply, _labelled("stats.filter.to", rx.input(
                type="month", name="to", default_value=S.query["to"].to(str), data_testid="filter-to"))),
            _labelled("stats.filter.kind", _select("kind", [all_option] + [
                rx.el.option(tr(f"course.kind.{k}"), value=k) for k in KIND_VALUES], "filter-kind")),
            _labelled("stats.filter.topic", rx.el.select(
                all_option, rx.foreach(S.topics, lambda t: rx.el.option(
                    rx.cond(AppState.ui_lang == "en", t["name_en"], t["name_zh"]), value=t["code"])),
                name="topic", default_value=S.query["topic"].to(str), style=_SELECT, data_testid="filter-topic")),
            _labelled("stats.filter.level", _select("level", [all_option] + [
                rx.el.option(tr(f"course.level.{v}"), value=v) for v in LEVEL_VALUES], "filter-level")),
            rx.button(rx.icon("filter", size=14), tr("stats.filter.apply"), type="submit", data_testid="filter-apply"),
            wrap="wrap", spacing="3", align="end",
        ),
        on_submit=S.apply_filters,
        key=S.form_key,
    )


def breadcrumb() -> rx.Component:
    """The wider scopes above the one shown, as links back up; the scope itself is named by the heading."""
    return rx.cond(
        S.breadcrumb.length() > 0,
        rx.el.nav(
            rx.hstack(
                rx.text(tr("stats.back_to"), color=tokens.MUTED, size="2"),
                rx.foreach(S.breadcrumb, lambda c, i: rx.hstack(
                    rx.cond(i > 0, rx.text("›", color=tokens.MUTED, aria_hidden="true")),
                    rx.link(c["label"], href=c["href"], data_testid="crumb"),
                    spacing="2", align="center")),
                spacing="2", wrap="wrap", align="center",
            ),
            aria_label=tr("stats.scope.up"),
            data_testid="breadcrumb",
        ),
    )


def page_heading() -> rx.Component:
    """The page's h1 names the scope shown, once: 統計圖表：臺北市 (only for the figures of this URL)."""
    return rx.heading(
        tr("stats.page.title"),
        rx.cond(S.shown_url == rx.State.router.url,
                rx.fragment(tr("stats.page.separator"), rx.el.span(S.scope_title, data_testid="scope-title"))),
        size="6", as_="h1",
    )


def _card(label_key: str, value: rx.Var, testid: str) -> rx.Component:
    return rx.card(rx.vstack(rx.text(tr(label_key), size="1", color=tokens.MUTED),
                             rx.text(value, size="6", weight="bold", data_testid=testid), spacing="1"),
                   min_width="9rem")


def summary() -> rx.Component:
    return rx.hstack(
        _card("stats.measure.courses", S.totals["courses"], "total-courses"),
        _card("stats.measure.offered_hours", S.totals["offered"], "total-offered"),
        _card("stats.measure.participants", S.totals["participants"], "total-participants"),
        _card("stats.measure.distinct_teachers", S.totals["teachers"], "total-teachers"),
        _card("stats.measure.credited_hours", S.totals["credited"], "total-credited"),
        wrap="wrap", spacing="3",
    )


def _share_bar(share: rx.Var) -> rx.Component:
    """A small bar as wide as the share (decorative: the number beside it carries the meaning)."""
    # Hidden on a phone, where its 6rem squeezed the figures' columns to one character a line.
    return rx.box(rx.box(width=share, height="100%", background=f"var(--{tokens.ACCENT}-9)"),
                  width="6rem", height="0.5rem", background="var(--gray-4)", border_radius=tokens.RADIUS,
                  overflow="hidden", aria_hidden="true", display=["none", "block"])


def _measure_headers() -> list[rx.Component]:
    return [rx.table.column_header_cell(tr(k), text_align="right") for _, k in _MEASURES]


def _export_failure(table: str) -> rx.Component:
    """The message of a failed download, beside the button that asked for it."""
    return rx.cond(S.failed_export == table, rx.callout(
        S.error_text, icon="triangle-alert", color_scheme=tokens.DANGER, role="alert",
        data_testid=f"export-error-{table}", width="100%"))


def _compliance_row(c: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(c["rule"]), rx.table.cell(c["period"]), rx.table.cell(c["met"]),
        rx.table.cell(c["roster"]),
        rx.table.cell(rx.hstack(_share_bar(c["share"]), rx.text(c["share"]), align="center")),
    )


def compliance() -> rx.Component:
    return rx.cond(
        S.compliance.length() > 0,
        rx.vstack(
            rx.heading(tr("stats.compliance.title"), size="4", as_="h2"),
            data_table(("stats.compliance.rule", "stats.compliance.period", "stats.compliance.met",
                        "stats.compliance.roster", "stats.compliance.share"), S.compliance, _compliance_row,
                       testid="compliance-table", empty_key=None),
            width="100%",
        ),
    )


def figures_table(rows: rx.Var, first_key: str | rx.Var, testid: str, *, drill: bool = False) -> rx.Component:
    """The chart's numbers as an accessible table; drillable rows link to their county or unit (keyboard users)."""
    return data_table(
        (first_key, *_measure_headers()), rows, lambda r: rx.table.row(
            rx.table.row_header_cell(rx.link(r["label"], href=r["href"], data_testid="drill-link")
                                     if drill else r["label"]),
            *[rx.table.cell(r[name], text_align="right") for name, _ in _MEASURES],
            data_testid=f"{testid}-row",
        ),
        testid=testid, empty_key=None, caption_key="stats.chart.table_caption", max_height="24rem",
    )


def section(table: str, rows: rx.Var, figure: rx.Var, first_key: str | rx.Var, *, drill: bool = False,
            table_rows: rx.Var | None = None, heading_key: str | rx.Var = "") -> rx.Component:
    """A breakdown: chart, its table (`table_rows` when the table shows a part at first), Excel download."""
    heading = heading_key if isinstance(heading_key, rx.Var) or heading_key else f"stats.table.{table}"
    click = {"on_click": S.drill} if drill else {}
    # The state sends the figure as plotly JSON (a dict), which is what rx.plotly renders.
    # An empty template: rx.plotly's default merges plotly's whole theme into every chart, restyling each label.
    chart = rx.plotly.basic(data=figure.to(go.Figure), template=go.layout.Template(), width="100%", height="300px",
                            config={"displaylogo": False, "responsive": True}, **click)
    hint = [rx.text(tr("stats.chart.hint"), size="1", color=tokens.MUTED)] if drill else []
    more: list[rx.Component] = []
    if table_rows is not None:
        hint.append(rx.cond(S.area_chart_note != "", rx.text(S.area_chart_note, size="1", color=tokens.MUTED,
                                                             data_testid="area-chart-note")))
        more.append(rx.cond(S.area_more_label != "", rx.button(
            S.area_more_label, on_click=S.show_all_area, size="1", variant="soft", data_testid="area-show-all")))
    return rx.cond(
        rows.length() > 0,
        rx.vstack(
            rx.hstack(
                rx.heading(tr(heading), size="4", as_="h2"),
                rx.spacer(),
                rx.button(rx.icon("file-spreadsheet", size=14), tr("stats.export.xlsx"), size="1", variant="soft",
                          on_click=S.download(table), data_testid=f"download-{table}"),
                width="100%", align="center",
            ),
            _export_failure(table),
            *hint,
            # `contain` keeps plotly's label measurements from laying out the rest of the page.
            rx.box(when_visible(chart, min_height="300px"), width="100%", role="figure",
                   aria_label=tr(heading), contain="content",
                   data_testid=f"chart-{table}"),
            figures_table(rows if table_rows is None else table_rows, first_key, f"table-{table}", drill=drill),
            *more,
            width="100%", spacing="2",
        ),
    )


def report_tools() -> rx.Component:
    return rx.hstack(
        rx.button(rx.icon("book-open", size=14), tr("stats.report.generate"), on_click=S.annual_report,
                  loading=S.report_running, data_testid="annual-report"),
        rx.cond(S.report_running, rx.hstack(rx.progress(value=S.report_progress, max=100, width="10rem"),
                                            rx.text(tr("stats.report.progress"), size="1"), align="center",
                                            data_testid="report-progress")),
        rx.link(rx.hstack(rx.icon("printer", size=14), tr("stats.report.print"), spacing="1", align="center"),
                href=S.report_href, data_testid="report-print"),
        _export_failure("report"),
        spacing="3", align="center", wrap="wrap", width="100%",
    )


def dashboard() -> rx.Component:
    """The figures of this URL; until they arrive, a spinner (never the last visit's figures)."""
    return rx.cond(S.shown_url == rx.State.router.url, figures(), loading_panel())


def figures() -> rx.Component:
    area_key = rx.cond(S.area_kind == "unit", "stats.area.unit", "stats.area.county")
    return rx.vstack(
        breadcrumb(),
        filters(),
        rx.cond((S.error_text != "") & (S.failed_export == ""), rx.callout(
            S.error_text, icon="triangle-alert", color_scheme=tokens.DANGER, role="alert", data_testid="stats-error")),
        summary(),
        rx.text(rx.cond(S.months_apply, tr("stats.note.distinct"), tr("stats.note.distinct_unit")), size="1",
                color=tokens.MUTED),
        report_tools(),
        compliance(),
        section("area", S.area_table_rows, S.area_figure, area_key, drill=True, table_rows=S.area_table_rows,
                heading_key=S.area_heading_key),
        section("kind", S.kind_rows, S.kind_figure, "stats.table.kind.label"),
        section("topic", S.topic_rows, S.topic_figure, "stats.table.topic.label"),
        section("level", S.level_rows, S.level_figure, "stats.table.level.label"),
        section("month", S.month_rows, S.month_figure, "stats.table.month.label"),
        section("trend", S.trend_rows, S.trend_figure, "stats.table.trend.label"),
        spacing="4", width="100%",
    )


_TITLE = "統計圖表 | 全國教師在職進修資訊網"


@rx.page(route=routes.FUNCTION_ROUTES[Function.STATS_NATIONAL], on_load=S.load_national, title=_TITLE)
def national_page() -> rx.Component:
    return app_shell("func.stats.national", dashboard(), heading=page_heading())


@rx.page(route=routes.FUNCTION_ROUTES[Function.STATS_COUNTY], on_load=S.load_county, title=_TITLE)
def county_page() -> rx.Component:
    return app_shell("func.stats.county", dashboard(), heading=page_heading())


@rx.page(route=routes.FUNCTION_ROUTES[Function.STATS_SCHOOL], on_load=S.load_school, title=_TITLE)
def school_page() -> rx.Component:
    return app_shell("func.stats.school", dashboard(), heading=page_heading())


@rx.page(route=routes.FUNCTION_ROUTES[Function.STATS_SUBJECT_CENTER], on_load=S.load_subject_center, title=_TITLE)
def subject_center_page() -> rx.Component:
    return app_shell("func.stats.subject_center", dashboard(), heading=page_heading())


R = StatsReportState


def _report_row(r: rx.Var) -> rx.Component:
    return rx.cond(
        r["kind"] == "heading",
        rx.table.row(rx.table.cell(rx.text(r["label"], weight="bold", size="3"), col_span=5,
                                   style={"padding_top": "1rem"})),
        rx.table.row(rx.table.row_header_cell(r["label"]),
                     *[rx.table.cell(r[name], text_align="right") for name, _ in _MEASURES]),
    )


def _report_compliance_row(c: rx.Var) -> rx.Component:
    return rx.table.row(rx.table.row_header_cell(c["rule"]), rx.table.cell(c["period"]), rx.table.cell(c["met"]),
                        rx.table.cell(c["roster"]), rx.table.cell(c["share"]))


@rx.page(route=REPORT_ROUTE, on_load=R.load, title="統計年報 | 全國教師在職進修資訊網")
def report_page() -> rx.Component:
    return app_shell(
        "stats.report.annual",
        rx.vstack(
            rx.heading(R.title, size="5", as_="h2", data_testid="report-title"),
            rx.button(rx.icon("printer", size=14), tr("stats.report.print"), on_click=rx.call_script("window.print()"),
                      class_name="no-print", variant="soft"),
            rx.hstack(*[rx.vstack(rx.text(tr(k), size="1"), rx.text(R.totals[name], weight="bold"), spacing="0")
                        for name, k in (*_MEASURES, ("teachers", "stats.measure.distinct_teachers"))],
                      spacing="5", wrap="wrap"),
            data_table(("stats.compliance.rule", "stats.compliance.period", "stats.compliance.met",
                        "stats.compliance.roster", "stats.compliance.share"), R.compliance, _report_compliance_row,
                       empty_key=None, variant="ghost"),
            data_table(("", *_measure_headers()), R.rows, _report_row, testid="report-table", empty_key=None,
                       variant="ghost"),
            rx.el.style("@media print { header, nav, footer, .no-print { display: none !important; } }"),
            width="100%", spacing="4",
        ),
    )
