"""The teacher's own pages (SPEC §1.3): 線上報名, 線上報名記錄, 個人研習紀錄, 訂閱."""

from __future__ import annotations

import reflex as rx

from tpd_app import routes
from tpd_app.components import tokens
from tpd_app.components.badges import status_badge
from tpd_app.components.courses import checkbox, kind_label, localized
from tpd_app.components.hours import PRINT_CSS, messages
from tpd_app.components.i18n import tr
from tpd_app.components.shell import app_shell
from tpd_app.components.tables import cell, data_table, search_bar
from tpd_app.domain.courses import AudienceLevel, CourseKind
from tpd_app.domain.permissions import Function
from tpd_app.domain.registration import RegistrationStatus
from tpd_app.domain.units import COUNTIES
from tpd_app.state.hours import MyRecordState
from tpd_app.state.registration import MyRegistrationsState, RegisterState
from tpd_app.state.subscriptions import SubscriptionState


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
        cell(rx.vstack(rx.text(row["title"], weight="medium"), rx.text(row["organizer"], size="1",
                                                                        color=tokens.MUTED), spacing="0")),
        cell(row["first_date"], white_space="nowrap"),
        cell(row["closes"], white_space="nowrap"),
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
        data_table(("course.field.code", "course.field.title", "course.field.first_date",
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
        cell(rx.vstack(rx.text(row["title"], weight="medium"), rx.text(row["organizer"], size="1",
                                                                        color=tokens.MUTED), spacing="0")),
        cell(row["first_date"], white_space="nowrap"),
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
            rx.cond(row["can_withdraw"] == "1",
                    rx.button(tr("registration.action.withdraw"), size="1", variant="soft", color_scheme=tokens.DANGER,
                              on_click=S.withdraw(row["id"]), data_testid="withdraw")),
            spacing="2")),
        data_testid="my-registration",
    )


@rx.page(route=routes.FUNCTION_ROUTES[Function.TEACHER_REGISTRATIONS], on_load=MyRegistrationsState.load,
         title="線上報名記錄")
def teacher_registrations_page() -> rx.Component:
    S = MyRegistrationsState
    return app_shell("func.teacher.registrations", messages(S), data_table(
        ("course.field.code", "course.field.title", "course.field.first_date", "course.field.hours_short",
         "course.field.status", "common.actions"), S.rows, _mine_row, testid="my-registrations",
        empty_key="registration.mine_empty"))


def _record_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        cell(row["date"], white_space="nowrap"), cell(row["code"]),
        cell(row["title"]), cell(row["organizer"]), cell(kind_label(row["kind"])), cell(row["topics"]),
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
        rx.progress(value=item["percent"].to(int), max=100,
                    color_scheme=rx.cond(item["met"] == "1", tokens.OK, tokens.WARN)),
        rx.text(rx.cond(item["met"] == "1", tr("records.compliance.met"),
                        tr("records.compliance.missing").to(str).replace("{hours}", item["missing"].to(str))),
                size="1", color=rx.cond(item["met"] == "1", tokens.OK_TEXT, tokens.ERROR)),
        spacing="1", width="100%", data_testid="compliance",
    )


def _year_chip(row: rx.Var, label_key: str) -> rx.Component:
    return rx.badge(row["year"], " ", tr(label_key), "：", row["hours"], variant="outline", size="2")


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
            rx.text(tr("attendance.field.name"), "：", S.teacher["name"], size="2"),
            rx.text(tr("attendance.field.national_id"), "：", S.teacher["national_id"], size="2"),
            rx.text(tr("registration.field.school"), "：", S.teacher["school"], size="2"),
            rx.text(tr("records.total"), "：", rx.text.strong(S.total_hours, data_testid="total-hours"), size="2"),
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
        rx.text(tr("records.shown_hours"), "：", S.shown_hours, size="2"),
        data_table(("records.field.date", "course.field.code", "course.field.title", "course.field.organizer",
                    "course.field.kind", "records.field.topics", "course.field.hours_short"),
                   S.rows, _record_row, testid="record", empty_key="records.empty"),
        spacing="4", width="100%",
    )


@rx.page(route=routes.FUNCTION_ROUTES[Function.TEACHER_RECORDS], on_load=MyRecordState.load, title="個人研習紀錄")
def teacher_records_page() -> rx.Component:
    return app_shell("func.teacher.records", record_body())


def _group(label_key: str, items: list[tuple[str, rx.Var | str]]) -> rx.Component:
    S = SubscriptionState
    return rx.el.fieldset(
        rx.el.legend(tr(label_key), style={"font_weight": "600", "margin_bottom": "0.3rem"}),
        rx.flex(*[checkbox(name, label, checked=S.chosen.contains(name)) for name, label in items], wrap="wrap"),
        style={"border": tokens.BORDER, "border_radius": tokens.RADIUS, "padding": "0.6rem", "width": "100%"},
    )


@rx.page(route=routes.FUNCTION_ROUTES[Function.TEACHER_SUBSCRIPTIONS], on_load=SubscriptionState.load,
         title="訂閱")
def teacher_subscriptions_page() -> rx.Component:
    S = SubscriptionState
    return app_shell(
        "func.teacher.subscriptions",
        messages(S),
        rx.cond(~S.has_email, rx.callout(tr("subscriptions.no_email"), icon="info", color_scheme=tokens.WARN)),
        rx.text(tr("subscriptions.hint"), size="2"),
        rx.form(
            rx.vstack(
                checkbox("active", tr("subscriptions.active"), checked=S.active),
                checkbox("digest", tr("subscriptions.digest"), checked=S.digest),
                _group("subscriptions.kinds", [(f"kind:{k.value}", tr(f"course.kind.{k.value}")) for k in CourseKind]),
                rx.el.fieldset(
                    rx.el.legend(tr("subscriptions.topics"), style={"font_weight": "600"}),
                    rx.flex(rx.foreach(S.topic_options, lambda t: checkbox(
                        "topic:" + t["code"].to(str), localized(t), checked=S.chosen.contains("topic:" + t["code"])))
                        , wrap="wrap"),
                    style={"border": tokens.BORDER, "border_radius": tokens.RADIUS, "padding": "0.6rem",
                           "width": "100%"},
                ),
                _group("subscriptions.counties", [(f"county:{code}", names[0]) for code, names in COUNTIES.items()]),
                _group("subscriptions.levels", [(f"level:{lv.value}", tr(f"course.level.{lv.value}"))
                                                for lv in AudienceLevel]),
                rx.button(tr("common.save"), type="submit", data_testid="save"),
                spacing="3", width="100%",
            ),
            on_submit=S.save,
            key=S.form_key,
        ),
    )
