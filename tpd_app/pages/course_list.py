"""本單位研習課程瀏覽 (read-only) and 研習資料管理上傳 (with edit and cancel): the own unit's courses."""

from __future__ import annotations

import reflex as rx

from tpd_app import routes
from tpd_app.components import tokens
from tpd_app.components.badges import status_badge
from tpd_app.components.courses import kind_label, pager, reason_dialog
from tpd_app.components.forms import date_input
from tpd_app.components.i18n import date_label, tr
from tpd_app.components.shell import app_shell
from tpd_app.components.tables import stacked_table
from tpd_app.domain.courses import CourseStatus
from tpd_app.domain.permissions import Function
from tpd_app.state.courses import EDIT_ROUTE, KIND_OPTIONS, STATUS_OPTIONS, OwnCoursesState

S = OwnCoursesState
_SELECT_STYLE = {"padding": "0.35rem", "border": tokens.BORDER, "border_radius": tokens.RADIUS}


def _filters() -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.el.select(
                rx.el.option(tr("course.filter.all_statuses"), value=""),
                *[rx.el.option(tr(f"course.status.{s}"), value=s) for s in STATUS_OPTIONS],
                name="status", aria_label="status", style=_SELECT_STYLE, data_testid="filter-status",
                # Opened filtered (the home page's "returned" queue): show the filter; remount when it changes.
                default_value=S.filters["status"].to(str), key=S.filters["status"].to(str),
            ),
            rx.el.select(
                rx.el.option(tr("course.filter.all_kinds"), value=""),
                *[rx.el.option(tr(f"course.kind.{k}"), value=k) for k in KIND_OPTIONS],
                name="kind", aria_label=tr("catalogue.filter.kind"), style=_SELECT_STYLE,
            ),
            rx.input(name="keyword", placeholder=tr("course.filter.keyword"), max_length=100,
                     data_testid="filter-keyword"),
            date_input("from", aria_label=tr("catalogue.filter.from")),
            rx.text("–", aria_hidden="true"),
            date_input("to", aria_label=tr("catalogue.filter.to")),
            rx.button(rx.icon("search", size=14), tr("common.search"), type="submit", data_testid="filter-apply"),
            wrap="wrap",
            spacing="2",
            align="center",
        ),
        on_submit=S.apply_filters,
    )


def _counts() -> rx.Component:
    return rx.hstack(
        *[rx.cond(S.counts[s] > 0, rx.hstack(status_badge(rx.Var.create(s), CourseStatus),
                                             rx.text(S.counts[s].to_string(), size="2"), spacing="1"))
          for s in STATUS_OPTIONS],
        spacing="3",
        wrap="wrap",
    )


def _row(row: rx.Var) -> rx.Component:
    actions = rx.hstack(
        rx.cond(
            (row["status"] == "draft") | (row["status"] == "returned") | (row["status"] == "approved")
            | (row["status"] == "auto_approved"),
            rx.link(tr("course.action.edit"), href=f"{EDIT_ROUTE}?id={row['id']}", data_testid="edit-course"),
        ),
        rx.cond(
            (row["status"] != "cancelled") & (row["status"] != "rejected"),
            rx.button(tr("course.action.cancel"), size="1", variant="ghost", color_scheme=tokens.DANGER,
                      on_click=S.ask_reason(row["id"], row["title"]), data_testid="cancel-course"),
        ),
        spacing="2",
    )
    return rx.table.row(
        rx.table.cell(row["code"]),
        rx.table.cell(rx.vstack(rx.text(row["title"], weight="medium"),
                                rx.cond(row["reason"], rx.text(tr("course.field.decision_reason"), ": ",
                                                               row["reason"], size="1", color=tokens.MUTED,
                                                               data_testid="row-reason")),
                                spacing="0")),
        rx.table.cell(kind_label(row["kind"])),
        rx.table.cell(date_label(row["first_date"]), white_space="nowrap"),
        rx.table.cell(row["hours"], white_space="nowrap"),
        rx.table.cell(status_badge(row["status"], CourseStatus)),
        rx.cond(S.manage, rx.table.cell(actions, white_space="nowrap")),
        data_testid="course-row",
    )


def own_courses() -> rx.Component:
    return rx.vstack(
        rx.cond(S.notice_text, rx.callout(S.notice_text, icon="circle-check", color_scheme=tokens.OK, role="status",
                                          data_testid="notice"),
                rx.cond(S.saved_code, rx.callout(rx.text(tr("course.notice.registered"), " ",
                                                         rx.text.strong(S.saved_code)),
                                                 icon="circle-check", color_scheme=tokens.OK, data_testid="notice"))),
        rx.cond(S.notice_key, rx.callout(tr(S.notice_key), icon="circle-check", color_scheme=tokens.OK,
                                         data_testid="notice")),
        rx.cond(S.error_text, rx.callout(S.error_text, icon="triangle-alert", color_scheme=tokens.DANGER)),
        rx.cond(S.manage, rx.link(rx.button(rx.icon("plus", size=14), tr("func.course.register")),
                                  href=routes.FUNCTION_ROUTES[Function.COURSE_REGISTER])),
        _filters(),
        _counts(),
        stacked_table(["course.field.code", "course.field.title", "course.field.kind", "course.field.first_date",
                    "course.field.hours_short", "course.field.status",
                    rx.cond(S.manage, rx.table.column_header_cell(tr("common.actions")))], S.rows, _row,
                   empty_key=None, variant="ghost", size="2"),
        rx.cond(S.rows.length() == 0, rx.text(tr("common.no_results"), color=tokens.MUTED)),
        pager(S.page, S.total, S.go_page(-1), S.go_page(1)),
        reason_dialog(open_=S.dialog_id != "", title=S.dialog_title, heading_key="course.cancel.title",
                      on_submit=S.confirm_reason, on_close=S.close_reason, error=S.dialog_error,
                      confirm_key="course.action.cancel_confirm", testid="cancel"),
        spacing="4",
        width="100%",
    )


@rx.page(route=routes.FUNCTION_ROUTES[Function.COURSE_BROWSE_OWN], on_load=S.load_browse, title="本單位研習課程瀏覽")
def course_browse_own_page() -> rx.Component:
    return app_shell("func.course.browse_own", own_courses())


@rx.page(route=routes.FUNCTION_ROUTES[Function.COURSE_MANAGE], on_load=S.load_manage, title="研習資料管理上傳")
def course_manage_page() -> rx.Component:
    return app_shell("func.course.manage", own_courses())
