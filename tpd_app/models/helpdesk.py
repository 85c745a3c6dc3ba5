"""Tables of the help desk (來信指教): each enquiry a ticket in the queue of the unit it is routed to, and its
thread (the question, replies, follow-ups, hand-overs)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from tpd_app.domain.timeutil import utcnow
from tpd_app.models.types import UTCDateTime


def _ts(nullable: bool = False, index: bool = False) -> sa.Column:
    return sa.Column(UTCDateTime(), nullable=nullable, index=index)


class HelpdeskTicket(SQLModel, table=True):
    """One enquiry. `unit_id` is the queue it is in now; the asker's name, e-mail and phone are shown only to
    that unit's accounts. The private follow-up link is never stored: it is the installation key's HMAC of
    `key_salt`, so a copy of the database alone opens no ticket. `form_nonce` is the signed form's one-time
    value (a replayed form is refused); `address` the client's, for the rate limit."""

    __tablename__ = "helpdesk_ticket"

    id: int | None = Field(default=None, primary_key=True)
    number: str | None = Field(default=None, max_length=20, unique=True)
    topic: str = Field(max_length=16, index=True)
    status: str = Field(default="new", max_length=16, index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    course_id: int | None = Field(default=None, foreign_key="course.id", index=True)
    asker_teacher_id: int | None = Field(default=None, foreign_key="teacher.id", index=True)
    asker_account_id: int | None = Field(default=None, foreign_key="business_account.id", index=True)
    name: str = Field(max_length=100)
    email: str = Field(max_length=200, index=True)
    phone: str = Field(default="", max_length=40)
    subject: str = Field(max_length=200)
    body: str = Field(default="", sa_column=sa.Column(sa.Text(), nullable=False, server_default=""))
    lang: str = Field(default="zh-TW", max_length=8)
    key_salt: str = Field(max_length=64)
    form_nonce: str = Field(max_length=64, unique=True)
    address: str = Field(default="", max_length=64, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts(index=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    closed_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))


class HelpdeskMessage(SQLModel, table=True):
    """One step of a ticket's thread: who (the asker: no unit; else a handler's unit and account), what
    (`kind`), the text (Markdown), and for a hand-over the unit it went to."""

    __tablename__ = "helpdesk_message"

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="helpdesk_ticket.id", index=True)
    kind: str = Field(max_length=16)
    body: str = Field(default="", sa_column=sa.Column(sa.Text(), nullable=False, server_default=""))
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    account_id: int | None = Field(default=None, foreign_key="business_account.id", index=True)
    to_unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    at: datetime = Field(default_factory=utcnow, sa_column=_ts())
