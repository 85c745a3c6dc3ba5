"""The status badge: a workflow status in its label and colour, both named by the status's domain enum."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

import reflex as rx

from tpd_app.components import tokens
from tpd_app.components.i18n import tr

#: The test id browser journeys find a status by.
STATUS_TESTID = "status-badge"


class Status(Protocol):
    """A member of a status enum in `tpd_app.domain` (e.g. `CourseStatus`)."""

    @property
    def value(self) -> str: ...

    @property
    def label_key(self) -> str: ...

    @property
    def colour(self) -> str: ...


def status_badge(value: rx.Var, status: Iterable[Status], *, testid: str | None = STATUS_TESTID,
                 fallback: rx.Component | None = None, **props) -> rx.Component:
    """`value` as a badge of the `status` enum, one `rx.match` arm per member.

    A value the enum does not know shows as itself in a neutral badge, or as `fallback`;
    `testid=None` leaves the badge without a test id.
    """
    marked = {"data_testid": testid, **props} if testid else props
    arms = [(member.value, rx.badge(tr(member.label_key), color_scheme=member.colour, variant="soft", **marked))
            for member in status]
    unknown = rx.badge(value, color_scheme=tokens.NEUTRAL, variant="soft", **marked) if fallback is None else fallback
    return rx.match(value, *arms, unknown)
