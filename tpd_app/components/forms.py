"""Form building blocks: labelled fields with their error message, notices."""

from __future__ import annotations

import reflex as rx
from reflex_components_core.el.elements.base import BaseHTML
from reflex_components_core.el.elements.forms import Input

from tpd_app.components import tokens
from tpd_app.components.i18n import date_label, tr


def field(
    state: type[rx.State],
    name: str,
    label_key: str,
    *,
    type_: str = "text",
    required: bool = False,
    autocomplete: str = "off",
    max_length: int = 200,
) -> rx.Component:
    """An uncontrolled input pre-filled from `state.values[name]`, with its own error line."""
    error = state.field_errors[name]
    input_id = f"field-{name}"
    return rx.vstack(
        rx.el.label(tr(label_key), " *" if required else "", html_for=input_id,
                    style={"font_weight": "500", "font_size": "0.9rem"}),
        date_input(name, default=state.values[name], id=input_id, width="100%",
                   aria_invalid=rx.cond(error, "true", "false"), aria_describedby=f"{input_id}-error")
        if type_ == "date" else rx.input(
            id=input_id,
            name=name,
            type=type_,
            default_value=state.values[name].to(str) if type_ != "password" else "",
            required=False,
            max_length=max_length,
            auto_complete=autocomplete,
            width="100%",
            aria_invalid=rx.cond(error, "true", "false"),
            aria_describedby=f"{input_id}-error",
        ),
        field_error(error, label_key, input_id, name),
        spacing="1",
        width="100%",
    )


def date_input(name: str | rx.Var, *, default: rx.Var | str = "", **props) -> rx.Component:
    """A date typed the way the language writes it: 115/12/23 in zh-TW, 2026-12-23 in English (the server
    reads either, and 1151223, via `timeutil.parse_day`). Not a native date picker: Chromium's shows the
    browser's Western calendar whatever the page's language, never the 民國 one."""
    shown = date_label(default) if isinstance(default, rx.Var) else default
    return rx.input(type="text", name=name, default_value=shown, placeholder=tr("common.date_placeholder"),
                    max_length=16, auto_complete="off", width=props.pop("width", "9rem"),
                    **props)


def field_error(error: rx.Var, label_key: str, input_id: str, name: str) -> rx.Component:
    """A field's error line naming the field and the reason ("身分證字號：身分證字號檢查碼錯誤"), with the id
    its input's aria-describedby points at."""
    return rx.cond(
        error,
        rx.text(tr(label_key), tr("common.colon"), tr(error.to(str)), id=f"{input_id}-error", color=tokens.ERROR,
                size="1", role="alert", data_testid=f"error-{name}"),
    )


def readonly(label_key: str, value: rx.Var | str, **props) -> rx.Component:
    """A label and a value that cannot be edited here."""
    return rx.vstack(
        rx.text(tr(label_key), size="1", color=tokens.MUTED),
        rx.text(value, size="3", **props),
        spacing="0",
    )


def notices(state: type[rx.State]) -> rx.Component:
    """The success notice or the error summary of a form state."""
    return rx.fragment(
        rx.cond(
            state.notice_key,
            rx.callout(tr(state.notice_key.to(str)), icon="circle-check", color_scheme=tokens.OK,
                       role="status", data_testid="notice"),
        ),
        rx.cond(
            state.error_text,
            rx.callout(state.error_text, icon="triangle-alert", color_scheme=tokens.DANGER, role="alert",
                       data_testid="form-error"),
        ),
    )


def save_button(state: type[rx.State]) -> rx.Component:
    return rx.button(
        rx.cond(state.saving, tr("common.saving"), tr("common.save")),
        type="submit",
        loading=state.saving,
        data_testid="save",
    )


def form(state: type[rx.State], *fields: rx.Component, max_width: str = "32rem",
         hint_key: str = "common.required_hint") -> rx.Component:
    """A form posting to `state.save`, remounted on `state.form_key`, validated on the server only.

    Native browser validation is off so that every message comes from the server, in the
    user's language, next to its field.
    """
    return rx.form(
        rx.vstack(
            *fields,
            rx.text(tr(hint_key), size="1"),
            save_button(state),
            spacing="3",
            max_width=max_width,
            width="100%",
        ),
        on_submit=state.save,
        key=state.form_key,
        no_validate=True,
    )


def work_progress(state: type[rx.State]) -> rx.Component:
    """While a background job of `state` (`BackgroundWorkMixin`) runs: a labelled progress bar with how
    far it is, announced politely to screen readers."""
    return rx.cond(
        state.working,
        rx.hstack(
            rx.spinner(size="2"),
            rx.progress(value=state.work_percent, max=100, width="10rem", aria_label=tr("common.working")),
            rx.text(tr("common.working"), size="2"),
            rx.cond(state.work_total > 0,
                    rx.text(state.work_done.to_string(), " / ", state.work_total.to_string(), size="2")),
            align="center", wrap="wrap", spacing="2", role="status", aria_live="polite",
            data_testid="work-progress",
        ),
    )


def named_upload(label: rx.Var | str, *children: rx.Component, styled: bool = True, **props) -> rx.Component:
    """`rx.upload` whose hidden file input carries `label` as its accessible name (Reflex gives the input
    no props of its own, so a screen reader heard an unnamed "file upload" button; axe's `label` rule)."""
    upload = (rx.upload if styled else rx.upload.root)(*children, **props)
    zone = upload.children[0]
    hidden = zone.children[0]
    named = Input.create(type="file", aria_label=label)
    named.special_props = hidden.special_props
    zone.children[0] = named
    return upload


class _NativeForm(BaseHTML):
    """A `<form>` the browser itself submits: Reflex's own form always prevents the default and sends
    an event instead, which cannot leave the page for another site."""

    tag = "form"

    action: rx.Var[str]
    method: rx.Var[str]


def native_form(*children: rx.Component, action: str, method: str = "post", **props) -> rx.Component:
    """A plain HTML form posted to `action` by the browser (an endpoint that answers with a redirect)."""
    return _NativeForm.create(*children, action=action, method=method, **props)
