"""The signed-in home page (工作區): who you are and what waits for you, each count opening the page that
handles it (the menu beside it lists what you may use)."""

from __future__ import annotations

import reflex as rx

from tpd_app import routes
from tpd_app.components import tokens
from tpd_app.components.i18n import COLON, COMMA, tr
from tpd_app.components.shell import app_shell
from tpd_app.pages.portal import version_line
from tpd_app.state.base import AppState
from tpd_app.state.home import HomeState


def _queue_card(row: rx.Var) -> rx.Component:
    """One queue: its count (or the hours still missing), its label, its urgent part; a link to its page."""
    key = row["key"].to(str)
    urgent = row["state"] == "urgent"
    colour = rx.match(row["state"], ("urgent", tokens.ERROR), ("waiting", f"var(--{tokens.ACCENT}-11)"), tokens.MUTED)
    figure = rx.cond(
        key == "hours_missing",
        rx.cond(row["count"] == "0", tr("queue.hours_missing.met"),
                tr("queue.hours_missing.figure").replace("{n}", row["figure"].to(str))),
        "",
    )
    return rx.link(
        rx.card(
            rx.hstack(
                rx.cond(key != "hours_missing",
                        rx.text(row["count"], size="7", weight="bold", color=colour,
                                data_testid="queue-count"),
                        rx.icon(rx.cond(row["count"] == "0", "circle-check", "clock"), size=28,
                                color=colour, aria_hidden="true")),
                rx.vstack(
                    rx.text(tr("queue." + key), weight="medium"),
                    rx.cond(figure != "", rx.text(figure, size="2", data_testid="queue-figure")),
                    rx.cond(urgent & (row["urgent"] != ""),
                            rx.text(tr("queue." + key + ".urgent").replace("{n}", row["urgent"].to(str)),
                                    size="2", color=tokens.ERROR, data_testid="queue-urgent")),
                    spacing="1",
                ),
                spacing="3", align="center",
            ),
            width="100%",
            variant=rx.cond(row["state"] == "done", "surface", "classic"),
        ),
        href=row["href"],
        underline="none",
        width=["100%", "100%", "19rem"],
        data_testid="queue-" + key,
        data_state=row["state"],
    )


def _work_queue() -> rx.Component:
    S = HomeState
    return rx.vstack(
        rx.heading(tr("queue.title"), size="4", as_="h2"),
        rx.cond(
            S.queue.length() > 0,
            rx.fragment(
                rx.cond(S.queue[0]["state"] == "done",
                        rx.text(tr("queue.all_clear"), color=tokens.MUTED, data_testid="queue-all-clear")),
                rx.flex(rx.foreach(S.queue, _queue_card), gap=tokens.SPACE_2, wrap="wrap", width="100%"),
            ),
        ),
        spacing="3", width="100%", data_testid="work-queue",
    )


def _rule_notice(notice: rx.Var) -> rx.Component:
    """A rule document changed since she last looked: what changed, the whole text, and "I have read it"."""
    document = notice["document"].to(str)
    return rx.el.section(
        rx.vstack(
            rx.heading(notice["title"], " ", tr("rules.notice.revised"), size="4", as_="h2",
                       id="rule-notice-" + document),
            version_line(notice),
            rx.text(tr("rules.changes"), weight="medium", size="2"),
            rx.html(notice["changes_html"], class_name="tpd-rich-text"),
            rx.hstack(
                rx.link(tr("rules.notice.read_all"), href=routes.RULES + "/" + document),
                rx.button(tr("rules.notice.ok"), size="2", on_click=HomeState.acknowledge_rule(document),
                          data_testid="rule-notice-ok-" + document),
                spacing="4", align="center", wrap="wrap"),
            spacing="2", width="100%"),
        aria_labelledby="rule-notice-" + document, data_testid="rule-notice",
        style={"border": tokens.BORDER, "border_left": f"4px solid var(--{tokens.WARN}-9)",
               "border_radius": tokens.RADIUS, "padding": tokens.SPACE_2, "width": "100%"},
    )


@rx.page(route=routes.DASHBOARD, on_load=HomeState.load, title="工作區 | 全國教師在職進修資訊網")
def dashboard() -> rx.Component:
    return app_shell(
        "dashboard.title",
        rx.card(
            rx.vstack(
                rx.text(tr("dashboard.welcome"), COMMA, AppState.user_name, size="5", weight="bold"),
                rx.text(AppState.unit_name, " · ", tr(AppState.unit_type_key), color=tokens.MUTED),
                rx.text(tr("header.signed_in_as"), COLON, AppState.login_label, " · ", tr(AppState.role_key),
                        size="2", color=tokens.MUTED, data_testid="dashboard-role"),
                spacing="1",
            ),
            width="100%",
        ),
        rx.foreach(HomeState.rule_notices, _rule_notice),
        _work_queue(),
    )
