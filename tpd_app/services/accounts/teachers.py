"""Teacher accounts of a school or experimental institution: roster, data entry, transfers,
self-applications (teachers.manage, teachers.enter; seed §肆.四.(三).6–7, §伍.(三).1).

National IDs leave this module masked, except from `reveal_national_id`, which is audit-logged.
A national ID is never changed once a teacher exists.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from tpd_app.domain.accounts import ApplicationStatus, Employment
from tpd_app.domain.errors import NotFound, ValidationFailed
from tpd_app.domain.national_id import is_valid_national_id, mask_national_id, normalize_national_id
from tpd_app.domain.permissions import Actor, Function, may
from tpd_app.domain.timeutil import format_date, format_datetime, parse_day, utcnow
from tpd_app.domain.units import TEACHER_UNITS
from tpd_app.domain.workqueue import Queue, QueueItem
from tpd_app.models import Teacher, TeacherApplication, TeacherPlacement, Unit
from tpd_app.services.accounts.auth import end_sessions
from tpd_app.services.accounts.business import check_public_rate, one_time_password
from tpd_app.services.platform import audit, outbox
from tpd_app.services.platform.guard import require, unit_ref
from tpd_app.services.platform.passwords import hash_password, password_problem
from tpd_app.services.platform.validation import clean, email_problem, phone_problem

SERVING = Employment.SERVING.value
LEFT = Employment.LEFT.value
RETIRED = Employment.RETIRED.value
EMPLOYMENT = (SERVING, LEFT, RETIRED)
ROSTER_LIMIT = 300


def own_school(session: Session, actor: Actor, function: Function, *, ip: str = "") -> Unit:
    """The actor's own school, after checking `function` on it.

    Raises:
        Forbidden: the actor may not use `function` on the own unit.
    """
    unit = session.get(Unit, actor.unit.id)
    if unit is None:
        raise NotFound()
    require(actor, function, unit_ref(unit), ip=ip)
    return unit


def _teacher_of(session: Session, school: Unit, teacher_id: object) -> Teacher:
    """A teacher of `school`; teachers of other schools do not exist for the caller."""
    if not isinstance(teacher_id, int) or isinstance(teacher_id, bool):
        raise NotFound()
    teacher = session.get(Teacher, teacher_id)
    if teacher is None or teacher.school_unit_id != school.id:
        raise NotFound()
    return teacher


def teacher_row(teacher: Teacher) -> dict[str, str]:
    """What a roster shows of a teacher: the national ID masked, the birth date hidden."""
    return {"id": str(teacher.id), "national_id": mask_national_id(teacher.national_id), "name": teacher.name,
            "email": teacher.email, "phone": teacher.phone, "employment": teacher.employment,
            "status": teacher.status, "has_password": "1" if teacher.password_hash else "",
            "last_login": format_datetime(teacher.last_login_at, roc=False)}


def list_roster(session: Session, actor: Actor, *, text: str = "", employment: str = SERVING,
                ip: str = "") -> list[dict[str, str]]:
    """The teachers of the actor's school; `text` matches the name or the whole national ID.

    Raises:
        Forbidden: the actor lacks `teachers.manage`.
    """
    school = own_school(session, actor, Function.TEACHERS_MANAGE, ip=ip)
    query = select(Teacher).where(Teacher.school_unit_id == school.id)
    if employment in EMPLOYMENT:
        query = query.where(Teacher.employment == employment)
    if text := clean(text, 40):
        query = query.where(sa.or_(col(Teacher.name).like(f"%{text}%"),
                                   Teacher.national_id == normalize_national_id(text)))
    rows = session.exec(query.order_by(col(Teacher.name)).limit(ROSTER_LIMIT)).all()
    return [teacher_row(t) for t in rows]


def reveal_national_id(session: Session, actor: Actor, teacher_id: object, *, ip: str = "") -> str:
    """The full national ID of one teacher of the own school; every reveal is audit-logged.

    Raises:
        Forbidden: the actor lacks `teachers.manage`.
        NotFound: not a teacher of the actor's school.
    """
    school = own_school(session, actor, Function.TEACHERS_MANAGE, ip=ip)
    teacher = _teacher_of(session, school, teacher_id)
    audit.record(session, action="teacher.reveal_id", actor=actor, target_type="teacher",
                 target_id=teacher.id or "", ip=ip)
    return teacher.national_id


def update_contact(session: Session, actor: Actor, teacher_id: object, data: dict[str, Any], *,
                   ip: str = "") -> dict[str, str]:
    """Correct a teacher's e-mail and phone.

    Raises:
        Forbidden: the actor lacks `teachers.manage`.
        NotFound: not a teacher of the actor's school.
        ValidationFailed: malformed e-mail or phone.
    """
    school = own_school(session, actor, Function.TEACHERS_MANAGE, ip=ip)
    teacher = _teacher_of(session, school, teacher_id)
    values = {"email": clean(data.get("email"), 200), "phone": clean(data.get("phone"), 40)}
    errors = {}
    if problem := email_problem(values["email"]):
        errors["email"] = problem
    if problem := phone_problem(values["phone"]):
        errors["phone"] = problem
    if errors:
        raise ValidationFailed(errors)
    before = {k: getattr(teacher, k) for k in values}
    for key, value in values.items():
        setattr(teacher, key, value)
    teacher.updated_at = utcnow()
    session.add(teacher)
    old, new = audit.changed_fields(before, values)
    audit.record(session, action="teacher.edit", actor=actor, target_type="teacher", target_id=teacher.id or "",
                 before=old, after=new, ip=ip)
    return teacher_row(teacher)


def set_employment(session: Session, actor: Actor, teacher_id: object, employment: object, *,
                   ip: str = "") -> dict[str, str]:
    """Mark a teacher as serving, left or retired; her account and record stay.

    Raises:
        Forbidden: the actor lacks `teachers.manage`.
        NotFound: not a teacher of the actor's school.
        ValidationFailed: an unknown state.
    """
    school = own_school(session, actor, Function.TEACHERS_MANAGE, ip=ip)
    teacher = _teacher_of(session, school, teacher_id)
    if employment not in EMPLOYMENT:
        raise ValidationFailed({"employment": "validation.required"})
    before = teacher.employment
    teacher.employment = str(employment)
    teacher.updated_at = utcnow()
    session.add(teacher)
    if employment != SERVING:
        _close_placement(session, teacher)
    elif before != SERVING:
        _open_placement(session, teacher, school, "return")
    audit.record(session, action="teacher.employment", actor=actor, target_type="teacher",
                 target_id=teacher.id or "", before={"employment": before},
                 after={"employment": teacher.employment, "unit": school.code}, ip=ip)
    return teacher_row(teacher)


def reset_teacher_password(session: Session, actor: Actor, teacher_id: object, *, ip: str = "") -> str:
    """A random one-time password for a teacher of the own school (shown once to the staff member).

    Raises:
        Forbidden: the actor lacks `teachers.manage`.
        NotFound: not a teacher of the actor's school.
    """
    school = own_school(session, actor, Function.TEACHERS_MANAGE, ip=ip)
    teacher = _teacher_of(session, school, teacher_id)
    password = one_time_password()
    teacher.password_hash = hash_password(password)
    teacher.must_change_password = True
    teacher.failed_logins = 0
    teacher.locked_until = None
    session.add(teacher)
    end_sessions(session, teacher_id=teacher.id)
    audit.record(session, action="teacher.reset_password", actor=actor, target_type="teacher",
                 target_id=teacher.id or "", after={"must_change_password": True}, ip=ip)
    return password


# School history: the name of the school as it was, whatever happens to it later.

def _open_placement(session: Session, teacher: Teacher, school: Unit, reason: str) -> None:
    session.add(TeacherPlacement(teacher_id=teacher.id or 0, unit_id=school.id or 0, unit_name=school.name,
                                 reason=reason))


def _close_placement(session: Session, teacher: Teacher) -> None:
    for row in session.exec(select(TeacherPlacement).where(TeacherPlacement.teacher_id == teacher.id,
                                                           col(TeacherPlacement.ended_at).is_(None))).all():
        row.ended_at = utcnow()
        session.add(row)


def move_teacher(session: Session, teacher: Teacher, destination: Unit, reason: str) -> None:
    """Move a teacher (transfer or merger): her account and record stay, her history gains a row."""
    _close_placement(session, teacher)
    teacher.school_unit_id = destination.id or 0
    teacher.employment = SERVING
    teacher.updated_at = utcnow()
    session.add(teacher)
    session.flush()
    _open_placement(session, teacher, destination, reason)


def placement_history(session: Session, actor: Actor, teacher_id: object, *, ip: str = "") -> list[dict[str, str]]:
    """Where a teacher of the own school has served, with each school's name as it was then.

    Raises:
        Forbidden: the actor lacks `teachers.manage`.
        NotFound: not a teacher of the actor's school.
    """
    school = own_school(session, actor, Function.TEACHERS_MANAGE, ip=ip)
    teacher = _teacher_of(session, school, teacher_id)
    rows = session.exec(select(TeacherPlacement).where(TeacherPlacement.teacher_id == teacher.id)
                        .order_by(col(TeacherPlacement.id))).all()
    return [{"unit_name": r.unit_name, "reason": r.reason, "started_at": format_datetime(r.started_at, roc=False),
             "ended_at": format_datetime(r.ended_at, roc=False)} for r in rows]


def take_in_teacher(session: Session, actor: Actor, data: dict[str, Any], *, ip: str = "") -> dict[str, str]:
    """The receiving school takes in a teacher from another school (transfer, 調校).

    Her national ID and name must match (and her birth date, when both sides know it), so a school
    cannot pull in a stranger by guessing IDs.

    Raises:
        Forbidden: the actor lacks `teachers.enter`.
        ValidationFailed: no such teacher elsewhere, or the details do not match.
    """
    school = own_school(session, actor, Function.TEACHERS_ENTER, ip=ip)
    national_id = normalize_national_id(clean(data.get("national_id"), 12))
    name = clean(data.get("name"), 100)
    birth, birth_problem = parse_birth_date(data.get("birth_date"))
    teacher = session.exec(select(Teacher).where(Teacher.national_id == national_id)).first()
    mismatch = (teacher is None or teacher.name != name
                or (birth is not None and teacher.birth_date is not None and birth != teacher.birth_date))
    if birth_problem:
        raise ValidationFailed({"birth_date": birth_problem})
    if mismatch or teacher is None:
        audit.record_now(action="teacher.take_in", actor=actor, outcome="failed", target_type="teacher",
                         target_id=mask_national_id(national_id), ip=ip)
        raise ValidationFailed({"national_id": "teachers.error.no_match"})
    if teacher.school_unit_id == school.id:
        raise ValidationFailed({"national_id": "teachers.error.already_here"})
    old_school = session.get(Unit, teacher.school_unit_id)
    before = {"unit": old_school.code, "unit_name": old_school.name} if old_school else {}
    move_teacher(session, teacher, school, "transfer")
    audit.record(session, action="teacher.transfer", actor=actor, target_type="teacher", target_id=teacher.id or "",
                 before=before, after={"unit": school.code, "unit_name": school.name}, ip=ip)
    outbox.queue(session, to=teacher.email, kind="teacher.transfer",
                 subject="全國教師在職進修資訊網 服務學校異動",
                 body=f"{teacher.name} 老師您好：\n\n您的服務學校已由「{school.name}」登錄為新學校，"
                      "您的帳號與研習紀錄均保留。")
    return teacher_row(teacher)


# Data entry.

def parse_birth_date(raw: object) -> tuple[date | None, str | None]:
    """A birth date from a form or a spreadsheet cell: 1988-05-17, 1988/5/17 or ROC 77/05/17."""
    if raw is None or raw == "":
        return None, None
    if hasattr(raw, "date") and callable(raw.date):
        return raw.date(), None
    if isinstance(raw, date):
        return raw, None
    value = parse_day(raw)
    if value is None or not date(1930, 1, 1) <= value <= date.today():
        return None, "teachers.error.birth_date"
    return value, None


def teacher_problems(session: Session, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Validated values and field errors of one new teacher (form or spreadsheet row)."""
    errors: dict[str, str] = {}
    national_id = normalize_national_id(clean(data.get("national_id"), 12))
    if not is_valid_national_id(national_id):
        errors["national_id"] = "teachers.error.national_id"
    elif session.exec(select(Teacher.id).where(Teacher.national_id == national_id)).first():
        errors["national_id"] = "teachers.error.exists"
    name = clean(data.get("name"), 100)
    if not name:
        errors["name"] = "validation.required"
    birth, problem = parse_birth_date(data.get("birth_date"))
    if problem:
        errors["birth_date"] = problem
    email = clean(data.get("email"), 200)
    if problem := email_problem(email):
        errors["email"] = problem
    phone = clean(data.get("phone"), 40)
    if problem := phone_problem(phone):
        errors["phone"] = problem
    return {"national_id": national_id, "name": name, "birth_date": birth, "email": email, "phone": phone}, errors


def add_teacher(session: Session, actor: Actor, school: Unit, values: dict[str, Any], *, ip: str,
                password: str | None = None) -> Teacher:
    """Insert one validated teacher with her first placement and an audit row."""
    teacher = Teacher(school_unit_id=school.id or 0, must_change_password=password is not None,
                      password_hash=hash_password(password) if password else None, **values)
    session.add(teacher)
    session.flush()
    _open_placement(session, teacher, school, "entered")
    audit.record(session, action="teacher.enter", actor=actor, target_type="teacher", target_id=teacher.id or "",
                 after={"national_id": mask_national_id(teacher.national_id), "name": teacher.name,
                        "unit": school.code}, ip=ip)
    return teacher


def enter_teacher(session: Session, actor: Actor, data: dict[str, Any], *, ip: str = "") -> tuple[dict[str, str], str]:
    """Add a new teacher to the own school; returns her row and a one-time password (shown once).

    Raises:
        Forbidden: the actor lacks `teachers.enter`.
        ValidationFailed: bad checksum, an ID already registered (a transfer is `take_in_teacher`),
            missing name, malformed birth date, e-mail or phone.
    """
    school = own_school(session, actor, Function.TEACHERS_ENTER, ip=ip)
    if school.type not in TEACHER_UNITS:
        raise NotFound()
    values, errors = teacher_problems(session, data)
    if errors:
        raise ValidationFailed(errors)
    password = one_time_password()
    teacher = add_teacher(session, actor, school, values, ip=ip, password=password)
    return teacher_row(teacher), password


# Teachers applying for their own account; the school confirms.

def submit_teacher_application(session: Session, data: dict[str, Any], *, ip: str = "") -> int:
    """A teacher applies for her account (national ID, name, school, e-mail, password).

    Raises:
        ValidationFailed: a field is wrong or the school is not a school. Whether the ID already has an
            account is not said here (the school sees it when confirming).
    """
    check_public_rate(session, ip)
    values, errors = teacher_problems(session, data)
    errors.pop("phone", None)
    # A public form must not tell strangers whether a national ID has an account: the school sees it.
    if errors.get("national_id") == "teachers.error.exists":
        del errors["national_id"]
    school = None
    school_id = data.get("school_id")
    if isinstance(school_id, str) and school_id.isdigit():
        school = session.get(Unit, int(school_id))
    if school is None or school.type not in TEACHER_UNITS or school.status != "active":
        errors["school_id"] = "teachers.error.school"
    if not values["email"]:
        errors["email"] = "validation.required"
    password = str(data.get("password") or "")
    if problem := password_problem(password):
        errors["password"] = problem
    elif password != str(data.get("confirm") or ""):
        errors["confirm"] = "password.error.mismatch"
    if errors:
        raise ValidationFailed(errors)
    assert school is not None
    application = TeacherApplication(national_id=values["national_id"], name=values["name"],
                                     school_unit_id=school.id or 0, email=values["email"],
                                     birth_date=values["birth_date"], password_hash=hash_password(password))
    session.add(application)
    session.flush()
    audit.record(session, action="teacher.apply", actor_label=mask_national_id(values["national_id"]),
                 target_type="teacher_application", target_id=application.id or "",
                 after={"unit": school.code}, ip=ip)
    return application.id or 0


def pending_teacher_applications(session: Session, actor: Actor, *, ip: str = "") -> list[dict[str, str]]:
    """Applications of teachers naming the actor's school.

    Raises:
        Forbidden: the actor lacks `teachers.manage`.
    """
    school = own_school(session, actor, Function.TEACHERS_MANAGE, ip=ip)
    rows = session.exec(select(TeacherApplication).where(TeacherApplication.school_unit_id == school.id,
                                                         TeacherApplication.status == ApplicationStatus.PENDING.value)
                        .order_by(col(TeacherApplication.id))).all()
    registered = set(session.exec(select(Teacher.national_id).where(
        col(Teacher.national_id).in_([a.national_id for a in rows]))).all()) if rows else set()
    return [{"id": str(a.id), "national_id": mask_national_id(a.national_id), "name": a.name, "email": a.email,
             "birth_date": format_date(a.birth_date, roc=False) if a.birth_date else "",
             "registered": "1" if a.national_id in registered else "",
             "created_at": format_datetime(a.created_at, roc=False)} for a in rows]


def decide_teacher_application(session: Session, actor: Actor, application_id: object, *, approve: bool,
                               ip: str = "") -> None:
    """Confirm (the teacher's account is created with her own password) or reject an application.

    Raises:
        Forbidden: the actor lacks `teachers.manage`.
        NotFound: no pending application for the actor's school.
        ValidationFailed: the ID got an account meanwhile.
    """
    school = own_school(session, actor, Function.TEACHERS_MANAGE, ip=ip)
    application = session.get(TeacherApplication, application_id) if isinstance(application_id, int) else None
    if (application is None or application.school_unit_id != school.id
            or application.status != ApplicationStatus.PENDING.value):
        raise NotFound()
    application.status = (ApplicationStatus.APPROVED if approve else ApplicationStatus.REJECTED).value
    application.decided_by_id = actor.id
    application.decided_at = utcnow()
    if approve:
        if session.exec(select(Teacher.id).where(Teacher.national_id == application.national_id)).first():
            raise ValidationFailed({"national_id": "teachers.error.exists"})
        teacher = add_teacher(session, actor, school, {
            "national_id": application.national_id, "name": application.name, "email": application.email,
            "birth_date": application.birth_date, "phone": ""}, ip=ip)
        teacher.password_hash = application.password_hash
        teacher.must_change_password = False
        session.add(teacher)
        application.teacher_id = teacher.id
    session.add(application)
    audit.record(session, action="teacher.application", actor=actor, target_type="teacher_application",
                 target_id=application.id or "", before={"status": ApplicationStatus.PENDING.value},
                 after={"status": application.status}, ip=ip)
    outbox.queue(session, to=application.email, kind="teacher.decision",
                 subject="全國教師在職進修資訊網 教師帳號申請結果",
                 body=f"{application.name} 老師您好：\n\n您向「{school.name}」申請的教師帳號"
                      + ("已確認，請以身分證字號及申請時設定的密碼登入。" if approve else "未獲確認，請洽學校承辦人。"))


#: How many applications wait for one school (what `pending_teacher_applications` lists), counted.
_WAITING = (select(func.count()).select_from(TeacherApplication)
            .where(TeacherApplication.school_unit_id == sa.bindparam("school_id"),
                   TeacherApplication.status == ApplicationStatus.PENDING.value))


def work_queue(session: Session, actor: Actor) -> list[QueueItem]:
    """The home page's roster work: teachers' applications naming the actor's school."""
    if not may(actor, Function.TEACHERS_MANAGE, actor.unit):
        return []
    return [QueueItem(Queue.TEACHER_APPLICATIONS,
                      session.execute(_WAITING, {"school_id": actor.unit.id}).scalar_one())]
