"""Business accounts: applications and activation, subordinate and own-unit account management,
password resets, chief changes (SPEC §1.2, §3.4; seed §參, §肆.四.(三).4).

Every use case takes `(session, actor, ...)`, checks the caller with `guard.require` and the rules of
`domain.accounts` against the target unit, and audit-logs the change with before/after in the same
transaction. Password hashing is slow on purpose: callers run these off the event loop.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from tpd_app.domain import accounts as rules
from tpd_app.domain.accounts import ApplicationStatus
from tpd_app.domain.errors import DomainError, Forbidden, NotFound, ValidationFailed
from tpd_app.domain.permissions import Actor, Function, UnitRef, grantable_functions, may
from tpd_app.domain.timeutil import format_datetime, utcnow
from tpd_app.domain.units import NATIONWIDE, AccountCategory, UnitType
from tpd_app.domain.workqueue import Queue, QueueItem
from tpd_app.models import AccountApplication, BusinessAccount, ChiefChangeRequest, Unit
from tpd_app.services.accounts.admin import username_problem
from tpd_app.services.accounts.auth import end_sessions
from tpd_app.services.platform import audit, outbox
from tpd_app.services.platform.guard import require, unit_ref
from tpd_app.services.platform.passwords import hash_password, password_problem
from tpd_app.services.platform.validation import clean, email_problem, phone_problem

SUBORDINATE = "subordinate"
OWN_UNIT = "own_unit"
_SCOPE_FUNCTION = {SUBORDINATE: Function.ACCOUNTS_SUBORDINATE, OWN_UNIT: Function.ACCOUNTS_OWN_UNIT}
LIST_LIMIT = 200
#: Characters of one-time passwords: no look-alikes (0/O, 1/l/I).
_OTP_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def one_time_password() -> str:
    """A random 12-character password the person must change at the next sign-in."""
    while True:
        value = "".join(secrets.choice(_OTP_ALPHABET) for _ in range(12))
        if password_problem(value) is None:
            return value


def refuse(actor: Actor, action: str, key: str, *, target_type: str, target_id: object, ip: str) -> Forbidden:
    """Audit a refusal in its own transaction (the caller's rolls back) and return the error to raise."""
    audit.record_now(action=action, actor=actor, outcome="denied", target_type=target_type,
                     target_id=str(target_id), after={"reason": key}, ip=ip)
    return Forbidden(key)


def _check(problem: str | None, actor: Actor, action: str, *, target_type: str, target_id: object, ip: str) -> None:
    if problem is not None:
        raise refuse(actor, action, problem, target_type=target_type, target_id=target_id, ip=ip)


def _unit(session: Session, unit_id: int) -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFound()
    return unit


def _account(session: Session, account_id: object) -> tuple[BusinessAccount, Unit]:
    if not isinstance(account_id, int) or isinstance(account_id, bool):
        raise NotFound()
    account = session.get(BusinessAccount, account_id)
    if account is None:
        raise NotFound()
    return account, _unit(session, account.unit_id)


def _active_chiefs(session: Session, unit_id: int, *, excluding: int | None = None) -> int:
    query = select(func.count()).select_from(BusinessAccount).where(
        BusinessAccount.unit_id == unit_id,
        BusinessAccount.category == AccountCategory.CHIEF.value,
        BusinessAccount.status == rules.ACTIVE,
    )
    if excluding is not None:
        query = query.where(BusinessAccount.id != excluding)
    return session.exec(query).one()


_WITH_ACTIVE_CHIEF = select(BusinessAccount.unit_id).where(
    col(BusinessAccount.unit_id).in_(sa.bindparam("unit_ids", expanding=True)),
    BusinessAccount.category == AccountCategory.CHIEF.value,
    BusinessAccount.status == rules.ACTIVE,
).distinct()


def _units_with_active_chief(session: Session, unit_ids: set[int]) -> set[int]:
    """Which of these units have an active chief (one statement for a whole list)."""
    if not unit_ids:
        return set()
    return set(session.execute(_WITH_ACTIVE_CHIEF, {"unit_ids": sorted(unit_ids)}).scalars().all())


def _username_taken(session: Session, username: str) -> bool:
    if session.exec(select(BusinessAccount.id).where(BusinessAccount.username == username)).first():
        return True
    return session.exec(select(AccountApplication.id).where(
        AccountApplication.username == username,
        AccountApplication.status == ApplicationStatus.PENDING.value)).first() is not None


def _person_fields(data: dict[str, Any], errors: dict[str, str]) -> dict[str, str]:
    values = {"name": clean(data.get("name"), 100), "title": clean(data.get("title"), 100),
              "email": clean(data.get("email"), 200), "phone": clean(data.get("phone"), 40)}
    if not values["name"]:
        errors["name"] = "validation.required"
    if problem := email_problem(values["email"], required=True):
        errors["email"] = problem
    if problem := phone_problem(values["phone"]):
        errors["phone"] = problem
    return values


def _new_username(session: Session, raw: object, errors: dict[str, str]) -> str:
    username = clean(raw, 64).lower()
    if problem := username_problem(username):
        errors["username"] = problem
    elif _username_taken(session, username):
        errors["username"] = "account.error.username_taken"
    return username


def _category(raw: object, allowed: tuple[AccountCategory, ...]) -> AccountCategory | None:
    try:
        category = AccountCategory(str(raw))
    except ValueError:
        return None
    return category if category in allowed else None


# Public: finding a unit and applying.

def search_units(session: Session, query: str, *, limit: int = 20) -> list[dict[str, str]]:
    """Active units whose name or code contains `query` (the application form's unit picker)."""
    text = clean(query, 60)
    if len(text) < 2 and not text.isdigit():
        return []
    pattern = f"%{text}%"
    rows = session.exec(
        select(Unit).where(Unit.status == "active",
                           sa.or_(col(Unit.name).like(pattern), col(Unit.code).like(pattern)))
        .order_by(Unit.code).limit(limit)
    ).all()
    return [{"id": str(u.id), "code": u.code, "name": u.name, "type": u.type} for u in rows]


def submit_application(session: Session, data: dict[str, Any], *, ip: str = "") -> int:
    """File a business-account application; it waits for activation. Returns its id.

    Raises:
        ValidationFailed: a field is missing or malformed, the unit is unknown or closed,
            or the username is taken; nothing is saved.
    """
    check_public_rate(session, ip)
    errors: dict[str, str] = {}
    unit = None
    unit_id = data.get("unit_id")
    if isinstance(unit_id, str) and unit_id.isdigit():
        unit = session.get(Unit, int(unit_id))
    if unit is None or unit.status != "active":
        errors["unit_id"] = "accounts.error.unit_required"
    category = _category(data.get("category"), tuple(AccountCategory))
    if category is None:
        errors["category"] = "validation.required"
    username = _new_username(session, data.get("username"), errors)
    password = str(data.get("password") or "")
    if problem := password_problem(password):
        errors["password"] = problem
    elif password != str(data.get("confirm") or ""):
        errors["confirm"] = "password.error.mismatch"
    person = _person_fields(data, errors)
    if errors:
        raise ValidationFailed(errors)
    assert unit is not None and category is not None
    application = AccountApplication(unit_id=unit.id or 0, category=category.value, username=username,
                                     password_hash=hash_password(password), **person)
    session.add(application)
    session.flush()
    audit.record(session, action="account.apply", actor_label=username, target_type="application",
                 target_id=application.id or "", after={"unit": unit.code, "category": category.value,
                                                        "username": username}, ip=ip)
    return application.id or 0


#: Public forms: at most this many applications from one address per hour (spam, not people).
PUBLIC_APPLICATIONS_PER_HOUR = 10


def check_public_rate(session: Session, ip: str) -> None:
    """Refuse a public application when one address has sent too many in the last hour.

    Raises:
        DomainError: `apply.error.too_many`.
    """
    if ip and audit.recent_count(session, actions=("account.apply", "teacher.apply"), ip=ip,
                                 minutes=60) >= PUBLIC_APPLICATIONS_PER_HOUR:
        raise DomainError("apply.error.too_many")


# Activation queues.

#: SQL conditions on `Unit` for the units whose accounts a unit `unit_id` (a value or a bound parameter)
#: manages, by `_scope_kind` (None: all).
_SCOPE_WHERE: dict[str, Callable[[Any], sa.ColumnElement[bool] | None]] = {
    "own": lambda unit_id: col(Unit.id) == unit_id,
    "reviewed": lambda unit_id: col(Unit.reviewer_id) == unit_id,
    "all": lambda unit_id: None,
}


def _scope_kind(actor: Actor, scope: str) -> str:
    """Which units `actor` manages accounts of in `scope`: its own, those it reviews, or all (nationwide)."""
    if scope == OWN_UNIT:
        return "own"
    return "all" if actor.unit.type in NATIONWIDE else "reviewed"


def _scope_units(actor: Actor, scope: str) -> sa.ColumnElement[bool] | None:
    """SQL condition on `Unit` for the units whose accounts `actor` manages in `scope` (None: all)."""
    return _SCOPE_WHERE[_scope_kind(actor, scope)](actor.unit.id)


def _pending(*columns: Any, where: sa.ColumnElement[bool] | None) -> Any:
    """Pending applications with their units (`columns`), oldest first, in the units `where` chooses."""
    query = (select(*columns).join(Unit, col(Unit.id) == AccountApplication.unit_id)
             .where(AccountApplication.status == ApplicationStatus.PENDING.value).order_by(col(AccountApplication.id)))
    return (query if where is None else query.where(where)).limit(LIST_LIMIT)


def _require_account_function(actor: Actor, ip: str) -> None:
    """Centres act through `accounts.subordinate`, everyone else through `accounts.own_unit`."""
    if not may(actor, Function.ACCOUNTS_SUBORDINATE):
        require(actor, Function.ACCOUNTS_OWN_UNIT, ip=ip)


def _require_scope(actor: Actor, scope: str, ip: str) -> None:
    if scope not in _SCOPE_FUNCTION:
        raise NotFound()
    require(actor, _SCOPE_FUNCTION[scope], ip=ip)


def pending_applications(session: Session, actor: Actor, *, scope: str, ip: str = "") -> list[dict[str, str]]:
    """Applications the actor may decide in `scope`, oldest first.

    Raises:
        Forbidden: the actor lacks the scope's function.
    """
    _require_scope(actor, scope, ip)
    found = session.exec(_pending(AccountApplication, Unit, where=_scope_units(actor, scope))).all()
    chiefs = _units_with_active_chief(session, {unit.id for _, unit in found if unit.id is not None})
    rows = []
    for application, unit in found:
        category = AccountCategory(application.category)
        has_chief = unit.id in chiefs
        if not _decidable(actor, scope, category, unit_ref(unit), has_chief):
            continue
        rows.append({"id": str(application.id), "unit_name": unit.name, "unit_code": unit.code,
                     "category": application.category, "username": application.username,
                     "name": application.name, "title": application.title, "email": application.email,
                     "phone": application.phone, "chief_change": "1" if category is AccountCategory.CHIEF
                     and has_chief else "",
                     "created_at": format_datetime(application.created_at, roc=False)})
    return rows


def _decidable(actor: Actor, scope: str, category: AccountCategory, unit: UnitRef, has_chief: bool) -> bool:
    """Whether the actor decides an application for `category` of `unit` in `scope` (a chief for its own
    unit never: the national centre decides chief changes)."""
    if rules.activation_problem(actor, unit, category, unit_has_active_chief=has_chief):
        return False
    return not (scope == OWN_UNIT and category is AccountCategory.CHIEF)


#: The pending applications' categories and units, as `pending_applications` reads them, by `_scope_kind`,
#: built once with `unit_id` bound per call.
_PENDING_FACTS = {kind: _pending(AccountApplication.category, Unit.id, Unit.type, Unit.county, Unit.reviewer_id,
                                 where=where(sa.bindparam("unit_id")))
                  for kind, where in _SCOPE_WHERE.items()}


def _count_pending(session: Session, actor: Actor, scope: str) -> int:
    """How many applications `pending_applications` lists, from the columns the decision needs."""
    found = session.execute(_PENDING_FACTS[_scope_kind(actor, scope)], {"unit_id": actor.unit.id}).all()
    chiefs = _units_with_active_chief(session, {row.id for row in found})
    return sum(_decidable(actor, scope, AccountCategory(row.category),
                          UnitRef(id=row.id, type=UnitType(row.type), county=row.county, reviewer_id=row.reviewer_id),
                          row.id in chiefs) for row in found)


def decide_application(session: Session, actor: Actor, application_id: object, *, approve: bool,
                       note: str = "", ip: str = "") -> dict[str, str]:
    """Activate or reject an application; the applicant is e-mailed the decision.

    Activating a chief for a unit that already has one (only the national centre may) makes
    the previous chief a contact.

    Raises:
        Forbidden: the actor may not decide applications of that unit or category.
        NotFound: no such pending application.
        ValidationFailed: the username was taken meanwhile.
    """
    if not isinstance(application_id, int) or isinstance(application_id, bool):
        raise NotFound()
    _require_account_function(actor, ip)
    application = session.get(AccountApplication, application_id)
    if application is None or application.status != ApplicationStatus.PENDING.value:
        raise NotFound()
    unit = _unit(session, application.unit_id)
    category = AccountCategory(application.category)
    has_chief = _active_chiefs(session, unit.id or 0) > 0
    _check(rules.activation_problem(actor, unit_ref(unit), category, unit_has_active_chief=has_chief),
           actor, "account.activate", target_type="application", target_id=application_id, ip=ip)
    now = utcnow()
    application.decided_by_id = actor.id
    application.decided_at = now
    application.decision_note = clean(note, 300)
    if approve:
        if unit.status != rules.ACTIVE:
            raise ValidationFailed({"unit_id": "accounts.error.unit_closed"})
        if session.exec(select(BusinessAccount.id).where(BusinessAccount.username == application.username)).first():
            raise ValidationFailed({"username": "account.error.username_taken"})
        if category is AccountCategory.CHIEF and has_chief:
            _demote_chiefs(session, actor, unit, ip=ip)
        account = BusinessAccount(username=application.username, password_hash=application.password_hash,
                                  unit_id=unit.id or 0, category=category.value, status=rules.ACTIVE,
                                  name=application.name, title=application.title, email=application.email,
                                  phone=application.phone)
        session.add(account)
        session.flush()
        application.account_id = account.id
        application.status = ApplicationStatus.APPROVED.value
    else:
        application.status = ApplicationStatus.REJECTED.value
    session.add(application)
    audit.record(session, action="account.activate" if approve else "account.reject", actor=actor,
                 target_type="application", target_id=application_id,
                 before={"status": ApplicationStatus.PENDING.value},
                 after={"status": application.status, "unit": unit.code, "unit_name": unit.name,
                        "username": application.username, "category": category.value}, ip=ip)
    outbox.queue(session, to=application.email, kind="account.decision",
                 subject="全國教師在職進修資訊網 業務帳號申請結果",
                 body=(f"{application.name} 您好：\n\n您為「{unit.name}」申請的業務帳號 {application.username} "
                       + ("已啟用，請以申請時設定的密碼登入。" if approve else "未獲核准。")
                       + (f"\n說明：{application.decision_note}" if application.decision_note else "")))
    return {"status": application.status, "username": application.username}


def _demote_chiefs(session: Session, actor: Actor, unit: Unit, *, ip: str) -> None:
    """The previous chief(s) of `unit` become contacts (part of a chief change)."""
    chiefs = session.exec(select(BusinessAccount).where(
        BusinessAccount.unit_id == unit.id, BusinessAccount.category == AccountCategory.CHIEF.value)).all()
    for old in chiefs:
        before = {"category": old.category, "grants": old.grants}
        old.category = AccountCategory.CONTACT.value
        old.grants = rules.grants_after_category_change(UnitType(unit.type), AccountCategory.CONTACT, old.grants)
        old.updated_at = utcnow()
        session.add(old)
        audit.record(session, action="account.category", actor=actor, target_type="account",
                     target_id=old.id or "", before=before,
                     after={"category": old.category, "grants": old.grants}, ip=ip)


# Lists.

def _account_row(account: BusinessAccount, unit: Unit) -> dict[str, str]:
    category = AccountCategory(account.category)
    allowed = sorted(f.value for f in grantable_functions(UnitType(unit.type), category))
    effective = allowed if account.grants is None else [g for g in allowed if g in account.grants]
    return {"id": str(account.id), "username": account.username, "name": account.name, "title": account.title,
            "email": account.email, "phone": account.phone, "unit_name": unit.name, "unit_code": unit.code,
            "unit_type": unit.type, "category": account.category, "status": account.status,
            "grants": ",".join(effective), "grantable": ",".join(allowed),
            "narrowed": "1" if account.grants is not None else "",
            "last_login": format_datetime(account.last_login_at, roc=False)}


def list_accounts(session: Session, actor: Actor, *, scope: str, text: str = "", status: str = "",
                  category: str = "", ip: str = "") -> list[dict[str, str]]:
    """The business accounts the actor manages in `scope`, filtered; at most 200 rows.

    Raises:
        Forbidden: the actor lacks the scope's function.
    """
    _require_scope(actor, scope, ip)
    query = select(BusinessAccount, Unit).join(Unit, col(Unit.id) == BusinessAccount.unit_id)
    if (condition := _scope_units(actor, scope)) is not None:
        query = query.where(condition)
    if scope == SUBORDINATE and actor.unit.type not in NATIONWIDE:
        query = query.where(col(Unit.id) != actor.unit.id)
    if text := clean(text, 60):
        pattern = f"%{text}%"
        query = query.where(sa.or_(col(BusinessAccount.username).like(pattern), col(BusinessAccount.name).like(pattern),
                                   col(Unit.name).like(pattern), col(Unit.code).like(pattern)))
    if status in rules.ACCOUNT_STATUSES:
        query = query.where(BusinessAccount.status == status)
    if category in {c.value for c in AccountCategory}:
        query = query.where(BusinessAccount.category == category)
    query = query.order_by(col(Unit.code), col(BusinessAccount.category), col(BusinessAccount.username))
    return [_account_row(a, u) for a, u in session.exec(query.limit(LIST_LIMIT)).all()]


# Changes to one account.

def _load_for_change(session: Session, actor: Actor, account_id: object, action: str, ip: str,
                     ) -> tuple[BusinessAccount, Unit, UnitRef]:
    _require_account_function(actor, ip)
    account, unit = _account(session, account_id)
    target = unit_ref(unit)
    _check(rules.manage_problem(actor, target, account_id=account.id or 0,
                                account_category=AccountCategory(account.category)),
           actor, action, target_type="account", target_id=account_id, ip=ip)
    return account, unit, target


def set_account_status(session: Session, actor: Actor, account_id: object, *, active: bool,
                       ip: str = "") -> dict[str, str]:
    """Disable (signing the account out at once) or re-enable an account.

    Raises:
        Forbidden: outside the actor's reach, the chief from inside the unit, or the last active chief.
        NotFound: no such account.
    """
    action = "account.enable" if active else "account.disable"
    account, unit, _ = _load_for_change(session, actor, account_id, action, ip)
    before = account.status
    if not active:
        _check(rules.disable_problem(category=AccountCategory(account.category), status=account.status,
                                     other_active_chiefs=_active_chiefs(session, unit.id or 0, excluding=account.id)),
               actor, action, target_type="account", target_id=account_id, ip=ip)
        end_sessions(session, account_id=account.id)
    elif account.category == AccountCategory.CHIEF.value and _active_chiefs(
            session, unit.id or 0, excluding=account.id):
        # A unit has one chief; who it is changes only through the national centre (SPEC §1.2).
        raise refuse(actor, action, "accounts.error.second_chief", target_type="account",
                     target_id=account_id, ip=ip)
    account.status = rules.ACTIVE if active else rules.DISABLED
    account.updated_at = utcnow()
    session.add(account)
    audit.record(session, action=action, actor=actor, target_type="account", target_id=account.id or "",
                 before={"status": before}, after={"status": account.status, "unit": unit.code}, ip=ip)
    return _account_row(account, unit)


def reset_password(session: Session, actor: Actor, account_id: object, *, ip: str = "") -> str:
    """Give the account a random one-time password (returned once, never stored in clear).

    Raises:
        Forbidden: outside the actor's reach or the chief from inside the unit.
        NotFound: no such account.
    """
    account, unit, _ = _load_for_change(session, actor, account_id, "account.reset_password", ip)
    password = one_time_password()
    account.password_hash = hash_password(password)
    account.must_change_password = True
    account.failed_logins = 0
    account.locked_until = None
    account.updated_at = utcnow()
    session.add(account)
    end_sessions(session, account_id=account.id)
    audit.record(session, action="account.reset_password", actor=actor, target_type="account",
                 target_id=account.id or "", after={"must_change_password": True, "unit": unit.code}, ip=ip)
    return password


def create_account(session: Session, actor: Actor, data: dict[str, Any], *, ip: str = "") -> tuple[int, str]:
    """Create a contact or operator account of the actor's own unit; returns (id, one-time password).

    Raises:
        Forbidden: the actor lacks `accounts.own_unit`.
        ValidationFailed: bad fields, taken username, or a chief requested (chiefs come by application).
    """
    own = _unit(session, actor.unit.id)
    target = unit_ref(own)
    require(actor, Function.ACCOUNTS_OWN_UNIT, target, ip=ip)
    errors: dict[str, str] = {}
    if str(data.get("category")) == AccountCategory.CHIEF.value:
        raise refuse(actor, "account.create", "accounts.error.chief_change_national_only",
                     target_type="unit", target_id=own.id, ip=ip)
    category = _category(data.get("category"), (AccountCategory.CONTACT, AccountCategory.OPERATOR))
    if category is None:
        errors["category"] = "validation.required"
    username = _new_username(session, data.get("username"), errors)
    person = _person_fields(data, errors)
    if errors:
        raise ValidationFailed(errors)
    assert category is not None
    password = one_time_password()
    account = BusinessAccount(username=username, password_hash=hash_password(password), unit_id=own.id or 0,
                              category=category.value, status=rules.ACTIVE, must_change_password=True, **person)
    session.add(account)
    session.flush()
    audit.record(session, action="account.create", actor=actor, target_type="account", target_id=account.id or "",
                 after={"username": username, "category": category.value, "unit": own.code, **person}, ip=ip)
    return account.id or 0, password


def switch_category(session: Session, actor: Actor, account_id: object, new_category: object, *,
                    ip: str = "") -> dict[str, str]:
    """Switch an account between contact and operator; grants the new category lacks are dropped.

    Raises:
        Forbidden: outside the actor's reach, or chief involved (a chief change is the national centre's).
        NotFound: no such account.
    """
    account, unit, target = _load_for_change(session, actor, account_id, "account.category", ip)
    new = _category(new_category, tuple(AccountCategory))
    if new is None:
        raise ValidationFailed({"category": "validation.required"})
    _check(rules.category_switch_problem(actor, target, account_id=account.id or 0,
                                         current=AccountCategory(account.category), new=new),
           actor, "account.category", target_type="account", target_id=account_id, ip=ip)
    before = {"category": account.category, "grants": account.grants}
    account.category = new.value
    account.grants = rules.grants_after_category_change(UnitType(unit.type), new, account.grants)
    account.updated_at = utcnow()
    session.add(account)
    audit.record(session, action="account.category", actor=actor, target_type="account", target_id=account.id or "",
                 before=before, after={"category": account.category, "grants": account.grants}, ip=ip)
    return _account_row(account, unit)


def set_grants(session: Session, actor: Actor, account_id: object, grants: object, *, ip: str = "") -> dict[str, str]:
    """Narrow (or restore) an account's function grants within its category.

    Raises:
        Forbidden: outside the actor's reach, or a chief's grants (never narrowed).
        ValidationFailed: a grant the category does not have.
        NotFound: no such account.
    """
    account, unit, _ = _load_for_change(session, actor, account_id, "account.grants", ip)
    _check(rules.grants_problem(AccountCategory(account.category)), actor, "account.grants",
           target_type="account", target_id=account_id, ip=ip)
    if not isinstance(grants, list) or not all(isinstance(g, str) for g in grants):
        raise ValidationFailed({"grants": "accounts.error.grant_outside_category"})
    stored, problem = rules.narrowed_grants(UnitType(unit.type), AccountCategory(account.category), grants)
    if problem:
        raise ValidationFailed({"grants": problem})
    before = {"grants": account.grants}
    account.grants = stored
    account.updated_at = utcnow()
    session.add(account)
    audit.record(session, action="account.grants", actor=actor, target_type="account", target_id=account.id or "",
                 before=before, after={"grants": stored}, ip=ip)
    return _account_row(account, unit)


# Chief changes (總負責人異動): filed by the unit, decided by the national centre.

def file_chief_change(session: Session, actor: Actor, new_chief_id: object, reason: str, *, ip: str = "") -> int:
    """Ask the national centre to make another active account of the own unit its chief.

    Raises:
        Forbidden: the actor lacks `accounts.own_unit`.
        ValidationFailed: not an active non-chief account of the unit, or a request is already pending.
    """
    own = _unit(session, actor.unit.id)
    require(actor, Function.ACCOUNTS_OWN_UNIT, unit_ref(own), ip=ip)
    candidate = session.get(BusinessAccount, new_chief_id) if isinstance(new_chief_id, int) else None
    if (candidate is None or candidate.unit_id != own.id or candidate.status != rules.ACTIVE
            or candidate.category == AccountCategory.CHIEF.value):
        raise ValidationFailed({"new_chief": "accounts.error.chief_candidate"})
    if session.exec(select(ChiefChangeRequest.id).where(
            ChiefChangeRequest.unit_id == own.id,
            ChiefChangeRequest.status == ApplicationStatus.PENDING.value)).first():
        raise ValidationFailed({"new_chief": "accounts.error.chief_request_pending"})
    request = ChiefChangeRequest(unit_id=own.id or 0, new_chief_id=candidate.id or 0, requested_by_id=actor.id,
                                 reason=clean(reason, 300))
    session.add(request)
    session.flush()
    audit.record(session, action="account.chief_request", actor=actor, target_type="chief_request",
                 target_id=request.id or "", after={"unit": own.code, "new_chief": candidate.username}, ip=ip)
    return request.id or 0


def pending_chief_changes(session: Session, actor: Actor, *, ip: str = "") -> list[dict[str, str]]:
    """Pending chief-change requests; only the national centre decides them, so only it sees them.

    Raises:
        Forbidden: the actor lacks `accounts.subordinate`.
    """
    require(actor, Function.ACCOUNTS_SUBORDINATE, ip=ip)
    if actor.unit.type != UnitType.NATIONAL_CENTER:
        return []
    rows = session.exec(select(ChiefChangeRequest, Unit, BusinessAccount)
                        .join(Unit, col(Unit.id) == ChiefChangeRequest.unit_id)
                        .join(BusinessAccount, col(BusinessAccount.id) == ChiefChangeRequest.new_chief_id)
                        .where(ChiefChangeRequest.status == ApplicationStatus.PENDING.value)
                        .order_by(col(ChiefChangeRequest.id))).all()
    return [{"id": str(r.id), "unit_name": u.name, "unit_code": u.code, "username": a.username,
             "name": a.name, "reason": r.reason, "created_at": format_datetime(r.created_at, roc=False)}
            for r, u, a in rows]


def decide_chief_change(session: Session, actor: Actor, request_id: object, *, approve: bool,
                        ip: str = "") -> None:
    """Approve (the candidate becomes chief, the old chief a contact) or reject a chief change.

    Raises:
        Forbidden: anyone but the national centre.
        NotFound: no such pending request.
    """
    require(actor, Function.ACCOUNTS_SUBORDINATE, ip=ip)
    request = session.get(ChiefChangeRequest, request_id) if isinstance(request_id, int) else None
    if request is None or request.status != ApplicationStatus.PENDING.value:
        raise NotFound()
    unit = _unit(session, request.unit_id)
    _check(rules.activation_problem(actor, unit_ref(unit), AccountCategory.CHIEF, unit_has_active_chief=True),
           actor, "account.chief_change", target_type="chief_request", target_id=request_id, ip=ip)
    request.status = (ApplicationStatus.APPROVED if approve else ApplicationStatus.REJECTED).value
    request.decided_by_id = actor.id
    request.decided_at = utcnow()
    session.add(request)
    candidate = session.get(BusinessAccount, request.new_chief_id)
    if approve and candidate is not None:
        _demote_chiefs(session, actor, unit, ip=ip)
        before = {"category": candidate.category, "grants": candidate.grants}
        candidate.category = AccountCategory.CHIEF.value
        candidate.grants = None
        candidate.status = rules.ACTIVE
        candidate.updated_at = utcnow()
        session.add(candidate)
        audit.record(session, action="account.category", actor=actor, target_type="account",
                     target_id=candidate.id or "", before=before, after={"category": "chief", "grants": None}, ip=ip)
    audit.record(session, action="account.chief_change", actor=actor, target_type="chief_request",
                 target_id=request.id or "", before={"status": ApplicationStatus.PENDING.value},
                 after={"status": request.status, "unit": unit.code}, ip=ip)
    if candidate is not None:
        outbox.queue(session, to=candidate.email, kind="account.chief_change",
                     subject="全國教師在職進修資訊網 總負責人異動結果",
                     body=f"{candidate.name} 您好：\n\n「{unit.name}」總負責人異動申請"
                          + ("已核准，您已成為總負責人。" if approve else "未獲核准。"))


def work_queue(session: Session, actor: Actor) -> list[QueueItem]:
    """The home page's account work: applications for accounts of the units it oversees, chief changes
    (the national centre), applications for its own unit. Only the queues of functions the actor holds."""
    items: list[QueueItem] = []
    if may(actor, Function.ACCOUNTS_SUBORDINATE):
        items.append(QueueItem(Queue.ACCOUNT_APPLICATIONS, _count_pending(session, actor, SUBORDINATE)))
        if actor.unit.type == UnitType.NATIONAL_CENTER:
            items.append(QueueItem(Queue.CHIEF_CHANGES, len(pending_chief_changes(session, actor))))
    if may(actor, Function.ACCOUNTS_OWN_UNIT):
        items.append(QueueItem(Queue.UNIT_APPLICATIONS, _count_pending(session, actor, OWN_UNIT)))
    return items
