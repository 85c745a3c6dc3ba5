"""The signed-in home page (工作區): who you are and what you may use."""

from __future__ import annotations

import reflex as rx

from tpd_app import routes
from tpd_app.components import tokens
from tpd_app.components.i18n import tr
from tpd_app.components.shell import app_shell
from tpd_app.state.base import AppState, NavEntry


def _function_card(entry: NavEntry) -> rx.Component:
    return rx.cond(
        entry["kind"] == "item",
        rx.link(
            rx.card(rx.text(tr(entry["label_key"]), weight="medium"), width="100%"),
            href=entry["href"],
            underline="none",
            width="15rem",
        ),
    )


@rx.page(route=routes.DASHBOARD, on_load=AppState.load_dashboard, title="工作區 | 全國教師在職進修資訊網")
def dashboard() -> rx.Component:
    return app_shell(
        "dashboard.title",
        rx.card(
            rx.vstack(
                rx.text(tr("dashboard.welcome"), "，", AppState.user_name, size="5", weight="bold"),
                rx.text(AppState.unit_name, " · ", tr(AppState.unit_type_key), color=tokens.MUTED),
                rx.text(tr("header.signed_in_as"), "：", AppState.login_label, " · ", tr(AppState.role_key),
                        size="2", color=tokens.MUTED, data_testid="dashboard-role"),
                spacing="1",
            ),
            width="100%",
        ),
        rx.heading(tr("dashboard.functions"), size="4", as_="h2"),
        rx.flex(rx.foreach(AppState.nav, _function_card), gap=tokens.SPACE_2, wrap="wrap"),
    )
