"""本單位教師帳號管理 (teachers.manage) and 教師資料登錄 (teachers.enter)."""

from __future__ import annotations

import reflex as rx

from tpd_app import routes
from tpd_app.components import tokens
from tpd_app.components.badges import status_badge
from tpd_app.components.forms import field, named_upload, notices, save_button, work_progress
from tpd_app.components.i18n import date_label, tr
from tpd_app.components.shell import app_shell
from tpd_app.components.tables import (
    action_button,
    cell,
    data_table,
    decision_buttons,
    form_card,
    search_bar,
    secret_notice,
    section,
    select_field,
    stacked_table,
)
from tpd_app.domain.accounts import Employment, ImportOutcome
from tpd_app.domain.permissions import Function
from tpd_app.state.handlers import MAX_UPLOAD_BYTES, XLSX_MIME
from tpd_app.state.teachers import TeacherEntryState, TeacherRosterState

EMPLOYMENT = (("serving", "employment.serving"), ("left", "employment.left"), ("retired", "employment.retired"),
              ("", "table.all"))


def _roster_row(r: rx.Var) -> rx.Component:
    S = TeacherRosterState
    key = r["id"].to(str)
    return rx.table.row(
        cell(rx.cond(S.revealed_id == r["id"], rx.code(S.revealed_value, data_testid="revealed-id"),
                     rx.hstack(rx.text(r["national_id"], font_family="monospace"),
                               rx.icon_button(rx.icon("eye", size=14), on_click=S.reveal(r["id"]), size="1",
                                              variant="ghost", aria_label=tr("teachers.reveal"),
                                              title=tr("teachers.reveal"), data_testid="reveal-" + key),
                               spacing="1", align="center"))),
        cell(r["name"]),
        cell(r["email"], rx.el.br(), rx.text(r["phone"], size="1")),
        cell(status_badge(r["employment"], Employment, testid=None)),
        cell(date_label(r["last_login"])),
        cell(rx.hstack(
            action_button("teachers.edit", S.start_edit(r["id"]), testid="edit-" + key),
            rx.cond(r["employment"] == "serving",
                    rx.fragment(
                        action_button("teachers.mark_left", S.set_employment(r["id"], "left"), testid="left-" + key),
                        action_button("teachers.mark_retired", S.set_employment(r["id"], "retired"),
                                      testid="retired-" + key)),
                    action_button("teachers.mark_serving", S.set_employment(r["id"], "serving"),
                                  testid="serving-" + key)),
            action_button("accounts.reset_password", S.reset_password(r["id"]), testid="reset-" + key),
            action_button("teachers.history", S.show_history(r["id"]), testid="history-" + key),
            spacing="1", wrap="wrap")),
        data_testid="teacher-row",
    )


def _editor() -> rx.Component:
    S = TeacherRosterState
    return rx.cond(
        S.editing_id,
        rx.card(
            rx.form(
                rx.vstack(
                    rx.heading(tr("teachers.edit_contact"), " ", S.editing_name, size="3", as_="h3"),
                    field(S, "email", "profile.email", type_="email"),
                    field(S, "phone", "profile.phone", type_="tel", max_length=40),
                    rx.hstack(save_button(S), rx.button(tr("common.cancel"), on_click=S.cancel_edit, type="button",
                                                        variant="soft", color_scheme=tokens.NEUTRAL), spacing="2"),
                    spacing="2", max_width="28rem",
                ),
                on_submit=S.save_contact,
                key=S.form_key,
            ),
        ),
    )


def _history() -> rx.Component:
    S = TeacherRosterState
    return rx.cond(
        S.history_for,
        rx.card(
            rx.heading(tr("teachers.history"), size="3", as_="h3"),
            data_table(("teachers.school", "teachers.reason", "teachers.from", "teachers.to"), S.history,
                       lambda h: rx.table.row(cell(h["unit_name"]), cell(tr("placement." + h["reason"].to(str))),
                                              cell(date_label(h["started_at"])), cell(date_label(h["ended_at"]))),
                       testid="history"),
        ),
    )


def _applications() -> rx.Component:
    S = TeacherRosterState

    def row(a: rx.Var) -> rx.Component:
        return rx.table.row(
            cell(a["national_id"],
                 rx.cond(a["registered"], rx.badge(tr("teachers.registered"), color_scheme=tokens.WARN))),
            cell(a["name"]), cell(a["email"]), cell(date_label(a["birth_date"])), cell(date_label(a["created_at"])),
            cell(decision_buttons("teachers.confirm", S.decide_application(a["id"], True),
                                  S.decide_application(a["id"], False), "application-" + a["id"].to(str),
                                  name=a["name"].to(str), approve_consequence="confirm.teacher_application")),
        )

    return rx.cond(
        S.applications.length() > 0,
        section("teachers.applications",
                data_table(("teachers.national_id", "teachers.name", "profile.email", "teachers.birth_date",
                            "accounts.applied_at", "table.actions"), S.applications, row,
                           testid="teacher-applications")),
    )


@rx.page(route=routes.FUNCTION_ROUTES[Function.TEACHERS_MANAGE], on_load=TeacherRosterState.load,
         title="本單位教師帳號管理 | 全國教師在職進修資訊網")
def roster_page() -> rx.Component:
    S = TeacherRosterState
    return app_shell(
        "func.teachers.manage",
        rx.text(tr("teachers.roster_intro"), size="2"),
        notices(S),
        secret_notice(S),
        _applications(),
        search_bar(
            S.search,
            rx.vstack(rx.el.label(tr("teachers.search"), html_for="roster-text", style={"font_size": "0.9rem"}),
                      rx.input(id="roster-text", name="text", max_length=40), spacing="1"),
            select_field("employment", "teachers.employment", EMPLOYMENT, default="serving",
                         input_id="filter-employment"),
        ),
        _editor(),
        _history(),
        stacked_table(("teachers.national_id", "teachers.name", "teachers.contact", "teachers.employment",
                    "accounts.last_login", "table.actions"), S.rows, _roster_row, testid="roster"),
        rx.box(_take_in(), max_width="32rem", width="100%"),
        rx.link(tr("func.teachers.enter"), href=routes.FUNCTION_ROUTES[Function.TEACHERS_ENTER], size="2"),
    )


def _single_entry() -> rx.Component:
    S = TeacherEntryState
    return form_card(
        "teachers.single", S.enter,
        field(S, "national_id", "teachers.national_id", required=True, max_length=10),
        field(S, "name", "teachers.name", required=True, max_length=100),
        field(S, "birth_date", "teachers.birth_date", type_="date"),
        field(S, "email", "profile.email", type_="email"),
        field(S, "phone", "profile.phone", type_="tel", max_length=40),
        rx.button(tr("teachers.add"), type="submit", loading=S.saving, data_testid="enter-teacher"),
        hint_key="teachers.single_hint", key=S.form_key,
    )


def _take_in() -> rx.Component:
    S = TeacherRosterState
    return form_card(
        "teachers.take_in", S.take_in,
        field(S, "national_id", "teachers.national_id", required=True, max_length=10),
        field(S, "name", "teachers.name", required=True, max_length=100),
        field(S, "birth_date", "teachers.birth_date", type_="date"),
        rx.button(tr("teachers.take_in_submit"), type="submit", data_testid="take-in"),
        hint_key="teachers.take_in_hint", key=S.form_key,
    )


def _report_row(r: rx.Var) -> rx.Component:
    return rx.table.row(cell(r["row"]), cell(r["national_id"]), cell(r["name"]),
                        cell(status_badge(r["outcome"], ImportOutcome, testid=None)), cell(tr(r["message"].to(str))))


def _bulk_entry() -> rx.Component:
    S = TeacherEntryState
    return rx.card(
        rx.vstack(
            rx.heading(tr("teachers.bulk"), size="4", as_="h2"),
            rx.text(tr("teachers.bulk_hint"), size="2"),
            rx.button(rx.icon("download", size=16), tr("teachers.template"), on_click=S.download_template,
                      variant="soft", type="button", data_testid="template"),
            named_upload(tr("teachers.drop_file"),
                rx.vstack(rx.icon("file-spreadsheet"), rx.text(tr("teachers.drop_file"), size="2"), align="center"),
                id="teacher-xlsx", max_files=1, max_size=MAX_UPLOAD_BYTES, multiple=False,
                accept={XLSX_MIME: [".xlsx"]},
                border=tokens.BORDER, padding=tokens.SPACE_2, border_radius=tokens.RADIUS, width="100%",
                data_testid="upload",
            ),
            rx.text(rx.foreach(rx.selected_files("teacher-xlsx"), lambda f: rx.text(f, size="1"))),
            rx.button(tr("teachers.import"), loading=S.working, type="button", data_testid="import",
                      on_click=S.import_file(rx.upload_files(upload_id="teacher-xlsx"))),
            work_progress(S),
            rx.cond(S.report.length() > 0,
                    rx.text(tr("import.summary"), " ", S.report_added, " / ", S.report_failed, size="2",
                            data_testid="import-summary")),
            data_table(("import.row", "teachers.national_id", "teachers.name", "import.outcome", "import.message"),
                       S.report, _report_row, testid="import-report", empty_key="import.no_report"),
            spacing="3", width="100%",
        ),
        width="100%",
    )


@rx.page(route=routes.FUNCTION_ROUTES[Function.TEACHERS_ENTER], on_load=TeacherEntryState.load,
         title="教師資料登錄 | 全國教師在職進修資訊網")
def entry_page() -> rx.Component:
    S = TeacherEntryState
    return app_shell(
        "func.teachers.enter",
        notices(S),
        secret_notice(S),
        rx.grid(_single_entry(), _bulk_entry(), columns=rx.breakpoints(initial="1", md="2"), spacing="4",
                width="100%"),
    )
