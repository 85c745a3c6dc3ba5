"""Tables, selects and the one-time-secret notice of the management pages."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import reflex as rx

from tpd_app.components import tokens
from tpd_app.components.confirm import confirm_action
from tpd_app.components.forms import field_error
from tpd_app.components.i18n import COLON, tr

#: A column header: a message key ("" for an unlabelled column), a Var holding one, or a ready header cell.
Header = str | rx.Var | rx.Component
_CAPTION_STYLE = {"caption_side": "top", "text_align": "left", "font_size": "0.8rem", "color": tokens.MUTED}


def _header_cell(header: Header) -> rx.Component:
    if isinstance(header, rx.Component):
        return header
    if isinstance(header, str) and not header:
        return rx.table.column_header_cell("")
    return rx.table.column_header_cell(tr(header))


def data_table(headers: Sequence[Header], rows: rx.Var, render_row: Callable[[rx.Var], rx.Component], *,
               testid: str = "", empty_key: str | None = "table.empty", caption_key: str = "",
               max_height: str = "", variant: str = "surface", size: str = "1", stack: bool = False) -> rx.Component:
    """A table of `rows` (a list Var) that scrolls sideways when the screen is narrower than it.

    With no rows it shows the `empty_key` message instead (test id `<testid>-empty`); with
    `empty_key=None` the table and its header stay. No headers, no header row; `max_height`
    scrolls a long table inside its box. `stack=True`: on a phone each row becomes a card of labelled
    values (STACK_CSS) instead of a table to scroll sideways.
    """
    cells = [_header_cell(h) for h in headers]
    parts = [rx.el.caption(tr(caption_key), style=_CAPTION_STYLE)] if caption_key else []
    if cells:
        parts.append(rx.table.header(rx.table.row(*cells)))
    parts.append(rx.table.body(rx.foreach(rows, render_row)))
    marked = {"data_testid": testid} if testid else {}
    tall = {"max_height": max_height, "overflow_y": "auto"} if max_height else {}
    # A table taller than `max_height` scrolls in this box, which then takes the keyboard focus (a
    # named region) so that a keyboard user can scroll it; sideways, Radix's own viewport scrolls
    # (made focusable by TABLE_FOCUS_SCRIPT).
    focus = {"tab_index": 0, "role": "region", "aria_label": tr(caption_key or "table.region")} if max_height else {}
    if stack:
        marked["class_name"] = STACK_CLASS
    table = rx.box(rx.table.root(*parts, variant=variant, size=size, width="100%", **marked),
                   width="100%", overflow_x="auto", **tall, **focus)
    if empty_key is None:
        return table
    return rx.cond(
        rows.length() > 0,  # type: ignore[attr-defined]
        table,
        rx.text(tr(empty_key), color=tokens.MUTED, size="2", data_testid=f"{testid}-empty"),
    )


def stacked_table(*args: Any, **kwargs: Any) -> rx.Component:
    """`data_table` whose rows become labelled cards on a phone (the lists people read there: a teacher's
    registrations and records, an organizer's lists, the school's compliance table)."""
    return data_table(*args, stack=True, **kwargs)


def cell(*children: rx.Component | rx.Var | str, **props) -> rx.Component:
    return rx.table.cell(*children, **props)


def select_field(name: str, label_key: str, options: Sequence[tuple[str, str]], *, default: str = "",
                 required: bool = False, error: rx.Var | None = None, input_id: str = "", **props) -> rx.Component:
    """A native <select> (submitted with its form) with a label and an optional error line."""
    input_id = input_id or f"field-{name}"
    return rx.vstack(
        rx.el.label(tr(label_key), " *" if required else "", html_for=input_id,
                    style={"font_weight": "500", "font_size": "0.9rem"}),
        rx.el.select(
            *[rx.el.option(tr(label), value=value) for value, label in options],
            id=input_id, name=name, default_value=default,
            style={"padding": "0.35rem", "border": tokens.BORDER, "border_radius": tokens.RADIUS,
                   "background": "white", "min_width": "10rem"},
            **({"aria_invalid": rx.cond(error, "true", "false"), "aria_describedby": f"{input_id}-error"}
               if error is not None else {}),
            **props,
        ),
        field_error(error, label_key, input_id, name) if error is not None else rx.fragment(),
        spacing="1",
    )


def secret_notice(state: type[rx.State]) -> rx.Component:
    """A one-time password, shown once to the person who created or reset it."""
    return rx.cond(
        state.secret_text,
        rx.callout.root(
            rx.callout.icon(rx.icon("key-round")),
            rx.callout.text(
                rx.text(tr("secret.title"), " ", state.secret_label, weight="bold"),
                rx.code(state.secret_text, size="4", data_testid="one-time-password"),
                rx.text(tr("secret.body"), size="1"),
            ),
            color_scheme=tokens.WARN,
            role="status",
        ),
    )


def action_button(label_key: str, on_click: rx.event.EventSpec, *, testid: str | rx.Var,
                  colour: str = tokens.NEUTRAL, **props) -> rx.Component:
    return rx.button(tr(label_key), on_click=on_click, size="1", variant="soft", color_scheme=colour,
                     data_testid=testid, type="button", **props)


def search_bar(on_submit: rx.event.EventHandler, *fields: rx.Component, key: rx.Var | int = 0) -> rx.Component:
    """A row of filter fields with a search button."""
    return rx.form(
        rx.hstack(*fields, rx.button(tr("table.search"), type="submit", data_testid="search"),
                  align="end", spacing="3", wrap="wrap"),
        on_submit=on_submit,
        key=key,
    )


def form_card(title_key: str, on_submit: rx.event.EventHandler, *children: rx.Component,
              hint_key: str = "", key: rx.Var | int = 0) -> rx.Component:
    """A card holding one form: heading, an optional hint, the fields and the submit button."""
    hint = [rx.text(tr(hint_key), size="1", color=tokens.MUTED)] if hint_key else []
    return rx.card(
        rx.form(
            rx.vstack(rx.heading(tr(title_key), size="4", as_="h2"), *hint, *children, spacing="3", width="100%",
                      max_width="32rem"),
            on_submit=on_submit,
            key=key,
        ),
        width="100%",
    )


def confirmed_button(label_key: str, on_click: rx.event.EventSpec, *, testid: str | rx.Var, name: rx.Var | str,
                     consequence_key: str, colour: str = tokens.NEUTRAL) -> rx.Component:
    """An action button that asks first: the dialog names `name` and says `consequence_key`; the
    dialog's buttons are `<testid>-confirm` and `<testid>-cancel`."""
    # No on_click on the trigger's button: Reflex would wrap it in a <div> that takes the dialog's ARIA.
    return confirm_action(
        rx.button(tr(label_key), size="1", variant="soft", color_scheme=colour, data_testid=testid, type="button"),
        title=rx.text(tr(label_key), COLON, name), consequence=[tr(consequence_key)], confirm_key=label_key,
        on_confirm=on_click, testid=testid, colour=colour)


def decision_buttons(approve_key: str, on_approve: rx.event.EventSpec, on_reject: rx.event.EventSpec,
                     testid: rx.Var, *, name: rx.Var | str, approve_consequence: str,
                     reject_consequence: str = "confirm.reject") -> rx.Component:
    """Approve and reject buttons of one queue row, each asking first (naming `name`); test ids
    `approve-…` / `reject-…`, their dialogs' `approve-…-confirm` / `reject-…-confirm`."""
    return rx.hstack(
        confirmed_button(approve_key, on_approve, colour=tokens.OK, testid="approve-" + testid, name=name,
                         consequence_key=approve_consequence),
        confirmed_button("accounts.reject", on_reject, colour=tokens.DANGER, testid="reject-" + testid, name=name,
                         consequence_key=reject_consequence),
        spacing="1",
    )


def section(title_key: str, *children: rx.Component) -> rx.Component:
    """A titled part of a page."""
    return rx.vstack(rx.heading(tr(title_key), size="4", as_="h2"), *children, width="100%")



#: The class of a table whose rows become stacked cards on a phone (`data_table(stack=True)`).
STACK_CLASS = "tpd-stack"

#: Radix's table root scrolls sideways inside its own ScrollArea viewport, which takes no keyboard focus:
#: a keyboard user could not scroll a table wider than a phone (WCAG 2.1.1; axe's
#: scrollable-region-focusable). This head script makes each table's viewport focusable as it appears.
#: In a stacked table it also writes each column's heading into its cells (`data-label`, drawn before the
#: value on a phone, following a change of language) and states the table roles, which `display: block`
#: would otherwise take from screen readers.
TABLE_FOCUS_SCRIPT = """(function () {
  var queued = false;
  function role(el, name) { if (!el.getAttribute('role')) { el.setAttribute('role', name); } }
  function mark() {
    queued = false;
    document.querySelectorAll('.rt-TableRoot .rt-ScrollAreaViewport:not([tabindex])').forEach(function (v) {
      v.tabIndex = 0;
    });
    document.querySelectorAll('.__STACK__ table').forEach(function (table) {
      var heads = Array.prototype.map.call(table.querySelectorAll('thead th'), function (th) {
        return th.textContent.trim();
      });
      role(table, 'table');
      table.querySelectorAll('thead, tbody').forEach(function (g) { role(g, 'rowgroup'); });
      table.querySelectorAll('tr').forEach(function (tr) {
        role(tr, 'row');
        var head = tr.parentNode && tr.parentNode.tagName === 'THEAD';
        Array.prototype.forEach.call(tr.children, function (c, i) {
          role(c, head ? 'columnheader' : (c.tagName === 'TH' ? 'rowheader' : 'cell'));
          if (!head && c.getAttribute('data-label') !== (heads[i] || '')) {
            c.setAttribute('data-label', heads[i] || '');
          }
        });
      });
    });
  }
  function queue() { if (!queued) { queued = true; window.requestAnimationFrame(mark); } }
  new MutationObserver(queue).observe(document.documentElement,
                                      {childList: true, subtree: true, characterData: true});
  queue();
})();""".replace("__STACK__", STACK_CLASS)

#: Stacked tables on a phone: one card per row, each value under its column's heading (the heading row
#: stays for screen readers, out of sight). Wider screens keep the table.
STACK_CSS = f"""@media (max-width: 40em) {{
  .{STACK_CLASS} table, .{STACK_CLASS} tbody, .{STACK_CLASS} tr, .{STACK_CLASS} td, .{STACK_CLASS} tbody th {{
    display: block; width: 100%; }}
  .{STACK_CLASS} table {{ height: auto; }}  /* Radix gives its tables height 0 (a table grows; a block does not) */
  .{STACK_CLASS} thead {{ position: absolute; width: 1px; height: 1px; overflow: hidden;
    clip: rect(0 0 0 0); white-space: nowrap; }}
  .{STACK_CLASS} tbody tr {{ border-bottom: 1px solid var(--gray-a6); padding: 0.5rem 0; }}
  .{STACK_CLASS} tbody td, .{STACK_CLASS} tbody th {{ display: grid; grid-template-columns: minmax(5.5rem, 34%) 1fr;
    gap: 0.5rem; box-shadow: none !important; padding: 0.25rem 0.5rem !important; white-space: normal !important;
    height: auto !important; line-height: 1.45; justify-items: start;
    text-align: left; }}
  .{STACK_CLASS} tbody td::before, .{STACK_CLASS} tbody th::before {{ content: attr(data-label);
    font-weight: 600; color: var(--gray-11); }}
  .{STACK_CLASS} tbody td[data-label=""], .{STACK_CLASS} tbody th[data-label=""] {{ grid-template-columns: 1fr; }}
  .{STACK_CLASS} tbody td[data-label=""]::before, .{STACK_CLASS} tbody th[data-label=""]::before {{
    display: none; }}
}}"""
