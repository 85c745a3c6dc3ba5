"""The permission matrix against SPEC §2 / seed §肆, cell by cell, plus categories and jurisdiction."""

from __future__ import annotations

import itertools

import pytest

from tpd_app.domain.permissions import (
    MATRIX,
    TEACHER_FUNCTIONS,
    Actor,
    Function,
    Reason,
    UnitRef,
    allowed_functions,
    decide,
    in_jurisdiction,
    may,
)
from tpd_app.domain.units import AccountCategory, UnitType

# SPEC §2 copied by hand, column order: moe nat k12ea county circle univ school social exper subj.
SEED_TABLE = """
course.register            ◎ ◎ ◎ ◎ ◎ ◎ ◎ ◎ ◎ ◎
course.manage              ◎ ◎ ◎ ◎ ◎ ◎ ◎ ◎ ◎ ◎
course.review              ◎ ◎ ◎ ◎ ◎ . . . . .
autoreview.settings        ◎ ◎ ◎ ◎ ◎ . . . . .
autoreview.browse          ◎ ◎ ◎ ◎ ◎ . . . . .
course.browse_own          ◎ ◎ ◎ ◎ ◎ ◎ ◎ ◎ ◎ ◎
accounts.own_unit          ◎ ◎ ◎ ◎ ◎ ◎ ◎ . ◎ .
accounts.subordinate       . ◎ ◎ ◎ ◎ . . . . .
teachers.enter             . . . . . . ◎ . ◎ .
unit.contact               ◎ ◎ ◎ ◎ ◎ ◎ ◎ ◎ ◎ ◎
county.report_permissions  . ◎ ◎ ◎ . . . . . .
profile.edit               ◎ ◎ ◎ ◎ ◎ ◎ ◎ ◎ ◎ ◎
profile.password           ◎ ◎ ◎ ◎ ◎ ◎ ◎ ◎ ◎ ◎
stats.national             ◎ ◎ . . . . . . . .
stats.county               . ◎ ◎ ◎ . . . . . .
stats.school               . ◎ . . . ◎ ◎ ◎ ◎ .
stats.subject_center       . . . . ◎ . . . . .
"""
COLUMNS = ["moe", "national_center", "k12ea", "county_bureau", "curriculum_circle",
           "teacher_ed_university", "school", "social_ed_org", "experimental_org", "subject_center"]


def _seed() -> dict[str, dict[str, bool]]:
    table = {}
    for line in SEED_TABLE.strip().splitlines():
        key, *cells = line.split()
        assert len(cells) == 10
        table[key] = {col: cell == "◎" for col, cell in zip(COLUMNS, cells, strict=True)}
    return table


SEED = _seed()

# SPEC §1.2 for school / experimental_org accounts, copied by hand.
CATEGORY_TABLE = {
    "course.register": (True, True, True),
    "course.manage": (True, True, True),
    "course.browse_own": (True, True, True),
    "accounts.own_unit": (True, False, False),
    "teachers.manage": (True, True, False),
    "teachers.enter": (True, True, False),
    "stats.school": (True, True, True),
    "teachers.records": (True, True, False),
    "unit.contact": (True, True, True),
    "profile.edit": (True, True, True),
    "profile.password": (True, True, True),
}
CATEGORIES = [AccountCategory.CHIEF, AccountCategory.CONTACT, AccountCategory.OPERATOR]


def _actor(unit_type: str, category: AccountCategory = AccountCategory.CHIEF,
           grants: frozenset[Function] | None = None) -> Actor:
    return Actor(kind="account", id=1, unit=UnitRef(id=10, type=UnitType(unit_type)),
                 category=category, grants=grants)


def test_matrix_has_exactly_the_seventeen_functions_of_the_seed():
    assert {f.value for f in MATRIX} == set(SEED)
    assert len(MATRIX) == 17


def test_there_are_ten_unit_types_in_seed_order():
    assert [t.value for t in UnitType] == COLUMNS


@pytest.mark.parametrize("function", sorted(SEED))
def test_matrix_matches_the_seed_cell_by_cell(function: str):
    for column in COLUMNS:
        assert (UnitType(column) in MATRIX[Function(function)]) is SEED[function][column], (function, column)


@pytest.mark.parametrize(("unit_type", "category"), list(itertools.product(COLUMNS, CATEGORIES)))
def test_every_function_is_allowed_or_denied_as_the_tables_say(unit_type: str, category: AccountCategory):
    actor = _actor(unit_type, category)
    narrowed = unit_type in ("school", "experimental_org")
    for function in Function:
        if function.value.startswith("teacher."):
            expected = False
        elif function.value in ("teachers.manage", "teachers.records"):
            expected = narrowed and CATEGORY_TABLE[function.value][CATEGORIES.index(category)]
        else:
            expected = SEED[function.value][unit_type]
            if narrowed and expected:
                expected = CATEGORY_TABLE[function.value][CATEGORIES.index(category)]
        assert may(actor, function) is expected, (unit_type, category, function)


def test_operator_cannot_manage_business_accounts_or_teachers():
    operator = _actor("school", AccountCategory.OPERATOR)
    assert decide(operator, Function.ACCOUNTS_OWN_UNIT).reason is Reason.CATEGORY
    assert not may(operator, Function.TEACHERS_MANAGE)
    assert not may(operator, Function.TEACHERS_RECORDS)
    assert may(operator, Function.COURSE_REGISTER)


def test_category_does_not_narrow_other_unit_types():
    for category in CATEGORIES:
        assert may(_actor("county_bureau", category), Function.ACCOUNTS_OWN_UNIT)


def test_per_account_grants_narrow_but_never_remove_self_service():
    grants = frozenset({Function.COURSE_REGISTER})
    contact = _actor("school", AccountCategory.CONTACT, grants)
    assert may(contact, Function.COURSE_REGISTER)
    assert decide(contact, Function.TEACHERS_ENTER).reason is Reason.GRANT
    assert may(contact, Function.PROFILE_PASSWORD)
    assert may(contact, Function.UNIT_CONTACT)


def test_grants_cannot_widen_beyond_the_category():
    operator = _actor("school", AccountCategory.OPERATOR, frozenset({Function.ACCOUNTS_OWN_UNIT}))
    assert not may(operator, Function.ACCOUNTS_OWN_UNIT)
    bureau = _actor("county_bureau", grants=frozenset({Function.STATS_NATIONAL}))
    assert not may(bureau, Function.STATS_NATIONAL)


def test_teacher_has_only_the_teacher_functions():
    teacher = Actor(kind="teacher", id=5, unit=UnitRef(id=10, type=UnitType.SCHOOL))
    assert set(allowed_functions(teacher)) == TEACHER_FUNCTIONS
    assert decide(teacher, Function.COURSE_REGISTER).reason is Reason.ACCOUNT_KIND


def test_business_accounts_never_get_teacher_functions():
    for column in COLUMNS:
        assert not any(f.value.startswith("teacher.") for f in allowed_functions(_actor(column)))


BUREAU_A = UnitRef(id=1, type=UnitType.COUNTY_BUREAU, county="TPE", reviewer_id=100)
BUREAU_B = UnitRef(id=2, type=UnitType.COUNTY_BUREAU, county="KHH", reviewer_id=100)
SCHOOL_A = UnitRef(id=3, type=UnitType.SCHOOL, county="TPE", reviewer_id=1)
SCHOOL_B = UnitRef(id=4, type=UnitType.SCHOOL, county="KHH", reviewer_id=2)
NATIONAL_SCHOOL = UnitRef(id=5, type=UnitType.SCHOOL, county="TPE", reviewer_id=6)
K12EA = UnitRef(id=6, type=UnitType.K12EA, reviewer_id=100)


def test_county_bureau_acts_on_its_own_county_schools_only():
    assert in_jurisdiction(BUREAU_A, SCHOOL_A)
    assert not in_jurisdiction(BUREAU_A, SCHOOL_B)
    assert not in_jurisdiction(BUREAU_A, NATIONAL_SCHOOL)
    assert not in_jurisdiction(BUREAU_A, BUREAU_B)
    bureau = Actor(kind="account", id=1, unit=BUREAU_A, category=AccountCategory.CHIEF)
    assert decide(bureau, Function.COURSE_REVIEW, SCHOOL_B).reason is Reason.JURISDICTION
    assert may(bureau, Function.COURSE_REVIEW, SCHOOL_A)


def test_k12ea_reviews_the_national_schools():
    assert in_jurisdiction(K12EA, NATIONAL_SCHOOL)
    assert not in_jurisdiction(K12EA, SCHOOL_A)


def test_moe_and_national_centre_act_everywhere():
    for type_ in (UnitType.MOE, UnitType.NATIONAL_CENTER):
        unit = UnitRef(id=100, type=type_)
        assert all(in_jurisdiction(unit, t) for t in (SCHOOL_A, SCHOOL_B, NATIONAL_SCHOOL, BUREAU_A))


def test_organizer_acts_on_itself_only():
    school = Actor(kind="account", id=1, unit=SCHOOL_A, category=AccountCategory.CHIEF)
    assert may(school, Function.UNIT_CONTACT, SCHOOL_A)
    assert decide(school, Function.UNIT_CONTACT, SCHOOL_B).reason is Reason.JURISDICTION
