"""Pure statistics rules: periods, starting scopes, who may open which county or unit, formula-looking text."""

from __future__ import annotations

from datetime import date

from tpd_app.domain.permissions import Actor, Function, UnitRef
from tpd_app.domain.stats import (
    PeriodType,
    ScopeLevel,
    Side,
    StatsFilters,
    home_scope,
    looks_like_formula,
    may_open_county,
    may_open_unit,
    ym_of,
)
from tpd_app.domain.units import AccountCategory, UnitType


def _actor(unit_type: UnitType, county: str | None = "TPE", unit_id: int = 1) -> Actor:
    return Actor(kind="account", id=1, unit=UnitRef(id=unit_id, type=unit_type, county=county),
                 category=AccountCategory.CHIEF)


def test_each_period_pairs_with_the_other_kind_of_period_that_had_begun_with_it():
    """School year 115 (2026-08 … 2027-07) pairs with calendar year 115 (2026), never with 2027, which has
    not begun for most of it; calendar year 115 pairs with school year 114 (2025-08 … 2026-07)."""
    assert StatsFilters(PeriodType.SCHOOL, 115).compliance_periods() == {PeriodType.SCHOOL: 115,
                                                                         PeriodType.CALENDAR: 2026}
    assert StatsFilters(PeriodType.SCHOOL, 114).compliance_periods()[PeriodType.CALENDAR] == 2025
    assert StatsFilters(PeriodType.CALENDAR, 115).compliance_periods() == {PeriodType.CALENDAR: 2026,
                                                                           PeriodType.SCHOOL: 114}
    assert ym_of(date(2026, 8, 15)) == 202608


def test_a_period_has_its_months_in_order_inside_the_month_range():
    school = StatsFilters(PeriodType.SCHOOL, 115).months()
    assert school[0] == 202608 and school[-1] == 202707 and len(school) == 12
    assert StatsFilters(PeriodType.CALENDAR, 115).months() == [202600 + m for m in range(1, 13)]
    ranged = StatsFilters(PeriodType.SCHOOL, 115, month_from=202611, month_to=202702)
    assert ranged.months() == [202611, 202612, 202701, 202702]
    assert ranged.without_months().months() == school


def test_each_unit_type_starts_from_its_own_scope():
    assert home_scope(_actor(UnitType.MOE), Function.STATS_NATIONAL).level is ScopeLevel.NATIONAL
    bureau = home_scope(_actor(UnitType.COUNTY_BUREAU, "KHH"), Function.STATS_COUNTY)
    assert (bureau.level, bureau.county) == (ScopeLevel.COUNTY, "KHH")
    k12 = home_scope(_actor(UnitType.K12EA, None, 7), Function.STATS_COUNTY)
    assert (k12.level, k12.reviewer_id) == (ScopeLevel.REVIEWED, 7)
    circle = home_scope(_actor(UnitType.CURRICULUM_CIRCLE, None, 9), Function.STATS_SUBJECT_CENTER)
    assert circle.participant_side is Side.ORGANIZER and circle.reviewer_id == 9
    school = home_scope(_actor(UnitType.SCHOOL, "TPE", 3), Function.STATS_SCHOOL)
    assert (school.level, school.unit_id, school.participant_side) == (ScopeLevel.UNIT, 3, Side.TEACHER)
    university = home_scope(_actor(UnitType.TEACHER_ED_UNIVERSITY), Function.STATS_SCHOOL)
    assert university.participant_side is Side.ORGANIZER


def test_counties_and_units_open_only_inside_the_home_scope():
    bureau = _actor(UnitType.COUNTY_BUREAU, "TPE", 2)
    home = home_scope(bureau, Function.STATS_COUNTY)
    assert may_open_county(home, "TPE") and not may_open_county(home, "KHH")
    assert not may_open_county(home, "XXX")
    assert may_open_unit(bureau, home, UnitRef(id=5, type=UnitType.SCHOOL, county="TPE"))
    assert not may_open_unit(bureau, home, UnitRef(id=6, type=UnitType.SCHOOL, county="KHH"))
    school = _actor(UnitType.SCHOOL, "TPE", 5)
    own = home_scope(school, Function.STATS_SCHOOL)
    assert may_open_unit(school, own, UnitRef(id=5, type=UnitType.SCHOOL, county="TPE"))
    assert not may_open_unit(school, own, UnitRef(id=8, type=UnitType.SCHOOL, county="TPE"))
    assert not may_open_county(own, "TPE")


def test_text_that_a_spreadsheet_could_run_is_recognised():
    assert all(looks_like_formula(v) for v in ("=1+1", "+A1", "-2", "@SUM(A1)", "\t=x"))
    assert not any(looks_like_formula(v) for v in ("", "臺北市", "1-2", "a=b"))
