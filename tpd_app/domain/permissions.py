"""The permission matrix of seed §肆 as data, and the one rule that reads it.

Everything that decides whether someone may use a function — navigation, page
guards, event handlers, SQL scopes — goes through `decide` / `may`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from tpd_app.domain.units import (
    CATEGORY_NARROWED,
    NATIONWIDE,
    REGIONAL_CENTERS,
    AccountCategory,
    UnitType,
)

U = UnitType


class Function(StrEnum):
    """Every function key of the system (SPEC §1.2, §1.3, §2)."""

    COURSE_REGISTER = "course.register"
    COURSE_MANAGE = "course.manage"
    COURSE_REVIEW = "course.review"
    AUTOREVIEW_SETTINGS = "autoreview.settings"
    AUTOREVIEW_BROWSE = "autoreview.browse"
    COURSE_BROWSE_OWN = "course.browse_own"
    ACCOUNTS_OWN_UNIT = "accounts.own_unit"
    ACCOUNTS_SUBORDINATE = "accounts.subordinate"
    TEACHERS_ENTER = "teachers.enter"
    UNIT_CONTACT = "unit.contact"
    COUNTY_REPORT_PERMISSIONS = "county.report_permissions"
    PROFILE_EDIT = "profile.edit"
    PROFILE_PASSWORD = "profile.password"
    STATS_NATIONAL = "stats.national"
    STATS_COUNTY = "stats.county"
    STATS_SCHOOL = "stats.school"
    STATS_SUBJECT_CENTER = "stats.subject_center"
    # SPEC §1.2: school/experimental-institution staff functions outside the seed table.
    TEACHERS_MANAGE = "teachers.manage"
    TEACHERS_RECORDS = "teachers.records"
    # SPEC §1.3: teacher accounts.
    TEACHER_RECORDS = "teacher.records"
    TEACHER_REGISTER = "teacher.register"
    TEACHER_REGISTRATIONS = "teacher.registrations"
    TEACHER_SUBSCRIPTIONS = "teacher.subscriptions"


F = Function

_ALL = frozenset(UnitType)
_CENTRES = frozenset({U.MOE, U.NATIONAL_CENTER, U.K12EA, U.COUNTY_BUREAU, U.CURRICULUM_CIRCLE})

#: Seed §肆: the seventeen business functions and the unit types that have them (◎).
MATRIX: dict[Function, frozenset[UnitType]] = {
    F.COURSE_REGISTER: _ALL,
    F.COURSE_MANAGE: _ALL,
    F.COURSE_REVIEW: _CENTRES,
    F.AUTOREVIEW_SETTINGS: _CENTRES,
    F.AUTOREVIEW_BROWSE: _CENTRES,
    F.COURSE_BROWSE_OWN: _ALL,
    F.ACCOUNTS_OWN_UNIT: _ALL - {U.SOCIAL_ED_ORG, U.SUBJECT_CENTER},
    F.ACCOUNTS_SUBORDINATE: frozenset(
        {U.NATIONAL_CENTER, U.K12EA, U.COUNTY_BUREAU, U.CURRICULUM_CIRCLE}
    ),
    F.TEACHERS_ENTER: frozenset({U.SCHOOL, U.EXPERIMENTAL_ORG}),
    F.UNIT_CONTACT: _ALL,
    F.COUNTY_REPORT_PERMISSIONS: frozenset({U.NATIONAL_CENTER, U.K12EA, U.COUNTY_BUREAU}),
    F.PROFILE_EDIT: _ALL,
    F.PROFILE_PASSWORD: _ALL,
    F.STATS_NATIONAL: frozenset({U.MOE, U.NATIONAL_CENTER}),
    F.STATS_COUNTY: frozenset({U.NATIONAL_CENTER, U.K12EA, U.COUNTY_BUREAU}),
    F.STATS_SCHOOL: frozenset(
        {
            U.NATIONAL_CENTER,
            U.TEACHER_ED_UNIVERSITY,
            U.SCHOOL,
            U.SOCIAL_ED_ORG,
            U.EXPERIMENTAL_ORG,
        }
    ),
    F.STATS_SUBJECT_CENTER: frozenset({U.CURRICULUM_CIRCLE}),
}

#: SPEC §1.2 / §2: teacher-account management and teacher records belong to the two
#: unit types that have teachers; they are not rows of the seed table.
STAFF_FUNCTIONS: dict[Function, frozenset[UnitType]] = {
    F.TEACHERS_MANAGE: CATEGORY_NARROWED,
    F.TEACHERS_RECORDS: CATEGORY_NARROWED,
}

BUSINESS_FUNCTIONS: dict[Function, frozenset[UnitType]] = {**MATRIX, **STAFF_FUNCTIONS}

#: Seed §肆.四.(三).4: what each category of a school/experimental-institution account has.
_CATEGORY_BASE = frozenset(
    {F.COURSE_REGISTER, F.COURSE_MANAGE, F.COURSE_BROWSE_OWN, F.STATS_SCHOOL}
)
#: Open to all three categories whatever the seed list says (SPEC §1.2, last paragraph).
CATEGORY_NEUTRAL: frozenset[Function] = frozenset(
    {F.UNIT_CONTACT, F.PROFILE_EDIT, F.PROFILE_PASSWORD}
)
CATEGORY_FUNCTIONS: dict[AccountCategory, frozenset[Function]] = {
    AccountCategory.CHIEF: _CATEGORY_BASE
    | {F.ACCOUNTS_OWN_UNIT, F.TEACHERS_MANAGE, F.TEACHERS_ENTER, F.TEACHERS_RECORDS},
    AccountCategory.CONTACT: _CATEGORY_BASE
    | {F.TEACHERS_MANAGE, F.TEACHERS_ENTER, F.TEACHERS_RECORDS},
    AccountCategory.OPERATOR: _CATEGORY_BASE,
}

#: SPEC §1.3: what a teacher account may use.
TEACHER_FUNCTIONS: frozenset[Function] = frozenset(
    {
        F.TEACHER_RECORDS,
        F.TEACHER_REGISTER,
        F.TEACHER_REGISTRATIONS,
        F.TEACHER_SUBSCRIPTIONS,
        F.PROFILE_EDIT,
        F.PROFILE_PASSWORD,
    }
)

#: Functions that act on the caller's own record only, never on another unit.
SELF_FUNCTIONS: frozenset[Function] = frozenset({F.PROFILE_EDIT, F.PROFILE_PASSWORD})


@dataclass(frozen=True)
class UnitRef:
    """The facts about a unit that access decisions need (no database)."""

    id: int
    type: UnitType
    county: str | None = None
    reviewer_id: int | None = None


@dataclass(frozen=True)
class Actor:
    """Whoever is signed in: a business account or a teacher; or an API client calling for its owner unit
    (`kind="client"`, `id` the client's: it is decided like an account of that unit).

    `grants` is the per-account narrowing (None: everything the category allows); a client's scopes.
    """

    kind: Literal["account", "teacher", "client"]
    id: int
    unit: UnitRef
    category: AccountCategory | None = None
    grants: frozenset[Function] | None = field(default=None)

    @property
    def is_teacher(self) -> bool:
        return self.kind == "teacher"

    @property
    def account_id(self) -> int | None:
        """The business account acting (None for a teacher or an API client): what `*_by_account_id` keeps."""
        return self.id if self.kind == "account" else None


class Reason(StrEnum):
    """Why a request was refused; each value is also an i18n message key suffix."""

    ALLOWED = "allowed"
    UNIT_TYPE = "unit_type"
    CATEGORY = "category"
    GRANT = "grant"
    JURISDICTION = "jurisdiction"
    ACCOUNT_KIND = "account_kind"


@dataclass(frozen=True)
class Decision:
    """The answer of `decide`: allowed or not, and why."""

    allowed: bool
    reason: Reason

    def __bool__(self) -> bool:
        return self.allowed


_OK = Decision(True, Reason.ALLOWED)


def in_jurisdiction(unit: UnitRef, target: UnitRef) -> bool:
    """Whether `unit` may act on `target` (SPEC §1.1 reviewing centres).

    `moe` and the national centre act everywhere, a regional centre on itself and
    the units it reviews, every other unit on itself only.
    """
    if target.id == unit.id or unit.type in NATIONWIDE:
        return True
    if unit.type in REGIONAL_CENTERS:
        return target.reviewer_id == unit.id
    return False


def decide(actor: Actor, function: Function, target: UnitRef | None = None) -> Decision:
    """May `actor` use `function`, on `target` when one is given?

    Pure: no database. The order of the checks gives the most useful reason.
    """
    if actor.is_teacher:
        if function not in TEACHER_FUNCTIONS:
            return Decision(False, Reason.ACCOUNT_KIND)
        if target is not None:
            return Decision(False, Reason.JURISDICTION)
        return _OK

    allowed_types = BUSINESS_FUNCTIONS.get(function)
    if allowed_types is None:
        return Decision(False, Reason.ACCOUNT_KIND)
    if actor.unit.type not in allowed_types:
        return Decision(False, Reason.UNIT_TYPE)
    if (
        actor.unit.type in CATEGORY_NARROWED
        and function not in CATEGORY_NEUTRAL
        and (actor.category is None or function not in CATEGORY_FUNCTIONS[actor.category])
    ):
        return Decision(False, Reason.CATEGORY)
    if (
        actor.grants is not None
        and function not in actor.grants
        and function not in CATEGORY_NEUTRAL
    ):
        return Decision(False, Reason.GRANT)
    if target is not None:
        if function in SELF_FUNCTIONS:
            return Decision(False, Reason.JURISDICTION)
        if not in_jurisdiction(actor.unit, target):
            return Decision(False, Reason.JURISDICTION)
    return _OK


def may(actor: Actor, function: Function, target: UnitRef | None = None) -> bool:
    """Shorthand for `decide(...).allowed`."""
    return decide(actor, function, target).allowed


def allowed_functions(actor: Actor) -> list[Function]:
    """Every function the actor may use, in `Function` order."""
    return [f for f in Function if may(actor, f)]


def grantable_functions(unit_type: UnitType, category: AccountCategory) -> frozenset[Function]:
    """The functions a per-account grant can switch on or off for this unit type and category."""
    by_type = {f for f, types in BUSINESS_FUNCTIONS.items() if unit_type in types}
    if unit_type in CATEGORY_NARROWED:
        by_type &= CATEGORY_FUNCTIONS[category]
    return frozenset(by_type - CATEGORY_NEUTRAL)
