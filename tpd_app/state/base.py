"""The root app state: language, who is signed in (from the HttpOnly session cookie), page guard.

Identity is never taken from handler arguments or browser storage: every event
re-reads the session cookie from the websocket handshake headers, which the
browser cannot script, and resolves it against the database.
"""

from __future__ import annotations

import asyncio
import functools
import json
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, ClassVar, TypedDict
from urllib.parse import quote

import reflex as rx
from reflex.state import EventHandlerSetVar
from reflex_base.event.context import EventContext
from reflex_base.registry import RegistrationContext

from tpd_app import routes
from tpd_app.domain.errors import DomainError, Forbidden, NotAuthenticated, PasswordChangeRequired
from tpd_app.domain.navigation import NAV_GROUPS
from tpd_app.domain.permissions import Actor, Function, may
from tpd_app.domain.timeutil import roc_dates_in
from tpd_app.i18n import DEFAULT_LANG, translate, valid_lang
from tpd_app.services.accounts import auth
from tpd_app.services.accounts.auth import SignedIn
from tpd_app.services.platform.db import reading, transaction
from tpd_app.services.platform.guard import require
from tpd_app.services.platform.passwords import digest
from tpd_app.services.portal import guides


class NavEntry(TypedDict):
    """One row of the sidebar: a group heading or a link."""

    kind: str
    key: str
    label_key: str
    href: str


def navigation_for(signed_in: SignedIn) -> list[NavEntry]:
    """The sidebar rows for what this actor may use, grouped as in SPEC §2, then the pages outside the
    matrix that `routes.PAGE_RULES` puts in the menu (a fresh list: every event shows it)."""
    return [NavEntry(**entry) for entry in _navigation(signed_in.actor)]


@functools.lru_cache(maxsize=4096)
def _navigation(actor: Actor) -> tuple[NavEntry, ...]:
    """The menu of one actor (a pure function of the permission matrix and the actor's unit, category and
    grants), worked out once per actor instead of on every event."""
    rows: list[NavEntry] = []
    for group, functions in NAV_GROUPS:
        allowed = [f for f in functions if may(actor, f)]
        if not allowed:
            continue
        rows.append(NavEntry(kind="group", key=group, label_key=f"nav.group.{group}", href=""))
        rows.extend(
            NavEntry(kind="item", key=f.value, label_key=f"func.{f.value}", href=routes.FUNCTION_ROUTES[f])
            for f in allowed
        )
    groups: dict[str, list[NavEntry]] = {}
    for path, rule in routes.PAGE_RULES.items():
        if not rule.nav_group or (rule.function is not None and not may(actor, rule.function)):
            continue
        if rule.shown_to is not None and not rule.shown_to(actor):
            continue
        groups.setdefault(rule.nav_group, []).append(
            NavEntry(kind="item", key=rule.nav_key, label_key=rule.label_key, href=path))
    for group, links in groups.items():
        rows += [NavEntry(kind="group", key=group, label_key=f"nav.group.{group}", href=""), *links]
    return tuple(rows)


#: The session this event resolved: (event id, token, when, who), so a page load's guard, its use case and
#: the header cost one lookup. Keyed by Reflex's id of the running event (an event's context is its task's
#: own, and a stale entry of another event never matches); the time bounds what a long background event
#: reuses. Outside an event (tests calling a handler directly) nothing is kept.
_RESOLVED: ContextVar[tuple[str, str | None, float, SignedIn | None] | None] = ContextVar("tpd_resolved",
                                                                                          default=None)
_RESOLVED_FOR_SECONDS = 1.0
#: The header and menu were set from this answer of `_resolved` for this tab in this event: ((event id,
#: token, the tab's root state), the answer). A page load resolves the identity in its guard and again in
#: each use case it runs; only the first sets the header vars (and checks whose the page data is), the
#: others take the same answer. A new answer (the session read again) is shown again.
_SHOWN: ContextVar[tuple[tuple[str, str | None, int] | None, SignedIn | None] | None] = ContextVar(
    "tpd_shown", default=None)


def _event_mark(token: str | None, state: rx.State) -> tuple[str, str | None, int] | None:
    """What `_SHOWN` holds once `state`'s tab showed `token`'s identity in the running event (None outside
    an event)."""
    try:
        return EventContext.get().txid, token, id(state._get_root_state())
    except LookupError:
        return None


def _resolved(token: str | None) -> SignedIn | None:
    """`auth.resolve_session(token)`, once per event."""
    try:
        event_id = EventContext.get().txid
    except LookupError:
        return auth.resolve_session(token)
    now = time.monotonic()
    cached = _RESOLVED.get()
    if cached is not None and cached[:2] == (event_id, token) and now - cached[2] < _RESOLVED_FOR_SECONDS:
        return cached[3]
    signed_in = auth.resolve_session(token)
    _RESOLVED.set((event_id, token, now, signed_in))
    return signed_in


class _InertSetVar(EventHandlerSetVar):
    """Reflex's generic `setvar(name, value)` event calls any handler named `set_<name>` with one argument the
    browser chose; this app never sends it, so in every app state it does nothing."""

    def setvar(self, *_args: object, **_kwargs: object) -> None:  # type: ignore[override]
        return None


def _make_setvar_inert(cls: type[rx.State]) -> None:
    cls.setvar = cls.event_handlers["setvar"] = _InertSetVar(state_cls=cls)  # type: ignore[misc]
    RegistrationContext.register_event_handler(cls.setvar, states=(cls,))


class AppState(rx.State):
    """Language, the header's identity facts, the sidebar and the page guard's verdict.

    Every page state declares the matrix function its page serves: `FUNCTION = Function.X`, or a tuple
    when one state serves several routes (each on_load handler then names its own). None: any signed-in
    person. Declare it with its `ClassVar` annotation, or Reflex turns it into a browser var.
    """

    FUNCTION: ClassVar[Function | tuple[Function, ...] | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not kwargs.get("mixin"):
            _make_setvar_inert(cls)

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
    #: Where the video guides explaining the open page are ("" when none): the link beside its heading.
    page_guide: str = ""
    #: Whose session the page states' data was loaded under: a digest of the session id, "" for nobody.
    _data_owner: str = ""

    @rx.var
    def ui_lang(self) -> str:
        """The validated language: the stored value is client-controlled."""
        return valid_lang(self.lang)

    @rx.event
    def toggle_language(self):
        self.lang = "en" if valid_lang(self.lang) == DEFAULT_LANG else DEFAULT_LANG

    def _t(self, key: str, **params: object) -> str:
        """A message in the user's language; services pass dates as ISO, zh-TW writes them the 民國 way."""
        lang = valid_lang(self.lang)
        if lang == DEFAULT_LANG:
            params = {k: roc_dates_in(v) if isinstance(v, str) else v for k, v in params.items()}
        return translate(key, lang, **params)

    def _session_token(self) -> str | None:
        return auth.session_token_in(self.router.headers.cookie)

    def _client_ip(self) -> str:
        return self.router.session.client_ip or ""

    def _identity(self) -> SignedIn | None:
        """Resolve the session cookie on the server and refresh the header and sidebar.

        When the session is not the one the tab's page data was loaded under (it ended, expired, its account
        was disabled, or the cookie now belongs to someone else), every page state is emptied first.
        """
        token = self._session_token()
        signed_in = _resolved(token)
        mark = _event_mark(token, self)
        shown = _SHOWN.get()
        if mark is not None and shown is not None and shown[0] == mark and shown[1] is signed_in:
            return signed_in
        self._keep_data_of(digest(token) if signed_in is not None and token else "")
        if signed_in is None:
            self._clear_identity()
        else:
            actor = signed_in.actor
            self._show_identity(
                signed_in=True, user_name=signed_in.name, login_label=signed_in.login_label,
                unit_name=signed_in.unit_name, unit_type_key=f"unit_type.{actor.unit.type}",
                role_key="category.teacher" if actor.is_teacher else f"category.{actor.category}",
                must_change_password=signed_in.must_change_password, nav=navigation_for(signed_in))
        _SHOWN.set((mark, signed_in))
        return signed_in

    def _identity_again(self) -> SignedIn | None:
        """`_identity` after this event changed who the session is (her name): the session read anew."""
        _RESOLVED.set(None)
        return self._identity()

    def _show_identity(self, **values: object) -> None:
        """Set the header and menu vars that changed. Every event resolves the identity; assigning an
        unchanged value would still mark it dirty and send it (the whole menu) to the browser again."""
        for name, value in values.items():
            if getattr(self, name) != value:
                setattr(self, name, value)

    def _keep_data_of(self, owner: str) -> None:
        if owner == self._data_owner:
            return
        for page_state in self._loaded_page_states():
            forget(page_state)
        self._data_owner = owner

    def _loaded_page_states(self) -> list[AppState]:
        """The page states of this tab that the server holds in memory now (with Redis, those this event
        loaded; a hydrate loads them all)."""
        found: list[AppState] = []
        stack: list[rx.State] = [self._get_root_state()]
        while stack:
            state = stack.pop()
            stack.extend(state.substates.values())
            if isinstance(state, AppState) and type(state) is not AppState:
                found.append(state)
        return found

    def _clear_identity(self) -> None:
        self._show_identity(signed_in=False, user_name="", login_label="", unit_name="", role_key="",
                            unit_type_key="", must_change_password=False, nav=[])

    def _login_redirect(self) -> rx.event.EventSpec:
        path = self.router.url.path or routes.DASHBOARD
        return rx.redirect(f"{routes.LOGIN}?next={quote(path)}&expired=1")

    @classmethod
    def _declared_functions(cls) -> tuple[Function, ...]:
        """The functions this page state declares it serves (empty: any signed-in person)."""
        declared = cls.FUNCTION
        if declared is None:
            return ()
        return declared if isinstance(declared, tuple) else (declared,)

    def _page_function(self, function: Function | None) -> Function | None:
        declared = self._declared_functions()
        if function is None and len(declared) > 1:
            raise TypeError(f"{type(self).__name__} serves several functions: its on_load must name one")
        if function is not None and function not in declared:
            raise TypeError(f"{type(self).__name__} does not declare {function}")
        return function or (declared[0] if declared else None)

    def _enter_page(self, function: Function | None = None) -> tuple[SignedIn | None, rx.event.EventSpec | None]:
        """The page guard for the declared function (or `function`, one of those declared): (who, None)
        when the page may render; otherwise an event to return.

        A refusal renders the forbidden panel and is audit-logged by `require`.
        """
        function = self._page_function(function)
        self.page_status = "loading"
        self.forbidden_key = ""
        self.page_guide = ""
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
        self.page_guide = self._look_up(guides.page_link, self.router.url.path)
        return signed_in, None

    def _actor_or_raise(self, *, changing_password: bool = False) -> SignedIn:
        """For event handlers: who is calling, or NotAuthenticated.

        After an administrator's reset (`must_change_password`) every handler but the password change
        itself refuses with PasswordChangeRequired, whatever event a browser sends: the page guard alone
        would leave the handlers of an open tab usable."""
        signed_in = self._identity()
        if signed_in is None:
            raise NotAuthenticated()
        if (signed_in.must_change_password and not changing_password
                and may(signed_in.actor, Function.PROFILE_PASSWORD)):
            raise PasswordChangeRequired()
        return signed_in

    def _read(self, query: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """`query(session, *args)` in one transaction, for use cases that need no actor (a public
        application, the unit search)."""
        with transaction() as session:
            return query(session, *args, **kwargs)

    def _look_up(self, query: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """`query(session, *args)` for public reference data that is only read (topics, the catalogue, a
        page's guide): no transaction around it (`db.reading`; a statement that writes raises)."""
        with reading() as session:
            return query(session, *args, **kwargs)

    def _error_text(self, error: DomainError) -> str:
        return self._t(error.key, **error.params)

    @rx.event
    async def logout(self):
        """End the session on the server, empty every page's state, then let the endpoint clear the cookie.

        The tab keeps its token after signing out, and a page's hydrate sends every state the tab has
        loaded: without the reset, the next person at a shared computer would receive the rosters,
        records and revealed national IDs of the last one.
        """
        via_sso = await asyncio.to_thread(auth.sign_out, self._session_token(), ip=self._client_ip())
        _RESOLVED.set(None)
        _SHOWN.set(None)
        self._clear_identity()
        for page_state in page_states():
            forget(await self.get_state(page_state))
        self._data_owner = ""
        # After a single sign-on the signed-out page offers the provider's sign-out too.
        return rx.call_script(post_form_script("/api/auth/logout", {"sso": "1"} if via_sso else {}))


_make_setvar_inert(AppState)


def forget(page_state: AppState) -> None:
    """Back to the defaults, unless it holds nothing (a reset marks every var for sending and saving)."""
    if any(page_state.get_value(name) != default for name, default in _own_defaults(type(page_state))):
        page_state.reset()


@functools.cache
def _own_defaults(cls: type[AppState]) -> tuple[tuple[str, Any], ...]:
    """The vars a page state declares itself, with their defaults (only compared, never handed out)."""
    return tuple((name, f.default_value()) for name, f in cls.__fields__.items() if f._owner is cls)


def page_states() -> list[type[AppState]]:
    """Every state below `AppState` (the page states), mixins left out."""
    found: list[type[AppState]] = []
    stack: list[type] = list(AppState.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if not getattr(cls, "_mixin", False) and cls not in found:
            found.append(cls)
    return found


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
