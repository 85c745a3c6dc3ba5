"""States of the teacher pages: the roster (teachers.manage) and data entry (teachers.enter)."""

from __future__ import annotations

from typing import ClassVar

import reflex as rx

from tpd_app.domain.permissions import Function
from tpd_app.services.accounts import teacher_import, teachers
from tpd_app.state.base import AppState
from tpd_app.state.handlers import (
    XLSX_MIME,
    ActionMixin,
    BackgroundWorkMixin,
    Row,
    form_strings,
    parse_id,
)


class TeacherRosterState(ActionMixin, AppState):
    """本單位教師帳號管理: search, masked IDs, reveal (audited), contact data, left/retired, transfer in."""

    FUNCTION: ClassVar = Function.TEACHERS_MANAGE

    rows: list[Row] = []
    applications: list[Row] = []
    text: str = ""
    employment: str = "serving"
    revealed_id: str = ""
    revealed_value: str = ""
    editing_id: str = ""
    editing_name: str = ""
    history: list[Row] = []
    history_for: str = ""

    def _refresh(self) -> None:
        self.rows = self._view(teachers.list_roster, text=self.text, employment=self.employment)
        self.applications = self._view(teachers.pending_teacher_applications)

    @rx.event
    def load(self):
        self.revealed_id = self.revealed_value = self.editing_id = self.history_for = ""
        return self._load_page()

    @rx.event
    def search(self, form: dict):
        values = form_strings(form, ("text", "employment"))
        if values is None:
            return None
        self.text, self.employment = values["text"], values["employment"]
        return self._after(True, None)

    @rx.event
    def reveal(self, teacher_id: str):
        if (key := parse_id(teacher_id)) is None:
            return None
        ok, result = self._attempt(teachers.reveal_national_id, key)
        if not ok:
            return result
        self.revealed_id, self.revealed_value = str(key), result
        return None

    @rx.event
    def show_history(self, teacher_id: str):
        if (key := parse_id(teacher_id)) is None:
            return None
        ok, result = self._attempt(teachers.placement_history, key)
        if not ok:
            return result
        self.history, self.history_for = result, str(key)
        return None

    @rx.event
    def start_edit(self, teacher_id: str):
        row = next((r for r in self.rows if r["id"] == teacher_id), None)
        if row is None:
            return
        self.editing_id, self.editing_name = row["id"], row["name"]
        self.values = {"email": row["email"], "phone": row["phone"]}
        self.field_errors = {}
        self.form_key += 1

    @rx.event
    def cancel_edit(self):
        self.editing_id = ""

    @rx.event
    def save_contact(self, form: dict):
        values = form_strings(form, ("email", "phone"))
        if values is None or (key := parse_id(self.editing_id)) is None:
            return None
        ok, event = self._attempt(teachers.update_contact, key, values, notice="teachers.saved")
        if ok:
            self.editing_id = ""
        return self._after(ok, event)

    @rx.event
    def set_employment(self, teacher_id: str, employment: str):
        if (key := parse_id(teacher_id)) is None or not isinstance(employment, str):
            return None
        ok, event = self._attempt(teachers.set_employment, key, employment, notice="teachers.saved")
        return self._after(ok, event)

    @rx.event
    async def reset_password(self, teacher_id: str):
        if (key := parse_id(teacher_id)) is None:
            return
        ok, result = await self._attempt_slow(teachers.reset_teacher_password, key,
                                              notice="accounts.password_reset")
        if not ok:
            yield result
            return
        self.secret_text = result
        self.secret_label = next((r["name"] for r in self.rows if r["id"] == str(key)), "")

    @rx.event
    def take_in(self, form: dict):
        values = form_strings(form, ("national_id", "name", "birth_date"))
        if values is None:
            return None
        ok, event = self._attempt(teachers.take_in_teacher, values, notice="teachers.taken_in")
        if ok:
            self.form_key += 1
        return self._after(ok, event)

    @rx.event
    def decide_application(self, application_id: str, approve: bool):
        if (key := parse_id(application_id)) is None or not isinstance(approve, bool):
            return None
        ok, event = self._attempt(teachers.decide_teacher_application, key, approve=approve,
                                  notice="teachers.application_decided")
        return self._after(ok, event)


class TeacherEntryState(BackgroundWorkMixin, AppState):
    """教師資料登錄: one teacher by form, many from the Excel template, and transfers in."""

    FUNCTION: ClassVar = Function.TEACHERS_ENTER

    report: list[Row] = []
    report_added: int = 0
    report_failed: int = 0

    @rx.event
    def load(self):
        self.report = []
        return self._load_page()

    @rx.event
    async def enter(self, form: dict):
        values = form_strings(form, ("national_id", "name", "birth_date", "email", "phone"))
        if values is None:
            return
        self.saving = True
        yield
        ok, result = await self._attempt_slow(teachers.enter_teacher, values, notice="teachers.entered")
        self.saving = False
        if not ok:
            self.values = values
            yield result
            return
        row, password = result
        self.secret_text = password
        self.secret_label = f"{row['name']} {row['national_id']}"
        self.values = {}
        self.form_key += 1

    @rx.event
    def download_template(self):
        return self._download(Function.TEACHERS_ENTER, teacher_import.template_bytes, "teacher-template.xlsx",
                              XLSX_MIME)

    @rx.event
    async def import_file(self, files: list[rx.UploadFile]):
        """Receives the file; the import itself is `run_import`, a background job."""
        self.report = []
        if await self._keep_upload(files):
            return TeacherEntryState.run_import
        return None

    @rx.event(background=True)
    async def run_import(self):
        """Adds every valid row of the uploaded file as a teacher and reports each row."""
        if (upload := await self._take_upload()) is None:
            return None
        ok, result = await self._in_background(teacher_import.import_teachers, *upload, notice="import.done")
        async with self:
            if not ok:
                self._say_file_refusal()
                return result
            self.report = result
            self.report_added = sum(1 for r in result if r["outcome"] == "added")
            self.report_failed = len(result) - self.report_added

