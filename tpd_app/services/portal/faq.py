"""問答集 (the FAQ): questions and answers the national centre keeps (seed 參.二.(二).16–17; teachers are told to
look here first, 參.五.(三).2), searched word by word as the catalogue's PostgreSQL path does (a Chinese
word is found anywhere in a question or an answer), and "was this helpful" from each reader once."""

from __future__ import annotations

import hashlib
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from tpd_app.domain.errors import Forbidden, NotFound, ValidationFailed
from tpd_app.domain.permissions import Actor, Function
from tpd_app.domain.portal import ANSWER_MAX, QUESTION_MAX, FaqCategory, keeps_public_pages
from tpd_app.domain.search_text import like_terms
from tpd_app.domain.timeutil import utcnow
from tpd_app.models import FaqEntry, FaqVote
from tpd_app.services.platform import audit
from tpd_app.services.platform.guard import require
from tpd_app.services.platform.ids import require_id
from tpd_app.services.platform.richtext import plain, render, required_text
from tpd_app.services.platform.validation import clean

#: Questions shown at most for one search.
MAX_SHOWN = 100


def _require_keeper(actor: Actor, ip: str) -> None:
    require(actor, Function.COURSE_REVIEW, ip=ip, detail="faq")
    if not keeps_public_pages(actor):
        audit.record_now(action="access.denied", actor=actor, outcome="denied", target_type="function",
                         target_id="faq", after={"reason": "jurisdiction"}, ip=ip)
        raise Forbidden("error.forbidden.jurisdiction")


def index_text(question: str, answer: str) -> str:
    """What a search looks in: the question and the answer's plain text, lower-cased."""
    return f"{question}\n{plain(answer, 1_000_000)}".lower()


def save_entry(session: Session, actor: Actor, data: dict[str, Any], *, ip: str = "") -> int:
    """Add a question or change one; published or kept back. Returns its id.

    Raises:
        Forbidden: only the national centre and the ministry keep the FAQ.
        NotFound: `data["id"]` names no question.
        ValidationFailed: question or answer missing or too long, an unknown category, a bad order.
    """
    _require_keeper(actor, ip)
    errors: dict[str, str] = {}
    question = required_text(errors, "question", data.get("question"), QUESTION_MAX, "faq.error.question_long")
    answer = required_text(errors, "answer", data.get("answer"), ANSWER_MAX, "faq.error.answer_long", markdown=True)
    category = clean(data.get("category"), 16)
    if category not in {c.value for c in FaqCategory}:
        errors["category"] = "faq.error.category"
    order_text = clean(data.get("sort_order"), 5) or "100"
    if not order_text.isdigit():
        errors["sort_order"] = "faq.error.sort_order"
    row = None
    if data.get("id") not in (None, ""):
        row = session.get(FaqEntry, require_id(data["id"]))
        if row is None:
            raise NotFound()
    if errors:
        raise ValidationFailed(errors)
    before = {"question": row.question, "published": row.published} if row is not None else None
    row = row or FaqEntry(question=question)
    row.question, row.answer, row.category, row.sort_order = question, answer, category, int(order_text)
    row.published = data.get("published") in (True, "1", "on", "true")
    row.search_text = index_text(question, answer)
    row.updated_by_account_id, row.updated_at = actor.account_id, utcnow()
    session.add(row)
    session.flush()
    audit.record(session, action="faq.save", actor=actor, target_type="faq", target_id=row.id or 0,
                 before=before, after={"question": row.question, "published": row.published}, ip=ip)
    return row.id or 0


def manage_list(session: Session, actor: Actor, *, ip: str = "") -> list[dict[str, str]]:
    """Every question, published or not, with how readers found it.

    Raises:
        Forbidden: only the national centre and the ministry keep the FAQ.
    """
    _require_keeper(actor, ip)
    rows = session.exec(select(FaqEntry).order_by(col(FaqEntry.category), col(FaqEntry.sort_order),
                                                  col(FaqEntry.id))).all()
    return [{"id": str(r.id), "question": r.question, "answer": r.answer, "category": r.category,
             "sort_order": str(r.sort_order), "published": "1" if r.published else "",
             "helpful_yes": str(r.helpful_yes), "helpful_no": str(r.helpful_no)} for r in rows]


def search(session: Session, keyword: str = "", category: str = "") -> list[dict[str, str]]:
    """The published questions with every word of `keyword` in the question or the answer, by category
    and order; answers as safe HTML."""
    query = select(FaqEntry).where(col(FaqEntry.published).is_(True))
    for term in like_terms(keyword):
        query = query.where(col(FaqEntry.search_text).contains(term.lower(), autoescape=True))
    if category in {c.value for c in FaqCategory}:
        query = query.where(FaqEntry.category == category)
    rows = session.exec(query.order_by(col(FaqEntry.category), col(FaqEntry.sort_order), col(FaqEntry.id))
                        .limit(MAX_SHOWN)).all()
    return [{"id": str(r.id), "question": r.question, "category": r.category, "html": render(r.answer)}
            for r in rows]


def vote(session: Session, voter: str, entry_id: Any, helpful: bool) -> bool:
    """Count one reader's answer to "was this helpful" (`voter`: who, as the caller knows them); a second
    answer of the same reader changes nothing. Whether it was counted.

    Raises:
        NotFound: no such published question.
    """
    row = session.get(FaqEntry, require_id(entry_id))
    if row is None or not row.published or not voter:
        raise NotFound()
    key = hashlib.sha256(voter.encode()).hexdigest()[:64]
    if session.exec(select(FaqVote.id).where(FaqVote.entry_id == row.id, FaqVote.voter == key)).first():
        return False
    try:
        with session.begin_nested():
            session.add(FaqVote(entry_id=row.id or 0, voter=key, helpful=helpful))
    except IntegrityError:  # the same reader's second tab, at the same moment
        return False
    counter = FaqEntry.helpful_yes if helpful else FaqEntry.helpful_no  # counted in SQL: no lost update
    session.execute(sa.update(FaqEntry).where(col(FaqEntry.id) == row.id).values({counter: counter + 1}))
    return True
