"""Compliance hours: configurable rules ("環境教育 4 hours per calendar year") and a teacher's progress.

Rules are data (national defaults that a county may override); evaluation is pure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from tpd_app.domain.training_years import calendar_year_bounds, school_year_bounds, school_year_of


class Period(StrEnum):
    """Over what span a rule's hours are counted."""

    CALENDAR_YEAR = "calendar_year"
    SCHOOL_YEAR = "school_year"


@dataclass(frozen=True)
class ComplianceRule:
    """`minutes` of training per `period`, on `topic` (None: any topic), e.g. 環境教育 240/calendar year."""

    key: str
    topic: str | None
    minutes: int
    period: Period
    county: str | None = None


@dataclass(frozen=True)
class CreditedHours:
    """One confirmed training record, reduced to what compliance needs."""

    day: date
    minutes: int
    topics: frozenset[str]


@dataclass(frozen=True)
class Progress:
    """How far a teacher is with one rule in one period."""

    rule: ComplianceRule
    period_label: int
    start: date
    end: date
    done_minutes: int

    @property
    def missing_minutes(self) -> int:
        return max(0, self.rule.minutes - self.done_minutes)

    @property
    def met(self) -> bool:
        return self.done_minutes >= self.rule.minutes

    @property
    def percent(self) -> int:
        return 100 if self.rule.minutes == 0 else min(100, self.done_minutes * 100 // self.rule.minutes)


#: National defaults (DOMAIN-NOTES: 環境教育法 §19; 特教 3 h for general teachers; the widely cited 18 h).
NATIONAL_DEFAULTS: tuple[ComplianceRule, ...] = (
    ComplianceRule("overall", None, 18 * 60, Period.SCHOOL_YEAR),
    ComplianceRule("environment", "environment", 4 * 60, Period.CALENDAR_YEAR),
    ComplianceRule("special_education", "special_ed", 3 * 60, Period.SCHOOL_YEAR),
)


def rules_for_county(rules: Iterable[ComplianceRule], county: str | None) -> list[ComplianceRule]:
    """National rules with the county's overrides: a county rule replaces the national one of the same key."""
    chosen: dict[str, ComplianceRule] = {}
    for rule in rules:
        if rule.county is None:
            chosen.setdefault(rule.key, rule)
    for rule in rules:
        if rule.county is not None and rule.county == county:
            chosen[rule.key] = rule
    return sorted(chosen.values(), key=lambda r: (r.topic is not None, r.key))


def period_of(rule: ComplianceRule, day: date) -> tuple[int, date, date]:
    """The period (label, first day, last day) of `rule` that contains `day`."""
    if rule.period is Period.SCHOOL_YEAR:
        label = school_year_of(day)
        start, end = school_year_bounds(label)
        return label, start, end
    start, end = calendar_year_bounds(day.year)
    return day.year, start, end


def progress(rules: Iterable[ComplianceRule], records: Iterable[CreditedHours], on: date) -> list[Progress]:
    """Progress on each rule in the period containing `on`."""
    records = list(records)
    result = []
    for rule in rules:
        label, start, end = period_of(rule, on)
        done = sum(
            r.minutes for r in records
            if start <= r.day <= end and (rule.topic is None or rule.topic in r.topics)
        )
        result.append(Progress(rule=rule, period_label=label, start=start, end=end, done_minutes=done))
    return result
