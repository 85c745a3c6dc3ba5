"""Single sign-on pages (教育雲端帳號): `/login/sso`, where an identity the provider vouched for chooses or
proves her account or learns how to get one, and `/accounts/sso`, which kinds of account must use it."""

from __future__ import annotations

import reflex as rx

from tpd_app import routes
from tpd_app.components import tokens
from tpd_app.components.forms import notices
from tpd_app.components.i18n import tr
from tpd_app.components.shell import app_shell, page_frame
from tpd_app.components.tables import cell, data_table
from tpd_app.state.sso import SsoLoginState, SsoPolicyState

L = SsoLoginState
P = SsoPolicyState


def _tab(label_key: str, active: rx.Var, on_click: rx.event.EventHandler, testid: str) -> rx.Component:
    return rx.button(tr(label_key), on_click=on_click, type="button", variant=rx.cond(active, "solid", "soft"),
                     role="tab", aria_selected=rx.cond(active, "true", "false"), data_testid=testid, flex="1")


def _choice(row: rx.Var) -> rx.Component:
    return rx.button(
        rx.vstack(
            rx.text(rx.cond(row["kind"] == "teacher", tr("sso.choose.teacher"), tr("sso.choose.account")),
                    " ", row["login"], weight="bold"),
            rx.text(row["name"], " ", row["unit"], size="1"),
            spacing="0", align="start",
        ),
        on_click=L.choose(row["id"]), variant="outline", size="3", width="100%", height="auto", padding_y="0.5rem",
        justify="start", loading=L.submitting, data_testid="sso-choice",
    )


def _link_form() -> rx.Component:
    teacher = L.teacher_mode
    return rx.vstack(
        rx.heading(tr("sso.link.title"), size="4", as_="h2"),
        rx.text(tr("sso.link.intro"), size="2"),
        rx.hstack(
            _tab("login.tab.teacher", teacher, L.show_teacher, "sso-teacher-tab"),
            _tab("login.tab.business", ~teacher, L.show_business, "sso-business-tab"),
            role="tablist", width="100%",
        ),
        rx.form(
            rx.vstack(
                rx.el.label(rx.cond(teacher, tr("login.national_id"), tr("login.username")), html_for="sso-username"),
                rx.input(id="sso-username", name="username", auto_complete="username", max_length=64, width="100%",
                         size="3"),
                rx.el.label(tr("login.password"), html_for="sso-password"),
                rx.input(id="sso-password", name="password", type="password", auto_complete="current-password",
                         max_length=128, width="100%", size="3"),
                rx.button(tr("sso.link.submit"), type="submit", size="3", width="100%", loading=L.submitting,
                          data_testid="sso-link-submit"),
                spacing="2", width="100%",
            ),
            on_submit=L.link, width="100%",
        ),
        width="100%", spacing="3",
    )


def _no_account() -> rx.Component:
    """What to do without an account here: apply, or ask the school (never a blank page)."""
    return rx.vstack(
        rx.heading(tr("sso.none.title"), size="4", as_="h2"),
        rx.text(tr("sso.none.teacher"), size="2"),
        rx.text(tr("sso.none.business"), size="2"),
        rx.hstack(
            rx.link(tr("teacher_apply.title"), href=routes.TEACHER_APPLY, size="2", data_testid="sso-apply-teacher"),
            rx.link(tr("apply.title"), href=routes.APPLY, size="2"),
            rx.link(tr("sso.none.help"), href=routes.HELP + "?topic=account", size="2"),
            spacing="4", wrap="wrap",
        ),
        width="100%", spacing="2",
    )


@rx.page(route=routes.LOGIN_SSO, on_load=L.load, title="教育雲端帳號登入 | 全國教師在職進修資訊網")
def sso_login_page() -> rx.Component:
    return page_frame(
        rx.center(
            rx.card(
                rx.vstack(
                    rx.heading(tr("sso.choose.title"), size="6", as_="h1"),
                    rx.cond(
                        L.found,
                        rx.vstack(
                            rx.text(tr("sso.choose.who"), " ", rx.el.strong(L.sso_name), " ", L.sso_email,
                                    rx.cond(L.sso_school, rx.fragment("（", L.sso_school, "）")),
                                    size="2", data_testid="sso-who"),
                            rx.cond(L.message_key, rx.callout(L.message, icon="triangle-alert",
                                                              color_scheme=tokens.DANGER, role="alert",
                                                              width="100%", data_testid="sso-message")),
                            rx.cond(
                                L.choices.length() > 0,
                                rx.vstack(rx.text(tr("sso.choose.pick"), size="2"),
                                          rx.foreach(L.choices, _choice), width="100%", spacing="2"),
                                rx.callout(tr("sso.choose.unlinked"), icon="info", color_scheme=tokens.INFO,
                                           width="100%", data_testid="sso-unlinked"),
                            ),
                            rx.divider(),
                            _link_form(),
                            rx.divider(),
                            _no_account(),
                            width="100%", spacing="4",
                        ),
                        rx.vstack(
                            rx.callout(tr("sso.error.pending"), icon="triangle-alert", color_scheme=tokens.DANGER,
                                       role="alert", width="100%", data_testid="sso-stale"),
                            rx.link(tr("reset.back_to_login"), href=routes.LOGIN, size="2"),
                            width="100%",
                        ),
                    ),
                    spacing="4", width="100%",
                ),
                width="100%", max_width="30rem", size="4",
            ),
            padding_y=tokens.SPACE_4,
        )
    )


def _policy_row(row: rx.Var) -> rx.Component:
    kind = row["kind"].to(str)
    return rx.table.row(
        cell(rx.el.label(tr(rx.cond(kind == "teacher", "sso.kind.teacher", "unit_type." + kind)),
                         html_for="sso-kind-" + kind)),
        cell(rx.el.input(type="checkbox", id="sso-kind-" + kind, name="kind_" + kind,
                         default_checked=row["required"] == "1", data_testid="sso-kind-" + kind)),
        cell(row["linked"]),
    )


@rx.page(route=routes.SSO_POLICY, on_load=P.load, title="單一登入設定")
def sso_policy_page() -> rx.Component:
    return app_shell(
        "sso.policy.title",
        rx.text(tr("sso.policy.intro"), size="2"),
        rx.cond(~P.configured, rx.callout(tr("sso.policy.off"), icon="info", color_scheme=tokens.WARN,
                                          width="100%", data_testid="sso-policy-off")),
        notices(P),
        rx.form(
            rx.fragment(
                data_table(["sso.policy.kind", "sso.policy.required", "sso.policy.linked"], P.rows, _policy_row,
                           testid="sso-policy", caption_key="sso.policy.caption"),
                key=P.form_key,
            ),
            rx.button(tr("common.save"), type="submit", margin_top="0.75rem", data_testid="sso-policy-save"),
            on_submit=P.save, width="100%",
        ),
    )
