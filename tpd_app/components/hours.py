"""Building blocks of the teachers' side: registration and attendance badges, notices, print styles."""

from __future__ import annotations

import reflex as rx

from tpd_app.components.i18n import tr

REGISTRATION_COLOURS: tuple[tuple[str, str], ...] = (
    ("pending", "amber"), ("accepted", "green"), ("declined", "red"), ("waiting", "blue"),
    ("withdrawn", "gray"), ("cancelled", "gray"),
)
LIST_COLOURS: tuple[tuple[str, str], ...] = (
    ("none", "gray"), ("draft", "amber"), ("submitted", "blue"), ("returned", "orange"), ("confirmed", "green"),
)

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


def badge(value: rx.Var, prefix: str, colours: tuple[tuple[str, str], ...]) -> rx.Component:
    """A coloured status badge labelled `prefix` + value."""
    return rx.badge(tr(prefix + value.to(str)), color_scheme=rx.match(value, *colours, "gray"), variant="soft",
                    data_testid="status-badge")


def registration_badge(value: rx.Var) -> rx.Component:
    return badge(value, "registration.status.", REGISTRATION_COLOURS)


def list_badge(value: rx.Var) -> rx.Component:
    return badge(value, "attendance.status.", LIST_COLOURS)


def messages(state: type[rx.State]) -> rx.Component:
    """The success notice (plain or with parameters) and the error of a page state."""
    return rx.fragment(
        rx.cond(state.notice_key, rx.callout(tr(state.notice_key.to(str)), icon="circle-check",  # type: ignore[attr-defined]
                                             color_scheme="green", role="status", data_testid="notice")),
        rx.cond(state.notice_text, rx.callout(state.notice_text, icon="circle-check",  # type: ignore[attr-defined]
                                              color_scheme="green", role="status", data_testid="notice")),
        rx.cond(state.error_text, rx.callout(state.error_text, icon="triangle-alert",  # type: ignore[attr-defined]
                                             color_scheme="red", role="alert", data_testid="form-error")),
    )
