"""Setting up a real deployment: the first national-centre administrator."""

from __future__ import annotations

import re

from sqlmodel import Session, select

from tpd_app.domain.errors import ValidationFailed
from tpd_app.domain.national_id import looks_like_national_id
from tpd_app.domain.units import AccountCategory, UnitType
from tpd_app.models import BusinessAccount, Unit
from tpd_app.services.platform import audit
from tpd_app.services.platform.passwords import hash_password, password_problem
from tpd_app.services.platform.validation import email_problem

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
NATIONAL_CENTER_CODE = "NC"
NATIONAL_CENTER_NAME = "國立高雄師範大學"


def username_problem(username: str) -> str | None:
    """An i18n key for what is wrong with a new business username, or None.

    A username may never look like a national ID: the login form tells teachers
    from business accounts by that shape.
    """
    if not _USERNAME.match(username):
        return "account.error.username_format"
    if looks_like_national_id(username):
        return "account.error.username_national_id"
    return None


def create_first_admin(session: Session, *, username: str, password: str, name: str, email: str) -> BusinessAccount:
    """Create the national centre unit if missing and its chief account.

    Raises:
        ValidationFailed: bad username, password or e-mail, or the username is taken.
    """
    username = username.strip().lower()
    errors: dict[str, str] = {}
    if problem := username_problem(username):
        errors["username"] = problem
    elif session.exec(select(BusinessAccount).where(BusinessAccount.username == username)).first():
        errors["username"] = "account.error.username_taken"
    if problem := password_problem(password):
        errors["password"] = problem
    if problem := email_problem(email.strip(), required=True):
        errors["email"] = problem
    if not name.strip():
        errors["name"] = "validation.required"
    if errors:
        raise ValidationFailed(errors)
    centre = session.exec(select(Unit).where(Unit.type == UnitType.NATIONAL_CENTER.value)).first()
    if centre is None:
        centre = Unit(code=NATIONAL_CENTER_CODE, name=NATIONAL_CENTER_NAME, type=UnitType.NATIONAL_CENTER.value,
                      county="KHH", contact_name=name.strip(), email=email.strip())
        session.add(centre)
        session.flush()
    account = BusinessAccount(
        username=username,
        password_hash=hash_password(password),
        unit_id=centre.id or 0,
        category=AccountCategory.CHIEF.value,
        status="active",
        name=name.strip(),
        email=email.strip(),
    )
    session.add(account)
    session.flush()
    audit.record(session, action="admin.create_first", actor_label="cli", target_type="account",
                 target_id=account.id or "", after={"username": username, "unit": centre.code})
    return account
