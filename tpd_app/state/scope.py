"""What a tab's hydrate may carry: the state of the page being opened, loaded for the person now signed in.

Reflex answers every websocket (re)connect, which is every full page load, with a snapshot of every state
the tab has loaded on the server. Without this middleware, the tab of a shared computer would receive on
its next page the rosters, records and revealed national IDs that earlier pages loaded, and after a
session ended (expired, disabled, signed out in another tab, or replaced by someone else's sign-in) it
would receive them under nobody's or another person's cookie.

Before the snapshot is taken, `PageScope` resolves the connection's session cookie (`AppState._identity`
empties every page state when the session is not the one their data was loaded under) and empties the
page states that the opened page does not use. The opened page's own state is kept, so a dropped
connection that reconnects keeps what the person was typing.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

import reflex as rx
from reflex.middleware import Middleware
from reflex_base.utils.format import format_event_handler

from tpd_app.state.base import AppState, forget

if TYPE_CHECKING:
    from reflex.app import App
    from reflex.state import BaseState, StateUpdate
    from reflex_base.event import Event

#: The events that send the snapshot (`hydrate_and_load` on connect; `hydrate` on Reflex's own rehydrate).
HYDRATE_EVENTS = frozenset(
    format_event_handler(rx.State.event_handlers[name]) for name in ("hydrate", "hydrate_and_load"))


def _route_pattern(route: str) -> re.Pattern[str]:
    """`/catalogue/[course_code]` → a pattern for its paths (`[[...rest]]` matches what remains)."""
    parts = []
    for segment in route.strip("/").split("/"):
        if segment.startswith("[[..."):
            parts.append("(?:/.*)?")
        elif segment.startswith("["):
            parts.append("/[^/]+")
        elif segment:
            parts.append("/" + re.escape(segment))
    return re.compile("".join(parts) + "/?" if parts else "/?")


@dataclasses.dataclass(init=False)
class PageScope(Middleware):
    """Empties, before each hydrate, every page state of the tab that the opened page does not use."""

    pages: tuple[tuple[re.Pattern[str], frozenset[type[AppState]]], ...]

    def __init__(self, pages: Iterable[tuple[str, Iterable[type[AppState]]]]) -> None:
        self.pages = tuple((_route_pattern(route), frozenset(states)) for route, states in pages)

    def states_for(self, path: str) -> frozenset[type[AppState]]:
        """The page states of the page at `path` (those its on_load handlers belong to)."""
        for pattern, states in self.pages:
            if pattern.fullmatch(path or "/"):
                return states
        return frozenset()

    async def preprocess(self, app: App, state: BaseState, event: Event) -> StateUpdate | None:
        if event.name not in HYDRATE_EVENTS:
            return None
        shell = await state.get_state(AppState)
        shell._identity()
        keep = self.states_for(shell.router.url.path)
        for page_state in shell._loaded_page_states():
            if type(page_state) not in keep:
                forget(page_state)
        return None


def page_scope_from(decorated_pages: Iterable[tuple[object, dict]]) -> PageScope:
    """The middleware for the pages registered with `@rx.page` (route and on_load of each)."""
    pages = []
    for _, kwargs in decorated_pages:
        on_load = kwargs.get("on_load")
        handlers = on_load if isinstance(on_load, list) else [on_load] if on_load is not None else []
        pages.append((kwargs["route"], [h.state for h in handlers if isinstance(getattr(h, "state", None), type)]))
    return PageScope(pages)
