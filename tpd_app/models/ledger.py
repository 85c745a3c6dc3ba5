"""The hours ledger (研習紀錄): confirmed training hours, one row per teacher and course.

Rows are written only when a reviewing centre confirms an attendance list (SPEC §3.3), in
the same transaction; a correction supersedes a row instead of editing it, so history stays.
Facts the statistics group by (school, county, school year, kind) are copied at confirmation:
later transfers, renames and mergers never rewrite what was credited where.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from tpd_app.domain.timeutil import utcnow
from tpd_app.models.types import UTCDateTime


class TrainingRecord(SQLModel, table=True):
    """Hours credited to one teacher for one course; `superseded_at` set when a correction replaced it."""

    __tablename__ = "training_record"
    __table_args__ = (
        sa.Index("ix_training_record_teacher_active", "teacher_id", "superseded_at"),
        sa.Index("ix_training_record_course_active", "course_id", "superseded_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    teacher_id: int = Field(foreign_key="teacher.id", index=True)
    course_id: int = Field(foreign_key="course.id", index=True)
    minutes: int
    #: The day the hours count on (the course's last day), on the Taipei calendar.
    credited_on: date = Field(index=True)
    calendar_year: int = Field(index=True)
    #: ROC school year (學年度, August–July), e.g. 115.
    school_year: int = Field(index=True)
    #: The teacher's school when the hours were confirmed, and that school's county and level.
    school_unit_id: int = Field(foreign_key="unit.id", index=True)
    school_county: str | None = Field(default=None, max_length=8, index=True)
    school_level: str | None = Field(default=None, max_length=32, index=True)
    #: The organizer of the course and its county.
    organizer_unit_id: int = Field(foreign_key="unit.id", index=True)
    organizer_county: str | None = Field(default=None, max_length=8, index=True)
    course_kind: str = Field(max_length=32, index=True)
    #: The attendance list whose confirmation wrote this row (no FK: lists live in their own module).
    attendance_list_id: int | None = Field(default=None, index=True)
    confirmed_at: datetime = Field(
        default_factory=utcnow, sa_column=sa.Column(UTCDateTime(), nullable=False, index=True)
    )
    confirmed_by_account_id: int | None = Field(default=None, foreign_key="business_account.id", index=True)
    superseded_at: datetime | None = Field(
        default=None, sa_column=sa.Column(UTCDateTime(), nullable=True, index=True)
    )
