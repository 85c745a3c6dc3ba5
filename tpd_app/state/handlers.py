"""The handler kit every page state is built from, so that every handler has one shape:
actor (from the server session) → one transaction → one service call → assign vars; a domain error
becomes a message where the user looks (or a redirect to the login).

The page guard reads the function a page state declares (`FUNCTION`, see `AppState`), so the
function of a page is written once and a structure test can sweep every route against it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import reflex as rx

from tpd_app import routes
from tpd_app.domain.errors import DomainError, Forbidden, NotAuthenticated, PasswordChangeRequired, ValidationFailed
from tpd_app.domain.permissions import Function
from tpd_app.services.platform import uploads
from tpd_app.services.platform.db import reading, transaction
from tpd_app.services.platform.guard import require
from tpd_app.services.platform.ids import parse_id

#: How often a background job's progress reaches the page (seconds).
PROGRESS_SECONDS = 0.25
#: One row of a list as the page shows it (ids as strings).
Row = dict[str, str]
#: What an upload field accepts: the server checks the same limits again (`platform.uploads`).
MAX_UPLOAD_BYTES = uploads.MAX_BYTES
XLSX_MIME = uploads.XLSX_MIME

__all__ = ["MAX_UPLOAD_BYTES", "XLSX_MIME", "ActionMixin", "BackgroundWorkMixin", "FormStateMixin",
           "PagedListMixin", "ReasonDialogMixin", "Row", "form_strings", "parse_id", "uploaded_files"]


def uploaded_files(files: object) -> list[rx.UploadFile] | None:
    """The files of an upload event, or None: the same handler can be called over the websocket with any
    arguments, which are not files."""
    if not isinstance(files, list) or not all(isinstance(f, rx.UploadFile) for f in files):
        return None
    return files


def form_strings(form: object, keys: tuple[str, ...]) -> dict[str, str] | None:
    """The named string fields of a submitted form, or None when the payload is malformed."""
    if not isinstance(form, dict):
        return None
    values = {key: form.get(key, "") for key in keys}
    if not all(isinstance(v, str) for v in values.values()):
        return None
    return values


class FormStateMixin(rx.State, mixin=True):
    """Field errors, a status message (plain or with parameters) and a form key that remounts inputs."""

    values: dict[str, str] = {}
    field_errors: dict[str, str] = {}
    notice_key: str = ""
    notice_text: str = ""
    error_text: str = ""
    form_key: int = 0
    saving: bool = False

    def _reset_messages(self) -> None:
        self.field_errors = {}
        self.notice_key = ""
        self.notice_text = ""
        self.error_text = ""

    def _say(self, key: str, **params: object) -> None:
        """A notice with parameters (e.g. the waiting position)."""
        self.notice_key = ""
        self.notice_text = self._t(key, **params)  # type: ignore[attr-defined]

    def _fail(self, error: DomainError, into: str = "") -> rx.event.EventSpec | None:
        """Show a domain error where the user looks for it; a lost session goes to the login.

        With `into`, the whole message goes to that one var (a dialog's or a side form's message line);
        otherwise field errors go next to their fields and the error's own text to `error_text`.
        """
        if isinstance(error, NotAuthenticated):
            return self._login_redirect()  # type: ignore[attr-defined]
        if isinstance(error, PasswordChangeRequired):
            return rx.redirect(routes.FUNCTION_ROUTES[Function.PROFILE_PASSWORD])
        if into:
            key = next(iter(error.field_errors.values()), error.key) if isinstance(error, ValidationFailed) else ""
            setattr(self, into, self._t(key) if key else self._error_text(error))  # type: ignore[attr-defined]
            return None
        if isinstance(error, ValidationFailed):
            self.field_errors = dict(error.field_errors)
        self.error_text = self._error_text(error)  # type: ignore[attr-defined]
        return None

    def _load_values(self, loader: Callable[..., dict[str, str]]):
        """The usual on_load: guard the page (its declared function), then fill `values` from
        `loader(session, actor, ip=)`."""
        self._reset_messages()
        signed_in, event = self._enter_page()  # type: ignore[attr-defined]
        if signed_in is None:
            return event
        with transaction() as session:
            self.values = loader(session, signed_in.actor, ip=self._client_ip())  # type: ignore[attr-defined]
        self.form_key += 1
        return signed_in

    def _save_values(self, form_data: object, saver: Callable[..., dict[str, str]], notice_key: str):
        """The usual save: actor from the session, one transaction, messages for the outcome."""
        self._reset_messages()
        if not isinstance(form_data, dict):
            return None
        try:
            signed_in = self._actor_or_raise()  # type: ignore[attr-defined]
            with transaction() as session:
                saved = saver(session, signed_in.actor, form_data, ip=self._client_ip())  # type: ignore[attr-defined]
        except DomainError as error:
            return self._fail(error)
        self.values = {**self.values, **saved}
        self.notice_key = notice_key
        return None


class ActionMixin(FormStateMixin, mixin=True):
    """Runs a use case as the signed-in actor; shows a notice or the error. Also one-time secrets."""

    secret_text: str = ""
    secret_label: str = ""

    def _use(self, use_case: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """`use_case(session, actor, *args, ip=…)` in one transaction. Raises what the use case raises."""
        return self._as_actor(transaction, use_case, *args, **kwargs)

    def _view(self, use_case: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """`use_case(session, actor, *args, ip=…)` for a page that only reads: no transaction around it
        (`db.reading`: on PostgreSQL no BEGIN and ROLLBACK round trips; a statement that writes raises
        ReadOnlyViolation). Raises what the use case raises."""
        return self._as_actor(reading, use_case, *args, **kwargs)

    def _as_actor(self, opening: Callable[[], Any], use_case: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        signed_in = self._actor_or_raise()  # type: ignore[attr-defined]
        with opening() as session:
            return use_case(session, signed_in.actor, *args, ip=self._client_ip(), **kwargs)  # type: ignore[attr-defined]

    def _attempt(self, use_case: Callable[..., Any], *args: Any, notice: str = "", into: str = "",
                 **kwargs: Any) -> tuple[bool, Any]:
        """(True, result) or (False, an event to return: a redirect to the login, or None).

        `into` names the var that shows this action's error (see `_fail`)."""
        self._reset_messages()
        self.secret_text = self.secret_label = ""
        if into:
            setattr(self, into, "")
        try:
            result = self._use(use_case, *args, **kwargs)
        except DomainError as error:
            return False, self._fail(error, into)
        self.notice_key = notice
        return True, result

    async def _attempt_slow(self, use_case: Callable[..., Any], *args: Any, notice: str = "",
                            **kwargs: Any) -> tuple[bool, Any]:
        """Like `_attempt`, off the event loop: for use cases that hash passwords (argon2)."""
        self._reset_messages()
        self.secret_text = self.secret_label = ""
        try:
            signed_in = self._actor_or_raise()  # type: ignore[attr-defined]
            ip = self._client_ip()  # type: ignore[attr-defined]

            def work() -> Any:
                with transaction() as session:
                    return use_case(session, signed_in.actor, *args, ip=ip, **kwargs)

            result = await asyncio.to_thread(work)
        except DomainError as error:
            return False, self._fail(error)
        self.notice_key = notice
        return True, result

    def _download(self, function: Function, make: Callable[[], bytes], filename: str, mime_type: str) -> Any:
        """A file for the browser if the signed-in actor may use `function` (e.g. an import template)."""
        self._reset_messages()
        try:
            signed_in = self._actor_or_raise()  # type: ignore[attr-defined]
            require(signed_in.actor, function, ip=self._client_ip())  # type: ignore[attr-defined]
        except DomainError as error:
            return self._fail(error)
        return rx.download(data=make(), filename=filename, mime_type=mime_type)

    def _refresh(self) -> None:
        """Reload the page's rows (each page state overrides it). Raises DomainError."""

    def _after(self, ok: bool, event: Any) -> Any:
        """After an action: the action's error event, or reload the rows."""
        if not ok:
            return event
        try:
            self._refresh()
        except DomainError as error:
            return self._fail(error)
        return None

    def _load_page(self, function: Function | None = None) -> Any:
        """The page guard for the declared (or given) function, then the page's data (`_refresh`);
        a refusal from the service shows the forbidden panel."""
        self._reset_messages()
        self.secret_text = self.secret_label = ""
        signed_in, event = self._enter_page(function)  # type: ignore[attr-defined]
        if signed_in is None:
            return event
        try:
            self._refresh()
        except Forbidden as refusal:
            self.page_status = "forbidden"  # type: ignore[attr-defined]
            self.forbidden_key = refusal.key  # type: ignore[attr-defined]
        except DomainError as error:
            return self._fail(error)
        return None


class BackgroundWorkMixin(ActionMixin, mixin=True):
    """Long work (a list confirmation, a bulk approval, an import) as a background event: the tab's state
    is locked only to read the request, to show progress and to write the outcome, never while the work
    runs; the work runs in a thread in its own transaction, so other tabs and users go on, and a failure
    after the commit cannot lose the answer (with Redis, a lock held past its expiry did exactly that)."""

    working: bool = False
    work_done: int = 0
    work_total: int = 0
    #: An uploaded file kept privately (not in the pickled state) until its background job takes it.
    _upload_file: str = ""
    _upload_name: str = ""

    async def _keep_upload(self, files: object) -> bool:
        """In an upload handler: keep the one uploaded file for the job; False (with the message) if not one."""
        self._reset_messages()
        received = uploaded_files(files)
        if received is None or len(received) != 1:
            self.error_text = self._t("import.error.one_file")  # type: ignore[attr-defined]
            return False
        # One byte past the limit is enough for the use case to refuse an oversized file.
        data = await received[0].read(MAX_UPLOAD_BYTES + 1)
        if self._upload_file:
            uploads.discard(self._upload_file)
        self._upload_file, self._upload_name = uploads.keep(data), received[0].name or ""
        return True

    def _say_file_refusal(self) -> None:
        """An import refused as a whole: the reason given for its file becomes the page's message."""
        if key := self.field_errors.get("file"):
            self.error_text = self._t(key)  # type: ignore[attr-defined]

    async def _take_upload(self) -> tuple[str, bytes] | None:
        """In the background job: the kept file's name and bytes (once), or None."""
        async with self:
            kept, name = self._upload_file, self._upload_name
            self._upload_file = ""
        data = uploads.read(kept) if kept else None
        if kept:
            uploads.discard(kept)
        return None if data is None else (name, data)

    @rx.var
    def work_percent(self) -> int:
        return min(100, self.work_done * 100 // self.work_total) if self.work_total else 0

    async def _in_background(self, use_case: Callable[..., Any], *args: Any, notice: str = "", into: str = "",
                             **kwargs: Any) -> tuple[bool, Any]:
        """From a background event: `use_case(session, actor, *args, ip=…, progress=…)` in a thread.
        (True, result), or (False, an event to return) when refused, already running or failed."""
        async with self:
            if self.working:
                return False, None
            self._reset_messages()
            self.secret_text = self.secret_label = ""
            if into:
                setattr(self, into, "")
            try:
                signed_in = self._actor_or_raise()  # type: ignore[attr-defined]
            except DomainError as error:
                return False, self._fail(error, into)
            ip = self._client_ip()  # type: ignore[attr-defined]
            self.working, self.work_done, self.work_total = True, 0, 0
        counts = [0, 0]

        def progress(done: int, total: int) -> None:
            counts[:] = [done, total]

        def work() -> Any:
            with transaction() as session:
                return use_case(session, signed_in.actor, *args, ip=ip, progress=progress, **kwargs)

        task = asyncio.ensure_future(asyncio.to_thread(work))
        try:
            while not task.done():
                await asyncio.wait({task}, timeout=PROGRESS_SECONDS)
                if not task.done() and counts[1]:
                    async with self:
                        self.work_done, self.work_total = counts
            result = task.result()
        except DomainError as error:
            async with self:
                self.working = False
                return False, self._fail(error, into)
        except BaseException:
            async with self:
                self.working = False  # the buttons come back whatever happened
            raise
        async with self:
            self.working = False
            self.work_done = self.work_total = counts[1]
            self.notice_key = notice
        return True, result


class PagedListMixin(ActionMixin, mixin=True):
    """One page of rows from a service; `_refresh` fills `rows` and `total` for `page`."""

    rows: list[Row] = []
    total: int = 0
    page: int = 1

    @rx.event
    def go_page(self, delta: int):
        if not isinstance(delta, int) or isinstance(delta, bool) or delta not in (-1, 1):
            return None
        self.page = max(1, self.page + delta)
        return self._after(True, None)


class ReasonDialogMixin(ActionMixin, mixin=True):
    """Ask for a reason before acting on one course (cancel, revoke).

    Each state defines `_act() -> (use case, notice key)`: the use case is called as
    `(session, actor, course_id, reason, ip=)`.
    """

    dialog_id: str = ""
    dialog_title: str = ""
    dialog_error: str = ""

    @rx.event
    def ask_reason(self, course_id: str, title: str):
        if parse_id(course_id) is not None and isinstance(title, str):
            self.dialog_id, self.dialog_title, self.dialog_error = str(course_id), title[:200], ""

    @rx.event
    def close_reason(self):
        self.dialog_id = ""

    @rx.event
    def confirm_reason(self, form_data: dict):
        course_id = parse_id(self.dialog_id)
        if not isinstance(form_data, dict) or course_id is None:
            return None
        use_case, notice = self._act()  # type: ignore[attr-defined]
        ok, event = self._attempt(use_case, course_id, str(form_data.get("reason", "")), notice=notice,
                                  into="dialog_error")
        if ok:
            self.dialog_id = ""
        return self._after(ok, event)
