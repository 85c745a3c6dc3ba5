"""Catalogue search time at national volume, next to a plain LIKE scan measured in the same run.

    python bench/catalogue_search.py                 # 500,000 courses in a fresh SQLite file
    python bench/catalogue_search.py --count 50000   # quicker
    python bench/catalogue_search.py --db /tmp/big.db --reuse   # keep and reuse a generated database

Prints figures only; it asserts nothing about time.
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

QUERIES: list[tuple[str, dict[str, str]]] = [
    ("common 2-char word 教學", {"q": "教學"}),
    ("topic phrase 特殊教育", {"q": "特殊教育"}),
    ("rarer phrase 急救訓練觀議課", {"q": "急救訓練觀議課"}),
    ("one school 臺東縣第17", {"q": "臺東縣第17"}),
    ("no match 量子糾纏", {"q": "量子糾纏"}),
    ("two words 數學 工作坊", {"q": "數學 工作坊"}),
    ("Latin word AI", {"q": "AI"}),
    ("keyword + county 雙語 / KHH", {"q": "雙語", "county": "KHH"}),
    ("keyword + level + open now", {"q": "閱讀", "level": "elementary", "open": "1"}),
    ("no keyword, county + kind", {"county": "TNN", "kind": "workshop"}),
    ("page 50 of 環境教育", {"q": "環境教育", "page": "50"}),
]


def _time(fn, repeat: int) -> tuple[float, object]:
    samples, result = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - began) * 1000)
    return statistics.median(samples), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=500_000)
    parser.add_argument("--db", default="")
    parser.add_argument("--reuse", action="store_true", help="use --db as it is if it already has courses")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    path = Path(args.db) if args.db else Path(tempfile.mkdtemp()) / "bench.db"
    os.environ["TPD_DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("TPD_ARGON2_MEMORY_KIB", "1024")
    os.environ.setdefault("TPD_ARGON2_TIME_COST", "1")

    from sqlmodel import func, select

    from tpd_app.cli import migrate
    from tpd_app.devdata.demo import load_demo
    from tpd_app.devdata.volume import generate_courses, optimize
    from tpd_app.models import CatalogueEntry
    from tpd_app.services.courses import catalogue
    from tpd_app.services.platform.db import transaction

    with transaction() if path.exists() else _null() as session:
        existing = session.exec(select(func.count()).select_from(CatalogueEntry)).one() if session else 0
    if not (args.reuse and existing >= args.count):
        migrate()
        began = time.monotonic()
        with transaction() as session:
            load_demo(session)
            generate_courses(session, count=args.count, progress=True)
        with transaction() as session:
            optimize(session)
        print(f"generated {args.count:,} courses in {time.monotonic() - began:.0f} s ({path})")

    with transaction() as session:
        total = session.exec(select(func.count()).select_from(CatalogueEntry)).one()
    print(f"\ncatalogue entries: {total:,}   database: {path.stat().st_size / 1e6:,.0f} MB   "
          f"median of {args.repeat} runs of catalogue.search (one page of 20 + its total)")
    print("matches: the index's total (exact for a keyword alone, capped at 1,001 with other filters);\n"
          "baseline: the same search with LIKE '%word%' on the entry text instead of the FTS5 index\n")
    print(f"{'query':<32} {'matches':>9} {'FTS5 bigram ms':>15} {'LIKE scan ms':>13} {'speed-up':>9}")
    for label, params in QUERIES:
        query = catalogue.CatalogueQuery.from_params(params)
        with transaction() as session:
            fast, (_, matches) = _time(lambda q=query, s=session: catalogue.search(s, q), args.repeat)
            slow, (_, like_matches) = _time(
                lambda q=query, s=session: catalogue.search(s, q, use_index=False), args.repeat)
        note = "" if matches == like_matches else f"  (LIKE found {like_matches})"
        print(f"{label:<32} {matches:>9,} {fast:>15.1f} {slow:>13.1f} {slow / fast:>8.1f}x{note}")
    return 0


class _null:
    def __enter__(self):
        return None

    def __exit__(self, *exc: object) -> None:
        return None


if __name__ == "__main__":
    raise SystemExit(main())
