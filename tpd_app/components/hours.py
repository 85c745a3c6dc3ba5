"""Building blocks of the registration and hours pages: notices with parameters, print styles."""

from __future__ import annotations

import reflex as rx

from tpd_app.components import tokens
from tpd_app.components.i18n import tr

#: Printing shows the record only: no header, sidebar, footer or buttons.
PRINT_CSS = """
@media print {
  header, nav, footer, aside, .no-print, div:has(> nav[aria-label="menu"]) {
    display: none !important;
  }
  main { padding: 0 !important; }
  body { background: white !important; }
}
"""


def messages(state: type[rx.State]) -> rx.Component:
    """The success notice (plain or with parameters) and the error of a page state."""
    return rx.fragment(
        rx.cond(state.notice_key, rx.callout(tr(state.notice_key.to(str)), icon="circle-check",  # type: ignore[attr-defined]
                                             color_scheme=tokens.OK, role="status", data_testid="notice")),
        rx.cond(state.notice_text, rx.callout(state.notice_text, icon="circle-check",  # type: ignore[attr-defined]
                                              color_scheme=tokens.OK, role="status", data_testid="notice")),
        rx.cond(state.error_text, rx.callout(state.error_text, icon="triangle-alert",  # type: ignore[attr-defined]
                                             color_scheme=tokens.DANGER, role="alert", data_testid="form-error")),
    )
