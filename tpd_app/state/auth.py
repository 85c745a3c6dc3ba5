"""The login page's state: one form for business accounts and teachers."""

from __future__ import annotations

import asyncio
import math
from urllib.parse import quote

import reflex as rx

from tpd_app import routes
from tpd_app.domain.errors import InvalidCredentials
from tpd_app.domain.sso import SsoOutcome
from tpd_app.i18n import translate
from tpd_app.routes import safe_next
from tpd_app.services.accounts import sso
from tpd_app.services.accounts.auth import sign_in
from tpd_app.settings import get_settings
from tpd_app.state.base import AppState, post_form_script


class LoginState(AppState):
    """Which tab is open, the message to show, and whether a sign-in is under way."""

    teacher_mode: bool = False
    message_key: str = ""
    message_is_error: bool = False
    submitting: bool = False
    #: Single sign-on is configured: the page shows its button (to `sso_href`, which keeps `next`).
    sso_enabled: bool = False
    sso_href: str = routes.SSO_START
    #: Just signed out of a session that came through the provider: offer to sign out there too.
    offer_provider_logout: bool = False

    @rx.var
    def message(self) -> str:
        """The message in the current language, with the configured sign-in delay figures filled in."""
        if not self.message_key:
            return ""
        settings = get_settings()
        return translate(self.message_key, self.ui_lang, attempts=settings.login_free_failures,
                         minutes=math.ceil(settings.login_max_delay_seconds / 60))

    @rx.event
    def load(self):
        """on_load: a signed-in visitor goes straight to the workspace; query flags become messages."""
        self.page_status = "ok"
        self.submitting = False
        params = self.router.url.query_parameters
        if self._identity() is not None:
            return rx.redirect(safe_next(params.get("next", "")))
        self.sso_enabled = sso.enabled()
        next_path = params.get("next", "")
        self.sso_href = routes.SSO_START + (f"?next={quote(safe_next(next_path))}" if next_path else "")
        self.offer_provider_logout = bool(self.sso_enabled and params.get("out") and params.get("sso"))
        failure = str(params.get("e", ""))
        if failure.startswith("sso_") and failure[4:] in {o.value for o in SsoOutcome}:
            self.message_key, self.message_is_error = f"sso.error.{failure[4:]}", True
        elif params.get("out"):
            self.message_key, self.message_is_error = "login.signed_out", False
        elif params.get("e") == "session":
            self.message_key, self.message_is_error = "login.error.session", True
        elif params.get("expired"):
            self.message_key, self.message_is_error = "login.expired", True
        else:
            self.message_key = ""
        return None

    @rx.event
    def show_teacher(self):
        self.teacher_mode = True
        self.message_key = ""

    @rx.event
    def show_business(self):
        self.teacher_mode = False
        self.message_key = ""

    @rx.event
    async def submit(self, form_data: dict):
        """Check the credentials (argon2 runs in a thread) and hand the ticket to the session endpoint."""
        if self.submitting:
            return
        username = form_data.get("username") if isinstance(form_data, dict) else None
        password = form_data.get("password") if isinstance(form_data, dict) else None
        if not isinstance(username, str) or not isinstance(password, str) or not username.strip() or not password:
            self.message_key, self.message_is_error = "login.error.empty", True
            return
        self.submitting = True
        self.message_key = ""
        yield
        try:
            ticket = await asyncio.to_thread(
                sign_in, username, password, teacher_hint=self.teacher_mode, ip=self._client_ip()
            )
        except InvalidCredentials as failure:
            self.submitting = False
            self.message_key, self.message_is_error = failure.key, True
            return
        next_path = safe_next(self.router.url.query_parameters.get("next", ""))
        yield rx.call_script(post_form_script("/api/auth/session", {"ticket": ticket, "next": next_path}))

