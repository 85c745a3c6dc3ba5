"""The outbox: e-mails the system owes people, recorded in the same transaction as the decision.

`services.mail` delivers the rows and retries failures with backoff.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from tpd_app.domain.timeutil import utcnow
from tpd_app.models import OutboxMessage


def _headers(headers: Mapping[str, str] | None) -> str:
    return json.dumps(dict(headers), ensure_ascii=False) if headers else ""


def queue(session: Session, *, to: str, subject: str, body: str, kind: str,
          headers: Mapping[str, str] | None = None) -> OutboxMessage | None:
    """Record one message for delivery (with extra `headers`, which `mail.EXTRA_HEADERS` names); a blank
    address records nothing."""
    if not to:
        return None
    row = OutboxMessage(to_address=to[:200], subject=subject[:200], body=body, kind=kind[:32],
                        headers=_headers(headers))
    session.add(row)
    session.flush()
    return row


def queue_many(session: Session, messages: Iterable[Mapping[str, Any]]) -> int:
    """Record many messages (dicts of `to`, `subject`, `body`, `kind`, optionally `headers`) in one batched
    insert; blank addresses are skipped. Returns how many were recorded."""
    now = utcnow()
    rows = [{"to_address": m["to"][:200], "subject": m["subject"][:200], "body": m["body"], "kind": m["kind"][:32],
             "created_at": now, "sent_at": None, "attempts": 0, "next_attempt_at": None, "last_error": "",
             "headers": _headers(m.get("headers"))}
            for m in messages if m["to"]]
    if rows:
        session.execute(sa.insert(OutboxMessage.__table__), rows)  # type: ignore[attr-defined]
    return len(rows)
