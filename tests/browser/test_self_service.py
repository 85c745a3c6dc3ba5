"""Login details and the three self-service pages, driven through Chromium on the production build."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import DEMO_PASSWORD, screenshot, sign_in


def _open_from_the_menu(page: Page, username: str, nav_key: str) -> None:
    """Sign in, land on the dashboard, then follow the sidebar link `nav-<nav_key>`."""
    sign_in(page, username)
    page.wait_for_url(re.compile(r"/home/?$"))
    page.get_by_test_id(f"nav-{nav_key}").click()


def _change_password(page: Page, current: str, new: str) -> None:
    page.fill("#field-current", current)
    page.fill("#field-new", new)
    page.fill("#field-confirm", new)
    page.get_by_test_id("save").click()


def test_wrong_password_shows_the_generic_message_and_keeps_the_username(page: Page):
    sign_in(page, "demo-school-contact", "not-the-password")
    expect(page.get_by_test_id("login-message")).to_contain_text("帳號或密碼錯誤")
    expect(page.locator("#login-username")).to_have_value("demo-school-contact")
    screenshot(page, "login-wrong-password")


def test_teacher_signs_in_on_the_teacher_tab_and_sees_a_masked_id(page: Page):
    sign_in(page, "A123456789", teacher_tab=True)
    page.wait_for_url(re.compile(r"/home/?$"))
    expect(page.get_by_test_id("dashboard-role")).to_contain_text("A12****789")
    expect(page.locator("body")).not_to_contain_text("A123456789")


def test_session_cookie_is_http_only_and_invisible_to_scripts(page: Page):
    sign_in(page, "demo-moe")
    page.wait_for_url(re.compile(r"/home/?$"))
    cookie = next(c for c in page.context.cookies() if c["name"] == "tpd_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and len(cookie["value"]) >= 43
    assert "tpd_session" not in page.evaluate("document.cookie")


def test_protected_page_sends_to_login_and_back_after_sign_in(page: Page):
    page.goto("/profile")
    page.wait_for_url(re.compile(r"/login/?\?next=/profile"))
    expect(page.get_by_test_id("login-message")).to_contain_text("請重新登入")
    expect(page.get_by_test_id("hydrated")).to_be_attached()
    page.fill("#login-username", "demo-social_ed_org")
    page.fill("#login-password", DEMO_PASSWORD)
    page.press("#login-password", "Enter")
    page.wait_for_url(re.compile(r"/profile/?$"))
    expect(page.get_by_test_id("profile-login")).to_have_text("demo-social_ed_org")


def test_profile_errors_keep_what_was_typed_and_a_fix_is_saved(page: Page):
    _open_from_the_menu(page, "demo-subject_center", "profile.edit")
    expect(page.locator("#field-email")).to_have_value("demo-subject_center@demo.tpd.edu.tw")
    page.fill("#field-title", "學科中心專任助理")
    page.fill("#field-email", "not-an-email")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("error-email")).to_contain_text("電子郵件格式不正確")
    expect(page.locator("#field-title")).to_have_value("學科中心專任助理")
    screenshot(page, "profile-validation")
    page.fill("#field-email", "math-center@demo.tpd.edu.tw")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("notice")).to_contain_text("已儲存")
    page.reload()
    expect(page.locator("#field-title")).to_have_value("學科中心專任助理")
    expect(page.locator("#field-email")).to_have_value("math-center@demo.tpd.edu.tw")


def test_unit_contact_data_is_saved_and_its_page_is_not_a_placeholder(page: Page):
    _open_from_the_menu(page, "demo-experimental_org", "unit.contact")
    expect(page.get_by_test_id("unit-name")).to_have_text("臺北市自主學習實驗教育機構")
    page.fill("#field-website", "ftp://nope")
    page.fill("#field-contact_name", "謝承翰")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("error-website")).to_be_visible()
    page.fill("#field-website", "https://self-learning.example.tw")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("notice")).to_contain_text("本單位通訊資料已儲存")
    screenshot(page, "unit-contact-saved")


def test_every_function_of_the_national_centre_opens_a_real_page(page: Page):
    """No page is a placeholder: each allowed function renders its page, never a refusal."""
    sign_in(page, "demo-national_center")
    page.wait_for_url(re.compile(r"/home/?$"))
    expect(page.get_by_test_id("nav-profile.edit")).to_be_visible()
    hrefs = page.eval_on_selector_all("[data-testid^='nav-']", "els => els.map(e => e.getAttribute('href'))")
    assert len(hrefs) >= 15
    for href in hrefs:
        page.goto(href)
        expect(page.get_by_test_id("hydrated")).to_be_attached()
        expect(page.locator("main h1")).to_be_visible()
        expect(page.get_by_test_id("forbidden")).to_have_count(0)
        expect(page.get_by_test_id("loading")).to_have_count(0)


def test_password_change_then_sign_in_with_the_new_one(page: Page):
    _open_from_the_menu(page, "demo-teacher_ed_university", "profile.password")
    expect(page.locator("#field-current")).to_be_visible()
    _change_password(page, "wrong-current-1", "brand-new-pass-7")
    expect(page.get_by_test_id("error-current")).to_contain_text("目前密碼不正確")
    _change_password(page, DEMO_PASSWORD, "brand-new-pass-7")
    expect(page.get_by_test_id("notice")).to_contain_text("密碼已變更")
    page.get_by_test_id("logout").click()
    page.wait_for_url(re.compile(r"/login"))
    sign_in(page, "demo-teacher_ed_university", "brand-new-pass-7")
    page.wait_for_url(re.compile(r"/home/?$"))
    # Put the demo password back for anyone using the demo afterwards.
    page.goto("/profile/password")
    expect(page.get_by_test_id("hydrated")).to_be_attached()
    expect(page.locator("#field-current")).to_be_visible()
    _change_password(page, "brand-new-pass-7", DEMO_PASSWORD)
    expect(page.get_by_test_id("notice")).to_be_visible()


def test_english_is_remembered_after_a_reload(page: Page):
    page.goto("/")
    expect(page.get_by_test_id("hydrated")).to_be_attached()
    page.get_by_test_id("lang-switch").click()
    expect(page.locator("h1")).to_have_text("Teacher In-Service Training Information Network")
    page.reload()
    expect(page.locator("h1")).to_have_text("Teacher In-Service Training Information Network")
    screenshot(page, "home-english")


def test_on_a_phone_the_menu_is_a_drawer(page: Page):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "A123456789", teacher_tab=True)
    page.wait_for_url(re.compile(r"/home/?$"))
    expect(page.get_by_test_id("nav-profile.edit")).to_be_hidden()
    page.get_by_test_id("mobile-menu").click()
    page.get_by_role("dialog").get_by_role("link", name="修改個人基本資料").click()
    page.wait_for_url(re.compile(r"/profile/?$"))
    expect(page.get_by_test_id("profile-login")).to_have_text("A12****789")
    screenshot(page, "phone-teacher-profile")
