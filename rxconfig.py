"""Reflex configuration. Values come from tpd_app.settings (environment variables)."""

import os

import reflex as rx

from tpd_app.settings import get_settings

_settings = get_settings()

# One process without Redis: tab states in memory. Reflex's default disk manager rescans `.states/` many
# times a second and slowed with every file (measured: 200 clients p95 242 ms -> 51 ms, see README
# "Capacity"); a restart then rebuilds each open tab's state by hydrating it again. With a Redis URL the
# mode is left unset so Reflex switches to its Redis manager (pinning one would keep private states in
# several workers).
_state_manager = {} if os.environ.get("REFLEX_REDIS_URL") else {"state_manager_mode": "memory"}

config = rx.Config(
    app_name="tpd_app",
    db_url=_settings.database_url,
    telemetry_enabled=False,
    frontend_port=int(os.environ.get("TPD_PORT", "3000")),
    cors_allowed_origins=[_settings.public_origin],
    show_built_with_reflex=False,
    **_state_manager,
    plugins=[
        rx.plugins.SitemapPlugin(),
        rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="teal", radius="medium")),
    ],
)
