"""教師專業發展電子報 (the e-newsletter, seed 參.二.(二).13, 15): the national centre edits the issues (總編輯),
regional centres contribute articles for review; who may do what, and the statuses. Pure rules, no database."""

from __future__ import annotations

from enum import StrEnum

from tpd_app.domain.permissions import Actor
from tpd_app.domain.statuses import Status as StyledStatus
from tpd_app.domain.statuses import styled
from tpd_app.domain.units import NATIONWIDE, REGIONAL_CENTERS


class IssueStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


@styled("newsletter.issue", draft="gray", published="green")
class IssueState(StyledStatus):
    """Where an issue stands on the editor's list."""

    DRAFT = "draft"
    PUBLISHED = "published"


class SendState(StrEnum):
    """The mailing of a published issue: queued at publication, carried out by the worker in batches."""

    NONE = ""
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"


class ArticleStatus(StrEnum):
    SUBMITTED = "submitted"
    RETURNED = "returned"
    ACCEPTED = "accepted"


@styled("newsletter.article", submitted="amber", returned="red", accepted="blue", placed="blue",
        published="green")
class ArticleState(StyledStatus):
    """Where a contribution stands for its author: waiting, returned with a note, accepted, placed in an issue
    being edited, or published in an issue."""

    SUBMITTED = "submitted"
    RETURNED = "returned"
    ACCEPTED = "accepted"
    PLACED = "placed"
    PUBLISHED = "published"


class SubscriberStatus(StrEnum):
    """A visitor's address is pending until its confirmation link is opened (double opt-in)."""

    PENDING = "pending"
    CONFIRMED = "confirmed"
    UNSUBSCRIBED = "unsubscribed"


TITLE_MAX = 200
SUMMARY_MAX = 300
INTRO_MAX = 5_000
BODY_MAX = 20_000
NOTE_MAX = 500
NUMBER_MAX = 9_999
EMAIL_MAX = 200


def may_edit_newsletter(actor: Actor) -> bool:
    """The national centre edits the e-newsletter (總編輯, seed 參.二.(二).15); the ministry above it too."""
    return actor.kind == "account" and not actor.is_teacher and actor.unit.type in NATIONWIDE


def may_contribute(actor: Actor) -> bool:
    """Regional centres send articles to the national centre for review."""
    return actor.kind == "account" and not actor.is_teacher and actor.unit.type in REGIONAL_CENTERS


def article_state(status: str, issue_status: str | None) -> ArticleState:
    """What an article's author sees: its review status, or where its issue stands once it is in one."""
    if status != ArticleStatus.ACCEPTED.value:
        return ArticleState(status)
    if issue_status is None:
        return ArticleState.ACCEPTED
    return ArticleState.PUBLISHED if issue_status == IssueStatus.PUBLISHED.value else ArticleState.PLACED


def may_revise(status: str) -> bool:
    """A contributor changes her article while it waits or after it was returned, never once accepted."""
    return status in (ArticleStatus.SUBMITTED.value, ArticleStatus.RETURNED.value)
