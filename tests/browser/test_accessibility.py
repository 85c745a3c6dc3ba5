"""WCAG 2.1 AA on every page (issue 16): axe-core finds no serious or critical violation and the console
no error, on every route of each demo persona's menu and the public pages, in zh-TW and English, at 1280
and 390 px wide; the document's language and title follow the chosen language."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from tests.browser.a11y import sweep
from tests.browser.conftest import ARTIFACTS, Server, sign_in


def test_every_page_passes_axe_in_both_languages_and_widths(browser: Browser, server: Server) -> None:
    rows = sweep(server.url, browser)
    ARTIFACTS.parent.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS.parent / "axe.txt").write_text("".join(
        f"{r.path}\t{r.lang}\t{r.width}\t{r.persona}\t{r.serious}\t{r.critical}\t{len(r.errors)}\n" for r in rows),
        encoding="utf-8")
    kinds = {"/courses/": "/courses/[code]", "/news/": "/news/[id]", "/rules/": "/rules/[document]",
             "/newsletter/": "/newsletter/[id]"}
    paths = {next((kind for prefix, kind in kinds.items() if row.path.startswith(prefix)), row.path.split("?")[0])
             for row in rows}
    # The sweep reaches the pages of every kind of account, not only the public ones.
    assert {"/", "/login", "/courses", "/forgot", "/reset", "/home", "/course/review", "/stats/national",
            "/me/records", "/teachers/records", "/accounts/subordinate", "/courses/[code]", "/news", "/news/[id]",
            "/portal/announcements", "/faq", "/portal/faq", "/rules", "/rules/[document]", "/portal/rules",
            "/guides", "/portal/guides", "/newsletter", "/newsletter/[id]", "/portal/newsletter",
            "/portal/newsletter/contribute", "/newsletter-subscription", "/login/sso", "/accounts/sso"} <= paths
    assert len(rows) >= 4 * len(paths) - 8
    failing = [f"{r.path} {r.lang} {r.width} ({r.persona}): "
               + "; ".join(f"{v['impact']} {v['id']} {[n['target'] for n in v['nodes'][:2]]}" for v in r.violations)
               + ("; console: " + " | ".join(e[:120] for e in r.errors) if r.errors else "")
               for r in rows if r.violations or r.errors]
    assert not failing, "\n".join(failing)
    # Every page names itself in the chosen language (title and lang) and needs no sideways scrolling.
    names = {"zh-TW": ("zh-Hant-TW", "全國教師在職進修資訊網"),
             "en": ("en", "Teacher In-Service Training Information Network")}
    wrong = [f"{r.path} {r.lang} {r.width}: lang={r.html_lang!r} title={r.title!r} overflow={r.overflow}px"
             for r in rows if r.html_lang != names[r.lang][0] or not r.title.endswith(names[r.lang][1])
             or (r.title != names[r.lang][1] and " | " not in r.title) or r.overflow > 0]
    assert not wrong, "\n".join(wrong)


def test_document_language_and_title_follow_the_chosen_language(page: Page) -> None:
    page.goto("/courses")
    expect(page.get_by_test_id("hydrated")).to_be_attached()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant-TW")
    expect(page).to_have_title("研習課程查詢 | 全國教師在職進修資訊網")
    page.get_by_test_id("lang-switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_title("Find a course | Teacher In-Service Training Information Network")
    page.goto("/login")
    expect(page).to_have_title("Sign in | Teacher In-Service Training Information Network")
    page.get_by_test_id("lang-switch").click()
    expect(page).to_have_title("登入 | 全國教師在職進修資訊網")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant-TW")


def test_keyboard_navigation_lands_on_the_new_pages_heading_and_results_take_the_focus(page: Page) -> None:
    """Signed in with the keyboard alone, a menu link followed with Enter puts the focus on the new page's
    h1 (not on <body> or the old link), and a search's result notice is reachable without hunting."""
    page.goto("/login")
    expect(page.get_by_test_id("hydrated")).to_be_attached()
    page.focus("#login-username")
    page.keyboard.type("demo-school")
    page.keyboard.press("Tab")
    page.keyboard.type("tpd-demo-2026")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/home/?$"))
    link = page.get_by_test_id("nav-course.manage")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/course/manage/?$"))
    heading = page.locator("main h1")
    expect(heading).to_be_focused()
    # The skip link is the first stop of the keyboard on every page and leads into <main>.
    page.goto("/courses")
    expect(page.get_by_test_id("hydrated")).to_be_attached()
    page.keyboard.press("Tab")
    skip = page.locator("a.tpd-skip-link")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main#main-content")).to_be_focused()


ROC = re.compile(r"(?<![\d-])1[01]\d/\d{2}/\d{2}")  # cells run together in the text: no \b after
ISO = re.compile(r"(?<!\d)20\d{2}-\d{2}-\d{2}")


def test_dates_follow_the_language_on_pages_and_in_date_fields(page: Page) -> None:
    """民國 dates (115/12/23) in zh-TW, ISO dates in English: on the teacher's pages, in the catalogue's results
    and in its date fields, which also read what the user typed in either form."""
    sign_in(page, "A123456789", teacher_tab=True)
    page.wait_for_url(re.compile(r"/home/?$"))
    page.goto("/me/registrations")
    table = page.get_by_test_id("my-registrations")
    expect(table).to_contain_text(ROC)
    assert not ISO.search(table.inner_text())
    page.get_by_test_id("lang-switch").click()
    expect(table).to_contain_text(ISO)
    assert not ROC.search(table.inner_text())
    page.get_by_test_id("lang-switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant-TW")  # the choice is kept before leaving
    page.goto("/courses?from=2026-09-01")
    start = page.get_by_test_id("catalogue-from")
    expect(start).to_have_value("115/09/01")
    expect(start).to_have_attribute("placeholder", re.compile("115/12/23"))
    expect(page.get_by_test_id("catalogue-results")).to_contain_text(ROC)
    start.fill("115/10/01")
    page.get_by_test_id("catalogue-search").click()
    page.wait_for_url(re.compile(r"from=2026-10-01"))
    page.get_by_test_id("lang-switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")  # the choice is kept before reloading
    page.reload()
    expect(page.get_by_test_id("hydrated")).to_be_attached()
    expect(page.get_by_test_id("catalogue-from")).to_have_value("2026-10-01")
    expect(page.get_by_test_id("catalogue-results")).to_contain_text(ISO)


def test_on_a_phone_lists_become_labelled_cards_and_the_public_header_keeps_one_line(browser: Browser,
                                                                                      server: Server) -> None:
    """At 390 px nothing needs sideways scrolling: the teacher's record and the organizer's list show each
    row as a card whose values are named by their column (in the chosen language); the public header's
    name, language button and sign-in link stay on one line in both languages."""
    context = browser.new_context(base_url=server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    for path in ("/", "/courses", "/login"):
        page.goto(path)
        expect(page.get_by_test_id("hydrated")).to_be_attached()
        for lang in ("en", "zh-Hant-TW"):
            height = page.evaluate("document.querySelector('header').getBoundingClientRect().height")
            assert height < 50, (path, height)
            page.get_by_test_id("lang-switch").click()
            expect(page.locator("html")).to_have_attribute("lang", lang)
    sign_in(page, "A123456789", teacher_tab=True)
    page.wait_for_url(re.compile(r"/home/?$"))
    page.goto("/me/records")
    first = page.get_by_test_id("record").locator("tbody tr").first
    expect(first.locator("td").first).to_have_attribute("data-label", "日期")
    box = first.bounding_box()
    assert box is not None and box["width"] <= 390 and box["height"] > 150  # a card, one value per line
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_test_id("lang-switch").click()
    expect(first.locator("td").first).to_have_attribute("data-label", "Date")
    context.close()
