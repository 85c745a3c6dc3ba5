"""The school's compliance view: this school year's hours and each rule's shortfall per serving teacher,
filters and sorts, the summary workbook (no individual records) as far as the county allows, the
reminder mail once a day, and the home page's count of teachers below 18 hours."""

from __future__ import annotations

import io
import threading
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from tests.factories import make_teacher, make_world
from tests.services.hours_data import published_course
from tpd_app.domain.errors import Forbidden, ValidationFailed
from tpd_app.domain.timeutil import utcnow
from tpd_app.domain.training_years import school_year_of
from tpd_app.domain.units import AccountCategory
from tpd_app.domain.workqueue import Queue
from tpd_app.models import AuditLog, ComplianceReminder, ComplianceRuleRow, OutboxMessage, Teacher, TrainingRecord
from tpd_app.services.hours import compliance, records
from tpd_app.services.hours.compliance import ComplianceQuery
from tpd_app.services.platform.db import transaction

TODAY = date(2026, 12, 3)  # school year 115 (2026-08-01 .. 2027-07-31), calendar year 2026


def _credit(s, teacher, course, minutes: int, day: date) -> None:
    s.add(TrainingRecord(teacher_id=teacher.id, course_id=course.id, minutes=minutes, credited_on=day,
                         calendar_year=day.year, school_year=school_year_of(day),
                         school_unit_id=teacher.school_unit_id, organizer_unit_id=course.organizer_unit_id,
                         course_kind=course.kind))
    s.flush()


def _school():
    """School A: 陳 met everything (18 h with 4 h environment and 3 h special education); 林 has 10 h,
    none on the topics; 王 has nothing and no e-mail; 張 left the school (not listed); school B's teacher."""
    with transaction() as s:
        world = make_world(s)
        env = published_course(s, world.school_a, days_ahead=-20, topics=("environment",), title="環境教育")
        sped = published_course(s, world.school_a, days_ahead=-20, topics=("special_ed",), title="特教知能")
        plain = published_course(s, world.school_a, days_ahead=-20, title="一般研習")
        chen, lin, wang, chang = (make_teacher(s, world.school_a) for _ in range(4))
        chen.name, lin.name, wang.name, chang.name = "陳老師", "林老師", "王老師", "張老師"
        wang.email, chang.employment = "", "left"
        other = make_teacher(s, world.school_b)
        _credit(s, chen, env, 4 * 60, date(2026, 9, 10))
        _credit(s, chen, sped, 3 * 60, date(2026, 10, 1))
        _credit(s, chen, plain, 11 * 60, date(2026, 11, 1))
        _credit(s, lin, plain, 10 * 60, date(2026, 11, 20))
        _credit(s, lin, plain, 30 * 60, date(2026, 3, 1))  # the last school year: not this one's
        _credit(s, other, plain, 2 * 60, date(2026, 11, 1))
        s.add_all([chen, lin, wang, chang])
        contact = world.actor(s, world.school_a, AccountCategory.CONTACT)
        operator = world.actor(s, world.school_a, AccountCategory.OPERATOR)
        bureau = world.actor(s, world.bureau_a)
    return world, contact, operator, bureau


def test_every_serving_teacher_with_this_school_years_hours_and_each_rules_shortfall(db_url: str):
    _, contact, _, _ = _school()
    with transaction() as s:
        page = compliance.school_compliance(s, contact, today=TODAY)
    rows = {r["name"]: r for r in page["rows"]}
    assert set(rows) == {"陳老師", "林老師", "王老師"}
    assert page["counts"] == {"all": 3, "below": 2, "short": 2, "met": 1, "shown": 3}
    assert page["school_year"] == "115"
    assert rows["陳老師"]["hours"] == "18" and rows["陳老師"]["state"] == "met"
    lin = rows["林老師"]
    assert lin["hours"] == "10" and lin["state"] == "below"
    assert (lin["done_overall"], lin["missing_overall"], lin["met_overall"]) == ("10", "8", "")
    assert (lin["missing_environment"], lin["missing_special_education"]) == ("4", "3")
    assert lin["shortfall"] == "15"
    assert rows["王老師"]["missing_overall"] == "18"
    assert "*" in lin["national_id"]
    assert [r["key"] for r in page["rules"]] == ["overall", "environment", "special_education"]
    assert {r["key"]: r["label"] for r in page["rules"]}["environment"] == "115"  # 民國 115 = 2026


def test_filters_and_sorts(db_url: str):
    _, contact, _, _ = _school()
    with transaction() as s:
        below = compliance.school_compliance(s, contact, ComplianceQuery(show="below", sort="hours"), today=TODAY)
        met = compliance.school_compliance(s, contact, ComplianceQuery(show="met"), today=TODAY)
        worst = compliance.school_compliance(s, contact, ComplianceQuery(sort="shortfall", descending=True),
                                             today=TODAY)
        named = compliance.school_compliance(s, contact, ComplianceQuery(keyword="林"), today=TODAY)
    assert [r["name"] for r in below["rows"]] == ["王老師", "林老師"]
    assert below["counts"]["shown"] == 2 and below["counts"]["all"] == 3
    assert [r["name"] for r in met["rows"]] == ["陳老師"]
    assert [r["name"] for r in worst["rows"]] == ["王老師", "林老師", "陳老師"]
    assert [r["name"] for r in named["rows"]] == ["林老師"]
    # What a browser sends is read safely: ?below=1 is the home page's link, nonsense falls back.
    assert ComplianceQuery.from_params({"below": "1"}).show == "below"
    assert ComplianceQuery.from_params({"show": "<script>", "sort": 5, "page": "-3"}) == ComplianceQuery()


def test_the_summary_workbook_has_one_row_per_teacher_and_no_course(db_url: str):
    _, contact, _, _ = _school()
    with transaction() as s:
        name, data = compliance.summary_workbook(s, contact, "zh-TW", ComplianceQuery(show="below"), today=TODAY)
        english, data_en = compliance.summary_workbook(s, contact, "en", today=TODAY)
    assert name.endswith("115.xlsx")
    sheet = load_workbook(io.BytesIO(data)).active
    values = list(sheet.iter_rows(values_only=True))
    assert "115 學年度" in values[0][0]
    assert values[2][:3] == ("姓名", "身分證字號", "本學年時數")
    teachers = values[3:]
    assert [row[0] for row in teachers] == ["林老師", "王老師"]
    assert teachers[0][2] == 10 and teachers[0][4] == 8  # 10 h done, 8 h missing on the 18 h rule
    text = " ".join(str(v) for row in values for v in row if v is not None)
    assert "一般研習" not in text and "環境教育" in text  # rule names, never a course title
    assert english.startswith("training-hours-summary")
    header = list(load_workbook(io.BytesIO(data_en)).active.iter_rows(values_only=True))[2]
    assert header[0] == "Name" and "Hours per school year" in header[3]


def test_the_county_that_forbids_printing_gets_no_export_and_the_refusal_is_audited(db_url: str):
    _, contact, _, bureau = _school()
    with transaction() as s:
        records.save_report_permission(s, bureau, True, False)
    with transaction() as s:
        assert compliance.school_compliance(s, contact, today=TODAY)["permissions"]["allow_print"] == ""
    with transaction() as s, pytest.raises(Forbidden) as refused:
        compliance.summary_workbook(s, contact, "zh-TW", today=TODAY)
    assert refused.value.key == "records.error.print_forbidden"
    with transaction() as s:
        assert s.exec(select(AuditLog).where(AuditLog.action == "access.denied",
                                             AuditLog.target_type == "teacher_records")).first() is not None


def test_reminders_go_to_the_short_teachers_once_a_day(db_url: str):
    _, contact, _, _ = _school()
    with transaction() as s:
        first = compliance.send_reminders(s, contact, today=TODAY)
    assert first == {"sent": 1, "already": 0, "no_email": 1}  # 林 (王 has no e-mail; 陳 met every rule)
    with transaction() as s:
        mails = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "compliance_reminder")).all()
        assert len(mails) == 1 and "林老師" in mails[0].body and "尚缺 8 小時" in mails[0].body
        page = compliance.school_compliance(s, contact, today=TODAY)
    assert page["reminded"]["count"] == "1"
    with transaction() as s:
        again = compliance.send_reminders(s, contact, today=TODAY)
    assert again == {"sent": 0, "already": 1, "no_email": 1}
    with transaction() as s:
        tomorrow = compliance.send_reminders(s, contact, today=date(2026, 12, 4))
        assert tomorrow["sent"] == 1
        assert len(s.exec(select(ComplianceReminder)).all()) == 2
        assert len(s.exec(select(AuditLog).where(AuditLog.action == "records.remind")).all()) == 3


def test_two_people_reminding_at_once_send_each_teacher_one_mail(db_url: str):
    """The principal and the contact press 寄送提醒 together: both are answered, and 林 gets one mail."""
    _, contact, _, _ = _school()
    results: list[dict[str, int]] = []
    failures: list[BaseException] = []
    start = threading.Barrier(2)

    def remind() -> None:
        try:
            start.wait()
            with transaction() as s:
                results.append(compliance.send_reminders(s, contact, today=TODAY))
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=remind) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert sorted(r["sent"] for r in results) == [0, 1] and sorted(r["already"] for r in results) == [0, 1]
    with transaction() as s:
        assert len(s.exec(select(OutboxMessage).where(OutboxMessage.kind == "compliance_reminder")).all()) == 1
        assert len(s.exec(select(ComplianceReminder)).all()) == 1


def test_nobody_short_is_said_and_other_accounts_are_refused(db_url: str):
    world, _, operator, bureau = _school()
    with transaction() as s, pytest.raises(Forbidden):
        compliance.school_compliance(s, operator, today=TODAY)
    with transaction() as s, pytest.raises(Forbidden):
        compliance.send_reminders(s, bureau, today=TODAY)
    with transaction() as s:
        other = world.actor(s, world.school_b)
    with transaction() as s:
        page = compliance.school_compliance(s, other, today=TODAY)
        assert [r["national_id"].count("*") for r in page["rows"]] == [4]  # only its own teacher
    with transaction() as s:
        for teacher in s.exec(select(Teacher).where(Teacher.school_unit_id == world.school_b.id)).all():
            teacher.employment = "left"
            s.add(teacher)
    with transaction() as s, pytest.raises(ValidationFailed) as nobody:
        compliance.send_reminders(s, other, today=TODAY)
    assert nobody.value.field_errors == {"reminder": "records.reminder.nobody"}


def test_the_home_queue_counts_the_teachers_below_18_hours(db_url: str):
    _, contact, _, bureau = _school()
    with transaction() as s:
        items = compliance.work_queue(s, contact)
        assert compliance.work_queue(s, bureau) == []
    assert [i.queue for i in items] == [Queue.TEACHERS_BELOW]
    assert items[0].count == 2


def test_the_home_count_of_teachers_below_is_the_pages_count(db_url: str):
    """The home page counts in the database what the compliance page works out per teacher: the same
    number on the period's first and last day, with a corrected (superseded) record, a record of the last
    school year, and after the county raises its overall rule."""
    world, contact, _, _ = _school()

    def both(on: date) -> tuple[int, int]:
        with transaction() as s:
            page = compliance.school_compliance(s, contact, today=on)["counts"]["below"]
            return compliance.teachers_below(s, contact.unit, today=on), page

    assert both(TODAY) == (2, 2)
    with transaction() as s:
        teachers = {t.name: t for t in s.exec(select(Teacher).where(Teacher.school_unit_id == world.school_a.id))}
        plain = published_course(s, world.school_a, days_ahead=-30, title="補登研習")
        _credit(s, teachers["王老師"], plain, 18 * 60, date(2026, 8, 1))  # the school year's first day
        _credit(s, teachers["林老師"], plain, 8 * 60, date(2027, 7, 31))  # its last day
    assert both(TODAY) == (0, 0)
    with transaction() as s:
        corrected = s.exec(select(TrainingRecord).where(TrainingRecord.teacher_id == teachers["王老師"].id)).one()
        corrected.superseded_at = utcnow()
        s.add(corrected)
    assert both(TODAY) == (1, 1)
    assert both(date(2027, 8, 1)) == (3, 3)  # a new school year: nobody has hours in it yet
    with transaction() as s:
        s.add(ComplianceRuleRow(key="overall", county=contact.unit.county, topic=None, minutes=20 * 60,
                                period="school_year"))
    assert both(TODAY) == (3, 3)  # the county asks 20 hours: 陳's and 林's 18 are short now
