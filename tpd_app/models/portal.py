"""Tables of the public information (seed 參.二.(二).13–18): announcements (最新消息) with every saved
version kept and their attachments, the FAQ, the rule documents (使用管理要點) by version, and the video
guides (影音說明)."""

from __future__ import annotations

from datetime import date, datetime

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


class AnnouncementAttachment(SQLModel, table=True):
    """A file attached to an announcement, stored privately under a generated name; served with the
    announcement to whoever it reaches while it is live (to its publisher always)."""

    __tablename__ = "announcement_attachment"

    id: int | None = Field(default=None, primary_key=True)
    announcement_id: int = Field(foreign_key="announcement.id", index=True)
    stored_name: str = Field(max_length=64, unique=True)
    original_name: str = Field(max_length=200)
    content_type: str = Field(max_length=100)
    size_bytes: int
    uploaded_by_account_id: int | None = Field(default=None, foreign_key="business_account.id", index=True)
    uploaded_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


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


class RuleVersion(SQLModel, table=True):
    """One version of a rule document (`document`: usage rules, privacy policy, …). A draft is the
    national centre's until published; a published version is never changed again and is in force from
    `effective_on` (a Taipei day) until the next published version's."""

    __tablename__ = "rule_version"
    __table_args__ = (sa.UniqueConstraint("document", "version", name="uq_rule_version"),)

    id: int | None = Field(default=None, primary_key=True)
    document: str = Field(max_length=16, index=True)
    version: int
    title: str = Field(max_length=200)
    body: str = Field(default="", sa_column=sa.Column(sa.Text(), nullable=False, server_default=""))
    changes: str = Field(default="", sa_column=sa.Column(sa.Text(), nullable=False, server_default=""))
    effective_on: date
    published: bool = Field(default=False, index=True)
    published_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    saved_by_account_id: int | None = Field(default=None, foreign_key="business_account.id", index=True)
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class RuleNotice(SQLModel, table=True):
    """The newest version of a rule document a person has been told about (`reader`: `teacher:<id>` or
    `account:<id>`), so what changed is shown to her once."""

    __tablename__ = "rule_notice"
    __table_args__ = (sa.UniqueConstraint("reader", "document", name="uq_rule_notice"),)

    id: int | None = Field(default=None, primary_key=True)
    reader: str = Field(max_length=40)
    document: str = Field(max_length=16)
    version: int
    at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class VideoGuide(SQLModel, table=True):
    """A short video guide (影音說明) for one audience, optionally explaining one page (`page`: its route):
    a video file kept privately (`video_stored_name`) or a link (`video_url`), captions (WebVTT, kept
    privately) and a transcript (Markdown) for whoever cannot watch or hear it."""

    __tablename__ = "video_guide"

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    description: str = Field(default="", max_length=1000)
    audience: str = Field(default="everyone", max_length=16, index=True)
    page: str = Field(default="", max_length=80, index=True)
    duration_seconds: int = Field(default=0)
    video_url: str = Field(default="", max_length=500)
    video_stored_name: str | None = Field(default=None, max_length=64, unique=True)
    video_content_type: str = Field(default="", max_length=100)
    captions_stored_name: str | None = Field(default=None, max_length=64, unique=True)
    transcript: str = Field(default="", sa_column=sa.Column(sa.Text(), nullable=False, server_default=""))
    sort_order: int = Field(default=100)
    published: bool = Field(default=False, index=True)
    updated_by_account_id: int | None = Field(default=None, foreign_key="business_account.id", index=True)
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
