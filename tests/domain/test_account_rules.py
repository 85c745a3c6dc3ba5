"""The pure rules of who activates and manages whom (no database)."""

from __future__ import annotations

import pytest

from tpd_app.domain import accounts as rules
from tpd_app.domain.permissions import Actor, UnitRef
from tpd_app.domain.units import AccountCategory, UnitType

C, U = AccountCategory, UnitType
NC = UnitRef(1, U.NATIONAL_CENTER)
MOE = UnitRef(2, U.MOE)
BUREAU_A = UnitRef(3, U.COUNTY_BUREAU, "TPE", reviewer_id=1)
BUREAU_B = UnitRef(4, U.COUNTY_BUREAU, "KHH", reviewer_id=1)
K12EA = UnitRef(5, U.K12EA, reviewer_id=1)
SCHOOL_A = UnitRef(10, U.SCHOOL, "TPE", reviewer_id=3)
NATIONAL_SCHOOL = UnitRef(11, U.SCHOOL, "KHH", reviewer_id=5)
UNIVERSITY = UnitRef(12, U.TEACHER_ED_UNIVERSITY, reviewer_id=1)
SOCIAL = UnitRef(13, U.SOCIAL_ED_ORG, reviewer_id=1)


def _actor(unit: UnitRef, category: AccountCategory = C.CHIEF, grants: frozenset | None = None,
           actor_id: int = 99) -> Actor:
    return Actor(kind="account", id=actor_id, unit=unit, category=category, grants=grants)


@pytest.mark.parametrize(("actor", "target", "allowed"), [
    (_actor(NC), BUREAU_A, True), (_actor(NC), UNIVERSITY, True), (_actor(NC), SOCIAL, True),
    (_actor(NC), SCHOOL_A, True),
    (_actor(BUREAU_A), SCHOOL_A, True), (_actor(BUREAU_B), SCHOOL_A, False),
    (_actor(BUREAU_A), BUREAU_A, False), (_actor(BUREAU_A), UNIVERSITY, False),
    (_actor(K12EA), NATIONAL_SCHOOL, True), (_actor(K12EA), SCHOOL_A, False),
    (_actor(MOE), SCHOOL_A, False), (_actor(SCHOOL_A), SCHOOL_A, False),
])
def test_who_activates_a_units_first_chief(actor: Actor, target: UnitRef, allowed: bool):
    problem = rules.activation_problem(actor, target, C.CHIEF, unit_has_active_chief=False)
    assert (problem is None) == allowed


@pytest.mark.parametrize(("actor", "allowed"), [
    (_actor(NC), True), (_actor(BUREAU_A), False), (_actor(SCHOOL_A), False), (_actor(MOE), False),
])
def test_only_the_national_centre_decides_a_chief_change(actor: Actor, allowed: bool):
    problem = rules.activation_problem(actor, SCHOOL_A, C.CHIEF, unit_has_active_chief=True)
    assert (problem is None) == allowed


@pytest.mark.parametrize(("actor", "allowed"), [
    (_actor(SCHOOL_A), True), (_actor(SCHOOL_A, C.CONTACT), False), (_actor(SCHOOL_A, C.OPERATOR), False),
    (_actor(SCHOOL_A, grants=frozenset()), False), (_actor(BUREAU_A), True), (_actor(BUREAU_B), False),
    (_actor(UNIVERSITY), False),
])
def test_who_activates_a_schools_contact(actor: Actor, allowed: bool):
    problem = rules.activation_problem(actor, SCHOOL_A, C.CONTACT, unit_has_active_chief=True)
    assert (problem is None) == allowed


def test_inside_the_unit_the_chief_is_untouchable_and_nobody_manages_themselves():
    chief = _actor(SCHOOL_A)
    assert rules.manage_problem(chief, SCHOOL_A, account_id=7, account_category=C.CHIEF) == \
        "accounts.error.chief_untouchable"
    assert rules.manage_problem(chief, SCHOOL_A, account_id=7, account_category=C.OPERATOR) is None
    assert rules.manage_problem(chief, SCHOOL_A, account_id=99, account_category=C.OPERATOR) == \
        "accounts.error.own_account"
    assert rules.manage_problem(_actor(BUREAU_A), SCHOOL_A, account_id=7, account_category=C.CHIEF) is None


@pytest.mark.parametrize(("current", "new", "allowed"), [
    (C.CONTACT, C.OPERATOR, True), (C.OPERATOR, C.CONTACT, True), (C.CONTACT, C.CHIEF, False),
    (C.CHIEF, C.CONTACT, False),
])
def test_category_switches_never_involve_the_chief(current: AccountCategory, new: AccountCategory, allowed: bool):
    for actor in (_actor(SCHOOL_A), _actor(BUREAU_A), _actor(NC)):
        problem = rules.category_switch_problem(actor, SCHOOL_A, account_id=7, current=current, new=new)
        assert (problem is None) == allowed


def test_the_last_active_chief_cannot_be_disabled():
    last = rules.disable_problem(category=C.CHIEF, status="active", other_active_chiefs=0)
    assert last == "accounts.error.last_chief"
    assert rules.disable_problem(category=C.CHIEF, status="active", other_active_chiefs=1) is None
    assert rules.disable_problem(category=C.OPERATOR, status="active", other_active_chiefs=0) is None


def test_grants_narrow_within_the_category_and_all_means_none():
    assert rules.narrowed_grants(U.SCHOOL, C.OPERATOR, ["course.register"]) == (["course.register"], None)
    assert rules.narrowed_grants(U.SCHOOL, C.OPERATOR, ["teachers.enter"])[1] == \
        "accounts.error.grant_outside_category"
    every = ["course.register", "course.manage", "course.browse_own", "stats.school"]
    assert rules.narrowed_grants(U.SCHOOL, C.OPERATOR, every) == (None, None)
    assert rules.grants_after_category_change(U.SCHOOL, C.OPERATOR, ["course.register", "teachers.enter"]) == \
        ["course.register"]


def test_audit_log_readers_and_directory_reporters():
    assert rules.may_view_audit(_actor(MOE)) and rules.may_view_audit(_actor(BUREAU_A))
    assert not rules.may_view_audit(_actor(SCHOOL_A)) and not rules.may_view_audit(_actor(UNIVERSITY))
    assert rules.directory_problem(_actor(BUREAU_A), SCHOOL_A) is None
    assert rules.directory_problem(_actor(BUREAU_B), SCHOOL_A) == "error.forbidden.jurisdiction"
    assert rules.directory_problem(_actor(K12EA), NATIONAL_SCHOOL) is None
    assert rules.directory_problem(_actor(SCHOOL_A), SCHOOL_A) == "error.forbidden.unit_type"
