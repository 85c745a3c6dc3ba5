"""Writing the append-only audit log."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from tpd_app.domain.permissions import Actor
from tpd_app.domain.timeutil import utcnow
from tpd_app.models import AuditLog
from tpd_app.services.platform.db import transaction


def _values(*, action: str, actor: Actor | None = None, actor_label: str = "", outcome: str = "ok",
            target_type: str = "", target_id: str | int = "", before: dict[str, Any] | None = None,
            after: dict[str, Any] | None = None, ip: str = "") -> dict[str, Any]:
    """One audit row's columns (every audit row of the app is made here)."""
    return {
        "action": action,
        "outcome": outcome,
        "actor_account_id": actor.id if actor and actor.kind == "account" else None,
        "actor_teacher_id": actor.id if actor and actor.is_teacher else None,
        "actor_client_id": actor.id if actor and actor.kind == "client" else None,
        "actor_label": actor_label[:100],
        "unit_id": actor.unit.id if actor else None,
        "target_type": target_type,
        "target_id": str(target_id),
        "before": before,
        "after": after,
        "ip": ip[:64],
    }


def record(session: Session, *, action: str, actor: Actor | None = None, actor_label: str = "",
           outcome: str = "ok", target_type: str = "", target_id: str | int = "",
           before: dict[str, Any] | None = None, after: dict[str, Any] | None = None, ip: str = "") -> AuditLog:
    """Add one audit row to the caller's transaction (it commits or rolls back with the change); several at
    once: `record_all`."""
    row = AuditLog(**_values(action=action, actor=actor, actor_label=actor_label, outcome=outcome,
                             target_type=target_type, target_id=target_id, before=before, after=after, ip=ip))
    session.add(row)
    session.flush()
    return row


def record_all(session: Session, entries: list[dict[str, Any]]) -> None:
    """Several audit rows (each given as `record`'s keywords but `flush`) in the caller's transaction, in
    one INSERT without ORM objects (the registration desk's batches)."""
    if entries:
        now = utcnow()
        session.execute(sa.insert(AuditLog), [{**_values(**entry), "at": now} for entry in entries])


def record_now(**kwargs: Any) -> None:
    """Audit in a transaction of its own: for refusals and failures whose main work rolls back."""
    with transaction() as session:
        record(session, **kwargs)


def recent_count(session: Session, *, actions: tuple[str, ...], ip: str, minutes: int) -> int:
    """How many `actions` came from `ip` in the last `minutes` (rate limits for public forms)."""
    since = utcnow() - timedelta(minutes=minutes)
    return session.exec(
        select(func.count()).select_from(AuditLog).where(
            col(AuditLog.action).in_(actions), AuditLog.ip == ip[:64], col(AuditLog.at) >= since)
    ).one()


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys whose values differ, for compact before/after rows."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}
