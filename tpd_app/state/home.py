"""The signed-in home page (工作區): what waits for this account, each count linked to the page that
handles it. Every feature counts its own queues, only for the functions the account holds."""

from __future__ import annotations

from typing import Any

import reflex as rx
from sqlmodel import Session

from tpd_app import routes
from tpd_app.domain.permissions import Actor
from tpd_app.domain.workqueue import QueueItem, in_order
from tpd_app.services.accounts import business, teachers
from tpd_app.services.courses import review
from tpd_app.services.helpdesk import queue
from tpd_app.services.hours import attendance, compliance, records, registration
from tpd_app.services.portal import rules
from tpd_app.state.base import AppState
from tpd_app.state.handlers import ActionMixin, Row


def work_queue(session: Session, actor: Actor, *, ip: str = "") -> list[QueueItem]:
    """Every queue of the account, in one transaction, urgent work first."""
    del ip  # counting reads only the caller's own queues; nothing to refuse or record
    return in_order([*review.work_queue(session, actor), *attendance.work_queue(session, actor),
                     *registration.work_queue(session, actor), *records.work_queue(session, actor),
                     *compliance.work_queue(session, actor),
                     *business.work_queue(session, actor), *teachers.work_queue(session, actor),
                     *queue.work_queue(session, actor)])


def home(session: Session, actor: Actor, *, ip: str = "") -> tuple[list[QueueItem], list[dict[str, str]]]:
    """The page in one transaction: the work queues and the rule notices."""
    return work_queue(session, actor, ip=ip), rules.notices(session, actor, ip=ip)


def _row(item: QueueItem) -> Row:
    state = "urgent" if item.urgent else "waiting" if item.waiting else "done"
    return {"key": item.queue.value, "count": str(item.count), "urgent": str(item.urgent) if item.urgent else "",
            "figure": item.figure, "href": routes.QUEUE_ROUTES[item.queue], "state": state}


class HomeState(ActionMixin, AppState):
    """工作區: the account's work queues (any signed-in person: it declares no function)."""

    queue: list[Row] = []
    #: Rule documents whose new version this person has not yet been shown (what changed, once).
    rule_notices: list[Row] = []

    def _refresh(self) -> None:
        queue, notices = self._view(home)
        self.queue = [_row(item) for item in queue]
        self.rule_notices = notices

    @rx.event
    def load(self) -> Any:
        return self._load_page()

    @rx.event
    def acknowledge_rule(self, document: str) -> Any:
        """She has read what changed: the notice is not shown to her again."""
        if not isinstance(document, str):
            return None
        ok, event = self._attempt(rules.acknowledge, document)
        if ok:
            self.rule_notices = [n for n in self.rule_notices if n["document"] != document]
        return event if not ok else None
