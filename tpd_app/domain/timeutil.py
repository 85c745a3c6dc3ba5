"""Time zones and the ROC (民國) calendar: store UTC, show and reckon dates in Taipei."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

TAIPEI = ZoneInfo("Asia/Taipei")
ROC_OFFSET = 1911


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Treat a naive value as UTC (what SQLite gives back) and convert aware ones."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def to_taipei(value: datetime) -> datetime:
    """The same instant in Asia/Taipei."""
    return as_utc(value).astimezone(TAIPEI)


def taipei_today(now: datetime | None = None) -> date:
    """Today's date on the Taipei calendar (deadlines are reckoned on it)."""
    return to_taipei(now or utcnow()).date()


def roc_year(year: int) -> int:
    """Gregorian year → 民國 year (2026 → 115)."""
    return year - ROC_OFFSET


def format_date(value: date, *, roc: bool) -> str:
    """`115/11/24` in the ROC calendar, `2026-11-24` otherwise."""
    if roc:
        return f"{roc_year(value.year)}/{value.month:02d}/{value.day:02d}"
    return value.isoformat()


def format_datetime(value: datetime | None, *, roc: bool) -> str:
    """A stored UTC time as Taipei local time, e.g. `115/11/24 14:05`."""
    if value is None:
        return ""
    local = to_taipei(value)
    return f"{format_date(local.date(), roc=roc)} {local:%H:%M}"


_DAY = re.compile(r"^(\d{2,4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def parse_day(text: object) -> date | None:
    """A date as people type it in either language: ISO `2026-12-23`, `2026/12/23`, or 民國 `115/12/23`,
    `115-12-23`, `115.12.23`, `115年12月23日`, `1151223` (a year below 1000 is 民國). None when malformed."""
    raw = str(text if text is not None else "").strip()
    if re.fullmatch(r"\d{7}", raw):
        raw = f"{raw[:3]}/{raw[3:5]}/{raw[5:]}"
    elif re.fullmatch(r"\d{8}", raw):
        raw = f"{raw[:4]}/{raw[4:6]}/{raw[6:]}"
    match = _DAY.match(raw)
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    if year < 1000:
        year += ROC_OFFSET
    try:
        return date(year, month, day)
    except ValueError:
        return None


_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def roc_dates_in(text: str) -> str:
    """Every ISO date in `text` written the ROC way (`2027-01-02` → `116/01/02`), e.g. in a course's
    sessions as a difference shows them."""
    return _ISO_DATE.sub(lambda m: f"{roc_year(int(m.group(1)))}/{m.group(2)}/{m.group(3)}", text)
