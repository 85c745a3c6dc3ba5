"""Tables of back-end reporting (後端資訊傳報, SPEC §3.5): how each county reports, the API clients that its own
systems use, the courses they sent (by their own ids), what was refused, and the months confirmed."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from tpd_app.domain.timeutil import utcnow
from tpd_app.models.types import UTCDateTime


def _ts(nullable: bool = False, index: bool = False) -> sa.Column:
    return sa.Column(UTCDateTime(), nullable=nullable, index=index)


class CountyReporting(SQLModel, table=True):
    """How a county reports (set by the national centre): `direct` (its schools use the network's pages) or
    `backend` (its own system sends courses and lists through the API), from `since` on. No row: direct."""

    __tablename__ = "county_reporting"

    id: int | None = Field(default=None, primary_key=True)
    county: str = Field(max_length=8, unique=True)
    mode: str = Field(default="direct", max_length=16)
    since: date
    updated_by_account_id: int | None = Field(default=None, foreign_key="business_account.id", index=True)
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class ApiClient(SQLModel, table=True):
    """A system allowed to call `/api/v1` for its owner unit (a county bureau, or the national centre for a
    national platform). The token is `tpd_<key_id>_<secret>`; only the secret's SHA-256 is kept."""

    __tablename__ = "api_client"

    id: int | None = Field(default=None, primary_key=True)
    owner_unit_id: int = Field(foreign_key="unit.id", index=True)
    name: str = Field(max_length=100)
    scopes: list[str] = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False))
    #: Addresses or networks (CIDR) calls may come from; empty: any.
    allowed_addresses: list[str] = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False))
    expires_on: date | None = Field(default=None)
    key_id: str = Field(max_length=16, unique=True)
    secret_hash: str = Field(max_length=64)
    created_by_account_id: int | None = Field(default=None, foreign_key="business_account.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    rotated_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    revoked_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True, index=True))
    last_used_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    last_used_ip: str = Field(default="", max_length=64)
    calls: int = Field(default=0)


class ReportedCourse(SQLModel, table=True):
    """A course sent through the API, under the id the owner's own system gives it (`external_id`): the same
    id sent again updates the same course."""

    __tablename__ = "reported_course"
    __table_args__ = (sa.UniqueConstraint("owner_unit_id", "external_id", name="uq_reported_course_external"),)

    id: int | None = Field(default=None, primary_key=True)
    owner_unit_id: int = Field(foreign_key="unit.id", index=True)
    external_id: str = Field(max_length=64)
    course_id: int = Field(foreign_key="course.id", unique=True)
    client_id: int | None = Field(default=None, foreign_key="api_client.id", index=True)
    #: SHA-256 of the last accepted document: the same document again changes nothing.
    digest: str = Field(default="", max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_ts(index=True))


class ReportedMonth(SQLModel, table=True):
    """A month of pushed data confirmed by its owner (每月初確認上一個月所傳報之資料): what confirming wrote."""

    __tablename__ = "reported_month"
    __table_args__ = (sa.UniqueConstraint("owner_unit_id", "month", name="uq_reported_month"),)

    id: int | None = Field(default=None, primary_key=True)
    owner_unit_id: int = Field(foreign_key="unit.id", index=True)
    #: `2026-11`, the Taipei calendar month the data was sent in.
    month: str = Field(max_length=7, index=True)
    lists: int = Field(default=0)
    entries: int = Field(default=0)
    minutes: int = Field(default=0)
    confirmed_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    confirmed_by_account_id: int | None = Field(default=None, foreign_key="business_account.id", index=True)


class ReportedMonthLook(SQLModel, table=True):
    """When the owner's accounts last looked at a month's summary: what changed since is marked there."""

    __tablename__ = "reported_month_look"
    __table_args__ = (sa.UniqueConstraint("owner_unit_id", "month", name="uq_reported_month_look"),)

    id: int | None = Field(default=None, primary_key=True)
    owner_unit_id: int = Field(foreign_key="unit.id", index=True)
    month: str = Field(max_length=7)
    looked_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class ReportRejection(SQLModel, table=True):
    """An item the API refused (a course or a list), with its problems, for the month's summary."""

    __tablename__ = "report_rejection"

    id: int | None = Field(default=None, primary_key=True)
    owner_unit_id: int = Field(foreign_key="unit.id", index=True)
    client_id: int | None = Field(default=None, foreign_key="api_client.id", index=True)
    month: str = Field(max_length=7, index=True)
    kind: str = Field(max_length=16)
    external_id: str = Field(default="", max_length=64)
    problems: list[dict[str, Any]] = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False))
    at: datetime = Field(default_factory=utcnow, sa_column=_ts(index=True))
