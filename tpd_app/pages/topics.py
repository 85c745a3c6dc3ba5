"""課程類別管理: the national reference list of course topics."""

from __future__ import annotations

import reflex as rx

from tpd_app import routes
from tpd_app.components import tokens
from tpd_app.components.forms import field, notices, save_button
from tpd_app.components.i18n import tr
from tpd_app.components.shell import app_shell
from tpd_app.components.tables import action_button, cell, data_table, form_card
from tpd_app.state.topics import TopicsState

S = TopicsState


def _row(t: rx.Var) -> rx.Component:
    active = t["active"] == "1"
    return rx.table.row(
        cell(rx.code(t["code"])),
        cell(t["name_zh"]),
        cell(t["name_en"]),
        cell(rx.cond(t["statutory"] == "1", rx.badge(tr("topics.statutory"), color_scheme=tokens.WARN), "")),
        cell(t["sort_order"]),
        cell(t["courses"]),
        cell(rx.cond(active, rx.badge(tr("topics.state.active"), color_scheme=tokens.OK),
                     rx.badge(tr("topics.state.retired"), color_scheme=tokens.NEUTRAL))),
        cell(rx.hstack(
            action_button("topics.edit", S.edit(t["code"]), testid="edit-" + t["code"]),
            rx.cond(active,
                    action_button("topics.retire", S.set_active(t["code"], False), colour=tokens.DANGER,
                                  testid="retire-" + t["code"]),
                    action_button("topics.restore", S.set_active(t["code"], True), colour=tokens.OK,
                                  testid="restore-" + t["code"])),
            spacing="1",
        )),
    )


@rx.page(route=routes.TOPICS, on_load=S.load, title="課程類別管理 | 全國教師在職進修資訊網")
def topics_page() -> rx.Component:
    return app_shell(
        "topics.title",
        rx.text(tr("topics.lead"), size="2", color=tokens.MUTED),
        notices(S),
        form_card(
            "topics.form.title", S.save,
            field(S, "code", "topics.code", required=True, max_length=32),
            field(S, "name_zh", "topics.name_zh", required=True, max_length=100),
            field(S, "name_en", "topics.name_en", required=True, max_length=100),
            field(S, "sort_order", "topics.sort_order", max_length=4),
            rx.el.label(
                rx.el.input(type="checkbox", name="statutory", value="1",
                            default_checked=S.values["statutory"] == "1", id="field-statutory"),
                " ", tr("topics.statutory"),
                style={"display": "flex", "gap": "0.4rem", "align_items": "center"},
            ),
            save_button(S),
            hint_key="topics.form.hint", key=S.form_key,
        ),
        data_table(("topics.code", "topics.name_zh", "topics.name_en", "topics.statutory", "topics.sort_order",
                    "topics.courses", "topics.active", "table.actions"), S.topics, _row, testid="topics"),
    )
