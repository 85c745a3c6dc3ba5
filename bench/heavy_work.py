"""Another user's latency while long work runs: signed-in teacher tabs click through pages as in
bench/load.py, first undisturbed, then while a reviewer confirms a big attendance list (a background event)
and a Ministry analyst exports a statistics table (a background event whose workbook is written in the
export process), all on one running server.

    python bench/heavy_work.py --target http://localhost:3400 --db-url sqlite:////tmp/bl/tpd.db
    python bench/heavy_work.py --target http://localhost:3410 --db-url postgresql+psycopg://tpd@127.0.0.1:5544/tpd \\
        --entries 2000 --clients 100 --seconds 20

Start the target as bench/load.py's docstring says (demo data loaded). The bench adds `--entries` teachers
and a submitted list of them for one course (in the target's database, as bench/attendance_confirm.py
does), signs the list's reviewer and `demo-moe` in with minted sessions, then measures the teachers'
events for `--seconds` idle and again from the moment the confirmation and the export are sent until the
list is confirmed (or `--seconds`, whichever is longer). Prints figures only; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import load as L
from _people import new_teachers
from _reflex_client import APP, FIRST, Job, Spec, Tab

CONFIRM_STATE = f"{APP}.tpd_app___state___hours____confirm_lists_state"
STATS_STATE = f"{APP}.tpd_app___state___stats____stats_state"


def make_big_list(db_url: str, entries: int) -> tuple[int, int]:
    """A submitted list of `entries` new teachers for an approved course: (list id, reviewer account id)."""
    os.environ["TPD_DATABASE_URL"] = db_url
    from sqlmodel import select

    from tests.factories import make_account
    from tpd_app.models import AttendanceEntry, AttendanceList, Course, Unit
    from tpd_app.services.platform.db import transaction

    with transaction() as session:
        course = session.exec(select(Course).join(Unit, Unit.id == Course.organizer_unit_id)
                              .where(Course.status == "approved", Unit.type == "school",
                                     Course.last_date.is_not(None),
                                     Course.id.not_in(select(AttendanceList.course_id)))  # one list per course
                              .order_by(Course.id.desc())).first()
        assert course is not None, "no approved course without a list left: load the demo data into a new database"
        organizer = session.get(Unit, course.organizer_unit_id)
        assert organizer is not None
        reviewer = session.get(Unit, course.reviewer_unit_id or organizer.reviewer_id)
        assert reviewer is not None
        teachers = new_teachers(organizer.id or 0, entries, letter="Y", label="heavy")
        session.add_all(teachers)
        session.flush()
        roster = AttendanceList(course_id=course.id, organizer_unit_id=organizer.id, reviewer_unit_id=reviewer.id,
                                status="submitted", revision=1)
        session.add(roster)
        session.flush()
        session.add_all([AttendanceEntry(list_id=roster.id, teacher_id=t.id, minutes=course.hours_minutes or 180)
                         for t in teachers])
        account = make_account(session, reviewer, username=f"heavy-{roster.id}")
        return roster.id or 0, account.id or 0


def list_status(list_id: int) -> str:
    from tpd_app.models import AttendanceList
    from tpd_app.services.platform.db import transaction

    with transaction() as session:
        row = session.get(AttendanceList, list_id)
        return row.status if row else ""


def summary(samples: list[float], errors: int, seconds: float) -> str:
    if not samples:
        return f"no answers, {errors} errors"
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (f"{len(ordered) / seconds:6.1f} events/s  p50 {statistics.median(ordered):7.1f} ms  "
            f"p95 {p95:7.1f} ms  max {ordered[-1]:7.1f} ms  errors {errors}")


async def run(args: argparse.Namespace) -> None:
    target = L.make_target("app", args.target, "tpd")
    teachers, staff, codes = L.people(args.db_url)
    list_id, reviewer_id = make_big_list(args.db_url, args.entries)
    moe_id = next(i for i, login in staff if login == "demo-moe")
    people = [("teacher", teachers[i % len(teachers)][0]) for i in range(args.clients)]
    cookies = L.mint_sessions(args.db_url, [*people, ("staff", reviewer_id), ("staff", moe_id)])
    job = Job(target=target, specs=[], seed=args.seed, timeout=30.0, think=(2.0, 4.0), connect_concurrency=20,
              course_codes=codes, keywords=["數學", "閱讀", "教學"])
    rng = random.Random(args.seed)

    def tab(role: str, cookie: str) -> Tab:
        return Tab(job=job, spec=Spec(role=role, cookie=cookie, login=""), rng=random.Random(rng.random()),
                   samples=[])

    tabs = [tab("teacher", c) for c in cookies[:args.clients]]
    reviewer, analyst = tab("staff", cookies[-2]), tab("staff", cookies[-1])
    semaphore = asyncio.Semaphore(20)

    async def connect(t: Tab, path: str) -> None:
        async with semaphore:
            await t.load_page(path)

    await asyncio.gather(*(connect(t, "/home") for t in tabs))
    await connect(reviewer, "/attendance/confirm")
    await connect(analyst, "/stats/national")
    stop = asyncio.Event()

    async def click(t: Tab) -> None:
        await asyncio.sleep(rng.uniform(0, 2))
        while not stop.is_set():
            await t.step()
            await asyncio.sleep(t.rng.uniform(2.0, 4.0))

    clickers = [asyncio.ensure_future(click(t)) for t in tabs]

    def window(since: float, until: float) -> tuple[list[float], int]:
        got = [s for t in tabs for s in t.samples if since <= s[1] < until]
        return [ms for _, _, ms, err in got if not err and ms >= 0], sum(1 for *_, err in got if err)

    await asyncio.sleep(5)  # every tab has clicked once
    idle_from = time.time()
    await asyncio.sleep(args.seconds)
    idle_to = busy_from = time.time()
    await reviewer.send("open list", f"{CONFIRM_STATE}.open_list", {"list_id": str(list_id)}, FIRST)
    confirm_sent = time.perf_counter()
    await reviewer.send("confirm", f"{CONFIRM_STATE}.confirm", {}, FIRST)
    await analyst.send("export", f"{STATS_STATE}.download", {"table": "area"}, FIRST)
    confirmed_after = None
    while confirmed_after is None or time.time() - busy_from < args.seconds:
        await asyncio.sleep(0.2)
        if confirmed_after is None and await asyncio.to_thread(list_status, list_id) == "confirmed":
            confirmed_after = time.perf_counter() - confirm_sent
        if time.time() - busy_from > 300:
            break
    busy_to = time.time()
    stop.set()
    await asyncio.gather(*clickers, return_exceptions=True)
    for t in [*tabs, reviewer, analyst]:
        await t.close()

    idle, idle_errors = window(idle_from, idle_to)
    busy, busy_errors = window(busy_from, busy_to)
    print(f"{args.clients} teacher tabs at {args.target}, a list of {args.entries:,} entries "
          f"({L.__name__}.py's load model: a click every 2-4 s)")
    print(f"  idle                      : {summary(idle, idle_errors, idle_to - idle_from)}")
    print(f"  confirmation + export     : {summary(busy, busy_errors, busy_to - busy_from)}")
    done = f"{confirmed_after:.1f} s" if confirmed_after is not None else "not within 300 s"
    print(f"  the list was confirmed after {done}")
    if idle and busy:
        print(f"  p50 ratio busy/idle {statistics.median(busy) / statistics.median(idle):.2f}, "
              f"p95 ratio {sorted(busy)[int(len(busy) * 0.95)] / sorted(idle)[int(len(idle) * 0.95)]:.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", required=True)
    parser.add_argument("--db-url", required=True)
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--seed", type=int, default=2026)
    asyncio.run(run(parser.parse_args()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
