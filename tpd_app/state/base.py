"""The root app state: language, who is signed in (from the HttpOnly session cookie), page guard.

Identity is never taken from handler arguments or browser storage: every event
re-reads the session cookie from the websocket handshake headers, which the
browser cannot script, and resolves it against the database.
"""

from __future__ import annotations

import json
from http.cookies import SimpleCookie
from typing import TypedDict
from urllib.parse import quote

import reflex as rx

from tpd_app import routes
from tpd_app.domain.accounts import may_view_audit
from tpd_app.domain.courses import may_manage_topics
from tpd_app.domain.errors import DomainError, Forbidden, NotAuthenticated
from tpd_app.domain.navigation import NAV_GROUPS
from tpd_app.domain.permissions import Actor, Function, may
from tpd_app.i18n import DEFAULT_LANG, translate, valid_lang
from tpd_app.services.accounts import auth
from tpd_app.services.accounts.auth import SignedIn
from tpd_app.services.platform.guard import require
from tpd_app.settings import get_settings


class NavEntry(TypedDict):
    """One row of the sidebar: a group heading or a link."""

    kind: str
    key: str
    label_key: str
    href: str


def navigation_for(signed_in: SignedIn) -> list[NavEntry]:
    """The sidebar rows for what this actor may use, grouped as in SPEC §2."""
    rows: list[NavEntry] = []
    for group, functions in NAV_GROUPS:
        allowed = [f for f in functions if may(signed_in.actor, f)]
        if not allowed:
            continue
        rows.append(NavEntry(kind="group", key=group, label_key=f"nav.group.{group}", href=""))
        rows.extend(
            NavEntry(kind="item", key=f.value, label_key=f"func.{f.value}", href=routes.FUNCTION_ROUTES[f])
            for f in allowed
        )
    return rows + attendance_links(signed_in.actor) + oversight_links(signed_in.actor)


def attendance_links(actor: Actor) -> list[NavEntry]:
    """Registrants and attendance lists for organizers, list confirmation for centres (SPEC §3.2, §3.3)."""
    links = []
    if may(actor, Function.COURSE_MANAGE):
        links.append(NavEntry(kind="item", key="participants", label_key="participants.title",
                              href=routes.PARTICIPANTS))
    if may(actor, Function.COURSE_REVIEW):
        links.append(NavEntry(kind="item", key="confirm_lists", label_key="attendance.title.queue",
                              href=routes.CONFIRM_LISTS))
    if not links:
        return []
    return [NavEntry(kind="group", key="attendance", label_key="nav.group.attendance", href=""), *links]


def oversight_links(actor: Actor) -> list[NavEntry]:
    """The directory-change and audit-log pages of centres (pages without a function key of their own)."""
    links = []
    if may(actor, Function.ACCOUNTS_SUBORDINATE):
        links.append(NavEntry(kind="item", key="directory", label_key="directory.title", href=routes.DIRECTORY))
    if may_view_audit(actor):
        links.append(NavEntry(kind="item", key="audit", label_key="audit.title", href=routes.AUDIT))
    if may_manage_topics(actor):
        links.append(NavEntry(kind="item", key="topics", label_key="topics.title", href=routes.TOPICS))
    if not links:
        return []
    return [NavEntry(kind="group", key="oversight", label_key="nav.group.oversight", href=""), *links]


class AppState(rx.State):
    """Language, the header's identity facts, the sidebar and the page guard's verdict."""

    lang: str = rx.LocalStorage(DEFAULT_LANG, name="tpd_lang", sync=True)
    signed_in: bool = False
    user_name: str = ""
    login_label: str = ""
    unit_name: str = ""
    role_key: str = ""
    unit_type_key: str = ""
    nav: list[NavEntry] = []
    page_status: str = "loading"
    forbidden_key: str = ""
    must_change_password: bool = False

    @rx.var
    def ui_lang(self) -> str:
        """The validated language: the stored value is client-controlled."""
        return valid_lang(self.lang)

    @rx.event
    def toggle_language(self):
        self.lang = "en" if valid_lang(self.lang) == DEFAULT_LANG else DEFAULT_LANG

    def _t(self, key: str, **params: object) -> str:
        return translate(key, valid_lang(self.lang), **params)

    def _session_token(self) -> str | None:
        raw = self.router.headers.cookie
        if not raw:
            return None
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(raw)
        except Exception:  # a malformed Cookie header is just "no session"
            return None
        morsel = jar.get(get_settings().cookie_name)
        return morsel.value if morsel else None

    def _client_ip(self) -> str:
        return self.router.session.client_ip or ""

    def _identity(self) -> SignedIn | None:
        """Resolve the session cookie on the server and refresh the header and sidebar."""
        signed_in = auth.resolve_session(self._session_token())
        if signed_in is None:
            self._clear_identity()
            return None
        actor = signed_in.actor
        self.signed_in = True
        self.user_name = signed_in.name
        self.login_label = signed_in.login_label
        self.unit_name = signed_in.unit_name
        self.unit_type_key = f"unit_type.{actor.unit.type}"
        self.role_key = "category.teacher" if actor.is_teacher else f"category.{actor.category}"
        self.must_change_password = signed_in.must_change_password
        self.nav = navigation_for(signed_in)
        return signed_in

    def _clear_identity(self) -> None:
        self.signed_in = False
        self.user_name = self.login_label = self.unit_name = ""
        self.role_key = self.unit_type_key = ""
        self.must_change_password = False
        self.nav = []

    def _login_redirect(self) -> rx.event.EventSpec:
        path = self.router.url.path or routes.DASHBOARD
        return rx.redirect(f"{routes.LOGIN}?next={quote(path)}&expired=1")

    def _enter_page(self, function: Function | None) -> tuple[SignedIn | None, rx.event.EventSpec | None]:
        """The page guard: (who, None) when the page may render; otherwise an event to return.

        A refusal renders the forbidden panel and is audit-logged by `require`.
        """
        self.page_status = "loading"
        self.forbidden_key = ""
        signed_in = self._identity()
        if signed_in is None:
            return None, self._login_redirect()
        if (
            signed_in.must_change_password
            and function is not Function.PROFILE_PASSWORD
            and may(signed_in.actor, Function.PROFILE_PASSWORD)
        ):
            return None, rx.redirect(routes.FUNCTION_ROUTES[Function.PROFILE_PASSWORD])
        if function is not None:
            try:
                require(signed_in.actor, function, ip=self._client_ip(), detail=self.router.url.path)
            except Forbidden as refusal:
                self.page_status = "forbidden"
                self.forbidden_key = refusal.key
                return None, None
        self.page_status = "ok"
        return signed_in, None

    def _actor_or_raise(self) -> SignedIn:
        """For event handlers: who is calling, or NotAuthenticated."""
        signed_in = self._identity()
        if signed_in is None:
            raise NotAuthenticated()
        return signed_in

    def _error_text(self, error: DomainError) -> str:
        return self._t(error.key, **error.params)

    @rx.event
    def load_public(self):
        """on_load of public pages: show who is signed in, if anyone, without requiring it."""
        self._identity()
        self.page_status = "ok"

    @rx.event
    def load_dashboard(self):
        """on_load of the signed-in home page."""
        _, event = self._enter_page(None)
        return event

    @rx.event
    def logout(self):
        """End the session on the server, then let the endpoint clear the cookie."""
        auth.sign_out(self._session_token(), ip=self._client_ip())
        self._clear_identity()
        return rx.call_script(post_form_script("/api/auth/logout", {}))


def post_form_script(action: str, fields: dict[str, str]) -> str:
    """JavaScript that submits a hidden POST form (a full navigation, so cookies apply)."""
    return (
        "(() => {const f = document.createElement('form'); f.method = 'post';"
        f"f.action = {json.dumps(action)};"
        f"for (const [k, v] of Object.entries({json.dumps(fields)})) {{"
        "const i = document.createElement('input'); i.type = 'hidden'; i.name = k; i.value = v;"
        "f.appendChild(i);}"
        "document.body.appendChild(f); f.submit();})()"
    )
