"""來信指教 on the production build (issue 18): a teacher signed in asks about a course of her school, the
organizer finds it in its queue and answers, and the teacher opens her private link from the mail and reads
the answer; what she wrote is shown as text; the page works at 390 px and in English."""

from __future__ import annotations

import re

import sqlalchemy as sa
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import Server, screenshot, sign_in

COURSE = "特殊教育知能研習：融合教育班級經營實務"
SUBJECT = "研習當天可以提早離開嗎？"


def _query(server: Server, sql: str, **params: object) -> list[tuple]:
    engine = sa.create_engine(server.db_url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(sa.text(sql), params))
    finally:
        engine.dispose()


def test_a_teacher_asks_about_a_course_and_the_organizer_answers(page: Page, server: Server, browser: Browser):
    (code,), = _query(server, "SELECT code FROM course WHERE title = :title", title=COURSE)
    sign_in(page, "A123456789", teacher_tab=True)
    page.wait_for_url(re.compile(r"/home/?$"))
    page.goto(f"/help?course={code}")
    expect(page.get_by_test_id("hydrated")).to_be_attached()
    expect(page.locator("#field-name")).to_have_value("林怡君")  # from her account
    expect(page.locator("#field-course_code")).to_have_value(code)
    expect(page.get_by_test_id("topic-course")).to_be_checked()
    page.get_by_test_id("help-submit").click()  # nothing filled in: each field says what is missing
    expect(page.get_by_test_id("error-subject")).to_contain_text("必填")
    page.locator("#field-subject").fill(SUBJECT)
    page.locator("#field-body").fill("第二場我要監考，可以 **15:30** 先離開嗎？\n\n<script>alert('x')</script>")
    page.wait_for_timeout(3_200)  # a person takes a few seconds; the form refuses a faster one
    screenshot(page, "helpdesk-form")
    page.get_by_test_id("help-submit").click()
    number = page.get_by_test_id("help-number")
    expect(number).to_have_text(re.compile(r"^HD\d{3}-\d{6}$"))
    ticket_number = number.inner_text()
    screenshot(page, "helpdesk-sent")
    page.get_by_test_id("logout").click()
    page.wait_for_url(re.compile(r"/login"))

    sign_in(page, "demo-school")
    page.wait_for_url(re.compile(r"/home/?$"))
    page.get_by_test_id("nav-helpdesk").click()
    page.wait_for_url(re.compile(r"/helpdesk/?$"))
    row = page.get_by_test_id("ticket-row").filter(has_text=ticket_number)
    expect(row).to_contain_text(SUBJECT)
    expect(row).to_contain_text("待處理")
    expect(row).to_contain_text("林○君")  # the list names her masked
    row.get_by_role("button", name="開啟").click()
    detail = page.get_by_test_id("ticket-detail")
    expect(detail.get_by_test_id("ticket-email")).to_contain_text("yijun.lin@demo.tpd.edu.tw")
    expect(detail.get_by_test_id("thread-question")).to_contain_text("<script>alert('x')</script>")
    expect(detail.get_by_test_id("thread-question").locator("strong")).to_have_text("15:30")
    screenshot(page, "helpdesk-queue")
    page.locator("#field-reply").fill("可以，請於離開前在簽到表**簽退**，時數依實際參加時間登錄。")
    page.get_by_test_id("reply-submit").click()
    expect(page.get_by_test_id("notice")).to_contain_text("已回覆")
    expect(detail.get_by_test_id("thread-reply")).to_contain_text("簽退")
    expect(row).to_contain_text("已回覆")
    screenshot(page, "helpdesk-answered")

    (body,), = _query(server, "SELECT body FROM outbox_message WHERE to_address = :to AND subject LIKE :subject "
                              "ORDER BY id DESC LIMIT 1", to="yijun.lin@demo.tpd.edu.tw", subject="%回覆%")
    link = re.search(r"https?://\S+/help/ticket\?key=\S+", body).group(0)
    assert link.startswith(server.url)
    for lang, width in (("zh-TW", 1280), ("en", 390)):
        context = browser.new_context(base_url=server.url, viewport={"width": width, "height": 844}, locale="zh-TW")
        asker = context.new_page()
        asker.goto(link[len(server.url):])  # no sign-in: the link is the key
        expect(asker.get_by_test_id("hydrated")).to_be_attached()
        if lang == "en":
            asker.get_by_test_id("lang-switch").first.click()
        expect(asker.get_by_test_id("ticket-subject")).to_contain_text(SUBJECT)
        reply = asker.get_by_test_id("thread-reply")
        expect(reply).to_contain_text("簽退")
        expect(asker.get_by_test_id("thread-question")).to_contain_text("<script>alert('x')</script>")
        expect(asker.locator("main script")).to_have_count(0)
        expect(asker.locator("main")).not_to_contain_text("yijun.lin")  # her e-mail is not on the page
        screenshot(asker, f"helpdesk-asker-{lang}-{width}")
        context.close()


def test_a_visitor_asks_about_the_platform_and_a_broken_link_opens_nothing(page: Page, server: Server):
    page.goto("/faq")
    page.get_by_test_id("faq-help-link").click()
    page.wait_for_url(re.compile(r"/help/?$"))
    expect(page.get_by_test_id("hydrated")).to_be_attached()
    page.get_by_test_id("topic-platform").check()
    expect(page.locator("#field-course_code")).to_have_count(0)
    page.locator("#field-name").fill("訪客甲")
    page.locator("#field-email").fill("visitor@example.com")
    page.locator("#field-subject").fill("網站可以用英文嗎？")
    page.locator("#field-body").fill("想請問網站是否有英文介面。")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "helpdesk-form-390")
    page.set_viewport_size({"width": 1280, "height": 860})
    page.get_by_test_id("help-submit").click()  # at once: refused as too fast, with a clear message
    expect(page.get_by_test_id("form-error")).to_contain_text("送出得太快")
    page.wait_for_timeout(3_200)
    page.get_by_test_id("help-submit").click()
    expect(page.get_by_test_id("help-number")).to_be_visible()
    screenshot(page, "helpdesk-visitor")
    page.goto("/help/ticket?key=1.forged")
    expect(page.get_by_test_id("ticket-invalid")).to_be_visible()
