"""States of the three self-service pages: own basic data, own password, own unit's contact data."""

from __future__ import annotations

import asyncio

import reflex as rx

from tpd_app.domain.errors import DomainError, NotAuthenticated, ValidationFailed
from tpd_app.domain.permissions import Function
from tpd_app.services import auth, profile
from tpd_app.services.db import transaction
from tpd_app.state.base import AppState


class FormStateMixin(rx.State, mixin=True):
    """Field errors, a status message and a form key that remounts the inputs after a load."""

    values: dict[str, str] = {}
    field_errors: dict[str, str] = {}
    notice_key: str = ""
    error_text: str = ""
    form_key: int = 0
    saving: bool = False

    def _reset_messages(self) -> None:
        self.field_errors = {}
        self.notice_key = ""
        self.error_text = ""

    def _fail(self, error: DomainError) -> rx.event.EventSpec | None:
        """Show a domain error where the user looks for it; a lost session goes to the login."""
        if isinstance(error, NotAuthenticated):
            return self._login_redirect()
        if isinstance(error, ValidationFailed):
            self.field_errors = dict(error.field_errors)
        self.error_text = self._error_text(error)
        return None


class ProfileState(FormStateMixin, AppState):
    """修改個人基本資料."""

    is_teacher: bool = False

    @rx.event
    def load(self):
        self._reset_messages()
        signed_in, event = self._enter_page(Function.PROFILE_EDIT)
        if signed_in is None:
            return event
        with transaction() as session:
            self.values = profile.get_profile(session, signed_in.actor, ip=self._client_ip())
        self.is_teacher = signed_in.actor.is_teacher
        self.form_key += 1
        return None

    @rx.event
    def save(self, form_data: dict):
        self._reset_messages()
        if not isinstance(form_data, dict):
            return None
        try:
            signed_in = self._actor_or_raise()
            with transaction() as session:
                saved = profile.update_profile(session, signed_in.actor, form_data, ip=self._client_ip())
        except DomainError as error:
            return self._fail(error)
        self.values = {**self.values, **saved}
        self._identity()
        self.notice_key = "profile.saved"
        return None


class PasswordState(FormStateMixin, AppState):
    """變更登入密碼."""

    @rx.event
    def load(self):
        self._reset_messages()
        _, event = self._enter_page(Function.PROFILE_PASSWORD)
        self.form_key += 1
        return event

    @rx.event
    async def save(self, form_data: dict):
        self._reset_messages()
        if not isinstance(form_data, dict):
            return
        fields = {k: form_data.get(k) for k in ("current", "new", "confirm")}
        if not all(isinstance(v, str) for v in fields.values()):
            return
        self.saving = True
        yield
        try:
            signed_in = self._actor_or_raise()
            await asyncio.to_thread(
                auth.change_password,
                signed_in.actor,
                current=fields["current"],
                new=fields["new"],
                confirm=fields["confirm"],
                session_id=signed_in.session_id,
                ip=self._client_ip(),
            )
        except DomainError as error:
            self.saving = False
            yield self._fail(error)
            return
        self.saving = False
        self.must_change_password = False
        self.notice_key = "password.saved"
        self.form_key += 1


class UnitContactState(FormStateMixin, AppState):
    """修改本單位通訊資料."""

    @rx.event
    def load(self):
        self._reset_messages()
        signed_in, event = self._enter_page(Function.UNIT_CONTACT)
        if signed_in is None:
            return event
        with transaction() as session:
            self.values = profile.get_unit_contact(session, signed_in.actor, ip=self._client_ip())
        self.form_key += 1
        return None

    @rx.event
    def save(self, form_data: dict):
        self._reset_messages()
        if not isinstance(form_data, dict):
            return None
        try:
            signed_in = self._actor_or_raise()
            with transaction() as session:
                saved = profile.update_unit_contact(session, signed_in.actor, form_data, ip=self._client_ip())
        except DomainError as error:
            return self._fail(error)
        self.values = {**self.values, **saved}
        self.notice_key = "unit_contact.saved"
        return None
