"""Statistics: every figure on a hand-built dataset against totals computed here, rollups against a
rebuild, and scope denials for every level."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from tests.factories import World, make_teacher, make_world
from tpd_app.devdata.demo_stats import confirm, ledger_row
from tpd_app.domain.errors import Forbidden
from tpd_app.domain.permissions import Function as F
from tpd_app.domain.stats import PeriodType, StatsFilters
from tpd_app.domain.training_years import school_year_of
from tpd_app.models import (
    Course,
    CourseTopic,
    CourseTopicLink,
    TrainingRecord,
    Unit,
)
from tpd_app.services.accounts.directory import _merge
from tpd_app.services.platform.db import transaction
from tpd_app.services.stats import dashboards, rollups

SY114 = StatsFilters(period_type=PeriodType.SCHOOL, year=114)


@dataclass
class Data:
    world: World
    courses: dict[str, Course]
    teachers: dict[str, object]
    #: (teacher, course) pairs confirmed, as written.
    records: list[TrainingRecord]


def _course(session: Session, organizer: Unit, code: str, day: date, minutes: int, kind: str, topics: list[str],
            status: str = "approved") -> Course:
    course = Course(code=code, organizer_unit_id=organizer.id or 0, status=status, title=code, kind=kind,
                    first_date=day, last_date=day, hours_minutes=minutes)
    session.add(course)
    session.flush()
    ids = {t.code: t.id for t in session.exec(select(CourseTopic))}
    for topic in topics:
        session.add(CourseTopicLink(course_id=course.id or 0, topic_id=ids[topic] or 0))
    rollups.sync_course(session, course.id or 0)
    return course


def _build(session: Session) -> Data:
    w = make_world(session)
    w.school_a.school_level = "elementary"
    w.school_b.school_level = "junior_high"
    w.national_school.school_level = "senior_high"
    for unit in (w.school_a, w.school_b, w.national_school):
        session.add(unit)
    courses = {
        "c1": _course(session, w.school_a, "C1", date(2025, 9, 10), 180, "lecture", ["environment"]),
        "c2": _course(session, w.subject_center, "C2", date(2026, 3, 5), 240, "workshop",
                      ["special_ed", "environment"]),
        "c3": _course(session, w.school_b, "C3", date(2026, 10, 1), 120, "lecture", []),
        "c4": _course(session, w.school_a, "C4", date(2026, 1, 5), 60, "lecture", ["environment"], status="draft"),
    }
    teachers = {"t1": make_teacher(session, w.school_a), "t2": make_teacher(session, w.school_a),
                "t3": make_teacher(session, w.school_b), "t4": make_teacher(session, w.national_school)}
    pairs = [("t1", "c1"), ("t1", "c2"), ("t2", "c2"), ("t3", "c1"), ("t4", "c2"), ("t3", "c3")]
    rows = [ledger_row(session, teachers[t], courses[c]) for t, c in pairs]
    confirm(session, rows)
    return Data(w, courses, teachers, rows)


def _expected(session: Session, data: Data, *, sy: int, side: str, unit_ids: set[int] | None = None,
              county: str | None = None) -> dict[str, int]:
    """The four figures computed from the raw rows, not from any rollup."""
    units = {u.id: u for u in session.exec(select(Unit))}
    courses = [c for c in data.courses.values() if c.status == "approved" and school_year_of(c.last_date) == sy]

    def inside(unit_id: int) -> bool:
        if unit_ids is not None:
            return unit_id in unit_ids
        return county is None or units[unit_id].county == county

    held = [c for c in courses if inside(c.organizer_unit_id)]
    records = [r for r in data.records if r.superseded_at is None and r.school_year == sy
               and inside(r.school_unit_id if side == "teacher" else r.organizer_unit_id)]
    return {"courses": len(held), "offered_minutes": sum(c.hours_minutes for c in held),
            "participants": len(records), "credited_minutes": sum(r.minutes for r in records)}


def _as_dict(figures: dashboards.Figures) -> dict[str, int]:
    return {"courses": figures.courses, "offered_minutes": figures.offered_minutes,
            "participants": figures.participants, "credited_minutes": figures.credited_minutes}


def test_national_totals_match_figures_computed_from_the_raw_rows(db_url: str):
    with transaction() as session:
        data = _build(session)
        moe = data.world.actor(session, data.world.moe)
        board = dashboards.open_dashboard(session, moe, F.STATS_NATIONAL, SY114)
        assert _as_dict(board.totals) == _expected(session, data, sy=114, side="teacher")
        assert board.totals.courses == 2 and board.totals.participants == 5
        assert board.distinct_teachers == 4
        for row in board.tables["area"]:
            assert _as_dict(row.figures) == _expected(session, data, sy=114, side="teacher", county=row.key)
        assert sum(r.figures.participants for r in board.tables["area"]) == board.totals.participants


def test_breakdowns_by_kind_topic_level_month_and_trend(db_url: str):
    with transaction() as session:
        data = _build(session)
        moe = data.world.actor(session, data.world.moe)
        board = dashboards.open_dashboard(session, moe, F.STATS_NATIONAL, SY114)
        kinds = {r.key: r.figures for r in board.tables["kind"]}
        assert kinds["lecture"].courses == 1 and kinds["lecture"].participants == 2
        assert kinds["workshop"].offered_minutes == 240 and kinds["workshop"].credited_minutes == 720
        topics = {r.key: r.figures for r in board.tables["topic"]}
        # A record counts once under each topic of its course.
        assert topics["environment"].participants == 5 and topics["special_ed"].participants == 3
        assert topics["environment"].courses == 2
        levels = {r.key: r.figures.participants for r in board.tables["level"] if r.figures.participants}
        assert levels == {"elementary": 3, "junior_high": 1, "senior_high": 1}
        months = {r.key: r.figures for r in board.tables["month"]}
        assert months["202509"].participants == 2 and months["202603"].participants == 3
        trend = {r.key: r.figures for r in board.tables["trend"]}
        assert trend["115"].courses == 1 and trend["115"].participants == 1
        assert trend["114"] == board.totals
        by_topic = dashboards.open_dashboard(session, moe, F.STATS_NATIONAL,
                                        StatsFilters(year=114, topic="special_ed"))
        assert by_topic.totals.participants == 3 and by_topic.totals.courses == 1
        assert by_topic.distinct_teachers == 3
        calendar = dashboards.open_dashboard(session, moe, F.STATS_NATIONAL,
                                        StatsFilters(period_type=PeriodType.CALENDAR, year=115))
        assert calendar.totals.participants == 4 and calendar.totals.courses == 2
        ranged = dashboards.open_dashboard(session, moe, F.STATS_NATIONAL,
                                      StatsFilters(year=114, month_from=202601, month_to=202612))
        assert ranged.totals.participants == 3


def test_compliance_shares_follow_the_rules(db_url: str):
    with transaction() as session:
        data = _build(session)
        moe = data.world.actor(session, data.world.moe)
        board = dashboards.open_dashboard(session, moe, F.STATS_NATIONAL, StatsFilters(year=115))
        rules = {c["rule"]: c for c in board.compliance}
        assert rules["overall"]["met"] == 0 and rules["overall"]["roster"] == 4
        # Environment 4 h in calendar 2026: t1, t2, t4 had 240 minutes of it (c2).
        assert rules["environment"]["met"] == 3 and rules["environment"]["period"] == 2026
        assert rules["environment"]["share"] == pytest.approx(0.75)
        special = {c["rule"]: c for c in dashboards.open_dashboard(session, moe, F.STATS_NATIONAL, SY114).compliance}
        assert special["special_education"]["met"] == 3


def test_the_environment_rule_is_judged_in_the_calendar_year_of_the_chosen_year_never_a_later_one(db_url: str):
    """School year 114 runs 2025-08 … 2026-07: its environment-education figure is calendar year 114 (2025),
    which had begun with it, not 2026. Here only c1 (2025-09, 3 h of environment) falls in 2025, so nobody
    has met 4 h; the 4 h that t1, t2 and t4 earned in 2026-03 count for school year 115 and calendar 115."""
    with transaction() as session:
        data = _build(session)
        moe = data.world.actor(session, data.world.moe)

        def periods(filters: StatsFilters) -> dict[str, tuple[str, int, int]]:
            board = dashboards.open_dashboard(session, moe, F.STATS_NATIONAL, filters)
            return {c["rule"]: (c["period_type"], c["period"], c["met"]) for c in board.compliance}

        school_114 = periods(SY114)
        assert school_114["environment"] == ("calendar", 2025, 0)
        assert school_114["overall"][:2] == ("school", 114)
        assert periods(StatsFilters(year=115))["environment"] == ("calendar", 2026, 3)
        calendar_115 = periods(StatsFilters(period_type=PeriodType.CALENDAR, year=115))
        assert calendar_115["environment"] == ("calendar", 2026, 3)
        # The school-year rules of calendar 2026 are judged in school year 114 (2025-08 … 2026-07), which
        # began before it, not in 115, which begins in its August.
        assert calendar_115["overall"][:2] == calendar_115["special_education"][:2] == ("school", 114)
        assert calendar_115["special_education"][2] == 3


def test_county_school_and_subject_centre_dashboards(db_url: str):
    with transaction() as session:
        data = _build(session)
        w = data.world
        bureau = w.actor(session, w.bureau_a)
        county = dashboards.open_dashboard(session, bureau, F.STATS_COUNTY, SY114)
        assert _as_dict(county.totals) == _expected(session, data, sy=114, side="teacher", county="TPE")
        assert county.area_kind == "unit"
        assert {r.key for r in county.tables["area"]} >= {str(w.school_a.id)}
        school = dashboards.open_dashboard(session, w.actor(session, w.school_a), F.STATS_SCHOOL, SY114)
        assert _as_dict(school.totals) == _expected(session, data, sy=114, side="teacher", unit_ids={w.school_a.id})
        assert school.distinct_teachers == 2
        circle = dashboards.open_dashboard(session, w.actor(session, w.circle), F.STATS_SUBJECT_CENTER, SY114)
        assert _as_dict(circle.totals) == _expected(session, data, sy=114, side="organizer",
                                                    unit_ids={w.subject_center.id})
        assert circle.distinct_teachers is None and circle.compliance == []
        k12 = dashboards.open_dashboard(session, w.actor(session, w.k12ea), F.STATS_COUNTY, SY114)
        assert _as_dict(k12.totals) == _expected(session, data, sy=114, side="teacher",
                                                 unit_ids={w.national_school.id})


def _snapshot(session: Session) -> dict[str, list[tuple]]:
    result = {}
    for model in rollups.ROLLUP_MODELS:
        table = model.__table__  # type: ignore[attr-defined]
        columns = [c for c in table.c if c.name != "id"]
        result[table.name] = sorted(tuple(row) for row in session.execute(sa.select(*columns)))
    return result


def test_rollups_equal_a_rebuild_after_corrections_course_and_topic_changes_and_a_merger(db_url: str):
    with transaction() as session:
        data = _build(session)
        w = data.world
        t1c1 = data.records[0]
        confirm(session, [ledger_row(session, data.teachers["t1"], data.courses["c1"], minutes=90)], [t1c1])
        data.courses["c3"].status = "cancelled"
        session.add(data.courses["c3"])
        rollups.sync_course(session, data.courses["c3"].id or 0)
        data.courses["c4"].status = "approved"
        session.add(data.courses["c4"])
        rollups.sync_course(session, data.courses["c4"].id or 0)
        topics = {t.code: t.id for t in session.exec(select(CourseTopic))}
        for link in session.exec(select(CourseTopicLink).where(CourseTopicLink.course_id == data.courses["c1"].id)):
            session.delete(link)
        session.add(CourseTopicLink(course_id=data.courses["c1"].id or 0, topic_id=topics["family"] or 0))
        rollups.sync_course(session, data.courses["c1"].id or 0)
        _merge(session, w.school_b, w.school_a)
        session.flush()
        session.refresh(data.teachers["t3"])
        confirm(session, [ledger_row(session, data.teachers["t3"], data.courses["c4"])])
        incremental = _snapshot(session)
        rollups.rebuild_rollups(session)
        assert _snapshot(session) == incremental
        moe = w.actor(session, w.moe)
        board = dashboards.open_dashboard(session, moe, F.STATS_NATIONAL, SY114)
        assert board.totals.credited_minutes == 1080 - 90 + 60
        # The merged school's history is part of the successor's own dashboard.
        school = dashboards.open_dashboard(session, w.actor(session, w.school_a), F.STATS_SCHOOL, SY114)
        assert school.totals.participants == 5


def test_superseding_everything_leaves_no_rollup_rows(db_url: str):
    with transaction() as session:
        data = _build(session)
        confirm(session, [], list(data.records))
        snapshot = _snapshot(session)
        assert snapshot["stats_teacher_period"] == []
        assert all(row[0] == "course" for row in snapshot["stats_unit"])


@pytest.mark.parametrize("who,function,kwargs", [
    ("bureau_a", F.STATS_COUNTY, {"county": "KHH"}),
    ("bureau_a", F.STATS_COUNTY, {"unit": "school_b"}),
    ("bureau_a", F.STATS_NATIONAL, {}),
    ("school_a", F.STATS_SCHOOL, {"unit": "school_b"}),
    ("school_a", F.STATS_SCHOOL, {"county": "TPE"}),
    ("school_a", F.STATS_COUNTY, {}),
    ("circle", F.STATS_SUBJECT_CENTER, {"unit": "school_a"}),
    ("k12ea", F.STATS_COUNTY, {"unit": "school_a"}),
    ("k12ea", F.STATS_COUNTY, {"county": "TPE"}),
    ("subject_center", F.STATS_SCHOOL, {}),
    ("university", F.STATS_SCHOOL, {"unit": "school_a"}),
    ("moe", F.STATS_COUNTY, {}),
])
def test_scope_denials_for_every_level(db_url: str, who: str, function: F, kwargs: dict[str, str]):
    with transaction() as session:
        data = _build(session)
        w = data.world
        actor = w.actor(session, getattr(w, who))
        unit_id = getattr(w, kwargs["unit"]).id if "unit" in kwargs else 0
    # Refusals are audit-logged in their own transaction, so the data is committed first.
    with transaction() as session, pytest.raises(Forbidden):
        dashboards.open_dashboard(session, actor, function, SY114, county=kwargs.get("county", ""),
                                  unit_id=unit_id or 0)


def test_teachers_have_no_statistics(db_url: str):
    with transaction() as session:
        data = _build(session)
        teacher = data.world.teacher_actor(session)
    for function in (F.STATS_NATIONAL, F.STATS_COUNTY, F.STATS_SCHOOL, F.STATS_SUBJECT_CENTER):
        with transaction() as session, pytest.raises(Forbidden):
            dashboards.open_dashboard(session, teacher, function, SY114)


def test_moe_drills_from_country_to_county_to_school(db_url: str):
    with transaction() as session:
        data = _build(session)
        w = data.world
        moe = w.actor(session, w.moe)
        county = dashboards.open_dashboard(session, moe, F.STATS_NATIONAL, SY114, county="KHH")
        assert _as_dict(county.totals) == _expected(session, data, sy=114, side="teacher", county="KHH")
        assert [c[1] for c in county.breadcrumb] == ["", "county:KHH"]
        school = dashboards.open_dashboard(session, moe, F.STATS_NATIONAL, SY114, unit_id=w.school_b.id or 0)
        assert [c[1] for c in school.breadcrumb] == ["", "county:KHH", f"unit:{w.school_b.id}"]
        assert school.totals.participants == 1


def test_a_bureau_never_sees_another_countys_numbers(db_url: str):
    with transaction() as session:
        data = _build(session)
        w = data.world
        khh_bureau = w.actor(session, w.bureau_b)
        khh = dashboards.open_dashboard(session, khh_bureau, F.STATS_COUNTY, SY114)
        assert _as_dict(khh.totals) == _expected(session, data, sy=114, side="teacher", county="KHH")
        assert all(r.key != str(w.school_a.id) for r in khh.tables["area"])
        school_a = w.school_a.id or 0
    with transaction() as session, pytest.raises(Forbidden):
        dashboards.open_dashboard(session, khh_bureau, F.STATS_COUNTY, SY114, unit_id=school_a)


def _roster_counts(session: Session) -> tuple[dict[int, int], dict[int, int]]:
    """`stats_roster` as kept by the triggers, and a recount of serving, active teachers per school."""
    kept = {u: n for u, n in session.execute(sa.text("SELECT unit_id, teachers FROM stats_roster")) if n}
    counted = dict(session.execute(sa.text(
        "SELECT school_unit_id, count(*) FROM teacher WHERE employment = 'serving' AND status = 'active' "
        "GROUP BY school_unit_id")).all())
    return kept, counted


def _shown_roster(session: Session, world: World, unit: Unit, function: F) -> int:
    board = dashboards.open_dashboard(session, world.actor(session, unit), function, SY114)
    return board.compliance[0]["roster"]


def test_the_roster_follows_every_change_to_teachers(db_url: str):
    """The compliance denominator is kept per school by triggers on `teacher`: the school's own
    services, a merger, and bulk SQL all count, and a recount finds the same."""
    from tpd_app.services.accounts import teachers as teacher_service

    with transaction() as session:
        w = make_world(session)
        a = [make_teacher(session, w.school_a) for _ in range(3)]
        b = [make_teacher(session, w.school_b) for _ in range(2)]
        make_teacher(session, w.school_b, status="disabled")  # an account that is not active
        kept, counted = _roster_counts(session)
        assert kept == counted and counted[w.school_a.id] == 3 and counted[w.school_b.id] == 2
        assert _shown_roster(session, w, w.bureau_a, F.STATS_COUNTY) == 3
        assert _shown_roster(session, w, w.school_b, F.STATS_SCHOOL) == 2

        teacher_service.set_employment(session, w.actor(session, w.school_a), a[0].id, "retired")
        session.flush()
        assert _shown_roster(session, w, w.school_a, F.STATS_SCHOOL) == 2
        teacher_service.set_employment(session, w.actor(session, w.school_a), a[0].id, "serving")
        teacher_service.move_teacher(session, b[0], w.school_a, "transfer")
        session.flush()
        assert _shown_roster(session, w, w.bureau_a, F.STATS_COUNTY) == 4
        assert _shown_roster(session, w, w.bureau_b, F.STATS_COUNTY) == 1

        _merge(session, w.school_b, w.school_a)  # the last serving teacher of school B goes to A
        session.flush()
        assert _shown_roster(session, w, w.bureau_a, F.STATS_COUNTY) == 5
        assert _shown_roster(session, w, w.bureau_b, F.STATS_COUNTY) == 0

        # Bulk SQL, past the ORM: an update, an insert and a delete.
        session.execute(sa.text("UPDATE teacher SET status = 'disabled' WHERE id = :t"), {"t": a[1].id})
        session.execute(sa.text(
            "INSERT INTO teacher (national_id, name, school_unit_id, email, phone, status, employment, "
            "failed_logins, must_change_password, created_at, updated_at) VALUES ('B299999999', '新老師', :u, '', '', "
            "'active', 'serving', 0, 0, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"), {"u": w.school_b.id})
        session.execute(sa.text("DELETE FROM teacher WHERE id = :t"), {"t": a[2].id})
        kept, counted = _roster_counts(session)
        assert kept == counted == {w.school_a.id: 3, w.school_b.id: 1}
        assert _shown_roster(session, w, w.moe, F.STATS_NATIONAL) == 4

        assert rollups.rebuild_roster(session) == 2
        assert _roster_counts(session)[0] == counted


def test_every_county_is_in_the_national_table_with_zeros_where_nothing_happened(db_url: str):
    """The demo world has figures in two counties; the table (and so the chart and the Excel file) still
    lists all 22 in the official order, a county without courses or participants as zeros."""
    from tpd_app.domain.units import COUNTIES

    with transaction() as session:
        data = _build(session)
        moe = data.world.actor(session, data.world.moe)
        board = dashboards.open_dashboard(session, moe, F.STATS_NATIONAL, SY114)
        area = board.tables["area"]
        assert [r.key for r in area] == list(COUNTIES) and len(area) == 22
        rows = {r.key: r for r in area}
        assert rows["LIE"].label == "連江縣" and rows["LIE"].figures == dashboards.Figures(0, 0, 0, 0)
        assert rows["TPE"].figures.participants > 0
        assert sum(r.figures.participants for r in area) == board.totals.participants
        # A filter that leaves one county with figures still lists every county.
        workshop = dashboards.open_dashboard(session, moe, F.STATS_NATIONAL, StatsFilters(year=114, kind="workshop"))
        assert len(workshop.tables["area"]) == 22


def test_every_kind_level_and_begun_month_is_listed_with_zeros(db_url: str, monkeypatch: pytest.MonkeyPatch):
    """A breakdown that lists only what happened hides what did not: every course kind and school level
    is a row, and the month table runs through every month of the school year that has begun, without
    gaps a line chart would join across, and without months to come (a drop to zero that is no fall)."""
    from tpd_app.domain.courses import CourseKind

    monkeypatch.setattr(dashboards, "taipei_today", lambda: date(2026, 12, 3))
    with transaction() as session:
        data = _build(session)
        moe = data.world.actor(session, data.world.moe)
        board = dashboards.open_dashboard(session, moe, F.STATS_NATIONAL, SY114)
        assert [r.key for r in board.tables["kind"]] == [k.value for k in CourseKind]
        kinds = {r.key: r.figures for r in board.tables["kind"]}
        assert kinds["observation"] == dashboards.Figures(0, 0, 0, 0)
        assert [r.key for r in board.tables["level"]][:4] == ["kindergarten", "elementary", "junior_high",
                                                              "senior_high"]
        months = [r.key for r in board.tables["month"]]
        assert months == [str(ym) for ym in SY114.months()] and len(months) == 12
        assert {r.key: r.figures.participants for r in board.tables["month"]}["202510"] == 0
        chosen = dashboards.open_dashboard(session, moe, F.STATS_NATIONAL, StatsFilters(year=114, kind="lecture"))
        assert [r.key for r in chosen.tables["kind"]] == ["lecture"]
        # In March 2026 the school year's months from April on have not begun: they are not listed.
        monkeypatch.setattr(dashboards, "taipei_today", lambda: date(2026, 3, 20))
        early = dashboards.open_dashboard(session, moe, F.STATS_NATIONAL, SY114)
        assert [r.key for r in early.tables["month"]][-1] == "202603" and len(early.tables["month"]) == 8
        assert early.trend_in_progress == "114"


def test_a_month_range_is_not_claimed_where_the_scope_keeps_no_months(db_url: str):
    """A school's rollups keep years, not months: the range is dropped from the filters the figures were
    computed with (the page then offers none, the export's title names none)."""
    with transaction() as session:
        data = _build(session)
        w = data.world
        ranged = StatsFilters(year=114, month_from=202601, month_to=202603)
        school = dashboards.open_dashboard(session, w.actor(session, w.school_a), F.STATS_SCHOOL, ranged)
        assert not school.months_apply and (school.filters.month_from, school.filters.month_to) == (0, 0)
        national = dashboards.open_dashboard(session, w.actor(session, w.moe), F.STATS_NATIONAL, ranged)
        assert national.months_apply and national.filters == ranged
        assert [r.key for r in national.tables["month"]] == ["202601", "202602", "202603"]
