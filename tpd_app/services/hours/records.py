"""研習紀錄 (SPEC §1.3.1, §3.3.4): a teacher's lifelong record from the hours ledger, yearly totals,
compliance progress, a PDF; schools' view of their teachers (`teachers.records`) as far as the
county's report permissions allow; the permissions and compliance-rule settings of centres.

Individual records are shown and printed, never exported to Excel (SPEC §3.6).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from fpdf import FPDF
from fpdf.fonts import FontFace
from sqlmodel import Session, col, select

from tpd_app.domain.compliance import (
    NATIONAL_DEFAULTS,
    ComplianceRule,
    CreditedHours,
    Period,
    period_of,
    progress,
    rules_for_county,
)
from tpd_app.domain.courses import hours_text, parse_hours
from tpd_app.domain.errors import Forbidden, NotFound, ValidationFailed
from tpd_app.domain.national_id import mask_national_id
from tpd_app.domain.permissions import Actor, Function, may
from tpd_app.domain.timeutil import format_date, roc_year, taipei_today, utcnow
from tpd_app.domain.units import UnitType
from tpd_app.domain.workqueue import Queue, QueueItem
from tpd_app.models import (
    ComplianceRuleRow,
    Course,
    CourseTopic,
    CourseTopicLink,
    ReportPermission,
    Teacher,
    TrainingRecord,
    Unit,
)
from tpd_app.services.platform import audit
from tpd_app.services.platform.guard import require
from tpd_app.services.platform.ids import require_id
from tpd_app.services.platform.refcache import ReferenceCache
from tpd_app.services.platform.validation import clean

#: The PDF is printed in Chinese whatever the UI language: it is an official record.
RULE_NAMES = {"overall": "全年研習時數", "environment": "環境教育", "special_education": "特殊教育知能"}
CJK_FONT_CANDIDATES = (
    (Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"), 3),  # index 3: Noto Sans CJK TC
    (Path("/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc"), 3),
)


@dataclass(frozen=True)
class RecordFilter:
    """Filters of the record page: a year (calendar or school), a kind, a topic; blank means all."""

    calendar_year: int | None = None
    school_year: int | None = None
    kind: str = ""
    topic: str = ""

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> RecordFilter:
        def year(name: str) -> int | None:
            raw = clean(params.get(name), 4)
            return int(raw) if raw.isdigit() else None

        return cls(calendar_year=year("calendar_year"), school_year=year("school_year"),
                   kind=clean(params.get("kind"), 32), topic=clean(params.get("topic"), 32))


#: Built once: every visit of 個人研習紀錄 runs them (SQLAlchemy then only looks up its compiled form).
_TOPICS_OF_COURSES = (
    select(CourseTopicLink.course_id, CourseTopic.code, CourseTopic.name_zh, CourseTopic.name_en)
    .join(CourseTopic, col(CourseTopic.id) == CourseTopicLink.topic_id)
    .where(col(CourseTopicLink.course_id).in_(sa.bindparam("course_ids", expanding=True))))
_LEDGER_ROWS = (
    select(TrainingRecord.calendar_year, TrainingRecord.school_year, TrainingRecord.minutes,
           TrainingRecord.credited_on, Course.id.label("course_id"), Course.code, Course.title,  # type: ignore[union-attr]
           Course.kind, Course.first_date, Unit.name.label("organizer"))  # type: ignore[attr-defined]
    .join(Course, col(Course.id) == TrainingRecord.course_id)
    .join(Unit, col(Unit.id) == TrainingRecord.organizer_unit_id)
    .where(TrainingRecord.teacher_id == sa.bindparam("teacher_id"), col(TrainingRecord.superseded_at).is_(None))
    .order_by(col(TrainingRecord.credited_on).desc(), col(TrainingRecord.id).desc()))
#: What the home page's hours check needs of her ledger: each current row's day and minutes with its course's
#: topic codes (a row per topic; one with no code when the course has none).
_CREDITED = (
    select(TrainingRecord.id, TrainingRecord.credited_on, TrainingRecord.minutes, CourseTopic.code)
    .outerjoin(CourseTopicLink, col(CourseTopicLink.course_id) == TrainingRecord.course_id)
    .outerjoin(CourseTopic, col(CourseTopic.id) == CourseTopicLink.topic_id)
    .where(TrainingRecord.teacher_id == sa.bindparam("teacher_id"), col(TrainingRecord.superseded_at).is_(None)))
_CREDITED_SINCE = _CREDITED.where(TrainingRecord.credited_on >= sa.bindparam("since"))
_WHO = (select(Teacher.id, Teacher.name, Teacher.national_id, Unit.name.label("school"),  # type: ignore[attr-defined]
               Unit.county)
        .outerjoin(Unit, col(Unit.id) == Teacher.school_unit_id).where(Teacher.id == sa.bindparam("teacher_id")))


def _topics_by_course(session: Session, course_ids: list[int]) -> dict[int, list[tuple[str, str, str]]]:
    """Each course's topics as (code, Chinese name, English name)."""
    topics: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    if course_ids:
        for course_id, code, name_zh, name_en in session.execute(_TOPICS_OF_COURSES,
                                                                 {"course_ids": sorted(set(course_ids))}):
            topics[course_id].append((code, name_zh, name_en))
    return topics


def _rows(session: Session, teacher_id: int) -> list[Any]:
    """The teacher's current ledger rows with what the record shows of each course (only those columns:
    every visit of 個人研習紀錄 reads them)."""
    return list(session.execute(_LEDGER_ROWS, {"teacher_id": teacher_id}).all())


def _stored_rules(session: Session) -> list[ComplianceRule]:
    return [ComplianceRule(r.key, r.topic, r.minutes, Period(r.period), r.county)
            for r in session.exec(select(ComplianceRuleRow)).all()]


#: Every record page reads them; a county sets them once a year or so.
_rules = ReferenceCache(_stored_rules, tables=("compliance_rule",), copy=list)  # of frozen rules


def load_rules(session: Session, county: str | None) -> list[ComplianceRule]:
    """The rules for a county: national rows (or the built-in defaults) with the county's overrides."""
    stored = _rules.get(session)
    national_keys = {r.key for r in stored if r.county is None}
    defaults = [r for r in NATIONAL_DEFAULTS if r.key not in national_keys]
    return [r for r in rules_for_county([*stored, *defaults], county) if r.minutes > 0]


@dataclass(frozen=True)
class _Whose:
    """Whose record it is: what its header shows and the county whose rules apply."""

    id: int
    name: str
    national_id: str
    school: str
    county: str | None


def record_of(session: Session, teacher: Teacher, flt: RecordFilter | None = None,
              today: date | None = None) -> dict[str, Any]:
    """The record of one teacher (the caller has checked access): rows, totals, compliance."""
    school = session.get(Unit, teacher.school_unit_id)
    whose = _Whose(id=teacher.id or 0, name=teacher.name, national_id=teacher.national_id,
                   school=school.name if school else "", county=school.county if school else None)
    return _record(session, whose, flt, today)


def _record(session: Session, whose: _Whose, flt: RecordFilter | None, today: date | None) -> dict[str, Any]:
    flt = flt or RecordFilter()
    rows = _rows(session, whose.id)
    topics = _topics_by_course(session, [r.course_id for r in rows])
    by_year: dict[int, int] = defaultdict(int)
    by_school_year: dict[int, int] = defaultdict(int)
    items = []
    for r in rows:
        by_year[r.calendar_year] += r.minutes
        by_school_year[r.school_year] += r.minutes
        codes = [code for code, _, _ in topics[r.course_id]]
        if (flt.calendar_year and r.calendar_year != flt.calendar_year) \
                or (flt.school_year and r.school_year != flt.school_year) \
                or (flt.kind and r.kind != flt.kind) or (flt.topic and flt.topic not in codes):
            continue
        items.append({"code": r.code, "title": r.title, "organizer": r.organizer, "kind": r.kind,
                      "topics": "、".join(name for _, name, _ in topics[r.course_id]),
                      "topics_en": ", ".join(name for _, _, name in topics[r.course_id]),
                      "date": format_date(r.first_date, roc=False) if r.first_date else "",
                      "end": format_date(r.credited_on, roc=False),
                      "hours": hours_text(r.minutes), "school_year": str(r.school_year)})
    credited = [CreditedHours(day=r.credited_on, minutes=r.minutes,
                              topics=frozenset(code for code, _, _ in topics[r.course_id])) for r in rows]
    rules = load_rules(session, whose.county)
    checks = progress(rules, credited, today or taipei_today())
    return {
        "teacher": {"name": whose.name, "national_id": mask_national_id(whose.national_id),
                    "school": whose.school},
        "rows": items,
        "shown_hours": hours_text(sum(parse_hours(i["hours"]) or 0 for i in items)),
        "calendar_years": [{"year": str(y), "roc": str(roc_year(y)), "hours": hours_text(m)}
                           for y, m in sorted(by_year.items(), reverse=True)],
        "school_years": [{"year": str(y), "hours": hours_text(m)} for y, m in sorted(by_school_year.items(),
                                                                                    reverse=True)],
        "compliance": [{"key": p.rule.key, "topic": p.rule.topic or "", "period": p.rule.period.value,
                        "label": str(p.period_label) if p.rule.period is Period.SCHOOL_YEAR
                        else str(roc_year(p.period_label)),
                        "required": hours_text(p.rule.minutes), "done": hours_text(p.done_minutes),
                        "missing": hours_text(p.missing_minutes), "percent": p.percent,
                        "met": "1" if p.met else ""} for p in checks],
        "total_hours": hours_text(sum(r.minutes for r in rows)),
    }


def my_record(session: Session, actor: Actor, flt: RecordFilter | None = None, *, ip: str = "") -> dict[str, Any]:
    """個人研習紀錄 of the signed-in teacher.

    Raises:
        Forbidden: not a teacher.
    """
    require(actor, Function.TEACHER_RECORDS, ip=ip)
    row = session.execute(_WHO, {"teacher_id": actor.id}).first()
    if row is None:
        raise NotFound()
    return _record(session, _Whose(id=row.id, name=row.name, national_id=row.national_id, school=row.school or "",
                                   county=row.county), flt, None)


def record_pdf(session: Session, actor: Actor, *, ip: str = "") -> bytes:
    """The teacher's whole record as a PDF (name, masked ID, school, every course, totals).

    Raises:
        Forbidden: not a teacher.
    """
    data = my_record(session, actor, ip=ip)
    return render_pdf(data)


def _cjk_font() -> tuple[Path, int]:
    for path, index in CJK_FONT_CANDIDATES:
        if path.exists():
            return path, index
    raise FileNotFoundError("Noto Sans CJK is not installed (apt-get install fonts-noto-cjk)")


def render_pdf(data: dict[str, Any]) -> bytes:
    """Lay out a record (as `record_of` returns it) on A4 pages with a CJK font."""
    font, index = _cjk_font()
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.add_font("cjk", "", str(font), collection_font_number=index)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("cjk", size=16)
    pdf.cell(0, 10, "教師個人研習紀錄", new_x="LMARGIN", new_y="NEXT", align="C")
    pdf.set_font("cjk", size=10)
    who = data["teacher"]
    pdf.cell(0, 7, f"姓名：{who['name']}　身分證字號：{who['national_id']}　服務學校：{who['school']}",
             new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 7, f"列印日期：{format_date(taipei_today(), roc=True)}　累計時數：{data['total_hours']} 小時",
             new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    widths = (22, 22, 70, 50, 16)
    with pdf.table(col_widths=widths, text_align=("LEFT", "LEFT", "LEFT", "LEFT", "RIGHT"),
                   line_height=6, headings_style=FontFace(emphasis="", fill_color=(230, 230, 230))) as table:
        table.row(["日期", "課程代碼", "課程名稱", "辦理單位", "時數"])
        for row in data["rows"]:
            table.row([row["date"], row["code"], row["title"], row["organizer"], row["hours"]])
    pdf.ln(4)
    pdf.multi_cell(0, 7, "學年度時數：" + "、".join(f"{y['year']} 學年度 {y['hours']} 小時"
                                                 for y in data["school_years"]), new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 7, "年度時數：" + "、".join(f"{y['year']} 年 {y['hours']} 小時"
                                               for y in data.get("calendar_years", [])), new_x="LMARGIN", new_y="NEXT")
    for check in data.get("compliance", []):
        period = f"{check['label']} 學年度" if check["period"] == "school_year" else f"民國 {check['label']} 年"
        state = "已達成" if check["met"] else f"尚缺 {check['missing']} 小時"
        pdf.cell(0, 7, f"{RULE_NAMES.get(check['key'], check['key'])}（{period}）：{check['done']} / "
                       f"{check['required']} 小時，{state}", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


# --- schools: 教師研習記錄, limited by the county's report permissions ---

def _overseeing_centre(session: Session, school: Unit) -> Unit | None:
    return session.get(Unit, school.reviewer_id) if school.reviewer_id else None


def report_permission_for(session: Session, school: Unit) -> dict[str, bool]:
    """What the school's overseeing centre lets it see: per-teacher detail, printing (default yes)."""
    centre = _overseeing_centre(session, school)
    row = session.exec(select(ReportPermission).where(ReportPermission.centre_unit_id == centre.id)).first() \
        if centre else None
    return {"view_detail": row.view_detail if row else True, "allow_print": row.allow_print if row else True}


def school_teacher_record(session: Session, actor: Actor, teacher_id: Any, *, ip: str = "") -> dict[str, Any]:
    """One teacher's record for her school, if the county allows per-teacher detail.

    Raises:
        Forbidden: no `teachers.records`, or the county forbids detail (`records.error.detail_forbidden`).
        NotFound: not a teacher of this school.
    """
    require(actor, Function.TEACHERS_RECORDS, ip=ip)
    school = session.get(Unit, actor.unit.id)
    if school is None:
        raise NotFound()
    if not report_permission_for(session, school)["view_detail"]:
        audit.record_now(action="access.denied", actor=actor, outcome="denied", target_type="teacher_record",
                         target_id=str(teacher_id)[:20], after={"reason": "county_forbids_detail"}, ip=ip)
        raise Forbidden("records.error.detail_forbidden")
    teacher = session.get(Teacher, require_id(teacher_id))
    if teacher is None or teacher.school_unit_id != school.id:
        raise NotFound()
    audit.record(session, action="records.view", actor=actor, target_type="teacher", target_id=teacher.id or "",
                 ip=ip)
    return record_of(session, teacher)


def get_report_permission(session: Session, actor: Actor, *, ip: str = "") -> dict[str, str]:
    """修改本縣市教師報表權限: the centre's current setting for the schools it oversees.

    Raises:
        Forbidden: not a county bureau, 國教署 or the national centre.
    """
    require(actor, Function.COUNTY_REPORT_PERMISSIONS, ip=ip)
    row = session.exec(select(ReportPermission).where(ReportPermission.centre_unit_id == actor.unit.id)).first()
    return {"view_detail": "1" if (row is None or row.view_detail) else "",
            "allow_print": "1" if (row is None or row.allow_print) else ""}


def save_report_permission(session: Session, actor: Actor, view_detail: Any, allow_print: Any, *,
                           ip: str = "") -> None:
    """Set what the centre's schools may view and print of their teachers' records (audited).

    Raises:
        Forbidden: not a county bureau, 國教署 or the national centre.
        ValidationFailed: values not booleans.
    """
    require(actor, Function.COUNTY_REPORT_PERMISSIONS, ip=ip)
    if not isinstance(view_detail, bool) or not isinstance(allow_print, bool):
        raise ValidationFailed({"view_detail": "records.error.invalid_choice"})
    row = session.exec(select(ReportPermission).where(ReportPermission.centre_unit_id == actor.unit.id)).first()
    before = {"view_detail": row.view_detail, "allow_print": row.allow_print} if row else None
    row = row or ReportPermission(centre_unit_id=actor.unit.id)
    row.view_detail, row.allow_print = view_detail, allow_print and view_detail
    row.updated_by_account_id, row.updated_at = actor.id, utcnow()
    session.add(row)
    session.flush()
    audit.record(session, action="records.permissions", actor=actor, target_type="unit", target_id=actor.unit.id,
                 before=before, after={"view_detail": row.view_detail, "allow_print": row.allow_print}, ip=ip)


def list_rules(session: Session, actor: Actor, *, ip: str = "") -> list[dict[str, str]]:
    """The compliance rules in force for the centre's county (national ones for nationwide units).

    Raises:
        Forbidden: not a centre that sets report permissions.
    """
    require(actor, Function.COUNTY_REPORT_PERMISSIONS, ip=ip)
    county = actor.unit.county if actor.unit.type is UnitType.COUNTY_BUREAU else None
    return [{"key": r.key, "topic": r.topic or "", "hours": hours_text(r.minutes), "period": r.period.value,
             "scope": "county" if r.county else "national"} for r in load_rules(session, county)]


def save_rule(session: Session, actor: Actor, key: Any, hours: Any, *, ip: str = "") -> None:
    """A county bureau overrides a rule's hours for its county (0 switches it off); the national
    centre changes the national default.

    Raises:
        Forbidden: other units (國教署 sets permissions but has no county rules).
        ValidationFailed: unknown rule or invalid hours.
    """
    require(actor, Function.COUNTY_REPORT_PERMISSIONS, ip=ip)
    if actor.unit.type is UnitType.COUNTY_BUREAU:
        county: str | None = actor.unit.county
    elif actor.unit.type is UnitType.NATIONAL_CENTER:
        county = None
    else:
        raise Forbidden("error.forbidden.unit_type")
    base = {r.key: r for r in load_rules(session, None)} | {r.key: r for r in NATIONAL_DEFAULTS}
    rule = base.get(clean(key, 32))
    text = clean(hours, 6)
    minutes = 0 if text in ("0", "0.0") else parse_hours(text)
    if rule is None or minutes is None:
        raise ValidationFailed({"hours": "records.error.rule_hours"})
    row = session.exec(select(ComplianceRuleRow).where(ComplianceRuleRow.key == rule.key,
                                                       ComplianceRuleRow.county == county
                                                       if county else col(ComplianceRuleRow.county).is_(None))).first()
    before = {"minutes": row.minutes} if row else None
    row = row or ComplianceRuleRow(key=rule.key, county=county, topic=rule.topic, minutes=minutes,
                                   period=rule.period.value)
    row.minutes, row.updated_by_account_id, row.updated_at = minutes, actor.id, utcnow()
    session.add(row)
    session.flush()
    _rules.forget()
    audit.record(session, action="records.rule", actor=actor, target_type="compliance_rule", target_id=rule.key,
                 before=before, after={"minutes": minutes, "county": county}, ip=ip)


def work_queue(session: Session, actor: Actor) -> list[QueueItem]:
    """The home page's hours work of a teacher: the statutory rules she has not met yet in their current
    period, with the hours the 18-hour school-year rule still needs (the record page's checks, from only
    the days, minutes and topics of her ledger)."""
    if not may(actor, Function.TEACHER_RECORDS):
        return []
    today = taipei_today()
    who = session.execute(_WHO, {"teacher_id": actor.id}).first()
    rules = load_rules(session, who.county if who else None)
    # Only the current periods count: the rest of a long career's ledger is not read.
    since = min((period_of(rule, today)[1] for rule in rules), default=today)
    day_minutes: dict[int, tuple[date, int]] = {}
    codes: dict[int, set[str]] = defaultdict(set)
    for record_id, credited_on, minutes, code in session.execute(
            _CREDITED_SINCE, {"teacher_id": actor.id, "since": since}):
        day_minutes[record_id] = (credited_on, minutes)
        if code is not None:
            codes[record_id].add(code)
    credited = [CreditedHours(day=day, minutes=minutes, topics=frozenset(codes[record_id]))
                for record_id, (day, minutes) in day_minutes.items()]
    checks = progress(rules, credited, today)
    overall = next((p for p in checks if p.rule.key == "overall"), None)
    unmet = sum(1 for p in checks if not p.met)
    return [QueueItem(Queue.HOURS_MISSING, unmet, figure=hours_text(overall.missing_minutes) if overall else "")]
