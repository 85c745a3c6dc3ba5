"""忘記密碼 (/forgot) and 重設密碼 (/reset?token=…): public pages, reached from the sign-in page and the mail."""

from __future__ import annotations

import reflex as rx

from tpd_app import routes
from tpd_app.components import tokens
from tpd_app.components.forms import field, notices
from tpd_app.components.i18n import tr
from tpd_app.components.shell import page_frame
from tpd_app.state.recovery import ForgotState, ResetState


def _card(*children: rx.Component) -> rx.Component:
    return rx.center(rx.card(rx.vstack(*children, spacing="4", width="100%"), width="100%", max_width="28rem",
                             size="4"), padding_y=tokens.SPACE_4)


def _tab(label_key: str, active: rx.Var, on_click: rx.event.EventHandler, testid: str) -> rx.Component:
    return rx.button(tr(label_key), on_click=on_click, type="button", variant=rx.cond(active, "solid", "soft"),
                     role="tab", aria_selected=rx.cond(active, "true", "false"), data_testid=testid, flex="1")


@rx.page(route=routes.FORGOT, on_load=ForgotState.load, title="忘記密碼 | 全國教師在職進修資訊網")
def forgot_page() -> rx.Component:
    S = ForgotState
    return page_frame(_card(
        rx.heading(tr("reset.request.title"), size="6", as_="h1"),
        rx.hstack(
            _tab("login.tab.business", ~S.teacher_mode, S.show_business, "forgot-business-tab"),
            _tab("login.tab.teacher", S.teacher_mode, S.show_teacher, "forgot-teacher-tab"),
            role="tablist", width="100%",
        ),
        rx.text(tr("reset.request.intro"), size="2", color=tokens.MUTED),
        notices(S),
        rx.cond(
            S.sent,
            rx.link(tr("reset.back_to_login"), href=routes.LOGIN, data_testid="forgot-back"),
            rx.form(
                rx.vstack(
                    rx.cond(S.teacher_mode,
                            field(S, "login", "login.national_id", required=True, autocomplete="username",
                                  max_length=64),
                            field(S, "login", "login.username", required=True, autocomplete="username",
                                  max_length=64)),
                    rx.button(tr("reset.request.submit"), type="submit", width="100%", loading=S.saving,
                              data_testid="forgot-submit"),
                    spacing="3", width="100%",
                ),
                on_submit=S.submit, key=S.form_key.to_string(), width="100%",
            ),
        ),
        rx.link(tr("reset.back_to_login"), href=routes.LOGIN, size="2"),
    ))


def _reset_form() -> rx.Component:
    S = ResetState
    return rx.form(
        rx.vstack(
            rx.text(tr("reset.for"), " ", rx.text.strong(S.login_label), size="2", data_testid="reset-login"),
            field(S, "new", "password.new", type_="password", required=True, autocomplete="new-password",
                  max_length=128),
            field(S, "confirm", "password.confirm", type_="password", required=True, autocomplete="new-password",
                  max_length=128),
            rx.text(tr("password.rules"), size="1", color=tokens.MUTED),
            rx.button(tr("reset.submit"), type="submit", width="100%", loading=S.saving, data_testid="reset-submit"),
            spacing="3", width="100%",
        ),
        on_submit=S.submit, key=S.form_key.to_string(), width="100%",
    )


def _link_invalid() -> rx.Component:
    return rx.vstack(
        rx.callout(tr("reset.error.link"), icon="triangle-alert", color_scheme=tokens.DANGER, role="alert",
                   data_testid="reset-invalid"),
        rx.link(tr("reset.request_again"), href=routes.FORGOT, data_testid="reset-again"),
        width="100%",
    )


@rx.page(route=routes.RESET, on_load=ResetState.load, title="重設密碼 | 全國教師在職進修資訊網")
def reset_page() -> rx.Component:
    S = ResetState
    return page_frame(_card(
        rx.heading(tr("reset.title"), size="6", as_="h1"),
        notices(S),
        rx.cond(
            S.done,
            rx.link(rx.button(tr("reset.sign_in"), width="100%"), href=routes.LOGIN, data_testid="reset-sign-in"),
            rx.cond(~S.checked, rx.hstack(rx.spinner(), rx.text(tr("common.loading")), data_testid="loading"),
                    rx.cond(S.valid, _reset_form(), _link_invalid())),
        ),
    ))
