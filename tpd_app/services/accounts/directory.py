"""School directory changes (學校名錄異動, seed §參.三.(二).1.(7)): regional centres report new, closed,
renamed, transformed and merged schools with an effective date; the national centre acknowledges.

A change takes effect on its effective date (at once when that is today or earlier; later ones by
`apply_due_changes`, run by the page and the CLI). A merger moves the school's teachers and
accounts to the successor; history keeps the old name (teacher placements, the change row, audit).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from tpd_app.domain import accounts as rules
from tpd_app.domain.accounts import DirectoryChangeStatus
from tpd_app.domain.errors import Forbidden, NotFound, ValidationFailed
from tpd_app.domain.permissions import Actor, Function
from tpd_app.domain.timeutil import format_date, format_datetime, parse_day, taipei_today, utcnow
from tpd_app.domain.units import COUNTIES, NATIONWIDE, REGIONAL_CENTERS, AccountCategory, SchoolLevel, UnitType
from tpd_app.i18n import translate
from tpd_app.models import BusinessAccount, Course, DirectoryChange, OutboxMessage, Teacher, Unit
from tpd_app.services.accounts.auth import end_sessions
from tpd_app.services.accounts.business import refuse
from tpd_app.services.accounts.profile import UNIT_CONTACT_FIELDS, save_unit_contact
from tpd_app.services.accounts.teachers import move_teacher
from tpd_app.services.courses.access import reviewing_centre_id
from tpd_app.services.platform import audit, outbox
from tpd_app.services.platform.guard import require, unit_ref
from tpd_app.services.platform.validation import clean

APPLIED = DirectoryChangeStatus.APPLIED.value
SCHEDULED = DirectoryChangeStatus.SCHEDULED.value
ACKNOWLEDGED = DirectoryChangeStatus.ACKNOWLEDGED.value
PLANNED = "planned"


def _parse_date(raw: object) -> date | None:
    return parse_day(raw)


def _unit_by_code(session: Session, code: object) -> Unit | None:
    text = clean(code, 32)
    return session.exec(select(Unit).where(Unit.code == text)).first() if text else None


def _check_reach(actor: Actor, unit: Unit, ip: str) -> None:
    if problem := rules.directory_problem(actor, unit_ref(unit)):
        raise refuse(actor, "directory.report", problem, target_type="unit", target_id=unit.id, ip=ip)


def report_change(session: Session, actor: Actor, data: dict[str, Any], *, ip: str = "") -> dict[str, str]:
    """Report one directory change; applied at once when its effective date has come.

    Raises:
        Forbidden: the actor is no centre, or the school is outside its jurisdiction.
        ValidationFailed: unknown kind, date, school or successor; taken code; missing name.
    """
    require(actor, Function.ACCOUNTS_SUBORDINATE, ip=ip)
    if problem := rules.directory_problem(actor, None):
        raise Forbidden(problem)
    errors: dict[str, str] = {}
    kind = str(data.get("kind") or "")
    if kind not in rules.DIRECTORY_KINDS:
        raise ValidationFailed({"kind": "validation.required"})
    effective = _parse_date(data.get("effective_date"))
    if effective is None:
        errors["effective_date"] = "directory.error.date"
    new_name = clean(data.get("new_name"), 200)
    level_after = clean(data.get("school_level"), 32) if kind == "transformed" else ""
    note = clean(data.get("note"), 500)
    successor = None
    if kind == "new":
        unit = _planned_unit(session, actor, data, errors)
    else:
        unit = _unit_by_code(session, data.get("unit_code"))
        if unit is None or unit.status != "active" or unit.type not in (UnitType.SCHOOL, UnitType.EXPERIMENTAL_ORG):
            errors["unit_code"] = "directory.error.unit"
        else:
            _check_reach(actor, unit, ip)
        if kind in ("renamed",) and not new_name:
            errors["new_name"] = "validation.required"
        if kind == "transformed" and not new_name and not level_after:
            errors["school_level"] = "directory.error.transform"
        if level_after and level_after not in {level.value for level in SchoolLevel}:
            errors["school_level"] = "validation.required"
        if kind == "merged":
            successor = _unit_by_code(session, data.get("successor_code"))
            if successor is None or successor.status != "active" or unit is None or successor.id == unit.id:
                errors["successor_code"] = "directory.error.unit"
            else:
                _check_reach(actor, successor, ip)
    if errors:
        raise ValidationFailed(errors)
    assert unit is not None and effective is not None
    change = DirectoryChange(kind=kind, unit_id=unit.id or 0, successor_id=successor.id if successor else None,
                             unit_name_before=unit.name if kind != "new" else "",
                             unit_name_after=unit.name if kind == "new" else new_name, unit_code=unit.code,
                             school_level_after=level_after,
                             effective_date=effective, note=note, reported_by_id=actor.id,
                             reporter_unit_id=actor.unit.id, status=SCHEDULED)
    session.add(change)
    session.flush()
    audit.record(session, action="directory.report", actor=actor, target_type="directory_change",
                 target_id=change.id or "", after={"kind": kind, "unit": unit.code, "effective": effective.isoformat(),
                                                   "successor": successor.code if successor else None}, ip=ip)
    if effective <= taipei_today():
        apply_change(session, change)
    return change_row(session, change)


def _planned_unit(session: Session, actor: Actor, data: dict[str, Any], errors: dict[str, str]) -> Unit | None:
    """A new school, created `planned` until its effective date."""
    code = clean(data.get("unit_code"), 32)
    name = clean(data.get("new_name"), 200)
    level = str(data.get("school_level") or "")
    county = actor.unit.county if actor.unit.type == UnitType.COUNTY_BUREAU else str(data.get("county") or "")
    if not code:
        errors["unit_code"] = "validation.required"
    elif _unit_by_code(session, code):
        errors["unit_code"] = "directory.error.code_taken"
    if not name:
        errors["new_name"] = "validation.required"
    if level not in {lv.value for lv in SchoolLevel}:
        errors["school_level"] = "validation.required"
    if county not in COUNTIES:
        errors["county"] = "validation.required"
    if errors:
        return None
    if actor.unit.type in REGIONAL_CENTERS:
        reviewer_id = actor.unit.id
    else:
        bureau = session.exec(select(Unit).where(Unit.type == UnitType.COUNTY_BUREAU.value,
                                                 Unit.county == county)).first()
        reviewer_id = bureau.id if bureau else None
    unit = Unit(code=code, name=name, type=UnitType.SCHOOL.value, county=county, school_level=level,
                reviewer_id=reviewer_id, parent_id=reviewer_id, status=PLANNED)
    session.add(unit)
    session.flush()
    return unit


def apply_change(session: Session, change: DirectoryChange) -> None:
    """Make a reported change take effect (idempotent: only scheduled changes are applied)."""
    if change.status != SCHEDULED:
        return
    unit = session.get(Unit, change.unit_id)
    if unit is None:
        return
    before = {"name": unit.name, "status": unit.status, "school_level": unit.school_level}
    if change.kind == "new":
        unit.status = "active"
    elif change.kind == "closed":
        unit.status = "closed"
        for account in session.exec(select(BusinessAccount).where(BusinessAccount.unit_id == unit.id)).all():
            end_sessions(session, account_id=account.id)
    elif change.kind in ("renamed", "transformed"):
        if change.school_level_after:
            unit.school_level = change.school_level_after
        if change.unit_name_after:
            unit.name = change.unit_name_after
            _renew_placements(session, unit)
    elif change.kind == "merged":
        successor = session.get(Unit, change.successor_id)
        if successor is None:
            return
        _merge(session, unit, successor)
    unit.updated_at = utcnow()
    session.add(unit)
    change.status = APPLIED
    change.applied_at = utcnow()
    session.add(change)
    audit.record(session, action="directory.apply", actor_label="directory", target_type="unit",
                 target_id=unit.id or "", before=before,
                 after={"name": unit.name, "status": unit.status, "school_level": unit.school_level,
                        "kind": change.kind,
                        "merged_into": change.successor_id}, )


def _renew_placements(session: Session, unit: Unit) -> None:
    """After a rename, current placements end under the old name and go on under the new one."""
    for teacher in session.exec(select(Teacher).where(Teacher.school_unit_id == unit.id)).all():
        move_teacher(session, teacher, unit, "renamed")


def _merge(session: Session, unit: Unit, successor: Unit) -> None:
    """Teachers and business accounts go to the successor; a second chief there becomes a contact."""
    for teacher in session.exec(select(Teacher).where(Teacher.school_unit_id == unit.id)).all():
        employment = teacher.employment
        move_teacher(session, teacher, successor, "merger")
        teacher.employment = employment
        session.add(teacher)
    successor_has_chief = session.exec(select(BusinessAccount.id).where(
        BusinessAccount.unit_id == successor.id, BusinessAccount.category == AccountCategory.CHIEF.value,
        BusinessAccount.status == rules.ACTIVE)).first() is not None
    for account in session.exec(select(BusinessAccount).where(BusinessAccount.unit_id == unit.id)).all():
        account.unit_id = successor.id or 0
        if successor_has_chief and account.category == AccountCategory.CHIEF.value:
            account.category = AccountCategory.CONTACT.value
            account.grants = rules.grants_after_category_change(UnitType(successor.type), AccountCategory.CONTACT,
                                                                account.grants)
        account.updated_at = utcnow()
        session.add(account)
        end_sessions(session, account_id=account.id)
    _move_courses(session, unit, successor)
    unit.status = "closed"
    unit.merged_into_id = successor.id


#: Course statuses still waiting on a reviewer: they go to the successor's reviewing centre.
_UNDER_REVIEW = ("submitted",)


def _move_courses(session: Session, unit: Unit, successor: Unit) -> None:
    """The successor now runs the merged school's courses (attendance lists, edits, cancellations).

    Published catalogue entries keep the organizer name they were approved under, and confirmed
    training records keep the school they were credited to: history names the school as it was.
    """
    centre_id = reviewing_centre_id(session, successor)
    for course in session.exec(select(Course).where(Course.organizer_unit_id == unit.id)).all():
        course.organizer_unit_id = successor.id or 0
        if course.status in _UNDER_REVIEW:
            course.reviewer_unit_id = centre_id
        course.updated_at = utcnow()
        session.add(course)


def apply_due_changes(session: Session, today: date | None = None) -> int:
    """Apply every scheduled change whose effective date has come; returns how many."""
    due = session.exec(select(DirectoryChange).where(DirectoryChange.status == SCHEDULED,
                                                     col(DirectoryChange.effective_date) <= (today or taipei_today()))
                       .order_by(col(DirectoryChange.effective_date), col(DirectoryChange.id))).all()
    for change in due:
        apply_change(session, change)
    return len(due)


def change_row(session: Session, change: DirectoryChange) -> dict[str, str]:
    successor = session.get(Unit, change.successor_id) if change.successor_id else None
    reporter = session.get(Unit, change.reporter_unit_id)
    return {"id": str(change.id), "kind": change.kind, "unit_code": change.unit_code,
            "name_before": change.unit_name_before, "name_after": change.unit_name_after,
            "successor": f"{successor.code} {successor.name}" if successor else "",
            "effective_date": format_date(change.effective_date, roc=True), "note": change.note,
            "status": change.status, "reporter": reporter.name if reporter else "",
            "acknowledged_at": format_datetime(change.acknowledged_at, roc=True)}


def list_changes(session: Session, actor: Actor, *, status: str = "", ip: str = "") -> list[dict[str, str]]:
    """The changes the actor reported (regional centre) or all of them (national centre), newest first.

    Raises:
        Forbidden: the actor is no centre.
    """
    require(actor, Function.ACCOUNTS_SUBORDINATE, ip=ip)
    query = select(DirectoryChange)
    if actor.unit.type not in NATIONWIDE:
        query = query.where(DirectoryChange.reporter_unit_id == actor.unit.id)
    if status in (APPLIED, SCHEDULED, ACKNOWLEDGED):
        query = query.where(DirectoryChange.status == status)
    rows = session.exec(query.order_by(col(DirectoryChange.id).desc()).limit(300)).all()
    return [change_row(session, c) for c in rows]


def acknowledge(session: Session, actor: Actor, change_id: object, *, ip: str = "") -> None:
    """The national centre acknowledges an applied change (it has updated the ministry's list).

    Raises:
        Forbidden: anyone but the national centre.
        NotFound: no such applied change.
    """
    require(actor, Function.ACCOUNTS_SUBORDINATE, ip=ip)
    if actor.unit.type != UnitType.NATIONAL_CENTER:
        raise refuse(actor, "directory.acknowledge", "error.forbidden.unit_type", target_type="directory_change",
                     target_id=change_id, ip=ip)
    change = session.get(DirectoryChange, change_id) if isinstance(change_id, int) else None
    if change is None or change.status != APPLIED:
        raise NotFound()
    change.status = ACKNOWLEDGED
    change.acknowledged_by_id = actor.id
    change.acknowledged_at = utcnow()
    session.add(change)
    audit.record(session, action="directory.acknowledge", actor=actor, target_type="directory_change",
                 target_id=change.id or "", before={"status": APPLIED}, after={"status": ACKNOWLEDGED}, ip=ip)


def unit_for_editing(session: Session, actor: Actor, unit_code: object, *, ip: str = "") -> dict[str, str]:
    """A unit of the actor's jurisdiction with its contact data, for the centre's unit editor.

    Raises:
        Forbidden: the actor is no centre, or the unit is outside its jurisdiction.
        NotFound: no such unit.
    """
    require(actor, Function.ACCOUNTS_SUBORDINATE, ip=ip)
    unit = _unit_by_code(session, unit_code)
    if unit is None:
        raise NotFound()
    if problem := rules.directory_problem(actor, unit_ref(unit)):
        raise refuse(actor, "unit.edit", problem, target_type="unit", target_id=unit.id, ip=ip)
    return {"unit_code": unit.code, "unit_name": unit.name, "unit_status": unit.status,
            **{key: getattr(unit, key) for key in UNIT_CONTACT_FIELDS}}


def edit_unit(session: Session, actor: Actor, unit_code: object, data: dict[str, Any], *,
              ip: str = "") -> dict[str, str]:
    """A regional centre corrects the contact data of a unit it reviews (the national centre of any unit).

    Names change through a directory change (renamed), so that history keeps the old one.

    Raises:
        Forbidden: the actor is no centre, or the unit is outside its jurisdiction.
        NotFound: no such unit.
        ValidationFailed: a field is missing or malformed.
    """
    current = unit_for_editing(session, actor, unit_code, ip=ip)
    unit = _unit_by_code(session, current["unit_code"])
    assert unit is not None
    return {**current, **save_unit_contact(session, actor, unit, data, action="unit.edit", ip=ip)}


def queue_reminders(session: Session, today: date | None = None) -> int:
    """E-mail every regional centre's active chief once in the 30 days before a report deadline.

    Run daily (CLI `send-directory-reminders`); a centre already reminded of this deadline is skipped.
    Returns how many messages were queued.
    """
    found = rules.directory_reminder(today or taipei_today())
    if found is None:
        return 0
    deadline = format_date(found.deadline, roc=True)
    subject = translate("directory.reminder_subject", deadline=deadline)
    centres = session.exec(select(Unit).where(col(Unit.type).in_([t.value for t in REGIONAL_CENTERS]),
                                              Unit.status == "active")).all()
    queued = 0
    for centre in centres:
        chiefs = session.exec(select(BusinessAccount).where(
            BusinessAccount.unit_id == centre.id, BusinessAccount.status == rules.ACTIVE,
            BusinessAccount.category == AccountCategory.CHIEF.value)).all()
        for chief in chiefs:
            already = session.exec(select(OutboxMessage.id).where(
                OutboxMessage.kind == "directory.reminder", OutboxMessage.to_address == chief.email,
                OutboxMessage.subject == subject)).first()
            if already or not chief.email:
                continue
            outbox.queue(session, to=chief.email, subject=subject, kind="directory.reminder",
                         body=translate("directory.reminder_body", name=chief.name or chief.username,
                                        deadline=deadline))
            queued += 1
    return queued


def reminder(today: date | None = None) -> dict[str, str]:
    """The reminder before the 1 June / 1 December report deadline, or an empty dict."""
    found = rules.directory_reminder(today or taipei_today())
    if found is None:
        return {}
    return {"deadline": format_date(found.deadline, roc=False), "days_left": str(found.days_left)}
