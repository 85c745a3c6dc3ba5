"""名單上傳 → 名單確認 → 研習紀錄 (SPEC §3.3): the organizer's attendance list, the centre's confirmation,
the teacher's own record, schools' teacher records and the county's report permissions.
"""

from __future__ import annotations

from typing import Any, ClassVar

import reflex as rx

from tpd_app import routes
from tpd_app.domain.errors import DomainError
from tpd_app.domain.permissions import Function
from tpd_app.i18n import valid_lang
from tpd_app.services.hours import attendance, compliance, records
from tpd_app.services.platform import uploads
from tpd_app.state.base import AppState
from tpd_app.state.handlers import (
    XLSX_MIME,
    ActionMixin,
    BackgroundWorkMixin,
    Row,
    form_strings,
    parse_id,
)


class MyRecordState(ActionMixin, AppState):
    """個人研習紀錄: rows, totals, compliance progress, filters, print and PDF."""

    FUNCTION: ClassVar = Function.TEACHER_RECORDS

    rows: list[Row] = []
    calendar_years: list[Row] = []
    school_years: list[Row] = []
    compliance: list[dict[str, Any]] = []
    teacher: Row = {}
    total_hours: str = ""
    shown_hours: str = ""
    filters: Row = {}

    def _refresh(self) -> None:
        data = self._view(records.my_record, records.RecordFilter.from_params(self.filters))
        self.rows, self.teacher = data["rows"], data["teacher"]
        self.calendar_years, self.school_years = data["calendar_years"], data["school_years"]
        self.compliance = data["compliance"]
        self.total_hours, self.shown_hours = data["total_hours"], data["shown_hours"]

    @rx.event
    def load(self):
        self.filters = {}
        return self._load_page()

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


class AttendanceState(BackgroundWorkMixin, AppState):
    """名單上傳: the list of one ended course, walk-ins, hours, Excel import with a row report, submit."""

    FUNCTION: ClassVar = routes.page_function(routes.ATTENDANCE)

    info: Row = {}
    entries: list[Row] = []
    history: list[Row] = []
    report: list[Row] = []
    #: A file with bad rows, kept privately (not in the pickled state) until the user imports its good rows.
    _pending_file: str = ""
    _pending_name: str = ""
    has_pending: bool = False

    def _course_id(self) -> int:
        return parse_id(self.router.url.query_parameters.get("id", "")) or 0

    def _refresh(self) -> None:
        data = self._use(attendance.list_view, self._course_id())
        self.info, self.entries, self.history = data["list"], data["entries"], data["history"]

    @rx.event
    def load(self):
        self.report = []
        self._forget_pending()
        return self._load_page()

    @rx.event
    def add(self, form: dict):
        values = form_strings(form, ("national_id", "hours"))
        if values is None:
            return None
        ok, result = self._attempt(attendance.add_walk_in, self._course_id(), values["national_id"],
                                   values["hours"])
        if ok:
            self.form_key += 1
        return self._after(ok, result)

    @rx.event
    def set_hours(self, teacher_id: str, hours: str):
        if (key := parse_id(teacher_id)) is None or not isinstance(hours, str):
            return None
        ok, result = self._attempt(attendance.set_hours, self._course_id(), key, hours)
        return self._after(ok, result)

    @rx.event
    def remove(self, teacher_id: str):
        if (key := parse_id(teacher_id)) is None:
            return None
        ok, result = self._attempt(attendance.remove_entry, self._course_id(), key)
        return self._after(ok, result)

    def _forget_pending(self) -> None:
        uploads.discard(self._pending_file)
        self._pending_file, self.has_pending = "", False

    def _show_report(self, result: dict[str, Any]) -> None:
        self.report = result["rows"]
        if result["errors"] and not result["imported"]:
            self.error_text = self._t("attendance.import.has_errors", errors=result["errors"])
        else:
            self._say("attendance.import.clean", imported=result["imported"])
            self._forget_pending()

    @rx.event
    async def import_file(self, files: list[rx.UploadFile]):
        """Receives the file; the import itself is `run_import`, a background job."""
        self.report = []
        if await self._keep_upload(files):
            return AttendanceState.run_import
        return None

    @rx.event(background=True)
    async def run_import(self):
        """Checks every row of the uploaded file and imports them (all, or none while any is bad)."""
        if (upload := await self._take_upload()) is None:
            return None
        name, data = upload
        async with self:
            course_id = self._course_id()
        ok, result = await self._in_background(attendance.import_list, course_id, name, data)
        async with self:
            if not ok:
                self._say_file_refusal()
                return result
            self._forget_pending()
            if result["errors"]:
                self._pending_file, self._pending_name = uploads.keep(data), name
                self.has_pending = True
            self._show_report(result)
            return self._after(True, None)

    @rx.event(background=True)
    async def import_good_rows(self):
        async with self:
            kept, name, course_id = self._pending_file, self._pending_name, self._course_id()
        data = uploads.read(kept) if kept else None
        if data is None:
            return None
        ok, result = await self._in_background(attendance.import_list, course_id, name, data, accept_good_rows=True)
        async with self:
            if not ok:
                return result
            self._show_report(result)
            self._forget_pending()
            return self._after(True, None)

    @rx.event
    def submit(self):
        ok, result = self._attempt(attendance.submit_list, self._course_id())
        if ok:
            self._say("attendance.notice.submitted_late" if result else "attendance.notice.submitted")
            result = None
        return self._after(ok, result)

    @rx.event
    def correct(self):
        ok, result = self._attempt(attendance.start_correction, self._course_id(),
                                   notice="attendance.notice.correcting")
        return self._after(ok, result)

    @rx.event
    def download_template(self):
        return self._download(Function.COURSE_MANAGE, attendance.template_bytes, "attendance-template.xlsx",
                              XLSX_MIME)


class ConfirmListsState(BackgroundWorkMixin, AppState):
    """名單確認: submitted lists of the centre's organizers (late ones flagged), confirm or return."""

    FUNCTION: ClassVar = routes.page_function(routes.CONFIRM_LISTS)

    rows: list[Row] = []
    info: Row = {}
    entries: list[Row] = []
    history: list[Row] = []
    return_open: bool = False
    return_error: str = ""

    def _refresh(self) -> None:
        self.rows = self._view(attendance.confirmation_queue)

    @rx.event
    def load(self):
        self.info, self.entries, self.return_open = {}, [], False
        return self._load_page()

    @rx.event
    def open_list(self, list_id: str):
        if (key := parse_id(list_id)) is None:
            return None
        ok, result = self._attempt(attendance.list_for_review, key)
        if not ok:
            return result
        self.info, self.entries, self.history = result["list"], result["entries"], result["history"]
        return None

    @rx.event
    def close_list(self):
        self.info, self.entries = {}, []

    @rx.event(background=True)
    async def confirm(self):
        """Credits every attendee: a background job with a progress bar (a list may hold thousands)."""
        async with self:
            key = parse_id(self.info.get("id", ""))
        if key is None:
            return None
        ok, result = await self._in_background(attendance.confirm_list, key)
        if not ok:
            return result
        async with self:
            self._say("attendance.notice.confirmed", count=result)
            self.info, self.entries = {}, []
            return self._after(True, None)

    @rx.event
    def ask_return(self):
        self.return_open, self.return_error = True, ""

    @rx.event
    def close_return(self):
        self.return_open = False

    @rx.event
    def confirm_return(self, form: dict):
        values = form_strings(form, ("reason",))
        if values is None or (key := parse_id(self.info.get("id", ""))) is None:
            return None
        ok, result = self._attempt(attendance.return_list, key, values["reason"], notice="attendance.notice.returned")
        if not ok:
            self.return_error = self.error_text
            return result
        self.return_open, self.info, self.entries = False, {}, []
        return self._after(ok, result)


class SchoolRecordsState(ActionMixin, AppState):
    """教師研習記錄 as a compliance view: the school's serving teachers with this school year's hours and
    each rule's shortfall (filtered, sorted, paged), the summary's export, the reminder mail, and, where
    the county allows, each one's record."""

    FUNCTION: ClassVar = Function.TEACHERS_RECORDS

    rows: list[Row] = []
    counts: dict[str, int] = {}
    rules: list[Row] = []
    school_year: str = ""
    page: int = 1
    pages: int = 1
    permissions: Row = {}
    reminded: Row = {}
    can_remind: bool = False
    #: The page's filter as the query string and the form hold it (show, sort, desc, q).
    filters: Row = {"show": "all", "sort": "name", "desc": "", "q": ""}
    detail: dict[str, Any] = {}
    detail_rows: list[Row] = []
    detail_years: list[Row] = []

    def _query(self) -> compliance.ComplianceQuery:
        return compliance.ComplianceQuery.from_params({**self.filters, "page": str(self.page)})

    def _refresh(self) -> None:
        data = self._view(compliance.school_compliance, self._query())
        self.rows, self.counts, self.rules = data["rows"], data["counts"], data["rules"]
        self.school_year, self.page, self.pages = data["school_year"], data["page"], data["pages"]
        self.permissions, self.reminded = data["permissions"], data["reminded"]
        self.can_remind = data["can_remind"] == "1"

    @rx.event
    def load(self):
        self.detail, self.detail_rows = {}, []
        query = compliance.ComplianceQuery.from_params(dict(self.router.url.query_parameters))
        self.filters = {"show": query.show, "sort": query.sort, "desc": "1" if query.descending else "",
                        "q": query.keyword}
        self.page = query.page
        self.form_key += 1
        return self._load_page()

    @rx.event
    def apply_filters(self, form: dict):
        """The filter form: which teachers, the order, a name or ID."""
        values = form_strings(form, ("show", "sort", "desc", "q"))
        if values is None:
            return None
        query = compliance.ComplianceQuery.from_params(values)
        self.filters = {"show": query.show, "sort": query.sort, "desc": "1" if query.descending else "",
                        "q": query.keyword}
        self.page = 1
        return self._reload()

    @rx.event
    def go_page(self, page: int):
        if not isinstance(page, int) or isinstance(page, bool) or not 0 < page <= max(self.pages, 1):
            return None
        self.page = page
        return self._reload()

    def _reload(self, *, keep_messages: bool = False):
        if not keep_messages:
            self._reset_messages()
        try:
            self._refresh()
        except DomainError as error:
            return self._fail(error)
        return None

    @rx.event
    def export_summary(self):
        """The summary as it is filtered and sorted (every page of it), as .xlsx."""
        ok, result = self._attempt(compliance.summary_workbook, valid_lang(self.lang), self._query())
        if not ok:
            return result
        filename, data = result
        return rx.download(data=data, filename=filename, mime_type=XLSX_MIME)

    @rx.event
    def send_reminders(self):
        ok, result = self._attempt(compliance.send_reminders)
        if not ok:
            return result
        self._say("records.reminder.sent", **result)
        return self._reload(keep_messages=True)

    @rx.event
    def open_teacher(self, teacher_id: str):
        if (key := parse_id(teacher_id)) is None:
            return None
        ok, result = self._attempt(records.school_teacher_record, key)
        if not ok:
            return result
        self.detail = {"name": result["teacher"]["name"], "national_id": result["teacher"]["national_id"],
                       "total": result["total_hours"]}
        self.detail_rows, self.detail_years = result["rows"], result["school_years"]
        return None

    @rx.event
    def close_teacher(self):
        self.detail, self.detail_rows = {}, []

    @rx.event
    def print_page(self):
        if self.permissions.get("allow_print") != "1":
            return None
        return rx.call_script("window.print()")


class ReportPermissionState(ActionMixin, AppState):
    """修改本縣市教師報表權限, and the compliance rules of the county."""

    FUNCTION: ClassVar = Function.COUNTY_REPORT_PERMISSIONS

    view_detail: bool = True
    allow_print: bool = True
    rules: list[Row] = []

    def _refresh(self) -> None:
        data = self._use(records.get_report_permission)
        self.view_detail, self.allow_print = data["view_detail"] == "1", data["allow_print"] == "1"
        self.rules = self._use(records.list_rules)
        self.form_key += 1

    @rx.event
    def load(self):
        return self._load_page()

    @rx.event
    def save(self, form: dict):
        if not isinstance(form, dict):
            return None
        ok, result = self._attempt(records.save_report_permission, form.get("view_detail") == "on",
                                   form.get("allow_print") == "on", notice="records.permissions.saved")
        return self._after(ok, result)

    @rx.event
    def save_rule(self, form: dict):
        values = form_strings(form, ("key", "hours"))
        if values is None:
            return None
        ok, result = self._attempt(records.save_rule, values["key"], values["hours"],
                                   notice="records.permissions.saved")
        return self._after(ok, result)
