"""來信指教: the public contact form (/help), the asker's private link (/help/ticket?key=…) and the queue of
the unit an enquiry was routed to (/helpdesk)."""

from __future__ import annotations

import reflex as rx

from tpd_app import routes
from tpd_app.components import tokens
from tpd_app.components.badges import status_badge
from tpd_app.components.forms import field, field_error, notices
from tpd_app.components.i18n import COLON, date_label, tr
from tpd_app.components.shell import app_shell, page_frame
from tpd_app.components.tables import action_button, cell, confirmed_button, select_field, stacked_table
from tpd_app.domain.helpdesk import BODY_MAX, HONEYPOT, NOTE_MAX, AccountKind, TicketStatus, Topic
from tpd_app.state.helpdesk import HelpdeskState, HelpFormState, HelpTicketState

S = HelpFormState
T = HelpTicketState
H = HelpdeskState
_LABEL = {"font_weight": "500", "font_size": "0.9rem"}


def _text_area(state: type[rx.State], name: str, label_key: str, max_length: int, rows: int, *,
               required: bool = True, hint_key: str = "helpdesk.field.body_hint") -> rx.Component:
    """A Markdown text area with its label, the writing hint and its error line."""
    error, input_id = state.field_errors[name], f"field-{name}"
    return rx.vstack(
        rx.el.label(tr(label_key), " *" if required else "", html_for=input_id, style=_LABEL),
        rx.text(tr(hint_key), size="1", color=tokens.MUTED, id=f"{input_id}-hint"),
        rx.text_area(id=input_id, name=name, default_value=state.values[name].to(str), rows=str(rows),
                     max_length=max_length, width="100%", aria_invalid=rx.cond(error, "true", "false"),
                     aria_describedby=f"{input_id}-hint {input_id}-error"),
        field_error(error, label_key, input_id, name),
        spacing="1", width="100%",
    )


def _topic_choice(topic: Topic) -> rx.Component:
    input_id = f"topic-{topic.value}"
    return rx.el.label(
        # Uncontrolled: the choice shows at once; the server's copy decides which fields follow.
        rx.el.input(type="radio", name="topic", value=topic.value, id=input_id,
                    default_checked=S.topic == topic.value, on_change=S.choose_topic(topic.value),
                    data_testid=input_id),
        rx.vstack(rx.text(tr(f"helpdesk.topic.{topic.value}"), weight="medium", size="2"),
                  rx.text(tr(f"helpdesk.topic.{topic.value}.hint"), size="1", color=tokens.MUTED), spacing="0"),
        html_for=input_id,
        style={"display": "flex", "gap": "0.5rem", "align_items": "flex-start", "cursor": "pointer"},
    )


def _honeypot() -> rx.Component:
    """A field people never see or hear (hidden from screen readers, out of the tab order); bots fill it."""
    return rx.box(
        rx.el.label(tr("helpdesk.field.honeypot"), html_for="field-homepage"),
        rx.el.input(type="text", id="field-homepage", name=HONEYPOT, tab_index=-1, auto_complete="off",
                    default_value=""),
        aria_hidden="true",
        style={"position": "absolute", "left": "-10000px", "width": "1px", "height": "1px", "overflow": "hidden"},
    )


def _account_fields() -> rx.Component:
    return rx.cond(
        S.signed_in_asker,
        rx.text(tr("helpdesk.account.signed_in"), size="2", color=tokens.MUTED),
        rx.vstack(
            select_field("account_kind", "helpdesk.field.account_kind",
                         [(k.value, f"helpdesk.account_kind.{k.value}") for k in AccountKind],
                         default=S.values["account_kind"].to(str), error=S.field_errors["account_kind"],
                         required=True),
            field(S, "unit_code", "helpdesk.field.unit_code", max_length=32),
            rx.text(tr("helpdesk.field.unit_code_hint"), size="1", color=tokens.MUTED),
            spacing="2", width="100%",
        ),
    )


def _contact_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.text(tr("common.required_hint"), size="1", color=tokens.MUTED),
            rx.el.fieldset(
                rx.el.legend(tr("helpdesk.field.topic"), " *", style={**_LABEL, "margin_bottom": "0.4rem"}),
                rx.vstack(*[_topic_choice(t) for t in Topic], spacing="2"),
                style={"border": "none", "padding": "0", "margin": "0"},
            ),
            rx.match(
                S.topic,
                ("course", rx.vstack(field(S, "course_code", "helpdesk.field.course_code", required=True,
                                           max_length=16),
                                     rx.text(tr("helpdesk.field.course_code_hint"), size="1", color=tokens.MUTED),
                                     spacing="1", width="100%")),
                ("account", _account_fields()),
                rx.text(tr("helpdesk.platform.hint"), size="2", color=tokens.MUTED),
            ),
            field(S, "name", "helpdesk.field.name", required=True, autocomplete="name", max_length=100),
            field(S, "email", "helpdesk.field.email", type_="email", required=True, autocomplete="email",
                  max_length=200),
            field(S, "phone", "helpdesk.field.phone", type_="tel", autocomplete="tel", max_length=40),
            field(S, "subject", "helpdesk.field.subject", required=True, max_length=200),
            _text_area(S, "body", "helpdesk.field.body", BODY_MAX, 8),
            _honeypot(),
            rx.el.input(type="hidden", name="form_token", value=S.form_token),
            rx.text(tr("helpdesk.privacy"), size="1", color=tokens.MUTED),
            rx.button(tr("helpdesk.submit"), type="submit", loading=S.saving, data_testid="help-submit"),
            spacing="3", width="100%", max_width="36rem", position="relative",
        ),
        on_submit=S.submit, key=S.form_key, no_validate=True, width="100%",
    )


def _sent() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(tr("helpdesk.sent.title"), size="4", as_="h2"),
            rx.text(tr("helpdesk.sent.number"), COLON, rx.text.strong(S.sent_number, data_testid="help-number"),
                    size="3"),
            rx.text(tr("helpdesk.sent.body"), size="2"),
            rx.link(tr("helpdesk.sent.follow"), href=S.sent_link, data_testid="help-follow"),
            rx.link(tr("helpdesk.sent.another"), href=routes.HELP, size="2"),
            spacing="2",
        ),
        width="100%", max_width="36rem",
    )


@rx.page(route=routes.HELP, on_load=S.load, title="來信指教 | 全國教師在職進修資訊網")
def help_page() -> rx.Component:
    return page_frame(
        rx.vstack(
            rx.heading(tr("helpdesk.title"), size="7", as_="h1"),
            rx.text(tr("helpdesk.lead"), size="2"),
            rx.link(tr("helpdesk.lead.faq"), href=routes.FAQ, size="2"),
            notices(S),
            rx.cond(S.sent_number != "", _sent(), _contact_form()),
            spacing="4", width="100%", padding_y=tokens.SPACE_3,
        )
    )


def _who(message: rx.Var, asker_key: str) -> rx.Var:
    """Who wrote a step: the asker (in her own view: "you") or the unit that handled it."""
    return rx.cond(message["unit"] != "", message["unit"], tr(asker_key)).to(str)


def _thread_item(message: rx.Var, asker_key: str) -> rx.Component:
    kind = message["kind"].to(str)
    return rx.el.article(
        rx.vstack(
            rx.hstack(
                rx.badge(tr("helpdesk.kind." + kind), variant="soft",
                         color_scheme=rx.cond(kind == "reply", tokens.OK, tokens.NEUTRAL)),
                rx.text(_who(message, asker_key), weight="medium", size="2"),
                rx.text(date_label(message["at"]), size="1", color=tokens.MUTED),
                spacing="2", align="center", wrap="wrap",
            ),
            rx.cond(kind == "handover",
                    rx.text(tr("helpdesk.handover.to"), COLON, message["to_unit"], size="2")),
            rx.cond(message["html"] != "", rx.html(message["html"], class_name="tpd-rich-text")),
            spacing="1", width="100%",
        ),
        data_testid="thread-" + kind,
        style={"border_left": "3px solid var(--gray-6)", "padding_left": tokens.SPACE_2, "width": "100%"},
    )


def _asker_ticket() -> rx.Component:
    ticket = T.ticket
    return rx.vstack(
        rx.hstack(rx.heading(ticket["number"], " ", ticket["subject"], size="5", as_="h2",
                             data_testid="ticket-subject"),
                  status_badge(ticket["status"], TicketStatus), spacing="3", align="center", wrap="wrap"),
        rx.text(tr("helpdesk.ticket.handled_by"), COLON, ticket["unit"], size="2", data_testid="ticket-unit"),
        rx.text(tr("helpdesk.ticket.created"), COLON, date_label(ticket["created_at"]), size="2",
                color=tokens.MUTED),
        rx.heading(tr("helpdesk.thread"), size="4", as_="h2"),
        rx.vstack(rx.foreach(T.thread, lambda m: _thread_item(m, "helpdesk.you")), spacing="3", width="100%",
                  data_testid="thread"),
        rx.card(
            rx.form(
                rx.vstack(
                    rx.heading(tr("helpdesk.followup.title"), size="4", as_="h2"),
                    _text_area(T, "body", "helpdesk.field.followup", BODY_MAX, 5),
                    rx.button(tr("helpdesk.followup.submit"), type="submit", data_testid="followup-submit"),
                    spacing="3", width="100%", max_width="36rem",
                ),
                on_submit=T.add_message, key=T.form_key, no_validate=True,
            ),
            width="100%",
        ),
        rx.cond(ticket["status"] != "closed",
                confirmed_button("helpdesk.close_mine", T.close_ticket, testid="close-mine",
                                 name=ticket["number"], consequence_key="helpdesk.close_mine.consequence")),
        spacing="3", width="100%",
    )


@rx.page(route=routes.HELP_TICKET, on_load=T.load, title="來信追蹤 | 全國教師在職進修資訊網")
def help_ticket_page() -> rx.Component:
    return page_frame(
        rx.vstack(
            rx.heading(tr("helpdesk.ticket.title"), size="7", as_="h1"),
            notices(T),
            rx.cond(
                ~T.checked,
                rx.hstack(rx.spinner(), rx.text(tr("common.loading")), data_testid="loading"),
                rx.cond(T.found, _asker_ticket(),
                        rx.vstack(rx.callout(tr("helpdesk.ticket.invalid"), icon="triangle-alert",
                                             color_scheme=tokens.DANGER, role="alert", data_testid="ticket-invalid"),
                                  rx.link(tr("helpdesk.ticket.ask"), href=routes.HELP), width="100%")),
            ),
            spacing="4", width="100%", padding_y=tokens.SPACE_3,
        )
    )


def _filter_button(value: str, label_key: str) -> rx.Component:
    active = H.status_filter == value
    return rx.button(tr(label_key), on_click=H.filter_status(value), size="1", type="button",
                     variant=rx.cond(active, "solid", "soft"), aria_pressed=rx.cond(active, "true", "false"),
                     data_testid=f"filter-{value or 'all'}")


def _queue_row(row: rx.Var) -> rx.Component:
    key = row["id"].to(str)
    return rx.table.row(
        cell(rx.text(row["number"], white_space="nowrap")),
        cell(tr("helpdesk.topic." + row["topic"].to(str))),
        cell(rx.text(row["subject"], weight="medium")),
        cell(row["asker"]),
        cell(status_badge(row["status"], TicketStatus)),
        cell(date_label(row["updated_at"])),
        cell(action_button("helpdesk.open", H.open_ticket(key), testid="open-" + key)),
        data_testid="ticket-row",
    )


def _fact(label_key: str, value: rx.Var, testid: str) -> rx.Component:
    return rx.text(rx.text.strong(tr(label_key)), COLON, value, size="2", data_testid=testid)


def _handover_form() -> rx.Component:
    return rx.cond(
        H.targets.length() > 0,
        rx.form(
            rx.vstack(
                rx.heading(tr("helpdesk.handover.title"), size="3", as_="h3"),
                rx.vstack(
                    rx.el.label(tr("helpdesk.field.target"), " *", html_for="field-target", style=_LABEL),
                    rx.el.select(rx.foreach(H.targets, lambda t: rx.el.option(t["name"], value=t["id"])),
                                 id="field-target", name="target",
                                 style={"padding": "0.35rem", "border": tokens.BORDER, "border_radius": tokens.RADIUS,
                                        "background": "white", "max_width": "100%"}),
                    field_error(H.field_errors["target"], "helpdesk.field.target", "field-target", "target"),
                    spacing="1", width="100%",
                ),
                _text_area(H, "note", "helpdesk.field.note", NOTE_MAX, 3, required=False,
                           hint_key="helpdesk.field.note_hint"),
                rx.button(tr("helpdesk.handover.submit"), type="submit", variant="outline",
                          data_testid="handover-submit"),
                spacing="2", width="100%", max_width="36rem",
            ),
            on_submit=H.hand_over, key=H.form_key,
        ),
    )


def _ticket_detail() -> rx.Component:
    ticket = H.ticket
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(ticket["number"], " ", ticket["subject"], size="5", as_="h2", data_testid="ticket-title"),
                status_badge(ticket["status"], TicketStatus),
                rx.spacer(),
                action_button("helpdesk.back_to_list", H.close_detail, testid="close-detail"),
                spacing="3", align="center", wrap="wrap", width="100%",
            ),
            rx.vstack(
                _fact("helpdesk.field.topic", tr("helpdesk.topic." + ticket["topic"].to(str)), "ticket-topic"),
                rx.cond(ticket["course"] != "", _fact("helpdesk.field.course_code", ticket["course"],
                                                      "ticket-course")),
                _fact("helpdesk.field.name", ticket["name"], "ticket-name"),
                _fact("helpdesk.asker_kind", tr("helpdesk.asker_kind." + ticket["asker_kind"].to(str)),
                      "ticket-asker-kind"),
                _fact("helpdesk.field.email", ticket["email"], "ticket-email"),
                rx.cond(ticket["phone"] != "", _fact("helpdesk.field.phone", ticket["phone"], "ticket-phone")),
                _fact("helpdesk.ticket.created", date_label(ticket["created_at"]), "ticket-created"),
                spacing="1",
            ),
            rx.heading(tr("helpdesk.thread"), size="4", as_="h3"),
            rx.vstack(rx.foreach(H.thread, lambda m: _thread_item(m, "helpdesk.asker")), spacing="3", width="100%",
                      data_testid="thread"),
            rx.form(
                rx.vstack(
                    _text_area(H, "reply", "helpdesk.field.reply", BODY_MAX, 6,
                               hint_key="helpdesk.field.reply_hint"),
                    rx.button(tr("helpdesk.reply.submit"), type="submit", data_testid="reply-submit"),
                    spacing="2", width="100%", max_width="36rem",
                ),
                on_submit=H.reply, key=H.form_key, no_validate=True,
            ),
            rx.hstack(
                rx.cond(ticket["status"] != "closed",
                        confirmed_button("helpdesk.close", H.close_ticket, testid="close-ticket",
                                         name=ticket["number"], consequence_key="helpdesk.close.consequence")),
                rx.cond(ticket["can_faq"] == "1",
                        action_button("helpdesk.make_faq", H.make_faq, testid="make-faq")),
                spacing="2", wrap="wrap",
            ),
            _handover_form(),
            spacing="3", width="100%",
        ),
        width="100%", data_testid="ticket-detail",
    )


@rx.page(route=routes.HELPDESK, on_load=H.load, title="來信指教處理 | 全國教師在職進修資訊網")
def helpdesk_page() -> rx.Component:
    return app_shell(
        "helpdesk.queue.title",
        rx.text(tr("helpdesk.queue.lead"), size="2", color=tokens.MUTED),
        notices(H),
        rx.hstack(_filter_button("", "helpdesk.filter.all"),
                  *[_filter_button(s.value, s.label_key) for s in TicketStatus],
                  spacing="2", wrap="wrap", role="group", aria_label=tr("helpdesk.filter.label")),
        stacked_table(("helpdesk.field.number", "helpdesk.field.topic", "helpdesk.field.subject",
                       "helpdesk.field.asker", "helpdesk.field.status", "helpdesk.field.updated", "table.actions"),
                      H.rows, _queue_row, testid="tickets", empty_key="helpdesk.queue.empty"),
        rx.cond(H.ticket.contains("id"), _ticket_detail()),
    )
