"""Every workflow status names a badge colour and a label that both catalogues hold."""

from __future__ import annotations

from enum import StrEnum

import pytest

from tpd_app.domain.accounts import (
    AccountStatus,
    ApplicationStatus,
    AuditOutcome,
    DirectoryChangeStatus,
    Employment,
    ImportOutcome,
)
from tpd_app.domain.courses import CourseStatus
from tpd_app.domain.registration import ListStatus, RegistrationStatus, RegistrationWindow
from tpd_app.i18n import CATALOGUES

STATUSES: tuple[type[StrEnum], ...] = (
    CourseStatus, RegistrationStatus, ListStatus, RegistrationWindow, AccountStatus, Employment,
    ApplicationStatus, DirectoryChangeStatus, ImportOutcome, AuditOutcome,
)
#: The colours Radix Themes offers as a `color_scheme`.
RADIX_COLOURS = frozenset({
    "tomato", "red", "ruby", "crimson", "pink", "plum", "purple", "violet", "iris", "indigo", "blue", "cyan", "teal",
    "jade", "green", "grass", "brown", "orange", "sky", "mint", "lime", "yellow", "amber", "gold", "bronze", "gray",
})
MEMBERS = [pytest.param(member, id=f"{status.__name__}.{member.name}") for status in STATUSES for member in status]


@pytest.mark.parametrize("member", MEMBERS)
def test_every_status_has_a_radix_colour(member):
    assert member.colour in RADIX_COLOURS


@pytest.mark.parametrize("member", MEMBERS)
def test_every_status_label_is_in_both_catalogues(member):
    assert member.label_key in CATALOGUES["zh-TW"]
    assert member.label_key in CATALOGUES["en"]


@pytest.mark.parametrize("status", STATUSES, ids=lambda s: s.__name__)
def test_label_keys_name_their_value(status):
    assert all(member.label_key.endswith(f".{member.value}") for member in status)


def test_the_colours_are_those_the_badges_showed_before_the_enums():
    shown = {
        RegistrationStatus: {"pending": "amber", "accepted": "green", "declined": "red", "waiting": "blue",
                             "withdrawn": "gray", "cancelled": "gray"},
        ListStatus: {"none": "gray", "draft": "amber", "submitted": "blue", "returned": "orange",
                     "confirmed": "green"},
        RegistrationWindow: {"open": "green", "upcoming": "blue", "closed": "gray"},
        AccountStatus: {"active": "green", "pending": "amber", "disabled": "gray"},
        Employment: {"serving": "green", "left": "gray", "retired": "gray"},
        ApplicationStatus: {"pending": "amber", "approved": "green", "rejected": "red"},
        DirectoryChangeStatus: {"scheduled": "amber", "applied": "blue", "acknowledged": "green"},
        ImportOutcome: {"added": "green", "error": "red"},
        AuditOutcome: {outcome.value: "gray" for outcome in AuditOutcome},
    }
    assert {status: {m.value: m.colour for m in status} for status in shown} == shown


def test_stored_values_are_unchanged():
    assert [s.value for s in AccountStatus] == ["pending", "active", "disabled"]
    assert [s.value for s in ApplicationStatus] == ["pending", "approved", "rejected"]
    assert [s.value for s in DirectoryChangeStatus] == ["scheduled", "applied", "acknowledged"]
    assert [s.value for s in Employment] == ["serving", "left", "retired"]


def test_a_status_without_a_colour_for_every_member_is_refused_when_declared():
    from tpd_app.domain.statuses import Status, styled

    class Half(Status):
        ONE = "one"
        TWO = "two"

    with pytest.raises(TypeError):
        styled("half", one="green")(Half)
    with pytest.raises(TypeError):
        styled("half", one="green", two="red", three="blue")(Half)
    assert styled("half", one="green", two="red")(Half).TWO.colour == "red"
    assert Half.ONE.label_key == "half.one"
