"""The status badge renders one arm per member of a status enum, in its colour and label."""

from __future__ import annotations

import re
from enum import StrEnum

import pytest
import reflex as rx

from tests.domain.test_statuses import STATUSES
from tpd_app.components.badges import status_badge
from tpd_app.domain.registration import RegistrationWindow
from tpd_app.i18n import CATALOGUES

_ARM = re.compile(r'case JSON\.stringify\("(?P<value>[^"]*)"\):\s*'
                  r'return jsx\(RadixThemesBadge,\{color:"(?P<colour>\w+)"(?P<props>[^}]*)\},'
                  r'[^;]*\?\.\["(?P<key>[^"]+)"\]\)')


def _arms(component: rx.Component) -> dict[str, tuple[str, str, str]]:
    return {m["value"]: (m["colour"], m["key"], m["props"]) for m in _ARM.finditer(str(component))}


@pytest.mark.parametrize("status", STATUSES, ids=lambda s: s.__name__)
def test_every_member_renders_in_its_colour_with_a_label_both_catalogues_hold(status: type[StrEnum]):
    arms = _arms(status_badge(rx.Var.create("x"), status))
    assert {value: arm[:2] for value, arm in arms.items()} == {m.value: (m.colour, m.label_key) for m in status}
    assert all(key in CATALOGUES["zh-TW"] and key in CATALOGUES["en"] for _, key, _ in arms.values())
    assert all('"data-testid":"status-badge"' in props and 'variant:"soft"' in props for _, _, props in arms.values())


def test_a_status_without_a_colour_cannot_render():
    class Half(StrEnum):
        KNOWN = "known"
        FORGOTTEN = "forgotten"

        @property
        def label_key(self) -> str:
            return f"status.{self.value}"

        @property
        def colour(self) -> str:
            return {Half.KNOWN: "green"}[self]

    with pytest.raises(KeyError):
        status_badge(rx.Var.create("known"), Half)


def test_an_unknown_value_shows_as_itself_in_grey_unless_a_fallback_is_given():
    rendered = str(status_badge(rx.Var.create("none"), RegistrationWindow))
    assert ('default:\n      return jsx(RadixThemesBadge,{color:"gray","data-testid":"status-badge",variant:"soft"},'
            '"none")') in rendered
    quiet = str(status_badge(rx.Var.create("none"), RegistrationWindow, testid=None, fallback=rx.fragment()))
    assert "data-testid" not in quiet
    assert "default:\n      return jsx(Fragment,{},)" in quiet
