"""Public application forms: a business account (業務帳號申請) and a teacher account (教師帳號申請)."""

from __future__ import annotations

import reflex as rx

from tpd_app import routes
from tpd_app.components import tokens
from tpd_app.components.forms import field, field_error, notices
from tpd_app.components.i18n import tr
from tpd_app.components.shell import page_frame
from tpd_app.components.tables import select_field
from tpd_app.state.accounts import ApplyState, TeacherApplyState

CATEGORIES = (("chief", "category.chief"), ("contact", "category.contact"), ("operator", "category.operator"))


def _unit_picker(state: type[ApplyState] | type[TeacherApplyState], label_key: str, error_field: str) -> rx.Component:
    def result(row: rx.Var) -> rx.Component:
        return rx.button(row["code"], " ", row["name"], on_click=state.choose_unit(row["id"]), variant="soft",
                         size="1", type="button", data_testid="unit-result")

    return rx.vstack(
        rx.text(tr(label_key), " *", weight="medium", size="2"),
        rx.form(
            rx.hstack(
                rx.input(name="q", placeholder=tr("apply.unit_search_hint"), max_length=60, width="20rem",
                         id="unit-search", aria_label=tr("apply.unit_search_hint"),
                         aria_invalid=rx.cond(state.field_errors[error_field], "true", "false"),
                         aria_describedby="unit-search-error"),
                rx.button(tr("table.search"), type="submit", data_testid="unit-search"),
                spacing="2",
            ),
            on_submit=state.search_units,
        ),
        rx.cond(state.searched & (state.unit_results.length() == 0),
                rx.text(tr("apply.no_units"), size="2", color=tokens.MUTED)),
        rx.flex(rx.foreach(state.unit_results, result), wrap="wrap", gap="2"),
        rx.cond(state.chosen_unit_label,
                rx.text(tr("apply.chosen"), " ", rx.text.strong(state.chosen_unit_label), size="2",
                        data_testid="chosen-unit")),
        field_error(state.field_errors[error_field], label_key, "unit-search", error_field),
        spacing="2",
        width="100%",
    )


def _application_page(state: type[ApplyState] | type[TeacherApplyState], prefix: str, unit_label: str,
                      unit_field: str, *fields: rx.Component, footer: rx.Component | None = None) -> rx.Component:
    """Title and intro, the unit picker and the form; after submitting, the application number."""
    return page_frame(
        rx.vstack(
            rx.heading(tr(f"{prefix}.title"), size="6", as_="h1"),
            rx.text(tr(f"{prefix}.intro"), size="2"),
            rx.cond(
                state.submitted_id,
                rx.callout(rx.text(tr(f"{prefix}.submitted"), " (", tr("apply.number"), " ", state.submitted_id, ")"),
                           icon="circle-check", color_scheme=tokens.OK, role="status", data_testid="applied"),
                rx.vstack(
                    _unit_picker(state, unit_label, unit_field),
                    notices(state),
                    rx.form(
                        rx.vstack(
                            *fields,
                            rx.button(tr("apply.submit"), type="submit", loading=state.saving,
                                      data_testid="apply-submit"),
                            spacing="3", width="100%", max_width="32rem",
                        ),
                        on_submit=state.submit,
                        key=state.form_key,
                    ),
                    spacing="4", width="100%",
                ),
            ),
            footer or rx.fragment(),
            spacing="4", width="100%",
        )
    )


def _passwords(state: type[ApplyState] | type[TeacherApplyState]) -> list[rx.Component]:
    return [field(state, "password", "apply.password", type_="password", required=True,
                  autocomplete="new-password", max_length=128),
            field(state, "confirm", "apply.confirm", type_="password", required=True,
                  autocomplete="new-password", max_length=128)]


@rx.page(route=routes.APPLY, on_load=ApplyState.load, title="業務帳號申請 | 全國教師在職進修資訊網")
def apply_page() -> rx.Component:
    S = ApplyState
    return _application_page(
        S, "apply", "apply.unit", "unit_id",
        select_field("category", "apply.category", CATEGORIES, default="chief", required=True,
                     error=S.field_errors["category"]),
        rx.text(tr("apply.category_hint"), size="1", color=tokens.MUTED),
        field(S, "username", "apply.username", required=True, autocomplete="username", max_length=64),
        *_passwords(S),
        field(S, "name", "profile.name", required=True, autocomplete="name", max_length=100),
        field(S, "title", "profile.title_field", max_length=100),
        field(S, "email", "profile.email", type_="email", required=True, autocomplete="email"),
        field(S, "phone", "profile.phone", type_="tel", autocomplete="tel", max_length=40),
        footer=rx.link(tr("apply.teacher_link"), href=routes.TEACHER_APPLY, size="2"),
    )


@rx.page(route=routes.TEACHER_APPLY, on_load=TeacherApplyState.load, title="教師帳號申請 | 全國教師在職進修資訊網")
def teacher_apply_page() -> rx.Component:
    S = TeacherApplyState
    return _application_page(
        S, "teacher_apply", "teacher_apply.school", "school_id",
        field(S, "national_id", "teachers.national_id", required=True, max_length=10),
        field(S, "name", "teachers.name", required=True, autocomplete="name", max_length=100),
        field(S, "birth_date", "teachers.birth_date", type_="date"),
        field(S, "email", "profile.email", type_="email", required=True, autocomplete="email"),
        *_passwords(S),
        rx.text(tr("teacher_apply.note"), size="1", color=tokens.MUTED),
    )
