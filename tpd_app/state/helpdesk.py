"""States of 來信指教: the public contact form, the asker's private link (no sign-in: the key in the link is
the right, kept on the server side of the tab), and the queue of the unit an enquiry was routed to."""

from __future__ import annotations

from typing import Any, ClassVar

import reflex as rx

from tpd_app import routes
from tpd_app.domain.errors import DomainError, NotFound
from tpd_app.domain.helpdesk import HONEYPOT, EnquiryRefused, Topic
from tpd_app.i18n import valid_lang
from tpd_app.services.helpdesk import queue, tickets
from tpd_app.services.platform.db import transaction
from tpd_app.state.base import AppState
from tpd_app.state.handlers import ActionMixin, FormStateMixin, Row, form_strings

#: Refusals after which the form needs a fresh token (a too-fast one becomes good by waiting).
_NEW_TOKEN_AFTER = {"helpdesk.error.form", "helpdesk.error.stale", "helpdesk.error.replayed"}


class HelpFormState(FormStateMixin, AppState):
    """/help: anyone's enquiry (signed in: name and e-mail from the account, and the ticket is hers)."""

    form_token: str = ""
    topic: str = Topic.COURSE.value
    signed_in_asker: bool = False
    sent_number: str = ""
    sent_link: str = ""

    @rx.event
    def load(self):
        self._reset_messages()
        signed_in = self._identity()
        self.page_status = "ok"
        self.sent_number = self.sent_link = ""
        self.signed_in_asker = signed_in is not None
        query = self.router.url.query_parameters
        code = str(query.get("course") or "")[:16]
        self.topic = Topic.COURSE.value if code or str(query.get("topic") or "") not in {
            t.value for t in Topic} else str(query.get("topic"))
        self.values = {**self._read(tickets.form_defaults, signed_in.actor if signed_in else None),
                       "course_code": code}
        self.form_token = tickets.issue_form_token()
        self.form_key += 1

    @rx.event
    def choose_topic(self, topic: str):
        if isinstance(topic, str) and topic in {t.value for t in Topic}:
            self.topic = topic

    @rx.event
    def submit(self, form: dict) -> Any:
        self._reset_messages()
        values = form_strings(form, tickets.FORM_FIELDS)
        if values is None or self.saving:
            return None
        values["topic"] = self.topic
        signed_in = self._identity()
        try:
            with transaction() as session:
                sent = tickets.submit(session, signed_in.actor if signed_in else None, values,
                                      ip=self._client_ip(), lang=valid_lang(self.lang))
        except DomainError as error:
            self.values = {k: v for k, v in values.items() if k not in ("form_token", HONEYPOT)}
            if isinstance(error, EnquiryRefused) and error.key in _NEW_TOKEN_AFTER:
                self.form_token = tickets.issue_form_token()
            return self._fail(error)
        self.sent_number, self.sent_link = sent["number"], sent["link"]
        self.values, self.form_token = {}, ""
        self.notice_key = "helpdesk.sent"
        return None


class HelpTicketState(FormStateMixin, AppState):
    """/help/ticket?key=…: the asker's own ticket and its thread; she adds to it or closes it."""

    _key: str = ""  # a backend var: the link's key never goes back to the browser
    found: bool = False
    checked: bool = False
    ticket: Row = {}
    thread: list[Row] = []

    def _show(self) -> None:
        view = self._read(tickets.asker_view, self._key)
        self.ticket, self.thread, self.found = view["ticket"], view["thread"], True

    @rx.event
    def load(self):
        self._reset_messages()
        self._identity()
        self.page_status = "ok"
        self._key = str(self.router.url.query_parameters.get("key") or "")[:80]
        try:
            self._show()
        except NotFound:
            self._key, self.ticket, self.thread, self.found = "", {}, [], False
        self.checked = True
        self.form_key += 1

    def _act(self, use_case: Any, *args: Any, notice: str) -> None:
        self._reset_messages()
        if not self.found or not self._key:
            return
        try:
            with transaction() as session:
                use_case(session, self._key, *args, ip=self._client_ip())
        except DomainError as error:
            self._fail(error)
            return
        self._show()
        self.notice_key = notice
        self.form_key += 1

    @rx.event
    def add_message(self, form: dict):
        values = form_strings(form, ("body",))
        if values is not None:
            self._act(tickets.add_followup, values["body"], notice="helpdesk.followup_sent")

    @rx.event
    def close_ticket(self):
        self._act(tickets.close_by_asker, notice="helpdesk.closed_by_you")


class HelpdeskState(ActionMixin, AppState):
    """/helpdesk: the enquiries in the queue of the signed-in account's unit, and one of them opened."""

    FUNCTION: ClassVar = routes.page_function(routes.HELPDESK)

    rows: list[Row] = []
    status_filter: str = ""
    ticket: Row = {}
    thread: list[Row] = []
    targets: list[Row] = []

    def _refresh(self) -> None:
        self.rows = self._use(queue.queue_list, status=self.status_filter)

    def _open(self, ticket_id: str) -> None:
        view = self._use(queue.open_ticket, ticket_id)
        self.ticket, self.thread, self.targets = view["ticket"], view["thread"], view["targets"]

    def _close_detail(self) -> None:
        self.ticket, self.thread, self.targets = {}, [], []

    @rx.event
    def load(self):
        query = self.router.url.query_parameters
        status = str(query.get("status") or "")
        self.status_filter = status if status in ("new", "answered", "closed") else ""
        self._close_detail()
        return self._load_page()

    @rx.event
    def filter_status(self, status: str):
        if isinstance(status, str) and status in ("", "new", "answered", "closed"):
            self.status_filter = status
            return self._after(True, None)
        return None

    @rx.event
    def open_ticket(self, ticket_id: str):
        if not isinstance(ticket_id, str):
            return None
        ok, view = self._attempt(queue.open_ticket, ticket_id)
        if not ok:
            self._close_detail()
            return view
        self.ticket, self.thread, self.targets = view["ticket"], view["thread"], view["targets"]
        self.form_key += 1
        return None

    @rx.event
    def close_detail(self):
        self._close_detail()

    def _then_reopen(self, ok: bool, event: Any) -> Any:
        """After an action on the open ticket: the list again, and the ticket if it is still ours."""
        if not ok:
            return event
        ticket_id = self.ticket.get("id", "")
        try:
            self._refresh()
            self._open(ticket_id)
        except NotFound:
            self._close_detail()  # handed to another level: no longer this unit's to read
        except DomainError as error:
            return self._fail(error)
        self.form_key += 1
        return None

    @rx.event
    def reply(self, form: dict) -> Any:
        values = form_strings(form, ("reply",))
        if values is None or not self.ticket:
            return None
        ok, event = self._attempt(queue.reply, self.ticket.get("id", ""), values["reply"],
                                  notice="helpdesk.replied")
        return self._then_reopen(ok, event)

    @rx.event
    def close_ticket(self) -> Any:
        if not self.ticket:
            return None
        ok, event = self._attempt(queue.close, self.ticket.get("id", ""), notice="helpdesk.closed")
        return self._then_reopen(ok, event)

    @rx.event
    def hand_over(self, form: dict) -> Any:
        values = form_strings(form, ("target", "note"))
        if values is None or not self.ticket:
            return None
        ok, event = self._attempt(queue.hand_over, self.ticket.get("id", ""), values["target"], values["note"],
                                  notice="helpdesk.handed_over")
        return self._then_reopen(ok, event)

    @rx.event
    def make_faq(self) -> Any:
        if not self.ticket:
            return None
        ok, event = self._attempt(queue.faq_from_answer, self.ticket.get("id", ""), notice="helpdesk.faq_made")
        return self._then_reopen(ok, event)
