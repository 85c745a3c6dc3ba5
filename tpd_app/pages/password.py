"""變更登入密碼: change one's own password with the current one."""

from __future__ import annotations

import reflex as rx

from tpd_app import routes
from tpd_app.components import tokens
from tpd_app.components.forms import field, form, notices
from tpd_app.components.i18n import tr
from tpd_app.components.shell import app_shell
from tpd_app.domain.permissions import Function
from tpd_app.state.profile import PasswordState

S = PasswordState


@rx.page(route=routes.FUNCTION_ROUTES[Function.PROFILE_PASSWORD], on_load=S.load, title="變更登入密碼")
def password_page() -> rx.Component:
    return app_shell(
        "password.title",
        rx.cond(
            S.must_change_password,
            rx.callout(tr("dashboard.must_change_password"), icon="key-round", color_scheme=tokens.WARN),
        ),
        notices(S),
        form(
            S,
            field(S, "current", "password.current", type_="password", required=True,
                  autocomplete="current-password", max_length=128),
            field(S, "new", "password.new", type_="password", required=True,
                  autocomplete="new-password", max_length=128),
            field(S, "confirm", "password.confirm", type_="password", required=True,
                  autocomplete="new-password", max_length=128),
            max_width="32rem", hint_key="password.rules",
        ),
    )
