"""自動審核功能設定 and 自動審核瀏覽 of a reviewing centre."""

from __future__ import annotations

import reflex as rx

from tpd_app import routes
from tpd_app.components import tokens
from tpd_app.components.courses import checkbox, kind_label, pager, reason_dialog
from tpd_app.components.i18n import county_label, date_label, tr
from tpd_app.components.shell import app_shell
from tpd_app.components.tables import data_table
from tpd_app.domain.permissions import Function
from tpd_app.state.courses import KIND_OPTIONS
from tpd_app.state.review import AutoReviewBrowseState, AutoReviewSettingsState

S = AutoReviewSettingsState
B = AutoReviewBrowseState


def _mode(value: str) -> rx.Component:
    return rx.el.label(
        rx.el.input(type="radio", name="mode", value=value, default_checked=S.mode == value,
                    data_testid=f"mode-{value}"),
        tr(f"autoreview.mode.{value}"),
        style={"display": "flex", "gap": "0.4rem", "align_items": "center"},
    )


@rx.page(route=routes.FUNCTION_ROUTES[Function.AUTOREVIEW_SETTINGS], on_load=S.load, title="自動審核功能設定")
def autoreview_settings_page() -> rx.Component:
    return app_shell(
        "func.autoreview.settings",
        rx.text(tr("autoreview.intro"), size="2"),
        rx.cond(S.notice_key, rx.callout(tr(S.notice_key), icon="circle-check", color_scheme=tokens.OK,
                                         data_testid="notice")),
        rx.cond(S.error_text, rx.callout(S.error_text, icon="triangle-alert", color_scheme=tokens.DANGER, role="alert",
                                         data_testid="form-error")),
        rx.form(
            rx.vstack(
                rx.el.fieldset(
                    rx.el.legend(tr("autoreview.field.mode"), style={"font_weight": "500"}),
                    _mode("off"), _mode("all"), _mode("selected"),
                    style={"border": "none", "padding": "0"},
                ),
                rx.text(tr("autoreview.field.kinds"), weight="medium", size="2"),
                rx.box(*[checkbox(f"kind__{k}", tr(f"course.kind.{k}"), checked=S.kinds.contains(k),
                                  testid=f"auto-kind-{k}") for k in KIND_OPTIONS]),
                rx.text(tr("autoreview.field.organizers"), weight="medium", size="2"),
                rx.box(
                    rx.foreach(S.organizers, lambda u: rx.box(checkbox(
                        f"org__{u['id']}", rx.text(u["name"], " (", county_label(u["county"]), ")", size="2"),
                        checked=S.organizer_ids.contains(u["id"]), testid=f"auto-org-{u['id']}"))),
                    max_height="20rem", overflow_y="auto", border=tokens.BORDER, padding=tokens.SPACE_1,
                    width="100%",
                ),
                rx.button(tr("common.save"), type="submit", data_testid="save"),
                spacing="3",
                width="100%",
            ),
            on_submit=S.save,
            key=S.form_key,
            width="100%",
        ),
    )


def _browse_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(row["code"], href=f"{routes.CATALOGUE}/{row['code']}")),
        rx.table.cell(row["organizer"]),
        rx.table.cell(row["title"]),
        rx.table.cell(kind_label(row["kind"])),
        rx.table.cell(date_label(row["first_date"])),
        rx.table.cell(rx.button(tr("autoreview.action.revoke"), size="1", color_scheme=tokens.DANGER, variant="soft",
                                on_click=B.ask_reason(row["id"], row["title"]), data_testid="revoke")),
        data_testid="auto-row",
    )


@rx.page(route=routes.FUNCTION_ROUTES[Function.AUTOREVIEW_BROWSE], on_load=B.load, title="自動審核瀏覽")
def autoreview_browse_page() -> rx.Component:
    return app_shell(
        "func.autoreview.browse",
        rx.cond(B.notice_key, rx.callout(tr(B.notice_key), icon="circle-check", color_scheme=tokens.OK,
                                         data_testid="notice")),
        rx.cond(B.error_text, rx.callout(B.error_text, icon="triangle-alert", color_scheme=tokens.DANGER,
                                         role="alert")),
        data_table(["course.field.code", "course.field.organizer", "course.field.title", "course.field.kind",
                    "course.field.first_date", ""], B.rows, _browse_row, empty_key=None, variant="ghost", size="2"),
        rx.cond(B.rows.length() == 0, rx.text(tr("common.no_results"), color=tokens.MUTED)),
        pager(B.page, B.total, B.go_page(-1), B.go_page(1)),
        reason_dialog(open_=B.dialog_id != "", title=B.dialog_title, heading_key="autoreview.revoke.title",
                      on_submit=B.confirm_reason, on_close=B.close_reason, error=B.dialog_error,
                      confirm_key="autoreview.action.revoke", testid="revoke"),
    )
