"""教師研習記錄 as a compliance view (SPEC §3.3.4, issue 15): every serving teacher of the school with this
school year's hours and each statutory rule's progress and shortfall, filtered ("below 18 h", short on a
rule, all met) and sorted; the summary as Excel (never individual records, SPEC §3.6) where the county
allows printing; a reminder mail to the teachers who are short, at most once a day each.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from openpyxl import Workbook
from openpyxl.styles import Font
from sqlmodel import Session, col, func, select

from tpd_app.domain.compliance import CreditedHours, Period, Progress, period_of, progress
from tpd_app.domain.courses import hours_text
from tpd_app.domain.errors import Forbidden, NotFound, ValidationFailed
from tpd_app.domain.national_id import mask_national_id
from tpd_app.domain.permissions import Actor, Function, UnitRef, may
from tpd_app.domain.timeutil import format_date, format_datetime, roc_year, taipei_today, utcnow
from tpd_app.domain.training_years import school_year_of
from tpd_app.domain.workqueue import Queue, QueueItem
from tpd_app.i18n import translate
from tpd_app.models import ComplianceReminder, CourseTopic, CourseTopicLink, Teacher, TrainingRecord, Unit
from tpd_app.services.hours.records import load_rules, report_permission_for
from tpd_app.services.platform import audit, outbox
from tpd_app.services.platform.guard import require, unit_ref
from tpd_app.services.platform.sql import upsert_insert
from tpd_app.services.platform.validation import clean

SHOWS = ("all", "below", "short", "met")
SORTS = ("name", "hours", "shortfall")
PAGE_SIZE = 50
#: The rule whose shortfall "below 18 h" means (the school year's hours, whatever the topic).
OVERALL = "overall"


@dataclass(frozen=True)
class ComplianceQuery:
    """What the page shows: which teachers (`show`), in what order, matching `keyword`, which page."""

    show: str = "all"
    sort: str = "name"
    descending: bool = False
    keyword: str = ""
    page: int = 1

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> ComplianceQuery:
        """From the page's query string or form (anything a browser may send)."""
        show = clean(params.get("show"), 8) or ("below" if clean(params.get("below"), 2) == "1" else "all")
        sort = clean(params.get("sort"), 12)
        page = clean(params.get("page"), 6)
        return cls(show=show if show in SHOWS else "all", sort=sort if sort in SORTS else "name",
                   descending=clean(params.get("desc"), 2) == "1", keyword=clean(params.get("q"), 40),
                   page=int(page) if page.isdigit() and 0 < int(page) < 10_000 else 1)


@dataclass(frozen=True)
class Standing:
    """One teacher against the rules of her county, in the periods that contain `on`."""

    teacher_id: int
    name: str
    national_id: str
    email: str
    checks: list[Progress]

    def check(self, key: str) -> Progress | None:
        return next((p for p in self.checks if p.rule.key == key), None)

    @property
    def year_minutes(self) -> int:
        """This school year's hours (the overall rule counts every topic)."""
        overall = self.check(OVERALL)
        return overall.done_minutes if overall else 0

    @property
    def below(self) -> bool:
        overall = self.check(OVERALL)
        return overall is not None and not overall.met

    @property
    def short(self) -> bool:
        return any(not p.met for p in self.checks)

    @property
    def shortfall_minutes(self) -> int:
        """What is still missing over every rule (the figure the page sorts by)."""
        return sum(p.missing_minutes for p in self.checks)


_TOPICS = (select(CourseTopicLink.course_id, CourseTopic.code)
           .join(CourseTopic, col(CourseTopic.id) == CourseTopicLink.topic_id)
           .where(col(CourseTopicLink.course_id).in_(sa.bindparam("course_ids", expanding=True))))


def _school(session: Session, actor: Actor, ip: str) -> Unit:
    require(actor, Function.TEACHERS_RECORDS, ip=ip)
    school = session.get(Unit, actor.unit.id)
    if school is None:
        raise NotFound()
    require(actor, Function.TEACHERS_RECORDS, unit_ref(school), ip=ip)
    return school


def standings(session: Session, school: Unit, on: date) -> list[Standing]:
    """Every serving teacher of `school` with her progress on each rule of the school's county: the
    ledger's current rows since the earliest period start, read once for the whole school."""
    rules = load_rules(session, school.county)
    teachers = session.execute(
        select(Teacher.id, Teacher.name, Teacher.national_id, Teacher.email)
        .where(Teacher.school_unit_id == school.id, Teacher.employment == "serving")
        .order_by(col(Teacher.name), col(Teacher.id))).all()
    if not teachers:
        return []
    since = min((period_of(rule, on)[1] for rule in rules), default=on)
    credited: dict[int, list[tuple[date, int, int]]] = defaultdict(list)
    for teacher_id, day, minutes, course_id in session.execute(
            select(TrainingRecord.teacher_id, TrainingRecord.credited_on, TrainingRecord.minutes,
                   TrainingRecord.course_id)
            .where(col(TrainingRecord.teacher_id).in_([t.id for t in teachers]),
                   col(TrainingRecord.superseded_at).is_(None), TrainingRecord.credited_on >= since)):
        credited[teacher_id].append((day, minutes, course_id))
    course_ids = sorted({course for rows in credited.values() for _, _, course in rows})
    topics: dict[int, set[str]] = defaultdict(set)
    if course_ids:
        for course_id, code in session.execute(_TOPICS, {"course_ids": course_ids}):
            topics[course_id].add(code)
    return [Standing(teacher_id=t.id, name=t.name, national_id=t.national_id, email=t.email or "",
                     checks=progress(rules, [CreditedHours(day=d, minutes=m, topics=frozenset(topics[c]))
                                             for d, m, c in credited[t.id]], on))
            for t in teachers]


def _chosen(rows: list[Standing], query: ComplianceQuery) -> list[Standing]:
    keep = {"all": lambda s: True, "below": lambda s: s.below, "short": lambda s: s.short,
            "met": lambda s: not s.short}[query.show]
    word = query.keyword.upper()
    chosen = [s for s in rows if keep(s) and (not word or word in s.name.upper() or word == s.national_id.upper())]
    key = {"name": lambda s: (s.name, s.teacher_id), "hours": lambda s: (s.year_minutes, s.name),
           "shortfall": lambda s: (s.shortfall_minutes, s.name)}[query.sort]
    return sorted(chosen, key=key, reverse=query.descending)


def _row(s: Standing) -> dict[str, str]:
    """One teacher as the page shows her: per rule `done_<key>`, `missing_<key>`, `met_<key>`, `percent_<key>`."""
    row = {"id": str(s.teacher_id), "name": s.name, "national_id": mask_national_id(s.national_id),
           "hours": hours_text(s.year_minutes), "shortfall": hours_text(s.shortfall_minutes),
           "state": "below" if s.below else "short" if s.short else "met"}
    for p in s.checks:
        key = p.rule.key
        row |= {f"done_{key}": hours_text(p.done_minutes), f"missing_{key}": hours_text(p.missing_minutes),
                f"met_{key}": "1" if p.met else "", f"percent_{key}": str(p.percent)}
    return row


def _periods(rows: list[Standing], on: date) -> list[dict[str, str]]:
    """Each rule with the period it is counted in (the header of the page and of the workbook)."""
    if not rows:
        return []
    out = []
    for p in rows[0].checks:
        label = period_of(p.rule, on)[0]
        out.append({"key": p.rule.key, "period": p.rule.period.value, "required": hours_text(p.rule.minutes),
                    "label": str(label) if p.rule.period is Period.SCHOOL_YEAR else str(roc_year(label))})
    return out


def _last_reminder(session: Session, school_id: int) -> dict[str, str]:
    row = session.execute(select(func.max(ComplianceReminder.sent_at), func.count())
                          .where(ComplianceReminder.school_unit_id == school_id,
                                 ComplianceReminder.sent_on == sa.select(func.max(ComplianceReminder.sent_on))
                                 .where(ComplianceReminder.school_unit_id == school_id).scalar_subquery())).one()
    if row[0] is None:
        return {}
    return {"when": format_datetime(row[0], roc=False), "count": str(row[1])}


def school_compliance(session: Session, actor: Actor, query: ComplianceQuery | None = None, *,
                      today: date | None = None, ip: str = "") -> dict[str, Any]:
    """The page: the chosen teachers (one page of them), the counts of each group, the rules with their
    periods, what the county allows, and when the last reminder went.

    Raises:
        Forbidden: the account may not view teacher records.
    """
    school = _school(session, actor, ip)
    query = query or ComplianceQuery()
    on = today or taipei_today()
    rows = standings(session, school, on)
    chosen = _chosen(rows, query)
    pages = max(1, -(-len(chosen) // PAGE_SIZE))
    page = min(query.page, pages)
    allowed = report_permission_for(session, school)
    return {
        "rows": [_row(s) for s in chosen[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]],
        "counts": {"all": len(rows), "below": sum(s.below for s in rows), "short": sum(s.short for s in rows),
                   "met": sum(not s.short for s in rows), "shown": len(chosen)},
        "page": page, "pages": pages,
        "rules": _periods(rows, on),
        "school_year": str(school_year_of(on)),
        "permissions": {k: "1" if v else "" for k, v in allowed.items()},
        "reminded": _last_reminder(session, school.id or 0),
        "can_remind": "1" if any(s.short and s.email for s in rows) else "",
    }


#: A serving teacher's current minutes in the overall rule's period, for the count below.
_DONE_IN_PERIOD = (select(func.coalesce(func.sum(TrainingRecord.minutes), 0))
                   .where(col(TrainingRecord.teacher_id) == col(Teacher.id),
                          col(TrainingRecord.superseded_at).is_(None),
                          TrainingRecord.credited_on >= sa.bindparam("start"),
                          TrainingRecord.credited_on <= sa.bindparam("end"))
                   .correlate(Teacher).scalar_subquery())
#: How many serving teachers of a school have fewer minutes than the overall rule asks (the page's "below").
_BELOW = (select(func.count()).select_from(Teacher)
          .where(Teacher.school_unit_id == sa.bindparam("school_id"), Teacher.employment == "serving",
                 sa.bindparam("minutes") > _DONE_IN_PERIOD))


def teachers_below(session: Session, school: UnitRef, *, today: date | None = None) -> int:
    """How many serving teachers of the school are below the overall rule this school year: what the
    compliance page counts as "below", counted by the database instead of worked out teacher by teacher."""
    on = today or taipei_today()
    overall = next((r for r in load_rules(session, school.county) if r.key == OVERALL), None)
    if overall is None:
        return 0
    if overall.topic is not None:  # a county's overall rule on one topic: the page's own reckoning
        unit = session.get(Unit, school.id)
        return sum(s.below for s in standings(session, unit, on)) if unit else 0
    _, start, end = period_of(overall, on)
    return session.execute(_BELOW, {"school_id": school.id, "start": start, "end": end,
                                    "minutes": overall.minutes}).scalar_one()


def work_queue(session: Session, actor: Actor) -> list[QueueItem]:
    """The home page's compliance work of a school: its teachers below the year's hours."""
    if not may(actor, Function.TEACHERS_RECORDS):
        return []
    return [QueueItem(Queue.TEACHERS_BELOW, teachers_below(session, actor.unit))]


def _cell(value: str) -> str:
    """A text cell that Excel will not run as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def summary_workbook(session: Session, actor: Actor, lang: str, query: ComplianceQuery | None = None, *,
                     today: date | None = None, ip: str = "") -> tuple[str, bytes]:
    """The summary as .xlsx: one row per teacher (the page's filter and order, every page), her year's
    hours and each rule's hours and shortfall. No course of anyone's record is in it (SPEC §3.6).

    Raises:
        Forbidden: no `teachers.records`, or the county does not let its schools print the records
            (`records.error.print_forbidden`).
    """
    school = _school(session, actor, ip)
    if not report_permission_for(session, school)["allow_print"]:
        audit.record_now(action="access.denied", actor=actor, outcome="denied", target_type="teacher_records",
                         target_id=school.id or "", after={"reason": "county_forbids_print"}, ip=ip)
        raise Forbidden("records.error.print_forbidden")
    on = today or taipei_today()
    query = query or ComplianceQuery()
    rows = _chosen(standings(session, school, on), query)
    periods = _periods(rows, on) if rows else []
    t = lambda key, **kw: translate(key, lang, **kw)  # noqa: E731
    book = Workbook()
    sheet = book.active
    sheet.title = t("records.compliance.sheet")[:31]
    sheet.append([t("records.compliance.workbook_title", school=school.name,
                    year=str(school_year_of(on)), day=format_date(on, roc=lang == "zh-TW"))])
    sheet["A1"].font = Font(bold=True)
    sheet.append([t("records.compliance.filter." + query.show)])
    header = [t("attendance.field.name"), t("attendance.field.national_id"), t("records.compliance.year_hours")]
    for p in periods:
        rule = t("records.rule." + p["key"])
        header += [t("records.compliance.col_done", rule=rule, required=p["required"]),
                   t("records.compliance.col_missing", rule=rule)]
    header.append(t("records.compliance.col_state"))
    sheet.append(header)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for s in rows:
        line: list[Any] = [_cell(s.name), mask_national_id(s.national_id), s.year_minutes / 60]
        for p in s.checks:
            line += [p.done_minutes / 60, p.missing_minutes / 60]
        line.append(t("records.compliance.state." + ("below" if s.below else "short" if s.short else "met")))
        sheet.append(line)
    for column, width in zip("ABC", (14, 14, 12), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    audit.record(session, action="records.export", actor=actor, target_type="unit", target_id=school.id or "",
                 after={"teachers": len(rows), "show": query.show}, ip=ip)
    return f"{t('records.compliance.file')}-{school_year_of(on)}.xlsx", buffer.getvalue()


def send_reminders(session: Session, actor: Actor, *, today: date | None = None, ip: str = "") -> dict[str, int]:
    """Mail each serving teacher who is short on a rule (with an address) what she still needs, unless
    she had this reminder today. Returns how many were sent, already reminded today, without e-mail.

    Raises:
        Forbidden: the account may not view teacher records.
        ValidationFailed: nobody is short (`records.reminder.nobody`).
    """
    school = _school(session, actor, ip)
    on = today or taipei_today()
    rows = [s for s in standings(session, school, on) if s.short]
    if not rows:
        raise ValidationFailed({"reminder": "records.reminder.nobody"})
    no_email = sum(1 for s in rows if not s.email)
    # Claim today's reminder of each teacher first: of two people pressing at once (or twice in a row),
    # only the first claim of a teacher inserts its row, and only claimed teachers get a mail.
    wanted = [s for s in rows if s.email]
    claimed: set[int] = set()
    if wanted:
        now = utcnow()
        table = ComplianceReminder.__table__  # type: ignore[attr-defined]
        claim = (upsert_insert(session, table)
                 .values([{"teacher_id": s.teacher_id, "school_unit_id": school.id or 0, "sent_on": on,
                           "sent_by_account_id": actor.id, "sent_at": now} for s in wanted])
                 .on_conflict_do_nothing(index_elements=["teacher_id", "sent_on"])
                 .returning(table.c.teacher_id))
        claimed = set(session.execute(claim).scalars())
    messages = []
    for s in wanted:
        if s.teacher_id not in claimed:
            continue
        missing = "、".join(translate("records.reminder.line", "zh-TW",
                                     rule=translate("records.rule." + p.rule.key, "zh-TW"),
                                     done=hours_text(p.done_minutes), required=hours_text(p.rule.minutes),
                                     missing=hours_text(p.missing_minutes))
                           for p in s.checks if not p.met)
        messages.append({"to": s.email, "kind": "compliance_reminder",
                         "subject": translate("mail.compliance.subject", "zh-TW", school=school.name),
                         "body": translate("mail.compliance.body", "zh-TW", name=s.name, school=school.name,
                                           missing=missing, year=str(school_year_of(on)))})
    outbox.queue_many(session, messages)
    session.flush()
    outcome = {"sent": len(claimed), "already": len(wanted) - len(claimed), "no_email": no_email}
    audit.record(session, action="records.remind", actor=actor, target_type="unit", target_id=school.id or "",
                 after=outcome, ip=ip)
    return outcome
