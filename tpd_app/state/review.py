"""States of the reviewing centre's pages: review queue, auto-review settings, auto-review browse."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import reflex as rx

from tpd_app.domain.courses import Action
from tpd_app.domain.permissions import Function
from tpd_app.domain.timeutil import roc_dates_in
from tpd_app.i18n import valid_lang
from tpd_app.services.courses import review
from tpd_app.state.base import AppState
from tpd_app.state.handlers import ActionMixin, BackgroundWorkMixin, PagedListMixin, ReasonDialogMixin, parse_id


class ReviewState(BackgroundWorkMixin, PagedListMixin, AppState):
    """研習課程資料確認: the queue, one course in full, decisions, bulk approval, late allowances."""

    FUNCTION: ClassVar = Function.COURSE_REVIEW

    keyword: str = ""
    county: str = ""
    selected: list[str] = []
    current: dict[str, str] = {}
    current_sessions: list[dict[str, str]] = []
    current_history: list[dict[str, str]] = []
    current_topics: list[dict[str, str]] = []
    current_levels: list[str] = []
    #: What changed since the course was last returned (field, before, after); `returned_again` when it was.
    current_changes: list[dict[str, str]] = []
    returned_again: bool = False
    reason_error: str = ""
    late_error: str = ""

    def _refresh(self) -> None:
        self.rows, self.total = self._view(review.review_queue, keyword=self.keyword, county=self.county,
                                          page=self.page)
        visible = {row["id"] for row in self.rows}
        self.selected = [i for i in self.selected if i in visible]

    @rx.event
    def load(self):
        self.current, self.selected = {}, []
        self.keyword, self.county, self.page = "", "", 1
        return self._load_page()

    @rx.event
    def search(self, form_data: dict):
        if not isinstance(form_data, dict):
            return None
        self.keyword = str(form_data.get("keyword", ""))[:100]
        self.county = str(form_data.get("county", ""))[:8]
        self.page = 1
        return self._after(True, None)

    @rx.event
    def toggle(self, course_id: str, ticked: bool):
        if not isinstance(course_id, str) or not isinstance(ticked, bool):
            return
        rest = [i for i in self.selected if i != course_id]
        self.selected = [*rest, course_id] if ticked else rest

    @rx.event
    def open_course(self, course_id: str):
        self.reason_error = ""
        target = parse_id(course_id)
        if target is None:
            return None
        ok, data = self._attempt(review.course_for_review, target)
        if not ok:
            return data
        self.current_sessions = data.pop("sessions")
        self.current_history = data.pop("history")
        self.current_topics = data.pop("topics")
        self.current_levels = data.pop("audience_levels")
        since = data.pop("since_return")
        self.returned_again = since is not None
        roc = valid_lang(self.lang) == "zh-TW"
        self.current_changes = [{k: roc_dates_in(v) if roc and k != "field" else v for k, v in change.items()}
                                for change in since["changes"]] if since else []
        self.current = {k: ", ".join(map(str, v)) if isinstance(v, list) else str(v) for k, v in data.items()}
        self.form_key += 1
        return None

    @rx.event
    def close_course(self):
        self.current = {}

    @rx.event
    def decide(self, form_data: dict):
        """Approve, return or reject the open course (hidden `decision` field names which)."""
        if not isinstance(form_data, dict) or not self.current:
            return None
        actions = {"approve": Action.APPROVE, "return": Action.RETURN, "reject": Action.REJECT}
        action = actions.get(str(form_data.get("decision", "")))
        if action is None:
            return None
        ok, event = self._attempt(review.decide, parse_id(self.current.get("id")), action,
                                  form_data.get("reason", ""), notice=f"review.notice.{action.value}",
                                  into="reason_error")
        if ok:
            self.current = {}
        return self._after(ok, event)

    @rx.event(background=True)
    async def approve_selected(self):
        """Approves every selected course in one transaction, as a background job with a progress bar."""
        async with self:
            ids = [i for i in (parse_id(v) for v in self.selected) if i is not None]
        ok, event = await self._in_background(review.bulk_approve, ids, notice="review.notice.bulk",
                                              into="error_text")
        if not ok:
            return event
        async with self:
            self.selected = []
            return self._after(True, None)

    @rx.event
    def allow_late(self, form_data: dict):
        if not isinstance(form_data, dict):
            return None
        ok, event = self._attempt(review.allow_late_registration, str(form_data.get("code", "")),
                                  form_data.get("reason", ""), notice="review.notice.late_allowed",
                                  into="late_error")
        if ok:
            self.form_key += 1
        return event


class AutoReviewSettingsState(ActionMixin, AppState):
    """自動審核功能設定."""

    FUNCTION: ClassVar = Function.AUTOREVIEW_SETTINGS

    mode: str = "off"
    organizer_ids: list[str] = []
    kinds: list[str] = []
    organizers: list[dict[str, str]] = []

    def _refresh(self) -> None:
        data = self._use(review.get_autoreview)
        self.mode, self.organizer_ids, self.kinds = data["mode"], data["organizer_ids"], data["kinds"]
        self.organizers = data["organizers"]
        self.form_key += 1

    @rx.event
    def load(self):
        return self._load_page()

    @rx.event
    def save(self, form_data: dict):
        if not isinstance(form_data, dict):
            return None
        organizer_ids = [k.removeprefix("org__") for k in form_data if isinstance(k, str) and k.startswith("org__")]
        kinds = [k.removeprefix("kind__") for k in form_data if isinstance(k, str) and k.startswith("kind__")]
        mode = form_data.get("mode", "")
        ok, event = self._attempt(review.save_autoreview, mode, organizer_ids, kinds,
                                  notice="autoreview.notice.saved", into="error_text")
        if ok:
            self.mode = str(mode)
            self.organizer_ids, self.kinds = organizer_ids, kinds
        return event


class AutoReviewBrowseState(PagedListMixin, ReasonDialogMixin, AppState):
    """自動審核瀏覽 with revocation."""

    FUNCTION: ClassVar = Function.AUTOREVIEW_BROWSE

    def _refresh(self) -> None:
        self.rows, self.total = self._use(review.auto_approved, page=self.page)

    def _act(self) -> tuple[Callable[..., Any], str]:
        return review.revoke, "autoreview.notice.revoked"

    @rx.event
    def load(self):
        self.dialog_id, self.page = "", 1
        return self._load_page()
