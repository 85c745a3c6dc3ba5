"""Taipei time and the ROC calendar."""

from datetime import UTC, date, datetime

from tpd_app.domain.timeutil import format_date, format_datetime, parse_day, roc_year, taipei_today


def test_roc_year():
    assert roc_year(2026) == 115
    assert roc_year(1912) == 1


def test_dates_in_roc_and_iso():
    assert format_date(date(2026, 11, 24), roc=True) == "115/11/24"
    assert format_date(date(2026, 11, 24), roc=False) == "2026-11-24"


def test_utc_evening_is_next_day_in_taipei():
    late = datetime(2026, 12, 31, 17, 30, tzinfo=UTC)
    assert taipei_today(late) == date(2027, 1, 1)
    assert format_datetime(late, roc=True) == "116/01/01 01:30"


def test_naive_values_are_treated_as_utc():
    assert format_datetime(datetime(2026, 1, 1, 0, 0), roc=False) == "2026-01-01 08:00"


def test_iso_dates_in_a_text_are_written_the_roc_way():
    from tpd_app.domain.timeutil import roc_dates_in

    assert roc_dates_in("2027-01-02 13:30–16:30 陳老師\n2027-01-09 09:00–12:00") == \
        "116/01/02 13:30–16:30 陳老師\n116/01/09 09:00–12:00"
    assert roc_dates_in("電話 02-2732-5678") == "電話 02-2732-5678"


def test_dates_are_read_as_people_type_them_in_either_language():
    day = date(2026, 12, 23)
    for typed in ("2026-12-23", "2026/12/23", "115/12/23", "115-12-23", "115.12.23", "115年12月23日", "1151223",
                  "20261223", " 115/12/23 "):
        assert parse_day(typed) == day, typed
    assert parse_day("77/05/17") == date(1988, 5, 17)
    for bad in ("", None, "abc", "115/02/30", "115/13/01", "2026-12", "12/23"):
        assert parse_day(bad) is None, bad
