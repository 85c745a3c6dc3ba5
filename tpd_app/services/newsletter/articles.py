"""Articles of the e-newsletter: a regional centre contributes one (title, optional summary, Markdown body) and
may revise it while it waits or after it was returned; the editor accepts it or returns it with a note, writes
her own, places accepted ones into an issue being edited, orders them and may still edit them there. Once the
issue is published its articles are fixed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from tpd_app.domain.errors import NotFound, ValidationFailed
from tpd_app.domain.newsletter import (
    BODY_MAX,
    NOTE_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
    ArticleStatus,
    IssueStatus,
    article_state,
    may_revise,
)
from tpd_app.domain.permissions import Actor
from tpd_app.domain.timeutil import to_taipei, utcnow
from tpd_app.models import NewsletterArticle, NewsletterIssue, Unit
from tpd_app.services.newsletter.access import require_contributor, require_editor
from tpd_app.services.platform import audit
from tpd_app.services.platform.ids import require_id
from tpd_app.services.platform.richtext import plain, render, required_text
from tpd_app.services.platform.validation import clean

ACCEPTED = ArticleStatus.ACCEPTED.value


def _read_form(data: Any) -> dict[str, str]:
    """Title, summary and body of an article form.

    Raises:
        ValidationFailed: title or body missing or too long, summary too long.
    """
    data = data if isinstance(data, dict) else {}
    errors: dict[str, str] = {}
    title = required_text(errors, "title", data.get("title"), TITLE_MAX, "newsletter.error.title_long")
    body = required_text(errors, "body", data.get("body"), BODY_MAX, "newsletter.error.body_long", markdown=True)
    summary = clean(data.get("summary"), SUMMARY_MAX + 1)
    if len(summary) > SUMMARY_MAX:
        errors["summary"] = "newsletter.error.summary_long"
    if errors:
        raise ValidationFailed(errors)
    return {"title": title, "summary": summary, "body": body}


def _day(value: datetime) -> str:
    """The Taipei day of a stored instant, ISO (pages write it 民國 in zh-TW)."""
    return to_taipei(value).date().isoformat()


def _summary(row: NewsletterArticle) -> dict[str, Any]:
    return {"title": row.title, "status": row.status, "issue_id": row.issue_id, "position": row.position}


def _draft_issue(session: Session, issue_id: Any) -> NewsletterIssue:
    issue = session.get(NewsletterIssue, require_id(issue_id))
    if issue is None:
        raise NotFound()
    if issue.status != IssueStatus.DRAFT.value:
        raise ValidationFailed({"issue": "newsletter.error.issue_published"})
    return issue


def _next_position(session: Session, issue_id: int) -> int:
    last = session.exec(select(func.max(NewsletterArticle.position))
                        .where(NewsletterArticle.issue_id == issue_id)).one()
    return (last or 0) + 1


# ---------------------------------------------------------------------------------------------------------
# The contributors (regional centres)
# ---------------------------------------------------------------------------------------------------------

def submit_contribution(session: Session, actor: Actor, data: Any, *, ip: str = "") -> int:
    """A new contribution of the actor's unit, or a revision of one that waits or was returned (it waits for
    review again). Returns its id.

    Raises:
        Forbidden: not a regional centre.
        NotFound: `data["id"]` is not one of this unit's contributions.
        ValidationFailed: a field missing or too long; the article was already accepted (`id`).
    """
    require_contributor(actor, ip)
    values = _read_form(data)
    raw_id = data.get("id") if isinstance(data, dict) else None
    row = None
    if raw_id not in (None, ""):
        row = session.get(NewsletterArticle, require_id(raw_id))
        if row is None or row.unit_id != actor.unit.id:
            raise NotFound()
        if not may_revise(row.status):
            raise ValidationFailed({"id": "newsletter.error.already_accepted"})
    before = _summary(row) if row is not None else None
    row = row or NewsletterArticle(unit_id=actor.unit.id, account_id=actor.account_id, title=values["title"])
    row.title, row.summary, row.body = values["title"], values["summary"], values["body"]
    row.status, row.submitted_at = ArticleStatus.SUBMITTED.value, utcnow()
    row.updated_at = row.submitted_at
    session.add(row)
    session.flush()
    audit.record(session, action="newsletter.contribute", actor=actor, target_type="newsletter_article",
                 target_id=row.id or 0, before=before, after=_summary(row), ip=ip)
    return row.id or 0


def my_contributions(session: Session, actor: Actor, *, ip: str = "") -> list[dict[str, str]]:
    """The actor's unit's contributions, newest first: where each stands, the editor's note, its issue.

    Raises:
        Forbidden: not a regional centre.
    """
    require_contributor(actor, ip)
    rows = session.exec(select(NewsletterArticle, NewsletterIssue)
                        .join(NewsletterIssue, col(NewsletterIssue.id) == NewsletterArticle.issue_id, isouter=True)
                        .where(NewsletterArticle.unit_id == actor.unit.id)
                        .order_by(col(NewsletterArticle.submitted_at).desc(), col(NewsletterArticle.id).desc())).all()
    return [{"id": str(a.id), "title": a.title, "summary": a.summary, "body": a.body, "note": a.note,
             "state": article_state(a.status, i.status if i else None).value,
             "issue": str(i.number) if i else "", "submitted_at": _day(a.submitted_at),
             "editable": "1" if may_revise(a.status) else ""} for a, i in rows]


# ---------------------------------------------------------------------------------------------------------
# The editor (the national centre)
# ---------------------------------------------------------------------------------------------------------

def review_queue(session: Session, actor: Actor, *, ip: str = "") -> list[dict[str, str]]:
    """The contributions waiting for review and the accepted articles not yet in an issue, oldest first, each
    with its author unit and its body as safe HTML.

    Raises:
        Forbidden: not an editor.
    """
    require_editor(actor, ip)
    rows = session.exec(select(NewsletterArticle, Unit).join(Unit, col(Unit.id) == NewsletterArticle.unit_id)
                        .where(col(NewsletterArticle.issue_id).is_(None),
                               col(NewsletterArticle.status).in_([ArticleStatus.SUBMITTED.value, ACCEPTED]))
                        .order_by(col(NewsletterArticle.submitted_at), col(NewsletterArticle.id))).all()
    return [{"id": str(a.id), "title": a.title, "summary": a.summary, "unit": u.name, "state": a.status,
             "submitted_at": _day(a.submitted_at), "html": render(a.body), "note": a.note} for a, u in rows]


def _for_review(session: Session, article_id: Any) -> NewsletterArticle:
    row = session.get(NewsletterArticle, require_id(article_id))
    if row is None or row.issue_id is not None:
        raise NotFound()
    if row.status != ArticleStatus.SUBMITTED.value:
        raise ValidationFailed({"id": "newsletter.error.not_waiting"})
    return row


def accept(session: Session, actor: Actor, article_id: Any, *, ip: str = "") -> None:
    """Accept a waiting contribution: it joins the accepted articles the editor places into an issue.

    Raises:
        Forbidden: not an editor. NotFound: no such contribution. ValidationFailed: it is not waiting.
    """
    require_editor(actor, ip)
    row = _for_review(session, article_id)
    before = _summary(row)
    row.status, row.decided_by_account_id, row.updated_at = ACCEPTED, actor.account_id, utcnow()
    session.add(row)
    audit.record(session, action="newsletter.accept", actor=actor, target_type="newsletter_article",
                 target_id=row.id or 0, before=before, after=_summary(row), ip=ip)


def return_article(session: Session, actor: Actor, article_id: Any, note: Any, *, ip: str = "") -> None:
    """Return a waiting contribution to its author with a note saying what to change.

    Raises:
        Forbidden: not an editor. NotFound: no such contribution.
        ValidationFailed: no note, or too long (`note`); it is not waiting (`id`).
    """
    require_editor(actor, ip)
    errors: dict[str, str] = {}
    text = required_text(errors, "note", note, NOTE_MAX, "newsletter.error.note_long")
    row = _for_review(session, article_id)
    if errors:
        raise ValidationFailed(errors)
    before = _summary(row)
    row.status, row.note = ArticleStatus.RETURNED.value, text
    row.decided_by_account_id, row.updated_at = actor.account_id, utcnow()
    session.add(row)
    audit.record(session, action="newsletter.return", actor=actor, target_type="newsletter_article",
                 target_id=row.id or 0, before=before, after={**_summary(row), "note": text}, ip=ip)


def save_article(session: Session, actor: Actor, issue_id: Any, data: Any, *, ip: str = "") -> int:
    """The editor writes an article into a draft issue (`data["id"]` blank), or edits one of its articles.
    Returns its id.

    Raises:
        Forbidden: not an editor. NotFound: no such issue, or the article is not in it.
        ValidationFailed: a field missing or too long; the issue is already published.
    """
    require_editor(actor, ip)
    issue = _draft_issue(session, issue_id)
    values = _read_form(data)
    raw_id = data.get("id") if isinstance(data, dict) else None
    row = None
    if raw_id not in (None, ""):
        row = session.get(NewsletterArticle, require_id(raw_id))
        if row is None or row.issue_id != issue.id:
            raise NotFound()
    before = _summary(row) if row is not None else None
    if row is None:
        row = NewsletterArticle(unit_id=actor.unit.id, account_id=actor.account_id, status=ACCEPTED,
                                issue_id=issue.id, position=_next_position(session, issue.id or 0),
                                decided_by_account_id=actor.account_id, title=values["title"])
    row.title, row.summary, row.body, row.updated_at = values["title"], values["summary"], values["body"], utcnow()
    session.add(row)
    session.flush()
    audit.record(session, action="newsletter.article_save", actor=actor, target_type="newsletter_article",
                 target_id=row.id or 0, before=before, after=_summary(row), ip=ip)
    return row.id or 0


def place(session: Session, actor: Actor, issue_id: Any, article_id: Any, *, ip: str = "") -> None:
    """Put an accepted article that is in no issue at the end of a draft issue.

    Raises:
        Forbidden: not an editor. NotFound: no such issue or accepted article outside an issue.
        ValidationFailed: the issue is already published.
    """
    require_editor(actor, ip)
    issue = _draft_issue(session, issue_id)
    row = session.get(NewsletterArticle, require_id(article_id))
    if row is None or row.status != ACCEPTED or row.issue_id is not None:
        raise NotFound()
    row.issue_id, row.position, row.updated_at = issue.id, _next_position(session, issue.id or 0), utcnow()
    session.add(row)
    audit.record(session, action="newsletter.place", actor=actor, target_type="newsletter_article",
                 target_id=row.id or 0, after=_summary(row), ip=ip)


def _in_draft(session: Session, article_id: Any) -> tuple[NewsletterArticle, NewsletterIssue]:
    row = session.get(NewsletterArticle, require_id(article_id))
    if row is None or row.issue_id is None:
        raise NotFound()
    return row, _draft_issue(session, row.issue_id)


def unplace(session: Session, actor: Actor, article_id: Any, *, ip: str = "") -> None:
    """Take an article out of its draft issue (it stays accepted, for a later issue).

    Raises:
        Forbidden: not an editor. NotFound: not an article in an issue.
        ValidationFailed: its issue is already published.
    """
    require_editor(actor, ip)
    row, _issue = _in_draft(session, article_id)
    before = _summary(row)
    row.issue_id, row.position, row.updated_at = None, 0, utcnow()
    session.add(row)
    audit.record(session, action="newsletter.unplace", actor=actor, target_type="newsletter_article",
                 target_id=row.id or 0, before=before, after=_summary(row), ip=ip)


def move(session: Session, actor: Actor, article_id: Any, delta: Any, *, ip: str = "") -> None:
    """Move an article of a draft issue one place up (`delta` -1) or down (+1); at either end nothing moves.

    Raises:
        Forbidden: not an editor. NotFound: not an article in an issue; a `delta` other than ±1.
        ValidationFailed: its issue is already published.
    """
    require_editor(actor, ip)
    if delta not in (-1, 1) or isinstance(delta, bool):
        raise NotFound()
    row, issue = _in_draft(session, article_id)
    siblings = list(session.exec(select(NewsletterArticle).where(NewsletterArticle.issue_id == issue.id)
                                 .order_by(col(NewsletterArticle.position), col(NewsletterArticle.id))).all())
    at = next(i for i, a in enumerate(siblings) if a.id == row.id)
    to = at + delta
    if not 0 <= to < len(siblings):
        return
    siblings[at], siblings[to] = siblings[to], siblings[at]
    for position, article in enumerate(siblings, start=1):
        if article.position != position:
            article.position = position
            session.add(article)
    audit.record(session, action="newsletter.move", actor=actor, target_type="newsletter_article",
                 target_id=row.id or 0, after={"issue": issue.number, "position": to + 1}, ip=ip)


def in_issue(session: Session, issue_id: int) -> list[NewsletterArticle]:
    """The articles of an issue in their order (for the issue pages and the mail)."""
    return list(session.exec(select(NewsletterArticle).where(NewsletterArticle.issue_id == issue_id)
                             .order_by(col(NewsletterArticle.position), col(NewsletterArticle.id))).all())


def counts_by_issue(session: Session) -> dict[int, int]:
    """How many articles each issue holds."""
    return {issue_id: count for issue_id, count in session.execute(
        sa.select(NewsletterArticle.issue_id, sa.func.count()).where(col(NewsletterArticle.issue_id).is_not(None))
        .group_by(NewsletterArticle.issue_id)).all()}


def lead(article: NewsletterArticle) -> str:
    """The line that introduces an article in lists and in the mail: its summary, else the body's start."""
    return article.summary or plain(article.body, 160)
