"""研習課程登錄 (new course) and editing an own course: one form, two routes."""

from __future__ import annotations

import reflex as rx
from reflex.vars.function import FunctionStringVar

from tpd_app import routes
from tpd_app.components import tokens
from tpd_app.components.badges import status_badge
from tpd_app.components.courses import checkbox, localized
from tpd_app.components.forms import date_input, field, field_error, named_upload
from tpd_app.components.i18n import date_label, tr
from tpd_app.components.shell import app_shell
from tpd_app.components.tables import data_table
from tpd_app.domain.courses import CourseStatus
from tpd_app.domain.permissions import Function
from tpd_app.state.courses import (
    ATTACHMENT_BYTES,
    ATTACHMENT_LIMIT,
    COUNTY_CODES,
    EDIT_ROUTE,
    KIND_OPTIONS,
    LEVEL_OPTIONS,
    CourseFormState,
)

S = CourseFormState


def _error(name: str, label_key: str) -> rx.Component:
    """The field's error, naming it ("研習性質：請選擇研習性質")."""
    return field_error(S.field_errors[name], label_key, f"field-{name}", name)


def _section(title_key: str, *children: rx.Component) -> rx.Component:
    return rx.card(
        rx.vstack(rx.heading(tr(title_key), size="4", as_="h2"), *children, spacing="3", width="100%"),
        width="100%",
    )


def _kind_select() -> rx.Component:
    return rx.vstack(
        rx.el.label(tr("course.field.kind"), " *", html_for="field-kind",
                    style={"font_weight": "500", "font_size": "0.9rem"}),
        rx.el.select(
            rx.el.option(tr("common.choose"), value=""),
            *[rx.el.option(tr(f"course.kind.{k}"), value=k) for k in KIND_OPTIONS],
            id="field-kind",
            name="kind",
            default_value=S.values["kind"].to(str),
            style={"padding": "0.4rem", "border": tokens.BORDER, "border_radius": tokens.RADIUS},
            aria_invalid=rx.cond(S.field_errors["kind"], "true", "false"), aria_describedby="field-kind-error",
        ),
        _error("kind", "course.field.kind"),
        spacing="1",
    )


def _textarea(name: str, label_key: str, rows: int = 5) -> rx.Component:
    return rx.vstack(
        rx.el.label(tr(label_key), html_for=f"field-{name}", style={"font_weight": "500", "font_size": "0.9rem"}),
        rx.text_area(id=f"field-{name}", name=name, default_value=S.values[name].to(str), rows=str(rows),
                     max_length=4000, width="100%", aria_invalid=rx.cond(S.field_errors[name], "true", "false"),
                     aria_describedby=f"field-{name}-error"),
        _error(name, label_key),
        spacing="1",
        width="100%",
    )


def _time_input(name: rx.Var | str, value: rx.Var, label_key: str, testid: rx.Var | str) -> rx.Component:
    """A time typed as 13:30 (24-hour, in both languages; 1330 is read too): Chromium's time field shows
    上午/下午 or AM/PM by the browser's locale, whatever the page's language."""
    return rx.input(name=name, default_value=value, aria_label=tr(label_key), placeholder="13:30", max_length=5,
                    auto_complete="off", width="5.5rem", data_testid=testid)


def _session_row(row: rx.Var) -> rx.Component:
    index = row["index"]
    return rx.vstack(
        rx.hstack(
            rx.text(tr("course.field.session"), " ", row["number"], weight="bold", size="2", min_width="4rem"),
            date_input(f"session_day_{index}", default=row["day"], aria_label=tr("course.session.day"),
                       data_testid=f"session-day-{index}"),
            _time_input(f"session_start_{index}", row["start"], "course.session.start", f"session-start-{index}"),
            rx.text("–"),
            _time_input(f"session_end_{index}", row["end"], "course.session.end", f"session-end-{index}"),
            rx.input(name=f"session_lecturer_{index}", default_value=row["lecturer"], max_length=100,
                     placeholder=tr("course.field.lecturer"), data_testid=f"session-lecturer-{index}"),
            align="center",
            wrap="wrap",
            spacing="2",
        ),
        rx.cond(S.field_errors[f"session_{index}"],
                rx.text(tr(S.field_errors[f"session_{index}"].to(str)), color=tokens.ERROR, size="1",
                        role="alert")),
        spacing="1",
    )


def _topic_box(topic: rx.Var) -> rx.Component:
    statutory = rx.cond(topic["statutory"], rx.text(tr("course.topic.statutory"), size="1", color=tokens.MUTED))
    return checkbox(f"topic__{topic['code']}", rx.fragment(localized(topic), statutory),
                    checked=S.values[f"topic__{topic['code']}"] == "on", testid=f"topic-{topic['code']}")


def _intent(value: str) -> FunctionStringVar:
    # Runs in the browser before the form's submit event reads its fields.
    return FunctionStringVar.create(f"(e) => {{ document.getElementById('course-intent').value = '{value}'; }}")


def course_form() -> rx.Component:
    return rx.form(
        rx.el.input(type="hidden", name="intent", id="course-intent", default_value="draft"),
        rx.vstack(
            _section(
                "course.section.basic",
                field(S, "title", "course.field.title", required=True, max_length=200),
                rx.hstack(_kind_select(),
                          field(S, "hours", "course.field.hours", required=True, max_length=6),
                          field(S, "credits", "course.field.credits", max_length=3),
                          field(S, "capacity", "course.field.capacity", required=True, max_length=5),
                          spacing="3", width="100%", align="start"),
                rx.text(tr("course.hint.hours"), size="1", color=tokens.MUTED),
                rx.el.fieldset(
                    rx.el.legend(tr("course.field.topics"), " *", style={"font_weight": "500"}),
                    rx.foreach(S.topics, _topic_box),
                    _error("topics", "course.field.topics"),
                    style={"border": "none", "padding": "0"},
                ),
                _textarea("description", "course.field.description"),
            ),
            _section(
                "course.section.audience",
                rx.el.fieldset(
                    rx.el.legend(tr("course.field.audience_levels"), " *", style={"font_weight": "500"}),
                    *[checkbox(f"level__{lv}", tr(f"course.level.{lv}"), checked=S.values[f"level__{lv}"] == "on",
                               testid=f"level-{lv}") for lv in LEVEL_OPTIONS],
                    _error("audience_levels", "course.field.audience_levels"),
                    style={"border": "none", "padding": "0"},
                ),
                rx.hstack(field(S, "audience_subjects", "course.field.audience_subjects"),
                          field(S, "audience_roles", "course.field.audience_roles"), spacing="3", width="100%"),
            ),
            _section(
                "course.section.schedule",
                rx.foreach(S.sessions, _session_row),
                _error("sessions", "course.section.schedule"),
                rx.hstack(
                    rx.button(rx.icon("plus", size=14), tr("course.action.add_session"), type="button",
                              variant="soft", size="1", on_click=S.add_session, data_testid="add-session"),
                    rx.button(tr("course.action.remove_session"), type="button", variant="soft", size="1",
                              color_scheme=tokens.NEUTRAL, on_click=S.remove_session),
                ),
                rx.text(tr("course.hint.lead_time"), size="1", color=tokens.MUTED),
                field(S, "venue", "course.field.venue", max_length=300),
                field(S, "online_url", "course.field.online_url", type_="url", max_length=300),
            ),
            _section(
                "course.section.registration",
                checkbox("online_registration", tr("course.field.online_registration"),
                         checked=S.values["online_registration"] == "on", testid="online-registration"),
                rx.hstack(field(S, "registration_opens", "course.field.registration_opens", type_="date"),
                          field(S, "registration_closes", "course.field.registration_closes", type_="date"),
                          spacing="3", width="100%"),
                rx.text(tr("course.field.eligible_counties"), weight="medium", size="2"),
                rx.box(*[checkbox(f"elig_county__{c}", tr(f"county.{c}"),
                                  checked=S.values[f"elig_county__{c}"] == "on") for c in COUNTY_CODES]),
                rx.text(tr("course.field.eligible_levels"), weight="medium", size="2"),
                rx.box(*[checkbox(f"elig_level__{lv}", tr(f"course.level.{lv}"),
                                  checked=S.values[f"elig_level__{lv}"] == "on") for lv in LEVEL_OPTIONS]),
                field(S, "eligible_school_codes", "course.field.eligible_school_codes", max_length=2000),
                rx.text(tr("course.hint.eligibility"), size="1", color=tokens.MUTED),
            ),
            _section(
                "course.section.contact",
                rx.hstack(field(S, "contact_name", "course.field.contact_name", required=True, max_length=100),
                          field(S, "contact_phone", "course.field.contact_phone", type_="tel", required=True,
                                max_length=40),
                          field(S, "contact_email", "course.field.contact_email", type_="email", required=True),
                          spacing="3", width="100%"),
            ),
            rx.cond(S.error_text, rx.callout(S.error_text, icon="triangle-alert", color_scheme=tokens.DANGER,
                                             role="alert", data_testid="form-error")),
            rx.hstack(
                rx.button(tr("course.action.save_draft"), type="submit", variant="soft", on_click=_intent("draft"),
                          data_testid="save-draft"),
                rx.button(tr("course.action.submit"), type="submit", on_click=_intent("submit"),
                          data_testid="submit-course"),
                spacing="3",
            ),
            rx.text(tr("common.required_hint"), size="1"),
            spacing="4",
            width="100%",
        ),
        on_submit=S.save,
        key=S.form_key,
        width="100%",
    )


@rx.page(route=routes.FUNCTION_ROUTES[Function.COURSE_REGISTER], on_load=S.load_new, title="研習課程登錄")
def course_register_page() -> rx.Component:
    return app_shell("func.course.register", course_form(),
                     rx.text(tr("attachment.after_save"), size="2", color=tokens.MUTED))


def _history_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(date_label(row["at"])),
        rx.table.cell(row["unit"]),
        rx.table.cell(tr(f"course.decision.{row['action']}")),
        rx.table.cell(row["reason"], data_testid="history-reason"),
    )


def _attachment_row(row: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.link(row["name"], href=row["href"], is_external=True, data_testid="attachment-link"),
        rx.text(row["kb"], " KB", size="1", color=tokens.MUTED),
        rx.button(tr("attachment.delete"), size="1", variant="ghost", color_scheme=tokens.DANGER,
                  on_click=S.delete_attachment(row["id"])),
        align="center",
        spacing="3",
    )


def attachments_panel() -> rx.Component:
    return _section(
        "attachment.title",
        rx.foreach(S.attachments, _attachment_row),
        named_upload(
            tr("attachment.drop"),
            rx.vstack(rx.icon("paperclip"), rx.text(tr("attachment.drop"), size="2"), align="center"),
            id="course-attachments",
            max_files=ATTACHMENT_LIMIT,
            max_size=ATTACHMENT_BYTES,
            border=tokens.BORDER,
            padding=tokens.SPACE_2,
            width="100%",
            data_testid="attachment-drop",
            styled=False,
        ),
        rx.hstack(rx.foreach(rx.selected_files("course-attachments"), lambda name: rx.badge(name))),
        rx.button(tr("attachment.upload"), type="button", variant="soft", data_testid="attachment-upload",
                  on_click=S.upload(rx.upload_files(upload_id="course-attachments"))),
        rx.text(tr("attachment.hint"), size="1", color=tokens.MUTED),
        rx.cond(S.attachment_error, rx.text(S.attachment_error, color=tokens.ERROR, size="2", role="alert",
                                            data_testid="attachment-error")),
    )


@rx.page(route=EDIT_ROUTE, on_load=S.load_edit, title="編輯研習課程")
def course_edit_page() -> rx.Component:
    return app_shell(
        "course.edit.title",
        rx.hstack(rx.text(tr("course.field.code"), ": ", rx.text.strong(S.course_code_text), size="3"),
                  status_badge(S.course_status, CourseStatus), spacing="3", align="center"),
        rx.cond(S.notice_key, rx.callout(tr(S.notice_key.to(str)), icon="circle-check", color_scheme=tokens.OK,
                                         role="status", data_testid="notice")),
        rx.cond(S.notice_text, rx.callout(S.notice_text, icon="circle-check", color_scheme=tokens.OK,
                                          role="status", data_testid="notice")),
        rx.cond(
            S.decision_reason,
            rx.callout(rx.text(rx.text.strong(tr("course.field.decision_reason")), " ", S.decision_reason),
                       icon="message-square-warning", color_scheme=tokens.CAUTION, data_testid="decision-reason"),
        ),
        rx.cond(
            (S.course_status == "approved") | (S.course_status == "auto_approved"),
            rx.callout(tr("course.hint.material_edit"), icon="info", color_scheme=tokens.INFO),
        ),
        rx.cond(
            (S.course_status == "submitted") | (S.course_status == "rejected") | (S.course_status == "cancelled"),
            rx.callout(tr("course.hint.not_editable"), icon="lock", color_scheme=tokens.NEUTRAL),
            rx.vstack(course_form(), attachments_panel(), spacing="4", width="100%"),
        ),
        rx.cond(
            S.history.length() > 0,
            rx.vstack(
                rx.heading(tr("course.section.history"), size="4", as_="h2"),
                data_table(("course.history.at", "course.history.unit", "course.history.action", "course.field.reason"),
                           S.history, _history_row, empty_key=None, variant="ghost", size="2"),
                width="100%",
            ),
        ),
        rx.link(tr("course.action.back_to_list"), href=routes.FUNCTION_ROUTES[Function.COURSE_MANAGE]),
    )
