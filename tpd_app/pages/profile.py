"""修改個人基本資料: the signed-in person's own basic data."""

from __future__ import annotations

import reflex as rx

from tpd_app import routes
from tpd_app.components import tokens
from tpd_app.components.forms import field, form, native_form, notices, readonly
from tpd_app.components.i18n import date_label, tr
from tpd_app.components.shell import app_shell
from tpd_app.components.tables import cell, confirmed_button, data_table, section
from tpd_app.domain.permissions import Function
from tpd_app.state.profile import ProfileState

S = ProfileState


@rx.page(route=routes.FUNCTION_ROUTES[Function.PROFILE_EDIT], on_load=S.load, title="修改個人基本資料")
def profile_page() -> rx.Component:
    return app_shell(
        "profile.title",
        rx.hstack(
            readonly("profile.login", S.values["login"], data_testid="profile-login"),
            readonly("profile.unit", S.values["unit"]),
            rx.cond(S.is_teacher, readonly("profile.name", S.values["name"])),
            spacing="6",
            wrap="wrap",
        ),
        rx.cond(S.is_teacher, rx.text(tr("profile.teacher_note"), size="2")),
        notices(S),
        form(
            S,
            rx.cond(
                S.is_teacher,
                rx.fragment(),
                rx.fragment(
                    field(S, "name", "profile.name", required=True, autocomplete="name", max_length=100),
                    field(S, "title", "profile.title_field", autocomplete="organization-title",
                          max_length=100),
                ),
            ),
            field(S, "email", "profile.email", type_="email", required=True, autocomplete="email"),
            field(S, "phone", "profile.phone", type_="tel", autocomplete="tel", max_length=40),
            max_width="32rem",
        ),
        rx.cond(S.sso_enabled, _sso_links()),
    )


def _sso_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        cell(row["label"]),
        cell(tr("sso.evidence." + row["evidence"].to(str))),
        cell(date_label(row["created_at"])),
        cell(rx.cond(row["last_used_at"], date_label(row["last_used_at"]), "—")),
        cell(confirmed_button("sso.profile.unlink", S.unlink_sso(row["id"]), testid="unlink-sso-" + row["id"],
                              name=row["label"], consequence_key="sso.profile.unlink_consequence",
                              colour=tokens.DANGER)),
        data_testid="sso-link-row",
    )


def _sso_links() -> rx.Component:
    """Her 教育雲端帳號 links: each can be undone (not her last way in); a new one is made by signing in there."""
    return section(
        "sso.profile.title",
        rx.text(tr("sso.profile.intro"), size="2"),
        rx.cond(S.sso_message, rx.callout(
            S.sso_message, icon=rx.cond(S.sso_message_is_error, "triangle-alert", "info"),
            color_scheme=rx.cond(S.sso_message_is_error, tokens.DANGER, tokens.INFO), role="status",
            data_testid="sso-message", width="100%")),
        data_table(["sso.profile.identity", "sso.profile.evidence", "sso.profile.linked_on", "sso.profile.last_used",
                    "table.actions"], S.sso_links, _sso_row, testid="sso-links", empty_key="sso.profile.none",
                   stack=True),
        # A plain form post (the endpoint checks the origin and the session): it leaves for the provider.
        native_form(
            rx.el.input(type="hidden", name="link", value="1"),
            rx.button(tr("sso.profile.link"), type="submit", variant="soft", data_testid="link-sso"),
            action=routes.SSO_START,
        ),
    )
