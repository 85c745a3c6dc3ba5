"""axe-core on every page of a running TPD (demo data), per language and width: a table of serious and
critical violations. Usage: python scripts/a11y_sweep.py http://localhost:3300 [--details]

The same sweep runs in the test suite (tests/browser/test_accessibility.py); this prints the table for
the README and lists each violation's rule, impact and first targets."""

from __future__ import annotations

import sys

from playwright.sync_api import sync_playwright

sys.path.insert(0, ".")
from tests.browser.a11y import ARGS, CHROMIUM, sweep

if __name__ == "__main__":
    base = sys.argv[1] if len(sys.argv) > 1 else "http://localhost:3000"
    details = "--details" in sys.argv
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        rows = sweep(base, browser)
    print(f"{'page':45} {'lang':5} {'width':7} serious critical console")
    for row in rows:
        print(f"{row.path:45} {row.lang:5} {row.width:7} {row.serious:7} {row.critical:8} {len(row.errors):7}")
        if details:
            for error in row.errors:
                print(f"    console: {error[:200]}")
        if details:
            for v in row.violations:
                print(f"    {v['impact']:8} {v['id']}: {v['help']} -> {[n['target'] for n in v['nodes'][:3]]}")
