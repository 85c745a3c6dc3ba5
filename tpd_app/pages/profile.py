"""修改個人基本資料: the signed-in person's own basic data."""

from __future__ import annotations

import reflex as rx

from tpd_app import routes
from tpd_app.components.forms import field, form, notices, readonly
from tpd_app.components.i18n import tr
from tpd_app.components.shell import app_shell
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
    )
