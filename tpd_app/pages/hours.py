"""名單上傳 → 名單確認 → 研習紀錄 (SPEC §3.3): the organizer's attendance list, the centre's list
confirmation, the teacher's own record, schools' teacher records and the county's report permissions."""

from __future__ import annotations

import reflex as rx

from tpd_app import routes
from tpd_app.components import tokens
from tpd_app.components.badges import status_badge
from tpd_app.components.confirm import confirm_action
from tpd_app.components.courses import checkbox, kind_label, localized, reason_dialog
from tpd_app.components.forms import named_upload, work_progress
from tpd_app.components.hours import PRINT_CSS, messages
from tpd_app.components.i18n import COLON, GAP, date_label, tr
from tpd_app.components.shell import app_shell
from tpd_app.components.tables import (
    STACK_CLASS,
    cell,
    stacked_table,
)
from tpd_app.domain import registration
from tpd_app.domain.courses import CourseKind
from tpd_app.domain.permissions import Function
from tpd_app.state.handlers import MAX_UPLOAD_BYTES, XLSX_MIME
from tpd_app.state.hours import (
    AttendanceState,
    ConfirmListsState,
    MyRecordState,
    ReportPermissionState,
    SchoolRecordsState,
)


def _record_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        cell(date_label(row["date"]), white_space="nowrap"), cell(row["code"]),
        cell(row["title"]), cell(row["organizer"]), cell(kind_label(row["kind"])),
        cell(localized(row, "topics", "topics_en")),
        cell(row["hours"], text_align="right"),
        data_testid="record-row",
    )


def _progress(item: rx.Var) -> rx.Component:
    period = rx.cond(item["period"] == "school_year", tr("records.period.school_year"),
                     tr("records.period.calendar_year")).to(str).replace("{label}", item["label"].to(str))
    return rx.vstack(
        rx.hstack(rx.text(tr("records.rule." + item["key"].to(str)), weight="medium", size="2"),
                  rx.text(period, size="1", color=tokens.MUTED), rx.spacer(),
                  rx.text(item["done"], " / ", item["required"], size="2"),
                  width="100%", align="center"),
        rx.progress(value=item["percent"].to(int), max=100, aria_label=tr("records.rule." + item["key"].to(str)),
                    color_scheme=rx.cond(item["met"] == "1", tokens.OK, tokens.WARN)),
        rx.text(rx.cond(item["met"] == "1", tr("records.compliance.met"),
                        tr("records.compliance.missing").to(str).replace("{hours}", item["missing"].to(str))),
                size="1", color=rx.cond(item["met"] == "1", tokens.OK_TEXT, tokens.ERROR)),
        spacing="1", width="100%", data_testid="compliance",
    )


def _year_chip(row: rx.Var, label_key: str) -> rx.Component:
    return rx.badge(row["year"], " ", tr(label_key), COLON, row["hours"], variant="outline", size="2")


def _filters() -> rx.Component:
    S = MyRecordState
    style = {"padding": "0.35rem", "border": tokens.BORDER, "border_radius": tokens.RADIUS}
    return rx.form(
        rx.hstack(
            rx.el.select(rx.el.option(tr("records.field.school_year"), value=""),
                         rx.foreach(S.school_years, lambda y: rx.el.option(y["year"], value=y["year"])),
                         name="school_year", aria_label="school_year", style=style, data_testid="filter-school-year"),
            rx.el.select(rx.el.option(tr("records.field.calendar_year"), value=""),
                         rx.foreach(S.calendar_years, lambda y: rx.el.option(y["year"], value=y["year"])),
                         name="calendar_year", aria_label="calendar_year", style=style),
            rx.el.select(rx.el.option(tr("course.filter.all_kinds"), value=""),
                         *[rx.el.option(tr(f"course.kind.{k.value}"), value=k.value) for k in CourseKind],
                         name="kind", aria_label="kind", style=style),
            rx.el.input(type="hidden", name="topic", value=""),
            rx.button(rx.icon("search", size=14), tr("common.search"), type="submit", data_testid="filter-apply"),
            wrap="wrap", spacing="2", align="center",
        ),
        on_submit=S.apply_filters, class_name="no-print",
    )


def record_body() -> rx.Component:
    S = MyRecordState
    return rx.vstack(
        rx.el.style(PRINT_CSS),
        messages(S),
        rx.hstack(
            rx.text(tr("attendance.field.name"), COLON, S.teacher["name"], size="2"),
            rx.text(tr("attendance.field.national_id"), COLON, S.teacher["national_id"], size="2"),
            rx.text(tr("registration.field.school"), COLON, S.teacher["school"], size="2"),
            rx.text(tr("records.total"), COLON, rx.text.strong(S.total_hours, data_testid="total-hours"), size="2"),
            spacing="4", wrap="wrap",
        ),
        rx.hstack(
            rx.button(rx.icon("printer", size=14), tr("records.action.print"), on_click=S.print_page,
                      variant="soft", data_testid="print"),
            rx.link(rx.button(rx.icon("file-down", size=14), tr("records.action.pdf"), variant="soft"),
                    href="/api/me/records.pdf", is_external=True, data_testid="pdf"),
            class_name="no-print", spacing="2",
        ),
        rx.heading(tr("records.compliance"), size="4", as_="h2"),
        rx.grid(rx.foreach(S.compliance, _progress), columns=rx.breakpoints(initial="1", md="3"), spacing="4",
                width="100%"),
        rx.heading(tr("records.by_school_year"), size="4", as_="h2"),
        rx.hstack(rx.foreach(S.school_years, lambda y: _year_chip(y, "records.field.school_year")), wrap="wrap"),
        rx.hstack(rx.foreach(S.calendar_years, lambda y: _year_chip(y, "records.field.calendar_year")),
                  wrap="wrap"),
        _filters(),
        rx.text(tr("records.shown_hours"), COLON, S.shown_hours, size="2"),
        stacked_table(("records.field.date", "course.field.code", "course.field.title", "course.field.organizer",
                    "course.field.kind", "records.field.topics", "course.field.hours_short"),
                   S.rows, _record_row, testid="record", empty_key="records.empty"),
        spacing="4", width="100%",
    )


@rx.page(route=routes.FUNCTION_ROUTES[Function.TEACHER_RECORDS], on_load=MyRecordState.load, title="個人研習紀錄")
def teacher_records_page() -> rx.Component:
    return app_shell("func.teacher.records", record_body())


UPLOAD_ID = "attendance-xlsx"


def _entry_row(row: rx.Var) -> rx.Component:
    S = AttendanceState
    editable = S.info["editable"] == "1"
    return rx.table.row(
        cell(row["name"]), cell(row["national_id"]), cell(row["school"]),
        cell(rx.cond(editable,
                     rx.input(default_value=row["hours"], width="5rem", aria_label="hours", data_testid="hours",
                              on_blur=lambda value: S.set_hours(row["teacher_id"], value)),
                     rx.text(row["hours"]))),
        cell(tr("attendance.source." + row["source"].to(str))),
        cell(rx.cond(editable, rx.button(tr("attendance.action.remove"), size="1", variant="ghost",
                                         color_scheme=tokens.DANGER, on_click=S.remove(row["teacher_id"]),
                                         data_testid="remove"))),
        data_testid="entry",
    )


def _report_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        cell(row["row"]), cell(row["national_id"]), cell(row["name"]), cell(row["hours"]),
        cell(rx.text(tr(row["message"].to(str)), color=rx.cond(row["outcome"] == "error", tokens.ERROR, "inherit"),
                     size="2")),
        data_testid="report-row",
    )


def _history_row(row: rx.Var) -> rx.Component:
    return rx.text(date_label(row["at"]),
                   " · ", row["unit"], " · ", tr("attendance.event." + row["action"].to(str)),
                   " (", tr("attendance.field.revision"), " ", row["revision"], ", ", row["entries"], ") ",
                   row["reason"], size="1", color=tokens.MUTED)


def _import_card() -> rx.Component:
    S = AttendanceState
    return rx.card(rx.vstack(
        rx.hstack(
            rx.button(rx.icon("download", size=14), tr("attendance.action.template"), on_click=S.download_template,
                      variant="soft", type="button", data_testid="template"),
            rx.text(tr("attendance.upload_hint"), size="1", color=tokens.MUTED),
            align="center", spacing="3",
        ),
        named_upload(
            tr("teachers.drop_file"),
            rx.vstack(rx.icon("file-spreadsheet"), rx.text(tr("teachers.drop_file"), size="2"), align="center"),
            id=UPLOAD_ID, max_files=1, max_size=MAX_UPLOAD_BYTES, multiple=False,
            accept={XLSX_MIME: [".xlsx"]}, border=tokens.BORDER, padding=tokens.SPACE_2,
            border_radius=tokens.RADIUS, width="100%", data_testid="upload"),
        rx.text(rx.foreach(rx.selected_files(UPLOAD_ID), lambda f: rx.text(f, size="1"))),
        rx.hstack(
            rx.button(tr("attendance.action.upload"), loading=S.working, type="button", data_testid="import",
                      on_click=S.import_file(rx.upload_files(upload_id=UPLOAD_ID))),
            rx.cond(S.has_pending, rx.button(tr("attendance.action.import_good"), variant="soft",
                                                   on_click=S.import_good_rows, data_testid="import-good")),
            spacing="2",
        ),
        work_progress(S),
        rx.cond(S.report.length() > 0, stacked_table(
            ("attendance.field.row", "attendance.field.national_id", "attendance.field.name",
             "attendance.field.hours", "attendance.field.result"), S.report, _report_row, testid="import-report")),
        spacing="3", width="100%",
    ), width="100%")


@rx.page(route=routes.ATTENDANCE, on_load=AttendanceState.load, title="研習名單上傳")
def attendance_page() -> rx.Component:
    S = AttendanceState
    i = S.info
    return app_shell(
        "attendance.title",
        messages(S),
        rx.hstack(rx.text(i["code"], " ", rx.text.strong(i["title"]), size="3"),
                  status_badge(i["status"], registration.ListStatus),
                  rx.cond(i["late"] == "1", rx.badge(tr("attendance.late"), color_scheme=tokens.CAUTION)),
                  spacing="3", align="center", wrap="wrap"),
        rx.hstack(rx.text(tr("attendance.field.last_date"), COLON, date_label(i["last_date"]), size="2"),
                  rx.text(tr("attendance.field.deadline"), COLON, date_label(i["deadline"]), size="2"),
                  rx.text(tr("attendance.field.course_hours"), COLON, i["course_hours"], size="2"),
                  rx.text(tr("attendance.field.count"), COLON, i["count"], size="2", data_testid="count"),
                  rx.text(tr("attendance.field.total_hours"), COLON, i["total_hours"], size="2"),
                  spacing="4", wrap="wrap"),
        rx.cond(i["return_reason"] != "", rx.callout(rx.text(tr("attendance.field.return_reason"), COLON,
                                                             i["return_reason"]), color_scheme=tokens.CAUTION,
                                                     icon="undo-2", data_testid="return-reason")),
        rx.cond(i["editable"] == "1", rx.vstack(
            rx.form(rx.vstack(
                rx.hstack(
                    _walk_in_field("national_id", "attendance.field.national_id", 10, "walk-in-id"),
                    _walk_in_field("hours", "attendance.field.hours", 5, "walk-in-hours", width="6rem"),
                    rx.button(tr("attendance.action.add"), type="submit", data_testid="walk-in-add"),
                    spacing="2", align="center", wrap="wrap"),
                # Each field's own reason, next to the form (the walk-in line has no room beside each input).
                *[rx.cond(S.field_errors[name], rx.text(tr(label), COLON, tr(S.field_errors[name].to(str)),
                                                        id=f"walk-in-{name}-error", color=tokens.ERROR, size="1",
                                                        role="alert", data_testid=f"error-walk-in-{name}"))
                  for name, label in (("national_id", "attendance.field.national_id"),
                                      ("hours", "attendance.field.hours"))],
                spacing="1"), on_submit=S.add, key=S.form_key),
            _import_card(),
            spacing="3", width="100%",
        )),
        stacked_table(("attendance.field.name", "attendance.field.national_id", "registration.field.school",
                    "attendance.field.hours", "attendance.field.source", "common.actions"), S.entries, _entry_row,
                   testid="entries"),
        rx.hstack(
            rx.cond(i["editable"] == "1", rx.button(tr("attendance.action.submit"), on_click=S.submit,
                                                    data_testid="submit-list")),
            rx.cond(i["status"] == "confirmed", rx.button(tr("attendance.action.correct"), variant="soft",
                                                          on_click=S.correct, data_testid="correct")),
            spacing="2",
        ),
        rx.vstack(rx.foreach(S.history, _history_row), spacing="0"),
    )


def _queue_row(row: rx.Var) -> rx.Component:
    S = ConfirmListsState
    return rx.table.row(
        cell(row["code"]), cell(row["organizer"]), cell(row["title"]), cell(date_label(row["last_date"])),
        cell(date_label(row["submitted_at"])),
        cell(rx.hstack(rx.text(row["revision"]),
                       rx.cond(row["late"] == "1", rx.badge(tr("attendance.late"), color_scheme=tokens.CAUTION,
                                                            data_testid="late")), spacing="1")),
        cell(rx.button(tr("attendance.action.review"), size="1", on_click=S.open_list(row["id"]),
                       data_testid="open-list")),
        data_testid="list-row",
    )


def _review_entry(row: rx.Var) -> rx.Component:
    return rx.table.row(cell(row["name"]), cell(row["national_id"]), cell(row["school"]), cell(row["hours"]),
                        cell(tr("attendance.source." + row["source"].to(str))))


@rx.page(route=routes.CONFIRM_LISTS, on_load=ConfirmListsState.load, title="研習名單確認")
def confirm_lists_page() -> rx.Component:
    S = ConfirmListsState
    return app_shell(
        "attendance.title.queue",
        messages(S),
        stacked_table(("course.field.code", "course.field.organizer", "course.field.title",
                    "attendance.field.last_date", "attendance.field.submitted_at", "attendance.field.revision",
                    "common.actions"), S.rows, _queue_row, testid="list-queue", empty_key="attendance.queue_empty"),
        rx.cond(S.info.contains("id"), rx.card(rx.vstack(
            rx.hstack(rx.heading(S.info["title"], size="4", as_="h2"),
                      status_badge(S.info["status"], registration.ListStatus),
                      rx.cond(S.info["late"] == "1", rx.badge(tr("attendance.late"), color_scheme=tokens.CAUTION)),
                      align="center"),
            rx.text(tr("attendance.field.count"), COLON, S.info["count"], GAP, tr("attendance.field.total_hours"),
                    COLON, S.info["total_hours"], GAP, tr("attendance.field.course_hours"), COLON,
                    S.info["course_hours"], size="2"),
            stacked_table(("attendance.field.name", "attendance.field.national_id", "registration.field.school",
                        "attendance.field.hours", "attendance.field.source"), S.entries, _review_entry,
                       testid="review-entries"),
            rx.hstack(
                confirm_action(
                    rx.button(tr("attendance.action.confirm"), color_scheme=tokens.OK, loading=S.working,
                              data_testid="confirm-list"),
                    title=rx.text(tr("attendance.action.confirm"), COLON, S.info["title"]),
                    consequence=[tr("attendance.field.count") + COLON + S.info["count"].to(str) + GAP
                                 + tr("attendance.field.total_hours") + COLON + S.info["total_hours"].to(str),
                                 tr("confirm.attendance_list")],
                    confirm_key="attendance.action.confirm", on_confirm=S.confirm, testid="confirm-list",
                    colour=tokens.OK),
                rx.button(tr("attendance.action.return"), color_scheme=tokens.CAUTION, variant="soft",
                          on_click=S.ask_return, data_testid="return-list"),
                rx.button(tr("common.close"), variant="ghost", on_click=S.close_list, disabled=S.working),
                spacing="2",
            ),
            work_progress(S),
            spacing="3", width="100%",
        ), width="100%")),
        reason_dialog(open_=S.return_open, title=S.info["title"].to(str), heading_key="attendance.action.return",
                      on_submit=S.confirm_return, on_close=S.close_return, error=S.return_error,
                      confirm_key="attendance.action.return", testid="return"),
    )


def _walk_in_field(name: str, label_key: str, max_length: int, testid: str, **props) -> rx.Component:
    """One input of the walk-in line, tied to its own error message (`aria-invalid`, `aria-describedby`)."""
    S = AttendanceState
    return rx.input(name=name, placeholder=tr(label_key), aria_label=tr(label_key), max_length=max_length,
                    aria_invalid=rx.cond(S.field_errors[name], "true", "false"),
                    aria_describedby=f"walk-in-{name}-error", data_testid=testid, **props)


_STATE_COLOURS = {"below": tokens.DANGER, "short": tokens.WARN, "met": tokens.OK}
_SHOWS = ("all", "below", "short", "met")
_SELECT_STYLE = {"padding": "0.35rem", "border": tokens.BORDER, "border_radius": tokens.RADIUS,
                 "background": "white"}


def _rule_cell(row: rx.Var, rule: rx.Var) -> rx.Component:
    """One rule of one teacher: done / required, and what is missing (or 已達成)."""
    key = rule["key"].to(str)
    return cell(rx.vstack(
        rx.text(row["done_" + key], " / ", rule["required"], size="2", white_space="nowrap"),
        rx.cond(row["met_" + key] == "1",
                rx.text(tr("records.compliance.met"), size="1", color=tokens.OK_TEXT),
                rx.text(tr("records.compliance.missing").to(str).replace("{hours}", row["missing_" + key].to(str)),
                        size="1", color=tokens.ERROR)),
        spacing="0"))


def _school_row(row: rx.Var) -> rx.Component:
    S = SchoolRecordsState
    return rx.table.row(
        rx.table.row_header_cell(row["name"]), cell(row["national_id"], white_space="nowrap"),
        rx.foreach(S.rules, lambda rule: _rule_cell(row, rule)),
        cell(rx.match(row["state"],
                      *[(state, rx.badge(tr(f"records.compliance.state.{state}"), color_scheme=colour,
                                         variant="soft", data_testid="teacher-state"))
                        for state, colour in _STATE_COLOURS.items()],
                      rx.fragment())),
        cell(rx.cond(S.permissions["view_detail"] == "1",
                     rx.button(tr("records.action.view"), size="1", on_click=S.open_teacher(row["id"]),
                               data_testid="view-record"))),
        data_testid="school-teacher",
    )


def _rule_header(rule: rx.Var) -> rx.Component:
    period = rx.cond(rule["period"] == "school_year", tr("records.period.school_year"),
                     tr("records.period.calendar_year")).to(str).replace("{label}", rule["label"].to(str))
    return rx.table.column_header_cell(rx.text(tr("records.rule." + rule["key"].to(str))),
                                       rx.text(period, size="1", color=tokens.MUTED, weight="regular"))


def _labelled_select(name: str, label_key: str, options: list[tuple[str, rx.Component | rx.Var]]) -> rx.Component:
    S = SchoolRecordsState
    return rx.vstack(
        rx.el.label(tr(label_key), html_for=f"compliance-{name}", style={"font_size": "0.9rem"}),
        rx.el.select(*[rx.el.option(label, value=value) for value, label in options],
                     id=f"compliance-{name}", name=name, default_value=S.filters[name],
                     data_testid=f"compliance-{name}", style=_SELECT_STYLE),
        spacing="1")


def _compliance_filters() -> rx.Component:
    S = SchoolRecordsState
    shows = [(show, tr(f"records.compliance.show.{show}").to(str) + " (" + S.counts[show].to_string() + ")")
             for show in _SHOWS]
    sorts = [(sort, tr(f"records.compliance.sort.{sort}")) for sort in ("name", "hours", "shortfall")]
    return rx.form(
        rx.hstack(
            _labelled_select("show", "records.compliance.show_label", shows),
            _labelled_select("sort", "records.compliance.sort_label", sorts),
            rx.el.label(rx.el.input(type="checkbox", name="desc", value="1", default_checked=S.filters["desc"] == "1",
                                    data_testid="compliance-desc"),
                        " ", tr("records.compliance.descending"), style={"font_size": "0.9rem"}),
            rx.vstack(
                rx.el.label(tr("records.compliance.keyword"), html_for="compliance-q", style={"font_size": "0.9rem"}),
                rx.input(id="compliance-q", name="q", default_value=S.filters["q"], max_length=40,
                         data_testid="compliance-q"),
                spacing="1"),
            rx.button(tr("records.compliance.apply"), type="submit", data_testid="compliance-apply"),
            align="end", spacing="3", wrap="wrap",
        ),
        on_submit=S.apply_filters, key=S.form_key.to_string(), class_name="no-print",
    )


def _compliance_tools() -> rx.Component:
    S = SchoolRecordsState
    remind = confirm_action(
        rx.button(rx.icon("mail", size=14), tr("records.reminder.send"), variant="soft", disabled=~S.can_remind,
                  data_testid="remind"),
        title=rx.text(tr("records.reminder.title")),
        consequence=[tr("records.reminder.consequence").to(str).replace("{count}", S.counts["short"].to_string())],
        confirm_key="records.reminder.send", on_confirm=S.send_reminders, testid="remind", colour=tokens.INFO)
    when = date_label(S.reminded["when"])
    return rx.vstack(
        rx.hstack(
            rx.cond(S.permissions["allow_print"] == "1",
                    rx.button(rx.icon("file-spreadsheet", size=14), tr("records.compliance.export"),
                              on_click=S.export_summary, variant="soft", data_testid="export-summary"),
                    rx.text(tr("records.compliance.no_export"), size="1", color=tokens.MUTED,
                            data_testid="no-export")),
            remind,
            spacing="3", wrap="wrap", align="center",
        ),
        rx.cond(S.permissions["allow_print"] == "1",
                rx.text(tr("records.compliance.export_hint"), size="1", color=tokens.MUTED)),
        rx.cond(S.reminded.contains("when"),
                rx.text(tr("records.reminder.last").to(str).replace("{when}", when)
                        .replace("{count}", S.reminded["count"].to(str)),
                        size="1", color=tokens.MUTED, data_testid="last-reminder")),
        spacing="1", class_name="no-print",
    )


def _compliance_pager() -> rx.Component:
    S = SchoolRecordsState
    return rx.cond(S.pages > 1, rx.hstack(
        rx.button(tr("records.compliance.prev"), on_click=S.go_page(S.page - 1), disabled=S.page <= 1,
                  variant="soft", size="1", data_testid="compliance-prev"),
        rx.text(tr("records.compliance.page").to(str).replace("{page}", S.page.to_string())
                .replace("{pages}", S.pages.to_string()), size="2"),
        rx.button(tr("records.compliance.next"), on_click=S.go_page(S.page + 1), disabled=S.page >= S.pages,
                  variant="soft", size="1", data_testid="compliance-next"),
        align="center", spacing="2", class_name="no-print"))


def _compliance_table() -> rx.Component:
    S = SchoolRecordsState
    headers = rx.table.header(rx.table.row(
        rx.table.column_header_cell(tr("attendance.field.name")),
        rx.table.column_header_cell(tr("attendance.field.national_id")),
        rx.foreach(S.rules, _rule_header),
        rx.table.column_header_cell(tr("records.compliance.col_state")),
        rx.table.column_header_cell(tr("common.actions")),
    ))
    return rx.cond(
        S.rows.length() > 0,
        rx.table.root(headers, rx.table.body(rx.foreach(S.rows, _school_row)), variant="surface", size="1",
                      class_name=STACK_CLASS,
                      width="100%", data_testid="school-teachers"),
        rx.text(tr("table.empty"), color=tokens.MUTED, size="2", data_testid="school-teachers-empty"),
    )


def _detail_row(row: rx.Var) -> rx.Component:
    return rx.table.row(cell(date_label(row["date"])), cell(row["code"]), cell(row["title"]), cell(row["organizer"]),
                        cell(kind_label(row["kind"])), cell(row["hours"]))


@rx.page(route=routes.FUNCTION_ROUTES[Function.TEACHERS_RECORDS], on_load=SchoolRecordsState.load,
         title="教師研習記錄")
def school_records_page() -> rx.Component:
    S = SchoolRecordsState
    return app_shell(
        "func.teachers.records",
        rx.el.style(PRINT_CSS),
        messages(S),
        rx.cond(S.permissions["view_detail"] != "1", rx.callout(tr("records.school.no_detail"), icon="lock",
                                                                color_scheme=tokens.WARN, data_testid="no-detail")),
        rx.cond(S.detail.contains("name"), rx.card(rx.vstack(
            rx.hstack(rx.heading(S.detail["name"], size="4", as_="h2"), rx.text(S.detail["national_id"]),
                      rx.text(tr("records.total"), COLON, S.detail["total"]), align="center", spacing="3"),
            rx.hstack(rx.foreach(S.detail_years, lambda y: rx.badge(y["year"], " ", tr("records.field.school_year"),
                                                                    COLON, y["hours"], variant="outline")),
                      wrap="wrap"),
            stacked_table(("records.field.date", "course.field.code", "course.field.title", "course.field.organizer",
                        "course.field.kind", "course.field.hours_short"), S.detail_rows, _detail_row,
                       testid="school-record", empty_key="records.empty"),
            rx.hstack(
                rx.cond(S.permissions["allow_print"] == "1",
                        rx.button(rx.icon("printer", size=14), tr("records.action.print"), on_click=S.print_page,
                                  variant="soft", data_testid="print"),
                        rx.text(tr("records.school.no_print"), size="1", color=tokens.MUTED)),
                rx.button(tr("common.close"), variant="ghost", on_click=S.close_teacher),
                class_name="no-print",
            ),
            spacing="3", width="100%",
        ), width="100%")),
        rx.box(rx.vstack(
            rx.text(tr("records.compliance.intro").to(str).replace("{year}", S.school_year), size="2"),
            _compliance_filters(),
            _compliance_tools(),
            rx.text(tr("records.compliance.shown").to(str).replace("{shown}", S.counts["shown"].to_string())
                    .replace("{all}", S.counts["all"].to_string()), size="2", role="status",
                    data_testid="compliance-shown"),
            _compliance_table(),
            _compliance_pager(),
            spacing="3", width="100%"),
            width="100%", class_name=rx.cond(S.detail.contains("name"), "no-print", "")),
    )


def _rule_row(row: rx.Var) -> rx.Component:
    S = ReportPermissionState
    return rx.table.row(
        cell(tr("records.rule." + row["key"].to(str))),
        cell(tr("records.rules.scope." + row["scope"].to(str))),
        cell(tr("records.field." + row["period"].to(str))),
        cell(rx.form(rx.hstack(
            rx.el.input(type="hidden", name="key", value=row["key"]),
            rx.input(name="hours", default_value=row["hours"], width="5rem", aria_label="hours"),
            rx.button(tr("records.rules.save"), size="1", type="submit", data_testid="save-rule"),
            spacing="2"), on_submit=S.save_rule)),
        data_testid="rule",
    )


@rx.page(route=routes.FUNCTION_ROUTES[Function.COUNTY_REPORT_PERMISSIONS], on_load=ReportPermissionState.load,
         title="修改本縣市教師報表權限")
def report_permissions_page() -> rx.Component:
    S = ReportPermissionState
    return app_shell(
        "func.county.report_permissions",
        messages(S),
        rx.form(rx.vstack(
            checkbox("view_detail", tr("records.permissions.view_detail"), checked=S.view_detail),
            checkbox("allow_print", tr("records.permissions.allow_print"), checked=S.allow_print),
            rx.button(tr("common.save"), type="submit", data_testid="save"),
            spacing="3"), on_submit=S.save, key=S.form_key),
        rx.heading(tr("records.rules.title"), size="4", as_="h2"),
        rx.text(tr("records.rules.hint"), size="2"),
        stacked_table(("records.field.rule", "records.field.scope", "records.field.period", "attendance.field.hours"),
                   S.rules, _rule_row, testid="rules"),
    )
