"""State of the pages of functions that later issues build."""

from __future__ import annotations

import reflex as rx

from tpd_app import routes
from tpd_app.state.base import AppState


class ComingSoonState(AppState):
    """Guards a not-yet-built function's page like any other (the matrix still applies)."""

    function_key: str = ""

    @rx.event
    def load(self):
        function = routes.FUNCTION_BY_ROUTE.get(self.router.url.path.rstrip("/") or "/")
        self.function_key = function.value if function else ""
        if function is None:
            return rx.redirect(routes.DASHBOARD)
        _, event = self._enter_page(function)
        return event
