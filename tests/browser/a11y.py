"""The accessibility sweep: every page of the app opened by an account that may open it, in zh-TW and in
English, at a desktop and a phone width, checked by axe-core (axe-playwright-python's bundled axe.min.js).

Pages come from each demo persona's own menu (so every route the matrix gives someone is covered), plus
the public pages and the pages reached from a list (a course page, a registrant list)."""

from __future__ import annotations

from dataclasses import dataclass, field

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-quic", "--no-first-run"]
PASSWORD = "tpd-demo-2026"
WIDTHS = {"desktop": (1280, 860), "phone": (390, 844)}
PUBLIC = ["/", "/login", "/login/sso", "/courses", "/news", "/faq", "/rules", "/guides", "/apply", "/apply/teacher",
          "/forgot", "/reset", "/help", "/help/ticket", "/newsletter", "/newsletter-subscription"]
#: (login, is a teacher) in the order their pages are taken: each page is checked once, as the first
#: persona whose menu offers it.
PERSONAS = [("demo-school", False), ("demo-county_bureau", False), ("demo-national_center", False),
            ("demo-moe", False), ("demo-subject_center", False), ("demo-teacher_ed_university", False),
            ("A123456789", True)]


@dataclass
class Result:
    path: str
    lang: str
    width: str
    persona: str
    violations: list[dict] = field(default_factory=list)
    #: Console errors and uncaught exceptions while the page loaded (a hydration error, a 404).
    errors: list[str] = field(default_factory=list)
    #: `<html lang>`, the document title, and how far the page is wider than the window (px; > 0: it
    #: scrolls sideways).
    html_lang: str = ""
    title: str = ""
    overflow: int = 0

    def count(self, impact: str) -> int:
        return sum(1 for v in self.violations if v["impact"] == impact)

    @property
    def serious(self) -> int:
        return self.count("serious")

    @property
    def critical(self) -> int:
        return self.count("critical")


def _settled(page: Page) -> None:
    page.wait_for_load_state("networkidle")
    page.locator('[data-testid="hydrated"]').first.wait_for(state="attached")
    page.wait_for_function("() => !document.querySelector('[data-testid=loading]')", timeout=20_000)


def sign_in(page: Page, login: str, teacher: bool) -> None:
    page.goto("/login")
    _settled(page)
    if teacher:
        page.get_by_test_id("login-teacher-tab").click()
    page.fill("#login-username", login)
    page.fill("#login-password", PASSWORD)
    page.press("#login-password", "Enter")
    page.wait_for_url(lambda url: "/login" not in url, timeout=30_000)
    _settled(page)


#: Pages reached from a list rather than the menu (a course page, a registrant or attendance list, the
#: course editor, a unit's record): the first link of each kind found on a swept page is swept too.
FROM_LISTS = ("/courses/", "/news/", "/rules/", "/newsletter/", "/course/attendance", "/course/registrants",
              "/course/edit", "/directory/units")


def _kind(path: str) -> str:
    return next((prefix for prefix in FROM_LISTS if path.startswith(prefix)), "")


def main_links(page: Page) -> list[str]:
    return page.eval_on_selector_all(
        "main a[href]", "els => els.map(a => new URL(a.href).pathname + new URL(a.href).search)")


def menu_paths(page: Page) -> list[str]:
    return page.eval_on_selector_all(
        "nav a[href]", "els => els.map(a => new URL(a.href).pathname + new URL(a.href).search)")


def check(page: Page, axe: Axe, path: str) -> tuple[list[dict], list[str]]:
    """The serious and critical violations of `path`, and the console errors while it loaded (the page's
    language, title and width are read from `page` afterwards, by `facts`)."""
    errors: list[str] = []
    on_console = lambda message: errors.append(message.text) if message.type == "error" else None  # noqa: E731
    on_error = lambda error: errors.append(str(error))  # noqa: E731
    page.on("console", on_console)
    page.on("pageerror", on_error)
    try:
        page.goto(path)
        _settled(page)
        result = axe.run(page)
    finally:
        page.remove_listener("console", on_console)
        page.remove_listener("pageerror", on_error)
    return [v for v in result.response["violations"] if v["impact"] in ("serious", "critical")], errors


def facts(page: Page) -> tuple[str, str, int]:
    return page.evaluate("""() => [document.documentElement.lang, document.title,
        document.documentElement.scrollWidth - window.innerWidth]""")


def _set_language(page: Page, lang: str) -> None:
    """The language switch as a user presses it (the choice is kept in the browser)."""
    current = page.evaluate("document.documentElement.lang") or "zh-TW"
    if not current.lower().startswith(lang[:2]):
        page.get_by_test_id("lang-switch").first.click()
        page.wait_for_timeout(300)


def sweep(base: str, browser: Browser) -> list[Result]:
    """Every page × language × width, each page as the first persona whose menu offers it."""
    axe = Axe()
    results: list[Result] = []
    seen: set[str] = set()
    for lang in ("zh-TW", "en"):
        for width, (w, h) in WIDTHS.items():
            for persona, teacher in [("", False), *PERSONAS]:
                context = browser.new_context(base_url=base, viewport={"width": w, "height": h}, locale="zh-TW")
                context.set_default_timeout(20_000)
                page = context.new_page()
                page.goto("/login")
                _settled(page)
                _set_language(page, lang)
                if persona:
                    sign_in(page, persona, teacher)
                    paths = [p for p in menu_paths(page) if p not in PUBLIC]
                else:
                    paths = list(PUBLIC)
                while paths:
                    path = paths.pop(0)
                    key = f"{_kind(path) or path}|{lang}|{width}"
                    if key in seen:
                        continue
                    seen.add(key)
                    violations, errors = check(page, axe, path)
                    html_lang, title, overflow = facts(page)
                    results.append(Result(path, lang, width, persona or "public", violations, errors,
                                          html_lang, title, overflow))
                    paths += [link for link in main_links(page)
                              if _kind(link) and f"{_kind(link)}|{lang}|{width}" not in seen]
                context.close()
    return results
