"""稽核紀錄: the audit-log viewer of a centre's jurisdiction (personal data masked)."""

from __future__ import annotations

from typing import ClassVar

import reflex as rx

from tpd_app import routes
from tpd_app.services.accounts import audit_viewer
from tpd_app.state.base import AppState
from tpd_app.state.handlers import ActionMixin, Row, form_strings


class AuditState(ActionMixin, AppState):
    """稽核紀錄: the audit log of the actor's jurisdiction, filtered, personal data masked."""

    #: Any signed-in person may open the page; the service shows each centre its own jurisdiction.
    FUNCTION: ClassVar = routes.page_function(routes.AUDIT)

    entries: list[Row] = []
    filters: dict[str, str] = {}

    def _refresh(self) -> None:
        self.entries = self._use(audit_viewer.list_audit, **self.filters)

    @rx.event
    def load(self):
        self.filters = {}
        return self._load_page()

    @rx.event
    def apply_filters(self, form: dict):
        values = form_strings(form, ("who", "unit_code", "action", "date_from", "date_to"))
        if values is None:
            return None
        self.filters = values
        ok, event = self._attempt(audit_viewer.list_audit, **values)
        if ok:
            self.entries = event
            return None
        return event
