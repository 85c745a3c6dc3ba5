"""教師專業發展電子報: the public archive (searchable, with the subscription form), one issue, the page a mailed
link opens, the national centre's editing page and the regional centres' contribution page."""

from __future__ import annotations

import reflex as rx

from tpd_app import routes
from tpd_app.components import tokens
from tpd_app.components.badges import status_badge
from tpd_app.components.forms import field, field_error, notices, save_button
from tpd_app.components.i18n import date_label, tr
from tpd_app.components.shell import app_shell, page_frame
from tpd_app.components.tables import action_button, cell, confirmed_button, form_card, stacked_table
from tpd_app.domain.newsletter import BODY_MAX, INTRO_MAX, NOTE_MAX, ArticleState, IssueState
from tpd_app.state.newsletter import (
    NewsletterArchiveState,
    NewsletterContributeState,
    NewsletterEditorState,
    NewsletterIssueState,
    NewsletterLinkState,
    NewsletterTickState,
)

A = NewsletterArchiveState
I = NewsletterIssueState  # noqa: E741
L = NewsletterLinkState
E = NewsletterEditorState
C = NewsletterContributeState
T = NewsletterTickState
TITLE = "教師專業發展電子報 | 全國教師在職進修資訊網"
LABEL = {"font_weight": "500", "font_size": "0.9rem"}


def _number(number: rx.Var) -> rx.Var:
    """第 3 期 / No. 3."""
    return tr("newsletter.number").replace("{number}", number.to(str))


def _markdown_field(state: type[rx.State], name: str, label_key: str, max_length: int, rows: int, *,
                    required: bool = True) -> rx.Component:
    """A Markdown text area with the writing hint and its error line."""
    error, input_id = state.field_errors[name], f"field-{name}"
    return rx.vstack(
        rx.el.label(tr(label_key), " *" if required else "", html_for=input_id, style=LABEL),
        rx.text(tr("portal.field.body_hint"), size="1", color=tokens.MUTED, id=f"{input_id}-hint"),
        rx.text_area(id=input_id, name=name, default_value=state.values[name].to(str), rows=str(rows),
                     max_length=max_length, width="100%", aria_invalid=rx.cond(error, "true", "false"),
                     aria_describedby=f"{input_id}-hint {input_id}-error"),
        field_error(error, label_key, input_id, name),
        spacing="1", width="100%",
    )


# ---------------------------------------------------------------------------------------------------------
# Public: the archive, an issue, the mailed link's page
# ---------------------------------------------------------------------------------------------------------

def _issue_card(item: rx.Var) -> rx.Component:
    return rx.el.article(
        rx.vstack(
            rx.link(rx.heading(_number(item["number"]), " ", item["title"], size="4", as_="h3"),
                    href=routes.NEWSLETTER + "/" + item["id"].to(str), data_testid="newsletter-link"),
            rx.text(date_label(item["published"]), size="2", color=tokens.MUTED),
            rx.cond(item["summary"] != "", rx.text(item["summary"], size="2")),
            rx.text(tr("newsletter.in_issue"), tr("common.colon"), item["articles"], size="2"),
            spacing="1", width="100%",
        ),
        data_testid="newsletter-item",
        style={"border_bottom": tokens.BORDER, "padding_bottom": tokens.SPACE_2, "width": "100%"},
    )


def _subscribe_box() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(tr("newsletter.subscribe.title"), size="4", as_="h2", id="newsletter-subscribe"),
            rx.cond(
                A.subscribe_sent,
                rx.callout(tr("newsletter.subscribe.sent"), icon="mail-check", color_scheme=tokens.OK,
                           role="status", data_testid="subscribe-sent"),
                rx.form(
                    rx.vstack(
                        rx.text(tr("newsletter.subscribe.lead"), size="2"),
                        rx.el.label(tr("newsletter.subscribe.email"), html_for="newsletter-email", style=LABEL),
                        rx.hstack(
                            rx.input(id="newsletter-email", name="email", type="email", max_length=200,
                                     auto_complete="email", width="18rem",
                                     aria_invalid=rx.cond(A.subscribe_error != "", "true", "false"),
                                     aria_describedby="newsletter-email-error"),
                            rx.button(tr("newsletter.subscribe.button"), type="submit", data_testid="subscribe"),
                            spacing="2", wrap="wrap", align="center"),
                        rx.cond(A.subscribe_error != "",
                                rx.text(A.subscribe_error, id="newsletter-email-error", color=tokens.ERROR, size="1",
                                        role="alert", data_testid="subscribe-error")),
                        rx.text(tr("newsletter.subscribe.teachers"), size="1", color=tokens.MUTED),
                        spacing="2", width="100%"),
                    # The server's message, in the page's language, rather than the browser's own check.
                    on_submit=A.subscribe, no_validate=True),
            ),
            spacing="2", width="100%",
        ),
        width="100%", aria_labelledby="newsletter-subscribe",
    )


@rx.page(route=routes.NEWSLETTER, on_load=A.load, title=TITLE)
def newsletter_page() -> rx.Component:
    return page_frame(
        rx.vstack(
            rx.heading(tr("newsletter.title"), size="7", as_="h1"),
            rx.text(tr("newsletter.lead"), size="2", color=tokens.MUTED),
            _subscribe_box(),
            rx.heading(tr("newsletter.archive"), size="5", as_="h2"),
            rx.form(
                rx.hstack(
                    rx.vstack(rx.el.label(tr("newsletter.search"), html_for="newsletter-q", style=LABEL),
                              rx.input(id="newsletter-q", name="q", default_value=A.keyword, max_length=100,
                                       width="16rem", type="search"), spacing="1"),
                    rx.button(rx.icon("search", size=14), tr("faq.search_button"), type="submit",
                              data_testid="newsletter-search"),
                    spacing="3", align="end", wrap="wrap"),
                on_submit=A.search, key=A.form_key, role="search"),
            rx.text(tr("newsletter.count"), tr("common.colon"), A.total_text, size="2", color=tokens.MUTED,
                    data_testid="newsletter-count"),
            rx.cond(A.issues.length() > 0,
                    rx.vstack(rx.foreach(A.issues, _issue_card), spacing="4", width="100%"),
                    rx.text(tr("newsletter.empty"), data_testid="newsletter-empty")),
            rx.hstack(
                rx.cond(A.prev_href != "", rx.link(tr("common.prev"), href=A.prev_href)),
                rx.cond(A.next_href != "", rx.link(tr("common.next"), href=A.next_href)),
                spacing="4",
            ),
            spacing="4", width="100%", padding_y=tokens.SPACE_3,
        )
    )


def _issue_heading(item: rx.Var, level: str = "h1", size: str = "7", testid: str = "newsletter-title") -> rx.Component:
    return rx.heading(tr("newsletter.name"), " ", _number(item["number"]), tr("common.colon"), item["title"],
                      size=size, as_=level, data_testid=testid)


def _article(article: rx.Var, level: str = "h2") -> rx.Component:
    return rx.el.article(
        rx.vstack(
            rx.heading(article["title"], size="5", as_=level),
            rx.text(article["unit"], size="2", color=tokens.MUTED),
            rx.html(article["html"], class_name="tpd-rich-text", data_testid="newsletter-article-body"),
            spacing="2", width="100%"),
        data_testid="newsletter-article",
        style={"border_top": tokens.BORDER, "padding_top": tokens.SPACE_2, "width": "100%"},
    )


@rx.page(route=f"{routes.NEWSLETTER}/[issue_id]", on_load=I.load_item, title=TITLE)
def newsletter_issue_page() -> rx.Component:
    return page_frame(
        rx.vstack(
            rx.link(rx.hstack(rx.icon("arrow-left", size=14), tr("newsletter.back"), align="center", spacing="1"),
                    href=routes.NEWSLETTER),
            rx.cond(
                I.found,
                rx.el.article(rx.vstack(
                    _issue_heading(I.item),
                    rx.text(date_label(I.item["published"]), size="2", color=tokens.MUTED),
                    rx.html(I.item["intro_html"], class_name="tpd-rich-text", data_testid="newsletter-intro"),
                    rx.foreach(I.items, lambda a: _article(a)),
                    spacing="3", width="100%")),
                rx.vstack(rx.heading(tr("newsletter.title"), size="7", as_="h1"),
                          rx.text(tr("newsletter.not_found"), data_testid="newsletter-not-found")),
            ),
            spacing="4", width="100%", padding_y=tokens.SPACE_3,
        )
    )


@rx.page(route=routes.NEWSLETTER_LINK, on_load=L.load, title=TITLE)
def newsletter_link_page() -> rx.Component:
    return page_frame(
        rx.vstack(
            rx.heading(tr("newsletter.link.title"), size="7", as_="h1"),
            rx.match(
                L.outcome,
                ("confirmed", rx.callout(tr("newsletter.link.confirmed"), icon="circle-check", color_scheme=tokens.OK,
                                         role="status", data_testid="link-result")),
                ("unsubscribed", rx.callout(tr("newsletter.link.unsubscribed"), icon="circle-check",
                                            color_scheme=tokens.OK, role="status", data_testid="link-result")),
                ("invalid", rx.callout(tr("newsletter.link.invalid"), icon="triangle-alert", color_scheme=tokens.WARN,
                                       role="alert", data_testid="link-result")),
                rx.vstack(
                    rx.text(rx.cond(L.action == "confirm", tr("newsletter.link.confirm_lead"),
                                    tr("newsletter.link.unsubscribe_lead")), " ", rx.text.strong(L.email)),
                    rx.cond(L.action == "confirm",
                            rx.button(tr("newsletter.link.confirm"), on_click=L.confirm, data_testid="link-confirm"),
                            rx.button(tr("newsletter.link.unsubscribe"), on_click=L.unsubscribe,
                                      color_scheme=tokens.DANGER, data_testid="link-unsubscribe")),
                    spacing="3"),
            ),
            rx.link(tr("newsletter.back"), href=routes.NEWSLETTER),
            spacing="4", width="100%", padding_y=tokens.SPACE_3,
        )
    )


# ---------------------------------------------------------------------------------------------------------
# The editor (the national centre)
# ---------------------------------------------------------------------------------------------------------

def _send_label(row: rx.Var) -> rx.Component:
    return rx.match(
        row["send_state"],
        ("queued", rx.text(tr("newsletter.send.queued"), size="1")),
        ("sending", rx.text(tr("newsletter.send.sending"), " ", row["sent"], size="1")),
        ("sent", rx.text(tr("newsletter.send.sent"), " ", row["sent"], size="1", data_testid="issue-sent")),
        rx.text("—", size="1"),
    )


def _issue_row(row: rx.Var) -> rx.Component:
    key = row["id"].to(str)
    draft = row["state"] == "draft"
    return rx.table.row(
        cell(row["number"]),
        cell(rx.text(row["title"], weight="medium")),
        cell(status_badge(row["state"], IssueState), rx.cond(row["published_at"] != "",
                                                             rx.text(date_label(row["published_at"]), size="1"))),
        cell(row["articles"]),
        cell(_send_label(row)),
        cell(rx.hstack(
            rx.cond(draft, action_button("newsletter.edit", E.edit_issue(key), testid="edit-issue-" + key)),
            action_button("newsletter.preview", E.show_preview(key), testid="preview-" + key),
            rx.cond(draft,
                    confirmed_button("newsletter.publish", E.publish(key), testid="publish-" + key, name=row["title"],
                                     consequence_key="newsletter.publish_consequence", colour=tokens.OK),
                    rx.link(tr("newsletter.read"), href=routes.NEWSLETTER + "/" + key, size="1")),
            spacing="1", wrap="wrap")),
        data_testid="issue-row",
    )


def _placed_row(row: rx.Var) -> rx.Component:
    key = row["id"].to(str)
    return rx.table.row(
        cell(row["position"]),
        cell(rx.text(row["title"], weight="medium")),
        cell(row["unit"]),
        cell(rx.hstack(
            action_button("newsletter.up", E.move_up(key), testid="up-" + key),
            action_button("newsletter.down", E.move_down(key), testid="down-" + key),
            action_button("newsletter.edit", E.edit_article(key), testid="edit-article-" + key),
            action_button("newsletter.unplace", E.unplace(key), testid="unplace-" + key),
            spacing="1", wrap="wrap")),
        data_testid="placed-row",
    )


def _queue_row(row: rx.Var) -> rx.Component:
    key = row["id"].to(str)
    waiting = row["state"] == "submitted"
    return rx.table.row(
        cell(rx.el.details(rx.el.summary(rx.text(row["title"], as_="span", weight="medium"),
                                         style={"cursor": "pointer"}),
                           rx.cond(row["summary"] != "", rx.text(row["summary"], size="2", weight="medium")),
                           rx.html(row["html"], class_name="tpd-rich-text"))),
        cell(row["unit"]),
        cell(status_badge(row["state"], ArticleState), rx.text(date_label(row["submitted_at"]), size="1")),
        cell(rx.hstack(
            rx.cond(waiting, action_button("newsletter.accept", E.accept(key), testid="accept-" + key,
                                           colour=tokens.OK)),
            rx.cond(waiting, action_button("newsletter.return", E.open_review(key), testid="return-" + key,
                                           colour=tokens.WARN)),
            rx.cond(~waiting & (E.selected != ""),
                    action_button("newsletter.place", E.place(key), testid="place-" + key)),
            spacing="1", wrap="wrap")),
        data_testid="queue-row",
    )


def _review_form() -> rx.Component:
    return rx.cond(E.review_id != "", rx.card(rx.form(
        rx.vstack(
            rx.heading(tr("newsletter.return_title"), size="4", as_="h3"),
            rx.el.label(tr("newsletter.field.note"), " *", html_for="field-note", style=LABEL),
            rx.text_area(id="field-note", name="note", rows="3", max_length=NOTE_MAX, width="100%",
                         aria_describedby="field-note-error"),
            rx.cond(E.review_error != "", rx.text(E.review_error, id="field-note-error", color=tokens.ERROR,
                                                  size="1", role="alert", data_testid="error-note")),
            rx.hstack(rx.button(tr("newsletter.return"), type="submit", color_scheme=tokens.WARN,
                                data_testid="return-send"),
                      rx.button(tr("common.cancel"), type="button", variant="soft", color_scheme=tokens.NEUTRAL,
                                on_click=E.close_review), spacing="2"),
            spacing="2", width="100%", max_width="32rem"),
        on_submit=E.return_article, key=E.review_id), width="100%"))


def _preview() -> rx.Component:
    return rx.cond(E.preview.contains("id"), rx.card(
        rx.vstack(
            rx.hstack(rx.heading(tr("newsletter.preview"), size="4", as_="h2"),
                      rx.button(tr("newsletter.close"), size="1", variant="soft", color_scheme=tokens.NEUTRAL,
                                on_click=E.close_preview), justify="between", width="100%", align="center"),
            _issue_heading(E.preview, "h3", "5", "preview-title"),
            rx.html(E.preview["intro_html"], class_name="tpd-rich-text"),
            rx.foreach(E.preview_articles, lambda a: _article(a, "h4")),
            spacing="3", width="100%"),
        width="100%", data_testid="newsletter-preview"))


def _article_form() -> rx.Component:
    return rx.cond(E.selected != "", rx.vstack(
        rx.heading(tr("newsletter.articles_of"), " ", E.selected_title, size="4", as_="h2"),
        stacked_table(("newsletter.field.position", "newsletter.field.title", "newsletter.field.unit",
                       "table.actions"), E.articles, _placed_row, testid="placed", empty_key="newsletter.no_articles"),
        rx.button(rx.icon("plus", size=14), tr("newsletter.new_article"), on_click=E.new_article, variant="outline",
                  size="2", data_testid="new-article", width="fit-content"),
        form_card(
            "newsletter.article_form", E.save_article,
            rx.el.input(type="hidden", name="article_id", value=E.values["article_id"].to(str)),
            field(E, "article_title", "newsletter.field.title", required=True, max_length=200),
            field(E, "article_summary", "newsletter.field.summary", max_length=300),
            _markdown_field(E, "article_body", "newsletter.field.body", BODY_MAX, 8),
            save_button(E),
            hint_key="common.required_hint", key=E.article_key,
        ),
        spacing="3", width="100%"))


@rx.page(route=routes.PORTAL_NEWSLETTER, on_load=E.load, title="電子報編輯 | 全國教師在職進修資訊網")
def newsletter_editor_page() -> rx.Component:
    return app_shell(
        "newsletter.editor.title",
        rx.text(tr("newsletter.editor.lead"), size="2", color=tokens.MUTED),
        notices(E),
        rx.cond(E.notice_text, rx.callout(E.notice_text, icon="circle-check", color_scheme=tokens.OK, role="status",
                                          data_testid="notice")),
        rx.button(rx.icon("plus", size=14), tr("newsletter.new_issue"), on_click=E.new_issue, variant="outline",
                  size="2", data_testid="new-issue", width="fit-content"),
        form_card(
            "newsletter.issue_form", E.save_issue,
            rx.el.input(type="hidden", name="id", value=E.values["id"].to(str)),
            field(E, "number", "newsletter.field.number", required=True, max_length=4),
            field(E, "title", "newsletter.field.title", required=True, max_length=200),
            _markdown_field(E, "intro", "newsletter.field.intro", INTRO_MAX, 5, required=False),
            save_button(E),
            hint_key="common.required_hint", key=E.form_key,
        ),
        rx.heading(tr("newsletter.issues"), size="4", as_="h2"),
        stacked_table(("newsletter.field.number", "newsletter.field.title", "newsletter.field.state",
                       "newsletter.field.articles", "newsletter.field.sent", "table.actions"), E.issues, _issue_row,
                      testid="issues", empty_key="newsletter.no_issues"),
        _preview(),
        _article_form(),
        rx.heading(tr("newsletter.queue"), size="4", as_="h2"),
        rx.text(tr("newsletter.queue_lead"), size="2", color=tokens.MUTED),
        _review_form(),
        stacked_table(("newsletter.field.title", "newsletter.field.unit", "newsletter.field.state",
                       "table.actions"), E.queue, _queue_row, testid="queue", empty_key="newsletter.queue_empty"),
    )


# ---------------------------------------------------------------------------------------------------------
# The contributors (regional centres)
# ---------------------------------------------------------------------------------------------------------

def _contribution_row(row: rx.Var) -> rx.Component:
    key = row["id"].to(str)
    return rx.table.row(
        cell(rx.text(row["title"], weight="medium")),
        cell(status_badge(row["state"], ArticleState),
             rx.cond(row["issue"] != "", rx.text(_number(row["issue"]), size="1"))),
        cell(rx.cond(row["note"] != "", rx.text(row["note"], size="2", data_testid="contribution-note"), "—")),
        cell(date_label(row["submitted_at"])),
        cell(rx.cond(row["editable"] == "1",
                     action_button("newsletter.revise", C.edit(key), testid="revise-" + key), "—")),
        data_testid="contribution-row",
    )


@rx.page(route=routes.PORTAL_NEWSLETTER_CONTRIBUTE, on_load=C.load, title="電子報投稿 | 全國教師在職進修資訊網")
def newsletter_contribute_page() -> rx.Component:
    return app_shell(
        "newsletter.contribute.title",
        rx.text(tr("newsletter.contribute.lead"), size="2", color=tokens.MUTED),
        notices(C),
        rx.button(rx.icon("plus", size=14), tr("newsletter.new_contribution"), on_click=C.new, variant="outline",
                  size="2", data_testid="new-contribution", width="fit-content"),
        form_card(
            "newsletter.contribution_form", C.save,
            rx.el.input(type="hidden", name="id", value=C.values["id"].to(str)),
            field(C, "title", "newsletter.field.title", required=True, max_length=200),
            field(C, "summary", "newsletter.field.summary", max_length=300),
            _markdown_field(C, "body", "newsletter.field.body", BODY_MAX, 10),
            save_button(C),
            hint_key="common.required_hint", key=C.form_key,
        ),
        rx.heading(tr("newsletter.contributions"), size="4", as_="h2"),
        stacked_table(("newsletter.field.title", "newsletter.field.state", "newsletter.field.note",
                       "newsletter.field.submitted", "table.actions"), C.rows, _contribution_row,
                      testid="contributions", empty_key="newsletter.contributions_empty"),
    )


def newsletter_tick_box() -> rx.Component:
    """The teacher's tick box for the e-newsletter, on her subscriptions page."""
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading(tr("newsletter.tick.title"), size="4", as_="h2"),
                rx.text(tr("newsletter.tick.lead"), size="2"),
                rx.el.label(
                    rx.el.input(type="checkbox", name="newsletter", default_checked=T.newsletter, id="field-newsletter",
                                disabled=~T.newsletter_email),
                    " ", tr("newsletter.tick.label"),
                    style={"display": "flex", "gap": "0.4rem", "align_items": "center"},
                ),
                rx.cond(T.tick_error != "", rx.text(T.tick_error, color=tokens.ERROR, size="1", role="alert")),
                rx.cond(T.notice_key, rx.text(tr(T.notice_key.to(str)), size="2", role="status",
                                              data_testid="newsletter-tick-notice")),
                rx.button(tr("common.save"), type="submit", variant="outline", data_testid="newsletter-tick-save",
                          width="fit-content"),
                spacing="2", width="100%"),
            on_submit=T.save, key=T.form_key),
        width="100%", data_testid="newsletter-tick",
    )
