"""訂閱 (SPEC §1.3.4): the teacher's subscription to matching courses."""

from __future__ import annotations

from typing import ClassVar

import reflex as rx

from tpd_app.domain.permissions import Function
from tpd_app.services.courses.topics import topic_options
from tpd_app.services.hours import subscriptions
from tpd_app.state.base import AppState
from tpd_app.state.handlers import ActionMixin, Row


class SubscriptionState(ActionMixin, AppState):
    """訂閱: kinds, topics, counties, levels, instant or daily digest."""

    FUNCTION: ClassVar = Function.TEACHER_SUBSCRIPTIONS

    chosen: list[str] = []
    active: bool = False
    digest: bool = False
    has_email: bool = True
    topic_options: list[Row] = []

    def _refresh(self) -> None:
        data = self._use(subscriptions.get_subscription)
        self.active, self.digest, self.has_email = data["active"], data["digest"], data["has_email"]
        self.form_key += 1
        self.chosen = ([f"kind:{v}" for v in data["kinds"]] + [f"topic:{v}" for v in data["topics"]]
                       + [f"county:{v}" for v in data["counties"]] + [f"level:{v}" for v in data["levels"]])
        self.topic_options = self._read(topic_options)

    @rx.event
    def load(self):
        return self._load_page()

    @rx.event
    def save(self, form: dict):
        if not isinstance(form, dict):
            return None
        names = [k for k, v in form.items() if isinstance(k, str) and v in ("on", True, "true")]

        def picked(prefix: str) -> list[str]:
            return [n.split(":", 1)[1] for n in names if n.startswith(prefix + ":")]

        data = {"active": "active" in names, "digest": "digest" in names, "kinds": picked("kind"),
                "topics": picked("topic"), "counties": picked("county"), "levels": picked("level")}
        ok, result = self._attempt(subscriptions.save_subscription, data, notice="subscriptions.saved")
        return self._after(ok, result)
