"""States of single sign-on (教育雲端帳號): `/login/sso`, where an identity the provider vouched for chooses
or proves her account, and the national centre's page of which kinds of account must use it."""

from __future__ import annotations

import asyncio
from typing import ClassVar

import reflex as rx

from tpd_app import routes
from tpd_app.domain.errors import DomainError, InvalidCredentials
from tpd_app.domain.sso import POLICY_KINDS
from tpd_app.services.accounts import auth, sso
from tpd_app.state.base import AppState, post_form_script
from tpd_app.state.handlers import ActionMixin, Row, parse_id


class SsoLoginState(AppState):
    """第一次以教育雲端帳號登入: what the provider said of her, her linked accounts to choose from, and the
    form that proves an existing account's password once to link it."""

    found: bool = False
    sso_name: str = ""
    sso_email: str = ""
    sso_school: str = ""
    choices: list[Row] = []
    teacher_mode: bool = True
    message_key: str = ""
    submitting: bool = False

    def _pending(self) -> str | None:
        return auth.cookie_in(self.router.headers.cookie, sso.PENDING_COOKIE)

    @rx.var
    def message(self) -> str:
        return self._t(self.message_key) if self.message_key else ""

    @rx.event
    def load(self):
        """on_load: the identity waiting in this browser (its HttpOnly cookie), or the word that it is gone."""
        self.page_status = "ok"
        self.submitting = False
        self.message_key = ""
        view = sso.pending_view(self._pending())
        self.found = view is not None
        view = view or {"name": "", "email": "", "school": "", "choices": []}
        self.sso_name, self.sso_email, self.sso_school = view["name"], view["email"], view["school"]
        self.choices = view["choices"]

    @rx.event
    def show_teacher(self):
        self.teacher_mode = True
        self.message_key = ""

    @rx.event
    def show_business(self):
        self.teacher_mode = False
        self.message_key = ""

    @rx.event
    async def choose(self, link_id: str):
        """Sign in to one of her linked accounts."""
        chosen = parse_id(link_id)
        if chosen is None or self.submitting:
            return
        self.submitting = True
        yield
        try:
            ticket, next_path = await asyncio.to_thread(sso.sign_in_pending, self._pending(), chosen,
                                                        ip=self._client_ip())
        except DomainError as error:
            self.submitting = False
            self.message_key = error.key
            return
        yield rx.call_script(post_form_script("/api/auth/session", {"ticket": ticket, "next": next_path}))

    @rx.event
    async def link(self, form_data: dict):
        """Prove an existing account's password once: it is linked, and she is signed in to it."""
        if self.submitting:
            return
        username = form_data.get("username") if isinstance(form_data, dict) else None
        password = form_data.get("password") if isinstance(form_data, dict) else None
        if not isinstance(username, str) or not isinstance(password, str) or not username.strip() or not password:
            self.message_key = "login.error.empty"
            return
        token = self._pending()
        self.submitting = True
        self.message_key = ""
        yield
        next_path = await asyncio.to_thread(sso.pending_next, token)
        try:
            ticket = await asyncio.to_thread(auth.sign_in, username, password, teacher_hint=self.teacher_mode,
                                             ip=self._client_ip(), sso_pending=token)
        except InvalidCredentials as failure:
            self.submitting = False
            self.message_key = failure.key
            return
        yield rx.call_script(post_form_script("/api/auth/session", {"ticket": ticket, "next": next_path}))


class SsoPolicyState(ActionMixin, AppState):
    """單一登入設定: the national centre chooses which kinds of account must sign in with the 教育雲端帳號."""

    FUNCTION: ClassVar = routes.page_function(routes.SSO_POLICY)

    rows: list[Row] = []
    configured: bool = False

    def _refresh(self) -> None:
        self.configured = sso.enabled()
        self.rows = [{"kind": r["kind"], "required": "1" if r["required"] else "",
                      "linked": str(r["linked"])} for r in self._use(sso.policy_list)]

    @rx.event
    def load(self):
        return self._load_page()

    @rx.event
    def save(self, form: dict):
        if not isinstance(form, dict):
            return None
        kinds = [kind for kind in POLICY_KINDS if form.get(f"kind_{kind}") in ("on", "true", True)]
        ok, result = self._attempt(sso.set_policy, kinds, notice="sso.policy.saved")
        return self._after(ok, result)
