"""`tr(key)`: a message in the current language, looked up in the browser (no round-trip)."""

from __future__ import annotations

import reflex as rx

from tpd_app.i18n import CATALOGUES
from tpd_app.state.base import AppState

_TABLE = rx.Var.create(CATALOGUES)


def tr(key: str | rx.Var) -> rx.Var:
    """The message for `key` (a literal or a Var holding a key) in the user's language."""
    return _TABLE[AppState.ui_lang][key].to(str)
