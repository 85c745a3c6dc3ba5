"""What approving one course costs when many teachers subscribe to course notices (訂閱).

    python bench/subscriptions.py                        # 50,000 subscribers, a fresh SQLite file
    python bench/subscriptions.py --subscribers 200000

Approving a course matches it against every active subscription in the approval's own transaction:
instant subscribers get a mail queued, digest ones a notice for the next digest. Sets up the demo
data and `--subscribers` teachers with subscriptions (a third digest; half of them "any kind", the
rest one or two kinds; some limited to counties or levels), then times `notify_subscribers` for a
course most of them match and for one few of them match, each in a transaction that is rolled back,
and prints how many mails and notices each produced. Prints figures only; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subscribers", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    path = Path(tempfile.mkdtemp()) / "subscriptions-bench.db"
    os.environ["TPD_DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("TPD_ARGON2_MEMORY_KIB", "1024")
    os.environ.setdefault("TPD_ARGON2_TIME_COST", "1")

    import sqlalchemy as sa
    from sqlmodel import select

    from tpd_app.cli import migrate
    from tpd_app.devdata.demo import load_demo
    from tpd_app.domain.courses import AudienceLevel, CourseKind
    from tpd_app.domain.timeutil import utcnow
    from tpd_app.domain.units import COUNTIES, UnitType
    from tpd_app.models import Course, CourseTopic, OutboxMessage, Subscription, SubscriptionNotice, Teacher, Unit
    from tpd_app.services.hours.subscriptions import notify_subscribers
    from tpd_app.services.platform.db import bulk_insert, transaction

    migrate()
    rng = random.Random(7)
    kinds = [k.value for k in CourseKind]
    levels = [lv.value for lv in AudienceLevel]
    counties = list(COUNTIES)
    with transaction() as session:
        load_demo(session)
        school = session.exec(select(Unit).where(Unit.type == UnitType.SCHOOL.value)).first()
        topics = list(session.exec(select(CourseTopic.code)).all())
        first_id = (session.exec(select(sa.func.max(Teacher.id))).one() or 0) + 1
        now = utcnow()
        ids = range(first_id, first_id + args.subscribers)
        bulk_insert(session, Teacher.__table__, [  # type: ignore[attr-defined]
            "id", "national_id", "name", "school_unit_id", "email", "phone", "status", "employment", "failed_logins",
            "must_change_password", "created_at", "updated_at"],
            ((i, f"Z{i:09d}", f"教師{i}", school.id, f"t{i}@example.edu.tw", "", "active", "serving", 0, False,
              now, now) for i in ids))

        def pick(values: list[str], chance_any: float, most: int) -> str:
            chosen = [] if rng.random() < chance_any else rng.sample(values, rng.randint(1, most))
            return sa.types.JSON().bind_processor(session.get_bind().dialect)(chosen)

        bulk_insert(session, Subscription.__table__, [  # type: ignore[attr-defined]
            "teacher_id", "active", "kinds", "topics", "counties", "levels", "digest", "updated_at"],
            ((i, True, pick(kinds, 0.5, 2), pick(topics, 0.6, 3), pick(counties, 0.7, 2), pick(levels, 0.5, 2),
              i % 3 == 0, now) for i in ids))
        broad = Course(code="B0001", organizer_unit_id=school.id, status="approved", title="數位學習工作坊",
                       kind=kinds[0], audience_levels=levels)
        narrow = Course(code="B0002", organizer_unit_id=school.id, status="approved", title="特殊教育知能研習",
                        kind=kinds[-1], audience_levels=[levels[0]])
        session.add(broad)
        session.add(narrow)
        session.flush()
        course_ids = {"a broad course (every level, a common kind)": broad.id,
                      "a narrow course (one level, a rare kind)": narrow.id}

    print(f"\n{args.subscribers:,} active subscribers ({path}); median of {args.repeat}, each rolled back")
    print(f"{'approving':<46} {'ms':>9} {'mails':>8} {'notices':>8}")
    for label, course_id in course_ids.items():
        samples, counts = [], (0, 0)
        for _ in range(args.repeat):
            with transaction() as session:
                course = session.get(Course, course_id)
                began = time.perf_counter()
                notify_subscribers(session, course)
                samples.append((time.perf_counter() - began) * 1000)
                counts = (session.exec(select(sa.func.count()).select_from(OutboxMessage)
                                       .where(OutboxMessage.kind == "course_match")).one(),
                          session.exec(select(sa.func.count()).select_from(SubscriptionNotice)).one())
                session.rollback()
        print(f"{label:<46} {statistics.median(samples):>9.1f} {counts[0]:>8,} {counts[1]:>8,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
