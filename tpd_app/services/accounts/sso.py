"""Single sign-on with the 教育雲端帳號 (an OpenID Connect provider), through Authlib.

The authorization code flow with PKCE (S256), `state` and `nonce`: `begin` keeps the request server-side
(`sso_request`: digests of the state and of a browser-binding cookie, the nonce and the verifier; ten
minutes, used once) and returns the provider's URL; `finish` takes the answer, exchanges the code, has
Authlib check the ID token (signature against the provider's keys, fetched again when a token names a
key it has not seen: the provider rotated them; issuer, audience, expiry, nonce) and settles who she is:

- an identity already linked to one usable account signs in to it;
- a first sign-in whose verified national ID (the configured identity claim, and the school claim where one
  is configured) is a teacher's links to that teacher;
- otherwise she lands on `/login/sso` (`sso_pending`, carried by an HttpOnly cookie): to choose between
  her linked accounts, or to prove an existing account's password once (`auth.sign_in(sso_pending=…)`),
  or to be told how to get an account. Nothing is ever linked by e-mail or name.

Every outcome is audited (`auth.sso`, `auth.login` with `via: sso`, `auth.sso_link`, `auth.sso_unlink`).
A sign-in ends in the same one-time ticket and server-side session as the password path.
"""

from __future__ import annotations

import asyncio
import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import authlib.deprecate  # noqa: F401 (imported first: it switches its own warnings to "always")
import httpx
from authlib.common.errors import AuthlibBaseError
from joserfc.errors import JoseError

with warnings.catch_warnings():
    # Authlib 1.9 would rather have the httpx2 fork; httpx (Reflex's own) still does the same job.
    warnings.filterwarnings("ignore", message="The httpx module is deprecated")
    from authlib.integrations.httpx_client import OAuth2Client
    from authlib.integrations.starlette_client import OAuth, StarletteOAuth2App

__all__ = ["OAuth2Client", "StarletteOAuth2App"]  # Authlib's, for the tests, imported here without the warning
from sqlmodel import Session, col, func, select

from tpd_app import routes
from tpd_app.domain.accounts import AccountStatus
from tpd_app.domain.errors import Forbidden, NotFound, ValidationFailed
from tpd_app.domain.national_id import mask_national_id
from tpd_app.domain.permissions import Actor, Function
from tpd_app.domain.sso import (
    POLICY_KINDS,
    TEACHER_KIND,
    LinkEvidence,
    SsoIdentity,
    SsoOutcome,
    claim_links_teacher,
    identity_from_claims,
    issuer_problem,
    may_set_policy,
    unlink_problem,
)
from tpd_app.domain.timeutil import utcnow
from tpd_app.models import (
    BusinessAccount,
    LoginSession,
    LoginTicket,
    SsoLink,
    SsoPending,
    SsoPolicy,
    SsoRequest,
    Teacher,
    Unit,
)
from tpd_app.services.platform import audit
from tpd_app.services.platform.db import transaction
from tpd_app.services.platform.guard import require
from tpd_app.services.platform.passwords import digest, new_secret
from tpd_app.settings import Settings, get_settings

ACTIVE = AccountStatus.ACTIVE.value
#: How long a request to the provider and an identity waiting on `/login/sso` last.
REQUEST_MINUTES = 10
#: The provider's discovery document is read again after this long (its keys whenever a token needs it).
METADATA_SECONDS = 3600
#: Clock skew allowed on the ID token's times (seconds).
LEEWAY_SECONDS = 60
#: The browser-binding cookie of a request under way, and the cookie of an identity waiting to be linked.
BINDING_COOKIE = "tpd_sso"
PENDING_COOKIE = "tpd_sso_pending"
CALLBACK_PATH = "/api/auth/sso/callback"

_CLIENT: tuple[tuple[str, str, str], StarletteOAuth2App] | None = None


class ProviderUnavailable(Exception):
    """The provider could not be reached or answered nonsense (its discovery document, its keys)."""


def enabled() -> bool:
    """Single sign-on is configured (the login page shows its button only then)."""
    return get_settings().oidc_enabled


def _client(settings: Settings) -> StarletteOAuth2App:
    """The Authlib client of the configured provider, one per process (kept while the settings stand)."""
    global _CLIENT
    key = (settings.oidc_issuer, settings.oidc_client_id, settings.oidc_scopes)
    if _CLIENT is None or _CLIENT[0] != key:
        if (problem := issuer_problem(settings.oidc_issuer)) is not None:
            raise ProviderUnavailable(problem)
        oauth = OAuth()
        client = oauth.register(
            "edu_cloud", client_id=settings.oidc_client_id, client_secret=settings.oidc_client_secret,
            server_metadata_url=f"{settings.oidc_issuer}/.well-known/openid-configuration",
            client_kwargs={"scope": settings.oidc_scopes, "code_challenge_method": "S256", "timeout": 10,
                           "token_endpoint_auth_method": "client_secret_basic"})
        _CLIENT = (key, client)
    return _CLIENT[1]


async def _metadata(client: StarletteOAuth2App, settings: Settings) -> dict[str, Any]:
    """The provider's discovery document, read again when it is an hour old; its issuer must be ours."""
    loaded = client.server_metadata.get("_loaded_at")
    if loaded is not None and time.time() - loaded > METADATA_SECONDS:
        client.server_metadata.clear()
    try:
        metadata = await client.load_server_metadata()
    except (httpx.HTTPError, ValueError) as failure:
        client.server_metadata.clear()
        raise ProviderUnavailable(str(failure)) from failure
    if metadata.get("issuer", "").rstrip("/") != settings.oidc_issuer:
        client.server_metadata.clear()
        raise ProviderUnavailable("the discovery document names another issuer")
    return metadata


def callback_url(settings: Settings | None = None) -> str:
    """Where the provider sends her back (register it at the provider as the client's redirect URI)."""
    return (settings or get_settings()).public_origin.rstrip("/") + CALLBACK_PATH


# --- Starting and finishing a sign-in -------------------------------------------------------------------------


async def begin(*, next_path: str = "", intent: str = "login", session_id: int | None = None) -> tuple[str, str]:
    """A new authorization request: (the provider's URL to send her to, the browser-binding secret for the
    `tpd_sso` cookie).

    Raises:
        ProviderUnavailable: the provider's discovery document could not be read.
    """
    settings = get_settings()
    client = _client(settings)
    await _metadata(client, settings)
    redirect_uri = callback_url(settings)
    request = await client.create_authorization_url(redirect_uri)
    binding = new_secret()
    await asyncio.to_thread(_save_request, request, binding, redirect_uri, next_path, intent, session_id)
    return request["url"], binding


def _save_request(request: Mapping[str, str], binding: str, redirect_uri: str, next_path: str, intent: str,
                  session_id: int | None) -> None:
    now = utcnow()
    with transaction() as session:
        session.add(SsoRequest(state_hash=digest(request["state"]), binding_hash=digest(binding),
                               nonce=request["nonce"], code_verifier=request["code_verifier"],
                               redirect_uri=redirect_uri, next_path=next_path[:200],
                               intent="link" if intent == "link" else "login", session_id=session_id,
                               created_at=now, expires_at=now + timedelta(minutes=REQUEST_MINUTES)))


@dataclass(frozen=True)
class Finish:
    """How an answer from the provider ends: a ticket to exchange for the session cookie, an identity waiting
    on `/login/sso` (its cookie), or a refusal (`outcome`)."""

    outcome: SsoOutcome
    intent: str = "login"
    ticket: str | None = None
    pending: str | None = None
    next_path: str = routes.DASHBOARD


@dataclass(frozen=True)
class _Taken:
    nonce: str
    code_verifier: str
    redirect_uri: str
    next_path: str
    intent: str
    session_id: int | None


def _refused(outcome: SsoOutcome, *, ip: str, intent: str = "login", reason: str = "") -> Finish:
    audit.record_now(action="auth.sso", outcome=outcome.value, target_type="sso", target_id=intent,
                     after={"reason": reason[:200]} if reason else None, ip=ip)
    return Finish(outcome, intent=intent)


def _take_request(state: str, binding: str | None) -> _Taken | None:
    """The request this answer belongs to, used up; None when the state is unknown, used, stale, or was
    started in another browser (its binding cookie is not this one)."""
    if not state or not binding:
        return None
    now = utcnow()
    with transaction() as session:
        row = session.exec(select(SsoRequest).where(SsoRequest.state_hash == digest(state[:200]))).first()
        if row is None or row.used_at is not None:
            return None
        row.used_at = now
        session.add(row)
        if row.expires_at <= now or row.binding_hash != digest(binding[:200]):
            return None
        return _Taken(nonce=row.nonce, code_verifier=row.code_verifier, redirect_uri=row.redirect_uri,
                      next_path=row.next_path, intent=row.intent, session_id=row.session_id)


async def finish(params: Mapping[str, str], binding: str | None, *, ip: str = "", user_agent: str = "") -> Finish:
    """Settle the provider's answer (the callback's query parameters and the binding cookie)."""
    settings = get_settings()
    if params.get("error"):
        return await asyncio.to_thread(_refused, SsoOutcome.CANCELLED, ip=ip, reason=str(params.get("error")))
    taken = await asyncio.to_thread(_take_request, str(params.get("state") or ""), binding)
    if taken is None:
        return await asyncio.to_thread(_refused, SsoOutcome.BAD_STATE, ip=ip)
    try:
        client = _client(settings)
        metadata = await _metadata(client, settings)
    except ProviderUnavailable as failure:
        return await asyncio.to_thread(_refused, SsoOutcome.PROVIDER_DOWN, ip=ip, intent=taken.intent,
                                       reason=str(failure))
    try:
        token = await client.fetch_access_token(redirect_uri=taken.redirect_uri, code=str(params.get("code") or ""),
                                                code_verifier=taken.code_verifier)
    except (AuthlibBaseError, httpx.HTTPError, ValueError) as failure:
        return await asyncio.to_thread(_refused, SsoOutcome.BAD_CODE, ip=ip, intent=taken.intent,
                                       reason=type(failure).__name__)
    try:
        claims = await client.parse_id_token(token, nonce=taken.nonce, leeway=LEEWAY_SECONDS)
    except (JoseError, AuthlibBaseError, httpx.HTTPError, ValueError, KeyError) as failure:
        return await asyncio.to_thread(_refused, SsoOutcome.BAD_TOKEN, ip=ip, intent=taken.intent,
                                       reason=f"{type(failure).__name__}: {failure}")
    if claims is None:
        return await asyncio.to_thread(_refused, SsoOutcome.BAD_TOKEN, ip=ip, intent=taken.intent,
                                       reason="no id_token")
    merged: dict[str, Any] = dict(claims)
    wanted = [c for c in (settings.oidc_identity_claim, settings.oidc_school_claim, "name", "email") if c]
    if any(c not in merged for c in wanted) and metadata.get("userinfo_endpoint"):
        merged = await _with_userinfo(client, token, merged)
    identity = identity_from_claims(settings.oidc_issuer, merged, identity_claim=settings.oidc_identity_claim,
                                    school_claim=settings.oidc_school_claim)
    if identity is None:
        return await asyncio.to_thread(_refused, SsoOutcome.BAD_TOKEN, ip=ip, intent=taken.intent, reason="no sub")
    return await asyncio.to_thread(_settle, identity, taken, settings, ip)


async def _with_userinfo(client: StarletteOAuth2App, token: dict[str, Any], claims: dict[str, Any]) -> dict[str, Any]:
    """The ID token's claims and what the userinfo endpoint adds, only when it speaks of the same `sub`."""
    try:
        info = await client.userinfo(token=token)
    except (AuthlibBaseError, httpx.HTTPError, ValueError):
        return claims
    if info.get("sub") != claims.get("sub"):
        return claims
    return {**info, **claims}


# --- Who she is -----------------------------------------------------------------------------------------------


def _usable(session: Session, link: SsoLink) -> bool:
    """The linked account can sign in now (active, and a business account's unit active)."""
    if link.teacher_id is not None:
        teacher = session.get(Teacher, link.teacher_id)
        return teacher is not None and teacher.status == ACTIVE
    account = session.get(BusinessAccount, link.account_id) if link.account_id is not None else None
    if account is None or account.status != ACTIVE:
        return False
    unit = session.get(Unit, account.unit_id)
    return unit is not None and unit.status == ACTIVE


def _links(session: Session, issuer: str, subject: str) -> list[SsoLink]:
    return list(session.exec(select(SsoLink).where(SsoLink.issuer == issuer, SsoLink.subject == subject)
                             .order_by(col(SsoLink.id))).all())


def _new_link(session: Session, identity: SsoIdentity, principal: Teacher | BusinessAccount, evidence: LinkEvidence,
              *, ip: str) -> SsoLink:
    is_teacher = isinstance(principal, Teacher)
    assert principal.id is not None
    link = SsoLink(issuer=identity.issuer, subject=identity.subject,
                   principal=f"{'teacher' if is_teacher else 'account'}:{principal.id}",
                   teacher_id=principal.id if is_teacher else None, account_id=None if is_teacher else principal.id,
                   evidence=evidence.value, label=identity.label)
    session.add(link)
    session.flush()
    audit.record(session, action="auth.sso_link", actor_label=_login_label(principal),
                 target_type="teacher" if is_teacher else "account", target_id=principal.id,
                 after={"evidence": evidence.value, "link": link.id}, ip=ip)
    return link


def _login_label(principal: Teacher | BusinessAccount) -> str:
    return mask_national_id(principal.national_id) if isinstance(principal, Teacher) else principal.username


def _principal_of(session: Session, link: SsoLink) -> Teacher | BusinessAccount | None:
    if link.teacher_id is not None:
        return session.get(Teacher, link.teacher_id)
    return session.get(BusinessAccount, link.account_id) if link.account_id is not None else None


def ticket_for(session: Session, link: SsoLink, *, ip: str, now: datetime | None = None) -> str:
    """A one-time login ticket for the account behind `link` (the same ticket as a password sign-in's),
    with the sign-in audited as `auth.login` via single sign-on."""
    now = now or utcnow()
    principal = _principal_of(session, link)
    assert principal is not None and principal.id is not None
    principal.last_login_at = now
    session.add(principal)
    link.last_used_at = now
    session.add(link)
    ticket = new_secret()
    is_teacher = isinstance(principal, Teacher)
    session.add(LoginTicket(ticket_hash=digest(ticket), account_id=None if is_teacher else principal.id,
                            teacher_id=principal.id if is_teacher else None, sso_link_id=link.id,
                            expires_at=now + timedelta(seconds=get_settings().login_ticket_seconds)))
    audit.record(session, action="auth.login", actor_label=_login_label(principal), outcome="ok",
                 target_type="teacher" if is_teacher else "account", target_id=principal.id,
                 after={"via": "sso", "link": link.id}, ip=ip)
    return ticket


def _claim_teacher(session: Session, identity: SsoIdentity, settings: Settings) -> Teacher | None:
    """The active teacher the provider's verified national ID (and school) names, or None."""
    if not identity.national_id:
        return None
    teacher = session.exec(select(Teacher).where(Teacher.national_id == identity.national_id)).first()
    if teacher is None or teacher.status != ACTIVE:
        return None
    school = session.get(Unit, teacher.school_unit_id)
    if not claim_links_teacher(identity, national_id=teacher.national_id, school_code=school.code if school else "",
                               school_claim=settings.oidc_school_claim):
        return None
    return teacher


def _settle(identity: SsoIdentity, taken: _Taken, settings: Settings, ip: str) -> Finish:
    with transaction() as session:
        if taken.intent == "link":
            return _link_signed_in(session, identity, taken, ip)
        links = _links(session, identity.issuer, identity.subject)
        if not any(link.teacher_id is not None for link in links):
            teacher = _claim_teacher(session, identity, settings)
            if teacher is not None:
                links.append(_new_link(session, identity, teacher, LinkEvidence.CLAIM, ip=ip))
        usable = [link for link in links if _usable(session, link)]
        next_path = routes.safe_next(taken.next_path)
        if len(usable) == 1:
            return Finish(SsoOutcome.SIGNED_IN, ticket=ticket_for(session, usable[0], ip=ip), next_path=next_path)
        if links and not usable:
            audit.record(session, action="auth.sso", outcome=SsoOutcome.INACTIVE.value, target_type="sso",
                         target_id="login", ip=ip)
            return Finish(SsoOutcome.INACTIVE)
        outcome = SsoOutcome.CHOOSE if usable else SsoOutcome.UNLINKED
        token = new_secret()
        now = utcnow()
        session.add(SsoPending(token_hash=digest(token), issuer=identity.issuer, subject=identity.subject,
                               name=identity.name, email=identity.email, school_code=identity.school_code,
                               next_path=next_path, created_at=now,
                               expires_at=now + timedelta(minutes=REQUEST_MINUTES)))
        audit.record(session, action="auth.sso", outcome=outcome.value, target_type="sso", target_id="login", ip=ip)
        return Finish(outcome, pending=token, next_path=next_path)


def _link_signed_in(session: Session, identity: SsoIdentity, taken: _Taken, ip: str) -> Finish:
    """Intent "link": the account of the app session that asked (still open) gets this identity."""
    row = session.get(LoginSession, taken.session_id) if taken.session_id is not None else None
    if row is None or row.ended_at is not None or row.expires_at <= utcnow():
        audit.record(session, action="auth.sso", outcome=SsoOutcome.BAD_STATE.value, target_type="sso",
                     target_id="link", ip=ip)
        return Finish(SsoOutcome.BAD_STATE, intent="link")
    principal = session.get(Teacher, row.teacher_id) if row.teacher_id else session.get(BusinessAccount, row.account_id)
    assert principal is not None
    problem = _link_problem(session, identity, principal)
    if problem == "already":
        return Finish(SsoOutcome.LINKED, intent="link", next_path=routes.FUNCTION_ROUTES[Function.PROFILE_EDIT])
    if problem is not None:
        audit.record(session, action="auth.sso", outcome="other_teacher", target_type="sso", target_id="link", ip=ip)
        return Finish(SsoOutcome.BAD_STATE, intent="link")
    _new_link(session, identity, principal, LinkEvidence.SIGNED_IN, ip=ip)
    return Finish(SsoOutcome.LINKED, intent="link", next_path=routes.FUNCTION_ROUTES[Function.PROFILE_EDIT])


def _link_problem(session: Session, identity: SsoIdentity, principal: Teacher | BusinessAccount) -> str | None:
    """None when `principal` may be linked to `identity`; "already" when it is; else why not (a message key):
    one identity links at most one teacher account."""
    is_teacher = isinstance(principal, Teacher)
    key = f"{'teacher' if is_teacher else 'account'}:{principal.id}"
    links = _links(session, identity.issuer, identity.subject)
    if any(link.principal == key for link in links):
        return "already"
    if is_teacher and any(link.teacher_id is not None for link in links):
        return "sso.error.other_teacher"
    return None


# --- Waiting on /login/sso: choose an account, or prove one -----------------------------------------------------


def _open_pending(session: Session, token: str | None) -> SsoPending | None:
    if not token:
        return None
    row = session.exec(select(SsoPending).where(SsoPending.token_hash == digest(token[:200]))).first()
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        return None
    return row


def pending_view(token: str | None) -> dict[str, Any] | None:
    """What `/login/sso` shows the identity waiting in this browser, or None when there is none (stale):
    what the provider called her, her school's name when the provider named a school we know, and the
    usable accounts already linked to choose from."""
    with transaction() as session:
        row = _open_pending(session, token)
        if row is None:
            return None
        school = (session.exec(select(Unit).where(Unit.code == row.school_code)).first()
                  if row.school_code else None)
        choices = []
        for link in _links(session, row.issuer, row.subject):
            principal = _principal_of(session, link)
            if principal is None or not _usable(session, link):
                continue
            if isinstance(principal, Teacher):
                choices.append({"id": str(link.id), "kind": "teacher", "login": mask_national_id(principal.national_id),
                                "name": principal.name, "unit": ""})
            else:
                unit = session.get(Unit, principal.unit_id)
                choices.append({"id": str(link.id), "kind": "account", "login": principal.username,
                                "name": principal.name, "unit": unit.name if unit else ""})
        return {"name": row.name, "email": row.email, "school": school.name if school else "",
                "choices": choices}


def sign_in_pending(token: str | None, link_id: int, *, ip: str = "") -> tuple[str, str]:
    """Sign in to one of the waiting identity's linked accounts: (ticket, next path).

    Raises:
        NotFound: the identity is no longer waiting (stale, used), or the link is not one of its usable links.
    """
    with transaction() as session:
        row = _open_pending(session, token)
        link = session.get(SsoLink, link_id) if row is not None else None
        if (row is None or link is None or (link.issuer, link.subject) != (row.issuer, row.subject)
                or not _usable(session, link)):
            audit.record(session, action="auth.sso", outcome="bad_choice", target_type="sso", target_id="choose", ip=ip)
            failed = True
        else:
            row.used_at = utcnow()
            session.add(row)
            return ticket_for(session, link, ip=ip), row.next_path or routes.DASHBOARD
    assert failed
    raise NotFound("sso.error.pending")


def link_pending(session: Session, token: str | None, principal: Teacher | BusinessAccount, *,
                 ip: str) -> SsoLink | str:
    """Link the identity waiting in this browser to `principal`, whose password was just proven (called by
    `auth.sign_in` inside its transaction): the link, or why not (a message key)."""
    row = _open_pending(session, token)
    if row is None:
        return "sso.error.pending"
    identity = SsoIdentity(issuer=row.issuer, subject=row.subject, name=row.name, email=row.email,
                           school_code=row.school_code)
    problem = _link_problem(session, identity, principal)
    if problem is not None and problem != "already":
        return problem
    row.used_at = utcnow()
    session.add(row)
    if problem == "already":
        key = f"{'teacher' if isinstance(principal, Teacher) else 'account'}:{principal.id}"
        return next(link for link in _links(session, row.issuer, row.subject) if link.principal == key)
    return _new_link(session, identity, principal, LinkEvidence.PASSWORD, ip=ip)


def pending_next(token: str | None) -> str:
    """Where the waiting identity was going when she started (the dashboard when unknown)."""
    with transaction() as session:
        row = _open_pending(session, token)
        return row.next_path if row is not None and row.next_path else routes.DASHBOARD


# --- The requirement per kind of account -----------------------------------------------------------------------


def required_for(session: Session, kind: str) -> bool:
    """Whether this kind of account must sign in through the provider (only while single sign-on is on)."""
    if not get_settings().oidc_enabled:
        return False
    row = session.get(SsoPolicy, kind)
    return bool(row is not None and row.required)


def principal_kind(session: Session, principal: Teacher | BusinessAccount) -> str:
    """The policy kind of a teacher or business account row."""
    if isinstance(principal, Teacher):
        return TEACHER_KIND
    unit = session.get(Unit, principal.unit_id)
    return unit.type if unit is not None else ""


def _require_policy_setter(actor: Actor, ip: str) -> None:
    require(actor, Function.ACCOUNTS_SUBORDINATE, ip=ip, detail="sso_policy")
    if not may_set_policy(actor):
        audit.record_now(action="access.denied", actor=actor, outcome="denied", target_type="function",
                         target_id="sso_policy", after={"reason": "unit_type"}, ip=ip)
        raise Forbidden("error.forbidden.unit_type")


def policy_list(session: Session, actor: Actor, *, ip: str = "") -> list[dict[str, Any]]:
    """Every kind of account, whether it must sign in through the provider, and how many of its accounts
    are linked (the national centre's table).

    Raises:
        Forbidden: only the national centre.
    """
    _require_policy_setter(actor, ip)
    rows = {r.kind: r.required for r in session.exec(select(SsoPolicy)).all()}
    teachers = session.exec(select(func.count(func.distinct(SsoLink.teacher_id)))).one()
    per_type = dict(session.exec(
        select(Unit.type, func.count(func.distinct(SsoLink.account_id)))
        .join(BusinessAccount, col(BusinessAccount.id) == SsoLink.account_id)
        .join(Unit, col(Unit.id) == BusinessAccount.unit_id).group_by(Unit.type)).all())
    return [{"kind": kind, "required": rows.get(kind, False),
             "linked": teachers if kind == TEACHER_KIND else per_type.get(kind, 0)} for kind in POLICY_KINDS]


def set_policy(session: Session, actor: Actor, required_kinds: list[str], *, ip: str = "") -> None:
    """Require single sign-on for exactly these kinds (the others may use their passwords again).

    Raises:
        Forbidden: only the national centre. ValidationFailed: an unknown kind.
    """
    _require_policy_setter(actor, ip)
    wanted = {str(k) for k in required_kinds}
    if not wanted <= set(POLICY_KINDS):
        raise ValidationFailed({"kinds": "sso.error.kind"})
    rows = {r.kind: r for r in session.exec(select(SsoPolicy)).all()}
    before = sorted(k for k, r in rows.items() if r.required)
    now = utcnow()
    for kind in POLICY_KINDS:
        row = rows.get(kind) or SsoPolicy(kind=kind)
        if row.kind in rows and row.required == (kind in wanted):
            continue
        row.required, row.updated_at, row.updated_by_account_id = kind in wanted, now, actor.id
        session.add(row)
    audit.record(session, action="sso.policy", actor=actor, target_type="sso_policy", target_id="all",
                 before={"required": before}, after={"required": sorted(wanted)}, ip=ip)


# --- Her own links (the profile page) ---------------------------------------------------------------------------


def _own(actor: Actor):
    return col(SsoLink.teacher_id) == actor.id if actor.is_teacher else col(SsoLink.account_id) == actor.id


def links_of(session: Session, actor: Actor, *, ip: str = "") -> list[dict[str, str]]:
    """The provider identities linked to her own account, newest first.

    Raises:
        Forbidden: the actor may not use `profile.edit`.
    """
    require(actor, Function.PROFILE_EDIT, ip=ip)
    rows = session.exec(select(SsoLink).where(_own(actor)).order_by(col(SsoLink.id).desc())).all()
    return [{"id": str(r.id), "label": r.label, "evidence": r.evidence, "created_at": r.created_at.date().isoformat(),
             "last_used_at": r.last_used_at.date().isoformat() if r.last_used_at else ""} for r in rows]


def unlink(session: Session, actor: Actor, link_id: int, *, ip: str = "") -> None:
    """Undo one of her own links, unless it is her last way to sign in (no password, or single sign-on
    required for her kind of account).

    Raises:
        Forbidden: not `profile.edit`. NotFound: not a link of hers. ValidationFailed: her last way in.
    """
    require(actor, Function.PROFILE_EDIT, ip=ip)
    link = session.get(SsoLink, link_id)
    owner = None if link is None else link.teacher_id if actor.is_teacher else link.account_id
    if link is None or owner != actor.id:
        audit.record_now(action="auth.sso_unlink", actor=actor, outcome="denied", target_type="sso_link",
                         target_id=link_id, ip=ip)
        raise NotFound()
    principal = _principal_of(session, link)
    assert principal is not None
    others = session.exec(select(func.count()).select_from(SsoLink)
                          .where(_own(actor), col(SsoLink.id) != link.id)).one()
    problem = unlink_problem(has_password=bool(principal.password_hash), other_links=others,
                             sso_required=required_for(session, principal_kind(session, principal)))
    if problem is not None:
        raise ValidationFailed({"link": problem})
    session.delete(link)
    audit.record(session, action="auth.sso_unlink", actor=actor, target_type="sso_link", target_id=link_id,
                 before={"label": link.label, "evidence": link.evidence}, ip=ip)


# --- Signing out at the provider ---------------------------------------------------------------------------------


async def provider_logout_url(post_logout_redirect_uri: str) -> str | None:
    """The provider's end-session URL that comes back to `post_logout_redirect_uri`, or None when the
    provider has none (RP-initiated logout) or cannot be reached."""
    settings = get_settings()
    if not settings.oidc_enabled:
        return None
    try:
        client = _client(settings)
        metadata = await _metadata(client, settings)
    except ProviderUnavailable:
        return None
    if not metadata.get("end_session_endpoint"):
        return None
    result = await client.create_logout_url(post_logout_redirect_uri=post_logout_redirect_uri,
                                            client_id=settings.oidc_client_id)
    return result["url"]


def forget_stale(session: Session, now: datetime | None = None) -> int:
    """Delete requests and waiting identities past their ten minutes (the worker's daily chore)."""
    now = now or utcnow()
    removed = 0
    for table in (SsoRequest, SsoPending):
        for row in session.exec(select(table).where(col(table.expires_at) < now)).all():
            session.delete(row)
            removed += 1
    return removed
