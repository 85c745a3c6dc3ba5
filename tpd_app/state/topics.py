"""State of the course-topic (課程類別) reference-data page."""

from __future__ import annotations

from typing import ClassVar

import reflex as rx

from tpd_app import routes
from tpd_app.services.courses import topics
from tpd_app.state.base import AppState
from tpd_app.state.handlers import ActionMixin, Row, form_strings

TOPIC_FIELDS = ("code", "name_zh", "name_en", "sort_order", "statutory")


class TopicsState(ActionMixin, AppState):
    """List, add, edit, retire and restore topics (the ministry and the national centre only)."""

    FUNCTION: ClassVar = routes.page_function(routes.TOPICS)

    topics: list[Row] = []

    def _refresh(self) -> None:
        self.topics = self._use(topics.list_topics)

    @rx.event
    def load(self):
        # The function guard is course.review; the service adds "nationwide only" and says no itself.
        return self._load_page()

    @rx.event
    def edit(self, code: str):
        """Fill the form with an existing topic (display only; saving re-checks everything)."""
        row = next((t for t in self.topics if t["code"] == code), None) if isinstance(code, str) else None
        if row is not None:
            self.values = {key: row.get(key, "") for key in TOPIC_FIELDS}
            self.form_key += 1

    @rx.event
    def save(self, form: dict):
        values = form_strings({**form, "statutory": form.get("statutory", "")} if isinstance(form, dict) else form,
                              TOPIC_FIELDS)
        if values is None:
            return None
        ok, event = self._attempt(topics.save_topic, values, notice="topics.saved")
        if not ok:
            self.values = values
            return event
        self.values = {}
        self.form_key += 1
        return self._after(ok, event)

    @rx.event
    def set_active(self, code: str, active: bool):
        if not isinstance(code, str) or not isinstance(active, bool):
            return None
        ok, event = self._attempt(topics.set_topic_active, code, active,
                                  notice="topics.restored" if active else "topics.retired")
        return self._after(ok, event)
