"""State of the public catalogue: filters live in the URL so every search can be shared."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

import reflex as rx
from sqlmodel import Session

from tpd_app import routes
from tpd_app.domain.errors import DomainError, NotFound
from tpd_app.domain.permissions import Actor
from tpd_app.domain.timeutil import parse_day
from tpd_app.services.accounts.auth import SignedIn
from tpd_app.services.courses import attachments, catalogue
from tpd_app.services.courses.catalogue import CatalogueQuery
from tpd_app.services.courses.topics import topic_options
from tpd_app.services.hours import registration
from tpd_app.state.base import AppState
from tpd_app.state.handlers import ActionMixin, parse_id
from tpd_app.state.registration import register_at_desk

#: A map search for the venue's address (the venue is free text: a school's hall, a street address).
MAP_SEARCH = "https://www.google.com/maps/search/?api=1&query="
FILTER_PARAMS = ("q", "county", "level", "kind", "topic", "from", "to", "open")


def query_string(params: dict[str, str], **changes: str) -> str:
    """The catalogue URL for these filters (empty values dropped)."""
    merged = {**params, **changes}
    kept = {k: v for k, v in merged.items() if v and k in (*FILTER_PARAMS, "page")}
    return routes.CATALOGUE + (f"?{urlencode(kept)}" if kept else "")


class CatalogueState(AppState):
    """公開研習課程查詢 (signed in or not)."""

    results: list[dict[str, str]] = []
    total: int = 0
    total_text: str = "0"
    params: dict[str, str] = {}
    topics: list[dict[str, str]] = []
    page: int = 1
    prev_href: str = ""
    next_href: str = ""
    form_key: int = 0
    #: A date filter that could not be read (the search is not run until it is fixed).
    date_error: str = ""

    @rx.event
    def load(self):
        self._identity()
        self.date_error = ""
        self.page_status = "ok"
        raw: dict[str, Any] = dict(self.router.url.query_parameters)
        query = CatalogueQuery.from_params(raw)
        self.params = {
            "q": query.keyword, "county": query.county, "level": query.level, "kind": query.kind,
            "topic": query.topic, "from": query.date_from.isoformat() if query.date_from else "",
            "to": query.date_to.isoformat() if query.date_to else "", "open": "1" if query.open_now else "",
        }
        if (topics := self._look_up(topic_options)) != self.topics:  # unchanged lists are not sent again
            self.topics = topics
        results, self.total = self._look_up(catalogue.listing, query)
        if results != self.results:
            self.results = results
        self.page = query.page
        self.total_text = f"{catalogue.COUNT_CAP:,}+" if self.total > catalogue.COUNT_CAP else f"{self.total:,}"
        pages = max(1, -(-self.total // catalogue.PAGE_SIZE))
        self.prev_href = query_string(self.params, page=str(query.page - 1)) if query.page > 1 else ""
        self.next_href = query_string(self.params, page=str(query.page + 1)) if query.page < pages else ""
        self.form_key += 1

    @rx.event
    def search(self, form_data: dict):
        """Turn the filter form into a shareable URL; `load` runs the search from it."""
        if not isinstance(form_data, dict):
            return None
        params = {k: str(form_data.get(k, ""))[:100].strip() for k in FILTER_PARAMS}
        params["open"] = "1" if form_data.get("open") in ("on", "1") else ""
        self.date_error = ""
        for name in ("from", "to"):  # typed as 115/10/01 or 2026-10-01; the URL keeps ISO
            if params[name]:
                if (day := parse_day(params[name])) is None:
                    self.date_error = self._t("common.error.date", value=params[name])
                    return None
                params[name] = day.isoformat()
        return rx.redirect(query_string(params))


def _course_page(session: Session, code: str, actor: Actor | None) -> tuple[dict[str, Any], list[dict[str, str]],
                                                                          dict[str, str]]:
    """A course page's reads in one transaction: the published course, its attachments, where `actor` stands."""
    return (catalogue.published_detail(session, code), attachments.published_attachments(session, code),
            registration.course_standing(session, actor, code))


class CourseDetailState(ActionMixin, AppState):
    """One published course, addressed by its code (`/courses/<code>`): what it is, and where the person
    looking at it stands (seats left, the registration window, her call to action)."""

    detail: dict[str, str] = {}
    detail_sessions: list[dict[str, str]] = []
    detail_topics: list[dict[str, str]] = []
    detail_levels: list[str] = []
    detail_files: list[dict[str, str]] = []
    found: bool = False
    #: `registration.course_standing` for the signed-in person (or nobody).
    standing: dict[str, str] = {}
    _code: str = ""

    @rx.event
    def load(self):
        self._reset_messages()
        signed_in = self._identity()
        self.page_status = "ok"
        self._code = self.router.url.path.rstrip("/").rsplit("/", 1)[-1]
        try:
            data, self.detail_files, self.standing = self._look_up(_course_page, self._code,
                                                                   signed_in.actor if signed_in else None)
        except NotFound:
            self.found, self.detail, self.standing = False, {}, {}
            return
        self.found = True
        self.detail_sessions = data.pop("sessions")
        self.detail_topics = data.pop("topics")
        self.detail_levels = data.pop("audience_levels")
        self.detail = {k: ", ".join(map(str, v)) if isinstance(v, list) else str(v if v is not None else "")
                       for k, v in data.items()}
        if venue := self.detail.get("venue", ""):
            self.detail["venue_map"] = f"{MAP_SEARCH}{quote(venue)}"

    def _stand(self, signed_in: SignedIn | None) -> None:
        self.standing = self._look_up(registration.course_standing, signed_in.actor if signed_in else None,
                                      self._code)

    @rx.event
    async def register(self):
        """報名 from the course page: the same desk and checks as the registration list."""
        if (course_id := parse_id(self.standing.get("course_id", ""))) is None:
            return None
        result, event = await register_at_desk(self, course_id)
        return event if result is None else self._restand()

    @rx.event
    def withdraw(self):
        """取消報名 of her registration for this course (the page's confirmation dialog asked first)."""
        if (key := parse_id(self.standing.get("registration_id", ""))) is None:
            return None
        ok, event = self._attempt(registration.withdraw, key, notice="registration.notice.withdrawn")
        return self._restand() if ok else event

    def _restand(self) -> Any:
        try:
            self._stand(self._identity())
        except DomainError as error:
            return self._fail(error)
        return None
