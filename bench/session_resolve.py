"""What resolving the session cookie costs: every event of a signed-in tab does it once (SQLite file or
PostgreSQL), for a business account and for a teacher.

    python bench/session_resolve.py                   # 2,000 resolutions each, a fresh SQLite file
    python bench/session_resolve.py --db-url postgresql+psycopg://tpd@127.0.0.1/tpd   # an empty database

Loads the demo data, signs in `demo-school` and the first demo teacher, then times
`auth.resolve_session` and counts the SQL statements one resolution sends. Prints figures only.
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
    parser.add_argument("--repeat", type=int, default=2000)
    parser.add_argument("--db-url", default="")
    args = parser.parse_args()

    os.environ["TPD_DATABASE_URL"] = args.db_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'resolve-bench.db'}"
    os.environ.setdefault("TPD_ARGON2_MEMORY_KIB", "1024")
    os.environ.setdefault("TPD_ARGON2_TIME_COST", "1")

    import sqlalchemy as sa
    from sqlmodel import select

    from tpd_app.cli import migrate
    from tpd_app.devdata.demo import DEMO_PASSWORD, load_demo
    from tpd_app.models import Teacher
    from tpd_app.services.accounts import auth
    from tpd_app.services.platform.db import get_engine, transaction

    migrate()
    with transaction() as session:
        load_demo(session)
        teacher = session.exec(select(Teacher).where(Teacher.status == "active").order_by(Teacher.id)).first()
        assert teacher is not None
        teacher_login = teacher.national_id
    people = {"account demo-school": auth.sign_in("demo-school", DEMO_PASSWORD),
              "teacher": auth.sign_in(teacher_login, DEMO_PASSWORD, teacher_hint=True)}
    statements = 0

    def count(*_args: object) -> None:
        nonlocal statements
        statements += 1

    for label, ticket in people.items():
        token = auth.exchange_ticket(ticket)
        assert token is not None and auth.resolve_session(token) is not None
        sa.event.listen(get_engine(), "before_cursor_execute", count)
        statements = 0
        auth.resolve_session(token)
        per_call = statements
        sa.event.remove(get_engine(), "before_cursor_execute", count)
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            auth.resolve_session(token)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        print(f"{label:22} median {statistics.median(times):.3f} ms  p95 {times[int(len(times) * 0.95)]:.3f} ms"
              f"  {per_call} SQL statements per resolution  ({args.repeat} runs, {get_engine().dialect.name})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
