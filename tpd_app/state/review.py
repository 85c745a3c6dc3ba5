"""States of the reviewing centre's pages: review queue, auto-review settings, auto-review browse."""

from __future__ import annotations

import reflex as rx

from tpd_app.domain.courses import Action
from tpd_app.domain.errors import DomainError, NotAuthenticated, ValidationFailed
from tpd_app.domain.permissions import Function
from tpd_app.services.courses import review
from tpd_app.services.platform.db import transaction
from tpd_app.services.platform.ids import parse_id
from tpd_app.state.base import AppState
from tpd_app.state.lists import PagedListMixin, ReasonDialogMixin


class ReviewState(PagedListMixin, AppState):
    """研習課程資料確認: the queue, one course in full, decisions, bulk approval, late allowances."""

    keyword: str = ""
    county: str = ""
    selected: list[str] = []
    current: dict[str, str] = {}
    current_sessions: list[dict[str, str]] = []
    current_history: list[dict[str, str]] = []
    current_topics: list[dict[str, str]] = []
    current_levels: list[str] = []
    reason_error: str = ""
    late_error: str = ""
    form_key: int = 0

    def _query(self) -> None:
        signed_in = self._actor_or_raise()
        with transaction() as session:
            self.rows, self.total = review.review_queue(session, signed_in.actor, keyword=self.keyword,
                                                        county=self.county, page=self.page, ip=self._client_ip())
        visible = {row["id"] for row in self.rows}
        self.selected = [i for i in self.selected if i in visible]

    def _report(self, error: DomainError) -> rx.event.EventSpec | None:
        if isinstance(error, NotAuthenticated):
            return self._login_redirect()
        self.error_text = self._error_text(error)
        return None

    @rx.event
    def load(self):
        self.error_text, self.notice_key, self.current, self.selected = "", "", {}, []
        signed_in, event = self._enter_page(Function.COURSE_REVIEW)
        if signed_in is None:
            return event
        self.keyword, self.county, self.page = "", "", 1
        return self._refresh()

    @rx.event
    def search(self, form_data: dict):
        if not isinstance(form_data, dict):
            return None
        self.keyword = str(form_data.get("keyword", ""))[:100]
        self.county = str(form_data.get("county", ""))[:8]
        self.page = 1
        return self._refresh()

    @rx.event
    def toggle(self, course_id: str, ticked: bool):
        if not isinstance(course_id, str) or not isinstance(ticked, bool):
            return
        rest = [i for i in self.selected if i != course_id]
        self.selected = [*rest, course_id] if ticked else rest

    @rx.event
    def open_course(self, course_id: str):
        self.error_text, self.notice_key, self.reason_error = "", "", ""
        target = parse_id(course_id)
        if target is None:
            return None
        try:
            signed_in = self._actor_or_raise()
            with transaction() as session:
                data = review.course_for_review(session, signed_in.actor, target, ip=self._client_ip())
        except DomainError as error:
            return self._report(error)
        self.current_sessions = data.pop("sessions")
        self.current_history = data.pop("history")
        self.current_topics = data.pop("topics")
        self.current_levels = data.pop("audience_levels")
        self.current = {k: ", ".join(map(str, v)) if isinstance(v, list) else str(v) for k, v in data.items()}
        self.form_key += 1
        return None

    @rx.event
    def close_course(self):
        self.current = {}

    @rx.event
    def decide(self, form_data: dict):
        """Approve, return or reject the open course (hidden `decision` field names which)."""
        self.reason_error, self.error_text = "", ""
        if not isinstance(form_data, dict) or not self.current:
            return None
        actions = {"approve": Action.APPROVE, "return": Action.RETURN, "reject": Action.REJECT}
        action = actions.get(str(form_data.get("decision", "")))
        if action is None:
            return None
        try:
            signed_in = self._actor_or_raise()
            with transaction() as session:
                review.decide(session, signed_in.actor, parse_id(self.current.get("id")), action,
                              form_data.get("reason", ""), ip=self._client_ip())
            self.current = {}
            self.notice_key = f"review.notice.{action.value}"
            self._query()
        except ValidationFailed as error:
            self.reason_error = self._t(error.field_errors.get("reason", error.key))
        except DomainError as error:
            return self._report(error)
        return None

    @rx.event
    def approve_selected(self):
        self.error_text, self.notice_key = "", ""
        ids = [i for i in (parse_id(v) for v in self.selected) if i is not None]
        try:
            signed_in = self._actor_or_raise()
            with transaction() as session:
                review.bulk_approve(session, signed_in.actor, ids, ip=self._client_ip())
            self.selected = []
            self.notice_key = "review.notice.bulk"
            self._query()
        except ValidationFailed as error:
            self.error_text = self._t(next(iter(error.field_errors.values()), error.key))
        except DomainError as error:
            return self._report(error)
        return None

    @rx.event
    def allow_late(self, form_data: dict):
        self.late_error, self.notice_key = "", ""
        if not isinstance(form_data, dict):
            return None
        try:
            signed_in = self._actor_or_raise()
            with transaction() as session:
                review.allow_late_registration(session, signed_in.actor, str(form_data.get("code", "")),
                                               form_data.get("reason", ""), ip=self._client_ip())
            self.notice_key = "review.notice.late_allowed"
            self.form_key += 1
        except ValidationFailed as error:
            self.late_error = self._t(next(iter(error.field_errors.values()), error.key))
        except DomainError as error:
            self.late_error = self._error_text(error)
        return None


class AutoReviewSettingsState(AppState):
    """自動審核功能設定."""

    mode: str = "off"
    organizer_ids: list[str] = []
    kinds: list[str] = []
    organizers: list[dict[str, str]] = []
    error_text: str = ""
    notice_key: str = ""
    form_key: int = 0

    @rx.event
    def load(self):
        self.error_text, self.notice_key = "", ""
        signed_in, event = self._enter_page(Function.AUTOREVIEW_SETTINGS)
        if signed_in is None:
            return event
        with transaction() as session:
            data = review.get_autoreview(session, signed_in.actor, ip=self._client_ip())
        self.mode, self.organizer_ids, self.kinds = data["mode"], data["organizer_ids"], data["kinds"]
        self.organizers = data["organizers"]
        self.form_key += 1
        return None

    @rx.event
    def save(self, form_data: dict):
        self.error_text, self.notice_key = "", ""
        if not isinstance(form_data, dict):
            return None
        organizer_ids = [k.removeprefix("org__") for k in form_data if isinstance(k, str) and k.startswith("org__")]
        kinds = [k.removeprefix("kind__") for k in form_data if isinstance(k, str) and k.startswith("kind__")]
        mode = form_data.get("mode", "")
        try:
            signed_in = self._actor_or_raise()
            with transaction() as session:
                review.save_autoreview(session, signed_in.actor, mode, organizer_ids, kinds, ip=self._client_ip())
        except ValidationFailed as error:
            self.error_text = self._t(next(iter(error.field_errors.values()), error.key))
            return None
        except DomainError as error:
            if isinstance(error, NotAuthenticated):
                return self._login_redirect()
            self.error_text = self._error_text(error)
            return None
        self.mode = str(mode)
        self.organizer_ids, self.kinds = organizer_ids, kinds
        self.notice_key = "autoreview.notice.saved"
        return None


class AutoReviewBrowseState(PagedListMixin, ReasonDialogMixin, AppState):
    """自動審核瀏覽 with revocation."""

    def _query(self) -> None:
        signed_in = self._actor_or_raise()
        with transaction() as session:
            self.rows, self.total = review.auto_approved(session, signed_in.actor, page=self.page,
                                                         ip=self._client_ip())

    def _act(self, course_id: int, reason: str) -> str:
        signed_in = self._actor_or_raise()
        with transaction() as session:
            review.revoke(session, signed_in.actor, course_id, reason, ip=self._client_ip())
        return "autoreview.notice.revoked"

    @rx.event
    def load(self):
        self.notice_key, self.error_text, self.dialog_id = "", "", ""
        signed_in, event = self._enter_page(Function.AUTOREVIEW_BROWSE)
        if signed_in is None:
            return event
        self.page = 1
        return self._refresh()
