"""Mixins shared by the course list pages: paging, and a dialog that asks for a required reason."""

from __future__ import annotations

import reflex as rx

from tpd_app.domain.errors import DomainError, NotAuthenticated, ValidationFailed


class PagedListMixin(rx.State, mixin=True):
    """One page of rows from a service; subclasses implement `_query` (which may raise DomainError)."""

    rows: list[dict[str, str]] = []
    total: int = 0
    page: int = 1
    error_text: str = ""
    notice_key: str = ""

    def _query(self) -> None:
        raise NotImplementedError

    def _refresh(self) -> rx.event.EventSpec | None:
        try:
            self._query()
        except NotAuthenticated:
            return self._login_redirect()  # type: ignore[attr-defined]
        except DomainError as error:
            self.error_text = self._error_text(error)  # type: ignore[attr-defined]
        return None

    @rx.event
    def go_page(self, delta: int):
        if not isinstance(delta, int) or isinstance(delta, bool) or delta not in (-1, 1):
            return None
        self.page = max(1, self.page + delta)
        return self._refresh()


class ReasonDialogMixin(rx.State, mixin=True):
    """Ask for a reason before acting on one course (cancel, revoke); `_act` does the work."""

    dialog_id: str = ""
    dialog_title: str = ""
    dialog_error: str = ""

    def _act(self, course_id: int, reason: str) -> str:
        """Do it and return the notice key. Raises DomainError."""
        raise NotImplementedError

    @rx.event
    def ask_reason(self, course_id: str, title: str):
        if isinstance(course_id, str) and course_id.isdigit() and isinstance(title, str):
            self.dialog_id, self.dialog_title, self.dialog_error = course_id, title[:200], ""

    @rx.event
    def close_reason(self):
        self.dialog_id = ""

    @rx.event
    def confirm_reason(self, form_data: dict):
        if not isinstance(form_data, dict) or not self.dialog_id.isdigit():
            return None
        try:
            notice = self._act(int(self.dialog_id), str(form_data.get("reason", "")))
        except ValidationFailed as error:
            self.dialog_error = self._t(next(iter(error.field_errors.values()), error.key))  # type: ignore[attr-defined]
            return None
        except DomainError as error:
            self.dialog_error = self._error_text(error)  # type: ignore[attr-defined]
            return None
        self.dialog_id = ""
        self.notice_key = notice
        return self._refresh()  # type: ignore[attr-defined]
