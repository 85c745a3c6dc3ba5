"""忘記密碼 (issue 15): a reset link by e-mail for business accounts and teachers.

- **No answer reveals whether an account exists**: `request_reset` returns nothing and does the same work
  (one lookup, one row, one audit entry, in one transaction) whether the login is unknown, disabled,
  without an e-mail address, rate-limited or real; only the real one gets a mail.
- **Rate-limited** by the login as typed (3 an hour) and by the client address (10 an hour), counted on
  `password_reset` rows that every request writes, known login or not.
- **The link** is `<id>.<signature>.<secret>`: the installation's key signs the id, the row keeps only the
  secret's digest; it works once, for 30 minutes, and a newer request of the same person ends it.
- **Resetting** sets the new password (the usual rules), clears a forced change, ends every session of
  that person and is audited; the person then signs in.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from tpd_app.domain.accounts import AccountStatus
from tpd_app.domain.errors import ValidationFailed
from tpd_app.domain.national_id import looks_like_national_id, mask_national_id, normalize_national_id
from tpd_app.domain.timeutil import format_datetime, utcnow
from tpd_app.i18n import translate, valid_lang
from tpd_app.models import BusinessAccount, PasswordReset, Teacher
from tpd_app.services.accounts import throttle
from tpd_app.services.accounts.auth import end_sessions
from tpd_app.services.platform import audit, mail, outbox
from tpd_app.services.platform.db import transaction
from tpd_app.services.platform.passwords import (
    MAX_PASSWORD_LENGTH,
    digest,
    hash_password,
    new_secret,
    password_problem,
)
from tpd_app.settings import get_settings

VALID_FOR = timedelta(minutes=30)
WINDOW = timedelta(hours=1)
PER_LOGIN = 3
PER_ADDRESS = 10
_PURPOSE = "password_reset"
ACTIVE = AccountStatus.ACTIVE.value


def _principal(session: Session, login: str, teacher: bool) -> BusinessAccount | Teacher | None:
    if teacher:
        return session.exec(select(Teacher).where(Teacher.national_id == login)).first()
    return session.exec(select(BusinessAccount).where(BusinessAccount.username == login)).first()


def _recent(session: Session, column: sa.ColumnElement, value: str, since: datetime) -> int:
    return session.execute(select(func.count()).select_from(PasswordReset)
                           .where(column == value, col(PasswordReset.created_at) >= since)).scalar_one()


def request_reset(login: str, *, teacher: bool, lang: str = "zh-TW", ip: str = "", now: datetime | None = None) -> None:
    """A reset link to the person's e-mail, if the login names an active account with an address and
    the limits allow; otherwise nothing visible happens. Always returns None (no enumeration)."""
    now = now or utcnow()
    raw = (login or "").strip()[:64] if isinstance(login, str) else ""
    teacher = bool(teacher) or looks_like_national_id(raw)
    login = normalize_national_id(raw) if teacher else raw
    key = throttle.login_key(login, teacher=teacher)
    address = throttle.throttle_address(ip)
    with transaction() as session:
        limited = (_recent(session, PasswordReset.login_key, key, now - WINDOW) >= PER_LOGIN
                   or _recent(session, PasswordReset.address, address, now - WINDOW) >= PER_ADDRESS)
        principal = _principal(session, login, teacher) if raw else None
        row = PasswordReset(login_key=key, address=address, created_at=now, expires_at=now + VALID_FOR)
        if limited:
            outcome = "limited"
        elif principal is None:
            outcome = "unknown"
        elif principal.status != ACTIVE:
            outcome = "inactive"
        elif not principal.email:
            outcome = "no_email"
        else:
            outcome = "sent"
        session.add(row)
        session.flush()
        if outcome == "sent" and principal is not None:
            _end_open_links(session, principal, now)
            secret = new_secret()
            row.token_digest = digest(secret)
            if isinstance(principal, Teacher):
                row.teacher_id = principal.id
            else:
                row.account_id = principal.id
            session.add(row)
            _mail_link(session, principal, f"{mail.sign(_PURPOSE, row.id or 0)}.{secret}", valid_lang(lang), now)
        audit.record(session, action="auth.reset_request", outcome="ok" if outcome == "sent" else "denied",
                     actor_label=mask_national_id(login) if teacher else login[:64], target_type="password_reset",
                     target_id=row.id or "", after={"outcome": outcome}, ip=ip)


def _end_open_links(session: Session, principal: BusinessAccount | Teacher, now: datetime) -> None:
    owner = (PasswordReset.teacher_id == principal.id) if isinstance(principal, Teacher) \
        else (PasswordReset.account_id == principal.id)
    for earlier in session.exec(select(PasswordReset).where(owner, col(PasswordReset.used_at).is_(None),
                                                            col(PasswordReset.ended_at).is_(None))).all():
        earlier.ended_at = now
        session.add(earlier)


def _mail_link(session: Session, principal: BusinessAccount | Teacher, token: str, lang: str, now: datetime) -> None:
    link = f"{get_settings().public_origin.rstrip('/')}/reset?token={token}"
    until = format_datetime(now + VALID_FOR, roc=lang == "zh-TW")
    outbox.queue(session, to=principal.email, kind="password_reset",
                 subject=translate("mail.reset.subject", lang),
                 body=translate("mail.reset.body", lang, name=principal.name, link=link, until=until))


@dataclass(frozen=True)
class _Link:
    row: PasswordReset
    principal: BusinessAccount | Teacher


def _open_link(session: Session, token: str, now: datetime, *, lock: bool = False) -> _Link | None:
    """The request behind a link that is genuine, unused, not replaced and not expired, or None."""
    if not isinstance(token, str) or len(token) > 200:
        return None
    signed, _, secret = token.rpartition(".")
    row_id = mail.verify(_PURPOSE, signed)
    if row_id is None or not secret:
        return None
    query = select(PasswordReset).where(PasswordReset.id == row_id)
    row = session.exec(query.with_for_update() if lock else query).first()
    if row is None or not row.token_digest or not hmac.compare_digest(row.token_digest, digest(secret)):
        return None
    if row.used_at is not None or row.ended_at is not None or row.expires_at <= now:
        return None
    principal = session.get(Teacher, row.teacher_id) if row.teacher_id else session.get(BusinessAccount,
                                                                                         row.account_id)
    if principal is None or principal.status != ACTIVE:
        return None
    return _Link(row, principal)


def check_link(token: str, *, now: datetime | None = None) -> dict[str, str]:
    """What the reset page shows before the form: whose login the link is for (masked), or that it is
    no longer valid (used, replaced, expired or never ours: one message for all)."""
    with transaction() as session:
        link = _open_link(session, token, now or utcnow())
        if link is None:
            return {}
        if isinstance(link.principal, Teacher):
            return {"login": mask_national_id(link.principal.national_id)}
        return {"login": link.principal.username}


def complete_reset(token: str, new: str, confirm: str, *, ip: str = "", now: datetime | None = None) -> None:
    """Set the new password through a valid link: the link is spent, a forced change is cleared, every
    session of the person ends. Slow on purpose (argon2): call it off the event loop.

    Raises:
        ValidationFailed: the link is no longer valid (`reset.error.link`), or the new password is weak
            or its two copies differ (field errors `new` / `confirm`).
    """
    now = now or utcnow()
    new = new[:MAX_PASSWORD_LENGTH] if isinstance(new, str) else ""
    confirm = confirm[:MAX_PASSWORD_LENGTH] if isinstance(confirm, str) else ""
    errors: dict[str, str] = {}
    if (problem := password_problem(new)) is not None:
        errors["new"] = problem
    elif new != confirm:
        errors["confirm"] = "password.error.mismatch"
    password_hash = hash_password(new) if not errors else ""
    with transaction() as session:
        link = _open_link(session, token, now, lock=True)
        if link is None:
            audit.record(session, action="auth.reset", outcome="denied", target_type="password_reset",
                         after={"reason": "link"}, ip=ip)
            failed = ValidationFailed({"token": "reset.error.link"})
        elif errors:
            failed = ValidationFailed(errors)
        else:
            principal = link.principal
            principal.password_hash = password_hash
            principal.must_change_password = False
            principal.failed_logins = 0
            principal.locked_until = None
            principal.updated_at = now
            session.add(principal)
            link.row.used_at = now
            session.add(link.row)
            is_teacher = isinstance(principal, Teacher)
            ended = end_sessions(session, teacher_id=principal.id) if is_teacher \
                else end_sessions(session, account_id=principal.id)
            audit.record(session, action="auth.reset", target_type="teacher" if is_teacher else "account",
                         target_id=principal.id or "", after={"sessions_ended": ended},
                         actor_label=f"{'teacher' if is_teacher else 'account'}:{principal.id}", ip=ip)
            return
    raise failed
