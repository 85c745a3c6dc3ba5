"""Creates the Reflex `app`; importing the page modules registers their routes."""

import reflex as rx

from tpd_app.api.app import build_api
from tpd_app.pages import dashboard, home, login, password, profile, unit_contact  # noqa: F401
from tpd_app.pages.coming_soon import register_coming_soon_pages

app = rx.App(
    api_transformer=build_api(),
    html_lang="zh-Hant-TW",
    stylesheets=[],
)
register_coming_soon_pages(app)
