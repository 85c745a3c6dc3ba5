"""線上報名 (SPEC §3.2): the teacher's registration and registration history, the organizer's courses
with registrations, and one course's registrants."""

from __future__ import annotations

import reflex as rx

from tpd_app import routes
from tpd_app.components import tokens
from tpd_app.components.badges import status_badge
from tpd_app.components.confirm import confirm_action
from tpd_app.components.courses import reason_dialog
from tpd_app.components.hours import messages
from tpd_app.components.i18n import COLON, date_label, tr
from tpd_app.components.shell import app_shell
from tpd_app.components.tables import (
    cell,
    search_bar,
    stacked_table,
)
from tpd_app.domain import registration
from tpd_app.domain.permissions import Function
from tpd_app.domain.registration import RegistrationStatus
from tpd_app.state.registration import MyRegistrationsState, ParticipantsState, RegisterState, RegistrantsState


def _course_title(row: rx.Var) -> rx.Component:
    """The title, linked to the course's page (details, seats left, her status), and the organizer."""
    return rx.vstack(rx.link(row["title"], href=routes.CATALOGUE + "/" + row["code"].to(str), weight="medium",
                             data_testid="course-link"),
                     rx.text(row["organizer"], size="1", color=tokens.MUTED), spacing="0")


def _open_row(row: rx.Var) -> rx.Component:
    S = RegisterState
    action = rx.cond(
        row["my_status"] != "",
        status_badge(row["my_status"], RegistrationStatus),
        rx.cond(row["refusal"] != "",
                rx.text(tr(row["refusal"].to(str)), size="1", color=tokens.ERROR, data_testid="refusal"),
                rx.button(tr("registration.action.register"), size="1", on_click=S.register(row["id"]),
                          data_testid="register")),
    )
    return rx.table.row(
        cell(row["code"]),
        cell(_course_title(row)),
        cell(date_label(row["first_date"]), white_space="nowrap"),
        cell(date_label(row["closes"]), white_space="nowrap"),
        cell(row["hours"]),
        cell(rx.hstack(rx.text(row["capacity"]), rx.cond(row["full"] == "1",
                                                         rx.badge(tr("registration.full"), color_scheme=tokens.INFO)),
                       spacing="1")),
        cell(action),
        data_testid="open-course",
    )


def register_page_body() -> rx.Component:
    S = RegisterState
    return rx.vstack(
        messages(S),
        search_bar(S.search, rx.input(name="keyword", placeholder=tr("course.filter.keyword"), max_length=100,
                                      data_testid="keyword")),
        stacked_table(("course.field.code", "course.field.title", "course.field.first_date",
                    "registration.field.closes", "course.field.hours_short", "registration.field.capacity",
                    "common.actions"), S.rows, _open_row, testid="open-courses", empty_key="registration.empty"),
        spacing="4", width="100%",
    )


@rx.page(route=routes.FUNCTION_ROUTES[Function.TEACHER_REGISTER], on_load=RegisterState.load, title="線上報名")
def teacher_register_page() -> rx.Component:
    return app_shell("func.teacher.register", register_page_body())


def _mine_row(row: rx.Var) -> rx.Component:
    S = MyRegistrationsState
    return rx.table.row(
        cell(row["code"]),
        cell(_course_title(row)),
        cell(date_label(row["first_date"]), white_space="nowrap"),
        cell(row["hours"]),
        cell(rx.vstack(
            rx.hstack(status_badge(row["status"], RegistrationStatus),
                      rx.cond(row["position"] != "", rx.text(tr("registration.field.position"), " ",
                                                              row["position"], size="1", data_testid="position")),
                      spacing="2", align="center"),
            rx.cond(row["reason"] != "", rx.text(row["reason"], size="1", color=tokens.MUTED)),
            spacing="1")),
        cell(rx.hstack(
            rx.cond(row["ics"] == "1", rx.link(tr("registration.action.ics"),
                                               href="/api/me/registrations/" + row["id"].to(str) + ".ics",
                                               is_external=True, size="1", data_testid="ics")),
            rx.cond(row["can_withdraw"] == "1", confirm_action(
                rx.button(tr("registration.action.withdraw"), size="1", variant="soft", color_scheme=tokens.DANGER,
                          data_testid="withdraw"),
                title=rx.text(tr("registration.withdraw.title"), row["title"]),
                consequence=[rx.cond(row["status"] == RegistrationStatus.WAITING.value,
                                     tr("registration.withdraw.waiting"), tr("registration.withdraw.seat")),
                             tr("registration.withdraw.again")],
                confirm_key="registration.withdraw.confirm", on_confirm=S.withdraw(row["id"]), testid="withdraw")),
            spacing="2")),
        data_testid="my-registration",
    )


@rx.page(route=routes.FUNCTION_ROUTES[Function.TEACHER_REGISTRATIONS], on_load=MyRegistrationsState.load,
         title="線上報名記錄")
def teacher_registrations_page() -> rx.Component:
    S = MyRegistrationsState
    return app_shell("func.teacher.registrations", messages(S), stacked_table(
        ("course.field.code", "course.field.title", "course.field.first_date", "course.field.hours_short",
         "course.field.status", "common.actions"), S.rows, _mine_row, testid="my-registrations",
        empty_key="registration.mine_empty"), _calendar_feed())


def _calendar_feed() -> rx.Component:
    """Her personal calendar subscription: the secret address, copy, make a new one, stop."""
    S = MyRegistrationsState
    remake = confirm_action(
        rx.button(tr("registration.feed.remake"), variant="soft", data_testid="feed-remake"),
        title=rx.text(tr("registration.feed.remake_title")), consequence=[tr("registration.feed.remake_consequence")],
        confirm_key="registration.feed.remake", on_confirm=S.make_feed, testid="feed-remake",
        colour=tokens.WARN)
    stop = confirm_action(
        rx.button(tr("registration.feed.stop"), variant="soft", color_scheme=tokens.DANGER, data_testid="feed-stop"),
        title=rx.text(tr("registration.feed.stop_title")), consequence=[tr("registration.feed.stop_consequence")],
        confirm_key="registration.feed.stop", on_confirm=S.stop_feed, testid="feed-stop")
    return rx.card(rx.vstack(
        rx.heading(tr("registration.feed.title"), size="4", as_="h2"),
        rx.text(tr("registration.feed.about"), size="2", color=tokens.MUTED),
        rx.cond(
            S.feed["address"] != "",
            rx.vstack(
                rx.el.label(tr("registration.feed.address"), html_for="feed-address", font_size="0.875rem",
                            font_weight="500"),
                rx.input(value=S.feed["address"], read_only=True, id="feed-address", width="100%",
                         on_focus=rx.call_script("document.getElementById('feed-address').select()"),
                         data_testid="feed-address"),
                rx.flex(
                    rx.button(rx.icon("copy", size=16, aria_hidden="true"), tr("registration.feed.copy"),
                              on_click=rx.set_clipboard(S.feed["address"].to(str)), data_testid="feed-copy"),
                    remake, stop, gap=tokens.SPACE_2, wrap="wrap"),
                rx.text(tr("registration.feed.last_read"), COLON,
                        rx.cond(S.feed["last_read"] != "", date_label(S.feed["last_read"]),
                                tr("registration.feed.never_read")),
                        size="1", color=tokens.MUTED, data_testid="feed-last-read"),
                spacing="2", width="100%"),
            rx.vstack(
                rx.text(tr("registration.feed.none"), size="2"),
                rx.button(tr("registration.feed.make"), on_click=S.make_feed, data_testid="feed-make"),
                spacing="2"),
        ),
        spacing="3", width="100%"), width="100%", data_testid="calendar-feed")


def _upcoming_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        cell(row["code"]), cell(row["title"]), cell(date_label(row["first_date"]), white_space="nowrap"),
        cell(row["capacity"]), cell(row["pending"]), cell(row["accepted"]), cell(row["waiting"]),
        cell(rx.link(tr("registration.action.registrants"),
                     href=routes.REGISTRANTS + "?id=" + row["id"].to(str), data_testid="open-registrants")),
        data_testid="upcoming-course",
    )


def _due_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        cell(row["code"]), cell(row["title"]), cell(date_label(row["last_date"]), white_space="nowrap"),
        cell(rx.hstack(rx.text(date_label(row["deadline"])),
                       rx.cond(row["overdue"] == "1", rx.badge(tr("attendance.overdue"), color_scheme=tokens.DANGER)),
                       spacing="1")),
        cell(rx.hstack(status_badge(row["status"], registration.ListStatus),
                       rx.cond(row["late"] == "1", rx.badge(tr("attendance.late"), color_scheme=tokens.CAUTION)),
                       spacing="1")),
        cell(rx.link(tr("attendance.action.open"), href=routes.ATTENDANCE + "?id=" + row["course_id"].to(str),
                     data_testid="open-attendance")),
        data_testid="due-course",
    )


@rx.page(route=routes.PARTICIPANTS, on_load=ParticipantsState.load, title="報名與研習名單")
def participants_page() -> rx.Component:
    S = ParticipantsState
    return app_shell(
        "participants.title",
        messages(S),
        rx.heading(tr("registration.title.registrants"), size="4", as_="h2"),
        stacked_table(("course.field.code", "course.field.title", "course.field.first_date",
                    "registration.field.capacity", "registration.status.pending", "registration.status.accepted",
                    "registration.status.waiting", "common.actions"), S.upcoming, _upcoming_row,
                   testid="upcoming"),
        rx.heading(tr("attendance.title.due"), size="4", as_="h2"),
        stacked_table(("course.field.code", "course.field.title", "attendance.field.last_date",
                    "attendance.field.deadline", "course.field.status", "common.actions"), S.due, _due_row,
                   testid="due", empty_key="attendance.due_empty"),
    )


def _registrant_row(row: rx.Var) -> rx.Component:
    S = RegistrantsState
    pending = row["status"] == "pending"
    return rx.table.row(
        cell(rx.cond(pending, rx.checkbox(checked=S.selected.contains(row["id"]),
                                          on_change=lambda ticked: S.toggle(row["id"], ticked),
                                          aria_label="select", data_testid="select-registrant"))),
        cell(row["name"]), cell(row["national_id"]), cell(row["school"]),
        cell(rx.hstack(status_badge(row["status"], registration.RegistrationStatus),
                       rx.cond(row["position"] != "", rx.text("#", row["position"], size="1")), spacing="1")),
        cell(date_label(row["registered_at"])),
        cell(row["reason"]),
        cell(rx.hstack(
            rx.cond(pending, rx.button(tr("registration.action.accept"), size="1", on_click=S.accept(row["id"]),
                                       data_testid="accept")),
            rx.cond((row["status"] == "pending") | (row["status"] == "accepted") | (row["status"] == "waiting"),
                    rx.button(tr("registration.action.decline"), size="1", variant="soft", color_scheme=tokens.DANGER,
                              on_click=S.ask_decline(row["id"], row["name"]), data_testid="decline")),
            spacing="2")),
        data_testid="registrant",
    )


@rx.page(route=routes.REGISTRANTS, on_load=RegistrantsState.load, title="報名名單")
def registrants_page() -> rx.Component:
    S = RegistrantsState
    return app_shell(
        "registration.title.registrants",
        messages(S),
        rx.hstack(rx.text(S.course["code"], " ", rx.text.strong(S.course["title"]), size="3"),
                  rx.text(tr("course.field.first_date"), COLON, date_label(S.course["first_date"]), size="2"),
                  rx.text(tr("registration.field.held"), COLON, S.course["held"], " / ", S.course["capacity"],
                          size="2", data_testid="held"),
                  spacing="4", wrap="wrap", align="center"),
        rx.hstack(
            rx.button(tr("registration.action.accept_selected"), on_click=S.accept_selected,
                      disabled=S.selected.length() == 0, data_testid="accept-selected"),
            rx.link(rx.button(rx.icon("download", size=14), tr("registration.action.export"), variant="soft"),
                    href="/api/courses/" + S.course["id"].to(str) + "/registrants.xlsx", is_external=True,
                    data_testid="export"),
            spacing="2",
        ),
        stacked_table(("registration.field.select", "attendance.field.name", "attendance.field.national_id",
                    "registration.field.school", "course.field.status", "registration.field.registered_at",
                    "registration.field.reason", "common.actions"), S.rows, _registrant_row, testid="registrants"),
        reason_dialog(open_=S.decline_id != "", title=S.decline_name, heading_key="registration.decline.title",
                      on_submit=S.confirm_decline, on_close=S.close_decline, error=S.decline_error,
                      confirm_key="registration.action.decline", testid="decline"),
    )
