"""轄下業務帳號管理 (accounts.subordinate) and 本單位業務帳號管理 (accounts.own_unit)."""

from __future__ import annotations

import reflex as rx

from tpd_app import routes
from tpd_app.components import tokens
from tpd_app.components.badges import status_badge
from tpd_app.components.forms import field, notices, save_button
from tpd_app.components.i18n import date_label, tr
from tpd_app.components.shell import app_shell
from tpd_app.components.tables import (
    action_button,
    cell,
    confirmed_button,
    data_table,
    decision_buttons,
    form_card,
    search_bar,
    secret_notice,
    section,
    select_field,
)
from tpd_app.domain.accounts import AccountStatus
from tpd_app.domain.permissions import Function
from tpd_app.state.accounts import OwnUnitState, SubordinateState

STATUSES = (("", "table.all"), ("active", "status.active"), ("disabled", "status.disabled"),
            ("pending", "status.pending"))
CATEGORY_FILTER = (("", "table.all"), ("chief", "category.chief"), ("contact", "category.contact"),
                   ("operator", "category.operator"))
ACCOUNT_HEADERS = ("accounts.unit", "accounts.username", "accounts.person", "accounts.category",
                   "accounts.grants", "table.status", "accounts.last_login", "table.actions")

AccountState = type[SubordinateState] | type[OwnUnitState]


def _application_table(state: AccountState) -> rx.Component:
    def row(r: rx.Var) -> rx.Component:
        return rx.table.row(
            cell(r["unit_code"], " ", r["unit_name"]),
            cell(r["username"]),
            cell(r["name"], " ", r["title"], rx.el.br(), rx.text(r["email"], " ", r["phone"], size="1")),
            cell(tr("category." + r["category"].to(str)),
                 rx.cond(r["chief_change"], rx.badge(tr("accounts.chief_change"), color_scheme=tokens.WARN))),
            cell(date_label(r["created_at"])),
            cell(decision_buttons("accounts.activate", state.activate(r["id"]), state.reject(r["id"]),
                                  r["username"].to(str), name=r["username"].to(str),
                                  approve_consequence="confirm.activate_account")),
        )

    return section(
        "accounts.queue",
        data_table(("accounts.unit", "accounts.username", "accounts.person", "accounts.category",
                    "accounts.applied_at", "table.actions"), state.applications, row, testid="applications",
                   empty_key="accounts.queue_empty"),
    )


def _account_actions(state: AccountState, r: rx.Var, *extra: rx.Component) -> rx.Component:
    name = r["username"].to(str)
    return rx.hstack(
        *extra,
        rx.cond(r["status"] == "active",
                confirmed_button("accounts.disable", state.disable(r["id"]), colour=tokens.DANGER,
                                 testid="disable-" + name, name=name, consequence_key="confirm.disable_account"),
                confirmed_button("accounts.enable", state.enable(r["id"]), colour=tokens.OK, testid="enable-" + name,
                                 name=name, consequence_key="confirm.enable_account")),
        action_button("accounts.reset_password", state.reset_password(r["id"]), testid="reset-" + name),
        spacing="1", wrap="wrap",
    )


def _account_table(state: AccountState, actions) -> rx.Component:
    def row(r: rx.Var) -> rx.Component:
        return rx.table.row(
            cell(r["unit_code"], " ", r["unit_name"]),
            cell(r["username"]),
            cell(r["name"], rx.el.br(), rx.text(r["title"], size="1", color=tokens.MUTED)),
            cell(tr("category." + r["category"].to(str))),
            cell(rx.cond(r["narrowed"], rx.text(tr("accounts.narrowed"), size="1"),
                         rx.text(tr("accounts.all_grants"), size="1", color=tokens.MUTED))),
            cell(status_badge(r["status"], AccountStatus, testid=None)),
            cell(date_label(r["last_login"])),
            cell(actions(r)),
            data_testid="account-" + r["username"].to(str),
        )

    return rx.vstack(
        rx.heading(tr("accounts.list"), size="4", as_="h2"),
        search_bar(
            state.apply_filters,
            rx.vstack(rx.el.label(tr("accounts.filter_text"), html_for="filter-text", style={"font_size": "0.9rem"}),
                      rx.input(id="filter-text", name="text", max_length=60), spacing="1"),
            select_field("status", "table.status", STATUSES, input_id="filter-status"),
            select_field("category", "accounts.category", CATEGORY_FILTER, input_id="filter-category"),
        ),
        data_table(ACCOUNT_HEADERS, state.rows, row, testid="accounts"),
        width="100%",
    )


def _chief_changes() -> rx.Component:
    S = SubordinateState

    def row(r: rx.Var) -> rx.Component:
        return rx.table.row(
            cell(r["unit_code"], " ", r["unit_name"]), cell(r["username"], " ", r["name"]), cell(r["reason"]),
            cell(date_label(r["created_at"])),
            cell(decision_buttons("accounts.approve", S.decide_chief_change(r["id"], True),
                                  S.decide_chief_change(r["id"], False), "chief-" + r["id"].to(str),
                                  name=r["username"].to(str), approve_consequence="confirm.chief_change")),
        )

    return rx.cond(
        S.chief_changes.length() > 0,
        section("accounts.chief_changes",
                data_table(("accounts.unit", "accounts.new_chief", "accounts.reason", "accounts.applied_at",
                            "table.actions"), S.chief_changes, row, testid="chief-changes")),
    )


@rx.page(route=routes.FUNCTION_ROUTES[Function.ACCOUNTS_SUBORDINATE], on_load=SubordinateState.load,
         title="轄下業務帳號管理 | 全國教師在職進修資訊網")
def subordinate_page() -> rx.Component:
    S = SubordinateState
    return app_shell(
        "func.accounts.subordinate",
        rx.text(tr("accounts.subordinate_intro"), size="2"),
        rx.hstack(rx.link(tr("directory.title"), href=routes.DIRECTORY, size="2"),
                  rx.link(tr("audit.title"), href=routes.AUDIT, size="2"), spacing="4"),
        notices(S),
        secret_notice(S),
        _application_table(S),
        _chief_changes(),
        _account_table(S, lambda r: _account_actions(S, r)),
    )


def _own_actions(r: rx.Var) -> rx.Component:
    S = OwnUnitState
    name = r["username"].to(str)
    return rx.cond(
        r["category"] == "chief",
        rx.text(tr("accounts.chief_fixed"), size="1", color=tokens.MUTED),
        _account_actions(
            S, r,
            rx.cond(r["category"] == "contact",
                    action_button("accounts.to_operator", S.switch_category(r["id"], "operator"),
                                  testid="to-operator-" + name),
                    action_button("accounts.to_contact", S.switch_category(r["id"], "contact"),
                                  testid="to-contact-" + name)),
            action_button("accounts.edit_grants", S.edit_grants(r["id"]), testid="grants-" + name),
        ),
    )


def _grant_editor() -> rx.Component:
    S = OwnUnitState

    def option(o: rx.Var) -> rx.Component:
        return rx.el.label(
            rx.el.input(type="checkbox", name="grant:" + o["key"].to(str), default_checked=o["checked"] == "1",
                        data_testid="grant-" + o["key"].to(str)),
            " ", tr("func." + o["key"].to(str)),
            style={"display": "flex", "gap": "0.4rem", "align_items": "center"},
        )

    return rx.cond(
        S.grant_account_id,
        rx.card(
            rx.form(
                rx.vstack(
                    rx.heading(tr("accounts.grants_for"), " ", S.grant_account_label, size="3", as_="h3"),
                    rx.text(tr("accounts.grants_hint"), size="1", color=tokens.MUTED),
                    rx.foreach(S.grant_options, option),
                    rx.hstack(rx.button(tr("common.save"), type="submit", data_testid="save-grants"),
                              rx.button(tr("common.cancel"), on_click=S.cancel_grants, type="button",
                                        variant="soft", color_scheme=tokens.NEUTRAL), spacing="2"),
                    spacing="2",
                ),
                on_submit=S.save_grants,
                key=S.form_key,
            ),
            data_testid="grant-editor",
        ),
    )


def _create_form() -> rx.Component:
    S = OwnUnitState
    return form_card(
        "accounts.create", S.create,
        select_field("category", "accounts.category",
                     (("contact", "category.contact"), ("operator", "category.operator")),
                     default="contact", required=True, error=S.field_errors["category"]),
        field(S, "username", "apply.username", required=True, max_length=64),
        field(S, "name", "profile.name", required=True, max_length=100),
        field(S, "title", "profile.title_field", max_length=100),
        field(S, "email", "profile.email", type_="email", required=True),
        field(S, "phone", "profile.phone", type_="tel", max_length=40),
        save_button(S),
        hint_key="accounts.create_hint", key=S.form_key,
    )


def _chief_request_form() -> rx.Component:
    S = OwnUnitState

    def candidate(r: rx.Var) -> rx.Component:
        return rx.cond((r["category"] != "chief") & (r["status"] == "active"),
                       rx.el.option(r["username"], " ", r["name"], value=r["id"]))

    return form_card(
        "accounts.chief_request", S.request_chief_change,
        rx.el.label(tr("accounts.new_chief"), " *", html_for="field-new_chief"),
        rx.el.select(rx.el.option("—", value=""), rx.foreach(S.rows, candidate), id="field-new_chief",
                     name="new_chief", style={"padding": "0.35rem", "border": tokens.BORDER},
                     aria_invalid=rx.cond(S.field_errors["new_chief"], "true", "false"),
                     aria_describedby="field-new_chief-error", data_testid="new-chief"),
        rx.cond(S.field_errors["new_chief"],
                rx.text(tr("accounts.new_chief"), tr("common.colon"), tr(S.field_errors["new_chief"].to(str)),
                        id="field-new_chief-error", color=tokens.ERROR, size="1", role="alert",
                        data_testid="error-new_chief")),
        rx.el.label(tr("accounts.reason"), html_for="field-reason"),
        rx.input(id="field-reason", name="reason", max_length=300, width="100%"),
        rx.button(tr("accounts.chief_request_submit"), type="submit", data_testid="chief-request"),
        hint_key="accounts.chief_request_hint",
    )


@rx.page(route=routes.FUNCTION_ROUTES[Function.ACCOUNTS_OWN_UNIT], on_load=OwnUnitState.load,
         title="本單位業務帳號管理 | 全國教師在職進修資訊網")
def own_unit_page() -> rx.Component:
    S = OwnUnitState
    return app_shell(
        "func.accounts.own_unit",
        rx.text(tr("accounts.own_intro"), size="2"),
        notices(S),
        secret_notice(S),
        _application_table(S),
        _grant_editor(),
        _account_table(S, _own_actions),
        rx.grid(_create_form(), _chief_request_form(), columns=rx.breakpoints(initial="1", md="2"), spacing="4",
                width="100%"),
    )
