"""The rule documents (使用管理要點, the privacy policy): the national centre writes each new version as a draft
and publishes it with the day it takes effect (seed 參.二.(二).17); a published version is never changed
again. Everyone reads the version in force and every earlier one; a person signed in before a new version
took effect is shown what changed, once (`rule_notice`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from tpd_app.domain.errors import Forbidden, NotFound, ValidationFailed
from tpd_app.domain.permissions import Actor, Function
from tpd_app.domain.portal import (
    RULE_BODY_MAX,
    RULE_CHANGES_MAX,
    RULE_TITLE_MAX,
    RuleDocument,
    RuleStanding,
    keeps_public_pages,
    standings,
)
from tpd_app.domain.timeutil import parse_day, taipei_today, to_taipei, utcnow
from tpd_app.models import BusinessAccount, RuleNotice, RuleVersion, Teacher
from tpd_app.services.platform import audit
from tpd_app.services.platform.guard import require
from tpd_app.services.platform.ids import require_id
from tpd_app.services.platform.refcache import ReferenceCache
from tpd_app.services.platform.richtext import render, required_text
from tpd_app.services.platform.sql import upsert_insert
from tpd_app.services.platform.validation import clean

DOCUMENTS = tuple(d.value for d in RuleDocument)


def _require_keeper(actor: Actor, ip: str) -> None:
    require(actor, Function.COURSE_REVIEW, ip=ip, detail="rules")
    if not keeps_public_pages(actor):
        audit.record_now(action="access.denied", actor=actor, outcome="denied", target_type="function",
                         target_id="rules", after={"reason": "jurisdiction"}, ip=ip)
        raise Forbidden("error.forbidden.jurisdiction")


def _versions(session: Session, document: str) -> list[RuleVersion]:
    return list(session.exec(select(RuleVersion).where(RuleVersion.document == document)
                             .order_by(col(RuleVersion.version).desc())).all())


def _standing(rows: list[RuleVersion], today: date) -> dict[int, RuleStanding]:
    return standings([(r.version, r.effective_on, r.published) for r in rows], today)


def _read_headlines(session: Session) -> list[tuple[str, int, date, bool, str]]:
    """(document, version, effective_on, published, title) of every version, newest first."""
    return [tuple(row) for row in session.exec(
        select(RuleVersion.document, RuleVersion.version, RuleVersion.effective_on, RuleVersion.published,
               RuleVersion.title).order_by(col(RuleVersion.version).desc())).all()]


#: Every home page asks whether a rule changed; a version is published a few times a year.
_headlines = ReferenceCache(_read_headlines, tables=("rule_version",), copy=list)  # of tuples


def save_draft(session: Session, actor: Actor, data: dict[str, Any], *, ip: str = "") -> int:
    """Start a new version of a document, or change its draft: title, text, what changed, the day it takes
    effect. Returns the version's id.

    Raises:
        Forbidden: only the national centre and the ministry keep the rules.
        NotFound: `data["id"]` names no draft (a published version is never changed).
        ValidationFailed: an unknown document, text missing or too long, a bad day; a second draft of one document.
    """
    _require_keeper(actor, ip)
    errors: dict[str, str] = {}
    document = clean(data.get("document"), 16)
    if document not in DOCUMENTS:
        errors["document"] = "rules.error.document"
    title = required_text(errors, "title", data.get("title"), RULE_TITLE_MAX, "rules.error.title_long")
    body = required_text(errors, "body", data.get("body"), RULE_BODY_MAX, "rules.error.body_long", markdown=True)
    changes = clean(data.get("changes"), RULE_CHANGES_MAX + 1)
    if len(changes) > RULE_CHANGES_MAX:
        errors["changes"] = "rules.error.changes_long"
    day_text = clean(data.get("effective_on"), 20)
    effective_on = parse_day(day_text) if day_text else None
    if effective_on is None:
        errors["effective_on"] = "rules.error.date" if day_text else "validation.required"
    existing = None
    if data.get("id") not in (None, ""):
        existing = session.get(RuleVersion, require_id(data["id"]))
        if existing is None or existing.published:
            raise NotFound()
    if errors:
        raise ValidationFailed(errors)
    rows = _versions(session, document)
    if existing is None and any(not r.published for r in rows):
        raise ValidationFailed({"document": "rules.error.draft_exists"})
    row = existing or RuleVersion(document=document, version=(rows[0].version + 1) if rows else 1, title=title,
                                  effective_on=effective_on)
    before = _summary(row) if existing is not None else None
    row.document, row.title, row.body, row.changes = document, title, body, changes
    row.effective_on, row.saved_by_account_id, row.updated_at = effective_on, actor.account_id, utcnow()
    session.add(row)
    session.flush()
    audit.record(session, action="rules.save", actor=actor, target_type="rule_version", target_id=row.id or 0,
                 before=before, after=_summary(row), ip=ip)
    return row.id or 0


def publish(session: Session, actor: Actor, version_id: Any, *, ip: str = "", today: date | None = None) -> None:
    """Publish a draft: from its day on it is the version in force (and never changes again).

    Raises:
        Forbidden: only the national centre and the ministry keep the rules.
        NotFound: no such draft.
        ValidationFailed: its day is past (a rule does not take effect backwards), or not after the day of the
            version published before it.
    """
    _require_keeper(actor, ip)
    row = session.get(RuleVersion, require_id(version_id))
    if row is None or row.published:
        raise NotFound()
    today = today or taipei_today()
    earlier = [r for r in _versions(session, row.document) if r.published]
    if row.effective_on < today:
        raise ValidationFailed({"effective_on": "rules.error.past"})
    if earlier and row.effective_on <= max(r.effective_on for r in earlier):
        raise ValidationFailed({"effective_on": "rules.error.not_after"})
    if earlier and not row.changes.strip():
        raise ValidationFailed({"changes": "rules.error.changes_needed"})
    row.published, row.published_at, row.updated_at = True, utcnow(), utcnow()
    session.add(row)
    audit.record(session, action="rules.publish", actor=actor, target_type="rule_version", target_id=row.id or 0,
                 after=_summary(row), ip=ip)


def _summary(row: RuleVersion) -> dict[str, Any]:
    return {"document": row.document, "version": row.version, "title": row.title,
            "effective_on": row.effective_on.isoformat(), "published": row.published}


def manage_list(session: Session, actor: Actor, *, ip: str = "") -> list[dict[str, str]]:
    """Every version of every document, drafts included, with its standing and what its form holds.

    Raises:
        Forbidden: only the national centre and the ministry keep the rules.
    """
    _require_keeper(actor, ip)
    today = taipei_today()
    found: list[dict[str, str]] = []
    for document in DOCUMENTS:
        rows = _versions(session, document)
        standing = _standing(rows, today)
        found += [{"id": str(r.id), "document": document, "version": str(r.version), "title": r.title,
                   "body": r.body, "changes": r.changes, "effective_on": r.effective_on.isoformat(),
                   "state": standing[r.version].value} for r in rows]
    return found


def in_force(session: Session, *, today: date | None = None) -> list[dict[str, str]]:
    """Each document's version in force today (documents without one are left out), for the public list."""
    today = today or taipei_today()
    headlines = _headlines.get(session)
    found = []
    for document in DOCUMENTS:
        rows = [h for h in headlines if h[0] == document]
        standing = standings([(version, effective_on, published) for _, version, effective_on, published, _ in rows],
                             today)
        current = next((h for h in rows if standing[h[1]] is RuleStanding.IN_FORCE), None)
        upcoming = [h[2] for h in rows if standing[h[1]] is RuleStanding.UPCOMING]
        if current is not None:
            found.append({"document": document, "title": current[4], "version": str(current[1]),
                          "effective_on": current[2].isoformat(),
                          "upcoming_on": min(upcoming).isoformat() if upcoming else ""})
    return found


def read(session: Session, document: str, version: Any = None, *, today: date | None = None) -> dict[str, Any]:
    """One published version of a document (the one in force unless `version` names another published one),
    its text and what changed as safe HTML, and every published version as its history.

    Raises:
        NotFound: no such document, no version in force, or `version` names no published version.
    """
    if document not in DOCUMENTS:
        raise NotFound()
    today = today or taipei_today()
    rows = [r for r in _versions(session, document) if r.published]
    standing = _standing(rows, today)
    if version in (None, ""):
        shown = next((r for r in rows if standing[r.version] is RuleStanding.IN_FORCE), None)
    else:
        number = str(version)
        shown = next((r for r in rows if str(r.version) == number), None)
    if shown is None:
        raise NotFound()
    history = [{"version": str(r.version), "title": r.title, "effective_on": r.effective_on.isoformat(),
                "state": standing[r.version].value} for r in rows]
    return {"document": document, "version": str(shown.version), "title": shown.title,
            "effective_on": shown.effective_on.isoformat(), "state": standing[shown.version].value,
            "html": render(shown.body), "changes_html": render(shown.changes) if shown.changes.strip() else "",
            "history": history}


def _reader(actor: Actor) -> str:
    return f"{actor.kind}:{actor.id}"


def _told_statement(table: type[Teacher] | type[BusinessAccount]) -> sa.Select[Any]:
    return (select(table.created_at, RuleNotice.document, RuleNotice.version).select_from(table)
            .outerjoin(RuleNotice, col(RuleNotice.reader) == sa.bindparam("reader"))
            .where(table.id == sa.bindparam("id")))


#: When the person's account was made, with each document's version she has been told about (a row per
#: document; one with no document when none): one statement, built once per kind of person.
_TOLD = {"teacher": _told_statement(Teacher), "account": _told_statement(BusinessAccount)}


def _joined_and_told(session: Session, actor: Actor) -> tuple[date | None, dict[str, int]]:
    """The Taipei day the person's account was made (None for an API client or a missing account) and the
    version of each document she has been told about."""
    statement = _TOLD.get(actor.kind)
    if statement is None:
        return None, {}
    rows = session.execute(statement, {"id": actor.id, "reader": _reader(actor)}).all()
    if not rows:
        return None, {}
    return (to_taipei(rows[0].created_at).date(),
            {row.document: row.version for row in rows if row.document is not None})


def notices(session: Session, actor: Actor, *, ip: str = "", today: date | None = None) -> list[dict[str, str]]:
    """The documents whose version in force the person has not been told about: a version that replaced an
    earlier one and took effect after her account was made (a new person reads the rules as they are).
    """
    del ip  # the person's own notices; nothing to refuse or record
    replaced = [item for item in in_force(session, today=today) if int(item["version"]) > 1]
    if not replaced:  # the usual day: no rule has a second version yet, so nothing to ask of the database
        return []
    joined, told = _joined_and_told(session, actor)
    if joined is None:
        return []
    found = []
    for item in replaced:
        version = int(item["version"])
        if told.get(item["document"], 0) >= version or date.fromisoformat(item["effective_on"]) <= joined:
            continue
        row = session.exec(select(RuleVersion).where(RuleVersion.document == item["document"],
                                                      RuleVersion.version == version)).one()
        found.append({**item, "changes_html": render(row.changes)})
    return found


def acknowledge(session: Session, actor: Actor, document: Any, *, ip: str = "", today: date | None = None) -> None:
    """The person has seen what changed in the document's version in force: not shown to her again.

    Raises:
        NotFound: no such document or nothing in force.
    """
    del ip  # the person's own notice; nothing to refuse or record
    if document not in DOCUMENTS or actor.kind not in ("teacher", "account"):
        raise NotFound()
    current = next((i for i in in_force(session, today=today) if i["document"] == document), None)
    if current is None:
        raise NotFound()
    statement = upsert_insert(session, RuleNotice.__table__)  # type: ignore[attr-defined]
    values = {"reader": _reader(actor), "document": document, "version": int(current["version"]), "at": utcnow()}
    session.execute(statement.values(**values).on_conflict_do_update(
        index_elements=["reader", "document"], set_={"version": values["version"], "at": values["at"]}))
