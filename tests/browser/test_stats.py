"""Statistics journeys on the production build: the Ministry drills from the country to a county to a
school with a filter and downloads Excel; a county bureau stays inside its county; a school's own dashboard."""

from __future__ import annotations

import io
import re

import psutil
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.browser.conftest import Server, screenshot, sign_in


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


def test_moe_generates_the_annual_report_and_it_matches_the_page(page: Page):
    _signed_in(page, "demo-moe")
    page.goto("/stats/national?year=114")
    expect(page.get_by_test_id("scope-title")).to_have_text("全國")
    expect(page.get_by_test_id("table-area")).to_contain_text("臺北市")
    participants = _number(page, "total-participants")
    taipei = page.get_by_test_id("table-area-row").filter(has_text="臺北市").first.locator("td")
    taipei_participants = int(taipei.nth(2).inner_text().replace(",", ""))
    # The demo data builds in well under a second, so watch for the progress bar rather than poll for it.
    page.evaluate("""() => {
        window.reportProgressSeen = false;
        new MutationObserver(() => {
            if (document.querySelector('[data-testid="report-progress"]')) window.reportProgressSeen = true;
        }).observe(document.body, {childList: true, subtree: true});
    }""")
    with page.expect_download() as download:
        page.get_by_test_id("annual-report").click()
    assert page.evaluate("window.reportProgressSeen")
    expect(page.get_by_test_id("report-progress")).to_have_count(0)
    expect(page.get_by_test_id("annual-report")).to_be_enabled()
    screenshot(page, "stats-annual-report-done")

    assert download.value.suggested_filename == "tpd-annual-report-114.xlsx"
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert book.sheetnames[:2] == ["摘要", "法定研習時數達成情形"]
    assert {"各縣市", "研習性質", "課程類別", "月份", "歷年趨勢"} <= set(book.sheetnames)
    summary = book["摘要"]
    assert "全國" in summary["A1"].value and "114 學年度" in summary["A1"].value
    figures = {r[0]: r[1] for r in summary.iter_rows(min_row=3, values_only=True)}
    assert figures["參與人次"] == participants
    area = {r[0]: r for r in book["各縣市"].iter_rows(min_row=3, values_only=True)}
    assert area["臺北市"][3] == taipei_participants and area["合計"][3] == participants


def test_the_annual_report_is_not_offered_without_the_statistics_function(page: Page):
    _signed_in(page, "demo-subject_center")
    for path in ("/stats/national?year=114", "/stats/school?year=114", "/stats/report?fn=stats.national&year=114"):
        page.goto(path)
        expect(page.get_by_test_id("forbidden")).to_be_visible()
        expect(page.get_by_test_id("annual-report")).to_have_count(0)
        expect(page.get_by_test_id("report-title")).to_have_count(0)
    screenshot(page, "stats-annual-report-forbidden")
    # A county bureau has statistics, but not the national report.
    page.context.clear_cookies()
    _signed_in(page, "demo-county_bureau")
    page.goto("/stats/report?fn=stats.national&year=114")
    expect(page.get_by_test_id("forbidden")).to_be_visible()
    expect(page.get_by_test_id("report-title")).to_have_count(0)


def _export_workers(server: Server) -> list[psutil.Process]:
    """The server's export worker processes (`services.platform.offload`, spawned by multiprocessing)."""
    assert server.process is not None
    children = psutil.Process(server.process.pid).children(recursive=True)
    return [p for p in children if "spawn_main" in " ".join(p.cmdline())]


def test_moe_reads_and_exports_the_statistics_in_english(page: Page):
    """In English the scope, the counties, the months and the periods are English and every export is a
    workbook Excel opens (a sheet named "By county / unit" made the download fail without a word)."""
    _signed_in(page, "demo-moe")
    page.goto("/stats/national?year=114")
    expect(page.get_by_test_id("scope-title")).to_have_text("全國")
    page.get_by_test_id("lang-switch").click()
    expect(page.get_by_test_id("scope-title")).to_have_text("Nationwide")
    expect(page.get_by_test_id("breadcrumb")).to_have_count(0)  # the home scope: nothing wider to go back to
    expect(page.get_by_test_id("table-area-row")).to_have_count(22)
    expect(page.get_by_test_id("table-area")).to_contain_text("Lienchiang County")
    expect(page.get_by_test_id("compliance-table")).to_contain_text("Calendar year 114 (2025)")
    page.get_by_test_id("chart-area").scroll_into_view_if_needed()
    expect(page.get_by_test_id("chart-area").locator(".xtitle")).to_have_text("County")
    screenshot(page, "stats-national-en")

    labels: dict[str, list[str]] = {}
    for table, sheet_name in (("area", "By county"), ("month", "By month"), ("topic", "By topic")):
        with page.expect_download() as download:
            page.get_by_test_id(f"download-{table}").click()
        book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
        assert book.sheetnames == [sheet_name]
        sheet = book.worksheets[0]
        assert "Scope: Nationwide" in sheet["A1"].value and "School year 114 (2025–26)" in sheet["A1"].value
        assert sheet["B2"].value == "Courses held"
        labels[table] = [str(r[0]) for r in sheet.iter_rows(min_row=3, values_only=True)]
        assert all(label.isascii() for label in labels[table]), labels[table]
    assert len(labels["area"]) == 23 and labels["area"][-1] == "Total"
    assert labels["month"][0] == "2025-08" and labels["month"][-1] == "Total"
    assert "Total" not in labels["topic"]  # a course counts under each of its topics: they add up to no total

    with page.expect_download() as download:
        page.get_by_test_id("annual-report").click()
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert book.sheetnames[:2] == ["Summary", "Compliance"] and "By county" in book.sheetnames
    assert all(len(name) <= 31 and not set(name) & set("[]:*?/\\") for name in book.sheetnames)
    expect(page.get_by_test_id("export-error-report")).to_have_count(0)


def test_a_failed_export_says_so_and_the_next_one_works(page: Page, server: Server):
    """The export runs in a worker process; if that process dies (the operating system killed it for
    memory, say), the download fails: the page says so beside the button, in the viewer's language, and
    hands out no file; the next download gets a fresh worker and works."""
    _signed_in(page, "demo-county_bureau")
    page.goto("/stats/county?year=114")
    expect(page.get_by_test_id("scope-title")).to_have_text("臺北市")
    expect(page.get_by_test_id("breadcrumb")).to_have_count(0)
    expect(page.get_by_test_id("filter-from")).to_be_visible()  # a county keeps months
    with page.expect_download():
        page.get_by_test_id("download-kind").click()
    workers = _export_workers(server)
    assert workers, "the export ran in no worker process"
    for worker in workers:
        worker.kill()
        worker.wait(timeout=10)

    downloads: list[object] = []
    page.on("download", lambda d: downloads.append(d))
    page.get_by_test_id("download-kind").click()
    message = page.get_by_test_id("export-error-kind")
    expect(message).to_be_visible()
    expect(message).to_contain_text("Excel 檔案未能產生，沒有下載任何檔案")
    expect(message).to_have_attribute("role", "alert")
    page.wait_for_timeout(1000)
    assert downloads == []
    screenshot(page, "stats-export-failed")

    with page.expect_download() as download:
        page.get_by_test_id("download-kind").click()
    assert load_workbook(io.BytesIO(download.value.path().read_bytes())).sheetnames == ["研習性質"]
    expect(message).to_have_count(0)


def test_a_schools_dashboard_offers_no_month_range_and_names_its_scope_once(page: Page):
    _signed_in(page, "demo-school")
    page.goto("/stats/school?year=114&from=2026-01&to=2026-03")
    expect(page.get_by_test_id("scope-title")).to_have_text("臺北市大安區和平國民小學")
    expect(page.get_by_role("heading", name="臺北市大安區和平國民小學", exact=True)).to_have_count(0)  # h1 only
    expect(page.get_by_test_id("filter-from")).to_have_count(0)
    with page.expect_download() as download:
        page.get_by_test_id("download-kind").click()
    title = load_workbook(io.BytesIO(download.value.path().read_bytes())).worksheets[0]["A1"].value
    assert "月份區間" not in title and "114 學年度" in title
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "stats-school-390")
