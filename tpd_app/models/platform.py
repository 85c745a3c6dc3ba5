"""Tables every feature writes to: the append-only audit log, the outbox of e-mails owed, and the
worker's record of which daily chore ran on which day."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from tpd_app.domain.timeutil import utcnow
from tpd_app.models.types import UTCDateTime, now_column


class AuditLog(SQLModel, table=True):
    """Append-only record of every sign-in attempt, refusal and administrative change."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(
        default_factory=utcnow, sa_column=sa.Column(UTCDateTime(), nullable=False, index=True)
    )
    actor_account_id: int | None = Field(
        default=None, foreign_key="business_account.id", index=True
    )
    actor_teacher_id: int | None = Field(default=None, foreign_key="teacher.id", index=True)
    actor_label: str = Field(default="", max_length=100)
    #: An API client's calls (SPEC §3.5): the client, its owner in `unit_id`.
    actor_client_id: int | None = Field(default=None, foreign_key="api_client.id", index=True)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    action: str = Field(max_length=64, index=True)
    outcome: str = Field(default="ok", max_length=16, index=True)
    target_type: str = Field(default="", max_length=32)
    target_id: str = Field(default="", max_length=64)
    before: dict[str, Any] | None = Field(default=None, sa_column=sa.Column(sa.JSON, nullable=True))
    after: dict[str, Any] | None = Field(default=None, sa_column=sa.Column(sa.JSON, nullable=True))
    ip: str = Field(default="", max_length=64)


class OutboxMessage(SQLModel, table=True):
    """An e-mail owed to someone; `services.mail` delivers it and retries failures with backoff."""

    __tablename__ = "outbox_message"

    id: int | None = Field(default=None, primary_key=True)
    to_address: str = Field(max_length=200)
    subject: str = Field(max_length=200)
    body: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    kind: str = Field(max_length=32, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=now_column())
    sent_at: datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime(), nullable=True, index=True))
    attempts: int = Field(default=0)
    next_attempt_at: datetime | None = Field(default=None,
                                             sa_column=sa.Column(UTCDateTime(), nullable=True, index=True))
    last_error: str = Field(default="", max_length=300)
    #: Extra mail headers as JSON (`mail.EXTRA_HEADERS` only: the e-newsletter's List-Unsubscribe), or "".
    headers: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))


class ChoreRun(SQLModel, table=True):
    """The last Taipei day a daily chore ran (`services.chores`): claimed atomically, so however many
    worker processes run, each chore runs once a day."""

    __tablename__ = "chore_run"

    name: str = Field(primary_key=True, max_length=40)
    day: date
