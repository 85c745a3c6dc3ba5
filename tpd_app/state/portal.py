"""States of the public information: 最新消息 as readers see it (public, with the reader's jurisdiction when
signed in) and as the national and regional centres keep it; the FAQ, the rule documents and the video
guides, read by anyone and kept by the national centre."""

from __future__ import annotations

from typing import Any, ClassVar
from urllib.parse import quote

import reflex as rx

from tpd_app import routes
from tpd_app.domain.errors import DomainError, NotFound
from tpd_app.domain.permissions import UnitRef
from tpd_app.domain.portal import Category, FaqCategory, GuideAudience
from tpd_app.services.courses import catalogue
from tpd_app.services.courses.catalogue import CatalogueQuery
from tpd_app.services.platform import documents
from tpd_app.services.platform.db import transaction
from tpd_app.services.portal import announcements, faq, guides, rules
from tpd_app.state.base import AppState
from tpd_app.state.handlers import ActionMixin, Row, form_strings, uploaded_files

ANNOUNCEMENT_FIELDS = ("id", "title", "category", "body", "publish_from", "publish_until", "pinned", "intent")
FILE_LIMIT = announcements.MAX_ATTACHMENTS
#: Courses open for registration on the home page.
HOME_COURSES = 5
FILE_BYTES = documents.MAX_BYTES
FAQ_FIELDS = ("id", "question", "category", "answer", "sort_order", "published")


class NewsState(AppState):
    """最新消息 for anyone: what is live and meant for the reader (a visitor: the national ones)."""

    items: list[Row] = []
    total_text: str = "0"
    category: str = ""
    prev_href: str = ""
    next_href: str = ""
    item: Row = {}
    files: list[Row] = []
    found: bool = True
    open_courses: list[Row] = []
    open_total: str = "0"

    def _viewer(self) -> UnitRef | None:
        signed_in = self._identity()
        self.page_status = "ok"
        return signed_in.actor.unit if signed_in is not None else None

    @rx.event
    def load(self):
        viewer = self._viewer()
        query = self.router.url.query_parameters
        category = str(query.get("category") or "")
        self.category = category if category in {c.value for c in Category} else ""
        page = int(str(query.get("page") or "1")) if str(query.get("page") or "1").isdigit() else 1
        rows, total = self._read(announcements.latest, viewer, category=self.category, page=page)
        self.items, self.total_text = rows, f"{total:,}"
        pages = max(1, -(-total // announcements.PAGE_SIZE))
        base = f"{routes.NEWS}?category={self.category}&page=" if self.category else f"{routes.NEWS}?page="
        self.prev_href = f"{base}{page - 1}" if page > 1 else ""
        self.next_href = f"{base}{page + 1}" if page < pages else ""

    @rx.event
    def load_home(self):
        """The home page's latest and pinned announcements, and courses open for registration now."""
        viewer = self._viewer()
        self.items = self._read(announcements.latest, viewer, limit=announcements.HOME_COUNT)[0]
        courses, total = self._read(catalogue.listing, CatalogueQuery(open_now=True))
        self.open_courses = courses[:HOME_COURSES]
        self.open_total = f"{catalogue.COUNT_CAP:,}+" if total > catalogue.COUNT_CAP else f"{total:,}"

    @rx.event
    def load_item(self):
        viewer = self._viewer()
        key = self.router.url.path.rstrip("/").rsplit("/", 1)[-1]
        try:
            self.item, self.found = self._read(announcements.read, viewer, key), True
            self.files = self._read(announcements.read_attachments, viewer, key)
        except NotFound:
            self.item, self.files, self.found = {}, [], False


class AnnouncementsAdminState(ActionMixin, AppState):
    """最新消息管理: the unit's own announcements (the national centre, the ministry, regional centres)."""

    FUNCTION: ClassVar = routes.page_function(routes.PORTAL_ANNOUNCEMENTS)

    rows: list[Row] = []
    versions: list[Row] = []
    versions_of: str = ""
    #: The announcement whose files the attachment panel shows (the one being edited or just saved).
    files_of: str = ""
    files_title: str = ""
    files: list[Row] = []
    file_error: str = ""

    def _refresh(self) -> None:
        self.rows = self._use(announcements.manage_list)

    def _show_files(self, announcement_id: str) -> None:
        row = next((r for r in self.rows if r["id"] == announcement_id), None)
        if row is None:
            self.files_of, self.files_title, self.files = "", "", []
            return
        self.files_of, self.files_title = announcement_id, row["title"]
        self.files = self._use(announcements.attachments, announcement_id)

    @rx.event
    def load(self):
        self.versions, self.versions_of = [], ""
        self.files_of, self.files_title, self.files, self.file_error = "", "", [], ""
        return self._load_page()

    @rx.event
    def new(self):
        self.values, self.field_errors = {}, {}
        self.files_of, self.files_title, self.files, self.file_error = "", "", [], ""
        self.form_key += 1

    @rx.event
    def edit(self, announcement_id: str):
        """Fill the form with one of the listed announcements (display only; saving re-checks it)."""
        row = next((r for r in self.rows if r["id"] == announcement_id), None) \
            if isinstance(announcement_id, str) else None
        if row is not None:
            self.values = {key: row.get(key, "") for key in ANNOUNCEMENT_FIELDS}
            self.values["intent"] = "publish" if row.get("state") in ("live", "scheduled", "ended") else "draft"
            self.field_errors, self.file_error = {}, ""
            self.form_key += 1
            try:
                self._show_files(announcement_id)
            except DomainError as error:
                return self._fail(error)
        return None

    @rx.event
    def save(self, form: dict) -> Any:
        values = form_strings({**form, "pinned": form.get("pinned", "")} if isinstance(form, dict) else form,
                              ANNOUNCEMENT_FIELDS)
        if values is None:
            return None
        publish = values.get("intent") == "publish"
        ok, result = self._attempt(announcements.save_announcement, values, publish=publish,
                                   notice="portal.published" if publish else "portal.draft_saved")
        if not ok:
            self.values = values
            return result
        self.values = {}
        self.form_key += 1
        event = self._after(ok, result)
        if event is None:
            # Its files can be added at once: the panel shows the announcement just saved.
            self.file_error = ""
            try:
                self._show_files(str(result))
            except DomainError as error:
                return self._fail(error)
        return event

    @rx.event
    async def upload(self, files: list[rx.UploadFile]):
        """Attach files to the announcement the panel shows; every check happens in the service."""
        self.file_error = ""
        files = uploaded_files(files)
        if not self.files_of or files is None:
            return None
        for upload in files[: announcements.MAX_ATTACHMENTS]:
            # Read one byte past the limit: enough to refuse, never the whole of a huge body.
            data = await upload.read(documents.MAX_BYTES + 1)
            ok, event = self._attempt(announcements.add_attachment, self.files_of,
                                      upload.name or upload.filename or "", data, into="file_error")
            if not ok:
                if event is not None:
                    return event
                break
        return self._reload_files()

    @rx.event
    def delete_file(self, attachment_id: str):
        if not isinstance(attachment_id, str) or not self.files_of:
            return None
        _, event = self._attempt(announcements.delete_attachment, attachment_id, into="file_error")
        return event if event is not None else self._reload_files()

    def _reload_files(self) -> Any:
        try:
            self.files = self._use(announcements.attachments, self.files_of)
        except DomainError as error:
            self.files_of, self.files = "", []
            return self._fail(error)
        return None

    @rx.event
    def withdraw(self, announcement_id: str) -> Any:
        if not isinstance(announcement_id, str):
            return None
        ok, event = self._attempt(announcements.withdraw, announcement_id, notice="portal.withdrawn")
        return self._after(ok, event)

    @rx.event
    def show_history(self, announcement_id: str) -> Any:
        if not isinstance(announcement_id, str):
            return None
        ok, result = self._attempt(announcements.history, announcement_id)
        if not ok:
            return result
        self.versions, self.versions_of = result, announcement_id
        return None


class FaqState(AppState):
    """問答集 for anyone: the published questions, searched by keyword and category; "was this helpful"."""

    entries: list[Row] = []
    keyword: str = ""
    category: str = ""
    count_text: str = "0"
    voted: list[str] = []
    form_key: int = 0

    @rx.event
    def load(self):
        self._identity()
        self.page_status = "ok"
        query = self.router.url.query_parameters
        keyword = str(query.get("q") or "")[:100].strip()
        category = str(query.get("category") or "")
        category = category if category in {c.value for c in FaqCategory} else ""
        if (keyword, category) != (self.keyword, self.category):
            # The form shows the URL's search; what a reader already typed stays when nothing changed.
            self.keyword, self.category = keyword, category
            self.form_key += 1
        self.entries = self._read(faq.search, self.keyword, self.category)
        self.count_text = f"{len(self.entries):,}"

    @rx.event
    def search(self, form_data: dict):
        """The search as a shareable URL; `load` runs it."""
        if not isinstance(form_data, dict):
            return None
        keyword = str(form_data.get("q", ""))[:100].strip()
        category = str(form_data.get("category", ""))[:16]
        params = "&".join(f"{k}={quote(v)}" for k, v in (("q", keyword), ("category", category)) if v)
        return rx.redirect(f"{routes.FAQ}?{params}" if params else routes.FAQ)

    @rx.event
    def vote(self, entry_id: str, helpful: bool):
        """Count this reader's answer once (a person signed in, else this browser tab)."""
        if not isinstance(entry_id, str) or not isinstance(helpful, bool) or entry_id in self.voted:
            return
        signed_in = self._identity()
        voter = (f"{signed_in.actor.kind}:{signed_in.actor.id}" if signed_in is not None
                 else f"tab:{self.router.session.client_token}")
        try:
            with transaction() as session:
                faq.vote(session, voter, entry_id, helpful)
        except NotFound:
            return
        self.voted = [*self.voted, entry_id]


class FaqAdminState(ActionMixin, AppState):
    """問答集管理 (the national centre and the ministry)."""

    FUNCTION: ClassVar = routes.page_function(routes.PORTAL_FAQ)

    rows: list[Row] = []

    def _refresh(self) -> None:
        self.rows = self._use(faq.manage_list)

    @rx.event
    def load(self):
        return self._load_page()

    @rx.event
    def new(self):
        self.values, self.field_errors = {}, {}
        self.form_key += 1

    @rx.event
    def edit(self, entry_id: str):
        """Fill the form with one of the listed questions (display only; saving re-checks it)."""
        row = next((r for r in self.rows if r["id"] == entry_id), None) if isinstance(entry_id, str) else None
        if row is not None:
            self.values = {key: row.get(key, "") for key in FAQ_FIELDS}
            self.field_errors = {}
            self.form_key += 1

    @rx.event
    def save(self, form: dict) -> Any:
        values = form_strings({**form, "published": form.get("published", "")} if isinstance(form, dict) else form,
                              FAQ_FIELDS)
        if values is None:
            return None
        ok, event = self._attempt(faq.save_entry, values, notice="faq.saved")
        if not ok:
            self.values = values
            return event
        self.values = {}
        self.form_key += 1
        return self._after(ok, event)


RULE_FIELDS = ("id", "document", "title", "body", "changes", "effective_on")


class RulesState(AppState):
    """使用管理要點 and the other rule documents, for anyone: what is in force, any earlier version, the
    history."""

    documents: list[Row] = []
    document: Row = {}
    history: list[Row] = []
    found: bool = True

    @rx.event
    def load(self):
        self._identity()
        self.page_status = "ok"
        self.documents = self._read(rules.in_force)

    @rx.event
    def load_document(self):
        self._identity()
        self.page_status = "ok"
        name = self.router.url.path.rstrip("/").rsplit("/", 1)[-1]
        version = str(self.router.url.query_parameters.get("version") or "")[:6]
        try:
            shown = self._read(rules.read, name, version or None)
        except NotFound:
            self.document, self.history, self.found = {}, [], False
            return
        self.history = shown.pop("history")
        self.document, self.found = shown, True


class RulesAdminState(ActionMixin, AppState):
    """規章管理 (the national centre and the ministry): new versions as drafts, published with their day."""

    FUNCTION: ClassVar = routes.page_function(routes.PORTAL_RULES)

    rows: list[Row] = []

    def _refresh(self) -> None:
        self.rows = self._use(rules.manage_list)

    @rx.event
    def load(self):
        return self._load_page()

    @rx.event
    def new(self, document: str):
        """A new version of `document`, starting from the text of its newest one (display only)."""
        newest = next((r for r in self.rows if r["document"] == document), None) \
            if isinstance(document, str) else None
        self.values = {"document": document if isinstance(document, str) else "", "title": "", "body": "",
                       "changes": "", "effective_on": "", "id": ""}
        if newest is not None:
            self.values.update(title=newest["title"], body=newest["body"])
        self.field_errors = {}
        self.form_key += 1

    @rx.event
    def edit(self, version_id: str):
        """Fill the form with one of the listed drafts (display only; saving re-checks it)."""
        row = next((r for r in self.rows if r["id"] == version_id and r["state"] == "draft"), None) \
            if isinstance(version_id, str) else None
        if row is not None:
            self.values = {key: row.get(key, "") for key in RULE_FIELDS}
            self.field_errors = {}
            self.form_key += 1

    @rx.event
    def save(self, form: dict) -> Any:
        values = form_strings(form, RULE_FIELDS)
        if values is None:
            return None
        ok, event = self._attempt(rules.save_draft, values, notice="rules.saved")
        if not ok:
            self.values = values
            return event
        self.values = {}
        self.form_key += 1
        return self._after(ok, event)

    @rx.event
    def publish(self, version_id: str) -> Any:
        if not isinstance(version_id, str):
            return None
        ok, event = self._attempt(rules.publish, version_id, notice="rules.published", into="error_text")
        return self._after(ok, event)


GUIDE_FIELDS = ("id", "title", "description", "audience", "page", "duration", "video_url", "transcript",
                "sort_order", "published")
VIDEO_BYTES = guides.MAX_VIDEO_BYTES


class GuidesState(AppState):
    """影音說明 for anyone: the guides shown, for one audience or for one page."""

    guides: list[Row] = []
    audience: str = ""
    for_page: str = ""

    @rx.event
    def load(self):
        self._identity()
        self.page_status = "ok"
        query = self.router.url.query_parameters
        audience = str(query.get("for") or "")
        self.audience = audience if audience in {a.value for a in GuideAudience} else ""
        page = str(query.get("page") or "")[:80]
        self.for_page = page if guides.is_page_path(page) else ""
        self.guides = self._read(guides.public_list, audience=self.audience, page=self.for_page)


class GuidesAdminState(ActionMixin, AppState):
    """影音說明管理 (the national centre and the ministry): the guides, their video files and captions."""

    FUNCTION: ClassVar = routes.page_function(routes.PORTAL_GUIDES)

    rows: list[Row] = []
    #: The guide whose files the file panel shows (the one being edited or just saved).
    files_of: str = ""
    files_title: str = ""
    files_video: str = ""
    files_captions: str = ""
    file_error: str = ""

    def _refresh(self) -> None:
        self.rows = self._use(guides.manage_list)

    def _show_files(self, guide_id: str) -> None:
        row = next((r for r in self.rows if r["id"] == guide_id), None) or {}
        self.files_of, self.files_title = row.get("id", ""), row.get("title", "")
        self.files_video, self.files_captions = row.get("has_file", ""), row.get("has_captions", "")

    @rx.event
    def load(self):
        self.files_of, self.files_title, self.file_error = "", "", ""
        return self._load_page()

    @rx.event
    def new(self):
        self.values, self.field_errors = {}, {}
        self.files_of, self.files_title, self.file_error = "", "", ""
        self.form_key += 1

    @rx.event
    def edit(self, guide_id: str):
        """Fill the form with one of the listed guides (display only; saving re-checks it)."""
        row = next((r for r in self.rows if r["id"] == guide_id), None) if isinstance(guide_id, str) else None
        if row is not None:
            self.values = {key: row.get(key, "") for key in GUIDE_FIELDS}
            self.field_errors, self.file_error = {}, ""
            self._show_files(guide_id)
            self.form_key += 1

    @rx.event
    def save(self, form: dict) -> Any:
        values = form_strings({**form, "published": form.get("published", "")} if isinstance(form, dict) else form,
                              GUIDE_FIELDS)
        if values is None:
            return None
        ok, result = self._attempt(guides.save_guide, values, notice="guides.saved")
        if not ok:
            self.values = values
            return result
        self.values = {}
        self.form_key += 1
        event = self._after(ok, result)
        if event is None:
            self.file_error = ""
            self._show_files(str(result))
        return event

    @rx.event
    async def upload(self, files: list[rx.UploadFile]):
        """Give the guide the panel shows its video or captions; every check happens in the service."""
        self.file_error = ""
        files = uploaded_files(files)
        if not self.files_of or files is None:
            return None
        for upload in files[:2]:
            # Read one byte past the limit: enough to refuse, never the whole of a huge body.
            data = await upload.read(VIDEO_BYTES + 1)
            ok, event = self._attempt(guides.attach_file, self.files_of, upload.name or upload.filename or "", data,
                                      into="file_error", notice="guides.file_saved")
            if not ok:
                if event is not None:
                    return event
                break
        event = self._after(True, None)
        self._show_files(self.files_of)
        return event
