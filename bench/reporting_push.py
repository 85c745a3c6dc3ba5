"""A county system's month of attendance through the reporting API (/api/v1), against the same rows
inserted straight into the database, and what another user's page events feel while the push runs.

    python bench/reporting_push.py --target http://localhost:3400 --db-url sqlite:////tmp/bl/tpd.db
    python bench/reporting_push.py --target http://localhost:3410 \\
        --db-url postgresql+psycopg://tpd@127.0.0.1:5544/tpd --rows 100000 --clients 60 --seconds 20

Start the target as bench/load.py's docstring says (demo data loaded). In the target's database the bench
sets Taipei City to back-end reporting (as the national centre does on /reporting/modes), gives the
county bureau `demo-county_bureau` an API client with the two push scopes, adds `--list-size` teachers
to a Taipei school and pushes `--rows / --list-size` ended courses through `POST /api/v1/batches`.

Direct: for each course, one transaction that looks the list's national IDs up (one query) and inserts the
list and its entries (one executemany): what the old exchange's direct inserts into an import table did,
with no checks. Those lists are then deleted again (not timed).

API: the same rows, list by list, as `PUT /api/v1/courses/{id}/attendance` with `--concurrency` requests
in flight, from a process of its own (the county's system); each is authenticated, rate-limited,
validated row by row (ID checksum, a known teacher, hours not above the course's), answered per row,
audited, and replaces the list in its own transaction. `--rounds` pushes of the whole month, each with
other hours, so every list is really replaced each time. Rows/s of each round, from the first request sent
to the last answer.

Latency: `--clients` signed-in teacher tabs click through pages as in bench/load.py (a click every
2-4 s), for `--seconds` before the pushes (idle) and during them. Prints figures only; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import load as L
from _people import new_teachers
from _reflex_client import Job, Spec, Tab
from heavy_work import summary


def prepare(db_url: str, list_size: int) -> dict[str, Any]:
    """Back-end mode for Taipei, a client of its bureau and `list_size` new teachers of a Taipei school."""
    os.environ["TPD_DATABASE_URL"] = db_url
    from sqlmodel import select

    from tpd_app import settings
    from tpd_app.models import BusinessAccount, Unit
    from tpd_app.services.accounts.auth import actor_for_account
    from tpd_app.services.platform.db import transaction
    from tpd_app.services.reporting import clients, modes

    settings.reset_settings()

    def actor(session: Any, username: str) -> Any:
        account = session.exec(select(BusinessAccount).where(BusinessAccount.username == username)).one()
        return actor_for_account(account, session.get(Unit, account.unit_id))

    with transaction() as session:
        if modes.mode_of(session, "TPE").value != "backend":
            modes.set_mode(session, actor(session, "demo-national_center"), {"county": "TPE", "mode": "backend"})
        _, token = clients.create_client(session, actor(session, "demo-county_bureau"), {
            "name": f"bench {time.strftime('%H:%M:%S')}", "scopes": ["courses:write", "attendance:write"]})
        school = session.exec(select(Unit).where(Unit.type == "school", Unit.county == "TPE",
                                                 Unit.status == "active").order_by(Unit.id)).first()
        assert school is not None and school.code, "the demo data has no Taipei school"
        teachers = new_teachers(school.id or 0, list_size, letter="Z", label="push")
        session.add_all(teachers)
    return {"token": token, "school_code": school.code, "ids": [t.national_id for t in teachers]}


def course_doc(school_code: str, number: int) -> dict[str, Any]:
    from tpd_app.domain.timeutil import taipei_today

    day = (taipei_today() - timedelta(days=10 + number % 15)).isoformat()
    return {"organizer_code": school_code, "title": f"縣市系統研習 {number}", "kind": "workshop", "hours": 3,
            "capacity": 2000, "topics": ["special_ed"], "audience_levels": ["elementary"],
            "sessions": [{"day": day, "start": "13:30", "end": "16:30", "lecturer": "林教授"}],
            "venue": "臺北市教師研習中心", "contact_name": "張承辦", "contact_phone": "02-27256789",
            "contact_email": "tp@example.edu.tw"}


def course_ids(db_url: str, token: str, keys: list[str]) -> list[int]:
    """The network's course ids of the courses the client sent as `keys`."""
    os.environ["TPD_DATABASE_URL"] = db_url
    from sqlmodel import col, select

    from tpd_app.models import ReportedCourse
    from tpd_app.services.platform.db import transaction

    with transaction() as session:
        rows = session.exec(select(ReportedCourse.external_id, ReportedCourse.course_id).where(
            col(ReportedCourse.external_id).in_(keys))).all()
    found = dict(rows)
    return [found[k] for k in keys]


def direct_inserts(db_url: str, courses: list[int], ids: list[str], minutes: int) -> tuple[float, int]:
    """Insert every course's list the old way; returns (seconds, rows), the lists deleted afterwards."""
    os.environ["TPD_DATABASE_URL"] = db_url
    import sqlalchemy as sa
    from sqlmodel import col, select

    from tpd_app.models import AttendanceEntry, AttendanceList, Course, Teacher
    from tpd_app.services.platform.db import transaction

    made: list[int] = []
    rows = 0
    started = time.perf_counter()
    for course_id in courses:
        with transaction() as session:
            course = session.get(Course, course_id)
            assert course is not None
            teachers = session.exec(select(Teacher.id).where(col(Teacher.national_id).in_(ids))).all()
            roster = AttendanceList(course_id=course_id, organizer_unit_id=course.organizer_unit_id,
                                    reviewer_unit_id=course.reviewer_unit_id, status="submitted", revision=1)
            session.add(roster)
            session.flush()
            session.execute(sa.insert(AttendanceEntry), [
                {"list_id": roster.id, "teacher_id": t, "minutes": minutes, "source": "import"} for t in teachers])
            made.append(roster.id or 0)
            rows += len(teachers)
    seconds = time.perf_counter() - started
    with transaction() as session:
        session.execute(sa.delete(AttendanceEntry).where(col(AttendanceEntry.list_id).in_(made)))
        session.execute(sa.delete(AttendanceList).where(col(AttendanceList.id).in_(made)))
    return seconds, rows


def push_lists(base: str, token: str, keys: list[str], ids: list[str], hours: float, concurrency: int
               ) -> tuple[float, int, int, list[str]]:
    """PUT every list (in a process of its own, as a county's system is); returns (seconds, rows accepted,
    rows refused, problems)."""
    import json
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en", "Content-Type": "application/json"}
    body = json.dumps({"rows": [{"national_id": n, "hours": hours} for n in ids]}).encode()

    def put(http: httpx.Client, key: str) -> tuple[int, int, str]:
        while True:
            answer = http.put(f"/api/v1/courses/{key}/attendance", content=body)
            if answer.status_code != 429:
                break
            time.sleep(float(answer.headers.get("Retry-After", "1")))
        if answer.status_code != 200:
            return 0, 0, f"{key}: {answer.status_code} {answer.text[:200]}"
        got = answer.json()
        return got["accepted"], got["rejected"], ""

    with httpx.Client(base_url=base, headers=headers, timeout=120) as http:
        started = time.perf_counter()
        with ThreadPoolExecutor(concurrency) as pool:
            results = list(pool.map(lambda key: put(http, key), keys))
        seconds = time.perf_counter() - started
    return (seconds, sum(r[0] for r in results), sum(r[1] for r in results), [r[2] for r in results if r[2]])


async def push_courses(base: str, token: str, school_code: str, keys: list[str]) -> float:
    import httpx

    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=300) as http:
        for first in range(0, len(keys), 200):
            items = [{"kind": "course", "external_id": k, "course": course_doc(school_code, first + i)}
                     for i, k in enumerate(keys[first:first + 200])]
            answer = await http.post("/api/v1/batches", json={"items": items})
            answer.raise_for_status()
            refused = [i for i in answer.json()["items"] if i["status"] != 200]
            if refused:
                raise SystemExit(f"courses refused: {refused[:3]}")
    return time.perf_counter() - started


async def run(args: argparse.Namespace) -> None:
    base = args.target.rstrip("/")
    api = (args.api or args.target).rstrip("/")
    teachers, _, codes = L.people(args.db_url)
    ready = prepare(args.db_url, args.list_size)
    lists = max(1, args.rows // args.list_size)
    stamp = f"{random.randrange(16**6):06x}"
    keys = [f"BENCH-{stamp}-{i:04d}" for i in range(lists)]
    course_s = await push_courses(api, ready["token"], ready["school_code"], keys)
    print(f"{lists} courses sent in batches of 200 in {course_s:.1f} s ({lists / course_s:.1f} courses/s)")
    direct_s, direct_rows = await asyncio.to_thread(
        direct_inserts, args.db_url, course_ids(args.db_url, ready["token"], keys), ready["ids"], 180)

    target = L.make_target("app", base, "tpd")
    people = [("teacher", teachers[i % len(teachers)][0]) for i in range(args.clients)]
    cookies = L.mint_sessions(args.db_url, people)
    job = Job(target=target, specs=[], seed=args.seed, timeout=30.0, think=(2.0, 4.0), connect_concurrency=20,
              course_codes=codes, keywords=["數學", "閱讀", "教學"])
    rng = random.Random(args.seed)
    tabs = [Tab(job=job, spec=Spec(role="teacher", cookie=c, login=""), rng=random.Random(rng.random()),
                samples=[]) for c in cookies]
    semaphore = asyncio.Semaphore(20)

    async def connect(t: Tab) -> None:
        async with semaphore:
            await t.load_page("/home")

    await asyncio.gather(*(connect(t) for t in tabs))
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
    idle_to = time.time()
    busy: list[float] = []
    busy_errors, busy_s = 0, 0.0
    rounds = []
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as county:
        for number in range(args.rounds):
            # Every round changes each list's hours, so each push really replaces its list.
            hours = 3 if number % 2 == 0 else 2
            busy_from = time.time()
            rounds.append(await loop.run_in_executor(county, push_lists, api, ready["token"], keys, ready["ids"],
                                                     hours, args.concurrency))
            busy_to = time.time()
            got, errors = window(busy_from, busy_to)
            busy += got
            busy_errors += errors
            busy_s += busy_to - busy_from
            await asyncio.sleep(3)  # the tabs settle before the next round
    stop.set()
    await asyncio.gather(*clickers, return_exceptions=True)
    for t in tabs:
        await t.close()

    direct_rate = direct_rows / direct_s
    print(f"{direct_rows:,} rows in {lists} lists of {args.list_size:,} at {base}")
    print(f"  direct inserts            : {direct_s:7.1f} s  {direct_rate:9,.0f} rows/s")
    for number, (api_s, accepted, refused, problems) in enumerate(rounds, start=1):
        api_rate = accepted / api_s
        print(f"  API round {number}, {args.concurrency} in flight  : {api_s:7.1f} s  {api_rate:9,.0f} rows/s  "
              f"{api_rate / direct_rate:.2f}x direct  ({accepted:,} accepted, {refused:,} refused, "
              f"{len(problems)} lists failed)")
        for problem in problems[:5]:
            print(f"    {problem}")
    idle, idle_errors = window(idle_from, idle_to)
    print(f"{args.clients} teacher tabs (a click every 2-4 s)")
    print(f"  idle                      : {summary(idle, idle_errors, idle_to - idle_from)}")
    print(f"  during the pushes         : {summary(busy, busy_errors, busy_s)}")
    if idle and busy:
        print(f"  p50 ratio push/idle {statistics.median(busy) / statistics.median(idle):.2f}, "
              f"p95 ratio {sorted(busy)[int(len(busy) * 0.95)] / sorted(idle)[int(len(idle) * 0.95)]:.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", required=True)
    parser.add_argument("--db-url", required=True)
    parser.add_argument("--api", default="", help="where the API is, when not at --target")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--list-size", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3, help="pushes of the whole month, each replacing it")
    parser.add_argument("--clients", type=int, default=60)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--seed", type=int, default=2026)
    asyncio.run(run(parser.parse_args()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
