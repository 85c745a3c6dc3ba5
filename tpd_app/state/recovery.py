"""忘記密碼 and 重設密碼 (public pages): ask for a reset link, then set a new password through it."""

from __future__ import annotations

import asyncio

import reflex as rx

from tpd_app.domain.errors import DomainError
from tpd_app.i18n import valid_lang
from tpd_app.services.accounts import recovery
from tpd_app.state.base import AppState
from tpd_app.state.handlers import FormStateMixin, form_strings


class ForgotState(FormStateMixin, AppState):
    """/forgot: the login (username, or a teacher's national ID) the link is for. The answer is the same
    whether or not such an account exists."""

    teacher_mode: bool = False
    sent: bool = False

    @rx.event
    def load(self):
        self._reset_messages()
        self._identity()
        self.page_status = "ok"
        self.sent = False
        self.teacher_mode = self.router.url.query_parameters.get("teacher", "") == "1"
        self.form_key += 1

    @rx.event
    def show_teacher(self):
        self.teacher_mode, self.sent = True, False
        self._reset_messages()

    @rx.event
    def show_business(self):
        self.teacher_mode, self.sent = False, False
        self._reset_messages()

    @rx.event
    async def submit(self, form: dict):
        self._reset_messages()
        values = form_strings(form, ("login",))
        if values is None or self.saving:
            return
        login = values["login"].strip()
        if not login:
            self.field_errors = {"login": "reset.error.login_required"}
            return
        self.saving = True
        yield
        await asyncio.to_thread(recovery.request_reset, login, teacher=self.teacher_mode,
                                lang=valid_lang(self.lang), ip=self._client_ip())
        self.saving, self.sent = False, True
        self.notice_key = "reset.request.sent"


class ResetState(FormStateMixin, AppState):
    """/reset?token=…: the new password, twice. The token stays on the server side of the tab and is
    forgotten once used."""

    _token: str = ""  # a backend var: never sent to the browser
    checked: bool = False
    valid: bool = False
    login_label: str = ""
    done: bool = False

    @rx.event
    async def load(self):
        self._reset_messages()
        self._identity()
        self.done, self.checked = False, False
        yield
        token = str(self.router.url.query_parameters.get("token", ""))[:200]
        link = await asyncio.to_thread(recovery.check_link, token)
        self._token = token if link else ""
        self.valid, self.login_label, self.checked = bool(link), link.get("login", ""), True
        self.page_status = "ok"
        self.form_key += 1

    @rx.event
    async def submit(self, form: dict):
        self._reset_messages()
        values = form_strings(form, ("new", "confirm"))
        if values is None or self.saving or not self.valid:
            return
        self.saving = True
        yield
        try:
            await asyncio.to_thread(recovery.complete_reset, self._token, values["new"], values["confirm"],
                                    ip=self._client_ip())
        except DomainError as error:
            self.saving = False
            self._fail(error)
            if "token" in self.field_errors:
                self.valid, self._token = False, ""
            return
        self.saving, self.done, self.valid, self._token, self.login_label = False, True, False, "", ""
        self.notice_key = "reset.done"
