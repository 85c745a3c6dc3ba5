"""稽核紀錄: the audit log of a centre's jurisdiction, filtered, personal data masked."""

from __future__ import annotations

import reflex as rx

from tpd_app import routes
from tpd_app.components import tokens
from tpd_app.components.badges import status_badge
from tpd_app.components.forms import date_input, notices
from tpd_app.components.i18n import date_label, tr
from tpd_app.components.shell import app_shell
from tpd_app.components.tables import (
    cell,
    data_table,
    search_bar,
)
from tpd_app.domain.accounts import AuditOutcome
from tpd_app.state.audit import AuditState


def _audit_row(e: rx.Var) -> rx.Component:
    small = {"size": "1", "style": {"word_break": "break-all"}}
    return rx.table.row(
        cell(date_label(e["at"])), cell(e["who"]), cell(e["unit"]), cell(rx.code(e["action"])),
        cell(status_badge(e["outcome"], AuditOutcome, testid=None)), cell(e["target"]),
        cell(rx.text(e["before"], **small)), cell(rx.text(e["after"], **small)),
    )


@rx.page(route=routes.AUDIT, on_load=AuditState.load, title="稽核紀錄 | 全國教師在職進修資訊網")
def audit_page() -> rx.Component:
    S = AuditState

    def box(name: str, label: str, type_: str = "text") -> rx.Component:
        return rx.vstack(rx.el.label(tr(label), html_for=f"audit-{name}", style={"font_size": "0.9rem"}),
                         date_input(name, id=f"audit-{name}") if type_ == "date"
                         else rx.input(id=f"audit-{name}", name=name, type=type_, max_length=64), spacing="1")

    return app_shell(
        "audit.title",
        rx.text(tr("audit.intro"), size="2", color=tokens.MUTED),
        notices(S),
        search_bar(S.apply_filters, box("who", "audit.who"), box("unit_code", "audit.unit"),
                   box("action", "audit.action"), box("date_from", "audit.from", "date"),
                   box("date_to", "audit.to", "date")),
        data_table(("audit.at", "audit.who", "audit.unit", "audit.action", "audit.outcome", "audit.target",
                    "audit.before", "audit.after"), S.entries, _audit_row, testid="audit"),
    )
