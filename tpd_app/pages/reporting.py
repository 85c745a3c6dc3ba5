"""Back-end reporting (SPEC §3.5): a unit's API clients for its own system, and how each county reports."""

from __future__ import annotations

import reflex as rx

from tpd_app import routes
from tpd_app.components import tokens
from tpd_app.components.badges import status_badge
from tpd_app.components.forms import field, notices, work_progress
from tpd_app.components.hours import messages
from tpd_app.components.i18n import COLON, county_label, date_label, tr
from tpd_app.components.shell import app_shell
from tpd_app.components.tables import cell, confirmed_button, form_card, select_field, stacked_table
from tpd_app.domain.registration import ListStatus
from tpd_app.domain.reporting import ReportingMode, Scope
from tpd_app.domain.units import COUNTIES
from tpd_app.state.reporting import ApiClientsState, ReportedMonthsState, ReportingModesState

_STATE_COLOURS = {"active": tokens.OK, "expired": tokens.WARN, "revoked": tokens.NEUTRAL}


def _token_panel() -> rx.Component:
    """The token of the client just made (or given a new token): shown this once."""
    S = ApiClientsState
    return rx.cond(S.secret_text, rx.callout.root(
        rx.callout.icon(rx.icon("key-round")),
        rx.callout.text(
            rx.text(tr("reporting.token.title"), COLON, S.secret_label, weight="bold"),
            rx.code(S.secret_text, size="3", data_testid="api-token", style={"word_break": "break-all"}),
            rx.button(rx.icon("copy", size=16, aria_hidden="true"), tr("reporting.token.copy"), size="1",
                      variant="soft", on_click=rx.set_clipboard(S.secret_text), data_testid="copy-token",
                      width="fit-content"),
            rx.text(tr("reporting.token.body"), size="1"),
        ),
        color_scheme=tokens.WARN, role="status",
    ))


def _scopes(row: rx.Var) -> rx.Component:
    return rx.hstack(*[rx.cond(row["scopes"].to(str).contains(s.value),
                               rx.badge(tr(f"reporting.scope.{s.value}"), color_scheme=tokens.INFO))
                       for s in Scope], spacing="1", wrap="wrap")


def _client_row(row: rx.Var) -> rx.Component:
    S = ApiClientsState
    active = row["state"] == "active"
    return rx.table.row(
        cell(rx.text(row["name"], weight="medium"), rx.code(row["key_id"], size="1")),
        cell(_scopes(row)),
        cell(rx.cond(row["addresses"] != "", rx.text(row["addresses"], size="1"),
                     rx.text(tr("reporting.any_address"), size="1"))),
        cell(rx.cond(row["expires_on"] != "", date_label(row["expires_on"]), tr("reporting.no_expiry"))),
        cell(rx.cond(row["last_used_at"] != "",
                     rx.text(date_label(row["last_used_at"]), " ", row["last_used_ip"], size="1"),
                     rx.text(tr("reporting.never_used"), size="1")),
             rx.text(tr("reporting.calls"), COLON, row["calls"], size="1")),
        cell(rx.match(row["state"], *[(k, rx.badge(tr(f"reporting.state.{k}"), color_scheme=c))
                                      for k, c in _STATE_COLOURS.items()], rx.fragment())),
        cell(rx.cond(active, rx.hstack(
            confirmed_button("reporting.rotate", S.rotate(row["id"]), testid="rotate-" + row["key_id"],
                             name=row["name"], consequence_key="reporting.rotate_consequence", colour=tokens.WARN),
            confirmed_button("reporting.revoke", S.revoke(row["id"]), testid="revoke-" + row["key_id"],
                             name=row["name"], consequence_key="reporting.revoke_consequence",
                             colour=tokens.DANGER),
            spacing="1", wrap="wrap"))),
        data_testid="api-client",
    )


def _scope_boxes() -> rx.Component:
    S = ApiClientsState
    return rx.el.fieldset(
        rx.el.legend(tr("reporting.field.scopes"), " *", style={"font_weight": "500", "font_size": "0.9rem"}),
        *[rx.el.label(rx.el.input(type="checkbox", name=f"scope__{s.value}", data_testid=f"scope-{s.value}",
                                  style={"width": "1rem", "height": "1rem"}),
                      tr(f"reporting.scope.{s.value}"),
                      style={"display": "flex", "gap": "0.4rem", "align_items": "center"}) for s in Scope],
        rx.cond(S.field_errors["scopes"], rx.text(tr(S.field_errors["scopes"].to(str)), color=tokens.ERROR, size="2",
                                                  role="alert")),
        style={"border": "none", "padding": "0", "margin": "0", "display": "grid", "gap": "0.35rem"},
    )


@rx.page(route=routes.REPORTING_CLIENTS, on_load=ApiClientsState.load, title="API 用戶端 | 全國教師在職進修資訊網")
def api_clients_page() -> rx.Component:
    S = ApiClientsState
    return app_shell(
        "reporting.clients.title",
        rx.text(tr("reporting.clients.lead"), size="2", color=tokens.MUTED),
        rx.link(tr("reporting.docs_link"), href="/api/v1/docs", is_external=True, size="2", data_testid="api-docs"),
        notices(S),
        _token_panel(),
        form_card(
            "reporting.form.title", S.create,
            field(S, "name", "reporting.field.name", required=True, max_length=100),
            _scope_boxes(),
            field(S, "addresses", "reporting.field.addresses", max_length=2000),
            field(S, "expires_on", "reporting.field.expires_on", type_="date"),
            rx.button(tr("reporting.create"), type="submit", data_testid="create-client"),
            hint_key="reporting.form.hint", key=S.form_key,
        ),
        stacked_table(("reporting.field.name", "reporting.field.scopes", "reporting.field.allowed",
                       "reporting.field.expires_on", "reporting.field.last_used", "reporting.field.state",
                       "common.actions"), S.rows, _client_row, testid="api-clients", empty_key="reporting.no_clients"),
    )


MODE_CHOICES = tuple((m.value, m.label_key) for m in ReportingMode)
COUNTY_CHOICES = (("", "directory.county_choose"), *((code, f"county.{code}") for code in COUNTIES))


def _mode_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        cell(county_label(row["county"])),
        cell(status_badge(row["mode"], ReportingMode, testid=None)),
        cell(rx.cond(row["since"] != "", date_label(row["since"]), "")),
        cell(rx.cond(row["unconfirmed"] != "", rx.badge(row["unconfirmed"], color_scheme=tokens.WARN),
                     rx.text("—", aria_label=tr("reporting.none_waiting")))),
        data_testid="county-mode",
    )


@rx.page(route=routes.REPORTING_MODES, on_load=ReportingModesState.load, title="縣市傳報方式 | 全國教師在職進修資訊網")
def reporting_modes_page() -> rx.Component:
    S = ReportingModesState
    return app_shell(
        "reporting.modes.title",
        rx.text(tr("reporting.modes.lead"), size="2", color=tokens.MUTED),
        notices(S),
        form_card(
            "reporting.modes.form", S.save,
            select_field("county", "reporting.field.county", COUNTY_CHOICES, error=S.field_errors["county"]),
            select_field("mode", "reporting.field.mode", MODE_CHOICES, error=S.field_errors["mode"]),
            field(S, "since", "reporting.field.since", type_="date"),
            rx.button(tr("common.save"), type="submit", data_testid="save-mode"),
            hint_key="reporting.modes.hint", key=S.form_key,
        ),
        stacked_table(("reporting.field.county", "reporting.field.mode", "reporting.field.since",
                       "reporting.field.unconfirmed"), S.rows, _mode_row,
                      testid="county-modes"),
    )


def _school_row(row: rx.Var) -> rx.Component:
    return rx.table.row(cell(row["name"], rx.code(row["code"], size="1")), cell(row["lists"]),
                        cell(row["participants"]), cell(row["hours"]), data_testid="month-school")


def _marked(flag: rx.Var, key: str) -> rx.Component:
    return rx.cond(flag == "1", rx.badge(tr(key), color_scheme=tokens.WARN, variant="outline"))


def _list_row(row: rx.Var) -> rx.Component:
    return rx.table.row(cell(rx.code(row["code"]), _marked(row["changed"], "reporting.changed")), cell(row["title"]),
                        cell(row["school"]), cell(row["entries"]),
                        cell(status_badge(row["status"], ListStatus)), data_testid="month-list")


def _rejection_row(row: rx.Var) -> rx.Component:
    return rx.table.row(cell(tr("reporting.kind." + row["kind"].to(str)), _marked(row["new"], "reporting.new")),
                        cell(rx.code(row["external_id"])),
                        cell(date_label(row["at"])), cell(rx.text(tr(row["problem"].to(str)), size="1"),
                             rx.text(tr("reporting.rows_refused"), COLON, row["count"], size="1")),
                        data_testid="month-rejection")


@rx.page(route=routes.REPORTING_MONTHS, on_load=ReportedMonthsState.load,
         title="傳報月份確認 | 全國教師在職進修資訊網")
def reported_months_page() -> rx.Component:
    S = ReportedMonthsState
    summary = S.summary
    return app_shell(
        "reporting.months.title",
        rx.text(tr("reporting.months.lead"), size="2", color=tokens.MUTED),
        messages(S),
        work_progress(S),
        rx.form(rx.hstack(
            rx.vstack(rx.el.label(tr("reporting.field.month"), html_for="field-month",
                                  style={"font_weight": "500", "font_size": "0.9rem"}),
                      rx.input(id="field-month", name="month", default_value=summary["month"].to(str),
                               placeholder="2026-11", max_length=10, data_testid="month-input"), spacing="1"),
            rx.button(tr("reporting.show_month"), type="submit", data_testid="show-month"),
            align="end", spacing="3", wrap="wrap"), on_submit=S.choose, key=summary["month"].to(str)),
        rx.heading(tr("reporting.month_heading"), " ", summary["month"], size="4", as_="h2",
                   data_testid="month-heading"),
        rx.cond(summary["confirmed_at"] != "",
                rx.callout(rx.text(tr("reporting.confirmed_at"), COLON, date_label(summary["confirmed_at"])),
                           icon="circle-check", color_scheme=tokens.OK, data_testid="month-confirmed")),
        rx.cond(summary["last_look"] != "", rx.hstack(
            rx.text(tr("reporting.last_look"), COLON, date_label(summary["last_look"]), size="2"),
            rx.text(tr("reporting.changed_lists"), COLON, summary["changed_lists"], size="2"),
            rx.text(tr("reporting.new_rejections"), COLON, summary["new_rejections"], size="2"),
            spacing="4", wrap="wrap", data_testid="month-changes")),
        rx.cond(summary["not_over"] == "1", rx.text(tr("reporting.month_not_over_hint"), size="2",
                                                    color=tokens.MUTED)),
        rx.cond(summary["can_confirm"] == "1", confirmed_button(
            "reporting.confirm_month", S.confirm, testid="confirm-month", name=summary["month"],
            consequence_key="reporting.confirm_month_consequence", colour=tokens.OK)),
        rx.heading(tr("reporting.by_school"), size="3", as_="h3"),
        stacked_table(("reporting.field.school", "reporting.field.lists", "reporting.field.participants",
                       "reporting.field.hours"), S.schools, _school_row, testid="month-schools",
                      empty_key="reporting.month_empty"),
        rx.heading(tr("reporting.lists"), size="3", as_="h3"),
        stacked_table(("course.field.code", "course.field.title", "reporting.field.school",
                       "reporting.field.participants", "course.field.status"), S.lists, _list_row,
                      testid="month-lists", empty_key="reporting.month_empty"),
        rx.heading(tr("reporting.rejections"), size="3", as_="h3"),
        stacked_table(("reporting.field.kind", "reporting.field.external_id", "reporting.field.at",
                       "reporting.field.problems"), S.rejections, _rejection_row, testid="month-rejections",
                      empty_key="reporting.no_rejections"),
    )
