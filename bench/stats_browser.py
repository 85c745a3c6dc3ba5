"""What a Ministry user waits for on the national dataset: the production build driven by Chromium.

    python bench/stats_browser.py --db /work/full/national.db     # a database from generate-national
    python bench/stats_browser.py --db FILE --repeat 5

Serves the production build on the given database (demo accounts must be in it: the generator
runs after `load-demo`), signs in as demo-moe and times, from the action until the new figures
are on screen (the scope title and the figures arrive in one state update), the charts in view
are drawn and the browser is idle again (requestIdleCallback; charts further down are drawn when
scrolled to): opening the national dashboard from the menu, then by its URL (a full page load),
drilling into a county, drilling into a school, going back up by the breadcrumb, narrowing to one
course kind, and downloading the area table as Excel.
Prints the medians and keeps screenshots in test-artifacts/screenshots/bench-*.png. Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

from tests.browser.conftest import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    _free_port,
    _stop,
    _wait_until_up,
    screenshot,
    sign_in,
)


def _settled(page: Page) -> None:
    """Every chart in view drawn and the browser idle: the page is done, not only its first figures.
    (Charts further down are drawn when the reader scrolls to them; their tables are already there.)"""
    page.wait_for_function("""() => { const charts = document.querySelectorAll('[data-drawn="yes"]');
        return charts.length > 0 && [...charts].every(c => c.querySelector('.main-svg')); }""")
    page.evaluate("() => new Promise(done => requestIdleCallback(() => done(), {timeout: 10000}))")


def _shows(page: Page, testid: str, text: str, *, contains: bool = False, absent: bool = False) -> None:
    """Wait until the element shows `text` (or contains it, or no longer does). A light check run at
    each animation frame: Playwright's `expect` builds an accessibility snapshot of the whole page
    when a first try fails, ~0.4 s of the page's own main thread on these pages, which it would add
    to the very time being measured."""
    page.wait_for_function("""([id, text, contains, absent]) => {
        const el = document.querySelector(`[data-testid="${id}"]`);
        if (!el) return false;
        const shown = el.textContent.trim();
        const hit = contains || absent ? shown.includes(text) : shown === text;
        return absent ? !hit : hit; }""", arg=[testid, text, contains, absent])


def _total(page: Page) -> str:
    return page.get_by_test_id("total-participants").inner_text()


EXCEL = "download the area table as Excel"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--year", type=int, default=113, help="ROC school year to open")
    args = parser.parse_args()

    port = _free_port()
    base = f"http://localhost:{port}"
    env = {**os.environ, "TPD_DATABASE_URL": f"sqlite:///{Path(args.db).resolve()}", "TPD_PUBLIC_ORIGIN": base,
           "TPD_PORT": str(port), "REFLEX_USE_SYSTEM_BUN": "1", "REFLEX_TELEMETRY_ENABLED": "false",
           "REFLEX_CHECK_LATEST_VERSION": "false", "PYTHONPATH": str(ROOT),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    log = Path("/tmp") / f"tpd-bench-browser-{port}.log"
    with log.open("w") as out:
        process = subprocess.Popen([str(Path(sys.executable).with_name("reflex")), "run", "--env", "prod",
                                    "--frontend-port", str(port)], cwd=ROOT, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    timings: dict[str, list[float]] = {}

    def timed(name: str, action, done) -> None:  # type: ignore[no-untyped-def]
        began = time.perf_counter()
        action()
        done()
        if name != EXCEL:
            _settled(page)
        timings.setdefault(name, []).append((time.perf_counter() - began) * 1000)

    try:
        _wait_until_up(base, process, log, timeout=900)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 860}, locale="zh-TW")
            context.set_default_timeout(60_000)
            expect.set_options(timeout=60_000)
            page = context.new_page()
            sign_in(page, "demo-moe")
            page.wait_for_url(re.compile(r"/home/?$"))
            national_url = f"/stats/national?year={args.year}"
            for round_ in range(args.repeat + 1):
                def national_on_screen() -> None:
                    # Every kind listed: the unfiltered national figures (not the last round's filtered ones).
                    _shows(page, "scope-title", "全國")
                    _shows(page, "table-kind", "線上課程", contains=True)

                page.goto("/home")
                page.get_by_test_id("hydrated").wait_for(state="attached")
                timed("open it from the menu (current school year)", page.get_by_test_id("nav-stats.national").click,
                      lambda: _shows(page, "scope-title", "全國"))
                timed("open the national dashboard (a full page load)", lambda: page.goto(national_url),
                      national_on_screen)
                national = _total(page)
                link = page.get_by_test_id("table-area").get_by_test_id("drill-link").filter(has_text="新北市")
                timed("drill into a county (新北市)", link.click,
                      lambda: _shows(page, "scope-title", "新北市"))
                school = page.get_by_test_id("table-area").get_by_test_id("drill-link").first
                school_name = school.inner_text()
                timed("drill into its largest school", school.click,
                      lambda n=school_name: _shows(page, "scope-title", n))
                timed("back to the country by the breadcrumb", page.get_by_test_id("crumb").first.click,
                      lambda n=national: _shows(page, "total-participants", n))

                def narrow() -> None:
                    page.get_by_test_id("filter-kind").select_option("workshop")
                    page.get_by_test_id("filter-apply").click()

                timed("narrow to one kind (工作坊)", narrow,
                      lambda: _shows(page, "table-kind", "線上課程", absent=True))
                with page.expect_download() as download:
                    timed(EXCEL, page.get_by_test_id("download-area").click,
                          lambda: download.value.path())
                if round_ == 0:
                    screenshot(page, "bench-national-full-scale")
                    timings.clear()  # the first round warms the caches; it is not counted
            browser.close()
    finally:
        _stop(process)

    print(f"\nproduction build on {args.db}, demo-moe, school year {args.year}, {args.repeat} rounds after a warm-up")
    print(f"{'user action (until figures, charts in view, browser idle)':<56} {'median ms':>10} {'max ms':>9}")
    for name, samples in timings.items():
        print(f"{name:<56} {statistics.median(samples):>10.0f} {max(samples):>9.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
