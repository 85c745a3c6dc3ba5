"""Excel export speed and memory, and another client's latency while an export runs.

    python bench/stats_export.py                 # 100,000 rows
    python bench/stats_export.py --rows 300000
    python bench/stats_export.py --busy 1        # part 2 with one other CPU-bound process (a busy 2-core box)

1. Rows per second of `stats_export.write_workbook` (openpyxl write-only + lxml) against XlsxWriter's
   `constant_memory` mode writing the same rows with the same formats, and each one's peak Python memory
   (tracemalloc, in a separate run so tracing does not slow the timed one) and how much the peak resident
   memory of a fresh process grows from a 10-row export to this one (tracemalloc does not see lxml's or
   zlib's C allocations).
2. Event latency of another client (a school dashboard event on a worker thread, as the Reflex state runs
   it) while an export runs on another worker thread, in the worker process at normal priority, and in
   the worker process at its lower priority (what `services.offload` does), compared with idle. Needs a
   database with statistics: `--db` (e.g. one made by bench/stats_dashboard.py); without it, part 2 uses
   the demo data.

Prints figures only; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

COUNTIES = ["臺北市", "新北市", "桃園市", "臺中市", "臺南市", "高雄市", "=cmd|' /C calc'!A0"]


def rows(count: int):
    for i in range(count):
        yield [f"{COUNTIES[i % len(COUNTIES)]}第{i}國小", i % 97, (i % 500) / 2, i % 1234, (i % 777) / 4]


def with_openpyxl(count: int) -> int:
    from tpd_app.services.stats.export import HOURS, INTEGER, Column, Sheet, write_workbook

    columns = [Column("單位", width=28), Column("辦理場次", INTEGER), Column("提供研習時數", HOURS),
               Column("參與人次", INTEGER), Column("核實研習時數", HOURS)]
    return len(write_workbook([Sheet("各單位", "教師在職進修統計：各單位", columns, rows(count))]))


def with_xlsxwriter(count: int) -> int:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": False,
                                        "strings_to_formulas": False})
    sheet = book.add_worksheet("各單位")
    title, header = book.add_format({"bold": True, "font_size": 13}), book.add_format({"bold": True})
    integer, hours = book.add_format({"num_format": "#,##0"}), book.add_format({"num_format": "#,##0.0"})
    sheet.freeze_panes(2, 0)
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 4, 14)
    sheet.write_string(0, 0, "教師在職進修統計：各單位", title)
    for c, text in enumerate(["單位", "辦理場次", "提供研習時數", "參與人次", "核實研習時數"]):
        sheet.write_string(1, c, text, header)
    for r, (name, courses, offered, people, credited) in enumerate(rows(count), start=2):
        sheet.write_string(r, 0, name)
        sheet.write_number(r, 1, courses, integer)
        sheet.write_number(r, 2, offered, hours)
        sheet.write_number(r, 3, people, integer)
        sheet.write_number(r, 4, credited, hours)
    book.close()
    return len(buffer.getvalue())


def measure(fn, count: int, repeat: int) -> tuple[float, float, float, int]:
    times = []
    size = 0
    for _ in range(repeat):
        began = time.perf_counter()
        size = fn(count)
        times.append(time.perf_counter() - began)
    tracemalloc.start()
    fn(count)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return count / statistics.median(times), peak / 2**20, peak_rss(fn.__name__, count), size


def peak_rss(name: str, count: int) -> float:
    """Growth of peak resident MiB in a fresh interpreter from a 10-row export (imports done) to this one.

    Read from /proc (VmHWM, Linux): `getrusage`'s ru_maxrss of a child starts at its parent's size.
    """
    hwm = "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')))"
    script = (f"import sys; sys.path[:0] = [{str(Path(__file__).parent)!r}]; import stats_export as b; "
              f"b.{name}(10); {hwm}; b.{name}({count}); {hwm}")
    output = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True).stdout
    warm, peak = (int(v) for v in output.split()[-2:])
    return (peak - warm) / 1024


async def latencies(event, n: int, export=None, in_process: bool = False) -> tuple[list[float], float]:
    """Event latencies (ms), idle or while the export runs, and the export's own duration (s)."""
    from tpd_app.services.platform import offload

    samples = []
    task = None
    began_export = time.perf_counter()
    if export and in_process:
        task = asyncio.ensure_future(offload.run(with_openpyxl, export))
    elif export:
        task = asyncio.ensure_future(asyncio.to_thread(with_openpyxl, export))
    await asyncio.sleep(0.05)
    # Idle: n events. With an export: events until it ends (at most 20 n), so the whole export is sampled.
    for _ in range(n if task is None else 20 * n):
        began = time.perf_counter()
        await asyncio.to_thread(event)
        samples.append((time.perf_counter() - began) * 1000)
        if task and task.done():
            break
    if task:
        await task
    return samples, time.perf_counter() - began_export


def worker_latencies(event, n: int, export: int, niceness: int) -> tuple[list[float], float]:
    """`latencies` with the export in a worker process started at `niceness` (0: the server's priority)."""
    from tpd_app.services.platform import offload

    offload.shutdown()
    offload.WORKER_NICENESS = niceness
    asyncio.run(offload.run(with_openpyxl, 10))  # start the worker process before measuring
    try:
        return asyncio.run(latencies(event, n, export=export, in_process=True))
    finally:
        offload.shutdown()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--db", default="")
    parser.add_argument("--events", type=int, default=50, help="idle latency samples, before and after")
    parser.add_argument("--busy", type=int, default=0,
                        help="CPU-bound processes at normal priority during part 2 (stand-ins for other load)")
    args = parser.parse_args()

    print(f"\nExcel export of {args.rows:,} rows × 5 columns (text, 2 integers, 2 hours), median of {args.repeat}")
    print(f"{'writer':<44} {'rows/s':>10} {'peak MiB':>9} {'+RSS MiB':>8} {'file KB':>8}")
    fast, fast_peak, fast_rss, fast_size = measure(with_openpyxl, args.rows, args.repeat)
    base, base_peak, base_rss, base_size = measure(with_xlsxwriter, args.rows, args.repeat)
    for label, speed, peak, rss, size in (
            ("openpyxl write-only + lxml (stats_export)", fast, fast_peak, fast_rss, fast_size),
            ("XlsxWriter constant_memory (baseline)", base, base_peak, base_rss, base_size)):
        print(f"{label:<44} {speed:>10,.0f} {peak:>9.1f} {rss:>8.1f} {size / 1024:>8,.0f}")
    print(f"ratio openpyxl / XlsxWriter: {fast / base:.2f}x")

    path = Path(args.db) if args.db else Path(tempfile.mkdtemp()) / "export-bench.db"
    os.environ["TPD_DATABASE_URL"] = f"sqlite:///{path}"
    from sqlmodel import select

    from tpd_app.domain.permissions import Actor, Function, UnitRef
    from tpd_app.domain.stats import StatsFilters
    from tpd_app.domain.units import AccountCategory, UnitType
    from tpd_app.models import TrainingRecord, Unit
    from tpd_app.services.platform.db import transaction
    from tpd_app.state.stats import _load

    if not args.db:
        from tpd_app.cli import migrate
        from tpd_app.devdata.demo import load_demo

        migrate()
        with transaction() as session:
            load_demo(session)
    with transaction() as session:
        school_id, year = session.exec(select(TrainingRecord.school_unit_id, TrainingRecord.school_year)
                                       .limit(1)).one()
        school = session.get(Unit, school_id)
    actor = Actor(kind="account", id=0, unit=UnitRef(id=school.id or 0, type=UnitType(school.type),
                                                     county=school.county, reviewer_id=school.reviewer_id),
                  category=AccountCategory.CHIEF)

    def event() -> None:
        _load(actor, Function.STATS_SCHOOL, StatsFilters(year=year), "", 0, "")

    from tpd_app.services.platform import offload

    lowered = offload.WORKER_NICENESS
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.busy)]
    try:
        for _ in range(3):
            event()  # warm caches before the idle figures
        idle, _ = asyncio.run(latencies(event, args.events))
        threaded = asyncio.run(latencies(event, args.events, export=args.rows))
        normal = worker_latencies(event, args.events, args.rows, 0)
        nice = worker_latencies(event, args.events, args.rows, lowered)
        idle += asyncio.run(latencies(event, args.events))[0]  # before and after: the machine's load drifts
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
    busy = f", {args.busy} other CPU-bound process(es)" if args.busy else ""
    print(f"\nanother client's dashboard event (school scope) while a {args.rows:,}-row export runs{busy}")
    print(f"{'':<44} {'events':>7} {'p50 ms':>8} {'p95 ms':>8} {'vs idle':>8} {'export s':>9}")
    for label, (samples, seconds) in (
            ("idle", (idle, 0.0)), ("export on a thread", threaded),
            ("export in the worker process, normal priority", normal),
            (f"export in the worker process, nice +{lowered} (used)", nice)):
        ordered = sorted(samples)
        p95 = ordered[min(len(ordered) - 1, int(0.95 * (len(ordered) - 1)))]
        ratio = statistics.median(samples) / statistics.median(idle)
        print(f"{label:<44} {len(samples):>7} {statistics.median(samples):>8.1f} {p95:>8.1f} {ratio:>7.2f}x"
              f" {seconds:>9.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
