"""Tables of the account chain and the directory: applications, chief changes, directory changes,
a teacher's school history, and the outbox of e-mails to send."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from tpd_app.domain.timeutil import utcnow
from tpd_app.models.types import UTCDateTime


def _now_column() -> sa.Column:
    return sa.Column(UTCDateTime(), nullable=False)


class AccountApplication(SQLModel, table=True):
    """A public application for a business account (業務帳號申請), waiting for activation."""

    __tablename__ = "account_application"

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    category: str = Field(max_length=16)
    username: str = Field(max_length=64, index=True)
    password_hash: str = Field(max_length=255)
    name: str = Field(max_length=100)
    title: str = Field(default="", max_length=100)
    email: str = Field(max_length=200)
    phone: str = Field(default="", max_length=40)
    status: str = Field(default="pending", max_length=16, index=True)
    decided_by_id: int | None = Field(default=None, foreign_key="business_account.id", index=True)
    decided_at: datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime(), nullable=True))
    decision_note: str = Field(default="", max_length=300)
    account_id: int | None = Field(default=None, foreign_key="business_account.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_now_column())


class ChiefChangeRequest(SQLModel, table=True):
    """A unit asks the national centre to make another of its accounts the chief (總負責人)."""

    __tablename__ = "chief_change_request"

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    new_chief_id: int = Field(foreign_key="business_account.id", index=True)
    requested_by_id: int = Field(foreign_key="business_account.id", index=True)
    reason: str = Field(default="", max_length=300)
    status: str = Field(default="pending", max_length=16, index=True)
    decided_by_id: int | None = Field(default=None, foreign_key="business_account.id", index=True)
    decided_at: datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime(), nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_now_column())


class TeacherApplication(SQLModel, table=True):
    """A teacher applies for her own account; her school confirms it."""

    __tablename__ = "teacher_application"

    id: int | None = Field(default=None, primary_key=True)
    national_id: str = Field(max_length=10, index=True)
    name: str = Field(max_length=100)
    school_unit_id: int = Field(foreign_key="unit.id", index=True)
    email: str = Field(max_length=200)
    birth_date: date | None = Field(default=None)
    password_hash: str = Field(max_length=255)
    status: str = Field(default="pending", max_length=16, index=True)
    decided_by_id: int | None = Field(default=None, foreign_key="business_account.id", index=True)
    decided_at: datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime(), nullable=True))
    teacher_id: int | None = Field(default=None, foreign_key="teacher.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_now_column())


class TeacherPlacement(SQLModel, table=True):
    """Where a teacher served, with the school's name as it was then (history survives renames and mergers)."""

    __tablename__ = "teacher_placement"

    id: int | None = Field(default=None, primary_key=True)
    teacher_id: int = Field(foreign_key="teacher.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    unit_name: str = Field(max_length=200)
    reason: str = Field(max_length=16)
    started_at: datetime = Field(default_factory=utcnow, sa_column=_now_column())
    ended_at: datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime(), nullable=True, index=True))


class DirectoryChange(SQLModel, table=True):
    """A change of the school directory reported by a regional centre (學校名錄異動)."""

    __tablename__ = "directory_change"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16, index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    successor_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    unit_name_before: str = Field(max_length=200)
    unit_name_after: str = Field(default="", max_length=200)
    #: A transformed school's new level (e.g. a junior high becoming a senior high); empty: unchanged.
    school_level_after: str = Field(default="", max_length=32)
    unit_code: str = Field(max_length=32)
    effective_date: date = Field(index=True)
    note: str = Field(default="", max_length=500)
    reported_by_id: int = Field(foreign_key="business_account.id", index=True)
    reporter_unit_id: int = Field(foreign_key="unit.id", index=True)
    status: str = Field(default="applied", max_length=16, index=True)
    applied_at: datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime(), nullable=True))
    acknowledged_by_id: int | None = Field(default=None, foreign_key="business_account.id", index=True)
    acknowledged_at: datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime(), nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_now_column())


class OutboxMessage(SQLModel, table=True):
    """An e-mail owed to someone; `services.mail` delivers it and retries failures with backoff."""

    __tablename__ = "outbox_message"

    id: int | None = Field(default=None, primary_key=True)
    to_address: str = Field(max_length=200)
    subject: str = Field(max_length=200)
    body: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    kind: str = Field(max_length=32, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_now_column())
    sent_at: datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime(), nullable=True, index=True))
    attempts: int = Field(default=0)
    next_attempt_at: datetime | None = Field(default=None,
                                             sa_column=sa.Column(UTCDateTime(), nullable=True, index=True))
    last_error: str = Field(default="", max_length=300)


class ChoreRun(SQLModel, table=True):
    """The last Taipei day a daily chore ran (`services.chores`): claimed atomically, so however many
    worker processes run, each chore runs once a day."""

    __tablename__ = "chore_run"

    name: str = Field(primary_key=True, max_length=40)
    day: date
