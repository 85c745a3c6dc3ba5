"""Registration and hours on the production build: register → accept → (time passes) → Excel attendance upload →
the county bureau confirms → the teacher sees, prints and downloads her record; a full course with a
waiting list and promotion after a withdrawal; an ineligible teacher refused with the reason."""

from __future__ import annotations

import io
import re
import secrets
from datetime import timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import update
from sqlmodel import Session, create_engine, select

from tests.browser.conftest import DEMO_PASSWORD, Server, screenshot
from tests.factories import xlsx
from tests.services.hours_data import published_course
from tpd_app.domain.timeutil import taipei_today
from tpd_app.models import BusinessAccount, Course, CourseSession, Teacher, Unit
from tpd_app.services.courses import catalogue

DEMO_TEACHER = "A123456789"


def _db(server: Server) -> Session:
    return Session(create_engine(server.db_url), expire_on_commit=False)


def _demo_school(session: Session) -> Unit:
    account = session.exec(select(BusinessAccount).where(BusinessAccount.username == "demo-school-contact")).one()
    return session.get(Unit, account.unit_id)


def _course(server: Server, title: str, **fields) -> Course:
    with _db(server) as session:
        course = published_course(session, _demo_school(session), title=title, **fields)
        session.commit()
        return course


def _in_catalogue(server: Server, title: str, **fields) -> Course:
    """A published course with its catalogue entry (its page `/courses/<code>` exists) and a code of the
    real form (ROC year and serial; year 119, which the demo data never reaches)."""
    with _db(server) as session:
        course = published_course(session, _demo_school(session), title=title,
                                  code=f"119{secrets.randbelow(10 ** 6):06d}", **fields)
        catalogue.publish(session, course)
        session.commit()
        return course


def _colleague(server: Server) -> Teacher:
    """Another demo teacher of the demo school, with the demo password (tests may add other teachers)."""
    with _db(server) as session:
        demo = session.exec(select(Teacher).where(Teacher.national_id == DEMO_TEACHER)).one()
        return session.exec(select(Teacher).where(Teacher.school_unit_id == demo.school_unit_id,
                                                  Teacher.id != demo.id, Teacher.status == "active",
                                                  Teacher.password_hash == demo.password_hash,
                                                  Teacher.must_change_password == False)  # noqa: E712
                            .order_by(Teacher.id)).first()


def _sign_in_as(page: Page, login: str, *, teacher: bool) -> None:
    # The login page keeps its tab for the browser tab's session, so pick the tab explicitly each time.
    page.goto("/login")
    expect(page.get_by_test_id("hydrated")).to_be_attached()
    page.get_by_test_id("login-teacher-tab" if teacher else "login-business-tab").click()
    page.fill("#login-username", login)
    page.fill("#login-password", DEMO_PASSWORD)
    page.press("#login-password", "Enter")
    page.wait_for_url(re.compile(r"/home/?$"))


def _as_teacher(page: Page, national_id: str) -> None:
    _sign_in_as(page, national_id, teacher=True)


def _as_staff(page: Page, username: str) -> None:
    _sign_in_as(page, username, teacher=False)


def _sign_out(page: Page) -> None:
    page.get_by_test_id("logout").click()
    page.wait_for_url(re.compile(r"/login"))


def _register_for(page: Page, title: str) -> None:
    _open_registration(page, title).get_by_test_id("register").click()


def _open_registration(page: Page, title: str):
    """Her row for the course on /me/register. The tests add courses straight to the database, past the
    server, whose list of open courses is kept a few seconds (`registration._open`): look again until it
    shows, as a teacher would reload."""
    row = page.get_by_test_id("open-course").filter(has_text=title)
    for _ in range(8):
        page.goto("/me/register")
        expect(page.get_by_test_id("hydrated")).to_be_attached()
        try:
            expect(row).to_be_visible(timeout=1500)
            return row
        except AssertionError:
            continue
    expect(row).to_be_visible()
    return row


def _seat_taken_and_the_demo_teacher_waiting(page: Page, server: Server, title: str) -> Teacher:
    """A colleague takes the one seat, then the demo teacher (left signed in) joins the waiting list."""
    colleague = _colleague(server)
    _as_teacher(page, colleague.national_id)
    _register_for(page, title)
    expect(page.get_by_test_id("notice")).to_contain_text("報名成功")
    _sign_out(page)
    _as_teacher(page, DEMO_TEACHER)
    _register_for(page, title)
    expect(page.get_by_test_id("notice")).to_contain_text("候補第 1 位")
    return colleague


def _expect_promoted(page: Page, title: str) -> None:
    """The signed-in teacher's registration holds a seat (awaiting acceptance), no longer a waiting place."""
    page.goto("/me/registrations")
    mine = page.get_by_test_id("my-registration").filter(has_text=title)
    expect(mine).to_contain_text("待審核")
    expect(mine.get_by_test_id("position")).to_have_count(0)


def _move_to_the_past(server: Server, course_id: int, days: int) -> None:
    day = taipei_today() - timedelta(days=days)
    with _db(server) as session:
        session.exec(update(Course).where(Course.id == course_id).values(first_date=day, last_date=day))
        session.exec(update(CourseSession).where(CourseSession.course_id == course_id).values(day=day))
        session.commit()


def _attendance_file(rows: list[tuple[str, str, object]]) -> bytes:
    return xlsx(["身分證字號", "姓名", "時數"], rows)


def test_register_accept_upload_confirm_and_the_teacher_prints_her_record(page: Page, server: Server, tmp_path):
    title = f"特殊教育知能研習：正向行為支持 {secrets.token_hex(2)}"
    course = _course(server, title, capacity=30, topics=("special_ed",))
    colleague = _colleague(server)

    _as_teacher(page, DEMO_TEACHER)
    _register_for(page, title)
    expect(page.get_by_test_id("notice")).to_contain_text("報名成功")
    screenshot(page, "hours-01-teacher-registered")
    _sign_out(page)

    _as_staff(page, "demo-school-contact")
    page.goto("/course/participants")
    page.get_by_test_id("upcoming-course").filter(has_text=title).get_by_test_id("open-registrants").click()
    registrant = page.get_by_test_id("registrant").filter(has_text="A12****789")
    registrant.get_by_test_id("accept").click()
    expect(page.get_by_test_id("notice")).to_contain_text("已錄取")
    expect(registrant).to_contain_text("錄取")
    screenshot(page, "hours-02-organizer-accepted")

    _move_to_the_past(server, course.id, days=3)
    page.goto(f"/course/attendance?id={course.id}")
    expect(page.get_by_test_id("entry")).to_have_count(1)
    # The walk-in line names the field and its reason, and keeps the list as it was.
    page.get_by_test_id("walk-in-id").fill("A123456780")
    page.get_by_test_id("walk-in-hours").fill("3")
    page.get_by_test_id("walk-in-add").click()
    expect(page.get_by_test_id("error-walk-in-national_id")).to_contain_text("身分證字號：身分證字號檢查碼錯誤")
    expect(page.get_by_test_id("walk-in-id")).to_have_attribute("aria-invalid", "true")
    page.get_by_test_id("walk-in-id").fill(colleague.national_id)
    page.get_by_test_id("walk-in-hours").fill("9")
    page.get_by_test_id("walk-in-add").click()
    expect(page.get_by_test_id("error-walk-in-hours")).to_contain_text("時數超過課程時數")
    expect(page.get_by_test_id("error-walk-in-national_id")).to_have_count(0)
    expect(page.get_by_test_id("entry")).to_have_count(1)
    bad = tmp_path / "名單-有錯.xlsx"
    bad.write_bytes(_attendance_file([(DEMO_TEACHER, "林怡君", 3), ("A123456780", "錯號", 3),
                                      (colleague.national_id, colleague.name, 9)]))
    page.get_by_test_id("upload").locator("input[type=file]").set_input_files(str(bad))
    page.get_by_test_id("import").click()
    expect(page.get_by_test_id("form-error")).to_contain_text("尚未匯入任何資料")
    expect(page.get_by_test_id("report-row")).to_have_count(3)
    expect(page.get_by_test_id("import-report")).to_contain_text("檢查碼錯誤")
    expect(page.get_by_test_id("import-report")).to_contain_text("時數超過課程時數")
    screenshot(page, "hours-03-import-report")
    with _db(server) as session:
        demo_name = session.exec(select(Teacher.name).where(Teacher.national_id == DEMO_TEACHER)).one()
    good = tmp_path / "名單.xlsx"
    good.write_bytes(_attendance_file([(DEMO_TEACHER, demo_name, 3), (colleague.national_id, colleague.name, 2)]))
    page.get_by_test_id("upload").locator("input[type=file]").set_input_files(str(good))
    page.get_by_test_id("import").click()
    expect(page.get_by_test_id("notice")).to_contain_text("匯入 2 列")
    expect(page.get_by_test_id("entry")).to_have_count(2)
    page.get_by_test_id("submit-list").click()
    expect(page.get_by_test_id("notice")).to_contain_text("名單已送出")
    screenshot(page, "hours-04-list-submitted")
    _sign_out(page)

    _as_staff(page, "demo-county_bureau")
    page.goto("/attendance/confirm")
    page.get_by_test_id("list-row").filter(has_text=title).get_by_test_id("open-list").click()
    expect(page.get_by_test_id("review-entries")).to_contain_text("A12****789")
    screenshot(page, "hours-05-bureau-reviews-list")
    page.get_by_test_id("confirm-list").click()
    # It writes lifelong records: the dialog names the list and says so before anything is written.
    dialog = page.get_by_test_id("confirm-list-dialog")
    expect(dialog).to_contain_text(title)
    expect(dialog).to_contain_text("終身研習紀錄")
    screenshot(page, "hours-05b-confirm-list-dialog")
    page.get_by_test_id("confirm-list-confirm").click()
    expect(page.get_by_test_id("notice")).to_contain_text("2 位教師")
    _sign_out(page)

    _as_teacher(page, DEMO_TEACHER)
    page.goto("/me/records")
    row = page.get_by_test_id("record-row").filter(has_text=title)
    expect(row).to_contain_text("3")
    expect(page.get_by_test_id("compliance").first).to_be_visible()
    screenshot(page, "hours-06-teacher-record")
    page.emulate_media(media="print")
    screenshot(page, "hours-07-teacher-record-print")
    expect(page.get_by_test_id("print")).to_be_hidden()
    page.emulate_media(media="screen")
    response = page.request.get("/api/me/records.pdf")
    assert response.status == 200 and response.body().startswith(b"%PDF")
    page.goto("/me/registrations")
    expect(page.get_by_test_id("my-registration").filter(has_text=title)).to_contain_text("錄取")


def test_full_course_waiting_list_and_promotion_after_a_withdrawal(page: Page, server: Server):
    title = f"環境教育：校園淨零實作 {secrets.token_hex(2)}"
    _course(server, title, capacity=1, topics=("environment",))
    colleague = _seat_taken_and_the_demo_teacher_waiting(page, server, title)
    page.goto("/me/registrations")
    mine = page.get_by_test_id("my-registration").filter(has_text=title)
    expect(mine.get_by_test_id("position")).to_contain_text("1")
    screenshot(page, "hours-08-waiting-list")
    _sign_out(page)

    _as_teacher(page, colleague.national_id)
    page.goto("/me/registrations")
    theirs = page.get_by_test_id("my-registration").filter(has_text=title)
    # Withdrawing asks first, naming the course and what happens to the seat; cancelling changes nothing.
    theirs.get_by_test_id("withdraw").click()
    dialog = page.get_by_test_id("withdraw-dialog")
    expect(dialog).to_contain_text(title)
    expect(dialog).to_contain_text("名額將釋出")
    expect(dialog).to_contain_text("可再次報名")
    screenshot(page, "hours-08b-withdraw-confirmation")
    page.get_by_test_id("withdraw-cancel").click()
    expect(dialog).to_have_count(0)
    expect(theirs).to_contain_text("待審核")
    theirs.get_by_test_id("withdraw").click()
    page.get_by_test_id("withdraw-confirm").click()
    expect(page.get_by_test_id("notice")).to_contain_text("已取消報名")
    expect(theirs).to_contain_text("已取消報名")
    _sign_out(page)

    _as_teacher(page, DEMO_TEACHER)
    _expect_promoted(page, title)
    screenshot(page, "hours-09-promoted")
    _sign_out(page)

    # The colleague changes her mind while registration is open: the seat has gone, so she queues at the end.
    _as_teacher(page, colleague.national_id)
    _register_for(page, title)
    expect(page.get_by_test_id("notice")).to_contain_text("候補第 1 位")


def test_the_course_page_registers_withdraws_after_asking_and_queues_a_second_try(page: Page, server: Server):
    title = f"數學領域素養導向教學 {secrets.token_hex(2)}"
    course = _in_catalogue(server, title, capacity=1, audience_subjects="數學", venue="高雄市苓雅區和平一路116號",
                           contact_name="蔡佩玲", contact_phone="07-7172930", contact_email="math@demo.tpd.edu.tw")
    # Found by the code an official letter gives, then opened by someone not signed in.
    page.goto("/courses")
    expect(page.get_by_test_id("hydrated")).to_be_attached()
    expect(page.get_by_test_id("catalogue-result").first).to_be_visible()  # loaded: the form is not redrawn
    page.get_by_test_id("catalogue-q").fill(course.code)
    page.get_by_test_id("catalogue-search").click()
    page.wait_for_url(re.compile(rf"/courses/?\?q={course.code}"))
    expect(page.get_by_test_id("catalogue-result")).to_have_count(1)
    page.get_by_test_id("catalogue-result").get_by_role("link", name=title).click()
    panel = page.get_by_test_id("course-standing")
    expect(panel.get_by_test_id("seats-left")).to_contain_text("1 / 1")
    window = course.registration_opens
    expect(panel.get_by_test_id("registration-window")).to_contain_text(  # 民國, as every zh-TW date
        f"報名期間 {window.year - 1911}/{window.month:02d}/{window.day:02d} – ")
    day = course.first_date
    expect(page.get_by_role("cell", name=f"{day.year - 1911}/{day.month:02d}/{day.day:02d}").first).to_be_visible()
    sign_in = panel.get_by_test_id("course-sign-in")
    expect(sign_in).to_have_attribute("href", re.compile(rf"next=/courses/{course.code}"))
    # Every field the organizer filled in, labelled: the subject, the venue with a map, the contact split up.
    expect(page.get_by_text("研習對象領域／科目")).to_be_visible()
    expect(page.get_by_test_id("venue-map")).to_have_attribute("href", re.compile(r"google\.com/maps/search/.*query="))
    mail = page.get_by_role("link", name="math@demo.tpd.edu.tw")
    expect(mail).to_have_attribute("href", "mailto:math@demo.tpd.edu.tw")
    expect(page.get_by_text("聯絡電話")).to_be_visible()

    _as_teacher(page, DEMO_TEACHER)
    page.goto(f"/courses/{course.code}")
    panel.get_by_test_id("course-register").click()
    expect(panel.get_by_test_id("notice")).to_contain_text("報名成功")
    expect(panel).to_contain_text("待審核")
    expect(panel.get_by_test_id("seats-left")).to_contain_text("已額滿")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "hours-14-course-page-registered-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    panel.get_by_test_id("withdraw").click()
    expect(page.get_by_test_id("withdraw-dialog")).to_contain_text(title)
    page.get_by_test_id("withdraw-confirm").click()
    expect(panel.get_by_test_id("notice")).to_contain_text("已取消報名")
    expect(panel.get_by_test_id("course-register")).to_be_visible()
    _sign_out(page)

    colleague = _colleague(server)  # takes the seat meanwhile
    _as_teacher(page, colleague.national_id)
    _register_for(page, title)
    expect(page.get_by_test_id("notice")).to_contain_text("報名成功")
    _sign_out(page)

    _as_teacher(page, DEMO_TEACHER)
    page.goto(f"/courses/{course.code}")
    expect(panel.get_by_test_id("would-be")).to_contain_text("1")
    panel.get_by_test_id("course-register").click()
    expect(panel.get_by_test_id("notice")).to_contain_text("候補第 1 位")
    expect(panel.get_by_test_id("position")).to_contain_text("1")
    # Her registration history links the title back to this page.
    page.goto("/me/registrations")
    page.get_by_test_id("my-registration").filter(has_text=title).get_by_test_id("course-link").click()
    page.wait_for_url(re.compile(rf"/courses/{course.code}/?$"))
    expect(page.get_by_test_id("course-title")).to_have_text(title)


def test_ineligible_teacher_sees_why_she_cannot_register(page: Page, server: Server):
    title = f"高雄市國中數學教師研習 {secrets.token_hex(2)}"
    course = _in_catalogue(server, title, eligible_counties=["KHH", "PIF"], eligible_levels=["junior_high"])
    _as_teacher(page, DEMO_TEACHER)
    row = _open_registration(page, title)
    expect(row.get_by_test_id("refusal")).to_contain_text("限定特定縣市")
    expect(row.get_by_test_id("register")).to_have_count(0)
    screenshot(page, "hours-10-ineligible")
    # The course page says who may register, in the reader's language.
    page.goto(f"/courses/{course.code}")
    eligibility = page.get_by_test_id("eligibility")
    expect(eligibility).to_contain_text("高雄市")
    expect(eligibility).to_contain_text("屏東縣")
    expect(eligibility).to_contain_text("國民中學")
    page.get_by_test_id("lang-switch").click()
    expect(eligibility).to_contain_text("Kaohsiung City")
    expect(eligibility).to_contain_text("Pingtung County")
    page.get_by_test_id("lang-switch").click()


def test_county_report_permissions_limit_what_the_school_sees(page: Page, server: Server):
    _as_staff(page, "demo-school-contact")
    page.goto("/teachers/records")
    teacher_row = page.get_by_test_id("school-teacher").filter(has_text="A12****789")
    teacher_row.get_by_test_id("view-record").click()
    expect(page.get_by_test_id("school-record")).to_contain_text("環境教育")
    screenshot(page, "hours-11-school-teacher-record")
    _sign_out(page)

    _as_staff(page, "demo-county_bureau")
    page.goto("/county/report-permissions")
    page.get_by_test_id("view_detail").uncheck()
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("notice")).to_contain_text("已儲存")
    screenshot(page, "hours-12-report-permissions")
    _sign_out(page)

    _as_staff(page, "demo-school-contact")
    page.goto("/teachers/records")
    expect(page.get_by_test_id("no-detail")).to_be_visible()
    expect(page.get_by_test_id("view-record")).to_have_count(0)
    _sign_out(page)

    _as_staff(page, "demo-county_bureau")
    page.goto("/county/report-permissions")
    page.get_by_test_id("view_detail").check()
    page.get_by_test_id("allow_print").check()  # turning detail off turned printing off with it
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("notice")).to_contain_text("已儲存")


def test_principal_follows_the_below_18_hours_count_filters_sorts_exports_and_reminds(page: Page, server: Server):
    """The school's home queue counts its teachers below 18 hours; the count opens the compliance view
    filtered; sorting by what is missing puts the furthest behind first; the summary exports as a workbook
    of one row per teacher; the reminder asks first, then mails the short teachers once today."""
    from openpyxl import load_workbook

    from tpd_app.models import ComplianceReminder, OutboxMessage

    _as_staff(page, "demo-school")
    queue = page.get_by_test_id("queue-teachers_below")
    below = int(queue.get_by_test_id("queue-count").inner_text())
    assert below > 0
    queue.click()
    page.wait_for_url(re.compile(r"/teachers/records/?\?below=1$"))
    expect(page.get_by_test_id("compliance-show")).to_have_value("below")
    expect(page.get_by_test_id("school-teacher")).to_have_count(min(below, 50))
    expect(page.get_by_test_id("compliance-shown")).to_contain_text(f"{below} 位")
    expect(page.get_by_test_id("teacher-state").first).to_have_text("未滿 18 小時")
    screenshot(page, "hours-14-compliance-below")

    page.get_by_test_id("compliance-sort").select_option("shortfall")
    page.get_by_test_id("compliance-desc").check()
    page.get_by_test_id("compliance-apply").click()
    expect(page.get_by_test_id("school-teacher").first).to_contain_text("0 / 18")

    with page.expect_download() as download:
        page.get_by_test_id("export-summary").click()
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    assert download.value.suggested_filename.endswith(".xlsx")
    rows = list(sheet.iter_rows(values_only=True))
    assert "學年度教師研習時數摘要" in rows[0][0] and rows[2][0] == "姓名"
    assert len(rows) - 3 == below and all(r[-1] == "未滿 18 小時" for r in rows[3:])
    assert rows[3][2] == 0  # the furthest behind first, as on the page

    page.get_by_test_id("remind").click()
    expect(page.get_by_role("alertdialog")).to_contain_text("位尚有法定時數未達成的教師")
    page.get_by_test_id("remind-confirm").click()
    expect(page.get_by_test_id("notice")).to_contain_text("已寄出")
    expect(page.get_by_test_id("last-reminder")).to_contain_text("上次提醒")
    with _db(server) as session:
        assert session.exec(select(ComplianceReminder)).all()
        assert session.exec(select(OutboxMessage).where(OutboxMessage.kind == "compliance_reminder")).all()

    page.get_by_test_id("lang-switch").click()
    expect(page.get_by_test_id("compliance-shown")).to_contain_text("serving teachers")
    expect(page.get_by_test_id("last-reminder")).to_contain_text(str(taipei_today().year))
    screenshot(page, "hours-15-compliance-en")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "hours-16-compliance-390")
    page.get_by_test_id("lang-switch").click()


def test_teacher_subscribes_and_unsubscribes_with_the_mailed_link(page: Page, server: Server):
    from tpd_app.services.hours import subscriptions
    from tpd_app.services.platform import mail

    _as_teacher(page, DEMO_TEACHER)
    page.goto("/me/subscriptions")
    page.get_by_test_id("kind:workshop").check()
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("notice")).to_contain_text("已儲存訂閱設定")
    screenshot(page, "hours-13-subscriptions")
    with _db(server) as session:
        teacher_id = session.exec(select(Teacher.id).where(Teacher.national_id == DEMO_TEACHER)).one()
    page.goto(f"/api/unsubscribe?token={mail.sign(subscriptions.PURPOSE, teacher_id)}")
    expect(page.get_by_test_id("unsubscribe-result")).to_contain_text("已取消訂閱")
    page.goto("/me/subscriptions")
    expect(page.get_by_test_id("active")).not_to_be_checked()


def test_teacher_subscribes_her_calendar_and_a_new_address_ends_the_old_one(page: Page, server: Server):
    title = f"戶外教育實務 {secrets.token_hex(2)}"
    course = _course(server, title)
    with _db(server) as session:  # accepted, as after the organizer's decision
        from tpd_app.models import CourseRegistration

        teacher_id = session.exec(select(Teacher.id).where(Teacher.national_id == DEMO_TEACHER)).one()
        session.add(CourseRegistration(course_id=course.id, teacher_id=teacher_id, status="accepted"))
        session.commit()
    _as_teacher(page, DEMO_TEACHER)
    page.goto("/me/registrations")
    card = page.get_by_test_id("calendar-feed")
    card.get_by_test_id("feed-make").click()
    expect(page.get_by_test_id("notice")).to_contain_text("已建立新的行事曆訂閱網址")
    address = card.get_by_test_id("feed-address")
    expect(address).to_have_value(re.compile(r"/api/calendar/[0-9a-f]{32}\.[0-9a-f]{32}\.ics$"))
    expect(card.get_by_test_id("feed-last-read")).to_contain_text("尚未有行事曆讀取")
    first = "/api/calendar/" + address.input_value().rsplit("/", 1)[1]
    feed = page.context.request.get(first)  # what a calendar application polls
    assert feed.status == 200 and title in feed.text() and feed.headers["content-type"].startswith("text/calendar")
    page.reload()
    expect(card.get_by_test_id("feed-last-read")).to_contain_text(re.compile(r"1\d\d/\d\d/\d\d \d\d:\d\d"))
    screenshot(page, "hours-15-calendar-feed")
    card.get_by_test_id("feed-remake").click()
    expect(page.get_by_test_id("feed-remake-dialog")).to_contain_text("目前的網址會立即失效")
    page.get_by_test_id("feed-remake-confirm").click()
    expect(address).not_to_have_value(re.compile(re.escape(first.rsplit("/", 1)[1]) + "$"))
    second = "/api/calendar/" + address.input_value().rsplit("/", 1)[1]
    assert page.context.request.get(first).status == 404 and page.context.request.get(second).status == 200
    card.get_by_test_id("feed-stop").click()
    page.get_by_test_id("feed-stop-confirm").click()
    expect(card.get_by_test_id("feed-make")).to_be_visible()
    assert page.context.request.get(second).status == 404


def test_raising_the_capacity_gives_the_seat_to_the_first_waiting_teacher(page: Page, server: Server):
    title = f"環境教育：校園食農實作 {secrets.token_hex(2)}"
    course = _course(server, title, capacity=1, topics=("environment",), audience_levels=["elementary"],
                     contact_name="蔡佩玲", contact_phone="02-27325678", contact_email="teach@example.edu.tw")
    _seat_taken_and_the_demo_teacher_waiting(page, server, title)
    _sign_out(page)

    _as_staff(page, "demo-school-operator")
    page.goto("/course/manage")
    page.get_by_test_id("course-row").filter(has_text=course.code).get_by_test_id("edit-course").click()
    expect(page.locator("#field-capacity")).to_have_value("1")
    page.fill("#field-capacity", "2")
    page.get_by_test_id("save-draft").click()
    expect(page.get_by_test_id("notice")).to_contain_text("送回審核")
    screenshot(page, "hours-10-capacity-raised")
    _sign_out(page)

    _as_teacher(page, DEMO_TEACHER)
    _expect_promoted(page, title)
    screenshot(page, "hours-11-promoted-by-capacity")
