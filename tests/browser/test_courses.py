"""Course journeys on the production build: register, return, resubmit, approve, find in the catalogue;
auto-review and revocation; the 14-day rule; another county's reviewer."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from playwright.sync_api import Page, expect

from tests.browser.conftest import Server, screenshot, sign_in
from tpd_app.domain.timeutil import taipei_today

PDF = b"%PDF-1.4\n% demo timetable\n"


def _signed_in(page: Page, username: str) -> None:
    sign_in(page, username)
    page.wait_for_url(re.compile(r"/home/?$"))


def _sign_out(page: Page) -> None:
    page.get_by_test_id("logout").click()
    page.wait_for_url(re.compile(r"/login"))


def _fill_course(page: Page, title: str, *, days_ahead: int = 30, kind: str = "lecture") -> None:
    page.goto("/course/register")
    expect(page.locator("#field-title")).to_be_visible()
    first = taipei_today() + timedelta(days=days_ahead)
    page.fill("#field-title", title)
    page.select_option("#field-kind", kind)
    page.fill("#field-hours", "3")
    page.fill("#field-capacity", "40")
    page.get_by_test_id("topic-special_ed").check()
    page.get_by_test_id("level-elementary").check()
    page.get_by_test_id("session-day-0").fill(first.isoformat())
    page.get_by_test_id("session-start-0").fill("13:30")
    page.get_by_test_id("session-end-0").fill("16:30")
    page.get_by_test_id("session-lecturer-0").fill("陳怡安教授")
    page.fill("#field-venue", "和平國小視聽教室")
    page.fill("#field-contact_name", "鄭志豪")
    page.fill("#field-contact_phone", "02-27325678")
    page.fill("#field-contact_email", "op@demo.tpd.edu.tw")


def _submit_new_course(page: Page, title: str, **kwargs) -> str:
    _fill_course(page, title, **kwargs)
    page.get_by_test_id("submit-course").click()
    page.wait_for_url(re.compile(r"/course/manage/?\?saved="))
    notice = page.get_by_test_id("notice")
    expect(notice).to_contain_text("課程代碼")
    expect(notice).to_contain_text(re.compile("已送審至臺北市政府教育局|已核准並刊登於課程總表"))  # where it went
    return re.search(r"\d{9}", notice.inner_text()).group(0)


def _row(page: Page, testid: str, code: str):
    return page.get_by_test_id(testid).filter(has_text=code)


def test_register_return_resubmit_approve_then_find_it_in_the_catalogue(page: Page, server: Server):
    token = "Zq" + secrets.token_hex(3)
    title = f"特殊教育桌遊融入教學研習 {token}"
    _signed_in(page, "demo-school-operator")
    code = _submit_new_course(page, title)
    expect(_row(page, "course-row", code).get_by_test_id("status-badge")).to_have_text("待審核")
    screenshot(page, "course-manage-submitted")
    _sign_out(page)

    _signed_in(page, "demo-county_bureau")
    page.goto("/course/review")
    _row(page, "review-row", code).get_by_test_id("open-course").click()
    expect(page.get_by_test_id("review-detail")).to_contain_text(title)
    page.get_by_test_id("decide-return").click()
    expect(page.get_by_test_id("reason-error")).to_have_text("請填寫理由。")
    page.get_by_test_id("review-reason").fill("請補充講師學經歷與研習地點交通資訊。")
    screenshot(page, "course-review-detail")
    page.get_by_test_id("decide-return").click()
    expect(page.get_by_test_id("notice")).to_contain_text("已退回修正")
    _sign_out(page)

    _signed_in(page, "demo-school-operator")
    page.goto("/course/manage")
    row = _row(page, "course-row", code)
    expect(row.get_by_test_id("status-badge")).to_have_text("退回修正")
    expect(row.get_by_test_id("row-reason")).to_contain_text("請補充講師學經歷")
    row.get_by_test_id("edit-course").click()
    expect(page.get_by_test_id("decision-reason")).to_contain_text("請補充講師學經歷")
    expect(page.locator("#field-title")).to_have_value(title)
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "課程表.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.get_by_test_id("attachment-upload").click()
    expect(page.get_by_test_id("attachment-link")).to_have_text("課程表.pdf")
    attachment_url = page.get_by_test_id("attachment-link").get_attribute("href")
    assert page.request.get(attachment_url).body() == PDF
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "惡意.pdf", "mimeType": "application/pdf", "buffer": b"<script>alert(1)</script>"}])
    page.get_by_test_id("attachment-upload").click()
    expect(page.get_by_test_id("attachment-error")).to_have_text("檔案內容與副檔名不符。")
    page.fill("#field-venue", "和平國小視聽教室（捷運信義安和站步行 5 分鐘）")
    page.get_by_test_id("session-lecturer-0").fill("陳怡安教授（國立臺灣師範大學特殊教育學系）")
    page.get_by_test_id("submit-course").click()
    expect(page.get_by_test_id("notice")).to_contain_text("已送審至臺北市政府教育局")
    expect(page.get_by_test_id("status-badge").first).to_have_text("待審核")
    expect(page.get_by_test_id("decision-reason")).to_have_count(0)  # the return reason is no longer current
    expect(page.locator("body")).to_contain_text("退回後重新送審")  # the history marks the resubmission
    screenshot(page, "course-edit-resubmitted")
    _sign_out(page)
    assert page.request.get(attachment_url).status == 404  # not published yet: hidden from the public

    _signed_in(page, "demo-county_bureau")
    page.goto("/course/review")
    _row(page, "review-row", code).get_by_test_id("open-course").click()
    changes = page.get_by_test_id("changes")
    expect(changes).to_contain_text("退回後的修改")
    expect(changes.get_by_test_id("change-row")).to_have_count(2)  # the venue and the sessions, nothing else
    expect(changes.get_by_test_id("change-row").filter(has_text="捷運信義安和站")).to_have_count(1)
    expect(changes.get_by_test_id("change-row").filter(has_text="陳怡安教授")).to_have_count(1)
    screenshot(page, "course-review-changes")
    page.get_by_test_id("decide-approve").click()
    expect(page.get_by_test_id("notice")).to_contain_text("已審核通過")
    expect(_row(page, "review-row", code)).to_have_count(0)
    _sign_out(page)

    page.goto(f"/courses?q={token}")
    result = page.get_by_test_id("catalogue-result")
    expect(result).to_have_count(1)
    expect(result).to_contain_text(title)
    screenshot(page, "catalogue-search")
    page.goto("/courses?q=桌遊融入&county=TPE")
    expect(page.get_by_test_id("catalogue-result").filter(has_text=token)).to_have_count(1)
    page.get_by_test_id("catalogue-result").filter(has_text=token).get_by_role("link").click()
    expect(page.get_by_test_id("course-title")).to_have_text(title)
    expect(page.locator("body")).to_contain_text("捷運信義安和站")
    expect(page.get_by_test_id("attachment-link")).to_have_text("課程表.pdf")
    assert page.request.get(attachment_url).body() == PDF
    screenshot(page, "catalogue-detail")


def test_catalogue_search_form_makes_a_shareable_url(page: Page, server: Server):
    page.goto("/courses")
    expect(page.get_by_test_id("hydrated")).to_be_attached()
    expect(page.get_by_test_id("catalogue-result").first).to_be_visible()
    page.get_by_test_id("catalogue-q").fill("性別平等")
    page.get_by_test_id("catalogue-search").click()
    page.wait_for_url(re.compile(r"/courses/?\?q=%E6%80%A7"))
    expect(page.get_by_test_id("catalogue-result")).to_have_count(1)
    expect(page.get_by_test_id("catalogue-result")).to_contain_text("性別平等教育")
    shared = page.url
    page.goto("/courses?kind=workshop&level=senior_high")
    expect(page.get_by_test_id("catalogue-result").first).to_contain_text("工作坊")
    page.goto(shared)
    expect(page.get_by_test_id("catalogue-result")).to_have_count(1)


def test_auto_review_publishes_at_once_and_the_centre_can_revoke(page: Page, server: Server):
    _signed_in(page, "demo-county_bureau")
    page.goto("/autoreview/settings")
    page.get_by_test_id("mode-selected").check()
    page.get_by_test_id("auto-kind-workshop").check()
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("notice")).to_have_text("自動審核設定已儲存。")
    screenshot(page, "autoreview-settings")
    _sign_out(page)

    token = "Ar" + secrets.token_hex(3)
    title = f"特教輔具實作工作坊 {token}"
    _signed_in(page, "demo-school-operator")
    code = _submit_new_course(page, title, kind="workshop")
    expect(_row(page, "course-row", code).get_by_test_id("status-badge")).to_have_text("自動審核通過")
    page.goto(f"/courses?q={token}")
    expect(page.get_by_test_id("catalogue-result")).to_have_count(1)
    page.goto("/home")
    _sign_out(page)

    _signed_in(page, "demo-county_bureau")
    page.goto("/autoreview/browse")
    row = _row(page, "auto-row", code)
    expect(row).to_contain_text(title)
    screenshot(page, "autoreview-browse")
    row.get_by_test_id("revoke").click()
    page.get_by_test_id("revoke-confirm").click()
    expect(page.get_by_test_id("revoke-error")).to_have_text("請填寫理由。")
    page.get_by_test_id("revoke-reason").fill("講師資格需再確認。")
    page.get_by_test_id("revoke-confirm").click()
    expect(page.get_by_test_id("notice")).to_contain_text("已撤銷自動審核")
    expect(_row(page, "auto-row", code)).to_have_count(0)
    _sign_out(page)

    page.goto(f"/courses?q={token}")
    expect(page.get_by_test_id("catalogue-total")).to_contain_text("0")
    expect(page.get_by_test_id("catalogue-result")).to_have_count(0)


def test_a_late_registration_is_refused_with_its_message_and_nothing_typed_is_lost(page: Page, server: Server):
    _signed_in(page, "demo-school-operator")
    title = "臨時加開的研習 " + secrets.token_hex(3)
    _fill_course(page, title, days_ahead=13)
    page.get_by_test_id("submit-course").click()
    expect(page.get_by_test_id("form-error")).to_contain_text("開始前 14 天登錄")
    expect(page.get_by_test_id("error-sessions")).to_contain_text("14 天")
    expect(page.locator("#field-title")).to_have_value(title)
    expect(page.get_by_test_id("topic-special_ed")).to_be_checked()
    expect(page.get_by_test_id("session-lecturer-0")).to_have_value("陳怡安教授")
    screenshot(page, "course-register-too-late")
    page.get_by_test_id("lang-switch").click()
    expect(page.get_by_test_id("error-sessions")).to_contain_text("14 days")


def test_a_reviewer_from_another_county_never_sees_or_decides_taipei_courses(page: Page, server: Server):
    _signed_in(page, "demo-county_bureau")
    page.goto("/course/review")
    expect(page.get_by_test_id("review-row").first).to_contain_text("和平國民小學")
    _sign_out(page)

    _signed_in(page, "demo-county_bureau-khh")
    page.goto("/course/review")
    expect(page.get_by_test_id("review-empty")).to_be_visible()
    expect(page.get_by_test_id("review-row").filter(has_text="臺北市")).to_have_count(0)
    screenshot(page, "course-review-other-county")
    page.goto("/autoreview/browse")
    expect(page.get_by_test_id("auto-row")).to_have_count(0)


def test_an_operator_cannot_open_the_review_page(page: Page, server: Server):
    _signed_in(page, "demo-school-operator")
    page.goto("/course/review")
    expect(page.get_by_test_id("forbidden")).to_contain_text("權限不足")
