"""Course building blocks: labelled values, checkbox groups, pager, reason dialog."""

from __future__ import annotations

import reflex as rx

from tpd_app.components import tokens
from tpd_app.components.i18n import county_label, date_label, tr
from tpd_app.state.base import AppState


def kind_label(kind: rx.Var) -> rx.Var:
    return tr(f"course.kind.{kind}")


def localized(row: rx.Var, zh: str = "name_zh", en: str = "name_en") -> rx.Var:
    """The Chinese or English name of a reference-data row, by the UI language."""
    return rx.cond(AppState.ui_lang == "en", row[en], row[zh]).to(str)


def checkbox(name: str | rx.Var, label: rx.Component | rx.Var | str, *, checked: rx.Var | bool = False,
             testid: str | rx.Var = "") -> rx.Component:
    """A native checkbox (its value reaches the form's submit data as `on`)."""
    return rx.el.label(
        rx.el.input(type="checkbox", name=name, default_checked=checked, data_testid=testid or name,
                    style={"width": "1rem", "height": "1rem"}),
        label,
        style={"display": "inline-flex", "gap": "0.35rem", "align_items": "center", "margin_right": "0.9rem",
               "font_size": "0.9rem"},
    )


def labelled(label_key: str, value: rx.Var | str | rx.Component, **props) -> rx.Component:
    """A row of the course detail: label on the left, value on the right."""
    return rx.hstack(
        rx.text(tr(label_key), weight="bold", size="2", min_width="8rem", color=tokens.MUTED),
        value if isinstance(value, rx.Component) else rx.text(value, size="2", **props),
        align="start",
        spacing="3",
        width="100%",
    )


def pager(page: rx.Var, total: rx.Var, on_prev: rx.EventSpec, on_next: rx.EventSpec, page_size: int = 20
          ) -> rx.Component:
    """Previous / next with the page number and the total count."""
    return rx.hstack(
        rx.text(tr("common.total"), " ", total.to_string(), size="2", data_testid="total"),
        rx.spacer(),
        rx.button(tr("common.prev"), on_click=on_prev, disabled=page <= 1, variant="soft", size="1"),
        rx.text(page.to_string(), size="2"),
        rx.button(tr("common.next"), on_click=on_next, disabled=page * page_size >= total, variant="soft",
                  size="1"),
        align="center",
        width="100%",
    )


def reason_dialog(*, open_: rx.Var, title: rx.Var, heading_key: str, on_submit: rx.EventHandler,
                  on_close: rx.EventHandler, error: rx.Var, confirm_key: str, testid: str) -> rx.Component:
    """A modal asking for the required reason of a cancellation or revocation."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(tr(heading_key)),
            rx.dialog.description(title, size="2"),
            rx.form(
                rx.vstack(
                    rx.el.label(tr("course.field.reason"), " *", html_for=f"{testid}-reason"),
                    rx.text_area(id=f"{testid}-reason", name="reason", max_length=1000, width="100%",
                                 data_testid=f"{testid}-reason"),
                    rx.cond(error, rx.text(error, color=tokens.ERROR, size="2", role="alert",
                                           data_testid=f"{testid}-error")),
                    rx.hstack(
                        rx.button(tr("common.cancel"), type="button", variant="soft", color_scheme=tokens.NEUTRAL,
                                  on_click=on_close),
                        rx.button(tr(confirm_key), type="submit", color_scheme=tokens.DANGER,
                                  data_testid=f"{testid}-confirm"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                ),
                on_submit=on_submit,
            ),
        ),
        open=open_,
        on_open_change=lambda _open: on_close(),
    )


def _eligibility(d: rx.Var) -> rx.Component:
    """Who may register, in words (counties, school levels, schools); no row when anyone may. The lists come
    joined with ", " (the states flatten a course's lists)."""
    counties, levels = d["eligible_counties"].to(str), d["eligible_levels"].to(str)
    schools = rx.cond(d["eligible_schools"], d["eligible_schools"], d["eligible_school_codes"]).to(str)

    def line(key: str, value: rx.Component) -> rx.Component:
        return rx.hstack(rx.text(tr(key), size="2"), value, spacing="1", wrap="wrap", align="center")

    return rx.cond(counties | levels | schools, labelled("course.field.eligibility", rx.vstack(
        rx.cond(counties, line("course.eligibility.counties", rx.foreach(
            counties.split(", "), lambda c: rx.badge(county_label(c), variant="outline")))),
        rx.cond(levels, line("course.eligibility.levels", rx.foreach(
            levels.split(", "), lambda lv: rx.badge(tr("course.level." + lv), variant="outline")))),
        rx.cond(schools, line("course.eligibility.schools", rx.text(schools, size="2"))),
        spacing="1", data_testid="eligibility")))


def course_facts(d: rx.Var, *, topics: rx.Var, levels: rx.Var) -> list[rx.Component]:
    """The labelled facts of a course shared by the reviewer's view and the public page; an optional field
    left empty shows no row."""
    return [
        labelled("course.field.code", d["code"]),
        labelled("course.field.organizer", d["organizer"]),
        labelled("course.field.topics", rx.hstack(rx.foreach(topics, lambda t: rx.badge(localized(t))), wrap="wrap")),
        labelled("course.field.audience_levels",
                 rx.hstack(rx.foreach(levels, lambda lv: rx.badge(tr(f"course.level.{lv}"))), wrap="wrap")),
        rx.cond(d["audience_subjects"], labelled("course.field.audience_subjects", d["audience_subjects"])),
        rx.cond(d["audience_roles"], labelled("course.field.audience_roles", d["audience_roles"])),
        labelled("course.field.hours", d["hours"]),
        rx.cond((d["credits"] != "") & (d["credits"] != "None") & (d["credits"] != "0"),
                labelled("course.field.credits", d["credits"])),
        labelled("course.field.capacity", d["capacity"]),
        rx.cond(d["venue"], labelled("course.field.venue", rx.hstack(
            rx.text(d["venue"], size="2"),
            rx.cond(d["venue_map"], rx.link(tr("course.venue_map"), href=d["venue_map"], size="2",
                                            is_external=True, data_testid="venue-map")),
            spacing="2", wrap="wrap"))),
        rx.cond(d["online_url"], labelled("course.field.online_url",
                                          rx.link(d["online_url"], href=d["online_url"], is_external=True))),
        rx.cond(d["registration_opens"] | d["registration_closes"], labelled(
            "course.field.registration_window",
            rx.text(date_label(d["registration_opens"]), " – ", date_label(d["registration_closes"]), size="2"))),
        _eligibility(d),
        rx.cond(d["contact_name"], labelled("course.field.contact_name", d["contact_name"])),
        rx.cond(d["contact_phone"], labelled("course.field.contact_phone", d["contact_phone"])),
        rx.cond(d["contact_email"], labelled("course.field.contact_email", rx.link(
            d["contact_email"], href="mailto:" + d["contact_email"].to(str), size="2"))),
    ]
