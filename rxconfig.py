"""Reflex configuration. Values come from tpd_app.settings (environment variables)."""

import os

import reflex as rx

from tpd_app.settings import get_settings

_settings = get_settings()

config = rx.Config(
    app_name="tpd_app",
    db_url=_settings.database_url,
    telemetry_enabled=False,
    frontend_port=int(os.environ.get("TPD_PORT", "3000")),
    cors_allowed_origins=[_settings.public_origin],
    show_built_with_reflex=False,
    plugins=[
        rx.plugins.SitemapPlugin(),
        rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="teal", radius="medium")),
    ],
)
