"""The public course catalogue `/courses` and a course's page `/courses/<code>` (SPEC §4)."""

from __future__ import annotations

import reflex as rx

from tpd_app import routes
from tpd_app.components import tokens
from tpd_app.components.badges import status_badge
from tpd_app.components.confirm import confirm_action
from tpd_app.components.courses import checkbox, course_facts, kind_label, localized
from tpd_app.components.forms import date_input
from tpd_app.components.hours import messages
from tpd_app.components.i18n import county_label, date_label, tr
from tpd_app.components.shell import page_frame
from tpd_app.components.tables import data_table
from tpd_app.domain.registration import RegistrationStatus, RegistrationWindow, Standing
from tpd_app.state.catalogue import CatalogueState, CourseDetailState
from tpd_app.state.courses import COUNTY_CODES, KIND_OPTIONS, LEVEL_OPTIONS

S = CatalogueState
D = CourseDetailState
_SELECT_STYLE = {"padding": "0.35rem", "border": tokens.BORDER, "border_radius": tokens.RADIUS}


def _select(name: str, all_key: str, options: list[tuple[str, rx.Var | str]]) -> rx.Component:
    return rx.el.select(
        rx.el.option(tr(all_key), value=""),
        *[rx.el.option(label, value=value) for value, label in options],
        name=name, default_value=S.params[name].to(str), aria_label=tr(f"catalogue.filter.{name}"), style=_SELECT_STYLE,
        data_testid=f"catalogue-{name}",
    )


def _filters() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.hstack(
                rx.input(name="q", default_value=S.params["q"].to(str), placeholder=tr("catalogue.keyword"),
                         max_length=100, width="20rem", data_testid="catalogue-q"),
                rx.button(rx.icon("search", size=14), tr("common.search"), type="submit",
                          data_testid="catalogue-search"),
                spacing="2",
                wrap="wrap",
            ),
            rx.hstack(
                _select("county", "catalogue.all_counties", [(c, tr(f"county.{c}")) for c in COUNTY_CODES]),
                _select("level", "catalogue.all_levels", [(lv, tr(f"course.level.{lv}")) for lv in LEVEL_OPTIONS]),
                _select("kind", "course.filter.all_kinds", [(k, tr(f"course.kind.{k}")) for k in KIND_OPTIONS]),
                rx.el.select(
                    rx.el.option(tr("catalogue.all_topics"), value=""),
                    rx.foreach(S.topics, lambda t: rx.el.option(localized(t), value=t["code"])),
                    name="topic", default_value=S.params["topic"].to(str), aria_label=tr("catalogue.filter.topic"),
                    style=_SELECT_STYLE,
                ),
                date_input("from", default=S.params["from"], aria_label=tr("catalogue.filter.from"),
                           data_testid="catalogue-from"),
                rx.text("–", aria_hidden="true"),
                date_input("to", default=S.params["to"], aria_label=tr("catalogue.filter.to"),
                           data_testid="catalogue-to"),
                checkbox("open", tr("catalogue.open_now"), checked=S.params["open"] == "1", testid="catalogue-open"),
                spacing="2",
                wrap="wrap",
                align="center",
            ),
            spacing="2",
        ),
        on_submit=S.search,
        key=S.form_key,
    )


def _result(row: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.link(row["title"], href=f"{routes.CATALOGUE}/{row['code']}", weight="bold", size="4"),
                # A course without online registration ("none") shows no badge.
                status_badge(row["registration"], RegistrationWindow, testid=None, fallback=rx.fragment()),
                align="center",
                wrap="wrap",
            ),
            rx.text(row["organizer"], " · ", county_label(row["county"]), " · ", kind_label(row["kind"]), size="2",
                    color=tokens.MUTED),
            rx.text(tr("course.field.first_date"), ": ", date_label(row["first_date"]), " · ",
                    tr("course.field.hours_short"), ": ", row["hours"], " · ", tr("course.field.code"), ": ",
                    row["code"], size="2"),
            spacing="1",
        ),
        width="100%",
        data_testid="catalogue-result",
    )


@rx.page(route=routes.CATALOGUE, on_load=S.load, title="研習課程查詢 | 全國教師在職進修資訊網")
def catalogue_page() -> rx.Component:
    return page_frame(
        rx.vstack(
            rx.heading(tr("catalogue.title"), size="7", as_="h1"),
            _filters(),
            rx.cond(S.date_error, rx.callout(S.date_error, icon="triangle-alert", color_scheme=tokens.DANGER,
                                             role="alert", data_testid="form-error")),
            rx.text(tr("common.total"), " ", S.total_text, size="2", data_testid="catalogue-total"),
            rx.vstack(rx.foreach(S.results, _result), spacing="2", width="100%", data_testid="catalogue-results"),
            rx.cond(S.total == 0, rx.text(tr("common.no_results"), color=tokens.MUTED)),
            rx.hstack(
                rx.cond(S.prev_href, rx.link(tr("common.prev"), href=S.prev_href, data_testid="catalogue-prev")),
                rx.text(S.page.to_string(), size="2"),
                rx.cond(S.next_href, rx.link(tr("common.next"), href=S.next_href, data_testid="catalogue-next")),
                spacing="4",
            ),
            spacing="4",
            width="100%",
        )
    )


def _detail_session(row: rx.Var) -> rx.Component:
    return rx.table.row(rx.table.cell(date_label(row["day"])), rx.table.cell(row["start"], "–", row["end"]),
                        rx.table.cell(row["lecturer"]))


def _seats(st: rx.Var) -> rx.Component:
    return rx.cond(
        st["capacity"] == "0", rx.text(tr("course.standing.no_limit"), size="2"),
        rx.cond(st["full"] == "1",
                rx.text(tr("course.standing.full"), " ", tr("course.standing.waiting_now"), " ", st["waiting"],
                        size="2", weight="medium", data_testid="seats-left"),
                rx.text(tr("course.standing.seats_left"), " ", st["seats_left"], " / ", st["capacity"], size="2",
                        weight="medium", data_testid="seats-left")))


def _call_to_action(st: rx.Var) -> rx.Component:
    register = rx.button(tr("registration.action.register"), on_click=D.register, data_testid="course-register")
    withdraw = confirm_action(
        rx.button(tr("registration.action.withdraw"), variant="soft", color_scheme=tokens.DANGER,
                  data_testid="withdraw"),
        title=rx.text(tr("registration.withdraw.title"), D.detail["title"]),
        consequence=[rx.cond(st["status"] == RegistrationStatus.WAITING.value, tr("registration.withdraw.waiting"),
                             tr("registration.withdraw.seat")), tr("registration.withdraw.again")],
        confirm_key="registration.withdraw.confirm", on_confirm=D.withdraw, testid="withdraw")
    return rx.match(
        st["action"],
        (Standing.SIGN_IN.value, rx.link(rx.button(tr("course.standing.sign_in")),
                                         href=routes.LOGIN + "?next=" + routes.CATALOGUE + "/" + st["code"],
                                         data_testid="course-sign-in")),
        (Standing.REGISTER.value, register),
        (Standing.JOIN_WAITING.value, rx.vstack(
            rx.button(tr("course.standing.join_waiting"), on_click=D.register, data_testid="course-register"),
            rx.text(tr("course.standing.would_be"), " ", st["would_be"], size="2", data_testid="would-be"),
            spacing="1")),
        (Standing.REGISTERED.value, rx.hstack(
            status_badge(st["status"], RegistrationStatus),
            rx.cond(st["position"] != "", rx.text(tr("registration.field.position"), " ", st["position"], size="2",
                                                  data_testid="position")),
            rx.cond(st["ics"] == "1", rx.link(tr("registration.action.ics"),
                                              href="/api/me/registrations/" + st["registration_id"] + ".ics",
                                              is_external=True, size="2", data_testid="ics")),
            rx.cond(st["can_withdraw"] == "1", withdraw),
            spacing="3", align="center", wrap="wrap")),
        (Standing.REFUSED.value, rx.text(tr(st["refusal"]), size="2", data_testid="refusal")),
        (Standing.STAFF.value, rx.text(tr("course.standing.teachers_only"), size="2", color=tokens.MUTED)),
        rx.text(tr("course.standing.no_online"), size="2", color=tokens.MUTED),
    )


def _standing() -> rx.Component:
    """Registration, in place: seats left, the window, and what this person can do now."""
    st = D.standing
    return rx.card(
        rx.vstack(
            rx.heading(tr("course.standing.title"), size="4", as_="h2"),
            rx.cond(st["action"] != Standing.NONE.value, rx.vstack(
                _seats(st),
                rx.cond(st["opens"] != "", rx.text(
                    tr("course.standing.window"), " ", date_label(st["opens"]), " – ",
                    date_label(st["closes"]), size="2", data_testid="registration-window")),
                spacing="1")),
            messages(D),
            _call_to_action(st),
            spacing="3",
        ),
        width="100%",
        data_testid="course-standing",
    )


def _detail() -> rx.Component:
    d = D.detail
    return rx.vstack(
        rx.heading(d["title"], size="7", as_="h1", data_testid="course-title"),
        rx.hstack(rx.badge(kind_label(d["kind"])),
                  status_badge(d["registration"], RegistrationWindow, testid=None, fallback=rx.fragment()),
                  spacing="2"),
        _standing(),
        *course_facts(d, topics=D.detail_topics, levels=D.detail_levels),
        rx.heading(tr("course.field.sessions"), size="4", as_="h2"),
        data_table((), D.detail_sessions, _detail_session, empty_key=None, variant="ghost", size="2"),
        rx.heading(tr("course.field.description"), size="4", as_="h2"),
        rx.text(d["description"], white_space="pre-wrap"),
        rx.cond(D.detail_files.length() > 0, rx.vstack(
            rx.heading(tr("catalogue.attachments"), size="4", as_="h2"),
            rx.foreach(D.detail_files, lambda f: rx.link(f["name"], href=f["href"], is_external=True,
                                                         data_testid="attachment-link")),
        )),
        rx.hstack(
            rx.link(rx.hstack(rx.icon("mail-question", size=14, aria_hidden="true"), tr("catalogue.ask_organizer"),
                              align="center", spacing="1"),
                    href=routes.HELP + "?course=" + d["code"].to(str), data_testid="ask-organizer"),
            rx.text(tr("catalogue.ask_organizer_hint"), size="1", color=tokens.MUTED),
            spacing="2", align="center", wrap="wrap"),
        rx.link(tr("catalogue.back"), href=routes.CATALOGUE),
        spacing="3",
        width="100%",
    )


@rx.page(route=f"{routes.CATALOGUE}/[course_code]", on_load=D.load, title="研習課程 | 全國教師在職進修資訊網")
def course_detail_page() -> rx.Component:
    return page_frame(
        rx.cond(D.found, _detail(),
                rx.vstack(rx.text(tr("catalogue.not_found"), data_testid="course-not-found"),
                          rx.link(tr("catalogue.back"), href=routes.CATALOGUE))),
    )
