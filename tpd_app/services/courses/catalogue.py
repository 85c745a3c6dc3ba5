"""The public course catalogue (SPEC §4): publishing approved versions and searching them.

Anyone may search, signed in or not, so nothing here takes an actor; only published
(approved or auto-approved) courses ever get a catalogue entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from tpd_app.domain.courses import LEVEL_BITS, CourseKind, code_range, hours_text
from tpd_app.domain.errors import NotFound
from tpd_app.domain.registration import RegistrationWindow
from tpd_app.domain.search_text import index_tokens, like_terms, match_query
from tpd_app.domain.timeutil import parse_day, taipei_today, utcnow
from tpd_app.domain.units import COUNTIES
from tpd_app.models import CatalogueEntry, Course, CourseSession, CourseTopic, CourseTopicLink, Unit
from tpd_app.services.platform.refcache import KeyedCache
from tpd_app.services.platform.validation import clean

PAGE_SIZE = 20
MAX_PAGE = 500


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


_COUNTY_ORDER = {code: n for n, code in enumerate(COUNTIES)}


def course_detail_dict(session: Session, course: Course) -> dict[str, Any]:
    """Everything a teacher needs about a course, as plain values (the published snapshot)."""
    organizer = session.get(Unit, course.organizer_unit_id)
    topics = session.exec(
        select(CourseTopic).join(CourseTopicLink, col(CourseTopicLink.topic_id) == CourseTopic.id)
        .where(CourseTopicLink.course_id == course.id).order_by(col(CourseTopic.sort_order))
    ).all()
    sessions = session.exec(
        select(CourseSession).where(CourseSession.course_id == course.id)
        .order_by(col(CourseSession.day), col(CourseSession.start_time))
    ).all()
    codes = list(course.eligible_school_codes)
    schools = {u.code: u.name for u in session.exec(select(Unit).where(col(Unit.code).in_(codes)))} if codes else {}
    return {
        "code": course.code,
        "title": course.title,
        "kind": course.kind,
        "organizer": organizer.name if organizer else "",
        "county": organizer.county if organizer else None,
        "description": course.description,
        "venue": course.venue,
        "online_url": course.online_url,
        "hours": hours_text(course.hours_minutes),
        "credits": course.credits,
        "capacity": course.capacity,
        "audience_levels": list(course.audience_levels),
        "audience_subjects": course.audience_subjects,
        "audience_roles": course.audience_roles,
        "topics": [{"code": t.code, "name_zh": t.name_zh, "name_en": t.name_en} for t in topics],
        "sessions": [{"day": s.day.isoformat(), "start": s.start_time, "end": s.end_time, "lecturer": s.lecturer}
                     for s in sessions],
        "online_registration": course.online_registration,
        "registration_opens": course.registration_opens.isoformat() if course.registration_opens else "",
        "registration_closes": course.registration_closes.isoformat() if course.registration_closes else "",
        "eligible_counties": sorted(course.eligible_counties, key=lambda c: _COUNTY_ORDER.get(c, 99)),
        "eligible_levels": list(course.eligible_levels),
        "eligible_school_codes": codes,
        "eligible_schools": [f"{schools[c]} ({c})" if c in schools else c for c in codes],
        "contact_name": course.contact_name,
        "contact_phone": course.contact_phone,
        "contact_email": course.contact_email,
    }


def publish(session: Session, course: Course) -> CatalogueEntry:
    """Make the course's current version the one the catalogue shows (on approval)."""
    assert course.id is not None and course.first_date is not None and course.last_date is not None
    detail = course_detail_dict(session, course)
    entry = session.exec(select(CatalogueEntry).where(CatalogueEntry.course_id == course.id)).first()
    if entry is None:
        entry = CatalogueEntry(course_id=course.id, code=course.code, title="", organizer_name="",
                               kind="", first_date=course.first_date, last_date=course.last_date)
    topic_names = " ".join(f"{t['name_zh']} {t['name_en']}" for t in detail["topics"])
    entry.title = course.title
    entry.organizer_name = detail["organizer"]
    entry.county = detail["county"]
    entry.kind = course.kind
    entry.level_mask = sum(LEVEL_BITS.get(level, 0) for level in course.audience_levels)
    entry.topic_codes = "|" + "|".join(t["code"] for t in detail["topics"]) + "|"
    entry.first_date = course.first_date
    entry.last_date = course.last_date
    entry.hours_minutes = course.hours_minutes
    entry.online_registration = course.online_registration
    entry.registration_opens = course.registration_opens
    entry.registration_closes = course.registration_closes
    entry.search_text = " ".join([course.title, detail["organizer"], topic_names, course.description])
    entry.detail = detail
    entry.published_at = utcnow()
    session.add(entry)
    session.flush()
    _index(session, entry)
    return entry


def _index(session: Session, entry: CatalogueEntry) -> None:
    if _dialect(session) != "sqlite":
        return  # PostgreSQL searches `search_text` through its trigram index.
    session.execute(sa.text("DELETE FROM catalogue_fts WHERE rowid = :id"), {"id": entry.id})
    session.execute(sa.text("INSERT INTO catalogue_fts(rowid, tokens) VALUES (:id, :tokens)"),
                    {"id": entry.id, "tokens": index_tokens(entry.search_text)})


def unpublish(session: Session, course_id: int) -> None:
    """Take a course out of the catalogue (cancelled, revoked)."""
    entry = session.exec(select(CatalogueEntry).where(CatalogueEntry.course_id == course_id)).first()
    if entry is None:
        return
    if _dialect(session) == "sqlite":
        session.execute(sa.text("DELETE FROM catalogue_fts WHERE rowid = :id"), {"id": entry.id})
    session.delete(entry)
    session.flush()


@dataclass(frozen=True)
class CatalogueQuery:
    """The catalogue's filters, cleaned from URL query parameters (any strings)."""

    keyword: str = ""
    county: str = ""
    level: str = ""
    kind: str = ""
    topic: str = ""
    date_from: date | None = None
    date_to: date | None = None
    open_now: bool = False
    page: int = 1

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> CatalogueQuery:
        """Unknown or malformed values are dropped, never trusted."""
        def text(name: str, limit: int = 50) -> str:
            return clean(params.get(name), limit)

        def day(name: str) -> date | None:
            return parse_day(text(name, 16))

        page_text = text("page", 4)
        return cls(
            keyword=text("q", 100),
            county=text("county", 8) if text("county", 8) in COUNTIES else "",
            level=text("level", 20) if text("level", 20) in LEVEL_BITS else "",
            kind=text("kind", 32) if text("kind", 32) in {k.value for k in CourseKind} else "",
            topic=text("topic", 32) if text("topic", 32).replace("_", "").isalnum() else "",
            date_from=day("from"),
            date_to=day("to"),
            open_now=text("open", 1) == "1",
            page=min(max(int(page_text), 1), MAX_PAGE) if page_text.isdigit() else 1,
        )


#: Counts stop here ("1,000+"): an exact count of a broad search costs more than it tells anyone.
COUNT_CAP = 1000
#: A keyword matching at least 1/500 of the catalogue is "dense": walking the date index and
#: probing the match list beats sorting every match (measured in bench/catalogue_search.py).
DENSE_RATIO = 500


_NEWEST_FIRST = (col(CatalogueEntry.first_date).desc(), col(CatalogueEntry.id).desc())


@dataclass(frozen=True)
class _Plan:
    stmt: Any
    exact_total: int | None
    order: tuple[Any, ...] = _NEWEST_FIRST


def _fts_ids(fts: str) -> Any:
    ids = sa.text("SELECT rowid FROM catalogue_fts WHERE catalogue_fts MATCH :q").bindparams(q=fts)
    return ids.columns(sa.column("rowid", sa.Integer))


def _by_code(query: CatalogueQuery) -> Any:
    """The course codes the keyword may be (a whole code or its first digits), as a condition; or None."""
    codes = code_range(query.keyword)
    return col(CatalogueEntry.code).between(*codes) if codes else None


def _plan(session: Session, query: CatalogueQuery, *, use_index: bool = True) -> _Plan:
    stmt = select(CatalogueEntry)
    exact_total: int | None = None
    filtered = any([query.county, query.level, query.kind, query.topic, query.date_from, query.date_to,
                    query.open_now])
    by_code = _by_code(query)
    if by_code is not None and session.execute(select(CatalogueEntry.id).where(by_code).limit(1)).first():
        # The code from an official letter: its course (or, for its first digits, those codes in order).
        return _Plan(stmt=_filtered(stmt.where(by_code), query), exact_total=None,
                     order=(col(CatalogueEntry.code),))
    if query.keyword:
        fts = match_query(query.keyword) if use_index and _dialect(session) == "sqlite" else None
        if fts:
            matches = session.execute(sa.text("SELECT count(*) FROM catalogue_fts WHERE catalogue_fts MATCH :q"),
                                      {"q": fts}).scalar_one()
            size = session.exec(select(func.max(CatalogueEntry.id))).one() or 0
            # `id + 0` stops SQLite from driving the query from the match list, so it walks the
            # date index in result order and stops after one page.
            key = col(CatalogueEntry.id) + 0 if matches * DENSE_RATIO >= size else col(CatalogueEntry.id)
            stmt = stmt.where(key.in_(_fts_ids(fts)))
            exact_total = None if filtered else int(matches)
        else:
            # PostgreSQL (trigram-indexed ILIKE) and the benchmark's baseline scan.
            column = col(CatalogueEntry.search_text)
            # SQLite's LIKE already ignores ASCII case; ILIKE there would add a lower() per row.
            contains = column.like if _dialect(session) == "sqlite" else column.ilike
            for term in like_terms(query.keyword):
                stmt = stmt.where(contains(f"%{term}%"))
    stmt = _filtered(stmt, query)
    if not query.keyword and not filtered:
        exact_total = session.exec(select(func.count()).select_from(CatalogueEntry)).one()
    return _Plan(stmt=stmt, exact_total=exact_total)


def _filtered(stmt: Any, query: CatalogueQuery) -> Any:
    """`stmt` with the filters other than the keyword."""
    if query.county:
        stmt = stmt.where(CatalogueEntry.county == query.county)
    if query.level:
        stmt = stmt.where(col(CatalogueEntry.level_mask).op("&")(LEVEL_BITS[query.level]) != 0)
    if query.kind:
        stmt = stmt.where(CatalogueEntry.kind == query.kind)
    if query.topic:
        stmt = stmt.where(col(CatalogueEntry.topic_codes).contains(f"|{query.topic}|"))
    if query.date_from:
        stmt = stmt.where(col(CatalogueEntry.first_date) >= query.date_from)
    if query.date_to:
        stmt = stmt.where(col(CatalogueEntry.first_date) <= query.date_to)
    if query.open_now:
        today = taipei_today()
        stmt = stmt.where(col(CatalogueEntry.online_registration).is_(True),
                          col(CatalogueEntry.registration_opens) <= today,
                          col(CatalogueEntry.registration_closes) >= today)
    return stmt


def search(session: Session, query: CatalogueQuery, *, page_size: int = PAGE_SIZE,
           use_index: bool = True) -> tuple[list[dict[str, str]], int]:
    """One page of matching published courses (latest first) and the total, which is exact up to
    `COUNT_CAP` and `COUNT_CAP + 1` beyond it (shown as "1,000+") unless known cheaply.

    `use_index=False` replaces the full-text index by a LIKE scan (the benchmark's baseline).
    """
    plan = _plan(session, query, use_index=use_index)
    total = plan.exact_total
    if total is None:
        capped = plan.stmt.with_only_columns(sa.literal(1)).limit(COUNT_CAP + 1).subquery()
        total = session.exec(select(func.count()).select_from(capped)).one()
    rows = session.execute(  # execute, not exec: sqlmodel would return the first column of each row
        plan.stmt.with_only_columns(*_RESULT_COLUMNS)
        .order_by(*plan.order)
        .offset((query.page - 1) * page_size).limit(page_size)
    ).all()
    return [_result(entry) for entry in rows], int(total)


def _copy_listing(kept: tuple[list[dict[str, str]], int]) -> tuple[list[dict[str, str]], int]:
    return [dict(row) for row in kept[0]], kept[1]


#: The catalogue page's searches, the same for every visitor: the plain first page and the common filters
#: are asked for again and again. A write to the catalogue forgets them.
_listings: KeyedCache[CatalogueQuery, tuple[list[dict[str, str]], int]] = KeyedCache(
    lambda session, query: search(session, query), seconds=5.0, size=512, tables=("catalogue_entry",),
    copy=_copy_listing)


def listing(session: Session, query: CatalogueQuery) -> tuple[list[dict[str, str]], int]:
    """`search(query)` for the catalogue page, kept a few seconds in this process."""
    return _listings.get(session, query)


#: What a result line shows (not the detail document or the search text: a page of them is read per visit).
_RESULT_COLUMNS = tuple(col(getattr(CatalogueEntry, name)) for name in (
    "code", "title", "organizer_name", "county", "kind", "first_date", "last_date", "hours_minutes",
    "online_registration", "registration_opens", "registration_closes"))


def _result(entry: Any) -> dict[str, str]:
    return {
        "code": entry.code,
        "title": entry.title,
        "organizer": entry.organizer_name,
        "county": entry.county or "",
        "kind": entry.kind,
        "first_date": entry.first_date.isoformat(),
        "last_date": entry.last_date.isoformat(),
        "hours": hours_text(entry.hours_minutes),
        "registration": _registration_state(entry),
    }


def _registration_state(entry: Any) -> str:
    # "none" is no `RegistrationWindow`: a course without online registration shows no badge.
    if not entry.online_registration or not entry.registration_opens or not entry.registration_closes:
        return "none"
    today = taipei_today()
    if today < entry.registration_opens:
        return RegistrationWindow.UPCOMING.value
    return (RegistrationWindow.OPEN if today <= entry.registration_closes else RegistrationWindow.CLOSED).value


def _read_detail(session: Session, code: str) -> dict[str, Any] | None:
    entry = session.exec(select(CatalogueEntry).where(CatalogueEntry.code == code)).first()
    if entry is None:
        return None
    return {**entry.detail, "registration": _registration_state(entry)}


#: Course pages are the same for every visitor and change when the course is published again or withdrawn
#: (a write to the catalogue forgets them); a popular course's page is opened by many at once.
_details = KeyedCache(_read_detail, seconds=5.0, size=512, tables=("catalogue_entry",))


def published_detail(session: Session, code: str) -> dict[str, Any]:
    """The approved version of one course, by its code.

    Raises:
        NotFound: no published course has this code.
    """
    detail = _details.get(session, clean(code, 16))
    if detail is None:
        raise NotFound()
    return detail


