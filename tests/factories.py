"""Factories and the fixed cast of test personas (one per unit type and category)."""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from sqlmodel import Session

from tpd_app.domain.national_id import check_digit
from tpd_app.domain.permissions import Actor
from tpd_app.domain.units import AccountCategory, UnitType
from tpd_app.models import BusinessAccount, Teacher, Unit
from tpd_app.services.accounts.auth import actor_for_account
from tpd_app.services.platform.guard import unit_ref
from tpd_app.services.platform.passwords import hash_password

PASSWORD = "correct-horse-42"
_seq = itertools.count(1)


def xlsx(header: Sequence[object], rows: Iterable[Sequence[object]]) -> bytes:
    """An Excel upload: one header row, then `rows`."""
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def make_unit(session: Session, type_: UnitType, *, county: str | None = "TPE",
              reviewer: Unit | None = None, name: str | None = None, status: str = "active") -> Unit:
    n = next(_seq)
    unit = Unit(type=type_.value, code=f"T{n:05d}", name=name or f"{type_.value} {n}", county=county,
                reviewer_id=reviewer.id if reviewer else None, status=status,
                address="高雄市苓雅區和平一路116號", phone="07-7172930", email=f"u{n}@example.edu.tw",
                contact_name="承辦人")
    session.add(unit)
    session.flush()
    return unit


def make_account(session: Session, unit: Unit, *, category: AccountCategory = AccountCategory.CHIEF,
                 status: str = "active", password: str = PASSWORD, grants: list[str] | None = None,
                 username: str | None = None) -> BusinessAccount:
    account = BusinessAccount(username=username or f"user{next(_seq)}", password_hash=hash_password(password),
                              unit_id=unit.id or 0, category=category.value, status=status, grants=grants,
                              name="測試人員", email="staff@example.edu.tw")
    session.add(account)
    session.flush()
    return account


def new_national_id(letter: str = "A") -> str:
    prefix = f"{letter}2{next(_seq):07d}"
    return prefix + check_digit(prefix)


def make_teacher(session: Session, school: Unit, *, national_id: str | None = None,
                 password: str | None = PASSWORD, status: str = "active") -> Teacher:
    teacher = Teacher(national_id=national_id or new_national_id(), name="王老師", school_unit_id=school.id or 0,
                      email="teacher@example.edu.tw", status=status,
                      password_hash=hash_password(password) if password else None)
    session.add(teacher)
    session.flush()
    return teacher


@dataclass
class World:
    """A small network: ministry, national centre, two counties with schools, a teacher."""

    moe: Unit
    nc: Unit
    k12ea: Unit
    bureau_a: Unit
    bureau_b: Unit
    circle: Unit
    school_a: Unit
    school_b: Unit
    national_school: Unit
    subject_center: Unit
    university: Unit

    def actor(self, session: Session, unit: Unit,
              category: AccountCategory = AccountCategory.CHIEF) -> Actor:
        return actor_for_account(make_account(session, unit, category=category), unit)

    def teacher_actor(self, session: Session, school: Unit | None = None) -> Actor:
        school = school or self.school_a
        return actor_for_teacher(make_teacher(session, school), school)


def make_world(session: Session) -> World:
    moe = make_unit(session, UnitType.MOE)
    nc = make_unit(session, UnitType.NATIONAL_CENTER, county="KHH")
    k12ea = make_unit(session, UnitType.K12EA, reviewer=nc)
    bureau_a = make_unit(session, UnitType.COUNTY_BUREAU, county="TPE", reviewer=nc)
    bureau_b = make_unit(session, UnitType.COUNTY_BUREAU, county="KHH", reviewer=nc)
    circle = make_unit(session, UnitType.CURRICULUM_CIRCLE, reviewer=nc)
    return World(
        moe=moe, nc=nc, k12ea=k12ea, bureau_a=bureau_a, bureau_b=bureau_b, circle=circle,
        school_a=make_unit(session, UnitType.SCHOOL, county="TPE", reviewer=bureau_a),
        school_b=make_unit(session, UnitType.SCHOOL, county="KHH", reviewer=bureau_b),
        national_school=make_unit(session, UnitType.SCHOOL, county="KHH", reviewer=k12ea),
        subject_center=make_unit(session, UnitType.SUBJECT_CENTER, reviewer=circle),
        university=make_unit(session, UnitType.TEACHER_ED_UNIVERSITY, reviewer=nc),
    )


def actor_for_teacher(teacher: Teacher, school: Unit) -> Actor:
    """The Actor of a teacher row (what signing in as her resolves to)."""
    assert teacher.id is not None
    return Actor(kind="teacher", id=teacher.id, unit=unit_ref(school))
