"""研習課程資料確認: the reviewing centre's queue, the submitted course in full, and decisions."""

from __future__ import annotations

import reflex as rx
from reflex.vars.function import FunctionStringVar

from tpd_app import routes
from tpd_app.components import tokens
from tpd_app.components.badges import status_badge
from tpd_app.components.confirm import confirm_action
from tpd_app.components.courses import course_facts, kind_label, labelled, pager
from tpd_app.components.forms import work_progress
from tpd_app.components.i18n import COLON, date_label, tr
from tpd_app.components.shell import app_shell
from tpd_app.components.tables import data_table
from tpd_app.domain.courses import CourseStatus
from tpd_app.domain.permissions import Function
from tpd_app.state.courses import COUNTY_CODES
from tpd_app.state.review import ReviewState

S = ReviewState


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.checkbox(checked=S.selected.contains(row["id"]),
                                  on_change=lambda ticked: S.toggle(row["id"], ticked),
                                  aria_label="select", data_testid="select-course")),
        rx.table.cell(row["code"]),
        rx.table.cell(row["organizer"]),
        rx.table.cell(row["title"]),
        rx.table.cell(kind_label(row["kind"])),
        rx.table.cell(date_label(row["first_date"])),
        rx.table.cell(rx.button(tr("review.action.open"), size="1", on_click=S.open_course(row["id"]),
                                data_testid="open-course")),
        data_testid="review-row",
    )


def _session(row: rx.Var) -> rx.Component:
    return rx.text(date_label(row["day"]), " ", row["start"], "–", row["end"], " ", row["lecturer"], size="2")


def _history(row: rx.Var) -> rx.Component:
    return rx.text(date_label(row["at"]),
                   " · ", row["unit"], " · ", tr(f"course.decision.{row['action']}"), " ", row["reason"],
                   size="1", color=tokens.MUTED)


def _change_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(tr("course.field." + row["field"].to(str))),
        rx.table.cell(rx.text(row["before"], white_space="pre-wrap", color=tokens.ERROR, size="2")),
        rx.table.cell(rx.text(row["after"], white_space="pre-wrap", color=tokens.OK_TEXT, size="2")),
        data_testid="change-row",
    )


def _since_return() -> rx.Component:
    """A course returned before and sent back: what the organizer changed, field by field."""
    return rx.cond(S.returned_again, rx.box(
        rx.heading(tr("review.changes.title"), size="3", as_="h3"),
        rx.cond(S.current_changes.length() > 0,
                rx.table.root(
                    rx.table.header(rx.table.row(
                        rx.table.column_header_cell(tr("review.changes.field")),
                        rx.table.column_header_cell(tr("review.changes.before")),
                        rx.table.column_header_cell(tr("review.changes.after")))),
                    rx.table.body(rx.foreach(S.current_changes, _change_row)),
                    variant="surface", size="1", width="100%"),
                rx.text(tr("review.changes.none"), size="2", color=tokens.MUTED, data_testid="changes-none")),
        width="100%", data_testid="changes",
    ))


def _decision_button(value: str, label_key: str, colour: str) -> rx.Component:
    script = f"(e) => {{ document.getElementById('review-decision').value = '{value}'; }}"
    return rx.button(tr(label_key), type="submit", color_scheme=colour,
                     on_click=FunctionStringVar.create(script), data_testid=f"decide-{value}")


def _current() -> rx.Component:
    c = S.current
    return rx.card(
        rx.vstack(
            rx.hstack(rx.heading(c["title"], size="5", as_="h2"), status_badge(c["status"], CourseStatus),
                      align="center"),
            _since_return(),
            labelled("course.field.kind", kind_label(c["kind"])),
            *course_facts(c, topics=S.current_topics, levels=S.current_levels),
            labelled("course.field.sessions", rx.vstack(rx.foreach(S.current_sessions, _session), spacing="0")),
            labelled("course.field.description", c["description"], white_space="pre-wrap"),
            rx.cond(c["late_allowed_reason"], labelled("course.field.late_reason", c["late_allowed_reason"])),
            rx.vstack(rx.foreach(S.current_history, _history), spacing="0"),
            rx.form(
                rx.el.input(type="hidden", name="decision", id="review-decision", default_value=""),
                rx.vstack(
                    rx.el.label(tr("review.field.reason"), html_for="review-reason"),
                    rx.text_area(id="review-reason", name="reason", max_length=1000, width="100%",
                                 data_testid="review-reason"),
                    rx.cond(S.reason_error, rx.text(S.reason_error, color=tokens.ERROR, size="2", role="alert",
                                                    data_testid="reason-error")),
                    rx.hstack(
                        _decision_button("approve", "review.action.approve", tokens.OK),
                        _decision_button("return", "review.action.return", tokens.CAUTION),
                        _decision_button("reject", "review.action.reject", tokens.DANGER),
                        rx.button(tr("common.close"), type="button", variant="soft", color_scheme=tokens.NEUTRAL,
                                  on_click=S.close_course),
                        spacing="2",
                    ),
                    spacing="2",
                    width="100%",
                ),
                on_submit=S.decide,
                key=S.form_key,
                width="100%",
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
        data_testid="review-detail",
    )


def _late_form() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading(tr("review.late.title"), size="3", as_="h2"),
                rx.text(tr("review.late.body"), size="2", color=tokens.MUTED),
                rx.hstack(
                    rx.input(name="code", placeholder=tr("course.field.code"), max_length=16, data_testid="late-code"),
                    rx.input(name="reason", placeholder=tr("course.field.reason"), max_length=500, width="24rem",
                             data_testid="late-reason"),
                    rx.button(tr("review.late.allow"), type="submit", variant="soft", data_testid="late-allow"),
                    wrap="wrap",
                ),
                rx.cond(S.late_error, rx.text(S.late_error, color=tokens.ERROR, size="2", role="alert")),
                spacing="2",
            ),
            on_submit=S.allow_late,
            key=S.form_key,
        ),
        width="100%",
    )


@rx.page(route=routes.FUNCTION_ROUTES[Function.COURSE_REVIEW], on_load=S.load, title="研習課程資料確認")
def course_review_page() -> rx.Component:
    return app_shell(
        "func.course.review",
        rx.cond(S.notice_key, rx.callout(tr(S.notice_key), icon="circle-check", color_scheme=tokens.OK,
                                         data_testid="notice")),
        rx.cond(S.error_text, rx.callout(S.error_text, icon="triangle-alert", color_scheme=tokens.DANGER, role="alert",
                                         data_testid="review-error")),
        rx.cond(S.current.length() > 0, _current()),
        rx.form(
            rx.hstack(
                rx.input(name="keyword", placeholder=tr("review.filter.keyword"), max_length=100, width="18rem"),
                rx.el.select(
                    rx.el.option(tr("catalogue.all_counties"), value=""),
                    *[rx.el.option(tr(f"county.{c}"), value=c) for c in COUNTY_CODES],
                    name="county", aria_label=tr("catalogue.filter.county"),
                    style={"padding": "0.35rem", "border": tokens.BORDER, "border_radius": tokens.RADIUS},
                ),
                rx.button(tr("common.search"), type="submit"),
                spacing="2",
            ),
            on_submit=S.search,
        ),
        data_table(["", "course.field.code", "course.field.organizer", "course.field.title", "course.field.kind",
                    "course.field.first_date", ""], S.rows, _row, empty_key=None, variant="ghost", size="2"),
        rx.cond(S.rows.length() == 0, rx.text(tr("review.empty"), color=tokens.MUTED, data_testid="review-empty")),
        confirm_action(
            rx.button(tr("review.action.bulk_approve"), " (", S.selected.length().to_string(), ")",
                      disabled=S.selected.length() == 0, color_scheme=tokens.OK, loading=S.working,
                      data_testid="bulk-approve"),
            title=rx.text(tr("review.action.bulk_approve"), COLON, S.selected.length().to_string()),
            consequence=[tr("confirm.bulk_approve")], confirm_key="review.action.bulk_approve",
            on_confirm=S.approve_selected, testid="bulk-approve", colour=tokens.OK),
        work_progress(S),
        pager(S.page, S.total, S.go_page(-1), S.go_page(1)),
        _late_form(),
    )
