"""The login page: business accounts by username, teachers by national ID."""

from __future__ import annotations

import reflex as rx

from tpd_app import routes
from tpd_app.components import tokens
from tpd_app.components.i18n import tr
from tpd_app.components.shell import page_frame
from tpd_app.state.auth import LoginState


def sso_button(href: rx.Var | str) -> rx.Component:
    """以教育雲端帳號登入: a plain link to the endpoint that sends her to the provider, and a rule under it."""
    return rx.vstack(
        # One link drawn as a button (asChild): a button inside a link would nest two controls. A document
        # navigation (not the client-side router's): the endpoint answers with a redirect to the provider.
        rx.button(rx.link(rx.icon("cloud", aria_hidden="true"), tr("sso.login.button"), href=href,
                          reload_document=True, underline="none"),
                  as_child=True, size="3", width="100%", variant="outline", data_testid="login-sso"),
        rx.text(tr("sso.login.or"), size="1", color=tokens.MUTED, align="center", width="100%"),
        width="100%", spacing="2",
    )


def _tab(label_key: str, active: rx.Var, on_click: rx.event.EventHandler, testid: str) -> rx.Component:
    return rx.button(
        tr(label_key),
        on_click=on_click,
        type="button",
        variant=rx.cond(active, "solid", "soft"),
        role="tab",
        aria_selected=rx.cond(active, "true", "false"),
        data_testid=testid,
        flex="1",
    )


@rx.page(route=routes.LOGIN, on_load=LoginState.load, title="登入 | 全國教師在職進修資訊網")
def login() -> rx.Component:
    teacher = LoginState.teacher_mode
    return page_frame(
        rx.center(
            rx.card(
                rx.vstack(
                    rx.heading(tr("login.title"), size="6", as_="h1"),
                    rx.hstack(
                        _tab("login.tab.business", ~teacher, LoginState.show_business, "login-business-tab"),
                        _tab("login.tab.teacher", teacher, LoginState.show_teacher, "login-teacher-tab"),
                        role="tablist",
                        width="100%",
                    ),
                    rx.text(rx.cond(teacher, tr("login.hint.teacher"), tr("login.hint.business")),
                            size="2", color=tokens.MUTED),
                    rx.cond(
                        LoginState.message_key,
                        rx.callout(
                            LoginState.message,
                            icon=rx.cond(LoginState.message_is_error, "triangle-alert", "info"),
                            color_scheme=rx.cond(LoginState.message_is_error, tokens.DANGER, tokens.INFO),
                            role="alert",
                            data_testid="login-message",
                            width="100%",
                        ),
                    ),
                    rx.cond(LoginState.offer_provider_logout, rx.link(
                        tr("sso.logout.offer"), href=routes.SSO_LOGOUT, reload_document=True, size="2",
                        data_testid="sso-logout")),
                    rx.cond(LoginState.sso_enabled, sso_button(LoginState.sso_href)),
                    rx.form(
                        rx.vstack(
                            rx.el.label(
                                rx.cond(teacher, tr("login.national_id"), tr("login.username")),
                                html_for="login-username",
                            ),
                            rx.input(id="login-username", name="username", auto_complete="username",
                                     max_length=64, width="100%", size="3", auto_focus=True),
                            rx.el.label(tr("login.password"), html_for="login-password"),
                            rx.input(id="login-password", name="password", type="password",
                                     auto_complete="current-password", max_length=128, width="100%", size="3"),
                            rx.button(
                                rx.cond(LoginState.submitting, tr("login.submitting"), tr("login.submit")),
                                type="submit",
                                size="3",
                                width="100%",
                                loading=LoginState.submitting,
                                data_testid="login-submit",
                            ),
                            spacing="2",
                            width="100%",
                        ),
                        on_submit=LoginState.submit,
                        width="100%",
                    ),
                    rx.link(tr("login.forgot"), href=rx.cond(teacher, routes.FORGOT + "?teacher=1", routes.FORGOT),
                            size="2", data_testid="link-forgot"),
                    rx.hstack(
                        rx.link(tr("apply.title"), href=routes.APPLY, size="2", data_testid="link-apply"),
                        rx.link(tr("teacher_apply.title"), href=routes.TEACHER_APPLY, size="2"),
                        rx.link(tr("common.back_home"), href=routes.HOME, size="2"),
                        spacing="4", wrap="wrap",
                    ),
                    spacing="4",
                    width="100%",
                ),
                width="100%",
                max_width="26rem",
                size="4",
            ),
            padding_y=tokens.SPACE_4,
        )
    )
