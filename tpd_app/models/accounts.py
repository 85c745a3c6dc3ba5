"""Business and teacher accounts, their sign-in tickets and sessions, account and teacher applications,
chief changes, and a teacher's school history (SPEC §1.2, §1.3, §3.4)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from tpd_app.domain.national_id import is_valid_national_id
from tpd_app.domain.timeutil import utcnow
from tpd_app.models.types import UTCDateTime, now_column


class BusinessAccount(SQLModel, table=True):
    """A business account (業務帳號) of a unit, with its category and per-account grants."""

    __tablename__ = "business_account"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True)
    password_hash: str = Field(max_length=255)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    category: str = Field(default="chief", max_length=16, index=True)
    # None: everything the category allows; otherwise the function keys left switched on.
    grants: list[str] | None = Field(default=None, sa_column=sa.Column(sa.JSON, nullable=True))
    status: str = Field(default="pending", max_length=16, index=True)
    name: str = Field(default="", max_length=100)
    title: str = Field(default="", max_length=100)
    email: str = Field(default="", max_length=200)
    phone: str = Field(default="", max_length=40)
    failed_logins: int = Field(default=0)
    locked_until: datetime | None = Field(
        default=None, sa_column=sa.Column(UTCDateTime(), nullable=True)
    )
    must_change_password: bool = Field(default=False)
    last_login_at: datetime | None = Field(
        default=None, sa_column=sa.Column(UTCDateTime(), nullable=True)
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=sa.Column(UTCDateTime(), nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=sa.Column(UTCDateTime(), nullable=False)
    )


class Teacher(SQLModel, table=True):
    """A teacher account (教師帳號); the national ID is its identifier and never changes."""

    __tablename__ = "teacher"
    __table_args__ = (
        # Covering the statistics roster: serving, active teachers counted per school without the rows.
        sa.Index("ix_teacher_roster", "employment", "status", "school_unit_id"),
        # One school's serving teachers (its compliance count and list): without it SQLite took the roster
        # index by employment alone and went through every serving teacher of the network.
        sa.Index("ix_teacher_school_employment", "school_unit_id", "employment"),
    )

    id: int | None = Field(default=None, primary_key=True)
    national_id: str = Field(max_length=10, unique=True)
    name: str = Field(max_length=100, index=True)
    school_unit_id: int = Field(foreign_key="unit.id", index=True)
    email: str = Field(default="", max_length=200)
    phone: str = Field(default="", max_length=40)
    birth_date: date | None = Field(default=None)
    status: str = Field(default="active", max_length=16, index=True)
    # Serving, left or retired: whether she is on her school's current roster. A teacher who
    # left keeps her account and record (the status above is the account's).
    employment: str = Field(default="serving", max_length=16, index=True)
    password_hash: str | None = Field(default=None, max_length=255)
    failed_logins: int = Field(default=0)
    locked_until: datetime | None = Field(
        default=None, sa_column=sa.Column(UTCDateTime(), nullable=True)
    )
    must_change_password: bool = Field(default=False)
    last_login_at: datetime | None = Field(
        default=None, sa_column=sa.Column(UTCDateTime(), nullable=True)
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=sa.Column(UTCDateTime(), nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=sa.Column(UTCDateTime(), nullable=False)
    )


@sa.event.listens_for(Teacher, "before_insert")
def _national_id_must_be_valid(_mapper: object, _connection: object, target: Teacher) -> None:
    if not is_valid_national_id(target.national_id) or target.national_id != target.national_id.upper():
        raise ValueError("a teacher's national ID must be a valid, upper-case 身分證字號")


@sa.event.listens_for(Teacher, "before_update")
def _national_id_is_permanent(_mapper: object, _connection: object, target: Teacher) -> None:
    # Seed §伍.(三).1: a teacher's account identifier can never change once created.
    if sa.inspect(target).attrs.national_id.history.has_changes():
        raise ValueError("a teacher's national ID cannot be changed")


class LoginTicket(SQLModel, table=True):
    """A one-time, seconds-long proof of a successful sign-in, exchanged for a session cookie."""

    __tablename__ = "login_ticket"

    id: int | None = Field(default=None, primary_key=True)
    ticket_hash: str = Field(max_length=64, unique=True)
    account_id: int | None = Field(default=None, foreign_key="business_account.id", index=True)
    teacher_id: int | None = Field(default=None, foreign_key="teacher.id", index=True)
    expires_at: datetime = Field(sa_column=sa.Column(UTCDateTime(), nullable=False))
    used_at: datetime | None = Field(
        default=None, sa_column=sa.Column(UTCDateTime(), nullable=True)
    )
    # Signed in through the provider (models/sso.SsoLink): the session remembers it for the provider's sign-out.
    sso_link_id: int | None = Field(default=None)


class LoginSession(SQLModel, table=True):
    """A server-side login session; the browser holds only the random id in an HttpOnly cookie."""

    __tablename__ = "login_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    account_id: int | None = Field(default=None, foreign_key="business_account.id", index=True)
    teacher_id: int | None = Field(default=None, foreign_key="teacher.id", index=True)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=sa.Column(UTCDateTime(), nullable=False)
    )
    last_seen_at: datetime = Field(
        default_factory=utcnow, sa_column=sa.Column(UTCDateTime(), nullable=False)
    )
    expires_at: datetime = Field(sa_column=sa.Column(UTCDateTime(), nullable=False, index=True))
    ended_at: datetime | None = Field(
        default=None, sa_column=sa.Column(UTCDateTime(), nullable=True, index=True)
    )
    ip: str = Field(default="", max_length=64)
    user_agent: str = Field(default="", max_length=300)
    sso_link_id: int | None = Field(default=None)


class LoginThrottle(SQLModel, table=True):
    """Recent failed sign-ins of one login from one client address, or (login `*`) of one address
    against every login: the counts `services/accounts/throttle.py` delays and caps sign-ins by."""

    __tablename__ = "login_throttle"
    __table_args__ = (sa.UniqueConstraint("login_key", "address", name="uq_login_throttle_key"),)

    id: int | None = Field(default=None, primary_key=True)
    # A digest of the normalised login, known or not (no national ID at rest), or `*` for the address.
    login_key: str = Field(max_length=64)
    address: str = Field(max_length=64)
    failures: int = Field(default=0)
    window_started_at: datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime(), nullable=True))
    blocked_until: datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime(), nullable=True))
    last_success_at: datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime(), nullable=True))


class PasswordReset(SQLModel, table=True):
    """One "forgot password" request (忘記密碼), whoever it named: the rate limits count these rows, and
    a request that found an account with an e-mail holds the digest of its link's secret.

    The link is `<id>.<signature>.<secret>`: the signature (the installation's key) proves we made it,
    the secret's digest matches this row; it works once (`used_at`), for 30 minutes (`expires_at`),
    and a newer request of the same person ends it (`ended_at`)."""

    __tablename__ = "password_reset"
    __table_args__ = (
        sa.Index("ix_password_reset_login_recent", "login_key", "created_at"),
        sa.Index("ix_password_reset_address_recent", "address", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    #: A digest of the login as typed (known or not; no national ID at rest), as the sign-in throttle keeps it.
    login_key: str = Field(max_length=64)
    address: str = Field(max_length=64)
    account_id: int | None = Field(default=None, foreign_key="business_account.id", index=True)
    teacher_id: int | None = Field(default=None, foreign_key="teacher.id", index=True)
    token_digest: str = Field(default="", max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_column=sa.Column(UTCDateTime(), nullable=False))
    expires_at: datetime = Field(sa_column=sa.Column(UTCDateTime(), nullable=False))
    used_at: datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime(), nullable=True))
    ended_at: datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime(), nullable=True))


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
    created_at: datetime = Field(default_factory=utcnow, sa_column=now_column())


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
    created_at: datetime = Field(default_factory=utcnow, sa_column=now_column())


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
    created_at: datetime = Field(default_factory=utcnow, sa_column=now_column())


class TeacherPlacement(SQLModel, table=True):
    """Where a teacher served, with the school's name as it was then (history survives renames and mergers)."""

    __tablename__ = "teacher_placement"

    id: int | None = Field(default=None, primary_key=True)
    teacher_id: int = Field(foreign_key="teacher.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    unit_name: str = Field(max_length=200)
    reason: str = Field(max_length=16)
    started_at: datetime = Field(default_factory=utcnow, sa_column=now_column())
    ended_at: datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime(), nullable=True, index=True))
