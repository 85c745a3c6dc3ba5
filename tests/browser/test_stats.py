"""Statistics journeys on the production build: the Ministry drills from the country to a county to a
school with a filter and downloads Excel; a county bureau stays inside its county; a school's own dashboard."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot, sign_in


def _signed_in(page: Page, username: str) -> None:
    sign_in(page, username)
    page.wait_for_url(re.compile(r"/home/?$"))


def _number(page: Page, testid: str) -> int:
    return int(page.get_by_test_id(testid).inner_text().replace(",", ""))


def test_moe_drills_from_the_country_to_a_school_filters_and_downloads(page: Page):
    _signed_in(page, "demo-moe")
    page.goto("/stats/national?year=114")
    expect(page.get_by_test_id("scope-title")).to_have_text("全國")
    expect(page.get_by_test_id("table-area")).to_contain_text("臺北市")
    national = _number(page, "total-participants")
    assert national > 0
    expect(page.get_by_test_id("chart-area").locator(".main-svg").first).to_be_visible()
    screenshot(page, "stats-national")

    # A click on the county's bar drills down (plotly delivers the point to the server).
    bar = page.get_by_test_id("chart-area").locator("g.point path").first
    page.get_by_test_id("chart-area").scroll_into_view_if_needed()
    box = bar.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    # Plotly turns a click into a point from the hover it computed on the preceding mouse move.
    page.mouse.move(x, y)
    expect(page.locator(".hoverlayer .hovertext").first).to_be_visible()
    page.mouse.click(x, y)
    page.wait_for_url(re.compile(r"/stats/national/?\?.*county="))
    expect(page.get_by_test_id("breadcrumb")).to_contain_text("全國")
    county_total = _number(page, "total-participants")
    assert 0 < county_total <= national
    county_name = page.get_by_test_id("scope-title").inner_text()
    screenshot(page, "stats-county-drill")

    page.get_by_test_id("table-area").get_by_test_id("drill-link").first.click()
    page.wait_for_url(re.compile(r"/stats/national/?\?.*unit="))
    expect(page.get_by_test_id("breadcrumb")).to_contain_text(county_name)
    school_total = _number(page, "total-participants")
    assert 0 < school_total <= county_total

    # Back up by the breadcrumb, then narrow to one course kind.
    page.get_by_test_id("crumb").first.click()
    page.wait_for_url(re.compile(r"/stats/national/?\?(?!.*unit=)(?!.*county=)"))
    expect(page.get_by_test_id("scope-title")).to_have_text("全國")
    page.get_by_test_id("filter-kind").select_option("workshop")
    page.get_by_test_id("filter-apply").click()
    page.wait_for_url(re.compile(r"kind=workshop"))
    expect(page.get_by_test_id("table-kind")).to_contain_text("工作坊")
    expect(page.get_by_test_id("table-kind")).not_to_contain_text("線上課程")
    filtered = _number(page, "total-participants")
    assert filtered < national

    with page.expect_download() as download:
        page.get_by_test_id("download-area").click()
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    sheet = book.worksheets[0]
    assert "工作坊" in sheet["A1"].value and "全國" in sheet["A1"].value
    assert [c.value for c in sheet[2]][:2] == ["縣市", "辦理場次"]
    totals = [r for r in sheet.iter_rows(min_row=3, values_only=True) if r[0] == "合計"]
    assert totals and totals[0][3] == filtered
    screenshot(page, "stats-national-filtered")


def test_a_county_bureau_sees_its_county_and_cannot_reach_another(page: Page):
    _signed_in(page, "demo-county_bureau")
    page.goto("/stats/county?year=114")
    expect(page.get_by_test_id("scope-title")).to_have_text("臺北市")
    expect(page.get_by_test_id("table-area")).to_be_visible()
    assert _number(page, "total-participants") > 0
    screenshot(page, "stats-county-bureau")
    page.goto("/stats/county?year=114&county=KHH")
    expect(page.get_by_test_id("forbidden")).to_be_visible()
    expect(page.get_by_test_id("table-area")).to_have_count(0)
    page.goto("/stats/national")
    expect(page.get_by_test_id("forbidden")).to_be_visible()


def test_a_school_sees_its_own_dashboard(page: Page):
    _signed_in(page, "demo-school")
    page.goto("/stats/school?year=114")
    expect(page.get_by_test_id("scope-title")).to_contain_text("和平國民小學")
    expect(page.get_by_test_id("compliance-table")).to_be_visible()
    expect(page.get_by_test_id("table-kind")).to_be_visible()
    assert _number(page, "total-participants") > 0
    expect(page.get_by_test_id("table-area")).to_have_count(0)
    screenshot(page, "stats-school")
