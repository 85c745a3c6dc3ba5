"""States of back-end reporting (SPEC §3.5): a unit's API clients, and the national centre's reporting modes."""

from __future__ import annotations

from typing import ClassVar

import reflex as rx

from tpd_app import routes
from tpd_app.domain.reporting import Scope
from tpd_app.services.platform.ids import parse_id
from tpd_app.services.reporting import clients, modes, months
from tpd_app.state.base import AppState
from tpd_app.state.handlers import ActionMixin, BackgroundWorkMixin, Row, form_strings

CLIENT_FIELDS = ("name", "addresses", "expires_on")
MODE_FIELDS = ("county", "mode", "since")


class ApiClientsState(ActionMixin, AppState):
    """API 用戶端: make a client (its token shown once, in `secret_text`), replace its token, revoke it."""

    FUNCTION: ClassVar = routes.page_function(routes.REPORTING_CLIENTS)

    rows: list[Row] = []

    def _refresh(self) -> None:
        self.rows = self._use(clients.list_clients)

    @rx.event
    def load(self):
        return self._load_page()

    @rx.event
    def create(self, form: dict):
        values = form_strings(form, CLIENT_FIELDS)
        if values is None:
            return None
        scopes = [s.value for s in Scope if form.get(f"scope__{s.value}") in ("on", "1", True)]
        ok, result = self._attempt(clients.create_client, {**values, "scopes": scopes}, notice="reporting.created")
        if not ok:
            self.values = values
            return result
        self.values = {}
        self.form_key += 1
        row, token = result
        self.secret_text, self.secret_label = token, row["name"]
        return self._after(ok, None)

    @rx.event
    def rotate(self, client_id: str):
        if (key := parse_id(client_id)) is None:
            return None
        ok, result = self._attempt(clients.rotate_client, key, notice="reporting.rotated")
        if not ok:
            return result
        row, token = result
        self.secret_text, self.secret_label = token, row["name"]
        return self._after(ok, None)

    @rx.event
    def revoke(self, client_id: str):
        if (key := parse_id(client_id)) is None:
            return None
        ok, result = self._attempt(clients.revoke_client, key, notice="reporting.revoked")
        return self._after(ok, result if not ok else None)


class ReportingModesState(ActionMixin, AppState):
    """縣市傳報方式: the national centre sets which counties report back-end, and from when."""

    FUNCTION: ClassVar = routes.page_function(routes.REPORTING_MODES)

    rows: list[Row] = []

    def _refresh(self) -> None:
        self.rows = self._use(modes.list_modes)

    @rx.event
    def load(self):
        return self._load_page()

    @rx.event
    def save(self, form: dict):
        values = form_strings(form, MODE_FIELDS)
        if values is None:
            return None
        ok, result = self._attempt(modes.set_mode, values, notice="reporting.mode_saved")
        if not ok:
            self.values = values
            return result
        self.values = {}
        self.form_key += 1
        return self._after(ok, None)


class ReportedMonthsState(BackgroundWorkMixin, AppState):
    """傳報月份確認: last month's (or a chosen month's) data from the own system, per school, with what was
    refused; confirming credits every provisional list of the month (a background job with progress)."""

    FUNCTION: ClassVar = routes.page_function(routes.REPORTING_MONTHS)

    summary: Row = {}
    schools: list[Row] = []
    lists: list[Row] = []
    rejections: list[Row] = []

    def _refresh(self) -> None:
        wanted = self.router.url.query_parameters.get("month", "") or self.summary.get("month", "")
        result = self._use(months.month_summary, wanted)
        self.schools, self.lists, self.rejections = result.pop("schools"), result.pop("lists"), result.pop("rejections")
        self.summary = result

    @rx.event
    def load(self):
        self.summary = {}
        return self._load_page()

    @rx.event
    def choose(self, form: dict):
        values = form_strings(form, ("month",))
        if values is None:
            return None
        return rx.redirect(f"{routes.REPORTING_MONTHS}?month={values['month'].strip()[:10]}")

    @rx.event(background=True)
    async def confirm(self):
        async with self:
            month = self.summary.get("month", "")
        if not month:
            return None
        ok, result = await self._in_background(months.confirm_month, month)
        if not ok:
            return result
        async with self:
            self._say("reporting.month_confirmed", month=result["month"], lists=result["lists"],
                      entries=result["entries"])
            return self._after(True, None)
