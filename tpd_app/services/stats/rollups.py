"""Keeping the statistics rollups current, and rebuilding them from the ledger.

Contract with attendance confirmation (SPEC §3.3): in the same transaction that writes or
supersedes `TrainingRecord` rows, call

    rollups.apply_confirmation(session, added=[...new rows...], superseded=[...replaced rows...])

after flushing the new rows (ids are not needed, their columns are; `calendar_year` is read as the
AD year of `credited_on`, `school_year` as the ROC school year, as `demo_stats.ledger_row` writes them;
`superseded_at` is set by the caller). A superseded row is
subtracted exactly as it was added, so a correction is "superseded old + added new". Courses
enter and leave the course side through `sync_course(session, course_id)`, called by the
course use cases whenever a course's status or published facts change (idempotent).

`rebuild_rollups(session)` (CLI: `python -m tpd_app.cli rebuild-stats`) recomputes every rollup
from `training_record`, `course` and `unit` (streamed passes summed in memory, written in bulk);
tests check that it equals the incremental path, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from tpd_app.domain.courses import PUBLISHED
from tpd_app.domain.stats import ALL_TOPICS, PeriodType, Side, ym_of
from tpd_app.domain.training_years import school_year_of
from tpd_app.models import (
    DIST_CAP_MINUTES,
    Course,
    CourseTopic,
    CourseTopicLink,
    StatsCourseFact,
    StatsMonth,
    StatsRoster,
    StatsTeacherDist,
    StatsTeacherPeriod,
    StatsUnit,
    StatsUnitYear,
    StatsYear,
    Teacher,
    TrainingRecord,
    Unit,
)
from tpd_app.services.platform.db import bulk_insert
from tpd_app.services.platform.sql import upsert_insert

MONTH_KEY = ("side", "ym", "county", "level", "kind", "topic")
UNIT_KEY = ("side", "calendar_year", "school_year", "unit_id", "county", "level", "kind", "topic")
TEACHER_KEY = ("period_type", "period", "teacher_id", "unit_id", "county", "level", "topic")
DIST_KEY = ("period_type", "period", "topic", "county", "level", "minutes")
YEAR_KEY = ("side", "period_type", "period", "county", "level", "kind", "topic")
UNIT_YEAR_KEY = ("side", "period_type", "period", "unit_id", "county", "level", "topic")
#: Every rollup table, in the order a rebuild empties and refills them.
ROLLUP_MODELS = (StatsMonth, StatsYear, StatsUnit, StatsUnitYear, StatsTeacherPeriod, StatsTeacherDist,
                 StatsCourseFact)
#: `stats_teacher_dist`'s "any county" / "any level".
EVERY = "*"
_PUBLISHED = sorted(s.value for s in PUBLISHED)


class _Deltas:
    """Signed changes to rollup rows, summed per key before touching the database."""

    def __init__(self) -> None:
        self.month: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
        self.unit: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
        self.teacher: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
        self.year: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
        self.unit_year: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])

    def add(self, side: Side, day: date, calendar_year: int, school_year: int, unit_id: int, county: str,
            level: str, kind: str, topics: Iterable[str], sign: int, minutes: int) -> None:
        ym = ym_of(day)
        for topic in (ALL_TOPICS, *topics):
            month = self.month[(side.value, ym, county, level, kind, topic, calendar_year, school_year)]
            month[0] += sign
            month[1] += sign * minutes
            unit = self.unit[(side.value, calendar_year, school_year, unit_id, county, level, kind, topic)]
            unit[0] += sign
            unit[1] += sign * minutes
            for period_type, period in ((PeriodType.CALENDAR, calendar_year), (PeriodType.SCHOOL, school_year)):
                year = self.year[(side.value, period_type.value, period, county, level, kind, topic)]
                year[0] += sign
                year[1] += sign * minutes
                year = self.unit_year[(side.value, period_type.value, period, unit_id, county, level, topic)]
                year[0] += sign
                year[1] += sign * minutes


def _topics_of(session: Session, course_ids: Iterable[int]) -> dict[int, list[str]]:
    ids = sorted(set(course_ids))
    found: dict[int, list[str]] = defaultdict(list)
    for start in range(0, len(ids), 500):
        rows = session.exec(
            select(CourseTopicLink.course_id, CourseTopic.code)
            .join(CourseTopic, col(CourseTopic.id) == CourseTopicLink.topic_id)
            .where(col(CourseTopicLink.course_id).in_(ids[start:start + 500]))
        ).all()
        for course_id, code in rows:
            found[course_id].append(code)
    return {course_id: sorted(set(codes)) for course_id, codes in found.items()}


def _levels_of(session: Session, unit_ids: Iterable[int]) -> dict[int, str]:
    ids = sorted(set(unit_ids))
    levels: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        for unit_id, level in session.exec(select(Unit.id, Unit.school_level).where(
                col(Unit.id).in_(ids[start:start + 500]))).all():
            levels[unit_id or 0] = level or ""
    return levels


def apply_confirmation(session: Session, added: Sequence[TrainingRecord],
                       superseded: Sequence[TrainingRecord] = ()) -> None:
    """Add newly confirmed records to the rollups and take superseded ones out, in the caller's transaction."""
    records = [(r, 1) for r in added] + [(r, -1) for r in superseded]
    if not records:
        return
    deltas = _Deltas()
    _add_records(session, deltas, records, _topics_of(session, (r.course_id for r, _ in records)))
    _write(session, deltas)


def _add_records(session: Session, deltas: _Deltas, records: Sequence[tuple[TrainingRecord, int]],
                 topics: dict[int, list[str]]) -> None:
    organizer_levels = _levels_of(session, (r.organizer_unit_id for r, _ in records))
    for record, sign in records:
        course_topics = topics.get(record.course_id, [])
        deltas.add(Side.TEACHER, record.credited_on, record.calendar_year, record.school_year,
                   record.school_unit_id, record.school_county or "", record.school_level or "",
                   record.course_kind, course_topics, sign, record.minutes)
        deltas.add(Side.ORGANIZER, record.credited_on, record.calendar_year, record.school_year,
                   record.organizer_unit_id, record.organizer_county or "",
                   organizer_levels.get(record.organizer_unit_id, ""), record.course_kind, course_topics, sign,
                   record.minutes)
        for period_type, period in ((PeriodType.CALENDAR, record.calendar_year),
                                    (PeriodType.SCHOOL, record.school_year)):
            for topic in (ALL_TOPICS, *course_topics):
                row = deltas.teacher[(period_type.value, period, record.teacher_id, record.school_unit_id,
                                      record.school_county or "", record.school_level or "", topic)]
                row[0] += sign
                row[1] += sign * record.minutes


def _upsert(session: Session, table: sa.Table, key: tuple[str, ...], extra: tuple[str, ...],
            measures: tuple[str, ...], deltas: dict[tuple, list[int]]) -> None:
    rows = []
    for values, amounts in deltas.items():
        if not any(amounts):
            continue
        row: dict[str, Any] = dict(zip(key + extra, values, strict=True))
        row.update(zip(measures, amounts, strict=True))
        rows.append(row)
    if not rows:
        return
    statement = upsert_insert(session, table)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c[name] for name in key],
        set_={name: table.c[name] + statement.excluded[name] for name in measures},
    )
    session.execute(statement, rows)
    emptied = [r for r in rows if r[measures[0]] < 0]
    for row in emptied:
        session.execute(sa.delete(table).where(*(table.c[name] == row[name] for name in key),
                                               table.c[measures[0]] <= 0))


def _write(session: Session, deltas: _Deltas) -> None:
    session.flush()
    _upsert(session, StatsMonth.__table__, MONTH_KEY, ("calendar_year", "school_year"),  # type: ignore[attr-defined]
            ("records", "minutes"), deltas.month)
    _upsert(session, StatsYear.__table__, YEAR_KEY, (), ("records", "minutes"), deltas.year)  # type: ignore[attr-defined]
    _upsert(session, StatsUnit.__table__, UNIT_KEY, (), ("records", "minutes"), deltas.unit)  # type: ignore[attr-defined]
    _upsert(session, StatsUnitYear.__table__, UNIT_YEAR_KEY, (), ("records", "minutes"),  # type: ignore[attr-defined]
            deltas.unit_year)
    # The distribution moves each touched teacher from the bucket of her old total to that of her new one.
    touched = {(k[0], k[1], k[2], k[6]) for k, amounts in deltas.teacher.items() if any(amounts)}
    before = _stored_teacher_rows(session, touched)
    after = {key: list(amounts) for key, amounts in before.items()}
    for key, (records, minutes) in deltas.teacher.items():
        if (key[0], key[1], key[2], key[6]) in touched:
            row = after.setdefault(key, [0, 0])
            row[0] += records
            row[1] += minutes
    _upsert(session, StatsTeacherPeriod.__table__, TEACHER_KEY, (), ("records", "minutes"),  # type: ignore[attr-defined]
            deltas.teacher)
    dist: dict[tuple, list[int]] = defaultdict(lambda: [0])
    _count_buckets(_grain_totals(before.items()), -1, dist)
    _count_buckets(_grain_totals((k, v) for k, v in after.items() if v[0] > 0), 1, dist)
    _upsert(session, StatsTeacherDist.__table__, DIST_KEY, (), ("teachers",), dist)  # type: ignore[attr-defined]


def _stored_teacher_rows(session: Session, touched: set[tuple[str, int, int, str]]) -> dict[tuple, list[int]]:
    """The stored `stats_teacher_period` rows of each touched (period type, period, teacher, topic):
    {key: [records, minutes]}."""
    table = StatsTeacherPeriod.__table__  # type: ignore[attr-defined]
    teachers = sorted({key[2] for key in touched})
    rows: dict[tuple, list[int]] = {}
    for start in range(0, len(teachers), 500):
        for *key, records, minutes in session.execute(
                sa.select(*(table.c[name] for name in TEACHER_KEY), table.c.records, table.c.minutes)
                .where(table.c.teacher_id.in_(teachers[start:start + 500]))):
            if (key[0], key[1], key[2], key[6]) in touched:
                rows[tuple(key)] = [records, minutes]
    return rows


def _grain_totals(rows: Iterable[tuple[tuple, list[int]]]) -> dict[tuple, int]:
    """Teachers' total minutes for every grain of `stats_teacher_dist`, from `stats_teacher_period` rows
    ((TEACHER_KEY values), [records, minutes]): {(period type, period, topic, county|*, level|*, teacher): minutes}."""
    totals: dict[tuple, int] = defaultdict(int)
    for (period_type, period, teacher_id, _, county, level, topic), (_, minutes) in rows:
        for county_key in (EVERY, county):
            for level_key in (EVERY, level):
                totals[(period_type, period, topic, county_key, level_key, teacher_id)] += minutes
    return totals


def _count_buckets(totals: dict[tuple, int], sign: int, dist: dict[tuple, list[int]]) -> None:
    """Add `sign` × one teacher to the (grain, capped total) bucket of each total."""
    for grain, total in totals.items():
        dist[(*grain[:5], min(total, DIST_CAP_MINUTES))][0] += sign


def _course_fact(session: Session, course: Course) -> dict[str, Any] | None:
    """What a course contributes now: nothing unless published and dated."""
    held_on = course.last_date or course.first_date
    if course.status not in _PUBLISHED or held_on is None:
        return None
    organizer = session.get(Unit, course.organizer_unit_id)
    topics = _topics_of(session, [course.id or 0]).get(course.id or 0, [])
    return {"held_on": held_on, "unit_id": course.organizer_unit_id,
            "county": (organizer.county if organizer else "") or "",
            "level": (organizer.school_level if organizer else "") or "", "kind": course.kind,
            "topics": "|".join(topics), "minutes": course.hours_minutes}


def _add_course(deltas: _Deltas, fact: dict[str, Any], sign: int) -> None:
    held_on: date = fact["held_on"]
    deltas.add(Side.COURSE, held_on, held_on.year, school_year_of(held_on), fact["unit_id"], fact["county"],
               fact["level"], fact["kind"], [t for t in fact["topics"].split("|") if t], sign, fact["minutes"])


def sync_course(session: Session, course_id: int) -> None:
    """Bring the course side in line with the course as it is now (idempotent; call after any change)."""
    session.flush()
    course = session.get(Course, course_id)
    if course is None:
        return
    now = _course_fact(session, course)
    stored = session.exec(select(StatsCourseFact).where(StatsCourseFact.course_id == course_id)).first()
    before = None if stored is None else {name: getattr(stored, name) for name in
                                          ("held_on", "unit_id", "county", "level", "kind", "topics", "minutes")}
    if before == now:
        return
    deltas = _Deltas()
    if before is not None:
        _add_course(deltas, before, -1)
    if now is not None:
        _add_course(deltas, now, 1)
    old_topics = before["topics"] if before is not None else None
    if now is not None and old_topics is not None and old_topics != now["topics"]:
        # Confirmed hours are filed under the course's topics: move them to the new ones.
        confirmed = session.exec(select(TrainingRecord).where(TrainingRecord.course_id == course_id,
                                                              col(TrainingRecord.superseded_at).is_(None))).all()
        split = {"old": [t for t in old_topics.split("|") if t], "new": [t for t in now["topics"].split("|") if t]}
        _add_records(session, deltas, [(r, -1) for r in confirmed], {course_id: split["old"]})
        _add_records(session, deltas, [(r, 1) for r in confirmed], {course_id: split["new"]})
    if stored is not None and now is None:
        session.delete(stored)
    elif stored is not None and now is not None:
        for name, value in now.items():
            setattr(stored, name, value)
        session.add(stored)
    elif now is not None:
        session.add(StatsCourseFact(course_id=course_id, **now))
    _write(session, deltas)


def _ym_sql(dialect: str, column: Any) -> Any:
    if dialect == "postgresql":
        return sa.cast(sa.extract("year", column) * 100 + sa.extract("month", column), sa.Integer)
    return sa.cast(sa.func.strftime("%Y%m", column), sa.Integer)


def _rebuild_course_facts(session: Session) -> None:
    """One fact row per published course, in SQL, with its topic codes joined in a stable order."""
    conn = session.connection()
    dialect = conn.dialect.name
    fact = StatsCourseFact.__table__  # type: ignore[attr-defined]
    course = Course.__table__  # type: ignore[attr-defined]
    unit = Unit.__table__  # type: ignore[attr-defined]
    link = CourseTopicLink.__table__  # type: ignore[attr-defined]
    topic = CourseTopic.__table__  # type: ignore[attr-defined]
    ordered = (sa.select(link.c.course_id, topic.c.code).join(topic, topic.c.id == link.c.topic_id)
               .distinct().order_by(link.c.course_id, topic.c.code).subquery())
    if dialect == "postgresql":
        joined = sa.func.string_agg(ordered.c.code, sa.literal_column("'|'"))
    else:
        joined = sa.func.group_concat(ordered.c.code, "|")
    topics = sa.select(ordered.c.course_id, joined.label("topics")).group_by(ordered.c.course_id).subquery()
    held_on = sa.func.coalesce(course.c.last_date, course.c.first_date)
    conn.execute(fact.insert().from_select(
        ["course_id", "held_on", "unit_id", "county", "level", "kind", "topics", "minutes"],
        sa.select(course.c.id, held_on, course.c.organizer_unit_id, sa.func.coalesce(unit.c.county, ""),
                  sa.func.coalesce(unit.c.school_level, ""), course.c.kind, sa.func.coalesce(topics.c.topics, ""),
                  course.c.hours_minutes)
        .join(unit, unit.c.id == course.c.organizer_unit_id)
        .outerjoin(topics, topics.c.course_id == course.c.id)
        .where(course.c.status.in_(_PUBLISHED), held_on.is_not(None))
    ))


def _topics_by_course(conn: sa.Connection) -> dict[int, tuple[str, ...]]:
    """Every course's rollup topics: "*" first, then its topic codes in order."""
    link = CourseTopicLink.__table__  # type: ignore[attr-defined]
    topic = CourseTopic.__table__  # type: ignore[attr-defined]
    found: dict[int, set[str]] = defaultdict(set)
    for course_id, code in conn.execute(sa.select(link.c.course_id, topic.c.code)
                                        .join(topic, topic.c.id == link.c.topic_id)):
        found[course_id].add(code)
    return {course_id: (ALL_TOPICS, *sorted(codes)) for course_id, codes in found.items()}


def _ledger_rows(conn: sa.Connection, period_clause: Any) -> sa.Result:
    """The active ledger rows of one period, streamed, with the month already as YYYYMM."""
    record = TrainingRecord.__table__  # type: ignore[attr-defined]
    return conn.execute(
        sa.select(_ym_sql(conn.dialect.name, record.c.credited_on), record.c.calendar_year, record.c.school_year,
                  record.c.school_unit_id, sa.func.coalesce(record.c.school_county, ""),
                  sa.func.coalesce(record.c.school_level, ""), record.c.organizer_unit_id,
                  sa.func.coalesce(record.c.organizer_county, ""), record.c.course_kind, record.c.minutes,
                  record.c.teacher_id, record.c.course_id)
        .where(record.c.superseded_at.is_(None), period_clause)
        # On the statement: `Connection.execution_options` would change the connection for good.
        .execution_options(yield_per=50_000))


def _insert_sums(session: Session, model: Any, columns: tuple[str, ...], sums: dict[tuple, list[int]]) -> None:
    """Write freshly computed rollup rows (key values, then the measures) in bulk."""
    # In key order: the unique index then grows at its end instead of splitting pages everywhere.
    bulk_insert(session, model.__table__, list(columns), ((*key, *sums[key]) for key in sorted(sums)))


def _dist_of(teacher: dict[tuple, list[int]]) -> dict[tuple, list[int]]:
    """`stats_teacher_dist` rows of one period from its `stats_teacher_period` sums (same rule as `_write`)."""
    dist: dict[tuple, list[int]] = defaultdict(lambda: [0])
    _count_buckets(_grain_totals(teacher.items()), 1, dist)
    return dist


def _fill_years_from_months(conn: sa.Connection) -> None:
    """`stats_year` is `stats_month`, and `stats_unit_year` is `stats_unit` without the kind, summed per
    calendar and per school year (the same sums `_Deltas` adds)."""
    for source, target, kept in ((StatsMonth, StatsYear, ("county", "level", "kind", "topic")),
                                 (StatsUnit, StatsUnitYear, ("unit_id", "county", "level", "topic"))):
        rows, sums = source.__table__, target.__table__  # type: ignore[attr-defined]
        for period_type, period in ((PeriodType.CALENDAR, rows.c.calendar_year),
                                    (PeriodType.SCHOOL, rows.c.school_year)):
            kept_columns = [rows.c[name] for name in kept]
            conn.execute(sums.insert().from_select(
                ["side", "period_type", "period", *kept, "records", "minutes"],
                sa.select(rows.c.side, sa.literal(period_type.value), period, *kept_columns,
                          sa.func.sum(rows.c.records), sa.func.sum(rows.c.minutes))
                .group_by(rows.c.side, period, *kept_columns)))


def rebuild_rollups(session: Session, *, progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Recompute every rollup from the ledger, courses and units, in the caller's transaction.

    One streamed pass over the ledger per school year (month, unit and school-year teacher sums) and
    one per calendar year (calendar-year teacher sums), summed in memory with the same keys as the
    incremental path and written in bulk, with the rollups' secondary indexes dropped while they
    fill (built again at the end, still in the same transaction).
    """
    session.flush()
    conn = session.connection()
    say = progress or (lambda _text: None)
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA cache_size = -262144")
    tables = [model.__table__ for model in ROLLUP_MODELS]  # type: ignore[attr-defined]
    for table in tables:
        conn.execute(sa.delete(table))
    record = TrainingRecord.__table__  # type: ignore[attr-defined]
    active = record.c.superseded_at.is_(None)
    school_years = sorted(conn.execute(sa.select(record.c.school_year).where(active).distinct()).scalars())
    calendar_years = sorted(conn.execute(sa.select(record.c.calendar_year).where(active).distinct()).scalars())
    indexes = [index for table in tables for index in table.indexes]
    for index in indexes:
        index.drop(conn, checkfirst=True)
    month_columns = (*MONTH_KEY, "calendar_year", "school_year", "records", "minutes")
    unit_columns = (*UNIT_KEY, "records", "minutes")
    teacher_columns = (*TEACHER_KEY, "records", "minutes")
    dist_columns = (*DIST_KEY, "teachers")
    try:
        _rebuild_course_facts(session)
        deltas = _Deltas()
        fact = StatsCourseFact.__table__  # type: ignore[attr-defined]
        for row in conn.execute(sa.select(fact.c.held_on, fact.c.unit_id, fact.c.county, fact.c.level, fact.c.kind,
                                          fact.c.topics, fact.c.minutes)):
            _add_course(deltas, dict(row._mapping), 1)
        _insert_sums(session, StatsMonth, month_columns, deltas.month)
        _insert_sums(session, StatsUnit, unit_columns, deltas.unit)
        say("courses")
        topics = _topics_by_course(conn)
        levels = dict(conn.execute(sa.select(Unit.id, sa.func.coalesce(Unit.school_level, ""))).all())
        plain = (ALL_TOPICS,)
        teacher_side, organizer_side = Side.TEACHER.value, Side.ORGANIZER.value
        school_period = PeriodType.SCHOOL.value
        for year in school_years:
            month: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
            unit: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
            teacher: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
            # Records of one course from one county and level share their month rows and organizer rows:
            # sum them first, spread them over the course's topics once.
            shared: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
            for (ym, cy, sy, school, county, level, organizer, organizer_county, kind, minutes, teacher_id,
                 course_id) in _ledger_rows(conn, record.c.school_year == year):
                sums = shared[(course_id, ym, cy, sy, kind, county, level, organizer, organizer_county)]
                sums[0] += 1
                sums[1] += minutes
                for topic in topics.get(course_id, plain):
                    sums = unit[(teacher_side, cy, sy, school, county, level, kind, topic)]
                    sums[0] += 1
                    sums[1] += minutes
                    sums = teacher[(school_period, sy, teacher_id, school, county, level, topic)]
                    sums[0] += 1
                    sums[1] += minutes
            for (course_id, ym, cy, sy, kind, county, level, organizer, organizer_county), (count, minutes) \
                    in shared.items():
                organizer_level = levels.get(organizer, "")
                for topic in topics.get(course_id, plain):
                    for sums in (month[(teacher_side, ym, county, level, kind, topic, cy, sy)],
                                 month[(organizer_side, ym, organizer_county, organizer_level, kind, topic, cy, sy)],
                                 unit[(organizer_side, cy, sy, organizer, organizer_county, organizer_level, kind,
                                       topic)]):
                        sums[0] += count
                        sums[1] += minutes
            _insert_sums(session, StatsMonth, month_columns, month)
            _insert_sums(session, StatsUnit, unit_columns, unit)
            _insert_sums(session, StatsTeacherPeriod, teacher_columns, teacher)
            _insert_sums(session, StatsTeacherDist, dist_columns, _dist_of(teacher))
            say(f"school year {year}")
        for year in calendar_years:
            teacher = defaultdict(lambda: [0, 0])
            calendar_period = PeriodType.CALENDAR.value
            for (_, cy, _, school, county, level, _, _, _, minutes, teacher_id,
                 course_id) in _ledger_rows(conn, record.c.calendar_year == year):
                for topic in topics.get(course_id, plain):
                    sums = teacher[(calendar_period, cy, teacher_id, school, county, level, topic)]
                    sums[0] += 1
                    sums[1] += minutes
            _insert_sums(session, StatsTeacherPeriod, teacher_columns, teacher)
            _insert_sums(session, StatsTeacherDist, dist_columns, _dist_of(teacher))
            say(f"calendar year {year}")
        _fill_years_from_months(conn)
        say("years")
    finally:
        for index in indexes:
            index.create(conn, checkfirst=True)
    rebuild_roster(session)
    # Fresh planner statistics: figures from before the rebuild can steer queries to the wrong index.
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA analysis_limit = 1000")
    for table in tables:
        conn.exec_driver_sql(f"ANALYZE {table.name}")
    return {table.name: conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            for table in tables if table.name != "stats_course_fact"}


def rebuild_roster(session: Session) -> int:
    """Recount `stats_roster` from the teachers, as the triggers on `teacher` count them (migration
    83064caf09a2: serving and active); returns the schools counted."""
    roster = StatsRoster.__table__  # type: ignore[attr-defined]
    teacher = Teacher.__table__  # type: ignore[attr-defined]
    conn = session.connection()
    conn.execute(sa.delete(roster))
    counted = (sa.select(teacher.c.school_unit_id, sa.func.count())
               .where(teacher.c.employment == "serving", teacher.c.status == "active")
               .group_by(teacher.c.school_unit_id))
    return conn.execute(sa.insert(roster).from_select(["unit_id", "teachers"], counted)).rowcount
