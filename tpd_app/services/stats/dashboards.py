"""Scoped statistics queries (SPEC §3.6): every dashboard figure, chart, table and export comes from here.

`open_dashboard` checks the function, decides the scope (`domain.stats`) and reads the rollup
tables through `_scope_clause`, the one place that turns a scope into SQL; nothing reads the
hours ledger per request.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlmodel import Session, col, select

from tpd_app.domain.compliance import NATIONAL_DEFAULTS, Period, rules_for_county
from tpd_app.domain.courses import CourseKind
from tpd_app.domain.errors import Forbidden
from tpd_app.domain.permissions import Actor, Function
from tpd_app.domain.stats import (
    ALL_TOPICS,
    PeriodType,
    ScopeLevel,
    Side,
    StatsFilters,
    StatsScope,
    home_scope,
    keeps_months,
    may_open_county,
    may_open_unit,
    unit_scope,
    ym_of,
)
from tpd_app.domain.timeutil import taipei_today
from tpd_app.domain.training_years import school_year_of
from tpd_app.domain.units import COUNTIES, SchoolLevel, county_name
from tpd_app.models import (
    DIST_CAP_MINUTES,
    CourseTopic,
    StatsMonth,
    StatsRoster,
    StatsTeacherDist,
    StatsTeacherPeriod,
    StatsUnit,
    StatsUnitYear,
    StatsYear,
    Unit,
)
from tpd_app.services.platform import audit
from tpd_app.services.platform.guard import require, unit_ref
from tpd_app.services.platform.refcache import KeyedCache
from tpd_app.services.stats.rollups import EVERY

#: The breakdown tables of a dashboard, in page order (also the export's table names).
TABLES: tuple[str, ...] = ("area", "kind", "topic", "level", "month", "trend")


class Figures(NamedTuple):
    """One row of figures: courses held, minutes offered, participants (人次), minutes credited.

    A named tuple, not a frozen dataclass: a county page makes one per school (~2,000), and a named
    tuple is built about four times faster."""

    courses: int = 0
    offered_minutes: int = 0
    participants: int = 0
    credited_minutes: int = 0


_NOTHING = Figures()


class Row(NamedTuple):
    """A labelled row of a breakdown; `key` drills down (a county code or a unit id) where allowed."""

    key: str
    label: str
    figures: Figures


class Crumb(NamedTuple):
    """One step of the way to a scope: its name, its drill target ("" | "county:XXX" | "unit:N") and, for
    the scopes that are not proper names (the country, a county), the message key that names it."""

    label: str
    target: str
    name_key: str = ""


#: The message key naming the national scope (全國 / Nationwide).
NATIONAL_NAME_KEY = "stats.scope.national"
#: The area table's row of units filed under no county (none in the directory today, but the national
#: table must still add up to the national total if one ever is).
NO_COUNTY = ""


@dataclass
class Dashboard:
    """Everything one dashboard shows for one scope and filter set."""

    scope: StatsScope
    title: str
    breadcrumb: list[Crumb]
    totals: Figures
    distinct_teachers: int | None
    compliance: list[dict[str, Any]]
    tables: dict[str, list[Row]] = field(default_factory=dict)
    #: What the area table's rows are ("county", "unit" or "" when there is none).
    area_kind: str = ""
    #: The filters the figures were computed with: those asked for, less what the scope cannot apply
    #: (a month range where the rollups keep no months), so titles never claim a filter that was ignored.
    filters: StatsFilters = field(default_factory=StatsFilters)
    #: Whether a month range applies to this scope (the page offers one only then).
    months_apply: bool = True
    #: Topic names by code, (zh-TW, English), for the topic table's labels.
    topic_names: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: The trend row of the period still under way (its figures are so far, not the year's): its key.
    trend_in_progress: str = ""


def _forbid(actor: Actor, function: Function, detail: str, ip: str) -> Forbidden:
    audit.record_now(action="access.denied", actor=actor, outcome="denied", target_type="function",
                     target_id=function.value, after={"reason": "jurisdiction", "detail": detail[:200]}, ip=ip)
    return Forbidden("error.forbidden.jurisdiction")


def resolve_scope(session: Session, actor: Actor, function: Function, *, county: str = "", unit_id: int = 0,
                  ip: str = "") -> tuple[StatsScope, list[Crumb]]:
    """The scope to show and its breadcrumb, from the home scope to it, after every check.

    Raises:
        Forbidden: the function is not the actor's, or the county/unit lies outside their scope.
    """
    scope, crumbs = _checked_scope(session, actor, function, county=county, unit_id=unit_id, ip=ip)
    if scope.level is ScopeLevel.UNIT:
        merged = session.exec(select(Unit.id).where(Unit.merged_into_id == scope.unit_id)).all()
        scope = replace(scope, unit_ids=(scope.unit_id, *sorted(u for u in merged if u)))
    return scope, crumbs


def _checked_scope(session: Session, actor: Actor, function: Function, *, county: str, unit_id: int,
                   ip: str) -> tuple[StatsScope, list[Crumb]]:
    require(actor, function, ip=ip, detail="stats")
    home = home_scope(actor, function)
    crumbs = [_home_crumb(session, home)]
    if unit_id:
        unit = session.get(Unit, unit_id)
        if unit is None or not (may_open_unit(actor, home, unit_ref(unit)) or _merged_into(session, unit, home)):
            raise _forbid(actor, function, f"unit:{unit_id}", ip)
        if home.level is ScopeLevel.NATIONAL and unit.county:
            crumbs.append(_county_crumb(unit.county, f"county:{unit.county}"))
        if home.level is not ScopeLevel.UNIT or unit.id != home.unit_id:
            crumbs.append(Crumb(unit.name, f"unit:{unit.id}"))
        return unit_scope(unit_ref(unit)), crumbs
    if county:
        if not may_open_county(home, county):
            raise _forbid(actor, function, f"county:{county}", ip)
        if home.level is ScopeLevel.NATIONAL:
            crumbs.append(_county_crumb(county, f"county:{county}"))
        return StatsScope(ScopeLevel.COUNTY, county=county), crumbs
    return home, crumbs


def _county_crumb(county: str, target: str) -> Crumb:
    return Crumb(county_name(county), target, f"county.{county}" if county in COUNTIES else "")


def _merged_into(session: Session, unit: Unit, home: StatsScope) -> bool:
    """A school's own dashboard keeps reaching the schools merged into it."""
    return home.level is ScopeLevel.UNIT and unit.merged_into_id == home.unit_id


def _home_crumb(session: Session, scope: StatsScope) -> Crumb:
    if scope.level is ScopeLevel.NATIONAL:
        return Crumb("全國", "", NATIONAL_NAME_KEY)
    if scope.level is ScopeLevel.COUNTY:
        return _county_crumb(scope.county, "")
    unit = session.get(Unit, scope.unit_id or scope.reviewer_id)
    return Crumb(unit.name if unit else "", "")


def _unit_ids_clause(scope: StatsScope, column: Any) -> Any:
    if scope.level is ScopeLevel.REVIEWED:
        return column.in_(select(Unit.id).where(Unit.reviewer_id == scope.reviewer_id))
    if scope.unit_ids:
        # A literal list: the planner then walks the per-unit index (a subquery made it scan the table).
        return column.in_(list(scope.unit_ids))
    return column.in_(select(Unit.id).where((col(Unit.id) == scope.unit_id)
                                            | (col(Unit.merged_into_id) == scope.unit_id)))


def _scope_clause(scope: StatsScope, table: Any) -> Any:
    """The one translation of a scope into SQL, for every rollup table."""
    if scope.level is ScopeLevel.NATIONAL:
        return sa.true()
    if scope.level is ScopeLevel.COUNTY:
        return table.c.county == scope.county
    return _unit_ids_clause(scope, table.c.unit_id)


def _uses_month_table(scope: StatsScope) -> bool:
    return keeps_months(scope)


def _filter_clauses(table: Any, filters: StatsFilters, *, with_period: bool = True,
                    with_months: bool = True) -> list[Any]:
    clauses = [table.c.topic == (filters.topic or ALL_TOPICS)]
    if filters.kind:
        clauses.append(table.c.kind == filters.kind)
    if filters.level:
        clauses.append(table.c.level == filters.level)
    calendar = filters.period_type is PeriodType.CALENDAR
    if "period_type" in table.c:
        clauses.append(table.c.period_type == filters.period_type.value)
        if with_period:
            clauses.append(table.c.period == (filters.calendar_year_ad if calendar else filters.year))
    elif with_period:
        if calendar:
            clauses.append(table.c.calendar_year == filters.calendar_year_ad)
        else:
            clauses.append(table.c.school_year == filters.year)
    if with_months and "ym" in table.c:
        if filters.month_from:
            clauses.append(table.c.ym >= filters.month_from)
        if filters.month_to:
            clauses.append(table.c.ym <= filters.month_to)
    return clauses


def _period_column(table: Any, filters: StatsFilters) -> Any:
    """The column a trend groups by: the period itself, or the calendar/school year of a finer row."""
    if "period" in table.c:
        return table.c.period
    return table.c.calendar_year if filters.period_type is PeriodType.CALENDAR else table.c.school_year


def _table_for(scope: StatsScope) -> Any:
    return (StatsMonth if _uses_month_table(scope) else StatsUnit).__table__  # type: ignore[attr-defined]


def _teacher_figures(session: Session, scope: StatsScope, filters: StatsFilters
                     ) -> tuple[int | None, list[dict[str, Any]]]:
    """Distinct teachers with credited minutes in the period, and for each compliance rule (with the
    county's overrides) the teachers who met it, of the roster. Distinct teachers is None where a
    course kind is chosen (per-teacher rows keep no kind); neither exists where the scope has no
    teachers of its own."""
    if scope.participant_side is not Side.TEACHER:
        return None, []
    periods = filters.compliance_periods()
    distinct_key = (filters.period_type, periods[filters.period_type], filters.topic or ALL_TOPICS)
    rules = []
    for rule in rules_for_county(NATIONAL_DEFAULTS, scope.county or None):
        period_type = PeriodType.SCHOOL if rule.period is Period.SCHOOL_YEAR else PeriodType.CALENDAR
        rules.append((rule, (period_type, periods[period_type], rule.topic or ALL_TOPICS)))
    wanted = {distinct_key, *(key for _, key in rules)}
    if _uses_month_table(scope) and all(rule.minutes <= DIST_CAP_MINUTES for rule, _ in rules):
        totals = _teacher_totals_from_dist(session, scope, filters, wanted)
    else:
        totals = _teacher_totals_per_teacher(session, scope, filters, wanted)
    distinct = None if filters.kind else sum(totals.get(distinct_key, {}).values())
    roster = _roster(session, scope, filters)
    compliance = []
    for rule, key in rules:
        met = sum(teachers for minutes, teachers in totals.get(key, {}).items() if minutes >= rule.minutes)
        compliance.append({"rule": rule.key, "minutes": rule.minutes, "period_type": key[0].value,
                           "period": key[1], "met": met, "roster": roster, "share": (met / roster) if roster else 0.0})
    return distinct, compliance


def _teacher_totals_from_dist(session: Session, scope: StatsScope, filters: StatsFilters,
                              wanted: set[tuple[PeriodType, int, str]]) -> dict[tuple, dict[int, int]]:
    """{(period type, period, topic): {total minutes: teachers}} of a national or county scope: a few
    hundred `stats_teacher_dist` rows, whatever the number of teachers."""
    table = StatsTeacherDist.__table__  # type: ignore[attr-defined]
    statement = (sa.select(table.c.period_type, table.c.period, table.c.topic, table.c.minutes, table.c.teachers)
                 .where(table.c.county == (scope.county if scope.level is ScopeLevel.COUNTY else EVERY),
                        table.c.level == (filters.level or EVERY),
                        sa.or_(*(sa.and_(table.c.period_type == kind.value, table.c.period == period,
                                         table.c.topic == topic) for kind, period, topic in sorted(wanted)))))
    found: dict[tuple, dict[int, int]] = {}
    for period_type, period, topic, minutes, teachers in session.execute(statement):
        found.setdefault((PeriodType(period_type), period, topic), {})[minutes] = teachers
    return found


def _teacher_totals_per_teacher(session: Session, scope: StatsScope, filters: StatsFilters,
                                wanted: set[tuple[PeriodType, int, str]]) -> dict[tuple, dict[int, int]]:
    """The same from one `stats_teacher_period` row per teacher and unit (a unit's or a centre's scope)."""
    table = StatsTeacherPeriod.__table__  # type: ignore[attr-defined]
    per_teacher = (sa.select(table.c.period_type, table.c.period, table.c.topic,
                             sa.func.sum(table.c.minutes).label("total"))
                   .where(_scope_clause(scope, table),
                          sa.or_(*(sa.and_(table.c.period_type == kind.value, table.c.period == period,
                                           table.c.topic == topic) for kind, period, topic in sorted(wanted))),
                          *([table.c.level == filters.level] if filters.level else []))
                   .group_by(table.c.period_type, table.c.period, table.c.topic, table.c.teacher_id).subquery())
    statement = (sa.select(per_teacher.c.period_type, per_teacher.c.period, per_teacher.c.topic, per_teacher.c.total,
                           sa.func.count())
                 .group_by(per_teacher.c.period_type, per_teacher.c.period, per_teacher.c.topic, per_teacher.c.total))
    found: dict[tuple, dict[int, int]] = {}
    for period_type, period, topic, total, teachers in session.execute(statement):
        found.setdefault((PeriodType(period_type), period, topic), {})[int(total or 0)] = teachers
    return found


def _roster(session: Session, scope: StatsScope, filters: StatsFilters) -> int:
    """Serving teachers with active accounts in the scope today (the compliance denominator): the
    per-school counts of `stats_roster`, summed over the scope's schools."""
    roster = StatsRoster.__table__  # type: ignore[attr-defined]
    units = Unit.__table__  # type: ignore[attr-defined]
    statement = sa.select(sa.func.coalesce(sa.func.sum(roster.c.teachers), 0))
    if scope.level is ScopeLevel.NATIONAL and not filters.level:
        return int(session.execute(statement).scalar_one())
    statement = statement.join_from(roster, units, units.c.id == roster.c.unit_id)
    if scope.level is ScopeLevel.COUNTY:
        statement = statement.where(units.c.county == scope.county)
    elif scope.level is ScopeLevel.REVIEWED:
        statement = statement.where(units.c.reviewer_id == scope.reviewer_id)
    elif scope.level is ScopeLevel.UNIT:
        statement = statement.where(_unit_ids_clause(scope, roster.c.unit_id))
    if filters.level:
        statement = statement.where(units.c.school_level == filters.level)
    return int(session.execute(statement).scalar_one())


def _topic_names(session: Session) -> dict[str, tuple[str, str]]:
    topics = session.exec(select(CourseTopic).order_by(col(CourseTopic.sort_order), col(CourseTopic.code)))
    return {t.code: (t.name_zh, t.name_en) for t in topics}


def _rows(found: dict[Any, Figures], labels: dict[Any, str] | None = None, order: list[Any] | None = None) -> list[Row]:
    """Rows in `order` (every key of it, with zeros where nothing was found, then any other key found),
    or every key found in sorted order."""
    keys = sorted(found, key=lambda k: (str(k))) if order is None else \
        [*order, *sorted((k for k in found if k not in set(order)), key=str)]
    labels = labels or {}
    return [Row(key=str(k), label=labels.get(k, str(k)), figures=found.get(k) or _NOTHING) for k in keys]


def _months_shown(filters: StatsFilters, found: dict[Any, Figures], this_month: int) -> list[int]:
    """The months a month table lists: every month of the period (inside the month range) that has begun,
    with zeros where nothing happened, and any later month that already has courses. A line chart over
    only the months with figures would join 115/08 straight to 115/11, as if the months between did
    not exist; one over the whole school year would drop to zero in months still to come."""
    last = max([this_month, *found])
    return [ym for ym in filters.months() if ym <= last]


def _years_shown(found: dict[Any, Figures]) -> list[int]:
    """Every year from the first to the last with figures (a year with none is a zero, not a gap)."""
    return list(range(min(found), max(found) + 1)) if found else []


def open_dashboard(session: Session, actor: Actor, function: Function, filters: StatsFilters, *,
                   county: str = "", unit_id: int = 0, ip: str = "") -> Dashboard:
    """Every figure of one dashboard, in the actor's scope.

    Raises:
        Forbidden: the function is not the actor's, or the county/unit lies outside their scope.
    """
    scope, crumbs = resolve_scope(session, actor, function, county=county, unit_id=unit_id, ip=ip)
    if not keeps_months(scope):
        filters = filters.without_months()
    return _dashboards.get(session, (scope, tuple(crumbs), filters, ym_of(taipei_today())))


def _figures(session: Session, key: tuple[StatsScope, tuple[Crumb, ...], StatsFilters, int]) -> Dashboard:
    scope, crumbs, filters, this_month = key
    months = _table_for(scope)
    # A national or county page reads the yearly sums unless a month range asks for months.
    yearly = _uses_month_table(scope) and not (filters.month_from or filters.month_to)
    table = StatsYear.__table__ if yearly else months  # type: ignore[attr-defined]
    # One grouped, index-only read per breakdown; every "*" row has one kind, so the kinds sum to the totals.
    by_kind = _by(session, scope, filters, table, table.c.kind)
    grid = {"kind": by_kind, "level": _by(session, scope, filters, table, table.c.level)}
    if "ym" in months.c:
        grid["month"] = _by(session, scope, filters, months, months.c.ym)
    if scope.level is ScopeLevel.NATIONAL:
        grid["area"] = _by(session, scope, filters, table, table.c.county)
    elif scope.level is ScopeLevel.REVIEWED:
        grid["area"] = _by(session, scope, filters, table, table.c.unit_id)
    distinct, compliance = _teacher_figures(session, scope, filters)
    topic_names = _topic_names(session)
    dashboard = Dashboard(scope=scope, title=crumbs[-1].label, breadcrumb=list(crumbs),
                          totals=_sum(by_kind.values()), distinct_teachers=distinct,
                          compliance=compliance, filters=filters, months_apply=keeps_months(scope),
                          topic_names=topic_names)
    if scope.level is ScopeLevel.NATIONAL:
        # Every county, in the official order, with zeros where nothing happened: a county missing from
        # the table or the chart reads as "no data", not as "none". Units filed under no county follow.
        by_county = grid["area"]
        dashboard.tables["area"] = _rows(by_county, {c: n for c, (n, _) in COUNTIES.items()}, list(COUNTIES))
        dashboard.area_kind = "county"
    elif scope.level in (ScopeLevel.COUNTY, ScopeLevel.REVIEWED):
        if scope.level is ScopeLevel.COUNTY:
            # Every kind at once: the yearly unit sums (one row per unit and side); one kind: the detailed rows.
            unit_model = StatsUnit if filters.kind else StatsUnitYear
            unit_table = unit_model.__table__  # type: ignore[attr-defined]
            by_unit = _by(session, scope, filters, unit_table, unit_table.c.unit_id, grouped=filters.kind != "")
        else:
            by_unit = grid["area"]
        names = _unit_names(session, scope, set(by_unit))
        # Most participants first, then most courses, then by name: (key, figures) pairs sorted on tuples.
        order = sorted(by_unit.items(), key=lambda kv: (-kv[1][2], -kv[1][0], names.get(kv[0], "")))
        dashboard.tables["area"] = [Row(str(key), names.get(key) or str(key), figures) for key, figures in order]
        dashboard.area_kind = "unit"
    else:
        dashboard.tables["area"] = []
    # Every kind, topic and level is listed (zeros included) unless the filters chose one.
    dashboard.tables["kind"] = _rows(grid["kind"], order=[filters.kind] if filters.kind else list(CourseKind))
    topic_order = [filters.topic] if filters.topic else list(topic_names)
    dashboard.tables["topic"] = _rows(_by(session, scope, filters, table, table.c.topic, topics=topic_order,
                                          dimension_first=True),
                                      {code: zh for code, (zh, _) in topic_names.items()}, topic_order)
    levels = [filters.level] if filters.level else [level.value for level in SchoolLevel]
    dashboard.tables["level"] = _rows(grid["level"], order=levels)
    if "month" in grid:
        by_month = grid["month"]
        months = _months_shown(filters, by_month, this_month)
        dashboard.tables["month"] = _rows(by_month, {ym: str(ym) for ym in months}, months)
    else:
        dashboard.tables["month"] = []
    by_year = _by(session, scope, filters, table, _period_column(table, filters), with_period=False,
                  dimension_first=True)
    to_roc = 1911 if filters.period_type is PeriodType.CALENDAR else 0
    years = _years_shown(by_year)
    dashboard.tables["trend"] = _rows(by_year, {y: str(y - to_roc) for y in years}, years)
    this_year, month = divmod(this_month, 100)
    dashboard.trend_in_progress = str(this_year if filters.period_type is PeriodType.CALENDAR
                                      else school_year_of(date(this_year, month, 1)))
    return dashboard


#: A dashboard is the same for everyone allowed to see its scope (`open_dashboard` checks that first) and
#: changes when the rollups do (a list confirmed, a rebuild): a write to them forgets it.
_dashboards = KeyedCache(_figures, seconds=30.0, size=256, tables=(
    "stats_month", "stats_year", "stats_unit", "stats_unit_year", "stats_teacher_period", "stats_teacher_dist",
    "stats_course_fact", "stats_roster", "unit", "course_topic"))


def _unit_names(session: Session, scope: StatsScope, unit_ids: set[int]) -> dict[int, str]:
    """Names of the area table's units: a county's by its index, any others (moved away since) by id."""
    units = Unit.__table__  # type: ignore[attr-defined]  # Core columns: no ORM row processing for ~2,000 rows
    names: dict[int, str] = {}
    if scope.level is ScopeLevel.COUNTY:
        names = {k: v for k, v in _fetch(session, sa.select(units.c.id, units.c.name)
                                         .where(units.c.county == scope.county)) if k in unit_ids}
    missing = sorted(unit_ids - set(names))
    for start in range(0, len(missing), 500):
        names.update(session.execute(sa.select(units.c.id, units.c.name)
                                     .where(units.c.id.in_(missing[start:start + 500]))).all())
    return {k: v for k, v in names.items() if k is not None}


def _by(session: Session, scope: StatsScope, filters: StatsFilters, table: Any, dimension: Any, *,
        grouped: bool = True, with_period: bool = True, topics: list[str] | None = None,
        dimension_first: bool = False) -> dict[Any, Figures]:
    """The scope's rows summed per side and value of `dimension`: the period's "*" rows, or every period
    (`with_period=False`, the trend), or the rows of the given real topics (`topics`, the topic breakdown:
    listed, not "every topic but *", so an index leading with the topic seeks each instead of scanning all).

    `grouped=False` fetches the rows as stored and sums them here (cheaper where nearly every row is its
    own group); `dimension_first` groups in the order of an index that leads with the dimension.
    """
    clauses = _filter_clauses(table, filters, with_period=with_period, with_months=with_period)
    if topics is not None:
        clauses[0] = table.c.topic.in_(topics)
    measures = [sa.func.sum(table.c.records), sa.func.sum(table.c.minutes)] if grouped else \
        [table.c.records, table.c.minutes]
    statement = (sa.select(table.c.side, dimension, *measures)
                 .where(table.c.side.in_([Side.COURSE.value, scope.participant_side.value]),
                        _scope_clause(scope, table), *clauses))
    if grouped:
        statement = statement.group_by(*((dimension, table.c.side) if dimension_first else (table.c.side, dimension)))
    rows = _fetch(session, statement)
    course = Side.COURSE.value
    sums: dict[Any, list[int]] = {}
    for side, key, records, minutes in rows:
        slot = sums.get(key)
        if slot is None:
            slot = sums[key] = [0, 0, 0, 0]
        at = 0 if side == course else 2
        slot[at] += records or 0
        slot[at + 1] += minutes or 0
    return {key: Figures(*slot) for key, slot in sums.items()}


def _fetch(session: Session, statement: Any) -> list[tuple[Any, ...]]:
    """All rows of a Core select as the driver's plain tuples: a county's thousands of unit rows skip
    SQLAlchemy's Row objects (about a fifth of their fetch). Only for columns whose driver values need
    no conversion (integers and text), as every rollup column is."""
    result = session.connection().execute(statement)  # Core execution: always a cursor result
    try:
        return result.cursor.fetchall()  # type: ignore[attr-defined]
    finally:
        result.close()


def _sum(rows: Any) -> Figures:
    return Figures(*(sum(getattr(f, name) for f in rows) for name in ("courses", "offered_minutes", "participants",
                                                                        "credited_minutes")))
