"""States of the organizer's course pages: register/edit form, own-unit list (browse and manage).

Thin adapters: the actor comes from the server session, arguments are type-checked here,
the rules live in `services.courses`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar

import reflex as rx

from tpd_app import routes
from tpd_app.domain.courses import PUBLISHED, AudienceLevel, CourseKind, CourseStatus
from tpd_app.domain.errors import DomainError
from tpd_app.domain.permissions import Function
from tpd_app.domain.timeutil import parse_day
from tpd_app.domain.units import COUNTIES
from tpd_app.services.courses import attachments, lifecycle
from tpd_app.services.courses.topics import topic_options
from tpd_app.state.base import AppState
from tpd_app.state.handlers import ActionMixin, PagedListMixin, ReasonDialogMixin, parse_id, uploaded_files


def outcome_notice(outcome: dict[str, str], *, back_to_review: bool = False) -> tuple[str, dict[str, str]]:
    """The notice after a save, saying where the course went: (message key, its parameters)."""
    params = {"code": outcome["code"], "reviewer": outcome["reviewer"]}
    status = outcome["status"]
    if status == CourseStatus.SUBMITTED.value:
        return ("course.outcome.back_to_review" if back_to_review else "course.outcome.submitted"), params
    if status in {s.value for s in PUBLISHED}:
        return "course.outcome.published", params
    if status == CourseStatus.DRAFT.value:
        return "course.outcome.draft", params
    return "course.notice.saved", params

MAX_FORM_SESSIONS = 30
TEXT_FIELDS = ("title", "kind", "description", "venue", "online_url", "hours", "credits", "capacity",
               "audience_subjects", "audience_roles", "registration_opens", "registration_closes",
               "eligible_school_codes", "contact_name", "contact_phone", "contact_email")
EDIT_ROUTE = routes.COURSE_EDIT

KIND_OPTIONS: list[str] = [k.value for k in CourseKind]
LEVEL_OPTIONS: list[str] = [level.value for level in AudienceLevel]
#: The 22 counties in the official order; pages name them with `tr(f"county.{code}")`.
COUNTY_CODES: list[str] = list(COUNTIES)
STATUS_OPTIONS: list[str] = [s.value for s in CourseStatus]
ATTACHMENT_LIMIT = attachments.MAX_PER_COURSE
ATTACHMENT_BYTES = attachments.MAX_BYTES


def _ticked(form: dict[str, Any], prefix: str) -> list[str]:
    return [name.removeprefix(prefix) for name, value in form.items()
            if isinstance(name, str) and name.startswith(prefix) and value not in ("", None, False)]


def course_input(form: dict[str, Any], session_rows: int) -> dict[str, Any]:
    """Reshape the flat browser form into the service's input (no rules here)."""
    data: dict[str, Any] = {name: form.get(name, "") for name in TEXT_FIELDS}
    data["online_registration"] = form.get("online_registration") in ("on", "1", True)
    data["topics"] = _ticked(form, "topic__")
    data["audience_levels"] = _ticked(form, "level__")
    data["eligible_counties"] = _ticked(form, "elig_county__")
    data["eligible_levels"] = _ticked(form, "elig_level__")
    data["sessions"] = [
        {key: form.get(f"session_{key}_{i}", "") for key in ("day", "start", "end", "lecturer")}
        for i in range(min(session_rows, MAX_FORM_SESSIONS))
    ]
    return data


def form_values(data: dict[str, Any]) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The service's course values as the form's flat strings and session rows."""
    values = {name: str(data.get(name) or "") for name in TEXT_FIELDS}
    values["online_registration"] = "on" if data.get("online_registration") else ""
    if isinstance(data.get("eligible_school_codes"), list):
        values["eligible_school_codes"] = ", ".join(data["eligible_school_codes"])
    for prefix, key in (("topic__", "topics"), ("level__", "audience_levels"),
                        ("elig_county__", "eligible_counties"), ("elig_level__", "eligible_levels")):
        for item in data.get(key) or []:
            values[prefix + str(item)] = "on"
    sessions = [{"index": str(i), "number": str(i + 1),
                 **{k: str(s.get(k, "")) for k in ("day", "start", "end", "lecturer")}}
                for i, s in enumerate(data.get("sessions") or [])]
    return values, sessions or [_blank_session(0)]


def _blank_session(index: int) -> dict[str, str]:
    return {"index": str(index), "number": str(index + 1), "day": "", "start": "", "end": "", "lecturer": ""}


class CourseFormState(ActionMixin, AppState):
    """研習課程登錄 and editing an own course (draft, returned, or published)."""

    FUNCTION: ClassVar = (Function.COURSE_MANAGE, Function.COURSE_REGISTER)

    sessions: list[dict[str, str]] = [_blank_session(0)]
    topics: list[dict[str, str]] = []
    editing_id: int = 0
    course_code_text: str = ""
    course_status: str = ""
    decision_reason: str = ""
    history: list[dict[str, str]] = []
    saved_code: str = ""
    attachments: list[dict[str, str]] = []
    attachment_error: str = ""

    def _load_topics(self) -> None:
        self.topics = self._read(topic_options)

    @rx.event
    def load_new(self):
        self._reset_messages()
        signed_in, event = self._enter_page(Function.COURSE_REGISTER)
        if signed_in is None:
            return event
        self._load_topics()
        self.values, self.sessions = {"online_registration": ""}, [_blank_session(0)]
        self.editing_id, self.course_code_text, self.course_status = 0, "", ""
        self.decision_reason, self.history, self.saved_code = "", [], ""
        self.attachments, self.attachment_error = [], ""
        self.form_key += 1
        return None

    @rx.event
    def load_edit(self):
        self._reset_messages()
        signed_in, event = self._enter_page(Function.COURSE_MANAGE)
        if signed_in is None:
            return event
        course_id = parse_id(self.router.url.query_parameters.get("id", "")) or 0
        self._load_topics()
        try:
            data = self._use(lifecycle.course_for_edit, course_id)
        except DomainError as error:
            self.page_status = "forbidden"
            self.forbidden_key = error.key
            return None
        self.values, self.sessions = form_values(data)
        self.editing_id = course_id
        self.course_code_text, self.course_status = data["code"], data["status"]
        self.decision_reason, self.history = data["decision_reason"], data["history"]
        self.attachments, self.attachment_error = data["attachments"], ""
        self.saved_code = ""
        self.form_key += 1
        return None

    @rx.event
    def add_session(self):
        if len(self.sessions) < MAX_FORM_SESSIONS:
            self.sessions = [*self.sessions, _blank_session(len(self.sessions))]

    @rx.event
    def remove_session(self):
        if len(self.sessions) > 1:
            self.sessions = self.sessions[:-1]

    @rx.event
    def save(self, form_data: dict):
        """Save a draft or submit, as the pressed button said (hidden `intent` field)."""
        self._reset_messages()
        if not isinstance(form_data, dict):
            return None
        submit = form_data.get("intent") == "submit"
        data = course_input(form_data, len(self.sessions))
        # Keep what was typed, whatever happens next.
        self.values, self.sessions = form_values(data)
        if self.editing_id:
            ok, status = self._attempt(lifecycle.update_course, self.editing_id, data, submit=submit)
            code = self.course_code_text
        else:
            ok, code = self._attempt(lifecycle.register_course, data, submit=submit)
            status = CourseStatus.SUBMITTED.value if submit else CourseStatus.DRAFT.value
        if not ok:
            return status if self.editing_id else code
        self.saved_code = code
        if not self.editing_id:
            return rx.redirect(f"{routes.FUNCTION_ROUTES[Function.COURSE_MANAGE]}?saved={code}")
        # A material edit of a published course sends it back to review (the catalogue keeps the approved version).
        back_to_review = (self.course_status in {s.value for s in PUBLISHED}
                          and status == CourseStatus.SUBMITTED.value)
        self.course_status = status
        try:
            # A resubmitted course no longer shows the return reason as current; its history says so.
            fresh = self._use(lifecycle.course_for_edit, self.editing_id)
            self.decision_reason, self.history = fresh["decision_reason"], fresh["history"]
            key, params = outcome_notice(self._use(lifecycle.where_it_went, code), back_to_review=back_to_review)
        except DomainError:
            key, params = ("course.notice.saved_for_review" if back_to_review else "course.notice.saved"), {}
        self._say(key, **params)
        return None

    @rx.event
    async def upload(self, files: list[rx.UploadFile]):
        """Attach files to the course being edited; every check happens in the service."""
        self.attachment_error = ""
        files = uploaded_files(files)
        if not self.editing_id or files is None:
            return None
        for upload in files[: attachments.MAX_PER_COURSE]:
            # Read one byte past the limit: enough to refuse, never the whole of a huge body.
            data = await upload.read(attachments.MAX_BYTES + 1)
            ok, event = self._attempt(attachments.add_attachment, self.editing_id,
                                      upload.name or upload.filename or "", data, into="attachment_error")
            if not ok:
                if event is not None:
                    return event
                break
        self._reload_attachments()
        return None

    @rx.event
    def delete_attachment(self, attachment_id: str):
        if (key := parse_id(attachment_id)) is None:
            return None
        _, event = self._attempt(attachments.delete_attachment, key, into="attachment_error")
        if event is not None:
            return event
        self._reload_attachments()
        return None

    def _reload_attachments(self) -> None:
        try:
            self.attachments = self._use(lifecycle.course_for_edit, self.editing_id)["attachments"]
        except DomainError:
            self.attachments = []


class OwnCoursesState(PagedListMixin, ReasonDialogMixin, AppState):
    """本單位研習課程瀏覽 and 研習資料管理上傳: the own unit's courses with filters and paging."""

    FUNCTION: ClassVar = (Function.COURSE_BROWSE_OWN, Function.COURSE_MANAGE)

    counts: dict[str, int] = {}
    filters: dict[str, str] = {}
    manage: bool = False
    saved_code: str = ""

    def _refresh(self) -> None:
        def day(name: str) -> date | None:
            return parse_day(self.filters.get(name, ""))

        self.rows, self.total, self.counts = self._view(
            lifecycle.list_own_courses, status=self.filters.get("status", ""),
            keyword=self.filters.get("keyword", ""), kind=self.filters.get("kind", ""),
            date_from=day("from"), date_to=day("to"), page=self.page)

    def _act(self) -> tuple[Callable[..., Any], str]:
        return lifecycle.cancel_course, "course.notice.cancelled"

    def _open(self, function: Function):
        self.dialog_id = ""
        self.manage = function is Function.COURSE_MANAGE
        saved = self.router.url.query_parameters.get("saved", "")
        self.saved_code = saved if isinstance(saved, str) and saved.isdigit() else ""
        wanted = self.router.url.query_parameters.get("status", "")  # e.g. from the home page's queue
        self.filters = {"status": wanted} if wanted in {s.value for s in CourseStatus} else {}
        self.page = 1
        event = self._load_page(function)
        if event is None and self.saved_code and self.page_status == "ok":
            try:  # the course just registered: say where it went, not a bare "saved"
                key, params = outcome_notice(self._use(lifecycle.where_it_went, self.saved_code))
                self._say(key, **params)
            except DomainError:
                self.notice_text = ""
        return event

    @rx.event
    def load_browse(self):
        return self._open(Function.COURSE_BROWSE_OWN)

    @rx.event
    def load_manage(self):
        return self._open(Function.COURSE_MANAGE)

    @rx.event
    def apply_filters(self, form_data: dict):
        if not isinstance(form_data, dict):
            return None
        self.filters = {k: str(form_data.get(k, ""))[:100] for k in ("status", "keyword", "kind", "from", "to")}
        self.page = 1
        return self._after(True, None)
