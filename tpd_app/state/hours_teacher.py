"""States of the teacher's own pages: 線上報名, 線上報名記錄, 研習紀錄, 訂閱 (SPEC §1.3).

Thin adapters: the actor comes from the session cookie on every event, services decide.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from tpd_app.domain.permissions import Function
from tpd_app.services.courses.topics import topic_options
from tpd_app.services.hours import records, registration, subscriptions
from tpd_app.services.platform.db import transaction
from tpd_app.services.platform.ids import parse_id
from tpd_app.state.accounts import ActionMixin, Row, form_strings
from tpd_app.state.base import AppState


class HoursMixin(ActionMixin, mixin=True):
    """A notice with parameters (e.g. the waiting position), on top of the usual messages."""

    notice_text: str = ""

    def _say(self, key: str, **params: object) -> None:
        self.notice_key = ""
        self.notice_text = self._t(key, **params)  # type: ignore[attr-defined]

    def _reset_messages(self) -> None:
        super()._reset_messages()
        self.notice_text = ""


class RegisterState(HoursMixin, AppState):
    """線上報名: courses open today, each with "register" or the reason she may not."""

    rows: list[Row] = []
    keyword: str = ""

    def _refresh(self) -> None:
        self.rows = self._use(registration.open_courses, keyword=self.keyword)

    @rx.event
    def load(self):
        self.keyword = ""
        return self._load_page(Function.TEACHER_REGISTER, self._refresh)

    @rx.event
    def search(self, form: dict):
        values = form_strings(form, ("keyword",))
        if values is None:
            return None
        self.keyword = values["keyword"][:100]
        return self._after(True, None)

    @rx.event
    def register(self, course_id: str):
        if (key := parse_id(course_id)) is None:
            return None
        ok, result = self._attempt(registration.register, key)
        if ok:
            if result["status"] == "waiting":
                self._say("registration.notice.waiting", position=result["position"])
            else:
                self._say("registration.notice.pending")
        return self._after(ok, result)


class MyRegistrationsState(HoursMixin, AppState):
    """線上報名記錄: every registration with its status and waiting position; withdraw; .ics."""

    rows: list[Row] = []

    def _refresh(self) -> None:
        self.rows = self._use(registration.my_registrations)

    @rx.event
    def load(self):
        return self._load_page(Function.TEACHER_REGISTRATIONS, self._refresh)

    @rx.event
    def withdraw(self, registration_id: str):
        if (key := parse_id(registration_id)) is None:
            return None
        ok, result = self._attempt(registration.withdraw, key, notice="registration.notice.withdrawn")
        return self._after(ok, result)


class MyRecordState(HoursMixin, AppState):
    """個人研習紀錄: rows, totals, compliance progress, filters, print and PDF."""

    rows: list[Row] = []
    calendar_years: list[Row] = []
    school_years: list[Row] = []
    compliance: list[dict[str, Any]] = []
    teacher: Row = {}
    total_hours: str = ""
    shown_hours: str = ""
    filters: Row = {}

    def _refresh(self) -> None:
        data = self._use(records.my_record, records.RecordFilter.from_params(self.filters))
        self.rows, self.teacher = data["rows"], data["teacher"]
        self.calendar_years, self.school_years = data["calendar_years"], data["school_years"]
        self.compliance = data["compliance"]
        self.total_hours, self.shown_hours = data["total_hours"], data["shown_hours"]

    @rx.event
    def load(self):
        self.filters = {}
        return self._load_page(Function.TEACHER_RECORDS, self._refresh)

    @rx.event
    def apply_filters(self, form: dict):
        values = form_strings(form, ("calendar_year", "school_year", "kind", "topic"))
        if values is None:
            return None
        self.filters = values
        return self._after(True, None)

    @rx.event
    def print_page(self):
        return rx.call_script("window.print()")


class SubscriptionState(HoursMixin, AppState):
    """訂閱: kinds, topics, counties, levels, instant or daily digest."""

    chosen: list[str] = []
    active: bool = False
    digest: bool = False
    has_email: bool = True
    topic_options: list[Row] = []

    def _refresh(self) -> None:
        data = self._use(subscriptions.get_subscription)
        self.active, self.digest, self.has_email = data["active"], data["digest"], data["has_email"]
        self.form_key += 1
        self.chosen = ([f"kind:{v}" for v in data["kinds"]] + [f"topic:{v}" for v in data["topics"]]
                       + [f"county:{v}" for v in data["counties"]] + [f"level:{v}" for v in data["levels"]])
        with transaction() as session:
            self.topic_options = topic_options(session)

    @rx.event
    def load(self):
        return self._load_page(Function.TEACHER_SUBSCRIPTIONS, self._refresh)

    @rx.event
    def save(self, form: dict):
        if not isinstance(form, dict):
            return None
        names = [k for k, v in form.items() if isinstance(k, str) and v in ("on", True, "true")]

        def picked(prefix: str) -> list[str]:
            return [n.split(":", 1)[1] for n in names if n.startswith(prefix + ":")]

        data = {"active": "active" in names, "digest": "digest" in names, "kinds": picked("kind"),
                "topics": picked("topic"), "counties": picked("county"), "levels": picked("level")}
        ok, result = self._attempt(subscriptions.save_subscription, data, notice="subscriptions.saved")
        return self._after(ok, result)
