"""Tables of registration, attendance and hours (SPEC §1.3, §3.2, §3.3): registrations with waiting lists, attendance
lists and their history, compliance rules, county report permissions, subscriptions."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from tpd_app.domain.timeutil import utcnow
from tpd_app.models.types import UTCDateTime


def _ts(nullable: bool = False, index: bool = False) -> sa.Column:
    return sa.Column(UTCDateTime(), nullable=nullable, index=index)


class CourseRegistration(SQLModel, table=True):
    """One teacher's online registration (線上報名) for one course; re-registering reuses the row."""

    __tablename__ = "course_registration"
    __table_args__ = (
        sa.UniqueConstraint("course_id", "teacher_id", name="uq_course_registration_course_teacher"),
        # The waiting list in order (promotion, positions) and the per-status counts of a course.
        sa.Index("ix_course_registration_queue", "course_id", "status", "queued_at", "id"),
        # A teacher's registrations in one status (her home page's courses to come and waiting places): by
        # the status index alone SQLite read every waiting registration of the network for each teacher.
        sa.Index("ix_course_registration_teacher_status", "teacher_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    course_id: int = Field(foreign_key="course.id", index=True)
    teacher_id: int = Field(foreign_key="teacher.id", index=True)
    status: str = Field(default="pending", max_length=16, index=True)
    #: Waiting-list order: the time she (re)joined; the first waiting is promoted first.
    queued_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    reason: str = Field(default="", max_length=500)
    decided_by_account_id: int | None = Field(default=None, foreign_key="business_account.id", index=True)
    decided_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class RegistrationTally(SQLModel, table=True):
    """Seats held (pending + accepted) per course: the one row every registration change updates first,
    so a conditional UPDATE on it decides capacity atomically (SQLite and PostgreSQL alike)."""

    __tablename__ = "registration_tally"

    id: int | None = Field(default=None, primary_key=True)
    course_id: int = Field(foreign_key="course.id", unique=True)
    seats_taken: int = Field(default=0)


class AttendanceList(SQLModel, table=True):
    """The attendance list of a course (研習名單): drafted by the organizer, confirmed by its centre."""

    __tablename__ = "attendance_list"

    id: int | None = Field(default=None, primary_key=True)
    course_id: int = Field(foreign_key="course.id", unique=True)
    organizer_unit_id: int = Field(foreign_key="unit.id", index=True)
    reviewer_unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    status: str = Field(default="draft", max_length=16, index=True)
    #: 0 for the first list; each correction after a confirmation adds one.
    revision: int = Field(default=0)
    #: Seed §肆.四.(二).3: submitted more than a month after the course ended.
    late: bool = Field(default=False, index=True)
    return_reason: str = Field(default="", max_length=1000)
    submitted_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True, index=True))
    confirmed_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    confirmed_by_account_id: int | None = Field(default=None, foreign_key="business_account.id", index=True)
    #: Sent through the API by a back-end county (SPEC §3.5): the Taipei month of the last push (`2026-11`),
    #: whose confirmation by the county credits it; None for a list made on the network's pages.
    reported_month: str | None = Field(default=None, max_length=7, index=True)
    reported_by_client_id: int | None = Field(default=None, foreign_key="api_client.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class AttendanceEntry(SQLModel, table=True):
    """One attendee on a list and the minutes she earned (never more than the course's)."""

    __tablename__ = "attendance_entry"
    __table_args__ = (sa.UniqueConstraint("list_id", "teacher_id", name="uq_attendance_entry_list_teacher"),)

    id: int | None = Field(default=None, primary_key=True)
    list_id: int = Field(foreign_key="attendance_list.id", index=True)
    teacher_id: int = Field(foreign_key="teacher.id", index=True)
    minutes: int
    source: str = Field(default="registration", max_length=16)


class AttendanceEvent(SQLModel, table=True):
    """The list's history: submissions, confirmations, returns with reasons, corrections."""

    __tablename__ = "attendance_event"

    id: int | None = Field(default=None, primary_key=True)
    list_id: int = Field(foreign_key="attendance_list.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    account_id: int | None = Field(default=None, foreign_key="business_account.id", index=True)
    action: str = Field(max_length=16)
    revision: int = Field(default=0)
    reason: str = Field(default="", max_length=1000)
    entries: int = Field(default=0)
    late: bool = Field(default=False)
    at: datetime = Field(default_factory=utcnow, sa_column=_ts(index=True))


class ComplianceRuleRow(SQLModel, table=True):
    """A compliance rule: national (county NULL) or a county's override of the same key."""

    __tablename__ = "compliance_rule"
    __table_args__ = (sa.UniqueConstraint("key", "county", name="uq_compliance_rule_key_county"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=32)
    county: str | None = Field(default=None, max_length=8, index=True)
    topic: str | None = Field(default=None, max_length=32)
    minutes: int
    period: str = Field(max_length=16)
    updated_by_account_id: int | None = Field(default=None, foreign_key="business_account.id", index=True)
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class ReportPermission(SQLModel, table=True):
    """修改本縣市教師報表權限: what the schools a centre oversees may see of their teachers' records."""

    __tablename__ = "report_permission"

    id: int | None = Field(default=None, primary_key=True)
    centre_unit_id: int = Field(foreign_key="unit.id", unique=True)
    view_detail: bool = Field(default=True)
    allow_print: bool = Field(default=True)
    updated_by_account_id: int | None = Field(default=None, foreign_key="business_account.id", index=True)
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class Subscription(SQLModel, table=True):
    """What a teacher wants to hear about (訂閱); empty lists mean "any"."""

    __tablename__ = "subscription"

    id: int | None = Field(default=None, primary_key=True)
    teacher_id: int = Field(foreign_key="teacher.id", unique=True)
    active: bool = Field(default=True, index=True)
    kinds: list[str] = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False))
    topics: list[str] = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False))
    counties: list[str] = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False))
    levels: list[str] = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False))
    digest: bool = Field(default=False)
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class SubscriptionNotice(SQLModel, table=True):
    """A matching approved course owed to a daily-digest subscriber (sent with the next digest)."""

    __tablename__ = "subscription_notice"
    __table_args__ = (sa.UniqueConstraint("teacher_id", "course_id", name="uq_subscription_notice_teacher_course"),)

    id: int | None = Field(default=None, primary_key=True)
    teacher_id: int = Field(foreign_key="teacher.id", index=True)
    course_id: int = Field(foreign_key="course.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    sent_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True, index=True))


class CalendarFeed(SQLModel, table=True):
    """A teacher's personal calendar subscription (行事曆訂閱): the random key of her secret feed address.

    The address is the key with the installation's signature, so a copy of the database alone does not
    give the addresses; making a new one replaces the key and every old address stops working."""

    __tablename__ = "calendar_feed"

    id: int | None = Field(default=None, primary_key=True)
    teacher_id: int = Field(foreign_key="teacher.id", unique=True)
    feed_key: str = Field(max_length=32, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    last_read_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))


class ComplianceReminder(SQLModel, table=True):
    """A reminder mail a school sent a teacher short of her statutory hours: one per teacher and day."""

    __tablename__ = "compliance_reminder"
    __table_args__ = (
        sa.UniqueConstraint("teacher_id", "sent_on", name="uq_compliance_reminder_teacher_day"),
        sa.Index("ix_compliance_reminder_school_day", "school_unit_id", "sent_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    teacher_id: int = Field(foreign_key="teacher.id")
    school_unit_id: int = Field(foreign_key="unit.id")
    #: The Taipei day it was sent (the once-a-day rule).
    sent_on: date
    sent_by_account_id: int | None = Field(default=None, foreign_key="business_account.id", index=True)
    sent_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
