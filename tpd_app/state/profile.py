"""States of the three self-service pages: own basic data, own password, own unit's contact data."""

from __future__ import annotations

import asyncio
from typing import ClassVar

import reflex as rx

from tpd_app.domain.errors import DomainError, ValidationFailed
from tpd_app.domain.permissions import Function
from tpd_app.domain.sso import SsoOutcome
from tpd_app.services.accounts import auth, profile, sso
from tpd_app.services.accounts.auth import SignedIn
from tpd_app.services.platform.db import transaction
from tpd_app.state.base import AppState
from tpd_app.state.handlers import FormStateMixin, Row, parse_id


class ProfileState(FormStateMixin, AppState):
    """修改個人基本資料."""

    FUNCTION: ClassVar = Function.PROFILE_EDIT

    is_teacher: bool = False
    #: Her 教育雲端帳號 links (single sign-on), shown while it is configured; a message about them.
    sso_enabled: bool = False
    sso_links: list[Row] = []
    sso_message: str = ""
    sso_message_is_error: bool = False

    @rx.event
    def load(self):
        result = self._load_values(profile.get_profile)
        if not isinstance(result, SignedIn):
            return result
        self.is_teacher = result.actor.is_teacher
        self.sso_enabled = sso.enabled()
        self.sso_message, self.sso_message_is_error = "", False
        outcome = self.router.url.query_parameters.get("sso", "")
        if self.sso_enabled and outcome in {o.value for o in SsoOutcome}:
            linked = outcome == SsoOutcome.LINKED.value
            self.sso_message = self._t("sso.profile.linked" if linked else f"sso.error.{outcome}")
            self.sso_message_is_error = not linked
        self._load_links(result)
        return None

    def _load_links(self, signed_in: SignedIn) -> None:
        with transaction() as session:
            self.sso_links = sso.links_of(session, signed_in.actor, ip=self._client_ip())

    @rx.event
    def unlink_sso(self, link_id: str):
        """Undo one of her own links (never her last way to sign in)."""
        chosen = parse_id(link_id)
        if chosen is None:
            return None
        self.sso_message, self.sso_message_is_error = "", False
        try:
            signed_in = self._actor_or_raise()
            with transaction() as session:
                sso.unlink(session, signed_in.actor, chosen, ip=self._client_ip())
            self._load_links(signed_in)
        except ValidationFailed as refusal:
            self.sso_message, self.sso_message_is_error = self._t(refusal.field_errors["link"]), True
            return None
        except DomainError as error:
            return self._fail(error)
        self.sso_message = self._t("sso.profile.unlinked")
        return None

    @rx.event
    def save(self, form_data: dict):
        event = self._save_values(form_data, profile.update_profile, "profile.saved")
        self._identity_again()  # the header shows the (possibly new) name
        return event


class PasswordState(FormStateMixin, AppState):
    """變更登入密碼."""

    FUNCTION: ClassVar = Function.PROFILE_PASSWORD

    @rx.event
    def load(self):
        self._reset_messages()
        # No form_key bump here: there is nothing to pre-fill, and a remount would drop what
        # a fast typist already entered while the page was loading.
        _, event = self._enter_page()
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
            signed_in = self._actor_or_raise(changing_password=True)
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

    FUNCTION: ClassVar = Function.UNIT_CONTACT

    @rx.event
    def load(self):
        result = self._load_values(profile.get_unit_contact)
        return None if isinstance(result, SignedIn) else result

    @rx.event
    def save(self, form_data: dict):
        return self._save_values(form_data, profile.update_unit_contact, "unit_contact.saved")
