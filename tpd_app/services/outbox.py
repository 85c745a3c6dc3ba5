"""The outbox: e-mails the system owes people, recorded in the same transaction as the decision.

Nothing is delivered yet: SMTP delivery comes with issue 4 and will send and mark these rows.
"""

from __future__ import annotations

from sqlmodel import Session

from tpd_app.models import OutboxMessage


def queue(session: Session, *, to: str, subject: str, body: str, kind: str) -> OutboxMessage | None:
    """Record one message for delivery; a blank address records nothing."""
    if not to:
        return None
    row = OutboxMessage(to_address=to[:200], subject=subject[:200], body=body, kind=kind[:32])
    session.add(row)
    session.flush()
    return row
