"""Statistics rules (SPEC §3.6) without I/O: sides, periods, filters, and who may see which scope.

A dashboard shows one *scope* (the country, a county, the units a centre reviews, or one unit);
the scope an actor starts from and the scopes they may drill into are decided here, so the SQL
filter built from a scope can never reach further than the permission matrix allows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from tpd_app.domain.permissions import Actor, Function, UnitRef
from tpd_app.domain.training_years import calendar_year_bounds, school_year_bounds, school_year_of
from tpd_app.domain.units import COUNTIES, NATIONWIDE, TEACHER_UNITS, UnitType

#: The rollup rows that count each record once (other rows repeat it per topic of its course).
ALL_TOPICS = "*"


class Side(StrEnum):
    """Which fact a rollup row sums and whose unit it is filed under."""

    #: Published courses (count, offered minutes) under their organizer.
    COURSE = "course"
    #: Confirmed records (人次, credited minutes) under the teacher's school.
    TEACHER = "teacher"
    #: Confirmed records under the course's organizer (subject centres, universities have no teachers).
    ORGANIZER = "organizer"


class PeriodType(StrEnum):
    """Calendar year (曆年) or school year (學年度, August–July)."""

    CALENDAR = "calendar"
    SCHOOL = "school"


class ScopeLevel(StrEnum):
    NATIONAL = "national"
    COUNTY = "county"
    #: The units one regional centre reviews (國教署's national schools, a circle's subject centres).
    REVIEWED = "reviewed"
    UNIT = "unit"


def ym_of(day: date) -> int:
    """Year and month as one number: 2026-08-15 → 202608."""
    return day.year * 100 + day.month


@dataclass(frozen=True)
class StatsFilters:
    """What the viewer picked. `year` is always an ROC year (民國): a calendar or a school year."""

    period_type: PeriodType = PeriodType.SCHOOL
    year: int = 0
    #: An optional range of months (YYYYMM), inclusive; applied where the rollup keeps months.
    month_from: int = 0
    month_to: int = 0
    kind: str = ""
    topic: str = ""
    level: str = ""

    @property
    def calendar_year_ad(self) -> int:
        return self.year + 1911

    def compliance_periods(self) -> dict[PeriodType, int]:
        """The period each kind of compliance rule is judged in (school years in ROC, calendar years AD).

        The other kind of period is the one that had begun when the chosen one began, never a later one:
        school year 115 (2026-08 … 2027-07) pairs with calendar year 115 (2026), not with 2027, which
        has not begun for most of that school year; calendar year 115 pairs with school year 114
        (2025-08 … 2026-07), not with 115, which begins in its August."""
        if self.period_type is PeriodType.SCHOOL:
            return {PeriodType.SCHOOL: self.year, PeriodType.CALENDAR: self.calendar_year_ad}
        return {PeriodType.CALENDAR: self.calendar_year_ad, PeriodType.SCHOOL: self.year - 1}

    def months(self) -> list[int]:
        """Every month (YYYYMM) of the chosen period inside the chosen month range, in order."""
        if self.period_type is PeriodType.SCHOOL:
            start, end = school_year_bounds(self.year)
        else:
            start, end = calendar_year_bounds(self.calendar_year_ad)
        months = []
        year, month = start.year, start.month
        while year * 100 + month <= ym_of(end):
            ym = year * 100 + month
            if (not self.month_from or ym >= self.month_from) and (not self.month_to or ym <= self.month_to):
                months.append(ym)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return months

    def without_months(self) -> StatsFilters:
        """The same filters without a month range (for scopes whose rollups keep no months)."""
        return replace(self, month_from=0, month_to=0)


def default_filters(today: date) -> StatsFilters:
    """The current school year, nothing else narrowed."""
    return StatsFilters(period_type=PeriodType.SCHOOL, year=school_year_of(today))


@dataclass(frozen=True)
class StatsScope:
    """What a dashboard covers; `participant_side` says under whose unit attendance is counted."""

    level: ScopeLevel
    county: str = ""
    unit_id: int = 0
    reviewer_id: int = 0
    participant_side: Side = Side.TEACHER
    #: A unit scope's units: the unit and those merged into it (filled in by the service, from the directory).
    unit_ids: tuple[int, ...] = ()


NATIONAL_SCOPE = StatsScope(ScopeLevel.NATIONAL)


def participant_side_of(unit_type: UnitType) -> Side:
    """Schools' dashboards count their teachers; organizers without teachers count their courses' attendees."""
    return Side.TEACHER if unit_type in TEACHER_UNITS else Side.ORGANIZER


def home_scope(actor: Actor, function: Function) -> StatsScope:
    """Where the actor's dashboard of `function` starts (the guard has already allowed the function)."""
    unit = actor.unit
    if function is Function.STATS_NATIONAL or (function is Function.STATS_COUNTY and unit.type in NATIONWIDE):
        return NATIONAL_SCOPE
    if function is Function.STATS_COUNTY:
        if unit.type is UnitType.COUNTY_BUREAU:
            return StatsScope(ScopeLevel.COUNTY, county=unit.county or "")
        return StatsScope(ScopeLevel.REVIEWED, reviewer_id=unit.id)
    if function is Function.STATS_SUBJECT_CENTER:
        return StatsScope(ScopeLevel.REVIEWED, reviewer_id=unit.id, participant_side=Side.ORGANIZER)
    return StatsScope(ScopeLevel.UNIT, unit_id=unit.id, participant_side=participant_side_of(unit.type))


def may_open_county(home: StatsScope, county: str) -> bool:
    """A county inside the home scope: everything from the national scope, only its own from a county."""
    if county not in COUNTIES:
        return False
    return home.level is ScopeLevel.NATIONAL or (home.level is ScopeLevel.COUNTY and home.county == county)


def may_open_unit(actor: Actor, home: StatsScope, target: UnitRef) -> bool:
    """A unit inside the home scope (a nationwide viewer reaches every unit)."""
    if actor.unit.type in NATIONWIDE or home.level is ScopeLevel.NATIONAL:
        return True
    if home.level is ScopeLevel.COUNTY:
        return bool(home.county) and target.county == home.county
    if home.level is ScopeLevel.REVIEWED:
        return target.reviewer_id == home.reviewer_id
    return target.id == home.unit_id


def keeps_months(scope: StatsScope) -> bool:
    """Whether a scope's rollups keep months: the national and county ones do; a unit's or a centre's
    keep years only, so a month range means nothing there (and is not offered)."""
    return scope.level in (ScopeLevel.NATIONAL, ScopeLevel.COUNTY)


def unit_scope(target: UnitRef) -> StatsScope:
    return StatsScope(ScopeLevel.UNIT, unit_id=target.id, county=target.county or "",
                      participant_side=participant_side_of(target.type))


def looks_like_formula(value: str) -> bool:
    """Text a spreadsheet could take for a formula (=, +, -, @, or a tab/CR before one)."""
    return bool(value) and value[0] in "=+-@\t\r"
