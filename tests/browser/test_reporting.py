"""Back-end reporting on the production build (issue 17): the national centre sets a county to report
back-end, the county bureau makes an API client on its page and sees the token once, its system calls the
running app's API with it, and a revoked client is refused."""

from __future__ import annotations

import re
import subprocess
import sys
import urllib.error
import urllib.request

from playwright.sync_api import Page, expect

from tests.browser.conftest import Server, screenshot, sign_in


def _me(server: Server, token: str) -> int:
    request = urllib.request.Request(f"{server.url}/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_county_gets_a_token_once_and_its_system_uses_it_until_revoked(page: Page, server: Server):
    sign_in(page, "demo-national_center")
    page.wait_for_url(re.compile(r"/home/?$"))
    page.goto("/reporting/modes")
    expect(page.locator("main h1")).to_contain_text("縣市傳報方式")
    page.locator("#field-county").select_option("TPE")
    page.locator("#field-mode").select_option("backend")
    page.get_by_test_id("save-mode").click()
    expect(page.get_by_test_id("notice")).to_contain_text("已儲存")
    expect(page.get_by_test_id("county-mode").filter(has_text="臺北市")).to_contain_text("後端資訊傳報")
    page.get_by_test_id("logout").click()
    page.wait_for_url(re.compile(r"/login"))

    sign_in(page, "demo-county_bureau")
    page.wait_for_url(re.compile(r"/home/?$"))
    page.get_by_test_id("nav-api_clients").click()
    page.wait_for_url(re.compile(r"/reporting/clients/?$"))
    page.get_by_test_id("create-client").click()  # nothing filled in: says what is missing
    expect(page.get_by_text("請至少勾選一項權限範圍")).to_be_visible()
    page.locator("#field-name").fill("臺北市教師研習系統")
    page.get_by_test_id("scope-courses:write").check()
    page.get_by_test_id("scope-attendance:write").check()
    page.get_by_test_id("create-client").click()
    token_box = page.get_by_test_id("api-token")
    expect(token_box).to_contain_text(re.compile(r"^tpd_[0-9a-f]{12}_"))
    token = token_box.inner_text().strip()
    row = page.get_by_test_id("api-client").filter(has_text="臺北市教師研習系統")
    expect(row).to_contain_text("使用中")
    screenshot(page, "reporting-clients")
    assert _me(server, token) == 200
    page.reload()
    expect(page.get_by_test_id("api-client").first).to_be_visible()
    expect(page.get_by_test_id("api-token")).to_have_count(0)  # shown once
    expect(row).to_contain_text("呼叫次數：1")
    key_id = token.split("_")[1]
    page.get_by_test_id(f"revoke-{key_id}").click()
    page.get_by_test_id(f"revoke-{key_id}-confirm").click()
    expect(page.get_by_test_id("notice")).to_contain_text("已停用")
    expect(row).to_contain_text("已停用")
    assert _me(server, token) == 401


def _county_system(server: Server) -> tuple[str, str, list[str]]:
    """Taipei set to report back-end and a client of its bureau: (token, a school's code, two of its IDs)."""
    from sqlmodel import Session, col, create_engine, select

    from tpd_app.models import BusinessAccount, Teacher, Unit
    from tpd_app.services.accounts.auth import actor_for_account
    from tpd_app.services.reporting import clients, modes

    with Session(create_engine(server.db_url), expire_on_commit=False) as s:
        def actor(login: str):
            account = s.exec(select(BusinessAccount).where(BusinessAccount.username == login)).one()
            return actor_for_account(account, s.get(Unit, account.unit_id))

        modes.set_mode(s, actor("demo-national_center"), {"county": "TPE", "mode": "backend"})
        bureau = actor("demo-county_bureau")
        _, token = clients.create_client(s, bureau, {"name": "CSV 範例", "scopes": ["courses:write",
                                                                                   "attendance:write"]})
        school = s.exec(select(Unit).where(Unit.reviewer_id == bureau.unit.id, Unit.type == "school")
                        .order_by(col(Unit.id))).first()
        ids = [t for t in s.exec(select(Teacher.national_id).where(Teacher.school_unit_id == school.id)).all()][:2]
        s.commit()
    assert len(ids) == 2
    return token, school.code, ids


def _push_csv(server: Server, folder, token: str, key: str, school_code: str, ids: list[str],
              second_hours: str) -> subprocess.CompletedProcess:
    """`examples/county_client.py` as a county engineer runs it, on one course and its list (with a wrong ID)."""
    from datetime import timedelta

    from tpd_app.domain.timeutil import taipei_today

    day = (taipei_today() - timedelta(days=5)).isoformat()
    (folder / "courses.csv").write_text(
        "external_id,organizer_code,title,kind,hours,capacity,topics,audience_levels,day,start,end,lecturer,venue,"
        "contact_name,contact_phone,contact_email\n"
        f"{key},{school_code},縣市系統研習,lecture,3,30,special_ed,elementary,{day},13:30,16:30,林教授,研習中心,"
        "張承辦,02-27256789,tp@example.edu.tw\n", encoding="utf-8")
    (folder / "attendance.csv").write_text(
        f"external_id,national_id,hours\n{key},{ids[0]},\n{key},{ids[1]},{second_hours}\n{key},A123456788,\n",
        encoding="utf-8")
    return subprocess.run([sys.executable, "examples/county_client.py", "--url", server.url, "--token", token,
                           "--courses", str(folder / "courses.csv"), "--attendance", str(folder / "attendance.csv")],
                          capture_output=True, text=True, timeout=60, check=False)


def test_the_sample_county_client_pushes_a_month_from_csv_to_the_running_app(server: Server, tmp_path):
    """`examples/county_client.py` as a county engineer runs it: courses and lists from CSV files, every item
    answered; a wrong ID is refused by row while the rest of the list is kept."""
    from sqlmodel import Session, create_engine, select

    from tpd_app.domain.timeutil import taipei_today
    from tpd_app.models import AttendanceEntry, AttendanceList, ReportedCourse

    token, school_code, ids = _county_system(server)
    run = _push_csv(server, tmp_path, token, "CSV-1", school_code, ids, "1.5")
    assert run.returncode == 1, run.stdout + run.stderr  # one row refused
    assert "course CSV-1: created as" in run.stdout
    assert "list CSV-1: created, 2 accepted, 1 refused" in run.stdout
    assert "row 3 A12****788" in run.stdout
    with Session(create_engine(server.db_url)) as s:
        link = s.exec(select(ReportedCourse).where(ReportedCourse.external_id == "CSV-1")).one()
        roster = s.exec(select(AttendanceList).where(AttendanceList.course_id == link.course_id)).one()
        assert roster.status == "submitted" and roster.reported_month == taipei_today().isoformat()[:7]
        assert sorted(e.minutes for e in s.exec(select(AttendanceEntry).where(
            AttendanceEntry.list_id == roster.id)).all()) == [90, 180]


def test_the_county_sees_its_month_and_what_changed_since_it_last_looked(page: Page, server: Server, tmp_path):
    from tpd_app.domain.timeutil import taipei_today

    token, school_code, ids = _county_system(server)
    assert _push_csv(server, tmp_path, token, "CSV-M", school_code, ids, "2").returncode == 1
    month = taipei_today().isoformat()[:7]
    sign_in(page, "demo-county_bureau")
    page.wait_for_url(re.compile(r"/home/?$"))
    page.goto("/reporting/months")
    expect(page.get_by_test_id("month-heading")).to_be_visible()
    page.locator("#field-month").fill(month)
    page.get_by_test_id("show-month").click()
    expect(page.get_by_test_id("month-heading")).to_contain_text(month)
    expect(page.get_by_test_id("month-list").first).to_be_visible()
    expect(page.get_by_test_id("month-rejection").filter(has_text="CSV-M")).to_be_visible()
    # The county's system sends the list again with other hours; the page says what changed since.
    assert _push_csv(server, tmp_path, token, "CSV-M", school_code, ids, "1").returncode == 1
    page.get_by_test_id("show-month").click()
    changes = page.get_by_test_id("month-changes")
    expect(changes).to_contain_text("此後重新傳送或新增的名單：1")
    expect(changes).to_contain_text("此後新退回的項目：1")
    expect(page.get_by_test_id("month-list").filter(has_text="有異動")).to_have_count(1)
    expect(page.get_by_test_id("month-rejection").filter(has_text="CSV-M").filter(has_text="新")).to_have_count(1)
    screenshot(page, "reporting-month-changes")
