"""What the on_load handler of each busy page costs in this process, without the socket: the handler itself
(session resolution, guard, use case, assigning the vars), then Reflex's part that follows it (the delta of
the changed vars and its JSON), next to a handler that sets one var (what bench/minimal_app runs).

    python bench/page_events.py                  # a fresh SQLite file with the demo data, 3 rounds of 300 runs a page
    python bench/page_events.py --repeat 1000 --db-url postgresql+psycopg://tpd@127.0.0.1:5544/tpd

Each page is loaded by the person the load bench sends there (the first demo teacher; demo-school,
demo-county_bureau for the staff pages), in a state tree built as the server builds one tab's,
on the page's own path. The first run of each page is dropped (it fills the caches of SQLAlchemy and of
this process); the rest are timed one by one. Statements: SQL statements one handler run sends, on
average. Prints figures only; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import inspect
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

#: (page, person, state class, handler name): the pages bench/load.py clicks through.
PAGES = [
    ("/home", "teacher", "HomeState", "load"),
    ("/home", "demo-school", "HomeState", "load"),
    ("/home", "demo-county_bureau", "HomeState", "load"),
    ("/courses", "teacher", "CatalogueState", "load"),
    ("/courses/<code>", "teacher", "CourseDetailState", "load"),
    ("/me/registrations", "teacher", "MyRegistrationsState", "load"),
    ("/me/register", "teacher", "RegisterState", "load"),
    ("/me/records", "teacher", "MyRecordState", "load"),
    ("/course/review", "demo-county_bureau", "ReviewState", "load"),
    ("/course/own", "demo-school", "OwnCoursesState", "load_browse"),
    ("/attendance/confirm", "demo-school", "ConfirmListsState", "load"),
    ("/teachers/records", "demo-school", "SchoolRecordsState", "load"),
    ("/stats/county", "demo-county_bureau", "StatsState", "load_county"),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3, help="rounds over the pages; the quietest is shown")
    parser.add_argument("--db-url", default="")
    parser.add_argument("--only", default="", help="comma-separated pages")
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions of each page")
    parser.add_argument("--sort", default="tottime", help="cProfile order: tottime or cumulative")
    parser.add_argument("--sql", action="store_true", help="print the statements of each page's last run")
    parser.add_argument("--plans", action="store_true",
                        help="with SQLite: print the query plan of each statement of each page's last run")
    args = parser.parse_args()

    os.environ["TPD_DATABASE_URL"] = args.db_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'page-bench.db'}"
    os.environ.setdefault("TPD_ARGON2_MEMORY_KIB", "1024")
    os.environ.setdefault("TPD_ARGON2_TIME_COST", "1")
    os.environ["REFLEX_TELEMETRY_ENABLED"] = "false"

    import reflex as rx
    import sqlalchemy as sa
    from reflex_base.utils.format import json_dumps
    from sqlmodel import select

    import tpd_app.tpd_app  # noqa: F401  (registers every page state)
    from tpd_app.cli import migrate
    from tpd_app.devdata.demo import DEMO_PASSWORD, load_demo
    from tpd_app.models import CatalogueEntry, Teacher
    from tpd_app.services.accounts import auth
    from tpd_app.services.platform.db import get_engine, transaction
    from tpd_app.state import base

    class MinimalState(rx.State):
        """bench/minimal_app's handler: one var set."""

        visits: int = 0

        @rx.event
        def load(self):
            self.visits += 1

    migrate()
    with transaction() as session:
        if session.exec(select(Teacher)).first() is None:
            load_demo(session)
        teacher = session.exec(select(Teacher).where(Teacher.status == "active").order_by(Teacher.id)).first()
        code = session.exec(select(CatalogueEntry.code).order_by(CatalogueEntry.id)).first()
        assert teacher is not None and code is not None
    cookies = {"teacher": auth.exchange_ticket(auth.sign_in(teacher.national_id, DEMO_PASSWORD, teacher_hint=True))}
    for username in ("demo-school", "demo-county_bureau", "demo-national_center"):
        cookies[username] = auth.exchange_ticket(auth.sign_in(username, DEMO_PASSWORD))

    states = {cls.__name__: cls for cls in _subclasses(rx.State)}
    statements = 0

    last_run: list[str] = []
    last_sent: list[tuple[str, object]] = []

    def count(_conn: object, _cursor: object, statement: str, parameters: object, *_args: object) -> None:
        nonlocal statements
        statements += 1
        last_run.append(" ".join(statement.split())[:160])
        last_sent.append((statement, parameters))

    def print_plans() -> None:
        """SQLite's plan of each statement of the last run: a SCAN of a big table or a search by the wrong
        index shows here (as a run on a small database does not)."""
        raw = get_engine().raw_connection()
        try:
            for statement, parameters in list(last_sent):
                if not statement.lstrip().upper().startswith("SELECT"):
                    continue
                print("  " + " ".join(statement.split())[:160])
                for *_, detail in raw.cursor().execute("EXPLAIN QUERY PLAN " + statement, parameters).fetchall():
                    print(f"      {detail}")
        finally:
            raw.close()

    sa.event.listen(get_engine(), "before_cursor_execute", count)
    # Prepared reads (services/platform/prepared.py) bypass the engine's events: count them where they run.
    from tpd_app.services.platform import prepared

    run_prepared = prepared._run

    def counted_run(connection: object, plan: prepared._Plan, meta: object, params: dict | None) -> object:
        count(connection, None, plan.sql, prepared._arguments(plan, params)[1] if args.plans else params)
        return run_prepared(connection, plan, meta, params)

    prepared._run = counted_run

    class OneEvent:
        """Each run is one event, as the server runs a handler (the session is resolved once per event)."""

        txid = ""

        @classmethod
        def get(cls) -> OneEvent:
            return cls()

    base.EventContext = OneEvent  # type: ignore[assignment,misc]
    only = {p for p in args.only.split(",") if p}
    loop = asyncio.new_event_loop()  # async handlers (the dashboards read in a worker thread)
    rows = []
    pages = [("(minimal handler)", "", "MinimalState", "load"), *PAGES]
    for page, person, state_name, handler_name in [p for _ in range(args.rounds) for p in pages]:
        if only and page not in only and not page.startswith("("):
            continue
        path = page.replace("<code>", code)
        cls = MinimalState if state_name == "MinimalState" else states[state_name]
        root = rx.State(_reflex_internal_init=True)
        root._update_router_vars(
            {"headers": {"cookie": f"tpd_session={cookies[person]}"} if person else {}, "pathname": path,
             "asPath": path, "query": {}, "ip": "127.0.0.1", "token": "bench-token", "sid": "bench-sid"}, {})
        state = root.get_substate(cls.get_full_name().split(".")[1:])
        handler = type(state).event_handlers[handler_name].fn
        handler_ms, delta_ms, sizes = [], [], []
        statements = 0
        profiler = cProfile.Profile() if args.profile else None
        for run in range(args.repeat + 1):
            if run == 1:
                statements = 0
                if profiler:
                    profiler.enable()
            last_run.clear()
            last_sent.clear()
            OneEvent.txid = f"run-{run}"
            started = time.perf_counter()
            result = handler(state)
            if inspect.isgenerator(result):
                list(result)
            elif inspect.iscoroutine(result):
                loop.run_until_complete(result)
            elif inspect.isasyncgen(result):
                raise SystemExit(f"{page}: {handler_name} is a generator of its own; not timed here")
            middle = time.perf_counter()
            delta = root.get_delta()
            text = json_dumps(delta)
            root._clean()
            ended = time.perf_counter()
            if run:
                handler_ms.append((middle - started) * 1000)
                delta_ms.append((ended - middle) * 1000)
                sizes.append(len(text))
        if args.sql:
            print(f"== {page}", *last_run, sep="\n  ")
        if args.plans:
            print(f"== {page} ({person or '-'})")
            print_plans()
        if profiler:
            profiler.disable()
            print(f"== {page}")
            pstats.Stats(profiler).sort_stats(args.sort).print_stats(30)
        row = (page, person or "-", statistics.median(handler_ms), statistics.quantiles(handler_ms, n=20)[18],
               statistics.median(delta_ms), statistics.median(sizes), statements / args.repeat)
        best = next((i for i, kept in enumerate(rows) if kept[:2] == row[:2]), None)
        if best is None:
            rows.append(row)
        elif row[2] + row[4] < rows[best][2] + rows[best][4]:
            rows[best] = row  # the quietest round: this machine's CPU time is shared
    base_ms = rows[0][2] + rows[0][4]  # the minimal handler
    print(f"database: {get_engine().url.render_as_string(hide_password=True)}; {args.repeat} runs a page after one"
          f" warm-up, the quietest of {args.rounds} rounds; median and p95 of one handler run, then the delta"
          " and its JSON (Reflex's part)")
    print(f"{'page':22} {'person':12} {'handler ms':>10} {'p95':>7} {'delta ms':>9} {'delta KB':>9} "
          f"{'SQL/run':>8} {'+ms':>7}")
    for page, person, med, p95, dms, size, sql in rows:
        print(f"{page:22} {person:12} {med:10.3f} {p95:7.3f} {dms:9.3f} {size / 1024:9.1f} {sql:8.1f} "
              f"{med + dms - base_ms:7.3f}")
    print("+ms: the page's handler and delta beyond the minimal handler's; a real event adds Reflex's dispatch and"
          " socket work, the same for every page (bench/load.py --minimal measures that part)")
    return 0


def _subclasses(cls: type) -> list[type]:
    found, stack = [], [cls]
    while stack:
        for sub in stack.pop().__subclasses__():
            found.append(sub)
            stack.append(sub)
    return found


if __name__ == "__main__":
    raise SystemExit(main())
