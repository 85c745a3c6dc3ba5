"""Tables of single sign-on (教育雲端帳號, OpenID Connect): the links between a provider's identity and this
network's accounts, the authorization requests under way, the identities waiting to be linked, and which
kinds of account must sign in through the provider."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from tpd_app.domain.timeutil import utcnow
from tpd_app.models.types import UTCDateTime


def _ts(nullable: bool = False, index: bool = False) -> sa.Column:
    return sa.Column(UTCDateTime(), nullable=nullable, index=index)


class SsoLink(SQLModel, table=True):
    """One provider identity (issuer + `sub`) linked to one teacher or business account. An identity may be
    linked to one teacher account and to business accounts (a school's clerk is often a teacher too);
    `principal` ("teacher:12", "account:5") makes the pair unique. `evidence` says what proved it
    (domain/sso.LinkEvidence); `label` is what the provider called her then, shown on her profile."""

    __tablename__ = "sso_link"
    __table_args__ = (sa.UniqueConstraint("issuer", "subject", "principal", name="uq_sso_link_principal"),
                      sa.Index("ix_sso_link_identity", "issuer", "subject"))

    id: int | None = Field(default=None, primary_key=True)
    issuer: str = Field(max_length=255)
    subject: str = Field(max_length=255)
    principal: str = Field(max_length=32)
    teacher_id: int | None = Field(default=None, foreign_key="teacher.id", index=True)
    account_id: int | None = Field(default=None, foreign_key="business_account.id", index=True)
    evidence: str = Field(max_length=16)
    label: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    last_used_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))


class SsoRequest(SQLModel, table=True):
    """An authorization request sent to the provider and not yet answered: the digest of its `state`, of
    the browser's binding cookie, and what the answer needs (nonce, PKCE verifier, redirect URI). Used once,
    for ten minutes. `session_id` is the app session that asked to link (intent "link")."""

    __tablename__ = "sso_request"

    id: int | None = Field(default=None, primary_key=True)
    state_hash: str = Field(max_length=64, unique=True)
    binding_hash: str = Field(max_length=64)
    nonce: str = Field(max_length=128)
    code_verifier: str = Field(max_length=128)
    redirect_uri: str = Field(max_length=500)
    next_path: str = Field(default="", max_length=200)
    intent: str = Field(default="login", max_length=16)
    session_id: int | None = Field(default=None, foreign_key="login_session.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    expires_at: datetime = Field(sa_column=_ts(index=True))
    used_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))


class SsoPending(SQLModel, table=True):
    """An identity the provider vouched for that still has to choose or prove an account: the digest of the
    HttpOnly cookie that carries it, and what the provider said (name, e-mail, school code) to show her.
    Ten minutes, used once."""

    __tablename__ = "sso_pending"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    issuer: str = Field(max_length=255)
    subject: str = Field(max_length=255)
    name: str = Field(default="", max_length=100)
    email: str = Field(default="", max_length=200)
    school_code: str = Field(default="", max_length=32)
    next_path: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    expires_at: datetime = Field(sa_column=_ts(index=True))
    used_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))


class SsoPolicy(SQLModel, table=True):
    """Whether one kind of account ("teacher", or a unit type for its business accounts) must sign in
    through the provider (no row: it may use its password)."""

    __tablename__ = "sso_policy"

    kind: str = Field(primary_key=True, max_length=32)
    required: bool = Field(default=False)
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    updated_by_account_id: int | None = Field(default=None, foreign_key="business_account.id", index=True)
