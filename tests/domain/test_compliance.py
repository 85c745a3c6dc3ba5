"""School years and compliance-hour rules."""

from datetime import date

from tpd_app.domain.compliance import (
    NATIONAL_DEFAULTS,
    ComplianceRule,
    CreditedHours,
    Period,
    progress,
    rules_for_county,
)
from tpd_app.domain.training_years import school_year_bounds, school_year_of


def test_school_year_runs_from_august_to_july():
    assert school_year_of(date(2026, 8, 1)) == 115
    assert school_year_of(date(2027, 7, 31)) == 115
    assert school_year_of(date(2026, 7, 31)) == 114
    assert school_year_bounds(115) == (date(2026, 8, 1), date(2027, 7, 31))


def test_progress_counts_only_the_period_and_topic_of_each_rule():
    records = [
        CreditedHours(date(2026, 3, 1), 180, frozenset({"environment"})),
        CreditedHours(date(2026, 9, 1), 120, frozenset({"environment", "special_ed"})),
        CreditedHours(date(2025, 12, 31), 600, frozenset({"environment"})),
        CreditedHours(date(2027, 1, 10), 600, frozenset()),
    ]
    by_key = {p.rule.key: p for p in progress(NATIONAL_DEFAULTS, records, on=date(2026, 11, 24))}
    assert by_key["environment"].done_minutes == 300 and by_key["environment"].met
    assert by_key["special_education"].done_minutes == 120
    assert by_key["special_education"].missing_minutes == 60 and not by_key["special_education"].met
    assert by_key["overall"].period_label == 115
    assert by_key["overall"].done_minutes == 720 and by_key["overall"].percent == 66


def test_a_county_override_replaces_the_national_rule():
    taipei_special = ComplianceRule("special_education", "special_ed", 6 * 60, Period.SCHOOL_YEAR, "TPE")
    rules = [*NATIONAL_DEFAULTS, taipei_special]
    assert {r.key: r.minutes for r in rules_for_county(rules, "TPE")}["special_education"] == 360
    assert {r.key: r.minutes for r in rules_for_county(rules, "KHH")}["special_education"] == 180
