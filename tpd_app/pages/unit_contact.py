"""修改本單位通訊資料: the own unit's contact data."""

from __future__ import annotations

import reflex as rx

from tpd_app import routes
from tpd_app.components.forms import field, form, notices, readonly
from tpd_app.components.shell import app_shell
from tpd_app.domain.permissions import Function
from tpd_app.state.profile import UnitContactState

S = UnitContactState


@rx.page(route=routes.FUNCTION_ROUTES[Function.UNIT_CONTACT], on_load=S.load, title="修改本單位通訊資料")
def unit_contact_page() -> rx.Component:
    return app_shell(
        "unit_contact.title",
        rx.hstack(
            readonly("unit_contact.unit", S.values["unit_name"], data_testid="unit-name"),
            readonly("unit_contact.code", S.values["unit_code"]),
            spacing="6",
        ),
        notices(S),
        form(
            S,
            *unit_contact_fields(S),
            max_width="40rem",
        ),
    )


def unit_contact_fields(state: type[rx.State]) -> list[rx.Component]:
    """The contact-data fields of a unit (also the centres' unit editor)."""
    return [
        field(state, "contact_name", "unit_contact.contact_name", required=True, max_length=100),
        field(state, "phone", "unit_contact.phone", type_="tel", required=True, max_length=40),
        field(state, "fax", "unit_contact.fax", type_="tel", max_length=40),
        field(state, "email", "unit_contact.email", type_="email", required=True),
        field(state, "address", "unit_contact.address", required=True, max_length=300),
        field(state, "website", "unit_contact.website", type_="url", max_length=300),
    ]
