"""States of the e-newsletter (教師專業發展電子報): the public archive and an issue, the page a mailed link opens
(confirm, unsubscribe), the editor's page (the national centre), the contributors' page (regional centres)
and a teacher's tick box on her subscriptions page."""

from __future__ import annotations

from typing import Any, ClassVar
from urllib.parse import quote

import reflex as rx

from tpd_app import routes
from tpd_app.domain.errors import DomainError, NotFound, ValidationFailed
from tpd_app.domain.permissions import Function
from tpd_app.services.newsletter import articles, issues, subscribers
from tpd_app.services.platform.db import transaction
from tpd_app.state.base import AppState
from tpd_app.state.handlers import ActionMixin, Row, form_strings, parse_id

ISSUE_FIELDS = ("id", "number", "title", "intro")
ARTICLE_FIELDS = ("article_id", "article_title", "article_summary", "article_body")
CONTRIBUTION_FIELDS = ("id", "title", "summary", "body")


def _query(state: AppState, name: str, length: int = 100) -> str:
    return str(state.router.url.query_parameters.get(name) or "")[:length].strip()


class NewsletterArchiveState(AppState):
    """The archive for anyone: the published issues, searched by words; the subscription form."""

    issues: list[Row] = []
    keyword: str = ""
    total_text: str = "0"
    prev_href: str = ""
    next_href: str = ""
    form_key: int = 0
    subscribe_sent: bool = False
    subscribe_error: str = ""

    @rx.event
    def load(self):
        self._identity()
        self.page_status = "ok"
        keyword = _query(self, "q")
        if keyword != self.keyword:
            self.keyword = keyword
            self.form_key += 1
        page_text = _query(self, "page", 6)
        page = int(page_text) if page_text.isdigit() and int(page_text) > 0 else 1
        rows, total = self._read(issues.archive, self.keyword, page=page)
        self.issues, self.total_text = rows, f"{total:,}"
        pages = max(1, -(-total // issues.PAGE_SIZE))
        base = f"{routes.NEWSLETTER}?q={quote(self.keyword)}&page=" if self.keyword else f"{routes.NEWSLETTER}?page="
        self.prev_href = f"{base}{page - 1}" if page > 1 else ""
        self.next_href = f"{base}{page + 1}" if page < pages else ""

    @rx.event
    def search(self, form_data: dict):
        """The search as a shareable URL; `load` runs it."""
        if not isinstance(form_data, dict):
            return None
        keyword = str(form_data.get("q", ""))[:100].strip()
        return rx.redirect(f"{routes.NEWSLETTER}?q={quote(keyword)}" if keyword else routes.NEWSLETTER)

    @rx.event
    def subscribe(self, form_data: dict):
        """A visitor's address: a confirmation mail unless it is already subscribed; the same answer either
        way (no one learns whether an address is on the list)."""
        if not isinstance(form_data, dict) or not isinstance(form_data.get("email", ""), str):
            return
        self.subscribe_error = ""
        try:
            with transaction() as session:
                subscribers.request_subscription(session, form_data.get("email", ""), lang=self.ui_lang,
                                                 ip=self._client_ip())
        except ValidationFailed as error:
            self.subscribe_error = self._t(error.field_errors.get("email", error.key))
            return
        self.subscribe_sent = True


class NewsletterIssueState(AppState):
    """One published issue for anyone."""

    item: Row = {}
    items: list[Row] = []
    found: bool = True

    @rx.event
    def load_item(self):
        self._identity()
        self.page_status = "ok"
        key = self.router.url.path.rstrip("/").rsplit("/", 1)[-1]
        try:
            shown = self._read(issues.read, key)
        except NotFound:
            self.item, self.items, self.found = {}, [], False
            return
        self.items = shown.pop("articles")
        self.item, self.found = shown, True


class NewsletterLinkState(AppState):
    """The page a mailed link opens: confirm a subscription, or unsubscribe, with one button (a mail program
    that opens links to scan them changes nothing). The token is read from the address, never an argument."""

    action: str = ""
    email: str = ""
    outcome: str = ""

    def _tokens(self) -> tuple[str, str]:
        return _query(self, "confirm", 200), _query(self, "unsubscribe", 80)

    @rx.event
    def load(self):
        self._identity()
        self.page_status = "ok"
        confirm, unsubscribe = self._tokens()
        shown = self._read(subscribers.check_link, confirm=confirm, unsubscribe=unsubscribe)
        self.action, self.email = shown.get("action", ""), shown.get("email", "")
        self.outcome = "unsubscribed" if shown.get("done") else ("" if shown else "invalid")

    @rx.event
    def confirm(self):
        token = self._tokens()[0]
        with transaction() as session:
            done = subscribers.confirm(session, token, ip=self._client_ip()) if token else False
        self.outcome = "confirmed" if done else "invalid"

    @rx.event
    def unsubscribe(self):
        token = self._tokens()[1]
        with transaction() as session:
            done = subscribers.unsubscribe(session, token, ip=self._client_ip()) if token else False
        self.outcome = "unsubscribed" if done else "invalid"


class NewsletterEditorState(ActionMixin, AppState):
    """電子報編輯 (the national centre, 總編輯): issues, their articles, the contributions to review."""

    FUNCTION: ClassVar = routes.page_function(routes.PORTAL_NEWSLETTER)

    issues: list[Row] = []
    queue: list[Row] = []
    articles: list[Row] = []
    #: The draft issue being edited (its id), and what its preview shows.
    selected: str = ""
    selected_title: str = ""
    preview: Row = {}
    preview_articles: list[Row] = []
    review_id: str = ""
    review_error: str = ""
    article_key: int = 0

    def _refresh(self) -> None:
        self.issues = self._use(issues.editor_list)
        self.queue = self._use(articles.review_queue)
        chosen = next((r for r in self.issues if r["id"] == self.selected and r["state"] == "draft"), None)
        if chosen is None:
            self.selected, self.selected_title, self.articles = "", "", []
        else:
            self.selected_title = chosen["title"]
            self.articles = self._use(issues.issue_articles, self.selected)

    @rx.event
    def load(self):
        self.preview, self.preview_articles, self.review_id = {}, [], ""
        event = self._load_page()
        if self.page_status == "ok" and not self.selected:
            self._fill_issue_form(None)
        return event

    def _fill_issue_form(self, row: Row | None) -> None:
        self.values = {key: (row or {}).get(key, "") for key in ISSUE_FIELDS}
        if row is None:
            try:
                self.values["number"] = str(self._read(issues.next_number))
            except DomainError:
                self.values["number"] = ""
        self.field_errors = {}
        self.form_key += 1

    @rx.event
    def new_issue(self):
        self._fill_issue_form(None)
        self.selected, self.selected_title, self.articles = "", "", []

    @rx.event
    def edit_issue(self, issue_id: str):
        """Choose a draft issue of the list to edit (display only: every change re-checks it)."""
        row = next((r for r in self.issues if r["id"] == issue_id and r["state"] == "draft"), None) \
            if isinstance(issue_id, str) else None
        if row is None:
            return None
        self._fill_issue_form(row)
        self.selected = issue_id
        self.preview, self.preview_articles = {}, []
        return self._after(True, None)

    @rx.event
    def save_issue(self, form: dict) -> Any:
        values = form_strings(form, ISSUE_FIELDS)
        if values is None:
            return None
        ok, result = self._attempt(issues.save_issue, values, notice="newsletter.issue_saved")
        if not ok:
            self.values = values
            return result
        self.selected = str(result)
        self.values = {**values, "id": str(result)}
        self.form_key += 1
        return self._after(ok, None)

    @rx.event
    def show_preview(self, issue_id: str) -> Any:
        if not isinstance(issue_id, str):
            return None
        ok, result = self._attempt(issues.preview, issue_id)
        if not ok:
            return result
        self.preview_articles = result.pop("articles")
        self.preview = result
        return None

    @rx.event
    def close_preview(self):
        self.preview, self.preview_articles = {}, []

    @rx.event
    def publish(self, issue_id: str) -> Any:
        """Publish and queue the mailing (the worker carries it out, batch by batch)."""
        if not isinstance(issue_id, str):
            return None
        ok, result = self._attempt(issues.publish, issue_id)
        if ok:
            self._say("newsletter.published", count=f"{result:,}")
            if issue_id == self.selected:
                self.selected, self.values = "", {}
                self.form_key += 1
        return self._after(ok, result)

    def _article_failed(self, values: dict[str, str]) -> None:
        """The article form's errors under its own field names (the issue form uses the plain ones)."""
        self.field_errors = {f"article_{name}" if name in ("title", "summary", "body") else name: key
                             for name, key in self.field_errors.items()}
        self.values = {**self.values, **values}

    @rx.event
    def new_article(self):
        self.values = {**self.values, **dict.fromkeys(ARTICLE_FIELDS, "")}
        self.field_errors = {}
        self.article_key += 1

    @rx.event
    def edit_article(self, article_id: str):
        """Fill the article form with one of the issue's articles (display only; saving re-checks it)."""
        row = next((r for r in self.articles if r["id"] == article_id), None) if isinstance(article_id, str) else None
        if row is not None:
            self.values = {**self.values, "article_id": row["id"], "article_title": row["title"],
                           "article_summary": row["summary"], "article_body": row["body"]}
            self.field_errors = {}
            self.article_key += 1

    @rx.event
    def save_article(self, form: dict) -> Any:
        values = form_strings(form, ARTICLE_FIELDS)
        if values is None or not self.selected:
            return None
        data = {"id": values["article_id"], "title": values["article_title"],
                "summary": values["article_summary"], "body": values["article_body"]}
        ok, result = self._attempt(articles.save_article, self.selected, data, notice="newsletter.article_saved")
        if not ok:
            self._article_failed(values)
            return result
        self.values = {**self.values, **dict.fromkeys(ARTICLE_FIELDS, "")}
        self.article_key += 1
        return self._after(ok, None)

    def _on_article(self, use_case: Any, article_id: object, *args: Any, notice: str) -> Any:
        if parse_id(article_id) is None:
            return None
        ok, result = self._attempt(use_case, str(article_id), *args, notice=notice)
        return self._after(ok, result)

    @rx.event
    def place(self, article_id: str) -> Any:
        if not self.selected or parse_id(article_id) is None:
            return None
        ok, result = self._attempt(articles.place, self.selected, article_id, notice="newsletter.placed")
        return self._after(ok, result)

    @rx.event
    def unplace(self, article_id: str) -> Any:
        return self._on_article(articles.unplace, article_id, notice="newsletter.unplaced")

    @rx.event
    def move_up(self, article_id: str) -> Any:
        return self._on_article(articles.move, article_id, -1, notice="")

    @rx.event
    def move_down(self, article_id: str) -> Any:
        return self._on_article(articles.move, article_id, 1, notice="")

    @rx.event
    def accept(self, article_id: str) -> Any:
        self.review_id = ""
        return self._on_article(articles.accept, article_id, notice="newsletter.accepted")

    @rx.event
    def open_review(self, article_id: str):
        """Open the note form of one waiting contribution (display only; returning it re-checks it)."""
        if isinstance(article_id, str) and any(r["id"] == article_id for r in self.queue):
            self.review_id, self.review_error = article_id, ""

    @rx.event
    def close_review(self):
        self.review_id = ""

    @rx.event
    def return_article(self, form: dict) -> Any:
        if not isinstance(form, dict) or not self.review_id or not isinstance(form.get("note", ""), str):
            return None
        ok, result = self._attempt(articles.return_article, self.review_id, form.get("note", ""),
                                   notice="newsletter.returned", into="review_error")
        if ok:
            self.review_id = ""
        return self._after(ok, result)


class NewsletterContributeState(ActionMixin, AppState):
    """電子報投稿 (regional centres): their articles for the national centre and where each stands."""

    FUNCTION: ClassVar = routes.page_function(routes.PORTAL_NEWSLETTER_CONTRIBUTE)

    rows: list[Row] = []

    def _refresh(self) -> None:
        self.rows = self._use(articles.my_contributions)

    @rx.event
    def load(self):
        return self._load_page()

    @rx.event
    def new(self):
        self.values, self.field_errors = {}, {}
        self.form_key += 1

    @rx.event
    def edit(self, article_id: str):
        """Fill the form with one of the unit's articles that may still change (saving re-checks it)."""
        row = next((r for r in self.rows if r["id"] == article_id and r["editable"]), None) \
            if isinstance(article_id, str) else None
        if row is not None:
            self.values = {key: row.get(key, "") for key in CONTRIBUTION_FIELDS}
            self.field_errors = {}
            self.form_key += 1

    @rx.event
    def save(self, form: dict) -> Any:
        values = form_strings(form, CONTRIBUTION_FIELDS)
        if values is None:
            return None
        ok, event = self._attempt(articles.submit_contribution, values, notice="newsletter.submitted")
        if not ok:
            self.values = values
            return event
        self.values = {}
        self.form_key += 1
        return self._after(ok, event)


class NewsletterTickState(ActionMixin, AppState):
    """A teacher's tick box on her subscriptions page: the e-newsletter to her account address."""

    FUNCTION: ClassVar = Function.TEACHER_SUBSCRIPTIONS

    newsletter: bool = False
    newsletter_email: bool = True
    tick_error: str = ""

    def _refresh(self) -> None:
        choice = self._use(subscribers.teacher_choice)
        self.newsletter, self.newsletter_email = choice["subscribed"], choice["has_email"]
        self.form_key += 1

    @rx.event
    def load(self):
        self.tick_error = ""
        return self._load_page()

    @rx.event
    def save(self, form: dict) -> Any:
        if not isinstance(form, dict):
            return None
        wanted = form.get("newsletter") in ("on", True, "true")
        ok, event = self._attempt(subscribers.set_teacher_choice, wanted, into="tick_error",
                                  notice="newsletter.tick_on" if wanted else "newsletter.tick_off")
        return self._after(ok, event)
