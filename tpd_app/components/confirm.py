"""A confirmation before what cannot be undone: the dialog names the object and says what will happen; only
its confirm button sends the event (which the server still checks like any other)."""

from __future__ import annotations

import reflex as rx

from tpd_app.components import tokens
from tpd_app.components.i18n import tr


def confirm_action(trigger: rx.Component, *, title: rx.Component, consequence: list[rx.Var | str],
                   confirm_key: str, on_confirm: rx.event.EventType, testid: str | rx.Var,
                   colour: str = tokens.DANGER) -> rx.Component:
    """`trigger` opens the dialog; `title` names the object, `consequence` (sentences, one per line) what
    confirming does."""
    lines: list[rx.Component] = []
    for sentence in consequence:
        lines += [rx.el.br()] if lines else []
        lines.append(rx.el.span(sentence))
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(trigger),
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(*lines, size="2"),  # a <p>: inline content only
            rx.flex(
                rx.alert_dialog.cancel(rx.button(tr("common.cancel"), variant="soft", color_scheme="gray",
                                                 data_testid=testid + "-cancel")),
                # High contrast: a solid red or green button with white text falls short of WCAG AA (3.9:1).
                rx.alert_dialog.action(rx.button(tr(confirm_key), color_scheme=colour, high_contrast=True,
                                                 on_click=on_confirm, data_testid=testid + "-confirm")),
                spacing="3", justify="end", margin_top="1rem", wrap="wrap",
            ),
            max_width="28rem",
            data_testid=testid + "-dialog",
        ),
    )
