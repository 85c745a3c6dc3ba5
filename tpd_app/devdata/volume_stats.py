"""A national-scale statistics dataset: schools, teachers, five years of courses and confirmed hours.

`generate_national(session, scale=1.0)` writes 22 counties' worth of ~12,000 schools (a skewed
size distribution: many small schools, a few very large ones), 250,000 teachers, ~100,000
approved courses a year (`volume.generate_courses`, seasonal) and ≥10 million confirmed
`training_record` rows, then rebuilds the rollups. Bulk inserts go through the DB-API
(`executemany` on SQLite, `COPY` on PostgreSQL), never ORM objects. Load tests only: never run it
on a real database.
"""

from __future__ import annotations

import bisect
import itertools
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from tpd_app.devdata.volume import generate_courses
from tpd_app.domain.courses import PUBLISHED
from tpd_app.domain.national_id import check_digit
from tpd_app.domain.timeutil import taipei_today, utcnow
from tpd_app.domain.training_years import school_year_of
from tpd_app.domain.units import COUNTIES, UnitType
from tpd_app.models import Course, Teacher, TrainingRecord, Unit
from tpd_app.services.platform.db import bulk_insert
from tpd_app.services.stats import rollups

#: Share of the country's schools and teachers per county (roughly by population).
COUNTY_WEIGHTS = {"NWT": 17, "TXG": 12, "KHH": 12, "TPE": 11, "TAO": 10, "TNN": 8, "CHA": 5, "PIF": 3.5,
                  "YUN": 3, "MIA": 2.3, "HSQ": 2.5, "CYQ": 2, "NAN": 2, "ILA": 2, "HSZ": 2, "KEE": 1.5,
                  "HUA": 1.4, "CYI": 1.1, "TTT": 1, "PEN": 0.5, "KIN": 0.5, "LIE": 0.1}
LEVELS = (("elementary", 0.45), ("kindergarten", 0.3), ("junior_high", 0.15), ("senior_high", 0.10))
_LEVEL_WORD = {"kindergarten": "幼兒園", "elementary": "國小", "junior_high": "國中", "senior_high": "高中"}
#: A teacher attends mostly in her own county.
HOME_COUNTY_SHARE = 0.85


def _log(progress: bool, began: float, text: str) -> None:
    if progress:
        print(f"  [{time.monotonic() - began:7.1f} s] {text}", flush=True)


def _stamp(session: Session) -> object:
    """Now, as the column type stores it (SQLite keeps UTC text; the DB-API path skips type processing)."""
    now = utcnow()
    if session.connection().dialect.name == "postgresql":
        return now
    return now.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


def _schools(session: Session, rng: random.Random, total: int) -> list[tuple[int, str, str, float]]:
    """(id, county, level, size weight) of `total` new schools; sizes are log-normal (heavy right tail)."""
    bureaus = {u.county: u.id for u in session.exec(select(Unit).where(Unit.type == UnitType.COUNTY_BUREAU.value))}
    weight_sum = sum(COUNTY_WEIGHTS.values())
    next_id = (session.exec(select(sa.func.max(Unit.id))).one() or 0) + 1
    now = _stamp(session)
    rows, result = [], []
    for county, weight in COUNTY_WEIGHTS.items():
        for n in range(max(3, round(total * weight / weight_sum))):
            level = rng.choices([lv for lv, _ in LEVELS], [w for _, w in LEVELS])[0]
            size = rng.lognormvariate(2.6, 0.9) * (2.2 if level in ("junior_high", "senior_high") else 1.0)
            unit_id = next_id
            next_id += 1
            name = f"{COUNTIES[county][0]}第{n + 1}{_LEVEL_WORD[level]}"
            rows.append((unit_id, UnitType.SCHOOL.value, f"G{county}{n:05d}", name, county, level,
                         bureaus.get(county), bureaus.get(county), "active", now, now, "", "", "", "", "", ""))
            result.append((unit_id, county, level, size))
    bulk_insert(session, Unit.__table__,  # type: ignore[attr-defined]
                 ["id", "type", "code", "name", "county", "school_level", "parent_id", "reviewer_id", "status",
                  "created_at", "updated_at", "address", "phone", "fax", "email", "website", "contact_name"],
                 iter(rows))
    return result


def _national_ids(start: int) -> Iterator[str]:
    for n in itertools.count(start):
        prefix = f"{'ABCDEFGHJKLMNPQRSTUVXYWZIO'[n // 10_000_000 % 26]}{1 + n // 260_000_000 % 2}{n % 10_000_000:07d}"
        yield prefix + check_digit(prefix)


def _teachers(session: Session, rng: random.Random, schools: list[tuple[int, str, str, float]], total: int
              ) -> dict[str, list[tuple[int, int, str, str]]]:
    """`total` teachers spread over the schools by size; returns them per county as (id, school, county, level)."""
    weights = list(itertools.accumulate(s[3] for s in schools))
    next_id = (session.exec(select(sa.func.max(Teacher.id))).one() or 0) + 1
    now = _stamp(session)
    by_county: dict[str, list[tuple[int, int, str, str]]] = defaultdict(list)
    ids = _national_ids(next_id + 5_000_000)

    def rows() -> Iterator[tuple]:
        for teacher_id in range(next_id, next_id + total):
            school = schools[min(len(schools) - 1, bisect.bisect(weights, rng.random() * weights[-1]))]
            by_county[school[1]].append((teacher_id, school[0], school[1], school[2]))
            yield (teacher_id, next(ids), f"教師{teacher_id}", school[0], "active", "serving", 0, False, now, now,
                   "", "")

    bulk_insert(session, Teacher.__table__,  # type: ignore[attr-defined]
                 ["id", "national_id", "name", "school_unit_id", "status", "employment", "failed_logins",
                  "must_change_password", "created_at", "updated_at", "email", "phone"], rows())
    return by_county


def _records(session: Session, rng: random.Random, by_county: dict[str, list[tuple[int, int, str, str]]],
             per_course: float, first_course_id: int, today: date) -> Iterator[tuple]:
    """Attendance of every past published course: mostly the organizer's county, a long tail elsewhere.

    The courses are read before the first record is yielded: on PostgreSQL the records go in through
    COPY on the same connection, which cannot run another statement meanwhile.
    """
    everyone = [t for teachers in by_county.values() for t in teachers]
    conn = session.connection()
    course = sa.table("course", sa.column("id"), sa.column("organizer_unit_id"), sa.column("kind"),
                      sa.column("last_date"), sa.column("hours_minutes"), sa.column("status"))
    unit = sa.table("unit", sa.column("id"), sa.column("county"))
    courses = conn.execute(
        sa.select(course.c.id, course.c.organizer_unit_id, unit.c.county, course.c.kind, course.c.last_date,
                  course.c.hours_minutes)
        .join(unit, unit.c.id == course.c.organizer_unit_id)
        .where(course.c.id >= first_course_id, course.c.last_date < today,
               course.c.status.in_([s.value for s in PUBLISHED]))).all()
    return _attendance(rng, by_county, everyone, courses, per_course, _stamp(session))


def _attendance(rng: random.Random, by_county: dict[str, list[tuple[int, int, str, str]]],
                everyone: list[tuple[int, int, str, str]], courses: list[Any], per_course: float,
                confirmed: object) -> Iterator[tuple]:
    for course_id, organizer_id, organizer_county, kind, last_date, minutes in courses:
        if isinstance(last_date, str):
            last_date = date.fromisoformat(last_date)
        local = by_county.get(organizer_county) or everyone
        size = max(1, int(rng.expovariate(1 / per_course)))
        seen: set[int] = set()
        cy, sy = last_date.year, school_year_of(last_date)
        for _ in range(size):
            pool = local if rng.random() < HOME_COUNTY_SHARE else everyone
            teacher_id, school_id, county, level = pool[rng.randrange(len(pool))]
            if teacher_id in seen:
                continue
            seen.add(teacher_id)
            yield (teacher_id, course_id, minutes, last_date, cy, sy, school_id, county, level, organizer_id,
                   organizer_county, kind, confirmed)


_RECORD_COLUMNS = ["teacher_id", "course_id", "minutes", "credited_on", "calendar_year", "school_year",
                   "school_unit_id", "school_county", "school_level", "organizer_unit_id", "organizer_county",
                   "course_kind", "confirmed_at"]


def generate_national(session: Session, *, scale: float = 1.0, years: int = 5, seed: int = 7,
                      records_per_course: float = 25.0, progress: bool = False,
                      today: date | None = None, rollups_too: bool = True) -> dict[str, int]:
    """Write the national dataset at `scale` (1.0: 12,000 schools, 250,000 teachers, 100,000 courses a year,
    ≥10 million hour records) and rebuild the rollups; returns what was written."""
    rng = random.Random(seed)
    began = time.monotonic()
    today = today or taipei_today()
    schools = _schools(session, rng, max(22, round(12_000 * scale)))
    _log(progress, began, f"{len(schools):,} schools")
    by_county = _teachers(session, rng, schools, max(50, round(250_000 * scale)))
    _log(progress, began, f"{sum(len(v) for v in by_county.values()):,} teachers")
    first_course_id = (session.exec(select(sa.func.max(Course.id))).one() or 0) + 1
    courses = generate_courses(session, count=max(10, round(100_000 * scale * years)), years=years, seed=seed,
                               seasonal=True, progress=False)
    _log(progress, began, f"{courses:,} courses")
    record_table: sa.Table = TrainingRecord.__table__  # type: ignore[attr-defined]
    written = _load_without_indexes(session, record_table, lambda: bulk_insert(
        session, record_table, _RECORD_COLUMNS,
        _records(session, rng, by_county, records_per_course, first_course_id, today)))
    _log(progress, began, f"{written:,} training records")
    counts: dict[str, int] = {}
    if rollups_too:
        counts = rollups.rebuild_rollups(session)
        _log(progress, began, "rollups rebuilt: " + ", ".join(f"{k}={v:,}" for k, v in counts.items()))
    session.execute(sa.text("ANALYZE"))
    return {"schools": len(schools), "teachers": sum(len(v) for v in by_county.values()), "courses": courses,
            "training_records": written, **counts}


def _load_without_indexes(session: Session, table: sa.Table, load: Callable[[], int]) -> int:
    """Drop the table's secondary indexes for a bulk load and build them once afterwards (much faster)."""
    conn = session.connection()
    for index in table.indexes:
        index.drop(conn, checkfirst=True)
    try:
        return load()
    finally:
        for index in table.indexes:
            index.create(conn, checkfirst=True)

