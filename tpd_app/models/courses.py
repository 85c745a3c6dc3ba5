"""Course tables (SPEC §3.1, §4): courses, sessions, topics, decisions, auto-review, catalogue."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from tpd_app.domain.timeutil import utcnow
from tpd_app.models.types import UTCDateTime


def _ts(nullable: bool = False, index: bool = False) -> Any:
    return sa.Column(UTCDateTime(), nullable=nullable, index=index)


class CourseTopic(SQLModel, table=True):
    """課程類別 reference data, including the statutory topics (特殊教育, 性別平等教育, …)."""

    __tablename__ = "course_topic"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    name_zh: str = Field(max_length=100)
    name_en: str = Field(max_length=100)
    statutory: bool = Field(default=False)
    sort_order: int = Field(default=0)
    active: bool = Field(default=True, index=True)


class Course(SQLModel, table=True):
    """A course as its organizer last saved it (the catalogue shows the approved copy)."""

    __tablename__ = "course"
    __table_args__ = (
        # One unit's courses in one status (a home page's returned courses and courses to review, the
        # review queue): by the status index alone SQLite went through that status's courses nationwide.
        sa.Index("ix_course_organizer_status", "organizer_unit_id", "status"),
        sa.Index("ix_course_reviewer_status", "reviewer_unit_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=16, unique=True)
    organizer_unit_id: int = Field(foreign_key="unit.id", index=True)
    # The reviewing centre when last submitted (SPEC §1.1); the review queue filters on it.
    reviewer_unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    status: str = Field(default="draft", max_length=16, index=True)
    title: str = Field(max_length=200, index=True)
    kind: str = Field(max_length=32, index=True)
    description: str = Field(default="", max_length=4000)
    venue: str = Field(default="", max_length=300)
    online_url: str = Field(default="", max_length=300)
    first_date: date | None = Field(default=None, index=True)
    last_date: date | None = Field(default=None)
    hours_minutes: int = Field(default=0)
    credits: int = Field(default=0)
    capacity: int = Field(default=0)
    audience_levels: list[str] = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False))
    audience_subjects: str = Field(default="", max_length=200)
    audience_roles: str = Field(default="", max_length=200)
    online_registration: bool = Field(default=False)
    registration_opens: date | None = Field(default=None)
    registration_closes: date | None = Field(default=None)
    eligible_counties: list[str] = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False))
    eligible_levels: list[str] = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False))
    eligible_school_codes: list[str] = Field(default_factory=list,
                                             sa_column=sa.Column(sa.JSON, nullable=False))
    contact_name: str = Field(default="", max_length=100)
    contact_phone: str = Field(default="", max_length=40)
    contact_email: str = Field(default="", max_length=200)
    late_allowed_reason: str = Field(default="", max_length=500)
    decision_reason: str = Field(default="", max_length=1000)
    created_by_account_id: int | None = Field(default=None, foreign_key="business_account.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    #: Moved by every change of the row (the read-back API's cursor follows it).
    updated_at: datetime = Field(default_factory=utcnow, sa_column=sa.Column(UTCDateTime(), nullable=False,
                                                                             onupdate=utcnow, index=True))
    first_submitted_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    submitted_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True, index=True))
    decided_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))


class CourseTopicLink(SQLModel, table=True):
    """Which topics a course covers."""

    __tablename__ = "course_topic_link"

    id: int | None = Field(default=None, primary_key=True)
    course_id: int = Field(foreign_key="course.id", index=True)
    topic_id: int = Field(foreign_key="course_topic.id", index=True)


class CourseSession(SQLModel, table=True):
    """One meeting of a course: Taipei date, local times, lecturer."""

    __tablename__ = "course_session"

    id: int | None = Field(default=None, primary_key=True)
    course_id: int = Field(foreign_key="course.id", index=True)
    day: date = Field(index=True)
    start_time: str = Field(max_length=5)
    end_time: str = Field(max_length=5)
    lecturer: str = Field(default="", max_length=100)


class CourseDecision(SQLModel, table=True):
    """The course's history: submissions, review decisions with reasons, revocations, cancellations."""

    __tablename__ = "course_decision"

    id: int | None = Field(default=None, primary_key=True)
    course_id: int = Field(foreign_key="course.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    account_id: int | None = Field(default=None, foreign_key="business_account.id", index=True)
    action: str = Field(max_length=16, index=True)
    from_status: str = Field(max_length=16)
    to_status: str = Field(max_length=16)
    reason: str = Field(default="", max_length=1000)
    at: datetime = Field(default_factory=utcnow, sa_column=_ts(index=True))
    #: On a return: the course as it was returned (`services/courses/versions.py`), so that the reviewer
    #: sees what changed when it comes back.
    version: dict | None = Field(default=None, sa_column=sa.Column(sa.JSON, nullable=True))


class AutoReviewSetting(SQLModel, table=True):
    """A reviewing centre's auto-review switch: off, whole jurisdiction, or selected organizers/kinds."""

    __tablename__ = "autoreview_setting"

    id: int | None = Field(default=None, primary_key=True)
    centre_unit_id: int = Field(foreign_key="unit.id", unique=True)
    mode: str = Field(default="off", max_length=16)
    organizer_ids: list[int] = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False))
    kinds: list[str] = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False))
    updated_by_account_id: int | None = Field(default=None, foreign_key="business_account.id", index=True)
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class CourseAttachment(SQLModel, table=True):
    """A file attached to a course, stored privately under a generated name."""

    __tablename__ = "course_attachment"

    id: int | None = Field(default=None, primary_key=True)
    course_id: int = Field(foreign_key="course.id", index=True)
    stored_name: str = Field(max_length=64, unique=True)
    original_name: str = Field(max_length=200)
    content_type: str = Field(max_length=100)
    size_bytes: int
    uploaded_by_account_id: int | None = Field(default=None, foreign_key="business_account.id", index=True)
    uploaded_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class CatalogueEntry(SQLModel, table=True):
    """The published (approved) version of a course: what the public catalogue shows and searches.

    Written only on approval, so a material edit under review leaves it unchanged.
    """

    __tablename__ = "catalogue_entry"

    id: int | None = Field(default=None, primary_key=True)
    course_id: int = Field(foreign_key="course.id", unique=True)
    code: str = Field(max_length=16, unique=True)
    title: str = Field(max_length=200)
    organizer_name: str = Field(max_length=200)
    county: str | None = Field(default=None, max_length=8, index=True)
    kind: str = Field(max_length=32, index=True)
    level_mask: int = Field(default=0, index=True)
    topic_codes: str = Field(default="", max_length=500)
    first_date: date = Field(index=True)
    last_date: date
    hours_minutes: int = Field(default=0)
    online_registration: bool = Field(default=False, index=True)
    registration_opens: date | None = Field(default=None)
    registration_closes: date | None = Field(default=None, index=True)
    search_text: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False))
    published_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
