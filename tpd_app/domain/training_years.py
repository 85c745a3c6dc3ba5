"""Calendar years and school years (學年度, August to July) in the ROC calendar."""

from __future__ import annotations

from datetime import date

from tpd_app.domain.timeutil import roc_year

#: A school year starts on 1 August (學年度自每年8月1日起至翌年7月31日止).
SCHOOL_YEAR_START_MONTH = 8


def school_year_of(day: date) -> int:
    """The ROC school year a day belongs to: 2026-08-01 → 115, 2027-07-31 → 115."""
    start_year = day.year if day.month >= SCHOOL_YEAR_START_MONTH else day.year - 1
    return roc_year(start_year)


def school_year_bounds(roc_school_year: int) -> tuple[date, date]:
    """First and last day of an ROC school year: 115 → 2026-08-01 … 2027-07-31."""
    start = roc_school_year + 1911
    return date(start, SCHOOL_YEAR_START_MONTH, 1), date(start + 1, SCHOOL_YEAR_START_MONTH - 1, 31)


def calendar_year_bounds(year: int) -> tuple[date, date]:
    """First and last day of a Gregorian calendar year."""
    return date(year, 1, 1), date(year, 12, 31)
