"""Own basic data (profile.edit) and the own unit's contact data (unit.contact)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from tpd_app.domain.errors import NotAuthenticated, NotFound, ValidationFailed
from tpd_app.domain.national_id import mask_national_id
from tpd_app.domain.permissions import Actor, Function
from tpd_app.domain.timeutil import utcnow
from tpd_app.models import BusinessAccount, Teacher, Unit
from tpd_app.services.platform import audit
from tpd_app.services.platform.guard import require, unit_ref
from tpd_app.services.platform.validation import clean, email_problem, phone_problem, url_problem

#: Editable fields and their maximum lengths.
ACCOUNT_FIELDS: dict[str, int] = {"name": 100, "title": 100, "email": 200, "phone": 40}
TEACHER_FIELDS: dict[str, int] = {"email": 200, "phone": 40}
UNIT_CONTACT_FIELDS: dict[str, int] = {
    "contact_name": 100,
    "phone": 40,
    "fax": 40,
    "email": 200,
    "address": 300,
    "website": 300,
}


def _own_row(session: Session, actor: Actor) -> BusinessAccount | Teacher:
    row = session.get(Teacher, actor.id) if actor.is_teacher else session.get(BusinessAccount, actor.id)
    if row is None:
        raise NotAuthenticated()
    return row


def get_profile(session: Session, actor: Actor, *, ip: str = "") -> dict[str, str]:
    """The actor's own basic data: editable fields plus read-only facts.

    Raises:
        Forbidden: the actor may not use `profile.edit`.
    """
    require(actor, Function.PROFILE_EDIT, ip=ip)
    row = _own_row(session, actor)
    if isinstance(row, Teacher):
        school = session.get(Unit, row.school_unit_id)
        return {
            "login": mask_national_id(row.national_id),
            "name": row.name,
            "unit": school.name if school else "",
            "email": row.email,
            "phone": row.phone,
        }
    unit = session.get(Unit, row.unit_id)
    return {
        "login": row.username,
        "unit": unit.name if unit else "",
        "category": row.category,
        **{key: getattr(row, key) for key in ACCOUNT_FIELDS},
    }


def update_profile(session: Session, actor: Actor, data: dict[str, Any], *, ip: str = "") -> dict[str, str]:
    """Save the actor's own basic data; returns the saved values.

    Raises:
        Forbidden: the actor may not use `profile.edit`.
        ValidationFailed: a field is missing or malformed; nothing is saved.
    """
    require(actor, Function.PROFILE_EDIT, ip=ip)
    fields = TEACHER_FIELDS if actor.is_teacher else ACCOUNT_FIELDS
    values = {key: clean(data.get(key), limit) for key, limit in fields.items()}
    errors: dict[str, str] = {}
    if "name" in values and not values["name"]:
        errors["name"] = "validation.required"
    if problem := email_problem(values["email"], required=True):
        errors["email"] = problem
    if problem := phone_problem(values["phone"]):
        errors["phone"] = problem
    if errors:
        raise ValidationFailed(errors)
    _apply(session, actor, _own_row(session, actor), values, action="profile.edit",
           target_type="teacher" if actor.is_teacher else "account", ip=ip)
    return values


def _apply(session: Session, actor: Actor, row: BusinessAccount | Teacher | Unit, values: dict[str, str], *,
           action: str, target_type: str, ip: str) -> None:
    """Write `values` onto `row` and audit exactly what changed, in the caller's transaction."""
    before = {key: getattr(row, key) for key in values}
    for key, value in values.items():
        setattr(row, key, value)
    row.updated_at = utcnow()
    session.add(row)
    old, new = audit.changed_fields(before, values)
    audit.record(session, action=action, actor=actor, target_type=target_type, target_id=row.id or "",
                 before=old, after=new, ip=ip)


def _own_unit(session: Session, actor: Actor, *, ip: str) -> Unit:
    unit = session.get(Unit, actor.unit.id)
    if unit is None:
        raise NotFound()
    require(actor, Function.UNIT_CONTACT, unit_ref(unit), ip=ip)
    return unit


def get_unit_contact(session: Session, actor: Actor, *, ip: str = "") -> dict[str, str]:
    """The contact data of the actor's own unit, plus its name and code.

    Raises:
        Forbidden: the actor may not use `unit.contact`.
    """
    unit = _own_unit(session, actor, ip=ip)
    return {"unit_name": unit.name, "unit_code": unit.code,
            **{key: getattr(unit, key) for key in UNIT_CONTACT_FIELDS}}


def update_unit_contact(session: Session, actor: Actor, data: dict[str, Any], *, ip: str = "") -> dict[str, str]:
    """Save the own unit's contact data.

    Raises:
        Forbidden: the actor may not use `unit.contact`.
        ValidationFailed: a field is missing or malformed; nothing is saved.
    """
    unit = _own_unit(session, actor, ip=ip)
    return save_unit_contact(session, actor, unit, data, action="unit.contact", ip=ip)


def save_unit_contact(session: Session, actor: Actor, unit: Unit, data: dict[str, Any], *, action: str,
                      ip: str = "") -> dict[str, str]:
    """Validate and save a unit's contact data, audit-logged as `action` (the caller checked access).

    Raises:
        ValidationFailed: a field is missing or malformed; nothing is saved.
    """
    values = unit_contact_values(data)
    _apply(session, actor, unit, values, action=action, target_type="unit", ip=ip)
    return values


def unit_contact_values(data: dict[str, Any]) -> dict[str, str]:
    """A unit's contact data from a form, validated.

    Raises:
        ValidationFailed: a field is missing or malformed.
    """
    values = {key: clean(data.get(key), limit) for key, limit in UNIT_CONTACT_FIELDS.items()}
    errors: dict[str, str] = {}
    if not values["contact_name"]:
        errors["contact_name"] = "validation.required"
    if problem := phone_problem(values["phone"], required=True):
        errors["phone"] = problem
    if problem := phone_problem(values["fax"]):
        errors["fax"] = problem
    if problem := email_problem(values["email"], required=True):
        errors["email"] = problem
    if not values["address"]:
        errors["address"] = "validation.required"
    if problem := url_problem(values["website"]):
        errors["website"] = problem
    if errors:
        raise ValidationFailed(errors)
    return values
