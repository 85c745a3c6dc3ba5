"""Dashboard server time on the national statistics dataset, each next to its baseline from the same run.

    python bench/stats_dashboard.py --scale 0.1                 # 1/10 of the country in a fresh SQLite file
    python bench/stats_dashboard.py --db /tmp/nat.db --reuse    # reuse a generated database
    python bench/stats_dashboard.py --scale 1                   # the full country (≥10 M hour records)

Measures what one dashboard event does on the server (`state.stats._load`: a transaction and
`services.stats.open_dashboard`) for the national, a county and a school scope, with p50/p95 over
varied filters. Baselines: national and county against a naive ORM load-and-sum of the same
figures; school against a hand-written indexed SQL query. Prints figures only; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(fn, repeat: int) -> tuple[list[float], object]:
    samples, result = [], None
    for i in range(repeat):
        began = time.perf_counter()
        result = fn(i)
        samples.append((time.perf_counter() - began) * 1000)
    return samples, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--db", default="")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--naive-repeat", type=int, default=2)
    args = parser.parse_args()

    path = Path(args.db) if args.db else Path(tempfile.mkdtemp()) / "stats-bench.db"
    os.environ["TPD_DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("TPD_ARGON2_MEMORY_KIB", "1024")
    os.environ.setdefault("TPD_ARGON2_TIME_COST", "1")

    import sqlalchemy as sa
    from sqlmodel import col, select

    from tpd_app.cli import migrate
    from tpd_app.devdata.demo import load_demo
    from tpd_app.devdata.volume import optimize
    from tpd_app.devdata.volume_stats import generate_national
    from tpd_app.domain.courses import PUBLISHED
    from tpd_app.domain.permissions import Actor, Function, UnitRef
    from tpd_app.domain.stats import PeriodType, StatsFilters
    from tpd_app.domain.units import AccountCategory, UnitType
    from tpd_app.models import Course, TrainingRecord, Unit
    from tpd_app.services.platform.db import transaction
    from tpd_app.state.stats import _load

    if not (args.reuse and path.exists()):
        migrate()
        began = time.monotonic()
        with transaction() as session:
            load_demo(session)
            counts = generate_national(session, scale=args.scale, progress=True)
        with transaction() as session:
            optimize(session)
        print(f"generated {counts} in {time.monotonic() - began:.0f} s ({path})")

    with transaction() as session:
        records = session.exec(select(sa.func.count()).select_from(TrainingRecord)).one()
        years = sorted(session.exec(select(TrainingRecord.school_year).distinct()).all())
        moe = session.exec(select(Unit).where(Unit.type == UnitType.MOE.value)).first()
        bureau = session.exec(select(Unit).where(Unit.type == UnitType.COUNTY_BUREAU.value,
                                                 Unit.county == "NWT")).first()
        big_school_id = session.exec(
            select(TrainingRecord.school_unit_id).group_by(TrainingRecord.school_unit_id)
            .order_by(sa.func.count().desc()).limit(1)).one()
        school = session.get(Unit, big_school_id)
    assert moe and bureau and school
    full_years = [y for y in years[1:-1]] or years
    # As the server does when a worker starts (tpd_app.py's lifespan task): the start-up heap skips the
    # collector's full passes.
    from tpd_app.services.platform.heap import freeze_startup_heap
    print(f"start-up heap frozen as in the server: {freeze_startup_heap():,} objects")

    def actor(unit: Unit) -> Actor:
        return Actor(kind="account", id=0, unit=UnitRef(id=unit.id or 0, type=UnitType(unit.type), county=unit.county,
                                                        reviewer_id=unit.reviewer_id),
                     category=AccountCategory.CHIEF)

    kinds = ["", "workshop", "", "lecture", "", "online"]

    def filters(i: int) -> StatsFilters:
        return StatsFilters(period_type=PeriodType.SCHOOL if i % 3 else PeriodType.CALENDAR,
                            year=full_years[i % len(full_years)] + (1 if i % 3 == 0 else 0), kind=kinds[i % len(kinds)])

    print(f"\ntraining records: {records:,}   database: {path.stat().st_size / 1e6:,.0f} MB   "
          f"school years: {years}   repeat: {args.repeat}")
    print("server time of one dashboard event (every figure, chart and table of the page)\n")
    year = full_years[len(full_years) // 2]
    plain = StatsFilters(period_type=PeriodType.SCHOOL, year=year)

    def naive(county: str | None) -> tuple[int, int, Counter]:
        """Load the rows as ORM objects and sum them in Python (what a rollup-free page would do)."""
        with transaction() as session:
            stmt = select(TrainingRecord).where(TrainingRecord.school_year == year,
                                                col(TrainingRecord.superseded_at).is_(None))
            if county:
                stmt = stmt.where(TrainingRecord.school_county == county)
            rows = session.exec(stmt).all()
            by_county: Counter = Counter()
            for r in rows:
                by_county[r.school_county] += 1
            courses = session.exec(select(Course).where(col(Course.status).in_([s.value for s in PUBLISHED]))).all()
            held = [c for c in courses if c.last_date and c.last_date.year in (year + 1911, year + 1912)]
            return len(rows) + len(held), sum(r.minutes for r in rows), by_county

    def hand_sql(_: int) -> dict[str, object]:
        """The school dashboard's figures (school year, every kind) straight from the ledger and the courses,
        as a developer would write them by hand against the existing indexes."""
        u, y = school.id, year
        params = {"u": u, "y": y, "cy": y + 1912, "a": f"{y + 1911}-08-01", "b": f"{y + 1912}-07-31"}
        published = "c.status IN ('approved', 'auto_approved')"
        held = "coalesce(c.last_date, c.first_date)"
        mine = "r.school_unit_id = :u AND r.superseded_at IS NULL"
        topics = "JOIN course_topic_link l ON l.course_id = {c} JOIN course_topic t ON t.id = l.topic_id"
        school_year = (f"CAST(strftime('%Y', {held}) AS INTEGER) - 1911 "
                       f"- (CAST(strftime('%m', {held}) AS INTEGER) < 8)")
        queries = {
            "credited_by_kind": f"SELECT r.course_kind, count(*), sum(r.minutes) FROM training_record r "
                                f"WHERE {mine} AND r.school_year = :y GROUP BY r.course_kind",
            "courses_by_kind": f"SELECT c.kind, count(*), sum(c.hours_minutes) FROM course c "
                               f"WHERE c.organizer_unit_id = :u AND {published} AND {held} BETWEEN :a AND :b "
                               f"GROUP BY c.kind",
            "credited_by_topic": f"SELECT t.code, count(*), sum(r.minutes) FROM training_record r "
                                 f"{topics.format(c='r.course_id')} WHERE {mine} AND r.school_year = :y "
                                 f"GROUP BY t.code",
            "courses_by_topic": f"SELECT t.code, count(*), sum(c.hours_minutes) FROM course c "
                                f"{topics.format(c='c.id')} WHERE c.organizer_unit_id = :u AND {published} "
                                f"AND {held} BETWEEN :a AND :b GROUP BY t.code",
            "credited_trend": f"SELECT r.school_year, count(*), sum(r.minutes) FROM training_record r WHERE {mine} "
                              f"GROUP BY r.school_year",
            "courses_trend": f"SELECT {school_year}, count(*), sum(c.hours_minutes) FROM course c "
                             f"WHERE c.organizer_unit_id = :u AND {published} AND {held} IS NOT NULL GROUP BY 1",
            "teachers_and_overall": f"SELECT count(*), sum(total >= 1080) FROM (SELECT r.teacher_id, "
                                    f"sum(r.minutes) AS total FROM training_record r WHERE {mine} "
                                    f"AND r.school_year = :y GROUP BY r.teacher_id)",
            "environment": f"SELECT count(*) FROM (SELECT r.teacher_id FROM training_record r "
                           f"{topics.format(c='r.course_id')} WHERE {mine} AND r.calendar_year = :cy "
                           f"AND t.code = 'environment' GROUP BY r.teacher_id HAVING sum(r.minutes) >= 240)",
            "special_ed": f"SELECT count(*) FROM (SELECT r.teacher_id FROM training_record r "
                          f"{topics.format(c='r.course_id')} WHERE {mine} AND r.school_year = :y "
                          f"AND t.code = 'special_ed' GROUP BY r.teacher_id HAVING sum(r.minutes) >= 180)",
            "roster": "SELECT count(*) FROM teacher WHERE school_unit_id = :u AND employment = 'serving' "
                      "AND status = 'active'",
        }
        with transaction() as session:
            conn = session.connection()
            return {name: conn.execute(sa.text(sql), params).all() for name, sql in queries.items()}

    def same_figures(board: object, hand: dict[str, object]) -> bool:
        """The hand-written queries and the dashboard agree on the headline figures."""
        credited = sum(row[2] or 0 for row in hand["credited_by_kind"])
        participants = sum(row[1] for row in hand["credited_by_kind"])
        teachers, overall = hand["teachers_and_overall"][0]
        met = {c["rule"]: c["met"] for c in board.compliance}
        return (board.totals.credited_minutes == credited and board.totals.participants == participants
                and board.distinct_teachers == teachers and met.get("overall") == (overall or 0)
                and met.get("environment") == hand["environment"][0][0]
                and met.get("special_education") == hand["special_ed"][0][0])

    print(f"{'scope':<26} {'p50 ms':>9} {'p95 ms':>9}   {'baseline':<34} {'p50 ms':>10} {'ratio':>9}")
    scopes = (("national (moe)", moe, Function.STATS_NATIONAL, None),
              ("county NWT (bureau)", bureau, Function.STATS_COUNTY, "NWT"))
    # Every dashboard first, then the naive baselines: their gigabytes of ORM objects and table scans
    # would otherwise leave the dashboards measured after them a cold start.
    measured = {}
    for label, unit, function, _ in scopes:
        samples, _ = timed(lambda i, u=unit, f=function: _load(actor(u), f, filters(i), "", 0, ""), args.repeat)
        exact, _ = timed(lambda i, u=unit, f=function: _load(actor(u), f, plain, "", 0, ""), args.repeat)
        measured[label] = (samples, exact)
    for label, _, _, county in scopes:
        samples, exact = measured[label]
        base, _ = timed(lambda i, c=county: naive(c), args.naive_repeat)
        ratio = statistics.median(base) / statistics.median(exact)
        print(f"{label:<26} {statistics.median(samples):>9.1f} {percentile(samples, 0.95):>9.1f}   "
              f"{'naive ORM load-and-sum':<34} {statistics.median(base):>10.1f} {ratio:>8.0f}x")
        print(f"  on the baseline's filters: p50 {statistics.median(exact):.1f} ms")
    samples, _ = timed(lambda i: _load(actor(school), Function.STATS_SCHOOL, filters(i), "", 0, ""), args.repeat)
    exact, board = timed(lambda i: _load(actor(school), Function.STATS_SCHOOL, plain, "", 0, ""), args.repeat)
    base, hand = timed(hand_sql, args.repeat)
    print(f"{'school (largest, own)':<26} {statistics.median(samples):>9.1f} {percentile(samples, 0.95):>9.1f}   "
          f"{'hand-written indexed SQL':<34} {statistics.median(base):>10.1f} "
          f"{statistics.median(exact) / statistics.median(base):>8.2f}x the hand SQL's time")
    print(f"  school dashboard on the baseline's filters: p50 {statistics.median(exact):.1f} ms; "
          f"same figures as the hand-written SQL: {'yes' if same_figures(board, hand) else 'NO'}")
    print("\nratio for national/county: naive p50 / dashboard p50 on the same filters (school year, no kind);\n"
          "school: dashboard p50 / hand-written SQL p50, both computing the same figures for one school year\n"
          "(totals, kinds, topics, trend, distinct teachers, three compliance rules, roster).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
