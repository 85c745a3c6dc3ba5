"""Issues of the e-newsletter: the editor numbers and titles a draft, introduces it (Markdown), previews it and
publishes it; publishing puts it in the public archive and queues its mailing once (the worker carries it out,
`sending.py`), so publishing twice never mails twice. The archive is searched word by word in the title, the
introduction and every article (`domain/search_text.like_terms`, as the FAQ)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, func, select

from tpd_app.domain.errors import NotFound, ValidationFailed
from tpd_app.domain.newsletter import INTRO_MAX, NUMBER_MAX, TITLE_MAX, IssueStatus, SendState
from tpd_app.domain.permissions import Actor
from tpd_app.domain.search_text import like_terms
from tpd_app.domain.timeutil import to_taipei, utcnow
from tpd_app.models import NewsletterIssue, NewsletterSubscriber, Unit
from tpd_app.services.newsletter.access import require_editor
from tpd_app.services.newsletter.articles import counts_by_issue, in_issue, lead
from tpd_app.services.platform import audit
from tpd_app.services.platform.ids import require_id
from tpd_app.services.platform.richtext import plain, render, required_text
from tpd_app.services.platform.validation import clean

#: Issues on one page of the archive.
PAGE_SIZE = 20
PUBLISHED = IssueStatus.PUBLISHED.value


def _summary(row: NewsletterIssue) -> dict[str, Any]:
    return {"number": row.number, "title": row.title, "status": row.status, "send_state": row.send_state}


def next_number(session: Session) -> int:
    """The number the next issue would get."""
    return (session.exec(select(func.max(NewsletterIssue.number))).one() or 0) + 1


def save_issue(session: Session, actor: Actor, data: Any, *, ip: str = "") -> int:
    """A new draft issue, or a change to a draft's number, title or introduction. Returns its id.

    Raises:
        Forbidden: not an editor. NotFound: `data["id"]` names no issue.
        ValidationFailed: a bad or taken number, a title missing or too long, an introduction too long, the
            issue already published.
    """
    require_editor(actor, ip)
    data = data if isinstance(data, dict) else {}
    errors: dict[str, str] = {}
    title = required_text(errors, "title", data.get("title"), TITLE_MAX, "newsletter.error.title_long")
    intro = str(data.get("intro") or "").strip()
    if len(intro) > INTRO_MAX:
        errors["intro"] = "newsletter.error.intro_long"
    number_text = clean(data.get("number"), 6)
    number = int(number_text) if number_text.isdigit() else 0
    if not 1 <= number <= NUMBER_MAX:
        errors["number"] = "newsletter.error.number"
    row = None
    if data.get("id") not in (None, ""):
        row = session.get(NewsletterIssue, require_id(data["id"]))
        if row is None:
            raise NotFound()
        if row.status != IssueStatus.DRAFT.value:
            raise ValidationFailed({"number": "newsletter.error.issue_published"})
    taken = session.exec(select(NewsletterIssue.id).where(NewsletterIssue.number == number)).first()
    if number and taken is not None and (row is None or taken != row.id):
        errors["number"] = "newsletter.error.number_taken"
    if errors:
        raise ValidationFailed(errors)
    before = _summary(row) if row is not None else None
    row = row or NewsletterIssue(number=number, title=title, created_by_account_id=actor.account_id)
    row.number, row.title, row.intro, row.updated_at = number, title, intro, utcnow()
    session.add(row)
    session.flush()
    audit.record(session, action="newsletter.issue_save", actor=actor, target_type="newsletter_issue",
                 target_id=row.id or 0, before=before, after=_summary(row), ip=ip)
    return row.id or 0


def editor_list(session: Session, actor: Actor, *, ip: str = "") -> list[dict[str, str]]:
    """Every issue, newest number first, with its articles counted and how far its mailing has come.

    Raises:
        Forbidden: not an editor.
    """
    require_editor(actor, ip)
    counts = counts_by_issue(session)
    rows = session.exec(select(NewsletterIssue).order_by(col(NewsletterIssue.number).desc())).all()
    return [{"id": str(r.id), "number": str(r.number), "title": r.title, "intro": r.intro, "state": r.status,
             "articles": str(counts.get(r.id or 0, 0)), "send_state": r.send_state, "sent": f"{r.sent_count:,}",
             "published_at": _day(r.published_at)} for r in rows]


def _day(value: Any) -> str:
    return to_taipei(value).date().isoformat() if value is not None else ""


def issue_articles(session: Session, actor: Actor, issue_id: Any, *, ip: str = "") -> list[dict[str, str]]:
    """The articles of one issue in their order, with what the editor's form needs.

    Raises:
        Forbidden: not an editor. NotFound: no such issue.
    """
    require_editor(actor, ip)
    issue = session.get(NewsletterIssue, require_id(issue_id))
    if issue is None:
        raise NotFound()
    articles = in_issue(session, issue.id or 0)
    units = _unit_names(session, {a.unit_id for a in articles})
    return [{"id": str(a.id), "title": a.title, "summary": a.summary, "body": a.body,
             "unit": units.get(a.unit_id, ""), "position": str(a.position)} for a in articles]


def _unit_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {u.id or 0: u.name for u in session.exec(select(Unit).where(col(Unit.id).in_(sorted(ids)))).all()}


def _shown(session: Session, issue: NewsletterIssue) -> dict[str, Any]:
    """An issue as its page shows it: the introduction and every article as safe HTML."""
    articles = in_issue(session, issue.id or 0)
    units = _unit_names(session, {a.unit_id for a in articles})
    return {"id": str(issue.id), "number": str(issue.number), "title": issue.title, "intro_html": render(issue.intro),
            "published": _day(issue.published_at),
            "articles": [{"id": str(a.id), "title": a.title, "summary": a.summary, "unit": units.get(a.unit_id, ""),
                          "html": render(a.body)} for a in articles]}


def preview(session: Session, actor: Actor, issue_id: Any, *, ip: str = "") -> dict[str, Any]:
    """An issue as readers will see it, before it is published.

    Raises:
        Forbidden: not an editor. NotFound: no such issue.
    """
    require_editor(actor, ip)
    issue = session.get(NewsletterIssue, require_id(issue_id))
    if issue is None:
        raise NotFound()
    return _shown(session, issue)


def index_text(session: Session, issue: NewsletterIssue) -> str:
    """What an archive search looks in: the title, the introduction and each article, as plain lower-case text."""
    parts = [issue.title, plain(issue.intro, 1_000_000)]
    for article in in_issue(session, issue.id or 0):
        parts += [article.title, article.summary, plain(article.body, 1_000_000)]
    return "\n".join(parts).lower()


def publish(session: Session, actor: Actor, issue_id: Any, *, ip: str = "") -> int:
    """Publish a draft issue: it enters the public archive and its mailing to the confirmed subscribers is
    queued for the worker (once: a published issue is never published or queued again). Returns how many
    subscribers are confirmed now (what the mailing will reach).

    Raises:
        Forbidden: not an editor. NotFound: no such issue.
        ValidationFailed: it has no article, or it is already published.
    """
    require_editor(actor, ip)
    issue = session.get(NewsletterIssue, require_id(issue_id), with_for_update=True)
    if issue is None:
        raise NotFound()
    if issue.status == PUBLISHED or issue.send_state:
        raise ValidationFailed({"issue": "newsletter.error.issue_published"})
    if not in_issue(session, issue.id or 0):
        raise ValidationFailed({"issue": "newsletter.error.no_articles"})
    before = _summary(issue)
    issue.status, issue.published_at, issue.updated_at = PUBLISHED, utcnow(), utcnow()
    issue.search_text = index_text(session, issue)
    issue.send_state, issue.send_cursor, issue.sent_count = SendState.QUEUED.value, 0, 0
    session.add(issue)
    confirmed = session.exec(select(func.count()).select_from(NewsletterSubscriber)
                             .where(NewsletterSubscriber.status == "confirmed")).one()
    audit.record(session, action="newsletter.publish", actor=actor, target_type="newsletter_issue",
                 target_id=issue.id or 0, before=before, after={**_summary(issue), "subscribers": confirmed}, ip=ip)
    return confirmed


def archive(session: Session, keyword: str = "", *, page: int = 1,
            limit: int = PAGE_SIZE) -> tuple[list[dict[str, str]], int]:
    """The published issues with every word of `keyword` somewhere in them, newest first: (the page, total)."""
    conditions = [NewsletterIssue.status == PUBLISHED]
    for term in like_terms(keyword):
        conditions.append(col(NewsletterIssue.search_text).contains(term.lower(), autoescape=True))
    rows = session.exec(select(NewsletterIssue).where(*conditions)
                        .order_by(col(NewsletterIssue.published_at).desc(), col(NewsletterIssue.id).desc())
                        .offset((max(1, page) - 1) * limit).limit(limit)).all()
    total = session.exec(select(func.count()).select_from(NewsletterIssue).where(*conditions)).one()
    shown = []
    for row in rows:
        articles = in_issue(session, row.id or 0)
        shown.append({"id": str(row.id), "number": str(row.number), "title": row.title,
                      "published": _day(row.published_at), "summary": plain(row.intro, 160),
                      "articles": "、".join(a.title for a in articles)[:300],
                      "lead": lead(articles[0]) if articles else ""})
    return shown, total


def read(session: Session, issue_id: Any) -> dict[str, Any]:
    """One published issue for anyone, its introduction and articles as safe HTML.

    Raises:
        NotFound: no such issue, or not published.
    """
    issue = session.get(NewsletterIssue, require_id(issue_id))
    if issue is None or issue.status != PUBLISHED:
        raise NotFound()
    return _shown(session, issue)
