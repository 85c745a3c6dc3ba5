"""最新消息: the public list and one announcement (everyone; signed-in readers see their jurisdiction's too),
and the centres' page that keeps them."""

from __future__ import annotations

import reflex as rx

from tpd_app import routes
from tpd_app.components import tokens
from tpd_app.components.badges import status_badge
from tpd_app.components.forms import date_input, field, field_error, notices, save_button
from tpd_app.components.i18n import date_label, tr
from tpd_app.components.shell import app_shell, page_frame
from tpd_app.components.tables import (
    action_button,
    cell,
    confirmed_button,
    form_card,
    select_field,
    stacked_table,
)
from tpd_app.domain.portal import ANSWER_MAX, BODY_MAX, Category, FaqCategory, Publication
from tpd_app.state.portal import AnnouncementsAdminState, FaqAdminState, FaqState, NewsState

N = NewsState
A = AnnouncementsAdminState
CATEGORY_OPTIONS = [(c.value, f"portal.category.{c.value}") for c in Category]
F = FaqState
FA = FaqAdminState
FAQ_OPTIONS = [(c.value, f"faq.category.{c.value}") for c in FaqCategory]


def _meta(item: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.text(date_label(item["published"]), size="2", color=tokens.MUTED),
        rx.text(item["publisher"], size="2", color=tokens.MUTED),
        rx.badge(tr("portal.category." + item["category"].to(str)), variant="soft", color_scheme=tokens.NEUTRAL),
        rx.cond(item["pinned"] == "1", rx.badge(rx.icon("pin", size=12), tr("portal.pinned"), variant="outline",
                                                color_scheme=tokens.WARN)),
        spacing="3", align="center", wrap="wrap",
    )


def news_card(item: rx.Var, level: str = "h2") -> rx.Component:
    """One announcement in a list: its title (a link, a heading of `level`), date, publisher, category and
    summary."""
    return rx.el.article(
        rx.vstack(
            rx.link(rx.heading(item["title"], size="4", as_=level), href=routes.NEWS + "/" + item["id"].to(str),
                    data_testid="news-link"),
            _meta(item),
            rx.text(item["summary"], size="2"),
            spacing="1", width="100%",
        ),
        data_testid="news-item",
        style={"border_bottom": tokens.BORDER, "padding_bottom": tokens.SPACE_2, "width": "100%"},
    )


def _category_link(value: str, label_key: str) -> rx.Component:
    href = f"{routes.NEWS}?category={value}" if value else routes.NEWS
    return rx.link(tr(label_key), href=href, weight=rx.cond(N.category == value, "bold", "regular"),
                   aria_current=rx.cond(N.category == value, "page", "false"), data_testid=f"news-category-{value}")


@rx.page(route=routes.NEWS, on_load=N.load, title="最新消息 | 全國教師在職進修資訊網")
def news_page() -> rx.Component:
    return page_frame(
        rx.vstack(
            rx.heading(tr("portal.news.title"), size="7", as_="h1"),
            rx.el.nav(rx.hstack(_category_link("", "portal.category.all"),
                                *[_category_link(value, key) for value, key in CATEGORY_OPTIONS],
                                spacing="4", wrap="wrap"), aria_label=tr("portal.category.label")),
            rx.text(tr("portal.news.count"), tr("common.colon"), N.total_text, size="2", color=tokens.MUTED),
            rx.cond(N.items.length() > 0,
                    rx.vstack(rx.foreach(N.items, lambda item: news_card(item)), spacing="4", width="100%"),
                    rx.text(tr("portal.news.empty"), data_testid="news-empty")),
            rx.hstack(
                rx.cond(N.prev_href != "", rx.link(tr("common.prev"), href=N.prev_href)),
                rx.cond(N.next_href != "", rx.link(tr("common.next"), href=N.next_href)),
                spacing="4",
            ),
            spacing="4", width="100%", padding_y=tokens.SPACE_3,
        )
    )


@rx.page(route=f"{routes.NEWS}/[news_id]", on_load=N.load_item, title="最新消息 | 全國教師在職進修資訊網")
def news_item_page() -> rx.Component:
    item = N.item
    return page_frame(
        rx.vstack(
            rx.link(rx.hstack(rx.icon("arrow-left", size=14), tr("portal.news.back"), align="center", spacing="1"),
                    href=routes.NEWS),
            rx.cond(
                N.found,
                rx.el.article(rx.vstack(
                    rx.heading(item["title"], size="7", as_="h1", data_testid="news-title"),
                    _meta(item),
                    rx.html(item["html"], class_name="tpd-rich-text", data_testid="news-body"),
                    spacing="3", width="100%")),
                rx.vstack(rx.heading(tr("portal.news.title"), size="7", as_="h1"),
                          rx.text(tr("portal.news.not_found"), data_testid="news-not-found")),
            ),
            spacing="4", width="100%", padding_y=tokens.SPACE_3,
        )
    )


def _markdown_field(state: type[rx.State], name: str, label_key: str, max_length: int, rows: int) -> rx.Component:
    """A required Markdown text area with the writing hint and its error line."""
    error, input_id = state.field_errors[name], f"field-{name}"
    return rx.vstack(
        rx.el.label(tr(label_key), " *", html_for=input_id, style={"font_weight": "500", "font_size": "0.9rem"}),
        rx.text(tr("portal.field.body_hint"), size="1", color=tokens.MUTED, id=f"{input_id}-hint"),
        rx.text_area(id=input_id, name=name, default_value=state.values[name].to(str), rows=str(rows),
                     max_length=max_length, width="100%", aria_invalid=rx.cond(error, "true", "false"),
                     aria_describedby=f"{input_id}-hint {input_id}-error"),
        field_error(error, label_key, input_id, name),
        spacing="1", width="100%",
    )


def _date_field(name: str, label_key: str) -> rx.Component:
    error = A.field_errors[name]
    return rx.vstack(
        rx.el.label(tr(label_key), html_for=f"field-{name}", style={"font_weight": "500", "font_size": "0.9rem"}),
        date_input(name, default=A.values[name], id=f"field-{name}",
                   aria_invalid=rx.cond(error, "true", "false"), aria_describedby=f"field-{name}-error"),
        field_error(error, label_key, f"field-{name}", name),
        spacing="1",
    )


def _admin_row(row: rx.Var) -> rx.Component:
    key = row["id"].to(str)
    return rx.table.row(
        cell(rx.text(row["title"], weight="medium"),
             rx.cond(row["pinned"] == "1", rx.badge(tr("portal.pinned"), variant="outline", color_scheme=tokens.WARN))),
        cell(tr("portal.category." + row["category"].to(str))),
        cell(status_badge(row["state"], Publication)),
        cell(date_label(row["publish_from"]), rx.cond(row["publish_until"] != "",
                                                      rx.text("– ", date_label(row["publish_until"]), size="1"))),
        cell(row["revision"]),
        cell(rx.hstack(
            action_button("portal.edit", A.edit(key), testid="edit-" + key),
            action_button("portal.history", A.show_history(key), testid="history-" + key),
            rx.cond((row["state"] == "live") | (row["state"] == "scheduled"),
                    confirmed_button("portal.withdraw", A.withdraw(key), testid="withdraw-" + key, name=row["title"],
                                     consequence_key="portal.withdraw_consequence", colour=tokens.DANGER)),
            spacing="1", wrap="wrap")),
        data_testid="announcement-row",
    )


def _version_row(row: rx.Var) -> rx.Component:
    return rx.table.row(cell(row["revision"]), cell(status_badge(row["status"], Publication, testid=None)),
                        cell(row["title"]), cell(date_label(row["saved_at"])), data_testid="announcement-version")


@rx.page(route=routes.PORTAL_ANNOUNCEMENTS, on_load=A.load, title="最新消息管理 | 全國教師在職進修資訊網")
def announcements_admin_page() -> rx.Component:
    return app_shell(
        "portal.admin.title",
        rx.text(tr("portal.admin.lead"), size="2", color=tokens.MUTED),
        notices(A),
        rx.button(rx.icon("plus", size=14), tr("portal.new"), on_click=A.new, variant="outline", size="2",
                  data_testid="new-announcement", width="fit-content"),
        form_card(
            "portal.form.title", A.save,
            rx.el.input(type="hidden", name="id", value=A.values["id"].to(str)),
            field(A, "title", "portal.field.title", required=True, max_length=200),
            select_field("category", "portal.field.category", CATEGORY_OPTIONS,
                         default=A.values["category"].to(str), error=A.field_errors["category"]),
            _markdown_field(A, "body", "portal.field.body", BODY_MAX, 10),
            rx.hstack(_date_field("publish_from", "portal.field.publish_from"),
                      _date_field("publish_until", "portal.field.publish_until"), spacing="4", wrap="wrap"),
            rx.el.label(
                rx.el.input(type="checkbox", name="pinned", value="1", default_checked=A.values["pinned"] == "1",
                            id="field-pinned"),
                " ", tr("portal.field.pinned"),
                style={"display": "flex", "gap": "0.4rem", "align_items": "center"},
            ),
            select_field("intent", "portal.field.intent", [("draft", "portal.intent.draft"),
                                                          ("publish", "portal.intent.publish")],
                         default=A.values["intent"].to(str)),
            save_button(A),
            hint_key="portal.form.hint", key=A.form_key,
        ),
        rx.heading(tr("portal.admin.list"), size="4", as_="h2"),
        stacked_table(("portal.field.title", "portal.field.category", "portal.field.state", "portal.field.window",
                       "portal.field.revision", "table.actions"), A.rows, _admin_row, testid="announcements",
                      empty_key="portal.admin.empty"),
        rx.cond(A.versions_of != "", rx.vstack(
            rx.heading(tr("portal.history"), size="4", as_="h2"),
            stacked_table(("portal.field.revision", "portal.field.state", "portal.field.title",
                           "portal.field.saved_at"), A.versions, _version_row, testid="announcement-versions"),
            width="100%")),
    )


def _faq_entry(entry: rx.Var) -> rx.Component:
    """One question: a disclosure (the keyboard opens it too) with its answer and "was this helpful"."""
    key = entry["id"].to(str)
    return rx.el.details(
        rx.el.summary(rx.text(entry["question"], as_="span", weight="medium"), " ",
                      rx.badge(tr("faq.category." + entry["category"].to(str)), variant="soft",
                               color_scheme=tokens.NEUTRAL),
                      style={"cursor": "pointer", "padding": "0.5rem 0"}),
        rx.vstack(
            rx.html(entry["html"], class_name="tpd-rich-text"),
            rx.cond(F.voted.contains(key),
                    rx.text(tr("faq.thanks"), size="2", role="status", data_testid="faq-thanks"),
                    rx.hstack(rx.text(tr("faq.helpful"), size="2"),
                              rx.button(tr("faq.helpful.yes"), size="1", variant="soft", on_click=F.vote(key, True),
                                        data_testid="faq-yes-" + key),
                              rx.button(tr("faq.helpful.no"), size="1", variant="soft", color_scheme=tokens.NEUTRAL,
                                        on_click=F.vote(key, False), data_testid="faq-no-" + key),
                              spacing="2", align="center", wrap="wrap")),
            spacing="2", padding_bottom=tokens.SPACE_2,
        ),
        data_testid="faq-entry",
        style={"border_bottom": tokens.BORDER, "width": "100%"},
    )


@rx.page(route=routes.FAQ, on_load=F.load, title="問答集 | 全國教師在職進修資訊網")
def faq_page() -> rx.Component:
    return page_frame(
        rx.vstack(
            rx.heading(tr("faq.title"), size="7", as_="h1"),
            rx.text(tr("faq.lead"), size="2", color=tokens.MUTED),
            rx.form(
                rx.hstack(
                    rx.vstack(rx.el.label(tr("faq.search"), html_for="faq-q",
                                          style={"font_weight": "500", "font_size": "0.9rem"}),
                              rx.input(id="faq-q", name="q", default_value=F.keyword, max_length=100, width="16rem",
                                       type="search"), spacing="1"),
                    select_field("category", "faq.field.category", [("", "faq.category.all"), *FAQ_OPTIONS],
                                 default=F.category, input_id="faq-category"),
                    rx.button(rx.icon("search", size=14), tr("faq.search_button"), type="submit",
                              data_testid="faq-search"),
                    spacing="3", align="end", wrap="wrap"),
                on_submit=F.search, key=F.form_key, role="search"),
            rx.text(tr("faq.count"), tr("common.colon"), F.count_text, size="2", color=tokens.MUTED,
                    data_testid="faq-count"),
            rx.cond(F.entries.length() > 0,
                    rx.vstack(rx.foreach(F.entries, _faq_entry), spacing="0", width="100%"),
                    rx.text(tr("faq.empty"), data_testid="faq-empty")),
            rx.link(tr("helpdesk.faq_link"), href=routes.HELP, data_testid="faq-help-link"),
            spacing="4", width="100%", padding_y=tokens.SPACE_3,
        )
    )


def _faq_admin_row(row: rx.Var) -> rx.Component:
    key = row["id"].to(str)
    return rx.table.row(
        cell(rx.text(row["question"], weight="medium")),
        cell(tr("faq.category." + row["category"].to(str))),
        cell(rx.cond(row["published"] == "1", rx.badge(tr("faq.state.published"), color_scheme=tokens.OK),
                     rx.badge(tr("faq.state.hidden"), color_scheme=tokens.NEUTRAL))),
        cell(row["sort_order"]),
        cell(row["helpful_yes"], " / ", row["helpful_no"]),
        cell(action_button("portal.edit", FA.edit(key), testid="edit-faq-" + key)),
        data_testid="faq-row",
    )


@rx.page(route=routes.PORTAL_FAQ, on_load=FA.load, title="問答集管理 | 全國教師在職進修資訊網")
def faq_admin_page() -> rx.Component:
    return app_shell(
        "faq.admin.title",
        rx.text(tr("faq.admin.lead"), size="2", color=tokens.MUTED),
        notices(FA),
        rx.button(rx.icon("plus", size=14), tr("faq.new"), on_click=FA.new, variant="outline", size="2",
                  data_testid="new-faq", width="fit-content"),
        form_card(
            "faq.form.title", FA.save,
            rx.el.input(type="hidden", name="id", value=FA.values["id"].to(str)),
            field(FA, "question", "faq.field.question", required=True, max_length=300),
            select_field("category", "faq.field.category", FAQ_OPTIONS, default=FA.values["category"].to(str),
                         error=FA.field_errors["category"], required=True),
            _markdown_field(FA, "answer", "faq.field.answer", ANSWER_MAX, 8),
            field(FA, "sort_order", "faq.field.sort_order", max_length=5),
            rx.el.label(
                rx.el.input(type="checkbox", name="published", value="1",
                            default_checked=FA.values["published"] == "1", id="field-published"),
                " ", tr("faq.field.published"),
                style={"display": "flex", "gap": "0.4rem", "align_items": "center"},
            ),
            save_button(FA),
            hint_key="common.required_hint", key=FA.form_key,
        ),
        stacked_table(("faq.field.question", "faq.field.category", "portal.field.state", "faq.field.sort_order",
                       "faq.field.helpful", "table.actions"), FA.rows, _faq_admin_row, testid="faq-rows",
                      empty_key="faq.admin.empty"),
    )
