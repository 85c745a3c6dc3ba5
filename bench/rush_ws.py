"""The rush end to end: N signed-in teachers, each on the 線上報名 page in her own tab, press 報名 for one
popular course at the same moment, through the running server's websocket (what bench/rush.py measures
below the web layer).

    python bench/rush_ws.py --target http://localhost:3400 --db-url sqlite:////tmp/bl/tpd.db
    python bench/rush_ws.py --target http://localhost:3410 --db-url postgresql+psycopg://tpd@127.0.0.1:5544/tpd \\
        --teachers 2000 --seats 30 --procs 4

Start the target as bench/load.py's docstring says (demo data loaded). The bench adds a course open for
registration with `--seats` seats and `--teachers` new teachers of one school (in the target's database),
mints their sessions, opens every tab on /me/register (`--procs` client processes), then releases all
the 報名 events at one wall-clock instant. Each answer is timed from that instant to the handler's reply;
afterwards the seats held, the tally and the waiting positions are checked in the database. With
`--minimal URL`, then as many tabs of bench/minimal_app each send its one handler's event at one instant:
what Reflex itself needs for that many events on this machine. Prints figures only; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
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

REGISTER = f"{APP}.tpd_app___state___registration____register_state.register"


def make_rush(db_url: str, teachers: int, seats: int) -> tuple[int, list[int]]:
    """A course open for registration and `teachers` new teachers of a school: (course id, teacher ids)."""
    os.environ["TPD_DATABASE_URL"] = db_url
    from sqlmodel import select

    from tests.services.hours_data import published_course
    from tpd_app.models import Unit
    from tpd_app.services.platform.db import transaction

    with transaction() as session:
        schools = session.exec(select(Unit).where(Unit.type == "school", Unit.status == "active")
                               .order_by(Unit.id)).all()
        organizer, home = schools[0], schools[-1]
        run = random.randrange(10_000_000 - teachers)
        course = published_course(session, organizer, capacity=seats, title="熱門研習：搶報名",
                                  code=f"R{run:08d}")
        rows = new_teachers(home.id or 0, teachers, letter="X", label="rush")
        session.add_all(rows)
        session.flush()
        return course.id or 0, [t.id or 0 for t in rows]


def tab_process(conn, target, cookies: list[str], course_id: int, codes: list[str]) -> None:
    """One client process: open its tabs, wait for the release time, send every 報名 (to a minimal app:
    a page load, its one handler), report the times."""

    async def main() -> None:
        job = Job(target=target, specs=[], seed=1, timeout=120.0, think=(0, 0), connect_concurrency=10,
                  course_codes=codes, keywords=[])
        tabs = [Tab(job=job, spec=Spec(role="teacher", cookie=c, login=""), rng=random.Random(i), samples=[])
                for i, c in enumerate(cookies)]
        gate = asyncio.Semaphore(10)

        async def open_tab(tab: Tab) -> bool:
            async with gate:
                return await tab.load_page("/me/register")

        opened = await asyncio.gather(*(open_tab(t) for t in tabs))
        conn.send(("ready", sum(opened)))
        release = conn.recv()
        await asyncio.sleep(max(0.0, release - time.time()))

        async def press(tab: Tab) -> None:
            if target.kind == "minimal":
                await tab.navigate("/me/register", "register")
            else:
                await tab.send("register", REGISTER, {"course_id": str(course_id)}, FIRST, "/me/register")

        await asyncio.gather(*(press(t) for t in tabs))
        answers = [(s[1], s[2], s[3]) for t in tabs for s in t.samples if s[0] == "register"]
        for tab in tabs:
            await tab.close()
        conn.send(("done", answers))

    asyncio.run(main())


def rush(target, cookies: list[str], course_id: int, codes: list[str], procs: int) -> tuple[int, list[float], int]:
    """Every tab opened, then released at one instant: (tabs opened, answer times in ms after the release,
    errors)."""
    pipes, workers = [], []
    for index in range(procs):
        parent, child = mp.Pipe()
        proc = mp.Process(target=tab_process, args=(child, target, cookies[index::procs], course_id, codes))
        proc.start()
        pipes.append(parent)
        workers.append(proc)
    opened = sum(pipe.recv()[1] for pipe in pipes)
    release = time.time() + 2.0
    print(f"{target.name}: {opened:,} tabs open; every 報名 is sent in 2 s", flush=True)
    for pipe in pipes:
        pipe.send(release)
    answers = [a for pipe in pipes for a in pipe.recv()[1]]
    for proc in workers:
        proc.join()
    ok = sorted(ms + (sent - release) * 1000 for sent, ms, err in answers if not err and ms >= 0)
    return opened, ok, sum(1 for *_, err in answers if err)


def _print_times(ok: list[float], errors: int) -> None:
    if ok:
        p95 = ok[min(len(ok) - 1, int(len(ok) * 0.95))]
        print(f"  answers {len(ok):,}, errors {errors}: p50 {statistics.median(ok):,.0f} ms, p95 {p95:,.0f} ms, "
              f"last {ok[-1]:,.0f} ms after the release")
    else:
        print(f"  no answer, errors {errors}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", required=True)
    parser.add_argument("--db-url", required=True)
    parser.add_argument("--teachers", type=int, default=2000)
    parser.add_argument("--seats", type=int, default=30)
    parser.add_argument("--procs", type=int, default=4)
    parser.add_argument("--minimal", metavar="URL", help="then the same tabs on bench/minimal_app at URL, each "
                        "sending one event (a page load: its handler adds 1) at one instant: Reflex's own floor")
    args = parser.parse_args()

    target = L.make_target("app", args.target, "tpd")
    course_id, teacher_ids = make_rush(args.db_url, args.teachers, args.seats)
    cookies = L.mint_sessions(args.db_url, [("teacher", t) for t in teacher_ids])
    _, _, codes = L.people(args.db_url)
    opened, ok, errors = rush(target, cookies, course_id, codes, args.procs)

    from sqlmodel import col, select

    from tests.services.hours_data import seats_held
    from tpd_app.models import CourseRegistration
    from tpd_app.services.platform.db import transaction

    held, tally = seats_held(course_id)
    with transaction() as session:
        rows = session.exec(select(CourseRegistration).where(CourseRegistration.course_id == course_id)
                            .order_by(col(CourseRegistration.queued_at), col(CourseRegistration.id))).all()
    waiting = [r for r in rows if r.status == "waiting"]
    print(f"{args.teachers:,} teachers ({opened:,} tabs opened), {args.seats} seats, at {args.target} "
          f"({args.procs} client processes)")
    _print_times(ok, errors)
    seats_ok = held == tally == min(args.seats, len(rows))
    print(f"  registrations stored {len(rows):,}: seats held {held}, tally {tally} "
          f"({'exact' if seats_ok else 'WRONG'}); waiting {len(waiting):,} in queue order")
    if args.minimal:
        minimal = L.make_target("minimal", args.minimal, "minimal")
        opened, ok, errors = rush(minimal, cookies, course_id, codes, args.procs)
        print(f"minimal Reflex app at {args.minimal}: {opened:,} tabs, one event each at one instant")
        _print_times(ok, errors)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
