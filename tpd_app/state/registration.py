"""線上報名 (SPEC §3.2): the teacher's registration and registration history, the organizer's courses
with registrations and each course's registrants.
"""

from __future__ import annotations

from typing import Any, ClassVar

import reflex as rx
from sqlmodel import Session

from tpd_app import routes
from tpd_app.domain.errors import DomainError
from tpd_app.domain.permissions import Actor, Function
from tpd_app.services.hours import attendance, calendar, registration
from tpd_app.services.platform.guard import require
from tpd_app.state.base import AppState
from tpd_app.state.handlers import ActionMixin, Row, form_strings, parse_id


async def register_at_desk(state: ActionMixin, course_id: int) -> tuple[dict[str, Any] | None, Any]:
    """報名 as the tab's signed-in teacher, queued at `registration.desk` with everyone else's who pressed at
    the same moment and answered in order (the registration list and the course page both use it): (her
    answer, None) with the notice said, or (None, the event to return: the login, or None with the error)."""
    state._reset_messages()
    try:
        signed_in = state._actor_or_raise()  # type: ignore[attr-defined]
        ip = state._client_ip()  # type: ignore[attr-defined]
        require(signed_in.actor, Function.TEACHER_REGISTER, ip=ip)
        result = await registration.desk.submit((signed_in.actor, course_id, ip))
    except DomainError as error:
        return None, state._fail(error)
    if result["status"] == "waiting":
        state._say("registration.notice.waiting", position=result["position"])
    else:
        state._say("registration.notice.pending")
    return result, None


class RegisterState(ActionMixin, AppState):
    """線上報名: courses open today, each with "register" or the reason she may not."""

    FUNCTION: ClassVar = Function.TEACHER_REGISTER

    rows: list[Row] = []
    keyword: str = ""

    def _refresh(self) -> None:
        self.rows = self._view(registration.open_courses, keyword=self.keyword)

    @rx.event
    def load(self):
        self.keyword = ""
        return self._load_page()

    @rx.event
    def search(self, form: dict):
        values = form_strings(form, ("keyword",))
        if values is None:
            return None
        self.keyword = values["keyword"][:100]
        return self._after(True, None)

    @rx.event
    async def register(self, course_id: str):
        """報名: queued with everyone else's who pressed at the same moment (`registration.desk`), answered in
        order."""
        if (key := parse_id(course_id)) is None:
            return None
        result, event = await register_at_desk(self, key)
        if result is None:
            return event
        # Only her row changed for her: mark it instead of reading every open course again (in a rush each
        # answer would cost a second query set; the next visit reads them all).
        self.rows = [{**row, "my_status": result["status"], "refusal": "registration.refused.already"}
                     if row.get("id") == str(key) else row for row in self.rows]
        return None


def _registrations_and_feed(session: Session, actor: Actor, *, ip: str = "") -> tuple[list[Row], Row]:
    """線上報名記錄 in one transaction: her registrations and her calendar feed."""
    return registration.my_registrations(session, actor, ip=ip), calendar.my_feed(session, actor, ip=ip)


class MyRegistrationsState(ActionMixin, AppState):
    """線上報名記錄: every registration with its status and waiting position; withdraw; .ics."""

    FUNCTION: ClassVar = Function.TEACHER_REGISTRATIONS

    rows: list[Row] = []
    #: Her personal calendar subscription: address ("" when she has none), last_read (ISO).
    feed: Row = {}

    def _refresh(self) -> None:
        self.rows, self.feed = self._view(_registrations_and_feed)

    @rx.event
    def load(self):
        return self._load_page()

    @rx.event
    def withdraw(self, registration_id: str):
        if (key := parse_id(registration_id)) is None:
            return None
        ok, result = self._attempt(registration.withdraw, key, notice="registration.notice.withdrawn")
        return self._after(ok, result)

    @rx.event
    def make_feed(self):
        """A new calendar address (an earlier one stops working)."""
        ok, result = self._attempt(calendar.make_feed, notice="registration.feed.made")
        return self._after(ok, result)

    @rx.event
    def stop_feed(self):
        ok, result = self._attempt(calendar.stop_feed, notice="registration.feed.stopped")
        return self._after(ok, result)


class ParticipantsState(ActionMixin, AppState):
    """報名與名單: upcoming courses with registrations, and ended courses whose list is due."""

    FUNCTION: ClassVar = routes.page_function(routes.PARTICIPANTS)

    upcoming: list[Row] = []
    due: list[Row] = []

    def _refresh(self) -> None:
        self.upcoming = self._view(registration.organizer_courses)
        self.due = self._view(attendance.due_lists)

    @rx.event
    def load(self):
        return self._load_page()


class RegistrantsState(ActionMixin, AppState):
    """One course's registrants: accept (one or ticked), decline with a reason, export."""

    FUNCTION: ClassVar = routes.page_function(routes.REGISTRANTS)

    course: Row = {}
    rows: list[Row] = []
    selected: list[str] = []
    decline_id: str = ""
    decline_name: str = ""
    decline_error: str = ""

    def _course_id(self) -> int | None:
        return parse_id(self.router.url.query_parameters.get("id", ""))

    def _refresh(self) -> None:
        data = self._view(registration.registrants, self._course_id() or 0)
        self.course, self.rows = data["course"], data["rows"]
        pending = {r["id"] for r in self.rows if r["status"] == "pending"}
        self.selected = [i for i in self.selected if i in pending]

    @rx.event
    def load(self):
        self.selected, self.decline_id = [], ""
        return self._load_page()

    @rx.event
    def toggle(self, registration_id: str, ticked: bool):
        if not isinstance(registration_id, str) or not isinstance(ticked, bool):
            return
        rest = [i for i in self.selected if i != registration_id]
        self.selected = [*rest, registration_id] if ticked else rest

    @rx.event
    def accept(self, registration_id: str):
        if (key := parse_id(registration_id)) is None:
            return None
        ok, result = self._attempt(registration.accept, self._course_id() or 0, [key],
                                   notice="registration.notice.accepted")
        return self._after(ok, result)

    @rx.event
    def accept_selected(self):
        ids = [i for i in (parse_id(x) for x in self.selected) if i is not None]
        ok, result = self._attempt(registration.accept, self._course_id() or 0, ids,
                                   notice="registration.notice.accepted")
        if ok:
            self.selected = []
        return self._after(ok, result)

    @rx.event
    def ask_decline(self, registration_id: str, name: str):
        if isinstance(registration_id, str) and isinstance(name, str):
            self.decline_id, self.decline_name, self.decline_error = registration_id, name[:100], ""

    @rx.event
    def close_decline(self):
        self.decline_id = ""

    @rx.event
    def confirm_decline(self, form: dict):
        values = form_strings(form, ("reason",))
        if values is None or (key := parse_id(self.decline_id)) is None:
            return None
        ok, result = self._attempt(registration.decline, self._course_id() or 0, key, values["reason"],
                                   notice="registration.notice.declined")
        if not ok:
            self.decline_error = self.error_text
            return result
        self.decline_id = ""
        return self._after(ok, result)
