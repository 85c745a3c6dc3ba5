"""Lifelong record: confirmed rows only, yearly totals, filters, compliance with county overrides, PDF;
schools' view limited by the county's report permissions; who may set those permissions."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from tests.factories import actor_for_teacher, make_teacher, make_world
from tests.services.hours_data import published_course
from tpd_app.domain.errors import Forbidden, NotFound, ValidationFailed
from tpd_app.domain.units import AccountCategory
from tpd_app.models import AuditLog, TrainingRecord
from tpd_app.services.hours import compliance, records
from tpd_app.services.hours.records import RecordFilter
from tpd_app.services.platform.db import transaction


def _credit(s, teacher, course, minutes, day: date, superseded: bool = False):
    from tpd_app.domain.timeutil import utcnow
    from tpd_app.domain.training_years import school_year_of

    s.add(TrainingRecord(teacher_id=teacher.id, course_id=course.id, minutes=minutes, credited_on=day,
                         calendar_year=day.year, school_year=school_year_of(day),
                         school_unit_id=teacher.school_unit_id, organizer_unit_id=course.organizer_unit_id,
                         course_kind=course.kind, superseded_at=utcnow() if superseded else None))
    s.flush()


def _setup():
    with transaction() as s:
        world = make_world(s)
        teacher = make_teacher(s, world.school_a)
        env = published_course(s, world.school_a, days_ahead=-400, topics=("environment",), title="環境教育")
        sped = published_course(s, world.school_b, days_ahead=-30, topics=("special_ed",), title="特教知能")
        _credit(s, teacher, env, 180, date(2025, 3, 10))
        _credit(s, teacher, sped, 120, date(2026, 9, 1))
        _credit(s, teacher, sped, 180, date(2026, 9, 1), superseded=True)
        actor = actor_for_teacher(teacher, world.school_a)
    return world, teacher, actor


def test_record_shows_only_active_rows_with_yearly_and_school_year_totals(db_url: str):
    _, _, actor = _setup()
    with transaction() as s:
        data = records.my_record(s, actor)
    assert [r["title"] for r in data["rows"]] == ["特教知能", "環境教育"]
    assert data["total_hours"] == "5"
    assert data["calendar_years"] == [{"year": "2026", "roc": "115", "hours": "2"},
                                      {"year": "2025", "roc": "114", "hours": "3"}]
    assert data["school_years"] == [{"year": "115", "hours": "2"}, {"year": "113", "hours": "3"}]
    assert data["teacher"]["national_id"].count("*") == 4


def test_record_filters_by_year_kind_and_topic(db_url: str):
    _, _, actor = _setup()
    with transaction() as s:
        by_year = records.my_record(s, actor, RecordFilter(calendar_year=2025))
        by_topic = records.my_record(s, actor, RecordFilter(topic="special_ed"))
        by_school_year = records.my_record(s, actor, RecordFilter.from_params({"school_year": "115"}))
    assert [r["title"] for r in by_year["rows"]] == ["環境教育"]
    assert [r["title"] for r in by_topic["rows"]] == ["特教知能"]
    assert by_school_year["shown_hours"] == "2"


def test_compliance_uses_national_defaults_and_county_overrides(db_url: str):
    world, teacher, _ = _setup()
    with transaction() as s:
        data = records.record_of(s, teacher, today=date(2026, 10, 1))
    by_key = {c["key"]: c for c in data["compliance"]}
    assert by_key["special_education"]["done"] == "2" and by_key["special_education"]["missing"] == "1"
    assert by_key["overall"]["required"] == "18" and by_key["environment"]["done"] == "0"
    with transaction() as s:
        bureau = world.actor(s, world.bureau_a)
        records.save_rule(s, bureau, "special_education", "6")
        records.save_rule(s, bureau, "environment", "0")
    with transaction() as s:
        data = records.record_of(s, teacher, today=date(2026, 10, 1))
        other = records.record_of(s, make_teacher(s, world.school_b), today=date(2026, 10, 1))
    by_key = {c["key"]: c for c in data["compliance"]}
    assert by_key["special_education"]["required"] == "6" and "environment" not in by_key
    assert {c["key"]: c["required"] for c in other["compliance"]}["special_education"] == "3"


def test_the_home_pages_hours_check_agrees_with_the_record_page(db_url: str):
    """The home page counts from the days, minutes and topics alone; it must tell what the record tells:
    a course with two topics counted once, superseded rows left out, the county's own rule applied."""
    from datetime import timedelta

    from tpd_app.domain.timeutil import taipei_today

    world, teacher, actor = _setup()
    with transaction() as s:
        records.save_rule(s, world.actor(s, world.bureau_a), "special_education", "6")
        both = published_course(s, world.school_a, days_ahead=-10, topics=("special_ed", "environment"), title="融合")
        _credit(s, teacher, both, 240, taipei_today() - timedelta(days=10))
    with transaction() as s:
        checks = records.my_record(s, actor)["compliance"]
        (item,) = records.work_queue(s, actor)
    overall = next(c for c in checks if c["key"] == "overall")
    assert item.count == sum(1 for c in checks if not c["met"]) and item.count >= 1
    assert item.figure == overall["missing"] and overall["done"] != "0"
    assert next(c for c in checks if c["key"] == "special_education")["required"] == "6"


def test_the_home_pages_hours_check_reads_only_the_current_periods_and_still_agrees(db_url: str):
    """A long career's ledger: a record on the first day of the earliest current period counts, one the day
    before and years-old ones do not; the home page (which reads only the current periods) and the record
    page (the whole ledger) agree."""
    from datetime import timedelta

    from tpd_app.domain.compliance import period_of
    from tpd_app.domain.timeutil import taipei_today

    world, teacher, actor = _setup()
    today = taipei_today()
    with transaction() as s:
        rules = records.load_rules(s, world.school_a.county)
        starts = sorted({period_of(rule, today)[1] for rule in rules})
        both = published_course(s, world.school_a, days_ahead=-10, topics=("special_ed", "environment"), title="融合")
        _credit(s, teacher, both, 6 * 60, starts[0] - timedelta(days=1))  # just before: counts nowhere
        for years in range(2, 12):
            old = published_course(s, world.school_a, days_ahead=-365 * years, title=f"舊研習{years}")
            _credit(s, teacher, old, 18 * 60, today - timedelta(days=365 * years))
        # On the earliest period's first day: it meets the environment rule or lowers the school year's
        # shortfall, whichever period starts first this year.
        first = published_course(s, world.school_a, days_ahead=-10, topics=("special_ed", "environment"), title="首日")
        _credit(s, teacher, first, 4 * 60, starts[0])
    with transaction() as s:
        checks = records.my_record(s, actor)["compliance"]
        (item,) = records.work_queue(s, actor)
    overall = next(c for c in checks if c["key"] == "overall")
    assert item.count == sum(1 for c in checks if not c["met"])
    assert item.figure == overall["missing"]


def test_rules_cannot_be_set_by_schools_or_with_bad_hours(db_url: str):
    world, _, _ = _setup()
    with transaction() as s:
        school = world.actor(s, world.school_a)
        bureau = world.actor(s, world.bureau_a)
    with transaction() as s, pytest.raises(Forbidden):
        records.save_rule(s, school, "overall", "10")
    with transaction() as s, pytest.raises(ValidationFailed):
        records.save_rule(s, bureau, "overall", "abc")


def test_pdf_contains_the_teachers_record_with_a_cjk_font(db_url: str):
    _, _, actor = _setup()
    with transaction() as s:
        pdf = records.record_pdf(s, actor)
    assert pdf.startswith(b"%PDF") and b"NotoSansCJK" in pdf.replace(b"-", b"")


def test_school_sees_its_teachers_unless_the_county_forbids_detail(db_url: str):
    world, teacher, _ = _setup()
    with transaction() as s:
        contact = world.actor(s, world.school_a, AccountCategory.CONTACT)
        operator = world.actor(s, world.school_a, AccountCategory.OPERATOR)
        bureau = world.actor(s, world.bureau_a)
        other_school = world.actor(s, world.school_b)
    with transaction() as s:
        listing = compliance.school_compliance(s, contact)
        detail = records.school_teacher_record(s, contact, teacher.id)
    assert teacher.name in [r["name"] for r in listing["rows"]] and detail["total_hours"] == "5"
    with transaction() as s, pytest.raises(Forbidden):
        compliance.school_compliance(s, operator)
    with transaction() as s:
        records.save_report_permission(s, bureau, False, True)
    with transaction() as s, pytest.raises(Forbidden) as refused:
        records.school_teacher_record(s, contact, teacher.id)
    assert refused.value.key == "records.error.detail_forbidden"
    with transaction() as s:
        assert compliance.school_compliance(s, contact)["permissions"] == {"view_detail": "", "allow_print": ""}
        assert s.exec(select(AuditLog).where(AuditLog.action == "records.permissions")).first() is not None
    with transaction() as s:
        assert compliance.school_compliance(s, other_school)["permissions"]["view_detail"] == "1"
        with pytest.raises(NotFound):
            records.school_teacher_record(s, other_school, teacher.id)


def test_only_bureaus_k12ea_and_the_national_centre_set_report_permissions(db_url: str):
    world, _, actor = _setup()
    with transaction() as s:
        circle = world.actor(s, world.circle)
        school = world.actor(s, world.school_a)
        k12ea = world.actor(s, world.k12ea)
    for denied in (circle, school, actor):
        with transaction() as s, pytest.raises(Forbidden):
            records.save_report_permission(s, denied, True, True)
    with transaction() as s:
        records.save_report_permission(s, k12ea, True, False)
        assert records.get_report_permission(s, k12ea) == {"view_detail": "1", "allow_print": ""}


def test_teacher_cannot_read_a_school_view(db_url: str):
    _, _, actor = _setup()
    with transaction() as s, pytest.raises(Forbidden):
        compliance.school_compliance(s, actor)
