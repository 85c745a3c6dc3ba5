"""States of the directory-change page (學校名錄異動) and the correction of a unit's contact data."""

from __future__ import annotations

from typing import ClassVar

import reflex as rx

from tpd_app import routes
from tpd_app.services.accounts import directory
from tpd_app.state.base import AppState
from tpd_app.state.handlers import ActionMixin, Row, form_strings, parse_id

UNIT_FIELDS = ("contact_name", "phone", "fax", "email", "address", "website")
REPORT_FIELDS = ("kind", "unit_code", "new_name", "successor_code", "school_level", "county", "effective_date",
                 "note")


class DirectoryState(ActionMixin, AppState):
    """Regional centres report directory changes; the national centre acknowledges them."""

    FUNCTION: ClassVar = routes.page_function(routes.DIRECTORY)

    changes: list[Row] = []
    reminder: dict[str, str] = {}
    is_national_centre: bool = False
    kind: str = "new"

    def _refresh(self) -> None:
        self._read(directory.apply_due_changes)
        self.changes = self._use(directory.list_changes)
        self.reminder = directory.reminder()

    @rx.event
    def load(self):
        event = self._load_page()
        self.is_national_centre = self.unit_type_key == "unit_type.national_center"
        return event

    @rx.event
    def choose_kind(self, kind: str):
        if kind in ("new", "closed", "renamed", "transformed", "merged"):
            self.kind = kind

    @rx.event
    def report(self, form: dict):
        values = form_strings(form, REPORT_FIELDS)
        if values is None:
            return None
        values["kind"] = self.kind
        ok, event = self._attempt(directory.report_change, values, notice="directory.reported")
        if not ok:
            self.values = values
            return event
        self.values = {}
        self.form_key += 1
        self.changes = self._use(directory.list_changes)
        return None

    @rx.event
    def acknowledge(self, change_id: str):
        if (key := parse_id(change_id)) is None:
            return None
        ok, event = self._attempt(directory.acknowledge, key, notice="directory.acknowledged")
        if ok:
            self.changes = self._use(directory.list_changes)
        return event


class UnitEditState(ActionMixin, AppState):
    """A centre corrects the contact data of a unit in its jurisdiction."""

    FUNCTION: ClassVar = routes.page_function(routes.UNITS)

    unit_code: str = ""

    @rx.event
    def load(self):
        self.unit_code = ""
        self.values = {}
        return self._load_page()

    @rx.event
    def find(self, form: dict):
        values = form_strings(form, ("code",))
        if values is None:
            return None
        ok, result = self._attempt(directory.unit_for_editing, values["code"])
        if not ok:
            self.unit_code = ""
            return result
        self.values, self.unit_code = result, result["unit_code"]
        self.form_key += 1
        return None

    @rx.event
    def save(self, form: dict):
        values = form_strings(form, UNIT_FIELDS)
        if values is None or not self.unit_code:
            return None
        ok, result = self._attempt(directory.edit_unit, self.unit_code, values, notice="units.saved")
        if ok:
            self.values = result
        return result if not ok else None
