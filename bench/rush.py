"""The rush at the service level: N teachers register for one popular course at the same moment.

    python bench/rush.py                                  # 2,000 teachers, 30 seats, a fresh SQLite file
    python bench/rush.py --db-url postgresql+psycopg://tpd@127.0.0.1/tpd --threads 16   # an empty database

Four passes over fresh courses: `serial` (one registration after another, each in its own transaction),
`threads` (`--threads` at once, released together, the lower bound of several workers sharing the
database), and the registration desk's way (`registration.register_each`, `--batch` teachers per
transaction in arrival order): `desk` as one web worker runs it, `2 desks` as two workers' desks do,
taking turns at the course's lock. Each registration is timed from the release to its answer; after each
pass the seats held, the tally and the waiting order are checked against what was answered. This
measures the database path (row locks, the conditional seat UPDATE, SQLite's single writer), not the
websocket: bench/rush_ws.py is the end-to-end one. Prints figures only; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--teachers", type=int, default=2000)
    parser.add_argument("--seats", type=int, default=30)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--batch", type=int, default=50, help="teachers per transaction of the desk passes")
    parser.add_argument("--db-url", default="")
    args = parser.parse_args()

    os.environ["TPD_DATABASE_URL"] = args.db_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'rush-bench.db'}"
    os.environ.setdefault("TPD_ARGON2_MEMORY_KIB", "1024")
    os.environ.setdefault("TPD_ARGON2_TIME_COST", "1")

    from sqlmodel import col, select

    from tests.factories import actor_for_teacher, make_world, new_national_id
    from tests.services.hours_data import published_course, seats_held
    from tpd_app.cli import migrate
    from tpd_app.models import CourseRegistration, Teacher
    from tpd_app.services.hours import registration
    from tpd_app.services.platform.db import get_engine, transaction

    migrate()
    with transaction() as session:
        world = make_world(session)
        school = world.school_a
        teachers = [Teacher(national_id=new_national_id("C"), name=f"教師{i}", school_unit_id=school.id,
                            email=f"r{i}@example.edu.tw", status="active") for i in range(args.teachers)]
        session.add_all(teachers)
        session.flush()
        actors = [actor_for_teacher(t, school) for t in teachers]
        courses = [published_course(session, world.school_b, capacity=args.seats).id for _ in range(4)]

    def one(course_id: int, actor: object, released: float) -> list[tuple[float, str, float, int]]:
        with transaction() as session:
            answer = registration.register(session, actor, course_id)
        done = time.perf_counter()
        return [(done - released, answer["status"], done, int(answer["position"]))]

    def batch(course_id: int, group: list, released: float) -> list[tuple[float, str, float, int]]:
        answers = registration.register_each([(actor, course_id, "") for actor in group])
        done = time.perf_counter()
        return [(done - released, a["status"], done, int(a["position"])) if isinstance(a, dict) else a
                for a in answers]

    print(f"{args.teachers:,} teachers, {args.seats} seats, {get_engine().dialect.name}")
    groups = [actors[i:i + args.batch] for i in range(0, len(actors), args.batch)]
    for label, course_id, workers, batched in (("serial", courses[0], 1, False),
                                               ("threads", courses[1], args.threads, False),
                                               ("desk", courses[2], 1, True), ("2 desks", courses[3], 2, True)):
        barrier = threading.Barrier(workers + 1)
        with ThreadPoolExecutor(workers) as pool:
            for _ in range(workers):
                pool.submit(barrier.wait)
            barrier.wait()
            released = time.perf_counter()
            futures = ([pool.submit(batch, course_id, group, released) for group in groups] if batched
                       else [pool.submit(one, course_id, actor, released) for actor in actors])
            results, errors = [], 0
            for future in futures:
                try:
                    answers = future.result()
                except Exception:  # a failed registration (or batch) is a failure of the rush
                    errors += args.batch if batched else 1
                    continue
                errors += sum(1 for answer in answers if isinstance(answer, BaseException))
                results += [answer for answer in answers if not isinstance(answer, BaseException)]
        waits = [r[0] * 1000 for r in results]
        last = max(r[2] for r in results) - released if results else 0.0
        held, tally = seats_held(course_id)
        # Waiting positions, in the order the answers came: 1, 2, 3 ... with no gap or repeat.
        positions = [r[3] for r in sorted(results, key=lambda r: r[2]) if r[1] == "waiting"]
        with transaction() as session:
            stored = session.exec(select(CourseRegistration.id).where(
                CourseRegistration.course_id == course_id, col(CourseRegistration.status) == "waiting")).all()
        seats_ok = held == tally == min(args.seats, args.teachers)
        order_ok = sorted(positions) == list(range(1, len(stored) + 1)) and len(positions) == len(stored)
        given = sum(1 for r in results if r[1] in ("pending", "accepted"))
        print(f"  {label:8} ({workers:>2} at once): last answer after {last:6.2f} s; per teacher p50 "
              f"{statistics.median(waits):7.1f} ms, p95 {statistics.quantiles(waits, n=20)[18]:7.1f} ms; errors "
              f"{errors}; seats given {given} (held {held}, tally {tally}: {'exact' if seats_ok else 'WRONG'}); "
              f"waiting list {len(results) - given}{'' if order_ok else ' OUT OF ORDER'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
