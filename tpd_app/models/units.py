"""The unit tree (SPEC §1.1) and the directory changes that reshape it (學校名錄異動, SPEC §3.4)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from tpd_app.domain.timeutil import utcnow
from tpd_app.models.types import UTCDateTime, now_column


class Unit(SQLModel, table=True):
    """A unit of the network: ministry, centre, bureau, school, institution (SPEC §1.1)."""

    __tablename__ = "unit"

    id: int | None = Field(default=None, primary_key=True)
    type: str = Field(max_length=32, index=True)
    code: str = Field(max_length=32, unique=True)
    name: str = Field(max_length=200, index=True)
    county: str | None = Field(default=None, max_length=8, index=True)
    school_level: str | None = Field(default=None, max_length=32, index=True)
    parent_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    reviewer_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    address: str = Field(default="", max_length=300)
    phone: str = Field(default="", max_length=40)
    fax: str = Field(default="", max_length=40)
    email: str = Field(default="", max_length=200)
    website: str = Field(default="", max_length=300)
    contact_name: str = Field(default="", max_length=100)
    status: str = Field(default="active", max_length=16, index=True)
    merged_into_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=sa.Column(UTCDateTime(), nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=sa.Column(UTCDateTime(), nullable=False)
    )


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
    created_at: datetime = Field(default_factory=utcnow, sa_column=now_column())
