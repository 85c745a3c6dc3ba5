"""What confirming a big attendance list (名單確認) costs: one transaction that credits every attendee in
the ledger, queues their mails and moves the statistics rollups.

    python bench/attendance_confirm.py                    # 2,000 entries, a fresh SQLite file
    python bench/attendance_confirm.py --entries 5000 --repeat 3
    python bench/attendance_confirm.py --db-url postgresql+psycopg://tpd@127.0.0.1/tpd   # an empty database

Sets up the demo data, `--entries` teachers of one school and a submitted list of a Taipei course with all
of them, then times `attendance.confirm_list` (each run in a transaction that is rolled back) and counts
the SQL statements it sends. Prints figures only; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--db-url", default="")
    args = parser.parse_args()

    os.environ["TPD_DATABASE_URL"] = args.db_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'confirm-bench.db'}"
    os.environ.setdefault("TPD_ARGON2_MEMORY_KIB", "1024")
    os.environ.setdefault("TPD_ARGON2_TIME_COST", "1")

    import sqlalchemy as sa
    from sqlmodel import Session, select

    from tests.factories import actor_for_account, make_account, new_national_id
    from tpd_app.cli import migrate
    from tpd_app.devdata.demo import load_demo
    from tpd_app.models import AttendanceEntry, AttendanceList, Course, Teacher, Unit
    from tpd_app.services.hours import attendance
    from tpd_app.services.platform.db import get_engine, transaction

    migrate()
    with transaction() as session:
        load_demo(session)
    with transaction() as session:
        course = session.exec(select(Course).join(Unit, Unit.id == Course.organizer_unit_id)
                              .where(Course.status == "approved", Unit.county == "TPE", Unit.type == "school",
                                     Course.last_date.is_not(None)).order_by(Course.id)).first()
        assert course is not None, "the demo data has no approved course of a Taipei school"
        organizer = session.get(Unit, course.organizer_unit_id)
        school = session.exec(select(Unit).where(Unit.type == "school", Unit.county == "TPE",
                                                 Unit.id != course.organizer_unit_id)).first()
        reviewer = session.get(Unit, course.reviewer_unit_id) or session.exec(
            select(Unit).where(Unit.type == "county_bureau", Unit.county == "TPE")).one()
        for old in session.exec(select(AttendanceList).where(AttendanceList.course_id == course.id)).all():
            session.exec(sa.delete(AttendanceEntry).where(AttendanceEntry.list_id == old.id))  # type: ignore[arg-type]
            session.delete(old)
        session.flush()
        teachers = [Teacher(national_id=new_national_id("B"), name=f"教師{i}", school_unit_id=school.id,
                            email=f"t{i}@example.edu.tw", status="active") for i in range(args.entries)]
        session.add_all(teachers)
        session.flush()
        roster = AttendanceList(course_id=course.id, organizer_unit_id=organizer.id, reviewer_unit_id=reviewer.id,
                                status="submitted", revision=1)
        session.add(roster)
        session.flush()
        minutes = course.hours_minutes or 180
        session.add_all([AttendanceEntry(list_id=roster.id, teacher_id=t.id, minutes=minutes) for t in teachers])
        list_id = roster.id
        actor_account = make_account(session, reviewer)
    with transaction() as session:
        actor = actor_for_account(session.merge(actor_account), session.get(Unit, reviewer.id))

    statements: list[str] = []
    sa.event.listen(get_engine(), "before_cursor_execute", lambda *a: statements.append(a[2]))
    timings = []
    for _ in range(args.repeat):
        statements.clear()
        with Session(get_engine(), expire_on_commit=False) as session:
            began = time.perf_counter()
            credited = attendance.confirm_list(session, actor, list_id)
            session.flush()
            timings.append(time.perf_counter() - began)
            session.rollback()
    print(f"confirm_list, {args.entries:,} entries on {get_engine().dialect.name}: credited {credited:,}; "
          f"median {statistics.median(timings):.2f} s (runs: {', '.join(f'{t:.2f}' for t in timings)}); "
          f"{len(statements):,} SQL statements, {len(statements) / max(1, args.entries):.1f} per entry")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
