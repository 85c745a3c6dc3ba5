"""每月初確認上一個月所傳報之資料 (SPEC §3.5, seed 參.三.(二).2.(3)): what a county's system sent in a month,
summarised per school with what was refused, and its confirmation, which credits every provisional list of
the month in one transaction (the teachers' records and the statistics rollups, as list confirmation does)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlmodel import Session, col, func, select

from tpd_app.domain.errors import DomainError, Forbidden
from tpd_app.domain.permissions import Actor, Function
from tpd_app.domain.registration import ListStatus
from tpd_app.domain.reporting import confirmable, may_manage_clients, month_of, parse_month, previous_month
from tpd_app.domain.timeutil import format_datetime, taipei_today, utcnow
from tpd_app.i18n import translate
from tpd_app.models import (
    AttendanceEntry,
    AttendanceList,
    BusinessAccount,
    Course,
    ReportedMonth,
    ReportedMonthLook,
    ReportRejection,
    Unit,
)
from tpd_app.services.hours import attendance
from tpd_app.services.platform import audit, outbox
from tpd_app.services.platform.guard import require


def _require_owner(actor: Actor, ip: str) -> None:
    require(actor, Function.COURSE_REVIEW, ip=ip, detail="reported_months")
    if not may_manage_clients(actor):
        audit.record_now(action="access.denied", actor=actor, outcome="denied", target_type="function",
                         target_id="reported_months", after={"reason": "unit_type"}, ip=ip)
        raise Forbidden("error.forbidden.unit_type")


def _month(text: Any, today: date) -> str:
    return parse_month(str(text or "")) or previous_month(today)


def _lists(session: Session, actor: Actor, month: str) -> list[tuple[AttendanceList, Course, Unit]]:
    return list(session.exec(
        select(AttendanceList, Course, Unit).join(Course, col(Course.id) == AttendanceList.course_id)
        .join(Unit, col(Unit.id) == AttendanceList.organizer_unit_id)
        .where(AttendanceList.reviewer_unit_id == actor.unit.id, AttendanceList.reported_month == month)
        .order_by(col(Unit.code), col(Course.code))).all())


def _totals(session: Session, list_ids: list[int]) -> dict[int, tuple[int, int]]:
    """{list id: (attendees, minutes)} in one query."""
    if not list_ids:
        return {}
    rows = session.exec(select(AttendanceEntry.list_id, func.count(), func.sum(AttendanceEntry.minutes))
                        .where(col(AttendanceEntry.list_id).in_(list_ids)).group_by(AttendanceEntry.list_id)).all()
    return {list_id: (int(count), int(minutes or 0)) for list_id, count, minutes in rows}


def month_summary(session: Session, actor: Actor, month: Any = "", *, ip: str = "",
                  today: date | None = None) -> dict[str, Any]:
    """A month of what the own system sent (last month unless `month` names one): per school the courses,
    lists, participants and hours; each list's state; what was refused and why; whether it may be confirmed;
    and what changed since the owner's accounts last looked at this month (lists sent again, new refusals),
    after which this look is the last.

    Raises:
        Forbidden: only county bureaus and the national centre report back-end.
    """
    _require_owner(actor, ip)
    today = today or taipei_today()
    key = _month(month, today)
    rows = _lists(session, actor, key)
    look = session.exec(select(ReportedMonthLook).where(ReportedMonthLook.owner_unit_id == actor.unit.id,
                                                        ReportedMonthLook.month == key)).first()
    since = look.looked_at if look else None
    totals = _totals(session, [roster.id or 0 for roster, _, _ in rows])
    schools: dict[int, dict[str, Any]] = {}
    lists = []
    for roster, course, unit in rows:
        school = schools.setdefault(unit.id or 0, {"code": unit.code, "name": unit.name, "lists": 0,
                                                   "participants": 0, "minutes": 0})
        school["lists"] += 1
        entries, minutes = totals.get(roster.id or 0, (0, 0))
        school["participants"] += entries
        school["minutes"] += minutes
        lists.append({"code": course.code, "title": course.title, "school": unit.name,
                      "entries": str(entries), "status": roster.status,
                      "revision": str(roster.revision),
                      "changed": "1" if since and roster.updated_at > since else ""})
    refused = session.exec(select(ReportRejection).where(ReportRejection.owner_unit_id == actor.unit.id,
                                                        ReportRejection.month == key)
                           .order_by(col(ReportRejection.id).desc()).limit(500)).all()
    done = session.exec(select(ReportedMonth).where(ReportedMonth.owner_unit_id == actor.unit.id,
                                                    ReportedMonth.month == key)).first()
    pending = sum(1 for roster, _, _ in rows if roster.status == ListStatus.SUBMITTED.value)
    rejections = [{"kind": r.kind, "external_id": r.external_id, "at": format_datetime(r.at, roc=False),
                   "problem": next((p.get("key", "") for p in r.problems), ""), "count": str(len(r.problems)),
                   "new": "1" if since and r.at > since else ""} for r in refused]
    if look is None:
        look = ReportedMonthLook(owner_unit_id=actor.unit.id, month=key)
    look.looked_at = utcnow()
    session.add(look)
    session.flush()
    return {
        "month": key,
        "schools": [{"code": s["code"], "name": s["name"], "lists": str(s["lists"]),
                     "participants": str(s["participants"]), "hours": f"{s['minutes'] / 60:g}"}
                    for s in schools.values()],
        "lists": lists,
        "rejections": rejections,
        "last_look": format_datetime(since, roc=False) if since else "",
        "changed_lists": str(sum(1 for row in lists if row["changed"])),
        "new_rejections": str(sum(1 for row in rejections if row["new"])),
        "pending": str(pending),
        "confirmed_at": format_datetime(done.confirmed_at, roc=False) if done else "",
        "can_confirm": "1" if pending and confirmable(key, today) else "",
        "not_over": "" if confirmable(key, today) else "1",
    }


def confirm_month(session: Session, actor: Actor, month: Any, *, ip: str = "", today: date | None = None,
                  progress: Callable[[int, int], None] | None = None) -> dict[str, str]:
    """Confirm a month that has ended: every provisional list of it is credited (teachers' records and the
    statistics) in this one transaction; a list sent again later is its own next month's.

    Raises:
        Forbidden: not a county bureau or the national centre.
        DomainError: `reporting.error.month_not_over`, `reporting.error.nothing_to_confirm`.
    """
    _require_owner(actor, ip)
    today = today or taipei_today()
    key = parse_month(str(month or ""))
    if key is None or not confirmable(key, today):
        raise DomainError("reporting.error.month_not_over", month=key or str(month)[:10])
    pending = [r for r, _, _ in _lists(session, actor, key) if r.status == ListStatus.SUBMITTED.value]
    if not pending:
        raise DomainError("reporting.error.nothing_to_confirm", month=key)
    entries = 0
    for done, roster in enumerate(pending, start=1):
        entries += attendance.confirm_list(session, actor, roster.id, ip=ip, by_month=True)
        if progress:
            progress(done, len(pending))
    minutes = sum(m for _, m in _totals(session, [r.id or 0 for r in pending]).values())
    row = session.exec(select(ReportedMonth).where(ReportedMonth.owner_unit_id == actor.unit.id,
                                                   ReportedMonth.month == key)).first()
    if row is None:
        row = ReportedMonth(owner_unit_id=actor.unit.id, month=key)
    row.lists, row.entries, row.minutes = row.lists + len(pending), row.entries + entries, row.minutes + minutes
    row.confirmed_by_account_id = actor.account_id
    session.add(row)
    session.flush()
    audit.record(session, action="reporting.confirm_month", actor=actor, target_type="month", target_id=key,
                 after={"lists": len(pending), "entries": entries, "minutes": minutes}, ip=ip)
    return {"month": key, "lists": str(len(pending)), "entries": str(entries)}





#: The worker reminds a unit of a month it has not confirmed on these days of the following months.
REMIND_DAYS = (1, 5, 10)


def unconfirmed(session: Session, today: date) -> dict[int, dict[str, int]]:
    """{owner unit id: {month: provisional lists}} for every month that has ended and still waits."""
    rows = session.exec(select(AttendanceList.reviewer_unit_id, AttendanceList.reported_month, func.count())
                        .where(col(AttendanceList.reported_month).is_not(None),
                               col(AttendanceList.reported_month) < month_of(today),
                               AttendanceList.status == ListStatus.SUBMITTED.value)
                        .group_by(AttendanceList.reviewer_unit_id, AttendanceList.reported_month)).all()
    found: dict[int, dict[str, int]] = {}
    for unit_id, month, count in rows:
        found.setdefault(unit_id or 0, {})[month or ""] = int(count)
    return found


def send_reminders(session: Session, today: date) -> int:
    """The worker's chore: on the 1st (and the 5th and 10th while it waits) every active account of a unit
    with an ended month not yet confirmed is reminded of it. Returns how many mails were queued."""
    if today.day not in REMIND_DAYS:
        return 0
    mails = []
    for unit_id, waiting in unconfirmed(session, today).items():
        accounts = session.exec(select(BusinessAccount).where(BusinessAccount.unit_id == unit_id,
                                                              BusinessAccount.status == "active")).all()
        text = "、".join(f"{m}（{n}）" for m, n in sorted(waiting.items()))
        mails += [{"to": a.email, "kind": "reporting.reminder",
                   "subject": translate("reporting.reminder.subject"),
                   "body": translate("reporting.reminder.body", name=a.name or a.username, months=text)}
                  for a in accounts]
    return outbox.queue_many(session, mails)
