"""Keyboard-only journeys on the production build (issue 16, WCAG 2.1.1): no mouse anywhere. A teacher signs
in, finds a course by its code, registers and reads her record; an organizer registers a course; a reviewer
approves it. Each control is reached with Tab (never focused by script), used with Enter, Space or the
arrow keys, and after each action the focus is somewhere a keyboard user can go on from."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from playwright.sync_api import Locator, Page, expect
from sqlmodel import Session, create_engine, select

from tests.browser.conftest import DEMO_PASSWORD, Server
from tests.services.hours_data import published_course
from tpd_app.domain.timeutil import taipei_today
from tpd_app.models import BusinessAccount, Unit
from tpd_app.services.courses import catalogue


def tab_to(page: Page, target: Locator, *, limit: int = 300, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until `target` has the focus, as a keyboard user would."""
    expect(target).to_be_attached()
    for _ in range(limit):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    raise AssertionError(f"the keyboard never reached {target}")


def _focus_is_in_the_page(page: Page) -> bool:
    return page.evaluate("document.activeElement !== null && document.activeElement !== document.body")


def _sign_in(page: Page, login: str, *, teacher: bool) -> None:
    page.goto("/login")
    expect(page.get_by_test_id("hydrated")).to_be_attached()
    if teacher:
        tab_to(page, page.get_by_test_id("login-teacher-tab"))
        page.keyboard.press("Enter")
        expect(page.get_by_test_id("login-teacher-tab")).to_have_attribute("aria-selected", "true")
    tab_to(page, page.locator("#login-username"))
    page.keyboard.type(login)
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/home/?$"))


def _sign_out(page: Page) -> None:
    tab_to(page, page.get_by_test_id("logout"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/login"))


def _choose(page: Page, select: Locator, value: str) -> None:
    """A native select, moved with the arrow keys until it shows `value`."""
    tab_to(page, select)
    for _ in range(30):
        if select.input_value() == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{value} is not among the choices of {select}")


def _type_into(page: Page, target: Locator, text: str) -> None:
    tab_to(page, target)
    page.keyboard.type(text)


def test_a_teacher_finds_a_course_by_its_code_registers_and_reads_her_record(page: Page, server: Server):
    title = f"鍵盤操作研習 {secrets.token_hex(2)}"
    with Session(create_engine(server.db_url), expire_on_commit=False) as session:
        account = session.exec(select(BusinessAccount).where(BusinessAccount.username == "demo-school")).one()
        school = session.get(Unit, account.unit_id)
        course = published_course(session, school, title=title, capacity=30,
                                  code=f"119{secrets.randbelow(10 ** 6):06d}")
        catalogue.publish(session, course)
        session.commit()
    _sign_in(page, "A123456789", teacher=True)
    page.goto("/courses")
    expect(page.get_by_test_id("hydrated")).to_be_attached()
    expect(page.get_by_test_id("catalogue-result").first).to_be_visible()
    _type_into(page, page.get_by_test_id("catalogue-q"), course.code)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"\?q={course.code}"))
    expect(page.get_by_test_id("catalogue-result")).to_have_count(1)
    tab_to(page, page.get_by_test_id("catalogue-result").get_by_role("link", name=title))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/courses/{course.code}/?$"))
    expect(page.locator("main h1")).to_be_focused()  # the new page's heading, not the old link
    panel = page.get_by_test_id("course-standing")
    tab_to(page, panel.get_by_test_id("course-register"))
    page.keyboard.press("Enter")
    expect(panel.get_by_test_id("notice")).to_contain_text("報名成功")
    assert _focus_is_in_the_page(page)  # the pressed button is gone; the focus did not fall to <body>
    # Back to her home page by the header's name (the course page is a public page, without the menu).
    tab_to(page, page.locator("header a[href='/home']"), backwards=True)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/home/?$"))
    tab_to(page, page.get_by_test_id("nav-teacher.records"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/me/records/?$"))
    expect(page.locator("main h1")).to_be_focused()
    expect(page.get_by_test_id("record")).to_be_visible()
    # Her registrations list the new one, reached through the menu as well.
    tab_to(page, page.get_by_test_id("nav-teacher.registrations"), backwards=True)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/me/registrations/?$"))
    mine = page.get_by_test_id("my-registration").filter(has_text=title)
    expect(mine).to_contain_text("待審核")
    # Withdrawing asks first: the dialog takes the focus and keeps it (Tab never leaves it), Escape closes it
    # and gives the focus back to the button that opened it; confirming withdraws.
    withdraw = mine.get_by_test_id("withdraw")
    tab_to(page, withdraw)
    page.keyboard.press("Enter")
    dialog = page.get_by_test_id("withdraw-dialog")
    expect(dialog).to_be_visible()
    inside = "el => el.contains(document.activeElement)"
    assert dialog.evaluate(inside)
    for _ in range(6):
        page.keyboard.press("Tab")
        assert dialog.evaluate(inside), "Tab left the open dialog"
    page.keyboard.press("Shift+Tab")
    assert dialog.evaluate(inside), "Shift+Tab left the open dialog"
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(withdraw).to_be_focused()
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    tab_to(page, dialog.get_by_test_id("withdraw-confirm"))
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("notice")).to_contain_text("已取消報名")
    expect(mine.get_by_test_id("withdraw")).to_have_count(0)
    assert _focus_is_in_the_page(page)


def test_an_organizer_registers_a_course_and_a_reviewer_approves_it(page: Page, server: Server):
    token = "Kb" + secrets.token_hex(3)
    title = f"鍵盤登錄的研習 {token}"
    first = taipei_today() + timedelta(days=30)
    _sign_in(page, "demo-school-operator", teacher=False)
    tab_to(page, page.get_by_test_id("nav-course.register"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/course/register/?$"))
    _type_into(page, page.locator("#field-title"), title)
    _choose(page, page.locator("#field-kind"), "lecture")
    _type_into(page, page.locator("#field-hours"), "3")
    _type_into(page, page.locator("#field-capacity"), "40")
    for box in ("topic-special_ed", "level-elementary"):
        tab_to(page, page.get_by_test_id(box))
        page.keyboard.press("Space")
        expect(page.get_by_test_id(box)).to_be_checked()
    # The session's date is typed the 民國 way the page shows (115/12/23); its times as 13:30.
    _type_into(page, page.get_by_test_id("session-day-0"), f"{first.year - 1911}/{first.month:02d}/{first.day:02d}")
    _type_into(page, page.get_by_test_id("session-start-0"), "13:30")
    _type_into(page, page.get_by_test_id("session-end-0"), "16:30")
    _type_into(page, page.get_by_test_id("session-lecturer-0"), "陳怡安教授")
    _type_into(page, page.locator("#field-venue"), "和平國小視聽教室")
    _type_into(page, page.locator("#field-contact_name"), "鄭志豪")
    _type_into(page, page.locator("#field-contact_phone"), "02-27325678")
    _type_into(page, page.locator("#field-contact_email"), "op@demo.tpd.edu.tw")
    tab_to(page, page.get_by_test_id("submit-course"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/course/manage/?\?saved="))
    notice = page.get_by_test_id("notice")
    expect(notice).to_contain_text("已送審至臺北市政府教育局")
    code = re.search(r"\d{9}", notice.inner_text()).group(0)
    _sign_out(page)

    _sign_in(page, "demo-county_bureau", teacher=False)
    tab_to(page, page.get_by_test_id("nav-course.review"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/course/review/?$"))
    row = page.get_by_test_id("review-row").filter(has_text=code)
    tab_to(page, row.get_by_test_id("open-course"))
    page.keyboard.press("Enter")
    detail = page.get_by_test_id("review-detail")
    expect(detail).to_contain_text(title)
    tab_to(page, detail.get_by_test_id("decide-approve"))
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("notice")).to_contain_text("已審核通過")
    expect(page.get_by_test_id("review-row").filter(has_text=code)).to_have_count(0)
    assert _focus_is_in_the_page(page)
