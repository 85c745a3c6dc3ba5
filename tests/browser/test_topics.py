"""The national centre keeps the course-topic list; a county bureau cannot."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot, sign_in


def test_national_centre_adds_and_retires_a_topic_and_the_course_form_follows(page: Page):
    sign_in(page, "demo-national_center")
    page.wait_for_url(re.compile(r"/home/?$"))
    page.get_by_test_id("nav-topics").click()
    expect(page.get_by_test_id("topics")).to_contain_text("特殊教育")
    page.fill("#field-code", "Media Literacy")
    page.fill("#field-name_zh", "媒體素養教育")
    page.fill("#field-name_en", "Media literacy")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("error-code")).to_contain_text("代碼須為")
    expect(page.locator("#field-name_zh")).to_have_value("媒體素養教育")
    page.fill("#field-code", "media_literacy")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("notice")).to_contain_text("課程類別已儲存")
    expect(page.get_by_test_id("topics")).to_contain_text("媒體素養教育")
    screenshot(page, "topics-added")

    page.goto("/course/register")
    expect(page.get_by_text("媒體素養教育")).to_be_visible()
    page.goto("/course/topics")
    page.get_by_test_id("retire-media_literacy").click()
    expect(page.get_by_test_id("notice")).to_contain_text("已停用")
    page.goto("/course/register")
    expect(page.get_by_text("特殊教育").first).to_be_visible()
    expect(page.get_by_text("媒體素養教育")).to_have_count(0)


def test_county_bureau_is_refused_the_topic_list(page: Page):
    sign_in(page, "demo-county_bureau")
    page.wait_for_url(re.compile(r"/home/?$"))
    expect(page.get_by_test_id("nav-topics")).to_have_count(0)
    page.goto("/course/topics")
    expect(page.get_by_test_id("forbidden")).to_be_visible()
