"""Reading the audit log: moe and the national centre see everything, regional centres the rows of
their own unit and the units they review; personal data is masked in every row."""

from __future__ import annotations

import json
import re
from datetime import datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from tpd_app.domain import accounts as rules
from tpd_app.domain.national_id import mask_name, mask_national_id
from tpd_app.domain.permissions import Actor
from tpd_app.domain.timeutil import TAIPEI, format_datetime, parse_day
from tpd_app.domain.units import NATIONWIDE
from tpd_app.models import AuditLog, BusinessAccount, Unit
from tpd_app.services.accounts.business import refuse
from tpd_app.services.platform.validation import clean

LIMIT = 300
_NATIONAL_ID = re.compile(r"\b[A-Z][12]\d{8}\b")
_EMAIL = re.compile(r"\b([^@\s\"']{1})[^@\s\"']*@([^@\s\"']+)")
_PERSONAL_KEYS = {"phone", "birth_date", "address"}


def mask_personal(value: Any) -> Any:
    """National IDs, e-mail addresses, phones, birth dates and people's names masked, recursively."""
    if isinstance(value, dict):
        return {k: ("***" if k in _PERSONAL_KEYS and v
                    else mask_name(v) if k == "name" and isinstance(v, str) else mask_personal(v))
                for k, v in value.items()}
    if isinstance(value, list):
        return [mask_personal(v) for v in value]
    if isinstance(value, str):
        text = _NATIONAL_ID.sub(lambda m: mask_national_id(m.group(0)), value)
        return _EMAIL.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", text)
    return value


def _date(raw: str) -> datetime | None:
    if (day := parse_day(raw)) is None:
        return None
    return datetime.combine(day, time.min, tzinfo=TAIPEI)


def list_audit(session: Session, actor: Actor, *, who: str = "", unit_code: str = "", action: str = "",
               date_from: str = "", date_to: str = "", ip: str = "") -> list[dict[str, str]]:
    """Audit rows in the actor's reach, newest first, filtered; at most 300.

    Raises:
        Forbidden: the actor is neither moe nor a centre.
    """
    if not rules.may_view_audit(actor):
        raise refuse(actor, "audit.view", "error.forbidden.unit_type", target_type="audit", target_id="", ip=ip)
    query = (select(AuditLog, Unit, BusinessAccount)
             .join(Unit, col(Unit.id) == AuditLog.unit_id, isouter=True)
             .join(BusinessAccount, col(BusinessAccount.id) == AuditLog.actor_account_id, isouter=True))
    if actor.unit.type not in NATIONWIDE:
        query = query.where(sa.or_(col(Unit.id) == actor.unit.id, col(Unit.reviewer_id) == actor.unit.id))
    if who := clean(who, 64):
        query = query.where(sa.or_(col(BusinessAccount.username).like(f"%{who}%"),
                                   col(AuditLog.actor_label).like(f"%{who}%")))
    if unit_code := clean(unit_code, 32):
        query = query.where(sa.or_(col(Unit.code) == unit_code, col(Unit.name).like(f"%{unit_code}%")))
    if action := clean(action, 64):
        query = query.where(col(AuditLog.action).like(f"{action}%"))
    if start := _date(date_from):
        query = query.where(col(AuditLog.at) >= start)
    if end := _date(date_to):
        query = query.where(col(AuditLog.at) < end + timedelta(days=1))
    rows = session.exec(query.order_by(col(AuditLog.id).desc()).limit(LIMIT)).all()
    return [{"id": str(row.id), "at": format_datetime(row.at, roc=False),
             "who": account.username if account else mask_personal(row.actor_label),
             "unit": unit.name if unit else "", "action": row.action, "outcome": row.outcome,
             "target": f"{row.target_type} {mask_personal(row.target_id)}".strip(),
             "before": _compact(row.before), "after": _compact(row.after), "ip": row.ip}
            for row, unit, account in rows]


def _compact(value: dict[str, Any] | None) -> str:
    if not value:
        return ""
    return json.dumps(mask_personal(value), ensure_ascii=False, default=str)[:400]
