"""學校名錄異動 (directory changes) and the correction of a unit's contact data in a centre's jurisdiction."""

from __future__ import annotations

import reflex as rx

from tpd_app import routes
from tpd_app.components import tokens
from tpd_app.components.badges import status_badge
from tpd_app.components.forms import field, notices
from tpd_app.components.i18n import date_label, tr
from tpd_app.components.shell import app_shell
from tpd_app.components.tables import (
    action_button,
    cell,
    data_table,
    form_card,
    search_bar,
    select_field,
)
from tpd_app.domain.accounts import DirectoryChangeStatus
from tpd_app.domain.units import COUNTIES
from tpd_app.pages.unit_contact import unit_contact_fields
from tpd_app.state.directory import DirectoryState, UnitEditState

KINDS = ("new", "closed", "renamed", "transformed", "merged")

LEVELS = (("elementary", "level.elementary"), ("junior_high", "level.junior_high"),
          ("senior_high", "level.senior_high"), ("kindergarten", "level.kindergarten"))

TRANSFORM_LEVELS = (("", "directory.level_unchanged"), *LEVELS)
COUNTY_CHOICES = (("", "directory.county_choose"), *((code, f"county.{code}") for code in COUNTIES))


def _kind_switch() -> rx.Component:
    S = DirectoryState
    return rx.hstack(
        *[rx.button(tr(f"directory.kind.{kind}"), on_click=S.choose_kind(kind), type="button", size="1",
                    variant=rx.cond(S.kind == kind, "solid", "soft"), role="tab",
                    aria_selected=rx.cond(S.kind == kind, "true", "false"), data_testid=f"kind-{kind}")
          for kind in KINDS],
        spacing="1", wrap="wrap", role="tablist",
    )


def _report_form() -> rx.Component:
    S = DirectoryState
    return rx.card(
        rx.vstack(
            rx.heading(tr("directory.report"), size="4", as_="h2"),
            _kind_switch(),
            rx.form(
                rx.vstack(
                    field(S, "unit_code", "directory.unit_code", required=True, max_length=32),
                    rx.cond((S.kind == "new") | (S.kind == "renamed") | (S.kind == "transformed"),
                            field(S, "new_name", "directory.new_name", max_length=200)),
                    rx.cond(S.kind == "new",
                            rx.hstack(select_field("school_level", "directory.level", LEVELS,
                                                   error=S.field_errors["school_level"]),
                                      select_field("county", "directory.county", COUNTY_CHOICES,
                                                   error=S.field_errors["county"]), spacing="3", wrap="wrap")),
                    rx.cond(S.kind == "transformed",
                            select_field("school_level", "directory.level", TRANSFORM_LEVELS,
                                         error=S.field_errors["school_level"])),
                    rx.cond(S.kind == "merged", field(S, "successor_code", "directory.successor", max_length=32)),
                    field(S, "effective_date", "directory.effective_date", type_="date", required=True),
                    field(S, "note", "directory.note", max_length=500),
                    rx.button(tr("directory.submit"), type="submit", data_testid="report-change"),
                    spacing="3", width="100%", max_width="32rem",
                ),
                on_submit=S.report,
                key=S.form_key,
            ),
            spacing="3",
        ),
        width="100%",
    )


def _change_row(c: rx.Var) -> rx.Component:
    S = DirectoryState
    return rx.table.row(
        cell(tr("directory.kind." + c["kind"].to(str))),
        cell(c["unit_code"]),
        cell(c["name_before"], rx.cond(c["name_after"], rx.text("→ ", c["name_after"], size="1"))),
        cell(c["successor"]),
        cell(c["effective_date"]),
        cell(c["reporter"]),
        cell(status_badge(c["status"], DirectoryChangeStatus, testid=None)),
        cell(rx.cond(S.is_national_centre & (c["status"] == "applied"),
                     action_button("directory.acknowledge", S.acknowledge(c["id"]), colour=tokens.OK,
                                   testid="ack-" + c["id"].to(str)),
                     rx.text(c["acknowledged_at"], size="1"))),
        data_testid="change-row",
    )


@rx.page(route=routes.DIRECTORY, on_load=DirectoryState.load, title="學校名錄異動 | 全國教師在職進修資訊網")
def directory_page() -> rx.Component:
    S = DirectoryState
    return app_shell(
        "directory.title",
        rx.text(tr("directory.intro"), size="2"),
        rx.link(tr("units.title"), href=routes.UNITS, size="2"),
        rx.cond(S.reminder["deadline"],
                rx.callout(rx.text(tr("directory.reminder"), " ", date_label(S.reminder["deadline"]), " (",
                                   S.reminder["days_left"], " ", tr("directory.days_left"), ")"),
                           icon="calendar-clock", color_scheme=tokens.WARN, data_testid="directory-reminder")),
        notices(S),
        _report_form(),
        rx.heading(tr("directory.list"), size="4", as_="h2"),
        data_table(("directory.kind", "directory.unit_code", "directory.name", "directory.successor",
                    "directory.effective_date", "directory.reporter", "table.status", "table.actions"),
                   S.changes, _change_row, testid="changes"),
    )


@rx.page(route=routes.UNITS, on_load=UnitEditState.load, title="轄下單位資料 | 全國教師在職進修資訊網")
def units_page() -> rx.Component:
    S = UnitEditState
    return app_shell(
        "units.title",
        rx.text(tr("units.intro"), size="2"),
        rx.link(tr("directory.title"), href=routes.DIRECTORY, size="2"),
        notices(S),
        search_bar(S.find, rx.vstack(rx.el.label(tr("directory.unit_code"), html_for="unit-code",
                                                 style={"font_size": "0.9rem"}),
                                     rx.input(id="unit-code", name="code", max_length=32), spacing="1")),
        rx.cond(
            S.unit_code,
            form_card(
                "units.edit", S.save,
                rx.text(S.values["unit_code"], " ", S.values["unit_name"], weight="bold", data_testid="unit-name"),
                *unit_contact_fields(S),
                rx.button(tr("common.save"), type="submit", data_testid="save-unit"),
                hint_key="units.hint", key=S.form_key,
            ),
        ),
    )
