"""What a page load's SELECT costs through SQLAlchemy and prepared (`services/platform/prepared.py`), one
statement at a time, in this process: the session's resolution (a Connection), the record page's ledger
rows and its topics (an IN list), and the home page's who-is-she (through a reading Session).

    python bench/prepared_reads.py                      # a fresh SQLite file with the demo data
    python bench/prepared_reads.py --db-url postgresql+psycopg://tpd@127.0.0.1:5544/tpd

Each figure is the best of 5 rounds of `--repeat` runs, in µs per execution. Prints figures only; asserts
nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def best_us(run: Callable[[], object], repeat: int) -> float:
    for _ in range(50):
        run()
    rounds = []
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(repeat):
            run()
        rounds.append((time.perf_counter() - started) / repeat * 1e6)
    return min(rounds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db-url", help="a database with the demo data (default: a fresh SQLite file)")
    parser.add_argument("--repeat", type=int, default=2000)
    args = parser.parse_args()
    if args.db_url:
        os.environ["TPD_DATABASE_URL"] = args.db_url
    else:
        os.environ["TPD_DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/prepared-bench.db"
    os.environ.pop("TPD_CHECK_PREPARED", None)

    import sqlalchemy as sa
    from sqlmodel import Session

    from tpd_app.cli import migrate
    from tpd_app.devdata.demo import load_demo
    from tpd_app.models.ledger import TrainingRecord
    from tpd_app.services.accounts import auth
    from tpd_app.services.hours import records
    from tpd_app.services.platform import db, prepared

    migrate()
    with db.transaction() as session:
        load_demo(session)
        teacher_id = session.execute(sa.select(TrainingRecord.teacher_id).group_by(TrainingRecord.teacher_id)
                                     .order_by(sa.func.count().desc()).limit(1)).scalar_one()
    token = auth.exchange_ticket(auth.sign_in("A123456789", "tpd-demo-2026", teacher_hint=True))
    token_hash = {"token_hash": auth.digest(token)}
    with db.reading() as session:
        course_ids = sorted({row.course_id for row in session.execute(records._LEDGER_ROWS,
                                                                      {"teacher_id": teacher_id})})

    print(f"database: {db.get_engine().url.render_as_string(hide_password=True)}; best of 5 rounds of "
          f"{args.repeat}, µs per execution")
    print(f"{'statement':44} {'SQLAlchemy':>11} {'prepared':>9} {'saved':>7}")
    engine = db.read_only_engine()
    with engine.connect() as connection:
        plain = best_us(lambda: connection.execute(auth._RESOLVE, token_hash).first(), args.repeat)
        fast = best_us(lambda: prepared.fetch(connection, auth._RESOLVE, token_hash).first(), args.repeat)
    print(f"{'session resolution (Connection)':44} {plain:11.1f} {fast:9.1f} {plain - fast:7.1f}")
    cases = [
        ("record: her ledger rows (Session)", records._LEDGER_ROWS, {"teacher_id": teacher_id}),
        ("record: their topics, IN list (Session)", records._TOPICS_OF_COURSES, {"course_ids": course_ids}),
        ("home: who she is (Session)", records._WHO, {"teacher_id": teacher_id}),
    ]
    with Session(engine) as sqlalchemy_session, db.reading() as reading_session:
        for label, statement, params in cases:
            plain = best_us(lambda s=statement, p=params: sqlalchemy_session.execute(s, p).all(), args.repeat)
            fast = best_us(lambda s=statement, p=params: reading_session.execute(s, p).all(), args.repeat)
            print(f"{label:44} {plain:11.1f} {fast:9.1f} {plain - fast:7.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
