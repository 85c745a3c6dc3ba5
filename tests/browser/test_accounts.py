"""Journeys of the account chain on the production build: apply → county activates → the chief sets up a
contact and an operator with grants → enters a teacher; a teacher transfer; a school merger."""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import Workbook
from playwright.sync_api import Page, expect
from sqlmodel import Session, create_engine, select

from tests.browser.conftest import Server, screenshot, sign_in
from tpd_app.domain.national_id import check_digit
from tpd_app.domain.timeutil import taipei_today
from tpd_app.models import BusinessAccount, Teacher, TeacherPlacement, Unit


def _db(server: Server) -> Session:
    return Session(create_engine(server.db_url))


def _signed_in(page: Page, username: str, password: str = "tpd-demo-2026") -> None:
    sign_in(page, username, password)
    page.wait_for_url(re.compile(r"/(home|profile/password)/?"))


def _fresh(page: Page) -> None:
    page.context.clear_cookies()


def _open(page: Page, path: str) -> None:
    page.goto(path)
    expect(page.get_by_test_id("hydrated")).to_be_attached()


def _teacher_workbook(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    book.active.append(["身分證字號", "姓名", "出生日期", "電子郵件", "電話"])
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_apply_activate_set_up_accounts_and_enter_a_teacher(page: Page, server: Server, tmp_path: Path):
    _open(page, "/apply")
    page.fill("#unit-search", "興雅")
    page.get_by_test_id("unit-search").click()
    page.get_by_test_id("unit-result").first.click()
    expect(page.get_by_test_id("chosen-unit")).to_contain_text("臺北市信義區興雅國民小學")
    page.fill("#field-username", "xingya-chief")
    page.fill("#field-password", "Xingya-chief-2026")
    page.fill("#field-confirm", "Xingya-chief-2026")
    page.fill("#field-name", "林主任")
    page.fill("#field-title", "教務主任")
    page.fill("#field-email", "chief@xingya.example.edu.tw")
    screenshot(page, "accounts-01-apply")
    page.get_by_test_id("apply-submit").click()
    expect(page.get_by_test_id("applied")).to_contain_text("申請已送出")

    _signed_in(page, "demo-county_bureau")
    _open(page, "/accounts/subordinate")
    expect(page.get_by_test_id("applications")).to_contain_text("xingya-chief")
    expect(page.get_by_test_id("applications")).not_to_contain_text("apply-wufu-chief")
    screenshot(page, "accounts-02-county-queue")
    page.get_by_test_id("approve-xingya-chief").click()
    expect(page.get_by_test_id("approve-xingya-chief-dialog")).to_contain_text("xingya-chief")
    page.get_by_test_id("approve-xingya-chief-confirm").click()
    expect(page.get_by_test_id("notice")).to_contain_text("帳號已啟用")
    expect(page.get_by_test_id("account-xingya-chief")).to_contain_text("總負責人")

    _fresh(page)
    _signed_in(page, "xingya-chief", "Xingya-chief-2026")
    _open(page, "/accounts/unit")
    for username, category in (("xingya-contact", "contact"), ("xingya-operator", "operator")):
        page.select_option("#field-category", category)
        page.fill("#field-username", username)
        page.fill("#field-name", "王" + category)
        page.fill("#field-email", f"{username}@xingya.example.edu.tw")
        page.get_by_test_id("save").click()
        expect(page.get_by_test_id("one-time-password")).to_be_visible()
        expect(page.get_by_test_id(f"account-{username}")).to_be_visible()
    operator_password = page.get_by_test_id("one-time-password").inner_text()
    page.get_by_test_id("grants-xingya-contact").click()
    expect(page.get_by_test_id("grant-editor")).to_be_visible()
    page.get_by_test_id("grant-stats.school").uncheck()
    screenshot(page, "accounts-03-grants")
    page.get_by_test_id("save-grants").click()
    expect(page.get_by_test_id("notice")).to_contain_text("功能權限已更新")
    expect(page.get_by_test_id("account-xingya-contact")).to_contain_text("已調整")
    expect(page.get_by_test_id("account-xingya-chief")).to_contain_text("總負責人異動須向全國推廣中心申請")
    screenshot(page, "accounts-04-own-unit")

    national_id = "A2" + "9876543"
    national_id += check_digit(national_id)
    _open(page, "/teachers/new")
    page.fill("#field-national_id", national_id)
    page.fill("#field-name", "張新師")
    page.fill("#field-birth_date", "1992-04-05")
    page.get_by_test_id("enter-teacher").click()
    expect(page.get_by_test_id("notice")).to_contain_text("教師已新增")
    expect(page.get_by_test_id("one-time-password")).to_be_visible()
    screenshot(page, "accounts-05-teacher-entered")
    bulk_id = "A2" + "9876544"
    bulk_id += check_digit(bulk_id)
    workbook = _teacher_workbook(tmp_path / "teachers.xlsx", [[bulk_id, "批次師", "80/01/02", None, None],
                                                               ["A123456788", "錯號師", None, None, None]])
    page.locator("#teacher-xlsx input[type=file]").set_input_files(str(workbook))
    page.get_by_test_id("import").click()
    expect(page.get_by_test_id("import-summary")).to_contain_text("1 / 1")
    expect(page.get_by_test_id("import-report")).to_contain_text("身分證字號格式或檢查碼不正確")
    screenshot(page, "accounts-05b-import-report")
    _open(page, "/teachers")
    expect(page.get_by_test_id("roster")).to_contain_text("張新師")
    expect(page.get_by_test_id("roster")).to_contain_text("批次師")
    expect(page.get_by_test_id("roster")).not_to_contain_text(national_id)
    screenshot(page, "accounts-06-roster")

    _fresh(page)
    sign_in(page, "xingya-operator", operator_password)
    page.wait_for_url(re.compile(r"/profile/password/?"))
    expect(page.get_by_test_id("hydrated")).to_be_attached()
    page.fill("#field-current", operator_password)
    page.fill("#field-new", "Operator-own-2026")
    page.fill("#field-confirm", "Operator-own-2026")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("notice")).to_be_visible()
    _open(page, "/teachers")
    expect(page.get_by_test_id("forbidden")).to_contain_text("類別")
    with _db(server) as s:
        contact = s.exec(select(BusinessAccount).where(BusinessAccount.username == "xingya-contact")).one()
    assert contact.grants is not None and "stats.school" not in contact.grants


def test_receiving_school_takes_in_a_transferred_teacher(page: Page, server: Server):
    with _db(server) as s:
        origin = s.exec(select(Unit).where(Unit.code == "353503")).one()
        teacher = s.exec(select(Teacher).where(Teacher.school_unit_id == origin.id)
                         .order_by(Teacher.id)).first()
    _signed_in(page, "demo-school")
    _open(page, "/teachers")
    page.fill("#field-national_id", teacher.national_id)
    page.fill("#field-name", teacher.name)
    page.get_by_test_id("take-in").click()
    expect(page.get_by_test_id("notice")).to_contain_text("教師已調入本校")
    page.fill("#roster-text", teacher.national_id)
    page.get_by_test_id("search").click()
    expect(page.get_by_test_id("teacher-row")).to_have_count(1)
    page.get_by_test_id(f"history-{teacher.id}").click()
    expect(page.get_by_test_id("history")).to_contain_text("臺北市立仁愛國民中學")
    expect(page.get_by_test_id("history")).to_contain_text("調校")
    screenshot(page, "accounts-07-transfer")
    with _db(server) as s:
        moved = s.get(Teacher, teacher.id)
    assert moved.password_hash == teacher.password_hash and moved.school_unit_id != origin.id


def test_county_reports_a_merger_that_moves_teachers_and_keeps_history(page: Page, server: Server):
    with _db(server) as s:
        merged = s.exec(select(Unit).where(Unit.code == "353K01")).one()
        successor = s.exec(select(Unit).where(Unit.code == "353301")).one()
        teacher_ids = [t.id for t in s.exec(select(Teacher).where(Teacher.school_unit_id == merged.id))]
    assert teacher_ids
    _signed_in(page, "demo-county_bureau")
    _open(page, "/directory")
    page.get_by_test_id("kind-merged").click()
    page.fill("#field-unit_code", "353K01")
    page.fill("#field-successor_code", "353301")
    page.fill("#field-effective_date", taipei_today().isoformat())
    page.get_by_test_id("report-change").click()
    expect(page.get_by_test_id("notice")).to_contain_text("異動已陳報")
    expect(page.get_by_test_id("change-row").first).to_contain_text("已生效")
    screenshot(page, "accounts-08-merger")
    with _db(server) as s:
        unit = s.get(Unit, merged.id)
        moved = [s.get(Teacher, i).school_unit_id for i in teacher_ids]
        history = s.exec(select(TeacherPlacement).where(TeacherPlacement.teacher_id == teacher_ids[0])
                         .order_by(TeacherPlacement.id)).all()
    assert (unit.status, unit.merged_into_id) == ("closed", successor.id)
    assert set(moved) == {successor.id}
    assert [p.unit_name for p in history] == [merged.name, successor.name]

    _fresh(page)
    _signed_in(page, "demo-national_center")
    _open(page, "/directory")
    page.get_by_test_id("change-row").first.get_by_role("button").click()
    expect(page.get_by_test_id("notice")).to_contain_text("已確認")
    _open(page, "/audit")
    expect(page.get_by_test_id("audit")).to_contain_text("directory.apply")
    screenshot(page, "accounts-09-audit")


def test_a_teacher_applies_and_her_school_confirms(page: Page, server: Server):
    national_id = "B2" + "7654321"
    national_id += check_digit(national_id)
    _open(page, "/login")
    page.get_by_role("link", name="教師帳號申請").click()
    page.wait_for_url(re.compile(r"/apply/teacher/?$"))
    expect(page.get_by_test_id("hydrated")).to_be_attached()
    page.fill("#unit-search", "353601")
    page.get_by_test_id("unit-search").click()
    page.get_by_test_id("unit-result").first.click()
    page.fill("#field-national_id", national_id)
    page.fill("#field-name", "吳申請")
    page.fill("#field-email", "wu@demo.example.edu.tw")
    page.fill("#field-password", "Teacher-own-2026")
    page.fill("#field-confirm", "Teacher-own-2026")
    page.get_by_test_id("apply-submit").click()
    expect(page.get_by_test_id("applied")).to_contain_text("等候學校確認")
    screenshot(page, "accounts-10-teacher-applied")

    _signed_in(page, "demo-school-contact")
    _open(page, "/teachers")
    row = page.get_by_test_id("teacher-applications").get_by_role("row").filter(has_text="吳申請")
    row.get_by_role("button", name="確認").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("吳申請")  # asks first, naming the applicant and what confirming does
    expect(dialog).to_contain_text("教師名冊")
    dialog.get_by_role("button", name="確認").click()
    expect(page.get_by_test_id("notice")).to_contain_text("教師帳號申請已處理")

    _fresh(page)
    sign_in(page, national_id, "Teacher-own-2026", teacher_tab=True)
    page.wait_for_url(re.compile(r"/home/?$"))
    expect(page.get_by_test_id("header-unit")).to_contain_text("臺北市大安區和平國民小學")


def test_a_chief_change_without_a_choice_names_the_field_beside_it(page: Page, server: Server):
    _signed_in(page, "demo-school")
    _open(page, "/accounts/unit")
    chosen = page.get_by_test_id("new-chief")
    expect(chosen).to_have_attribute("aria-invalid", "false")
    page.get_by_test_id("chief-request").click()
    error = page.get_by_test_id("error-new_chief")
    expect(error).to_have_text("新任總負責人：請選擇本單位一個啟用中的聯絡人或作業人員帳號。")
    expect(chosen).to_have_attribute("aria-invalid", "true")
    expect(chosen).to_have_attribute("aria-describedby", "field-new_chief-error")
    expect(page.locator("#field-new_chief-error")).to_be_visible()


def test_forgotten_password_reset_by_the_mailed_link_then_a_forced_change(page: Page, server: Server):
    """A teacher asks from the sign-in page, opens the link from the outbox, is told a mismatch beside its
    field, sets a new password and signs in with it; the link then no longer works. A teacher whose school
    reset her password can do nothing before she changes it."""
    import secrets

    from tpd_app.models import OutboxMessage
    from tpd_app.services.platform.passwords import hash_password

    national_id = "F2" + f"{secrets.randbelow(10 ** 7):07d}"
    national_id += check_digit(national_id)
    with _db(server) as session:
        school = session.exec(select(BusinessAccount).where(BusinessAccount.username == "demo-school")).one()
        session.add(Teacher(national_id=national_id, name="忘記密碼老師", school_unit_id=school.unit_id,
                            email="forgetful@demo.tpd.edu.tw", password_hash=hash_password("Old-pass-2026")))
        session.commit()

    _fresh(page)
    _open(page, "/login")
    page.get_by_test_id("login-teacher-tab").click()
    page.get_by_test_id("link-forgot").click()
    page.wait_for_url(re.compile(r"/forgot"))
    expect(page.get_by_test_id("forgot-teacher-tab")).to_have_attribute("aria-selected", "true")
    page.get_by_test_id("forgot-submit").click()
    expect(page.get_by_test_id("error-login")).to_have_text("身分證字號：請輸入帳號或身分證字號。")
    page.fill("#field-login", national_id)
    page.get_by_test_id("forgot-submit").click()
    expect(page.get_by_test_id("notice")).to_contain_text("若此帳號存在")
    screenshot(page, "accounts-20-forgot-sent")
    # An unknown ID gets the very same answer.
    _open(page, "/forgot?teacher=1")
    page.fill("#field-login", "A100000001")
    page.get_by_test_id("forgot-submit").click()
    expect(page.get_by_test_id("notice")).to_contain_text("若此帳號存在")

    with _db(server) as session:
        mails = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "password_reset",
                                                         OutboxMessage.to_address == "forgetful@demo.tpd.edu.tw")).all()
    assert len(mails) == 1
    link = re.search(r"(/reset\?token=\S+)", mails[0].body).group(1)
    _open(page, link)
    expect(page.get_by_test_id("reset-login")).to_contain_text(national_id[:3])
    page.fill("#field-new", "New-pass-2026!")
    page.fill("#field-confirm", "New-pass-2026?")
    page.get_by_test_id("reset-submit").click()
    expect(page.get_by_test_id("error-confirm")).to_be_visible()
    expect(page.locator("#field-confirm")).to_have_attribute("aria-invalid", "true")
    screenshot(page, "accounts-21-reset-mismatch")
    page.fill("#field-new", "New-pass-2026!")
    page.fill("#field-confirm", "New-pass-2026!")
    page.get_by_test_id("reset-submit").click()
    expect(page.get_by_test_id("notice")).to_contain_text("密碼已更新")
    page.get_by_test_id("reset-sign-in").click()
    page.wait_for_url(re.compile(r"/login"))
    sign_in(page, national_id, "New-pass-2026!", teacher_tab=True)
    page.wait_for_url(re.compile(r"/home/?$"))
    _fresh(page)
    _open(page, link)
    expect(page.get_by_test_id("reset-invalid")).to_be_visible()
    page.get_by_test_id("lang-switch").click()
    expect(page.get_by_test_id("reset-invalid")).to_contain_text("no longer works")
    screenshot(page, "accounts-22-reset-used-en")
    page.get_by_test_id("lang-switch").click()

    with _db(server) as session:
        teacher = session.exec(select(Teacher).where(Teacher.national_id == national_id)).one()
        teacher.must_change_password = True
        session.add(teacher)
        session.commit()
    sign_in(page, national_id, "New-pass-2026!", teacher_tab=True)
    page.wait_for_url(re.compile(r"/profile/password"))
    _open(page, "/me/records")
    page.wait_for_url(re.compile(r"/profile/password"))
