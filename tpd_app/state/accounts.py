"""States of the account pages: public application, activation queues, subordinate and own-unit accounts.

Every handler takes the actor from the server session, checks its arguments' types itself and calls
one service use case in one transaction; the services decide what is allowed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import ClassVar

import reflex as rx

from tpd_app.domain.errors import DomainError
from tpd_app.domain.permissions import Function
from tpd_app.services.accounts import business, teachers
from tpd_app.state.base import AppState
from tpd_app.state.handlers import ActionMixin, FormStateMixin, Row, form_strings, parse_id


class ApplicationFormMixin(FormStateMixin, mixin=True):
    """A public application form: search a unit by name or code, pick it, apply."""

    unit_results: list[Row] = []
    chosen_unit_id: str = ""
    chosen_unit_label: str = ""
    searched: bool = False
    submitted_id: str = ""

    def _form(self) -> tuple[Callable[..., int], tuple[str, ...], str, str, set[str] | None]:
        """(use case, form fields, the unit's field name, success notice, unit types offered)."""
        raise NotImplementedError

    @rx.event
    def load(self):
        self._reset_messages()
        self._identity()
        self.page_status = "ok"
        self.submitted_id = ""
        self.form_key += 1

    @rx.event
    def search_units(self, form: dict):
        values = form_strings(form, ("q",))
        if values is None:
            return
        rows = self._read(business.search_units, values["q"])
        allowed = self._form()[4]
        self.unit_results = [r for r in rows if allowed is None or r["type"] in allowed]
        self.searched = True

    @rx.event
    def choose_unit(self, unit_id: str):
        chosen = next((r for r in self.unit_results if r["id"] == unit_id), None)
        if chosen is None:
            return
        self.chosen_unit_id = chosen["id"]
        self.chosen_unit_label = f"{chosen['code']} {chosen['name']}"
        self.field_errors = {k: v for k, v in self.field_errors.items() if k != self._form()[2]}

    @rx.event
    async def submit(self, form: dict):
        self._reset_messages()
        use_case, fields, unit_field, notice, _ = self._form()
        values = form_strings(form, fields)
        if values is None:
            return
        values[unit_field] = self.chosen_unit_id
        self.saving = True
        yield
        try:
            application_id = await asyncio.to_thread(self._read, use_case, values, ip=self._client_ip())
        except DomainError as error:
            self.saving = False
            self.values = {k: v for k, v in values.items() if k not in ("password", "confirm")}
            self._fail(error)
            return
        self.saving = False
        self.submitted_id = str(application_id)
        self.notice_key = notice


class ApplyState(ApplicationFormMixin, AppState):
    """業務帳號申請 (public): the unit's reviewing centre, or its own account manager, activates it."""

    def _form(self) -> tuple[Callable[..., int], tuple[str, ...], str, str, set[str] | None]:
        return (business.submit_application,
                ("category", "username", "password", "confirm", "name", "title", "email", "phone"),
                "unit_id", "apply.submitted", None)


class TeacherApplyState(ApplicationFormMixin, AppState):
    """教師帳號申請 (public): the school confirms it."""

    def _form(self) -> tuple[Callable[..., int], tuple[str, ...], str, str, set[str] | None]:
        return (teachers.submit_teacher_application,
                ("national_id", "name", "birth_date", "email", "password", "confirm"),
                "school_id", "teacher_apply.submitted", {"school", "experimental_org"})


FILTER_FIELDS = ("text", "status", "category")


class AccountListMixin(ActionMixin, mixin=True):
    """What both account pages share: the queue, the list with filters, row actions."""

    applications: list[Row] = []
    rows: list[Row] = []
    filters: dict[str, str] = {"text": "", "status": "", "category": ""}

    def _scope(self) -> str:
        raise NotImplementedError

    def _refresh(self) -> None:
        scope = self._scope()
        self.applications = self._use(business.pending_applications, scope=scope)
        self.rows = self._use(business.list_accounts, scope=scope, **self.filters)

    @rx.event
    def apply_filters(self, form: dict):
        values = form_strings(form, FILTER_FIELDS)
        if values is None:
            return None
        self.filters = values
        return self._after(True, None)

    @rx.event
    def activate(self, application_id: str):
        if (key := parse_id(application_id)) is None:
            return None
        ok, event = self._attempt(business.decide_application, key, approve=True, notice="accounts.activated")
        return self._after(ok, event)

    @rx.event
    def reject(self, application_id: str):
        if (key := parse_id(application_id)) is None:
            return None
        ok, event = self._attempt(business.decide_application, key, approve=False, notice="accounts.rejected")
        return self._after(ok, event)

    @rx.event
    def disable(self, account_id: str):
        if (key := parse_id(account_id)) is None:
            return None
        ok, event = self._attempt(business.set_account_status, key, active=False, notice="accounts.disabled")
        return self._after(ok, event)

    @rx.event
    def enable(self, account_id: str):
        if (key := parse_id(account_id)) is None:
            return None
        ok, event = self._attempt(business.set_account_status, key, active=True, notice="accounts.enabled")
        return self._after(ok, event)

    @rx.event
    async def reset_password(self, account_id: str):
        if (key := parse_id(account_id)) is None:
            return
        ok, result = await self._attempt_slow(business.reset_password, key, notice="accounts.password_reset")
        if not ok:
            yield result
            return
        self.secret_text = result
        self.secret_label = next((r["username"] for r in self.rows if r["id"] == str(key)), "")


class SubordinateState(AccountListMixin, AppState):
    """轄下業務帳號管理: activation queue, chief changes (national centre), accounts of the jurisdiction."""

    FUNCTION: ClassVar = Function.ACCOUNTS_SUBORDINATE

    chief_changes: list[Row] = []

    def _scope(self) -> str:
        return business.SUBORDINATE

    def _refresh(self) -> None:
        super()._refresh()
        self.chief_changes = self._use(business.pending_chief_changes)

    @rx.event
    def load(self):
        return self._load_page()

    @rx.event
    def decide_chief_change(self, request_id: str, approve: bool):
        if (key := parse_id(request_id)) is None or not isinstance(approve, bool):
            return None
        ok, event = self._attempt(business.decide_chief_change, key, approve=approve,
                                  notice="accounts.chief_change_decided")
        return self._after(ok, event)


class OwnUnitState(AccountListMixin, AppState):
    """本單位業務帳號管理: create, switch category, narrow grants, disable; file a chief change."""

    FUNCTION: ClassVar = Function.ACCOUNTS_OWN_UNIT

    grant_account_id: str = ""
    grant_account_label: str = ""
    grant_options: list[Row] = []

    def _scope(self) -> str:
        return business.OWN_UNIT

    @rx.event
    def load(self):
        self.grant_account_id = ""
        return self._load_page()

    @rx.event
    async def create(self, form: dict):
        values = form_strings(form, ("category", "username", "name", "title", "email", "phone"))
        if values is None:
            return
        self.saving = True
        yield
        ok, result = await self._attempt_slow(business.create_account, values, notice="accounts.created")
        self.saving = False
        if not ok:
            self.values = values
            yield result
            return
        self.secret_text = result[1]
        self.secret_label = values["username"].strip().lower()
        self.values = {}
        self.form_key += 1
        yield self._after(True, None)

    @rx.event
    def switch_category(self, account_id: str, category: str):
        if (key := parse_id(account_id)) is None or not isinstance(category, str):
            return None
        ok, event = self._attempt(business.switch_category, key, category, notice="accounts.category_switched")
        return self._after(ok, event)

    @rx.event
    def edit_grants(self, account_id: str):
        row = next((r for r in self.rows if r["id"] == account_id), None)
        if row is None:
            return
        granted = set(row["grants"].split(",")) if row["grants"] else set()
        self.grant_account_id = row["id"]
        self.grant_account_label = f"{row['username']} {row['name']}"
        self.grant_options = [{"key": key, "checked": "1" if key in granted else ""}
                              for key in row["grantable"].split(",") if key]
        self.form_key += 1

    @rx.event
    def cancel_grants(self):
        self.grant_account_id = ""

    @rx.event
    def save_grants(self, form: dict):
        if (key := parse_id(self.grant_account_id)) is None or not isinstance(form, dict):
            return None
        chosen = [name.removeprefix("grant:") for name, value in form.items()
                  if isinstance(name, str) and name.startswith("grant:") and value not in (False, "", None)]
        ok, event = self._attempt(business.set_grants, key, chosen, notice="accounts.grants_saved")
        if ok:
            self.grant_account_id = ""
        return self._after(ok, event)

    @rx.event
    def request_chief_change(self, form: dict):
        values = form_strings(form, ("new_chief", "reason"))
        if values is None:
            return None
        key = parse_id(values["new_chief"])
        ok, event = self._attempt(business.file_chief_change, key, values["reason"],
                                  notice="accounts.chief_change_filed")
        return self._after(ok, event)
