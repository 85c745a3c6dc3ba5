"""最新消息: the public list and one announcement (everyone; signed-in readers see their jurisdiction's too),
and the centres' page that keeps them."""

from __future__ import annotations

import reflex as rx

from tpd_app import routes
from tpd_app.components import tokens
from tpd_app.components.badges import status_badge
from tpd_app.components.forms import date_input, field, field_error, named_upload, notices, save_button
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
from tpd_app.domain.portal import (
    ANSWER_MAX,
    BODY_MAX,
    GUIDE_TRANSCRIPT_MAX,
    RULE_BODY_MAX,
    RULE_CHANGES_MAX,
    Category,
    FaqCategory,
    GuideAudience,
    Publication,
    RuleDocument,
    RuleStanding,
)
from tpd_app.state.portal import (
    FILE_BYTES,
    FILE_LIMIT,
    VIDEO_BYTES,
    AnnouncementsAdminState,
    FaqAdminState,
    FaqState,
    GuidesAdminState,
    GuidesState,
    NewsState,
    RulesAdminState,
    RulesState,
)

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
                    rx.cond(N.files.length() > 0, _public_files()),
                    spacing="3", width="100%")),
                rx.vstack(rx.heading(tr("portal.news.title"), size="7", as_="h1"),
                          rx.text(tr("portal.news.not_found"), data_testid="news-not-found")),
            ),
            spacing="4", width="100%", padding_y=tokens.SPACE_3,
        )
    )


def _public_files() -> rx.Component:
    """The announcement's files, each a download link with its size."""
    return rx.el.section(
        rx.heading(tr("portal.files.list"), size="4", as_="h2", id="news-files"),
        rx.el.ul(rx.foreach(N.files, lambda f: rx.el.li(rx.hstack(
            rx.icon("paperclip", size=14, aria_hidden="true"),
            rx.link(f["name"], href=f["href"], data_testid="news-file"),
            rx.text(f["kb"], " KB", as_="span", size="1", color=tokens.MUTED),
            align="center", spacing="2"))),
            style={"list_style": "none", "padding": "0", "margin": "0.5rem 0 0 0"}),
        aria_labelledby="news-files", style={"width": "100%"},
    )


def _file_row(row: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.link(row["name"], href=row["href"], is_external=True, data_testid="announcement-file"),
        rx.text(row["kb"], " KB", size="1", color=tokens.MUTED),
        confirmed_button("attachment.delete", A.delete_file(row["id"].to(str)), testid="delete-file",
                         name=row["name"], consequence_key="portal.files.delete_consequence", colour=tokens.DANGER),
        align="center", spacing="3", wrap="wrap",
    )


def _files_panel() -> rx.Component:
    """The files of the announcement being edited or just saved (uploads are checked by the server)."""
    return rx.card(rx.vstack(
        rx.heading(tr("portal.files.title"), size="4", as_="h2"),
        rx.cond(
            A.files_of != "",
            rx.vstack(
                rx.text(tr("portal.files.of"), rx.text.strong(A.files_title), size="2", data_testid="files-of"),
                rx.foreach(A.files, _file_row),
                named_upload(
                    tr("attachment.drop"),
                    rx.vstack(rx.icon("paperclip"), rx.text(tr("attachment.drop"), size="2"), align="center"),
                    id="announcement-files", max_files=FILE_LIMIT, max_size=FILE_BYTES,
                    border=tokens.BORDER, padding=tokens.SPACE_2, width="100%", data_testid="file-drop",
                    styled=False,
                ),
                rx.hstack(rx.foreach(rx.selected_files("announcement-files"), lambda name: rx.badge(name)),
                          wrap="wrap"),
                rx.button(tr("attachment.upload"), type="button", variant="soft", data_testid="file-upload",
                          on_click=A.upload(rx.upload_files(upload_id="announcement-files"))),
                rx.text(tr("portal.files.hint"), size="1", color=tokens.MUTED),
                rx.cond(A.file_error, rx.text(A.file_error, color=tokens.ERROR, size="2", role="alert",
                                              data_testid="file-error")),
                spacing="2", width="100%"),
            rx.text(tr("portal.files.none_yet"), size="2", color=tokens.MUTED),
        ),
        spacing="2", width="100%"), width="100%")


def _markdown_field(state: type[rx.State], name: str, label_key: str, max_length: int, rows: int, *,
                    required: bool = True) -> rx.Component:
    """A Markdown text area (required unless said) with the writing hint and its error line."""
    error, input_id = state.field_errors[name], f"field-{name}"
    return rx.vstack(
        rx.el.label(tr(label_key), " *" if required else "", html_for=input_id,
                    style={"font_weight": "500", "font_size": "0.9rem"}),
        rx.text(tr("portal.field.body_hint"), size="1", color=tokens.MUTED, id=f"{input_id}-hint"),
        rx.text_area(id=input_id, name=name, default_value=state.values[name].to(str), rows=str(rows),
                     max_length=max_length, width="100%", aria_invalid=rx.cond(error, "true", "false"),
                     aria_describedby=f"{input_id}-hint {input_id}-error"),
        field_error(error, label_key, input_id, name),
        spacing="1", width="100%",
    )


def _date_field(name: str, label_key: str, state: type[rx.State] = AnnouncementsAdminState, *,
                required: bool = False) -> rx.Component:
    error = state.field_errors[name]
    return rx.vstack(
        rx.el.label(tr(label_key), " *" if required else "", html_for=f"field-{name}",
                    style={"font_weight": "500", "font_size": "0.9rem"}),
        date_input(name, default=state.values[name], id=f"field-{name}",
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
        _files_panel(),
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


R = RulesState
RA = RulesAdminState
#: The documents by their short names, for the buttons and the select that must fit a phone.
DOCUMENT_OPTIONS = [(d.value, f"rules.document_short.{d.value}") for d in RuleDocument]


def version_line(item: rx.Var) -> rx.Component:
    """第 2 版 · 施行日 115/12/01 (Version 2 · in force from 2026-12-01)."""
    return rx.text(tr("rules.version_n").replace("{n}", item["version"].to(str)), " · ", tr("rules.effective_from"),
                   " ", date_label(item["effective_on"]), size="2", color=tokens.MUTED)


def _rule_card(item: rx.Var) -> rx.Component:
    return rx.el.article(
        rx.vstack(
            rx.link(rx.heading(item["title"], size="4", as_="h2"), href=routes.RULES + "/" + item["document"].to(str),
                    data_testid="rule-link"),
            version_line(item),
            rx.cond(item["upcoming_on"] != "",
                    rx.text(tr("rules.upcoming_notice"), " ", date_label(item["upcoming_on"]), size="2",
                            color=tokens.WARN_TEXT)),
            spacing="1", width="100%"),
        data_testid="rule-item", style={"border_bottom": tokens.BORDER, "padding_bottom": tokens.SPACE_2,
                                        "width": "100%"},
    )


@rx.page(route=routes.RULES, on_load=R.load, title="使用管理要點與政策 | 全國教師在職進修資訊網")
def rules_page() -> rx.Component:
    return page_frame(
        rx.vstack(
            rx.heading(tr("rules.title"), size="7", as_="h1"),
            rx.text(tr("rules.lead"), size="2", color=tokens.MUTED),
            rx.cond(R.documents.length() > 0,
                    rx.vstack(rx.foreach(R.documents, _rule_card), spacing="4", width="100%"),
                    rx.text(tr("rules.empty"))),
            spacing="4", width="100%", padding_y=tokens.SPACE_3,
        )
    )


def _rule_version_row(row: rx.Var) -> rx.Component:
    href = routes.RULES + "/" + R.document["document"].to(str) + "?version=" + row["version"].to(str)
    return rx.table.row(
        cell(rx.link(tr("rules.version_n").replace("{n}", row["version"].to(str)), href=href,
                     data_testid="rule-version-link")),
        cell(row["title"]),
        cell(date_label(row["effective_on"])),
        cell(status_badge(row["state"], RuleStanding, testid=None)),
        data_testid="rule-version",
    )


@rx.page(route=f"{routes.RULES}/[document]", on_load=R.load_document,
         title="使用管理要點與政策 | 全國教師在職進修資訊網")
def rule_document_page() -> rx.Component:
    doc = R.document
    return page_frame(
        rx.vstack(
            rx.link(rx.hstack(rx.icon("arrow-left", size=14), tr("rules.back"), align="center", spacing="1"),
                    href=routes.RULES),
            rx.cond(
                R.found,
                rx.el.article(rx.vstack(
                    rx.heading(doc["title"], size="7", as_="h1", data_testid="rule-title"),
                    rx.hstack(
                        version_line(doc),
                        status_badge(doc["state"], RuleStanding),
                        spacing="3", align="center", wrap="wrap"),
                    rx.cond(doc["state"] != "in_force",
                            rx.callout(rx.fragment(tr("rules.not_current"), " ",
                                                   rx.link(tr("rules.see_current"),
                                                           href=routes.RULES + "/" + doc["document"].to(str))),
                                       icon="info", color_scheme=tokens.WARN, data_testid="rule-not-current")),
                    rx.cond(doc["changes_html"] != "", rx.el.section(
                        rx.heading(tr("rules.changes"), size="4", as_="h2", id="rule-changes"),
                        rx.html(doc["changes_html"], class_name="tpd-rich-text", data_testid="rule-changes"),
                        aria_labelledby="rule-changes",
                        style={"background": tokens.SUBTLE_BG, "padding": tokens.SPACE_2, "width": "100%",
                               "border_radius": tokens.RADIUS})),
                    rx.html(doc["html"], class_name="tpd-rich-text", data_testid="rule-body"),
                    rx.heading(tr("rules.history"), size="4", as_="h2"),
                    stacked_table(("rules.field.version", "rules.field.title", "rules.field.effective_on",
                                   "portal.field.state"), R.history, _rule_version_row, testid="rule-history"),
                    spacing="3", width="100%")),
                rx.vstack(rx.heading(tr("rules.title"), size="7", as_="h1"),
                          rx.text(tr("rules.not_found"), data_testid="rule-not-found")),
            ),
            spacing="4", width="100%", padding_y=tokens.SPACE_3,
        )
    )


def _rules_admin_row(row: rx.Var) -> rx.Component:
    key = row["id"].to(str)
    return rx.table.row(
        cell(tr("rules.document." + row["document"].to(str))),
        cell(row["version"]),
        cell(rx.text(row["title"], weight="medium")),
        cell(date_label(row["effective_on"])),
        cell(status_badge(row["state"], RuleStanding)),
        cell(rx.cond(
            row["state"] == "draft",
            rx.hstack(
                action_button("portal.edit", RA.edit(key), testid="edit-rule-" + key),
                confirmed_button("rules.publish", RA.publish(key), testid="publish-rule-" + key, name=row["title"],
                                 consequence_key="rules.publish_consequence", colour=tokens.OK),
                spacing="1", wrap="wrap"),
            rx.link(tr("rules.view"), href=routes.RULES + "/" + row["document"].to(str) + "?version="
                    + row["version"].to(str)),
        )),
        data_testid="rule-row",
    )


@rx.page(route=routes.PORTAL_RULES, on_load=RA.load, title="規章管理 | 全國教師在職進修資訊網")
def rules_admin_page() -> rx.Component:
    return app_shell(
        "rules.admin.title",
        rx.text(tr("rules.admin.lead"), size="2", color=tokens.MUTED),
        notices(RA),
        rx.hstack(*[rx.button(rx.icon("plus", size=14), tr("rules.new"), tr("common.colon"), tr(label),
                              on_click=RA.new(value), variant="outline", size="2", data_testid=f"new-rule-{value}")
                    for value, label in DOCUMENT_OPTIONS], spacing="2", wrap="wrap"),
        form_card(
            "rules.form.title", RA.save,
            rx.el.input(type="hidden", name="id", value=RA.values["id"].to(str)),
            select_field("document", "rules.field.document", DOCUMENT_OPTIONS,
                         default=RA.values["document"].to(str), error=RA.field_errors["document"], required=True),
            field(RA, "title", "rules.field.title", required=True, max_length=200),
            _markdown_field(RA, "body", "rules.field.body", RULE_BODY_MAX, 14),
            _markdown_field(RA, "changes", "rules.field.changes", RULE_CHANGES_MAX, 5, required=False),
            _date_field("effective_on", "rules.field.effective_on", RA, required=True),
            save_button(RA),
            hint_key="rules.form.hint", key=RA.form_key,
        ),
        stacked_table(("rules.field.document", "rules.field.version", "rules.field.title",
                       "rules.field.effective_on", "portal.field.state", "table.actions"), RA.rows,
                      _rules_admin_row, testid="rule-rows", empty_key="rules.admin.empty"),
    )


G = GuidesState
GA = GuidesAdminState
AUDIENCE_OPTIONS = [(a.value, f"guides.audience.{a.value}") for a in GuideAudience]
#: The pages a guide can explain: every function's own page, and the public catalogue.
PAGE_OPTIONS = [("", "guides.page.none"), (routes.CATALOGUE, "catalogue.title"),
                *[(path, f"func.{function.value}") for function, path in routes.FUNCTION_ROUTES.items()]]


def _audience_link(value: str, label_key: str) -> rx.Component:
    href = f"{routes.GUIDES}?for={value}" if value else routes.GUIDES
    current = (G.audience == value) & (G.for_page == "")
    return rx.link(tr(label_key), href=href, weight=rx.cond(current, "bold", "regular"),
                   aria_current=rx.cond(current, "page", "false"), data_testid=f"guides-for-{value}")


def _player(guide: rx.Var) -> rx.Component:
    """The guide's own video with its captions, or a link to where it is published."""
    return rx.cond(
        guide["external"] == "1",
        rx.link(rx.hstack(rx.icon("external-link", size=14, aria_hidden="true"), tr("guides.watch_external"),
                          align="center", spacing="1"),
                href=guide["video_href"], is_external=True, rel="noopener noreferrer", data_testid="guide-link"),
        rx.el.video(
            rx.cond(guide["captions_href"] != "",
                    rx.el.track(kind="captions", src=guide["captions_href"], src_lang="zh-Hant",
                                label=tr("guides.captions_label"), default=True)),
            src=guide["video_href"], controls=True, preload="metadata", aria_label=guide["title"],
            data_testid="guide-video",
            style={"width": "100%", "max_width": "40rem", "aspect_ratio": "16 / 9", "background": "black",
                   "border_radius": tokens.RADIUS},
        ),
    )


def _guide(guide: rx.Var) -> rx.Component:
    return rx.el.article(
        rx.vstack(
            rx.heading(guide["title"], size="4", as_="h2"),
            rx.hstack(
                rx.badge(tr("guides.audience." + guide["audience"].to(str)), variant="soft",
                         color_scheme=tokens.NEUTRAL),
                rx.cond(guide["duration"] != "", rx.text(tr("guides.duration"), tr("common.colon"),
                                                         guide["duration"], size="2", color=tokens.MUTED)),
                spacing="3", align="center", wrap="wrap"),
            rx.cond(guide["description"] != "", rx.text(guide["description"], size="2")),
            _player(guide),
            rx.el.details(
                rx.el.summary(tr("guides.transcript"), style={"cursor": "pointer", "font_weight": "500"}),
                rx.html(guide["transcript_html"], class_name="tpd-rich-text", data_testid="guide-transcript"),
            ),
            spacing="2", width="100%"),
        data_testid="guide", style={"border_bottom": tokens.BORDER, "padding_bottom": tokens.SPACE_3,
                                    "width": "100%"},
    )


@rx.page(route=routes.GUIDES, on_load=G.load, title="影音說明 | 全國教師在職進修資訊網")
def guides_page() -> rx.Component:
    return page_frame(
        rx.vstack(
            rx.heading(tr("guides.title"), size="7", as_="h1"),
            rx.text(tr("guides.lead"), size="2", color=tokens.MUTED),
            rx.el.nav(rx.hstack(_audience_link("", "guides.audience.all"),
                                *[_audience_link(value, key) for value, key in AUDIENCE_OPTIONS
                                  if value != GuideAudience.EVERYONE.value],
                                spacing="4", wrap="wrap"), aria_label=tr("guides.audience.label")),
            rx.cond(G.for_page != "",
                    rx.hstack(rx.text(tr("guides.for_this_page"), size="2"),
                              rx.link(tr("guides.back_to_page"), href=G.for_page, size="2"),
                              spacing="3", wrap="wrap", data_testid="guides-for-page")),
            rx.cond(G.guides.length() > 0,
                    rx.vstack(rx.foreach(G.guides, _guide), spacing="5", width="100%"),
                    rx.text(tr("guides.empty"), data_testid="guides-empty")),
            spacing="4", width="100%", padding_y=tokens.SPACE_3,
        )
    )


def _guide_admin_row(row: rx.Var) -> rx.Component:
    key = row["id"].to(str)
    return rx.table.row(
        cell(rx.text(row["title"], weight="medium")),
        cell(tr("guides.audience." + row["audience"].to(str))),
        cell(row["page"]),
        cell(rx.cond(row["published"] == "1", rx.badge(tr("faq.state.published"), color_scheme=tokens.OK),
                     rx.badge(tr("faq.state.hidden"), color_scheme=tokens.NEUTRAL))),
        cell(rx.cond((row["has_file"] == "1") | (row["video_url"] != ""), tr("guides.has_video"),
                     tr("guides.no_video")),
             rx.cond(row["has_captions"] == "1", rx.text(tr("guides.has_captions"), size="1"))),
        cell(action_button("portal.edit", GA.edit(key), testid="edit-guide-" + key)),
        data_testid="guide-row",
    )


def _guide_files_panel() -> rx.Component:
    return rx.card(rx.vstack(
        rx.heading(tr("guides.files.title"), size="4", as_="h2"),
        rx.cond(
            GA.files_of != "",
            rx.vstack(
                rx.text(tr("portal.files.of"), rx.text.strong(GA.files_title), size="2", data_testid="guide-files-of"),
                rx.text(tr("guides.files.video"), tr("common.colon"),
                        rx.cond(GA.files_video == "1",
                                rx.link(tr("guides.files.preview"), href="/api/portal/guides/" + GA.files_of
                                        + "/video", is_external=True, data_testid="guide-preview"),
                                tr("guides.files.none")), size="2"),
                rx.text(tr("guides.files.captions"), tr("common.colon"),
                        rx.cond(GA.files_captions == "1", tr("guides.files.kept"), tr("guides.files.none")),
                        size="2", data_testid="guide-captions-state"),
                named_upload(
                    tr("guides.files.drop"),
                    rx.vstack(rx.icon("film"), rx.text(tr("guides.files.drop"), size="2"), align="center"),
                    id="guide-files", max_files=2, max_size=VIDEO_BYTES, border=tokens.BORDER,
                    padding=tokens.SPACE_2, width="100%", data_testid="guide-drop", styled=False,
                ),
                rx.hstack(rx.foreach(rx.selected_files("guide-files"), lambda name: rx.badge(name)), wrap="wrap"),
                rx.button(tr("attachment.upload"), type="button", variant="soft", data_testid="guide-upload",
                          on_click=GA.upload(rx.upload_files(upload_id="guide-files"))),
                rx.text(tr("guides.files.hint"), size="1", color=tokens.MUTED),
                rx.cond(GA.file_error, rx.text(GA.file_error, color=tokens.ERROR, size="2", role="alert",
                                               data_testid="guide-file-error")),
                spacing="2", width="100%"),
            rx.text(tr("guides.files.none_yet"), size="2", color=tokens.MUTED),
        ),
        spacing="2", width="100%"), width="100%")


@rx.page(route=routes.PORTAL_GUIDES, on_load=GA.load, title="影音說明管理 | 全國教師在職進修資訊網")
def guides_admin_page() -> rx.Component:
    return app_shell(
        "guides.admin.title",
        rx.text(tr("guides.admin.lead"), size="2", color=tokens.MUTED),
        notices(GA),
        rx.button(rx.icon("plus", size=14), tr("guides.new"), on_click=GA.new, variant="outline", size="2",
                  data_testid="new-guide", width="fit-content"),
        form_card(
            "guides.form.title", GA.save,
            rx.el.input(type="hidden", name="id", value=GA.values["id"].to(str)),
            field(GA, "title", "guides.field.title", required=True, max_length=200),
            field(GA, "description", "guides.field.description", max_length=1000),
            select_field("audience", "guides.field.audience", AUDIENCE_OPTIONS,
                         default=GA.values["audience"].to(str), error=GA.field_errors["audience"]),
            select_field("page", "guides.field.page", PAGE_OPTIONS, default=GA.values["page"].to(str),
                         error=GA.field_errors["page"]),
            field(GA, "duration", "guides.field.duration", max_length=6),
            field(GA, "video_url", "guides.field.video_url", type_="url", max_length=500),
            _markdown_field(GA, "transcript", "guides.field.transcript", GUIDE_TRANSCRIPT_MAX, 8),
            field(GA, "sort_order", "faq.field.sort_order", max_length=5),
            rx.el.label(
                rx.el.input(type="checkbox", name="published", value="1",
                            default_checked=GA.values["published"] == "1", id="field-published"),
                " ", tr("guides.field.published"),
                style={"display": "flex", "gap": "0.4rem", "align_items": "center"},
            ),
            save_button(GA),
            hint_key="guides.form.hint", key=GA.form_key,
        ),
        _guide_files_panel(),
        stacked_table(("guides.field.title", "guides.field.audience", "guides.field.page", "portal.field.state",
                       "guides.field.video", "table.actions"), GA.rows, _guide_admin_row, testid="guide-rows",
                      empty_key="guides.admin.empty"),
    )
