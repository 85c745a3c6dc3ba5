"""最新消息 on the production build (issue 18): the national centre publishes an announcement with a file on its
page and a visitor reads it from the home page and downloads the file; what the body holds is shown as text;
a county's announcement reaches its own schools' accounts, never a visitor."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from playwright.sync_api import Page, expect
from sqlmodel import Session, col, create_engine, select

from tests.browser.conftest import Server, screenshot, sign_in
from tpd_app.domain.timeutil import taipei_today
from tpd_app.models import Teacher, Unit

TAIPEI_NEWS = "臺北市 115 年度特殊教育知能研習辦理通知"
PDF = b"%PDF-1.7\n% TPD 115 winter courses\n" + b"0" * 2048


def test_the_national_centre_publishes_and_a_visitor_reads_it(page: Page, server: Server):
    sign_in(page, "demo-national_center")
    page.wait_for_url(re.compile(r"/home/?$"))
    page.get_by_test_id("nav-announcements").click()
    page.wait_for_url(re.compile(r"/portal/announcements/?$"))
    expect(page.locator("main h1")).to_contain_text("最新消息管理")
    page.get_by_test_id("save").click()  # nothing filled in: each field says what is missing
    expect(page.get_by_test_id("error-title")).to_contain_text("必填")
    expect(page.get_by_test_id("error-body")).to_be_visible()
    page.locator("#field-title").fill("寒假研習報名提醒")
    page.locator("#field-category").select_option("courses")
    page.locator("#field-body").fill("寒假研習**即日起**開放報名。\n\n<script>alert('x')</script>\n\n"
                                     "[研習課程查詢](https://tpd.example.edu.tw/courses)")
    page.locator("#field-pinned").check()
    page.locator("#field-intent").select_option("publish")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("notice")).to_contain_text("消息已發布")
    row = page.get_by_test_id("announcement-row").filter(has_text="寒假研習報名提醒")
    expect(row).to_contain_text("上架中")
    # Its files can be added at once; the bytes are checked on the server.
    expect(page.get_by_test_id("files-of")).to_contain_text("寒假研習報名提醒")
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "寒假研習簡章.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.get_by_test_id("file-upload").click()
    expect(page.get_by_test_id("announcement-file")).to_have_text("寒假研習簡章.pdf")
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "偽裝.pdf", "mimeType": "application/pdf", "buffer": b"<html><script>1</script>"}])
    page.get_by_test_id("file-upload").click()
    expect(page.get_by_test_id("file-error")).to_have_text("檔案內容與副檔名不符。")
    expect(page.get_by_test_id("announcement-file")).to_have_count(1)
    screenshot(page, "portal-announcements-admin")
    page.get_by_test_id("logout").click()
    page.wait_for_url(re.compile(r"/login"))

    page.goto("/")
    news = page.get_by_test_id("home-news")
    expect(news.get_by_test_id("news-item").first).to_contain_text("寒假研習報名提醒")  # pinned: first
    expect(news).not_to_contain_text(TAIPEI_NEWS)  # a county's news is for its own jurisdiction
    screenshot(page, "home-news")
    news.get_by_role("link", name="寒假研習報名提醒").click()
    page.wait_for_url(re.compile(r"/news/\d+/?$"))
    expect(page.get_by_test_id("news-title")).to_have_text("寒假研習報名提醒")
    body = page.get_by_test_id("news-body")
    expect(body.locator("strong")).to_have_text("即日起")
    expect(body).to_contain_text("<script>alert('x')</script>")  # shown as text, never run
    expect(body.locator("script")).to_have_count(0)
    expect(body.get_by_role("link", name="研習課程查詢")).to_have_attribute("rel", "noopener noreferrer nofollow")
    file = page.get_by_test_id("news-file")
    expect(file).to_contain_text("寒假研習簡章.pdf")
    download = page.request.get(file.get_attribute("href") or "")
    assert download.ok and download.body() == PDF  # a visitor downloads it, not signed in
    screenshot(page, "news-item")
    page.goto("/news?category=rules")
    expect(page.get_by_test_id("news-item")).to_have_count(1)
    expect(page.get_by_test_id("news-category-rules")).to_have_attribute("aria-current", "page")


def test_a_county_announcement_reaches_its_own_schools(page: Page, server: Server):
    page.goto("/news")
    expect(page.get_by_test_id("news-item").first).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(TAIPEI_NEWS)
    sign_in(page, "demo-school")
    page.wait_for_url(re.compile(r"/home/?$"))
    page.goto("/news")
    expect(page.get_by_test_id("news-item").filter(has_text=TAIPEI_NEWS)).to_have_count(1)


def test_a_visitor_finds_an_answer_in_the_faq_and_says_it_helped(page: Page, server: Server):
    sign_in(page, "demo-national_center")
    page.wait_for_url(re.compile(r"/home/?$"))
    page.get_by_test_id("nav-faq").click()
    page.wait_for_url(re.compile(r"/portal/faq/?$"))
    page.locator("#field-question").fill("研習證明可以列印嗎？")
    page.locator("#field-category").select_option("hours")
    page.locator("#field-answer").fill("可以。於「研習紀錄」按**列印**，或下載 PDF。")
    page.locator("#field-published").check()
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("notice")).to_contain_text("問題已儲存")
    expect(page.get_by_test_id("faq-row").filter(has_text="研習證明可以列印嗎？")).to_contain_text("公開")
    page.get_by_test_id("logout").click()
    page.wait_for_url(re.compile(r"/login"))

    page.goto("/")
    page.locator("main").get_by_role("link", name="問答集").click()
    page.wait_for_url(re.compile(r"/faq/?$"))
    expect(page.get_by_test_id("faq-entry").first).to_be_visible()  # the page has its questions
    page.locator("#faq-q").fill("列印")
    page.get_by_test_id("faq-search").click()
    page.wait_for_url(re.compile(r"/faq\?q="))
    entries = page.get_by_test_id("faq-entry")
    expect(entries).to_have_count(1)
    entries.first.locator("summary").click()
    expect(entries.first.locator("strong")).to_have_text("列印")
    entries.first.get_by_role("button", name="有幫助", exact=True).click()
    expect(entries.first.get_by_test_id("faq-thanks")).to_be_visible()
    screenshot(page, "faq")
    page.goto("/faq?q=不存在的字詞")
    expect(page.get_by_test_id("faq-empty")).to_be_visible()


def _a_teacher_of_long_standing(server: Server) -> str:
    """A demo school's teacher whose account is years old (demo accounts are made with the demo data)."""
    with Session(create_engine(server.db_url)) as s:
        school = s.exec(select(Unit.id).where(Unit.code == "353601")).one()
        teacher = s.exec(select(Teacher).where(Teacher.school_unit_id == school,
                                               Teacher.national_id != "A123456789")
                         .order_by(col(Teacher.id))).first()
        assert teacher is not None
        teacher.created_at = datetime(2020, 8, 1, tzinfo=UTC)
        s.add(teacher)
        s.commit()
        return teacher.national_id


def _publish(page: Page, draft) -> None:
    """Press the draft's 公布 and confirm it in the dialog (once the dialog is open)."""
    draft.get_by_role("button", name="公布").click()
    confirm = page.locator("[data-testid^=publish-rule-][data-testid$=-confirm]")
    expect(confirm).to_be_visible()
    confirm.click()
    expect(confirm).to_have_count(0)


def test_a_new_version_of_the_usage_rules_is_shown_once_to_those_it_changes_for(page: Page, server: Server):
    login = _a_teacher_of_long_standing(server)
    sign_in(page, "demo-national_center")
    page.wait_for_url(re.compile(r"/home/?$"))
    page.get_by_test_id("nav-rules").click()
    page.wait_for_url(re.compile(r"/portal/rules/?$"))
    expect(page.get_by_test_id("rule-row").first).to_be_visible()
    page.get_by_test_id("new-rule-usage").click()
    expect(page.locator("#field-body")).to_have_value(re.compile("六、使用者有疑義時"))  # from the newest version
    page.locator("#field-body").fill(page.locator("#field-body").input_value() + "\n\n七、本要點自公布日施行。")
    page.locator("#field-effective_on").fill(taipei_today().isoformat())
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("notice")).to_contain_text("草稿已儲存")
    draft = page.get_by_test_id("rule-row").filter(has_text="草稿")
    _publish(page, draft)
    expect(page.get_by_test_id("form-error")).to_contain_text("請填寫修正重點")  # a new version says what changed
    draft.get_by_role("button", name="編輯").click()
    expect(page.locator("form input[name=id]")).not_to_have_value("")  # the form holds the draft: then type
    page.locator("#field-changes").fill("新增第七點：施行日期。")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("notice")).to_contain_text("草稿已儲存")
    _publish(page, draft)
    expect(page.get_by_test_id("notice")).to_contain_text("已公布")
    expect(page.get_by_test_id("rule-row").filter(has_text="現行").filter(has_text="使用管理要點")).to_contain_text("3")
    page.get_by_test_id("logout").click()
    page.wait_for_url(re.compile(r"/login"))

    sign_in(page, login, teacher_tab=True)
    page.wait_for_url(re.compile(r"/home/?$"))
    notice = page.get_by_test_id("rule-notice")
    expect(notice).to_have_count(1)
    expect(notice).to_contain_text("第 3 版")
    expect(notice).to_contain_text("新增第七點")
    screenshot(page, "rule-notice")
    page.get_by_test_id("rule-notice-ok-usage").click()
    expect(notice).to_have_count(0)
    page.reload()
    expect(page.get_by_test_id("work-queue")).to_be_visible()
    expect(page.get_by_test_id("rule-notice")).to_have_count(0)  # once

    page.goto("/rules/usage")
    expect(page.get_by_test_id("rule-title")).to_have_text("全國教師在職進修資訊網使用管理要點")
    expect(page.get_by_test_id("rule-body")).to_contain_text("七、本要點自公布日施行。")
    expect(page.get_by_test_id("rule-version")).to_have_count(3)
    page.get_by_test_id("rule-version").filter(has_text="已停止適用").first.get_by_test_id("rule-version-link").click()
    expect(page.get_by_test_id("rule-not-current")).to_be_visible()
    screenshot(page, "rule-old-version")


def test_a_teacher_watches_the_guide_for_her_page_with_captions(page: Page, server: Server):
    sign_in(page, "A123456789", teacher_tab=True)
    page.wait_for_url(re.compile(r"/home/?$"))
    page.goto("/me/register")
    page.get_by_test_id("page-guide").click()
    page.wait_for_url(re.compile(r"/guides\?page="))
    guide = page.get_by_test_id("guide")
    expect(guide).to_have_count(1)
    expect(guide).to_contain_text("如何報名研習")
    video = guide.get_by_test_id("guide-video")
    expect(video.locator("track[kind=captions]")).to_have_count(1)
    video.evaluate("v => { v.muted = true; return v.play(); }")
    page.wait_for_function("() => document.querySelector('[data-testid=guide-video]').currentTime > 2.5")
    cues = video.evaluate("v => Array.from(v.textTracks[0].cues || []).map(c => c.text)")
    assert cues[0].startswith("1. 登入")  # the captions loaded and the video plays
    guide.get_by_text("逐字稿").click()
    expect(guide.get_by_test_id("guide-transcript")).to_contain_text("研習課程查詢")
    screenshot(page, "guides")
    page.goto("/guides?for=schools")
    expect(page.get_by_test_id("guide")).to_have_count(1)
    expect(page.get_by_test_id("guide")).to_contain_text("辦理單位：登錄研習課程")
