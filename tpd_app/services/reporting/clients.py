"""API clients (SPEC §3.5): a county bureau's keys for its own system, the national centre's for national
platforms. The token is shown once; only a hash of its secret is kept. Every change is audited, and so is
every call (`authenticate` counts it)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from tpd_app.domain.errors import DomainError, Forbidden, NotAuthenticated, NotFound, ValidationFailed
from tpd_app.domain.permissions import Actor, Function
from tpd_app.domain.reporting import (
    MAX_ADDRESSES,
    TOKEN_PREFIX,
    Scope,
    address_allowed,
    client_actor,
    may_manage_clients,
    parse_addresses,
    split_token,
)
from tpd_app.domain.timeutil import format_datetime, parse_day, taipei_today, utcnow
from tpd_app.models import ApiClient, Unit
from tpd_app.services.platform import audit
from tpd_app.services.platform.guard import require, unit_ref
from tpd_app.services.platform.ids import require_id
from tpd_app.services.platform.validation import clean

MAX_CLIENTS = 20


def _require_owner(actor: Actor, ip: str) -> None:
    require(actor, Function.COURSE_REVIEW, ip=ip, detail="api_clients")
    if not may_manage_clients(actor):
        audit.record_now(action="access.denied", actor=actor, outcome="denied", target_type="function",
                         target_id="api_clients", after={"reason": "unit_type"}, ip=ip)
        raise Forbidden("error.forbidden.unit_type")


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_token() -> tuple[str, str, str]:
    """(key id, secret, the whole token)."""
    key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    return key_id, secret, f"{TOKEN_PREFIX}_{key_id}_{secret}"


def _own_client(session: Session, actor: Actor, client_id: Any, ip: str) -> ApiClient:
    _require_owner(actor, ip)
    client = session.get(ApiClient, require_id(client_id))
    if client is None or client.owner_unit_id != actor.unit.id:
        raise NotFound()
    return client


def _state(client: ApiClient, today: date) -> str:
    if client.revoked_at is not None:
        return "revoked"
    if client.expires_on is not None and client.expires_on < today:
        return "expired"
    return "active"


def _row(client: ApiClient, today: date) -> dict[str, str]:
    return {"id": str(client.id), "name": client.name, "key_id": client.key_id,
            "scopes": ",".join(client.scopes), "addresses": ", ".join(client.allowed_addresses),
            "expires_on": client.expires_on.isoformat() if client.expires_on else "",
            "created_at": format_datetime(client.created_at, roc=False),
            "last_used_at": format_datetime(client.last_used_at, roc=False) if client.last_used_at else "",
            "last_used_ip": client.last_used_ip, "calls": str(client.calls), "state": _state(client, today)}


def list_clients(session: Session, actor: Actor, *, ip: str = "") -> list[dict[str, str]]:
    """The own unit's clients, newest first, revoked ones too (their history stays).

    Raises:
        Forbidden: only county bureaus and the national centre keep clients.
    """
    _require_owner(actor, ip)
    today = taipei_today()
    rows = session.exec(select(ApiClient).where(ApiClient.owner_unit_id == actor.unit.id)
                        .order_by(col(ApiClient.id).desc())).all()
    return [_row(c, today) for c in rows]


def _read_form(data: dict[str, Any], today: date) -> tuple[str, list[str], list[str], date | None]:
    errors: dict[str, str] = {}
    name = clean(data.get("name"), 100)
    if not name:
        errors["name"] = "validation.required"
    raw_scopes = data.get("scopes")
    chosen = raw_scopes if isinstance(raw_scopes, list) else [s for s in Scope if data.get(f"scope__{s.value}")]
    scopes = sorted({Scope(s).value for s in chosen if s in {x.value for x in Scope}})
    if not scopes:
        errors["scopes"] = "reporting.error.scopes"
    addresses, bad = parse_addresses(clean(data.get("addresses"), 2000))
    if bad:
        errors["addresses"] = "reporting.error.addresses"
    elif len(addresses) > MAX_ADDRESSES:
        errors["addresses"] = "reporting.error.too_many_addresses"
    expires_text = clean(data.get("expires_on"), 16)
    expires = parse_day(expires_text) if expires_text else None
    if expires_text and expires is None:
        errors["expires_on"] = "common.error.date"
    elif expires is not None and expires <= today:
        errors["expires_on"] = "reporting.error.expiry_past"
    if errors:
        raise ValidationFailed(errors)
    return name, scopes, addresses, expires


def create_client(session: Session, actor: Actor, data: dict[str, Any], *, ip: str = "") -> tuple[dict[str, str], str]:
    """A new client of the own unit: (its row, the token, shown this once).

    Raises:
        Forbidden: only county bureaus and the national centre keep clients.
        ValidationFailed: no name, no scope, an address not understood, an expiry not in the future.
        DomainError: `reporting.error.too_many_clients`.
    """
    _require_owner(actor, ip)
    today = taipei_today()
    name, scopes, addresses, expires = _read_form(data, today)
    active = [c for c in session.exec(select(ApiClient).where(ApiClient.owner_unit_id == actor.unit.id,
                                                              col(ApiClient.revoked_at).is_(None))).all()]
    if len(active) >= MAX_CLIENTS:
        raise DomainError("reporting.error.too_many_clients", limit=MAX_CLIENTS)
    key_id, secret, token = _new_token()
    client = ApiClient(owner_unit_id=actor.unit.id, name=name, scopes=scopes, allowed_addresses=addresses,
                       expires_on=expires, key_id=key_id, secret_hash=_digest(secret), created_by_account_id=actor.id)
    session.add(client)
    session.flush()
    audit.record(session, action="api_client.create", actor=actor, target_type="api_client", target_id=key_id,
                 after={"name": name, "scopes": scopes, "addresses": addresses,
                        "expires_on": expires.isoformat() if expires else None}, ip=ip)
    return _row(client, today), token


def rotate_client(session: Session, actor: Actor, client_id: Any, *, ip: str = "") -> tuple[dict[str, str], str]:
    """A new token for a client (the old one stops working at once): (its row, the new token).

    Raises:
        Forbidden: not the owner. NotFound: no such client of the own unit.
        DomainError: `reporting.error.revoked`.
    """
    client = _own_client(session, actor, client_id, ip)
    if client.revoked_at is not None:
        raise DomainError("reporting.error.revoked")
    key_id, secret, token = _new_token()
    before = client.key_id
    client.key_id, client.secret_hash, client.rotated_at = key_id, _digest(secret), utcnow()
    session.add(client)
    session.flush()
    audit.record(session, action="api_client.rotate", actor=actor, target_type="api_client", target_id=key_id,
                 before={"key_id": before}, after={"key_id": key_id}, ip=ip)
    return _row(client, taipei_today()), token


def revoke_client(session: Session, actor: Actor, client_id: Any, *, ip: str = "") -> dict[str, str]:
    """Stop a client for good (its calls are refused from now on; its history stays).

    Raises:
        Forbidden: not the owner. NotFound: no such client of the own unit.
    """
    client = _own_client(session, actor, client_id, ip)
    if client.revoked_at is None:
        client.revoked_at = utcnow()
        session.add(client)
        session.flush()
        audit.record(session, action="api_client.revoke", actor=actor, target_type="api_client",
                     target_id=client.key_id, after={"name": client.name}, ip=ip)
    return _row(client, taipei_today())


def authenticate(session: Session, token: str, *, ip: str = "") -> tuple[Actor, ApiClient]:
    """The actor a call with `token` runs as, and its client (reads only: `count_call` when it is done).

    Raises:
        NotAuthenticated: no such token, revoked, expired, or from an address the client does not allow
        (the refusal is audited with the reason; the caller hears only that the token is not accepted).
    """
    parts = split_token(token)
    client = session.exec(select(ApiClient).where(ApiClient.key_id == parts[0])).first() if parts else None
    reason = ""
    if client is None or parts is None or not hmac.compare_digest(client.secret_hash, _digest(parts[1])):
        reason = "unknown"
    elif client.revoked_at is not None:
        reason = "revoked"
    elif client.expires_on is not None and client.expires_on < taipei_today():
        reason = "expired"
    elif not address_allowed(ip, client.allowed_addresses):
        reason = "address"
    owner = session.get(Unit, client.owner_unit_id) if client is not None and not reason else None
    if not reason and (owner is None or owner.status != "active"):
        reason = "owner"
    if reason:
        audit.record_now(action="api.denied", outcome="denied", actor_label=f"api:{parts[0] if parts else '?'}",
                         target_type="api_client", target_id=client.key_id if client else "",
                         after={"reason": reason}, ip=ip)
        raise NotAuthenticated("api.error.token")
    assert client is not None and owner is not None
    actor = client_actor(client_id=client.id or 0, owner=unit_ref(owner),
                         scopes=frozenset(Scope(s) for s in client.scopes if s in {x.value for x in Scope}))
    return actor, client


def count_call(session: Session, client: ApiClient, ip: str) -> None:
    """The call is done: its time and address are the client's last use (the page shows them)."""
    client.last_used_at, client.last_used_ip, client.calls = utcnow(), ip[:64], client.calls + 1
    session.add(client)
    session.flush()


def owner_name(session: Session, client: ApiClient) -> str:
    """The name of the unit the client acts for."""
    unit = session.get(Unit, client.owner_unit_id)
    return unit.name if unit else ""

