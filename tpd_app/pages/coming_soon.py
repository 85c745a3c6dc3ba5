"""The pages of functions that later issues build: guarded like any page, then "being built"."""

from __future__ import annotations

import reflex as rx

from tpd_app import routes
from tpd_app.components.i18n import tr
from tpd_app.components.shell import app_shell
from tpd_app.state.coming_soon import ComingSoonState


def _coming_soon(function_key: str) -> rx.Component:
    return app_shell(
        f"func.{function_key}",
        rx.callout(
            rx.text(rx.text.strong(tr("coming_soon.title")), " ", tr("coming_soon.body")),
            icon="hammer",
            color_scheme="amber",
            data_testid="coming-soon",
        ),
    )


def register_coming_soon_pages(app: rx.App) -> None:
    """Add a page for every function whose real page is not built yet."""
    for function, path in routes.FUNCTION_ROUTES.items():
        if function in routes.BUILT_FUNCTIONS:
            continue
        app.add_page(
            _coming_soon(function.value),
            route=path,
            on_load=ComingSoonState.load,
            title="功能建置中 | 全國教師在職進修資訊網",
        )
