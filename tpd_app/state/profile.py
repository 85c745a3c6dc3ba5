"""States of the three self-service pages: own basic data, own password, own unit's contact data."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import reflex as rx

from tpd_app.domain.errors import DomainError, NotAuthenticated, ValidationFailed
from tpd_app.domain.permissions import Function
from tpd_app.services.accounts import auth, profile
from tpd_app.services.accounts.auth import SignedIn
from tpd_app.services.platform.db import transaction
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

    def _load_values(self, function: Function, loader: Callable[..., dict[str, str]]):
        """The usual on_load: guard the page, then fill `values` from `loader(session, actor, ip=)`."""
        self._reset_messages()
        signed_in, event = self._enter_page(function)  # type: ignore[attr-defined]
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


class ProfileState(FormStateMixin, AppState):
    """修改個人基本資料."""

    is_teacher: bool = False

    @rx.event
    def load(self):
        result = self._load_values(Function.PROFILE_EDIT, profile.get_profile)
        if not isinstance(result, SignedIn):
            return result
        self.is_teacher = result.actor.is_teacher
        return None

    @rx.event
    def save(self, form_data: dict):
        event = self._save_values(form_data, profile.update_profile, "profile.saved")
        self._identity()  # the header shows the (possibly new) name
        return event


class PasswordState(FormStateMixin, AppState):
    """變更登入密碼."""

    @rx.event
    def load(self):
        self._reset_messages()
        # No form_key bump here: there is nothing to pre-fill, and a remount would drop what
        # a fast typist already entered while the page was loading.
        _, event = self._enter_page(Function.PROFILE_PASSWORD)
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
        result = self._load_values(Function.UNIT_CONTACT, profile.get_unit_contact)
        return None if isinstance(result, SignedIn) else result

    @rx.event
    def save(self, form_data: dict):
        return self._save_values(form_data, profile.update_unit_contact, "unit_contact.saved")
