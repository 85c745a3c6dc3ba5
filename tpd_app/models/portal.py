"""Tables of the public information (seed 參.二.(二).13–18): announcements (最新消息) with every saved
version kept."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from tpd_app.domain.timeutil import utcnow
from tpd_app.models.types import UTCDateTime


def _ts(nullable: bool = False, index: bool = False) -> sa.Column:
    return sa.Column(UTCDateTime(), nullable=nullable, index=index)


class Announcement(SQLModel, table=True):
    """An announcement of a unit: to everyone (`audience_unit_id` None, nationwide publishers only) or to the
    jurisdiction of the regional centre that wrote it. Shown while published and inside its window."""

    __tablename__ = "announcement"

    id: int | None = Field(default=None, primary_key=True)
    publisher_unit_id: int = Field(foreign_key="unit.id", index=True)
    audience_unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    category: str = Field(default="general", max_length=16)
    title: str = Field(max_length=200)
    body: str = Field(default="", sa_column=sa.Column(sa.Text(), nullable=False, server_default=""))
    pinned: bool = Field(default=False)
    status: str = Field(default="draft", max_length=16, index=True)
    publish_from: datetime = Field(default_factory=utcnow, sa_column=_ts(index=True))
    publish_until: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    revision: int = Field(default=1)
    created_by_account_id: int | None = Field(default=None, foreign_key="business_account.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class AnnouncementRevision(SQLModel, table=True):
    """What an announcement said after each save (its history, shown to the publisher)."""

    __tablename__ = "announcement_revision"
    __table_args__ = (sa.UniqueConstraint("announcement_id", "revision", name="uq_announcement_revision"),)

    id: int | None = Field(default=None, primary_key=True)
    announcement_id: int = Field(foreign_key="announcement.id", index=True)
    revision: int
    status: str = Field(max_length=16)
    category: str = Field(max_length=16)
    title: str = Field(max_length=200)
    body: str = Field(default="", sa_column=sa.Column(sa.Text(), nullable=False, server_default=""))
    pinned: bool = Field(default=False)
    publish_from: datetime = Field(default_factory=utcnow, sa_column=_ts())
    publish_until: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    saved_by_account_id: int | None = Field(default=None, foreign_key="business_account.id", index=True)
    saved_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class FaqEntry(SQLModel, table=True):
    """One question of the FAQ (問答集) and its answer (Markdown); `search_text` is what a search looks in."""

    __tablename__ = "faq_entry"

    id: int | None = Field(default=None, primary_key=True)
    category: str = Field(default="other", max_length=16, index=True)
    question: str = Field(max_length=300)
    answer: str = Field(default="", sa_column=sa.Column(sa.Text(), nullable=False, server_default=""))
    search_text: str = Field(default="", sa_column=sa.Column(sa.Text(), nullable=False, server_default=""))
    sort_order: int = Field(default=100)
    published: bool = Field(default=False, index=True)
    helpful_yes: int = Field(default=0)
    helpful_no: int = Field(default=0)
    updated_by_account_id: int | None = Field(default=None, foreign_key="business_account.id", index=True)
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class FaqVote(SQLModel, table=True):
    """One reader's "was this helpful" on one question (a reader: a person signed in, else a browser tab)."""

    __tablename__ = "faq_vote"
    __table_args__ = (sa.UniqueConstraint("entry_id", "voter", name="uq_faq_vote"),)

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="faq_entry.id", index=True)
    voter: str = Field(max_length=64)
    helpful: bool
    at: datetime = Field(default_factory=utcnow, sa_column=_ts())
