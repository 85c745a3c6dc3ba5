"""Tables of the e-newsletter (教師專業發展電子報): issues, their articles (the editor's own and the regional
centres' contributions), the subscribers, and the subscription requests the rate limits count."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from tpd_app.domain.timeutil import utcnow
from tpd_app.models.types import UTCDateTime


def _ts(nullable: bool = False, index: bool = False) -> sa.Column:
    return sa.Column(UTCDateTime(), nullable=nullable, index=index)


def _text() -> sa.Column:
    return sa.Column(sa.Text(), nullable=False, server_default="")


class NewsletterIssue(SQLModel, table=True):
    """One issue (第 N 期): edited as a draft, then published to the archive and mailed once. The mailing runs
    in the worker (`services/newsletter/sending.py`): `send_cursor` is the last subscriber id mailed."""

    __tablename__ = "newsletter_issue"

    id: int | None = Field(default=None, primary_key=True)
    number: int = Field(sa_column=sa.Column(sa.Integer(), nullable=False, unique=True))
    title: str = Field(max_length=200)
    intro: str = Field(default="", sa_column=_text())
    status: str = Field(default="draft", max_length=16, index=True)
    published_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True, index=True))
    #: What an archive search looks in: the title, the introduction and every article, plain and lower-cased.
    search_text: str = Field(default="", sa_column=_text())
    send_state: str = Field(default="", max_length=16, index=True)
    send_cursor: int = Field(default=0)
    sent_count: int = Field(default=0)
    sent_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    created_by_account_id: int | None = Field(default=None, foreign_key="business_account.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class NewsletterArticle(SQLModel, table=True):
    """An article: a regional centre's contribution under review, or accepted (the editor's own are accepted
    when written); in an issue when `issue_id` is set, at `position`."""

    __tablename__ = "newsletter_article"

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    account_id: int | None = Field(default=None, foreign_key="business_account.id", index=True)
    title: str = Field(max_length=200)
    summary: str = Field(default="", max_length=300)
    body: str = Field(default="", sa_column=_text())
    status: str = Field(default="submitted", max_length=16, index=True)
    #: The editor's note when an article is returned (the contributor sees it).
    note: str = Field(default="", max_length=500)
    issue_id: int | None = Field(default=None, foreign_key="newsletter_issue.id", index=True)
    position: int = Field(default=0)
    decided_by_account_id: int | None = Field(default=None, foreign_key="business_account.id", index=True)
    submitted_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class NewsletterSubscriber(SQLModel, table=True):
    """An address the e-newsletter goes to once confirmed: a visitor's (double opt-in: `token_digest` is the
    confirmation link's secret) or a teacher's account address (`teacher_id`: her current e-mail is used)."""

    __tablename__ = "newsletter_subscriber"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(sa_column=sa.Column(sa.String(200), nullable=False, unique=True))
    teacher_id: int | None = Field(default=None, sa_column=sa.Column(sa.Integer(), sa.ForeignKey("teacher.id"),
                                                                     nullable=True, unique=True))
    status: str = Field(default="pending", max_length=16, index=True)
    token_digest: str = Field(default="", max_length=64)
    token_expires_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    confirmed_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class NewsletterRequest(SQLModel, table=True):
    """One subscription request from the public form, counted by the limits per address and per client."""

    __tablename__ = "newsletter_request"

    id: int | None = Field(default=None, primary_key=True)
    email_key: str = Field(max_length=64, index=True)
    address: str = Field(max_length=64, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts(index=True))
