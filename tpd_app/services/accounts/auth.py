"""Signing in and out, login sessions, and changing one's password.

The browser never holds identity: after a successful sign-in it gets a one-time
ticket that the `/api/auth/session` endpoint exchanges for a random session id
in an HttpOnly cookie; the database stores only SHA-256 digests of both.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta
from http.cookies import SimpleCookie

import sqlalchemy as sa
from sqlmodel import Session, select

from tpd_app.domain.accounts import AccountStatus
from tpd_app.domain.errors import InvalidCredentials, NotAuthenticated, ValidationFailed
from tpd_app.domain.national_id import looks_like_national_id, mask_national_id, normalize_national_id
from tpd_app.domain.permissions import Actor, Function, UnitRef, may
from tpd_app.domain.timeutil import utcnow
from tpd_app.domain.units import AccountCategory, UnitType
from tpd_app.models import BusinessAccount, LoginSession, LoginTicket, Teacher, Unit
from tpd_app.services.accounts import sso, throttle
from tpd_app.services.platform import audit, prepared
from tpd_app.services.platform.db import read_only_engine, transaction
from tpd_app.services.platform.guard import require, unit_ref
from tpd_app.services.platform.passwords import (
    MAX_PASSWORD_LENGTH,
    digest,
    hash_password,
    new_secret,
    password_problem,
    verify_password,
)
from tpd_app.settings import get_settings

ACTIVE = AccountStatus.ACTIVE.value
# Sessions are touched at most this often, so a busy page does not write on every event.
_TOUCH_EVERY = timedelta(seconds=60)


@dataclass(frozen=True)
class SignedIn:
    """Who is behind a valid session: the actor plus what the header shows."""

    actor: Actor
    session_id: int
    name: str
    login_label: str
    unit_name: str
    must_change_password: bool


def _is_teacher_login(identifier: str, teacher_hint: bool) -> bool:
    # Business usernames may never look like a national ID (enforced where they are made),
    # so the single login form can tell the two apart.
    return teacher_hint or looks_like_national_id(identifier)


def actor_for_account(account: BusinessAccount, unit: Unit) -> Actor:
    """The Actor of a business account row."""
    assert account.id is not None
    return Actor(
        kind="account",
        id=account.id,
        unit=unit_ref(unit),
        category=AccountCategory(account.category),
        grants=_grants(account.grants),
    )


def _grants(stored: list[str] | None) -> frozenset[Function] | None:
    """An account's stored grants as functions (None: everything its category allows)."""
    return frozenset(Function(g) for g in stored) if stored is not None else None


def sign_in(identifier: str, password: str, *, teacher_hint: bool = False, ip: str = "",
            now: datetime | None = None, sso_pending: str | None = None) -> str:
    """Check credentials and return a one-time login ticket.

    Slow on purpose (argon2): call it off the event loop. Every attempt is audited; failures are
    committed before the error is raised. `throttle` delays one login from one address and caps one
    address across all logins, refusing before any lookup or argon2. `now` is the clock (tests move it).

    The account-wide lock is kept, but only as a ceiling far above what an owner types
    (`lockout_attempts`, 50 failures in a row from all addresses together), and it turns away only
    addresses the account has not signed in from lately: it still stops guessing spread over many
    addresses, yet an attacker who reaches it cannot lock the owner out at her usual address. Removing
    it would leave a botnet an unbounded number of guesses per account.

    `sso_pending` is the cookie of an identity the single sign-on provider vouched for that waits to be
    linked (`sso.link_pending`): the proven password links it to this account. Without it, an account of
    a kind that must sign in through the provider (`sso.required_for`) is told so once its password is right.

    Raises:
        InvalidCredentials: for every failure alike (unknown, wrong password, throttled, locked, disabled);
            with its own message, after a right password, when single sign-on is required or the waiting
            identity cannot be linked (stale, or it already links another teacher).
    """
    settings = get_settings()
    identifier = identifier.strip()[:64]
    password = password[:MAX_PASSWORD_LENGTH]
    now = now or utcnow()
    teacher_login = _is_teacher_login(identifier, teacher_hint)
    login = normalize_national_id(identifier) if teacher_login else identifier
    label = mask_national_id(login) if teacher_login else identifier
    claim = throttle.claim_attempt(login, teacher=teacher_login, label=label, ip=ip, now=now)
    if claim is None:
        raise InvalidCredentials()
    ticket: str | None = None
    refusal = InvalidCredentials()
    with transaction() as session:
        principal: BusinessAccount | Teacher | None
        if teacher_login:
            principal = session.exec(select(Teacher).where(Teacher.national_id == login)).first()
        else:
            principal = session.exec(select(BusinessAccount).where(BusinessAccount.username == login)).first()

        outcome = "failed"
        if principal is None:
            verify_password(password, None)
        elif principal.locked_until is not None and principal.locked_until > now and not claim.trusted:
            verify_password(password, None)
            outcome = "locked"
        else:
            ok, new_hash = verify_password(password, principal.password_hash)
            if ok and principal.status != ACTIVE:
                outcome = "inactive"
            elif ok:
                outcome = "ok"
                if new_hash:
                    principal.password_hash = new_hash
                # The count starts again; a lock stands (an owner signing in does not lift it for others).
                principal.failed_logins = 0
                throttle.give_back(session, claim, now)
                link = sso.link_pending(session, sso_pending, principal, ip=ip) if sso_pending else None
                if isinstance(link, str):
                    outcome, refusal = "sso_link_refused", InvalidCredentials(link)
                elif link is None and sso.required_for(session, sso.principal_kind(session, principal)):
                    outcome, refusal = "sso_required", InvalidCredentials("login.error.sso_required")
                else:
                    principal.last_login_at = now
                    ticket = new_secret()
                    session.add(
                        LoginTicket(
                            ticket_hash=digest(ticket),
                            account_id=principal.id if isinstance(principal, BusinessAccount) else None,
                            teacher_id=principal.id if isinstance(principal, Teacher) else None,
                            sso_link_id=link.id if link is not None else None,
                            expires_at=now + timedelta(seconds=settings.login_ticket_seconds),
                        )
                    )
            else:
                principal.failed_logins += 1
                if principal.failed_logins >= settings.lockout_attempts:
                    principal.locked_until = now + timedelta(minutes=settings.lockout_minutes)
                    principal.failed_logins = 0
                    outcome = "lockout"
        if principal is not None:
            session.add(principal)
        throttled = {"wait_seconds": claim.wait_seconds} if claim.wait_seconds else {}
        if claim.address_capped:
            throttled["address_minutes"] = settings.address_minutes
        audit.record(
            session,
            action="auth.login",
            actor_label=label,
            outcome=outcome,
            target_type="teacher" if teacher_login else "account",
            target_id=principal.id if principal is not None and principal.id else "",
            after=(throttled if throttled and outcome != "ok"
                   else {"sso_link": True} if sso_pending and ticket else None),
            ip=ip,
        )
    if ticket is None:
        raise refusal
    return ticket


def exchange_ticket(ticket: str, *, ip: str = "", user_agent: str = "") -> str | None:
    """Turn a fresh, unused login ticket into a new session; returns the session id or None."""
    settings = get_settings()
    now = utcnow()
    with transaction() as session:
        row = session.exec(
            select(LoginTicket).where(LoginTicket.ticket_hash == digest(ticket[:100]))
        ).first()
        if row is None or row.used_at is not None or row.expires_at <= now:
            return None
        row.used_at = now
        session.add(row)
        token = new_secret()
        session.add(
            LoginSession(
                token_hash=digest(token),
                account_id=row.account_id,
                teacher_id=row.teacher_id,
                created_at=now,
                last_seen_at=now,
                expires_at=now + timedelta(hours=settings.session_absolute_hours),
                ip=ip[:64],
                user_agent=user_agent[:300],
                sso_link_id=row.sso_link_id,
            )
        )
        return token


def _open_session(session: Session, token: str) -> LoginSession | None:
    row = session.exec(select(LoginSession).where(LoginSession.token_hash == digest(token[:100]))).first()
    return row if row is not None and row.ended_at is None else None


def session_token_in(cookie_header: str | None) -> str | None:
    """The session id in a `Cookie` header (the websocket handshake's or an HTTP request's), or None."""
    return cookie_in(cookie_header, get_settings().cookie_name)


def cookie_in(cookie_header: str | None, name: str) -> str | None:
    """One cookie's value in a `Cookie` header, or None (also for a malformed header)."""
    if not cookie_header:
        return None
    return _cookie_in(cookie_header, name)


@functools.lru_cache(maxsize=4096)
def _cookie_in(cookie_header: str, name: str) -> str | None:
    # Every event of a tab brings its handshake's same header again: parsed once (a pure function of it).
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(cookie_header)
    except Exception:  # a malformed Cookie header is just "no cookie"
        return None
    morsel = jar.get(name)
    return morsel.value if morsel else None


_S, _A, _T, _U = (LoginSession.__table__, BusinessAccount.__table__,  # type: ignore[attr-defined]
                  Teacher.__table__, Unit.__table__)  # type: ignore[attr-defined]
#: Everything a resolution needs, in one statement: the session, its account or teacher, and that one's unit.
_RESOLVE = (
    sa.select(_S.c.id, _S.c.account_id, _S.c.teacher_id, _S.c.last_seen_at, _S.c.expires_at,
              _A.c.status.label("account_status"), _A.c.category, _A.c.grants, _A.c.name.label("account_name"),
              _A.c.username, _A.c.must_change_password.label("account_must_change"),
              _T.c.status.label("teacher_status"), _T.c.name.label("teacher_name"), _T.c.national_id,
              _T.c.must_change_password.label("teacher_must_change"),
              _U.c.id.label("unit_id"), _U.c.type.label("unit_type"), _U.c.county, _U.c.reviewer_id,
              _U.c.name.label("unit_name"), _U.c.status.label("unit_status"))
    .select_from(_S.outerjoin(_A, _A.c.id == _S.c.account_id).outerjoin(_T, _T.c.id == _S.c.teacher_id)
                 .outerjoin(_U, _U.c.id == sa.func.coalesce(_A.c.unit_id, _T.c.school_unit_id)))
    .where(_S.c.token_hash == sa.bindparam("token_hash"), _S.c.ended_at.is_(None))
)


def _principal(row: sa.Row) -> SignedIn | None:
    """Who a resolved row is, or None when the account (or its unit) or the teacher is not active."""
    if row.unit_id is None:
        return None
    unit = UnitRef(id=row.unit_id, type=UnitType(row.unit_type), county=row.county, reviewer_id=row.reviewer_id)
    if row.account_id is not None:
        if row.account_status != ACTIVE or row.unit_status != ACTIVE:
            return None
        return SignedIn(
            actor=Actor(kind="account", id=row.account_id, unit=unit, category=AccountCategory(row.category),
                        grants=_grants(row.grants)),
            session_id=row.id, name=row.account_name or row.username, login_label=row.username,
            unit_name=row.unit_name, must_change_password=row.account_must_change)
    if row.teacher_id is not None and row.teacher_status == ACTIVE:
        return SignedIn(
            actor=Actor(kind="teacher", id=row.teacher_id, unit=unit),
            session_id=row.id, name=row.teacher_name, login_label=mask_national_id(row.national_id),
            unit_name=row.unit_name, must_change_password=row.teacher_must_change)
    return None


def resolve_session(token: str | None) -> SignedIn | None:
    """Who holds session id `token`, or None when it is unknown, ended, expired or disabled.

    Checked on every privileged event and page load, so it is one read; it writes only to end a session
    (idle or absolute expiry, a disabled account) or to note it was used, at most once a minute.
    """
    if not token:
        return None
    settings = get_settings()
    now = utcnow()
    with read_only_engine().connect() as connection:
        row = prepared.fetch(connection, _RESOLVE, {"token_hash": digest(token[:100])}).first()
    if row is None:
        return None
    idle_limit = row.last_seen_at + timedelta(minutes=settings.session_idle_minutes)
    signed_in = None if row.expires_at <= now or idle_limit <= now else _principal(row)
    if signed_in is None:
        _update_session(row.id, ended_at=now)
    elif now - row.last_seen_at >= _TOUCH_EVERY:
        _update_session(row.id, last_seen_at=now)
    return signed_in


def acting_actor(token: str | None) -> Actor | None:
    """Who may act through an HTTP endpoint with this session: nobody (anonymous) while an
    administrator's reset still asks for a new password (the pages and handlers refuse the same)."""
    signed_in = resolve_session(token)
    if signed_in is None:
        return None
    if signed_in.must_change_password and may(signed_in.actor, Function.PROFILE_PASSWORD):
        return None
    return signed_in.actor


def _update_session(session_id: int, **values: datetime) -> None:
    with transaction() as session:
        session.execute(sa.update(_S).where(_S.c.id == session_id, _S.c.ended_at.is_(None)).values(**values))


def sign_out(token: str | None, *, ip: str = "") -> bool:
    """End the session `token` on the server (idempotent); whether it had come through single sign-on."""
    if not token:
        return False
    with transaction() as session:
        row = _open_session(session, token)
        if row is None:
            return False
        row.ended_at = utcnow()
        session.add(row)
        audit.record(
            session,
            action="auth.logout",
            target_type="session",
            target_id=row.id or "",
            actor_label=f"account:{row.account_id}" if row.account_id else f"teacher:{row.teacher_id}",
            ip=ip,
        )
        return row.sso_link_id is not None


def end_sessions(session: Session, *, account_id: int | None = None, teacher_id: int | None = None) -> int:
    """End every open session of an account or teacher (disabling, password reset)."""
    query = select(LoginSession).where(LoginSession.ended_at.is_(None))  # type: ignore[union-attr]
    if account_id is not None:
        query = query.where(LoginSession.account_id == account_id)
    elif teacher_id is not None:
        query = query.where(LoginSession.teacher_id == teacher_id)
    else:
        return 0
    now = utcnow()
    rows = session.exec(query).all()
    for row in rows:
        row.ended_at = now
        session.add(row)
    return len(rows)


def change_password(
    actor: Actor, *, current: str, new: str, confirm: str, session_id: int | None = None, ip: str = ""
) -> None:
    """Change the actor's own password after checking the current one (argon2: off the loop).

    Other sessions of the same person are ended; the current one stays.

    Raises:
        Forbidden: the actor may not use `profile.password`.
        ValidationFailed: wrong current password, weak or mismatched new password.
    """
    require(actor, Function.PROFILE_PASSWORD, ip=ip)
    errors: dict[str, str] = {}
    if (problem := password_problem(new)) is not None:
        errors["new"] = problem
    elif new != confirm:
        errors["confirm"] = "password.error.mismatch"
    elif new == current:
        errors["new"] = "password.error.same"
    with transaction() as session:
        principal = (
            session.get(Teacher, actor.id) if actor.is_teacher else session.get(BusinessAccount, actor.id)
        )
        if principal is None:
            raise NotAuthenticated()
        ok, _ = verify_password(current[:MAX_PASSWORD_LENGTH], principal.password_hash)
        if not ok:
            errors = {"current": "password.error.current_wrong"}
        if errors:
            audit.record(session, action="profile.password", actor=actor, outcome="failed", ip=ip,
                         target_type="teacher" if actor.is_teacher else "account", target_id=actor.id)
            failed = ValidationFailed(errors)
        else:
            principal.password_hash = hash_password(new)
            principal.must_change_password = False
            principal.updated_at = utcnow()
            session.add(principal)
            others = select(LoginSession).where(
                LoginSession.ended_at.is_(None),  # type: ignore[union-attr]
                LoginSession.id != session_id,
                (LoginSession.teacher_id == actor.id) if actor.is_teacher else (LoginSession.account_id == actor.id),
            )
            for row in session.exec(others).all():
                row.ended_at = utcnow()
                session.add(row)
            audit.record(session, action="profile.password", actor=actor, ip=ip,
                         target_type="teacher" if actor.is_teacher else "account", target_id=actor.id)
            return
    raise failed
