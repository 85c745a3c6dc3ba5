"""State of the statistics dashboards: the URL holds scope and filters, services hold every number.

Drilling down is a navigation (`?county=TPE`, `?unit=42`), so on_load re-checks the scope on the
server each time and the browser's back button is the breadcrumb's twin. Queries run in a worker
thread (`asyncio.to_thread`), never on the event loop that serves other users.
"""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar
from urllib.parse import urlencode

import reflex as rx

from tpd_app import routes
from tpd_app.domain.courses import AudienceLevel, CourseKind
from tpd_app.domain.errors import DomainError, Forbidden, NotAuthenticated
from tpd_app.domain.permissions import Actor, Function
from tpd_app.domain.stats import PeriodType, StatsFilters, default_filters
from tpd_app.domain.timeutil import taipei_today
from tpd_app.i18n import translate, valid_lang
from tpd_app.services.courses.topics import topic_options
from tpd_app.services.platform import offload
from tpd_app.services.platform.db import transaction
from tpd_app.services.platform.uploads import XLSX_MIME
from tpd_app.services.stats import charts, dashboards, export
from tpd_app.services.stats.labels import crumb_label, period_label, row_label, scope_path
from tpd_app.state.base import AppState
from tpd_app.state.handlers import parse_id

KIND_VALUES: list[str] = [k.value for k in CourseKind]
LEVEL_VALUES: list[str] = [level.value for level in AudienceLevel]
REPORT_ROUTE = routes.STATS_REPORT
_STATS_FUNCTIONS = (Function.STATS_NATIONAL, Function.STATS_COUNTY, Function.STATS_SCHOOL,
                    Function.STATS_SUBJECT_CENTER)


def _int(raw: Any, default: int = 0) -> int:
    value = parse_id(raw) if isinstance(raw, str) else None
    return default if value is None else value


def _ym(raw: Any) -> int:
    """'2026-03' (a month input) → 202603; anything else → 0."""
    if isinstance(raw, str) and len(raw) == 7 and raw[4] == "-" and raw[:4].isdigit() and raw[5:].isdigit():
        month = int(raw[5:])
        return int(raw[:4]) * 100 + month if 1 <= month <= 12 else 0
    return 0


def filters_from(params: dict[str, Any], topics: set[str]) -> StatsFilters:
    """Filters from the URL, each value checked against what exists (the URL is the client's)."""
    base = default_filters(taipei_today())
    period = PeriodType.CALENDAR if params.get("period") == "calendar" else PeriodType.SCHOOL
    year = _int(params.get("year"), base.year)
    kind = params.get("kind", "")
    level = params.get("level", "")
    topic = params.get("topic", "")
    return StatsFilters(period_type=period, year=year if 80 <= year <= 200 else base.year,
                        month_from=_ym(params.get("from")), month_to=_ym(params.get("to")),
                        kind=kind if kind in KIND_VALUES else "", topic=topic if topic in topics else "",
                        level=level if level in LEVEL_VALUES else "")


def _fmt_int(n: int) -> str:
    return f"{n:,}"


def _fmt_hours(minutes: int) -> str:
    return f"{minutes / 60:,.1f}"


def _view_row(key: str, label: str, figures: dashboards.Figures) -> dict[str, str]:
    return {"key": key, "label": label, "courses": _fmt_int(figures.courses),
            "offered": _fmt_hours(figures.offered_minutes), "participants": _fmt_int(figures.participants),
            "credited": _fmt_hours(figures.credited_minutes), "participants_n": str(figures.participants)}


def _view_rows(dashboard: dashboards.Dashboard, table: str, lang: str) -> list[dict[str, str]]:
    return [_view_row(r.key, row_label(table, r, lang, area_kind=dashboard.area_kind, topics=dashboard.topic_names,
                                       in_progress=dashboard.trend_in_progress), r.figures)
            for r in dashboard.tables.get(table, [])]


def _compliance_view(compliance: list[dict[str, Any]], lang: str) -> list[dict[str, str]]:
    return [{"rule": translate(f"stats.rule.{c['rule']}", lang),
             "period": period_label(c["period_type"], c["period"], lang),
             "met": _fmt_int(c["met"]), "roster": _fmt_int(c["roster"]), "share": f"{c['share'] * 100:.1f}%"}
            for c in compliance]


def _target_link(base: str, target: str) -> str:
    """`base` (a dashboard URL with its filters) narrowed to a drill target ("county:XXX", "unit:N" or "")."""
    name, _, value = target.partition(":")
    if name not in ("county", "unit") or not value:
        return base
    return f"{base}{'&' if '?' in base else '?'}{urlencode({name: value})}"


def _load(actor: Actor, function: Function, filters: StatsFilters, county: str, unit_id: int,
          ip: str) -> dashboards.Dashboard:
    with transaction() as session:
        return dashboards.open_dashboard(session, actor, function, filters, county=county, unit_id=unit_id, ip=ip)


#: The area chart draws this many rows (a county has some 2,000 schools); its table lists them all.
AREA_CHART_ROWS = 30
#: Rows the area table shows before "show all" (rendering thousands of rows at once takes seconds).
AREA_TABLE_ROWS = 100


class StatsState(AppState):
    """One dashboard (national, county, school or subject-centre) for the signed-in viewer."""

    FUNCTION: ClassVar = _STATS_FUNCTIONS

    function_key: str = ""
    #: The way from the home scope to the one shown, as (name, drill target, message key naming it).
    _crumbs: list[tuple[str, str, str]] = []
    query: dict[str, str] = {}
    #: Whether a month range applies to the scope shown (a unit's rollups keep no months).
    months_apply: bool = True
    #: The dashboard's figures as the services gave them, in no language: the page's totals, compliance
    #: and tables are computed from them in the viewer's current language (switching it relabels them).
    _totals: tuple[int, int, int, int] = (0, 0, 0, 0)
    #: Distinct teachers, or -1 where the figure does not apply.
    _teachers: int = -1
    _compliance: list[dict[str, Any]] = []
    #: kind / topic / level / month / trend rows as (key, label, courses, offered min, participants, credited min).
    _tables: dict[str, list[tuple[str, str, int, int, int, int]]] = {}
    #: Every row of the area table as (key, label, courses, offered min, participants, credited min), kept on
    #: the server (a county has ~2,000 schools); the page gets the formatted `area_table_rows` it shows.
    _area_rows: list[tuple[str, str, int, int, int, int]] = []
    #: The dashboard URL without a county or unit, for the area rows' links.
    _link_base: str = ""
    #: The trend's row of the period still under way.
    _trend_in_progress: str = ""
    area_show_all: bool = False
    area_kind: str = ""
    topics: list[dict[str, str]] = []
    year_options: list[str] = []
    error_text: str = ""
    #: The table ("area", "kind", …, or "report") whose download failed: its message shows beside it.
    failed_export: str = ""
    report_running: bool = False
    report_progress: int = 0
    form_key: int = 0
    #: The URL the figures above belong to. The page shows them only while it is the browser's URL: a page
    #: opened again first receives the figures of its last visit, which must not be drawn (or believed).
    shown_url: str = ""

    def _filters(self) -> StatsFilters:
        codes = {t["code"] for t in self.topics}
        return filters_from(self.query, codes)

    async def _open(self, function: Function):
        self.error_text, self.failed_export = "", ""
        signed_in, event = self._enter_page(function)
        if signed_in is None:
            return event
        self.function_key = function.value
        self.topics = self._read(topic_options)
        params = self.router.url.query_parameters
        self.query = {k: v for k, v in params.items() if isinstance(v, str) and k in (
            "period", "year", "from", "to", "kind", "topic", "level", "county", "unit")}
        filters = self._filters()
        today_sy = default_filters(taipei_today()).year
        self.year_options = [str(y) for y in range(today_sy + 1, today_sy - 8, -1)]
        self.query.setdefault("year", str(filters.year))
        self.query.setdefault("period", filters.period_type.value)
        try:
            dashboard = await asyncio.to_thread(_load, signed_in.actor, function, filters,
                                                self.query.get("county", "")[:8], _int(self.query.get("unit")),
                                                self._client_ip())
        except Forbidden as refusal:
            self.page_status = "forbidden"
            self.forbidden_key = refusal.key
            return None
        self._show(dashboard)
        self.form_key += 1
        self.shown_url = str(self.router.url)
        return None

    def _link(self, target: str) -> str:
        """The dashboard URL for a breadcrumb/drill target ("", "county:XXX", "unit:N"), keeping the filters."""
        return _target_link(self._link_base, target)

    def _show(self, dashboard: dashboards.Dashboard) -> None:
        params = {k: v for k, v in self.query.items() if k not in ("county", "unit") and v}
        path = routes.FUNCTION_ROUTES[Function(self.function_key)]
        self._link_base = f"{path}?{urlencode(params)}" if params else path
        self._crumbs = [tuple(crumb) for crumb in dashboard.breadcrumb]  # type: ignore[misc]
        self.months_apply = dashboard.months_apply
        self._trend_in_progress = dashboard.trend_in_progress
        self._totals = tuple(dashboard.totals)  # type: ignore[assignment]
        self._teachers = -1 if dashboard.distinct_teachers is None else dashboard.distinct_teachers
        self._compliance = list(dashboard.compliance)
        self.area_kind = dashboard.area_kind
        self.area_show_all = False
        rows = {table: [(r.key, r.label, *r.figures) for r in dashboard.tables.get(table, [])]
                for table in dashboards.TABLES}
        self._area_rows = rows.pop("area")
        self._tables = rows

    @rx.var
    def scope_title(self) -> str:
        """The scope shown, named once (in the viewer's language), as the page's heading."""
        if not self._crumbs:
            return ""
        return crumb_label(dashboards.Crumb(*self._crumbs[-1]), valid_lang(self.lang))

    @rx.var
    def breadcrumb(self) -> list[dict[str, str]]:
        """The wider scopes above the one shown, each a link back (none on the home scope)."""
        lang = valid_lang(self.lang)
        return [{"label": crumb_label(dashboards.Crumb(*crumb), lang), "href": self._link(crumb[1])}
                for crumb in self._crumbs[:-1]]

    @rx.var
    def totals(self) -> dict[str, str]:
        courses, offered, participants, credited = self._totals
        teachers = (translate("stats.measure.not_applicable", valid_lang(self.lang)) if self._teachers < 0
                    else _fmt_int(self._teachers))
        return {"courses": _fmt_int(courses), "offered": _fmt_hours(offered), "participants": _fmt_int(participants),
                "credited": _fmt_hours(credited), "teachers": teachers}

    @rx.var
    def compliance(self) -> list[dict[str, str]]:
        return _compliance_view(self._compliance, valid_lang(self.lang))

    def _table_view(self, table: str) -> list[dict[str, str]]:
        """A table's rows labelled in the viewer's language (kinds, levels; topics by their English name)."""
        lang = valid_lang(self.lang)
        english = {t["code"]: t["name_en"] for t in self.topics if t.get("name_en")} if lang == "en" else {}
        rows = []
        for key, label, *figures in self._tables.get(table, []):
            shown = english.get(key, label) if table == "topic" else label
            row = dashboards.Row(key, shown, dashboards.Figures(*figures))
            rows.append(_view_row(key, row_label(table, row, lang, in_progress=self._trend_in_progress), row.figures))
        return rows

    @rx.var
    def kind_rows(self) -> list[dict[str, str]]:
        return self._table_view("kind")

    @rx.var
    def topic_rows(self) -> list[dict[str, str]]:
        return self._table_view("topic")

    @rx.var
    def level_rows(self) -> list[dict[str, str]]:
        return self._table_view("level")

    @rx.var
    def month_rows(self) -> list[dict[str, str]]:
        return self._table_view("month")

    @rx.var
    def trend_rows(self) -> list[dict[str, str]]:
        return self._table_view("trend")

    @rx.event
    async def load_national(self):
        return await self._open(Function.STATS_NATIONAL)

    @rx.event
    async def load_county(self):
        return await self._open(Function.STATS_COUNTY)

    @rx.event
    async def load_school(self):
        return await self._open(Function.STATS_SCHOOL)

    @rx.event
    async def load_subject_center(self):
        return await self._open(Function.STATS_SUBJECT_CENTER)

    @rx.event
    def apply_filters(self, form: dict[str, Any]):
        """Navigate to the same scope with the submitted filters (validated again on load)."""
        if not isinstance(form, dict) or self.function_key not in {f.value for f in _STATS_FUNCTIONS}:
            return None
        keep = {k: v for k, v in self.query.items() if k in ("county", "unit")}
        fields = {k: str(form.get(k, ""))[:10] for k in ("period", "year", "from", "to", "kind", "topic", "level")}
        params = {**keep, **{k: v for k, v in fields.items() if v}}
        path = routes.FUNCTION_ROUTES[Function(self.function_key)]
        return rx.redirect(f"{path}?{urlencode(params)}")

    @rx.event
    def drill(self, points: list[dict[str, Any]]):
        """A click on the area chart: open the county or unit under the bar (the server re-checks scope)."""
        if not isinstance(points, list) or not points or not isinstance(points[0], dict):
            return None
        label = str(points[0].get("x", ""))
        key = next((r["key"] for r in self._area_view(self._area_rows, links=False) if r["label"] == label), None)
        if key is None or self.area_kind not in ("county", "unit"):
            return None
        target = f"{self.area_kind}:{key}"
        return rx.redirect(self._link(target))

    @rx.event(background=True)
    async def download(self, table: str):
        """The table the viewer is looking at, as .xlsx (same scoped query as the page), written in the
        export process while the tab's state stays free (a national table takes seconds)."""
        async with self:
            try:
                signed_in = self._actor_or_raise()
                function = Function(self.function_key)
            except NotAuthenticated:
                return self._login_redirect()
            except ValueError:
                return None
            self.error_text, self.failed_export = "", ""
            table = str(table)[:32]
            job = (export.export_table_job, signed_in.actor, function, self._filters(), table,
                   self.query.get("county", "")[:8], _int(self.query.get("unit")), valid_lang(self.lang),
                   self._client_ip())
        try:
            name, data = await offload.run(*job)
        except DomainError as error:
            async with self:
                self.error_text = self._error_text(error)
                self.failed_export = table if isinstance(error, export.ExportFailed) else ""
            return None
        except Exception as error:  # the export's process itself failed (killed, out of memory): say so
            failure = await asyncio.to_thread(export.export_failed, signed_in.actor, "statistics.export", table,
                                              error, ip=job[-1])
            async with self:
                self.error_text, self.failed_export = self._error_text(failure), table
            return None
        return rx.download(data=data, filename=name, mime_type=XLSX_MIME)

    @rx.event(background=True)
    async def annual_report(self):
        """統計年報 of the selected school year, built off the event loop with a progress bar."""
        async with self:
            if self.report_running:
                return
            try:
                actor = self._actor_or_raise().actor
                function = Function(self.function_key)
            except (NotAuthenticated, ValueError):
                return
            self.report_running, self.report_progress, self.error_text, self.failed_export = True, 5, "", ""
            filters = self._filters()
            county, unit_id = self.query.get("county", "")[:8], _int(self.query.get("unit"))
            lang, ip = valid_lang(self.lang), self._client_ip()
        loop = asyncio.get_running_loop()
        progress: list[int] = []

        def build() -> tuple[str, bytes]:
            with transaction() as session:
                return export.annual_report(session, actor, function, filters.year, county=county,
                                                  unit_id=unit_id, lang=lang, ip=ip,
                                                  progress=lambda done, total: progress.append(done * 100 // total))
        task = loop.run_in_executor(None, build)
        while not task.done():
            await asyncio.sleep(0.2)
            async with self:
                self.report_progress = max([self.report_progress, *progress])
        try:
            name, data = await task
        except Exception as error:  # the flag comes down and the viewer is told, whatever happened
            if not isinstance(error, DomainError):
                error = await asyncio.to_thread(export.export_failed, actor, "statistics.annual_report",
                                                str(filters.year), error, ip=ip)
            async with self:
                self.report_running = False
                self.error_text = self._error_text(error)
                self.failed_export = "report" if isinstance(error, export.ExportFailed) else ""
            return
        async with self:
            self.report_running, self.report_progress = False, 100
        yield rx.download(data=data, filename=name, mime_type=XLSX_MIME)

    @rx.var
    def report_href(self) -> str:
        params = {k: v for k, v in self.query.items() if k in ("year", "county", "unit") and v}
        params["fn"] = self.function_key
        return f"{REPORT_ROUTE}?{urlencode(params)}"

    def _area_view(self, rows: list[tuple[str, str, int, int, int, int]], *, links: bool = True
                   ) -> list[dict[str, str]]:
        """Formatted area rows labelled in the viewer's language; with `links`, each with its drill-down URL
        (the chart needs none; units filed under no county have no page of their own)."""
        drill = links and self.area_kind in ("county", "unit")
        lang = valid_lang(self.lang)
        views = []
        for key, label, *figures in rows:
            row = dashboards.Row(key, label, dashboards.Figures(*figures))
            views.append({**_view_row(key, row_label("area", row, lang, area_kind=self.area_kind), row.figures),
                          "href": _target_link(self._link_base, f"{self.area_kind}:{key}") if drill and key else ""})
        return views

    @rx.var
    def area_heading_key(self) -> str:
        return export.table_heading_key("area", self.area_kind)

    @rx.var
    def area_figure(self) -> dict[str, Any]:
        return charts.participants_chart(self._area_view(self._area_rows[:AREA_CHART_ROWS], links=False), self.lang,
                                         "bar", f"stats.area.{self.area_kind or 'county'}")

    @rx.var
    def area_table_rows(self) -> list[dict[str, str]]:
        return self._area_view(self._area_rows if self.area_show_all else self._area_rows[:AREA_TABLE_ROWS])

    @rx.var
    def area_more_label(self) -> str:
        """The "show all" button's text, or "" when every row is shown."""
        if self.area_show_all or len(self._area_rows) <= AREA_TABLE_ROWS:
            return ""
        return translate("stats.area.show_all", valid_lang(self.lang)).format(
            shown=AREA_TABLE_ROWS, count=f"{len(self._area_rows):,}")

    @rx.var
    def area_chart_note(self) -> str:
        if len(self._area_rows) <= AREA_CHART_ROWS:
            return ""
        return translate("stats.chart.top_rows", valid_lang(self.lang)).format(count=AREA_CHART_ROWS)

    @rx.event
    def show_all_area(self):
        """List every row of the area table (they are already in this viewer's state)."""
        self.area_show_all = True

    @rx.var
    def kind_figure(self) -> dict[str, Any]:
        return charts.participants_chart(self.kind_rows, self.lang, "bar", "stats.table.kind.label")

    @rx.var
    def topic_figure(self) -> dict[str, Any]:
        return charts.participants_chart(self.topic_rows, self.lang, "bar", "stats.table.topic.label")

    @rx.var
    def level_figure(self) -> dict[str, Any]:
        return charts.participants_chart(self.level_rows, self.lang, "bar", "stats.table.level.label")

    @rx.var
    def month_figure(self) -> dict[str, Any]:
        return charts.participants_chart(self.month_rows, self.lang, "line", "stats.table.month.label")

    @rx.var
    def trend_figure(self) -> dict[str, Any]:
        return charts.participants_chart(self.trend_rows, self.lang, "line", "stats.table.trend.label")


class StatsReportState(AppState):
    """The printable annual report: every table of one school year, no charts."""

    FUNCTION: ClassVar = _STATS_FUNCTIONS

    function_key: str = ""
    year: str = ""
    #: The scope's way (as `StatsState._crumbs`), the compliance rules and every table's rows in no language:
    #: the page names them in the viewer's current one.
    _crumbs: list[tuple[str, str, str]] = []
    _compliance: list[dict[str, Any]] = []
    totals: dict[str, str] = {}
    #: The report's figures as the service gave them (a few dozen rows: the report is one school year).
    _dashboard: dashboards.Dashboard | None = None

    @rx.event
    async def load(self):
        params = self.router.url.query_parameters
        try:
            function = Function(params.get("fn", ""))
        except ValueError:
            return rx.redirect(routes.DASHBOARD)
        if function not in _STATS_FUNCTIONS:
            return rx.redirect(routes.DASHBOARD)
        signed_in, event = self._enter_page(function)
        if signed_in is None:
            return event
        filters = StatsFilters(period_type=PeriodType.SCHOOL,
                               year=_int(params.get("year"), default_filters(taipei_today()).year))
        try:
            dashboard = await asyncio.to_thread(_load, signed_in.actor, function, filters,
                                                str(params.get("county", ""))[:8], _int(params.get("unit")),
                                                self._client_ip())
        except Forbidden as refusal:
            self.page_status, self.forbidden_key = "forbidden", refusal.key
            return None
        self.function_key, self.year = function.value, str(filters.year)
        self._crumbs = [tuple(crumb) for crumb in dashboard.breadcrumb]  # type: ignore[misc]
        t = dashboard.totals
        self.totals = {"courses": _fmt_int(t.courses), "offered": _fmt_hours(t.offered_minutes),
                       "participants": _fmt_int(t.participants), "credited": _fmt_hours(t.credited_minutes),
                       "teachers": "—" if dashboard.distinct_teachers is None
                       else _fmt_int(dashboard.distinct_teachers)}
        self._compliance = list(dashboard.compliance)
        self._dashboard = dashboard
        return None

    @rx.var
    def title(self) -> str:
        """The report's heading: the scope (named once) and the school year."""
        lang = valid_lang(self.lang)
        scope = scope_path([dashboards.Crumb(*c) for c in self._crumbs], lang)
        return translate("stats.report.heading", lang, scope=scope, year=self.year) if self._crumbs else ""

    @rx.var
    def compliance(self) -> list[dict[str, str]]:
        return _compliance_view(self._compliance, valid_lang(self.lang))

    @rx.var
    def rows(self) -> list[dict[str, str]]:
        """Every table's rows in page order, labelled in the viewer's language; a "heading" row starts a table."""
        dashboard = self._dashboard
        if dashboard is None:
            return []
        lang = valid_lang(self.lang)
        rows: list[dict[str, str]] = []
        for table in dashboards.TABLES:
            if dashboard.tables.get(table):
                heading = export.table_heading_key(table, dashboard.area_kind)
                rows.append({"kind": "heading", "label": translate(heading, lang)})
                rows += [{**r, "kind": "row"} for r in _view_rows(dashboard, table, lang)]
        return rows
