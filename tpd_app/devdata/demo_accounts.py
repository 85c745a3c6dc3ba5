"""Demo data of the account chain: pending applications, a disabled account, teacher history, a
scheduled directory change — so the activation queues and rosters have something to show."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from tpd_app.domain.national_id import check_digit
from tpd_app.domain.units import AccountCategory, SchoolLevel, UnitType
from tpd_app.models import (
    AccountApplication,
    BusinessAccount,
    DirectoryChange,
    Teacher,
    TeacherApplication,
    TeacherPlacement,
    Unit,
)

#: (username, unit code, category, name, title): applications waiting for activation.
PENDING_APPLICATIONS: tuple[tuple[str, str, AccountCategory, str, str], ...] = (
    ("apply-heping-contact", "353601", AccountCategory.CONTACT, "周佳穎", "註冊組長"),
    ("apply-xingya-chief", "353602", AccountCategory.CHIEF, "李國華", "教務主任"),
    ("apply-wufu-chief", "553502", AccountCategory.CHIEF, "蘇雅惠", "教務主任"),
)
DISABLED_ACCOUNT = ("demo-school-disabled", "353601", AccountCategory.OPERATOR, "何俊賢", "前任幹事")
DEMO_TEACHER_APPLICANT = ("A28000000", "陳思妤")


def _units(session: Session) -> dict[str, Unit]:
    return {u.code: u for u in session.exec(select(Unit))}


def build_account_chain(session: Session, password_hash: str) -> dict[str, int]:
    """Add the demo applications, the disabled account, placements and a planned school."""
    units = _units(session)
    for username, code, category, name, title in PENDING_APPLICATIONS:
        session.add(AccountApplication(unit_id=units[code].id or 0, category=category.value, username=username,
                                       password_hash=password_hash, name=name, title=title,
                                       email=f"{username}@demo.tpd.edu.tw", phone=units[code].phone))
    username, code, category, name, title = DISABLED_ACCOUNT
    session.add(BusinessAccount(username=username, password_hash=password_hash, unit_id=units[code].id or 0,
                                category=category.value, status="disabled", name=name, title=title,
                                email=f"{username}@demo.tpd.edu.tw"))
    prefix, applicant = DEMO_TEACHER_APPLICANT
    session.add(TeacherApplication(national_id=prefix + check_digit(prefix), name=applicant,
                                   school_unit_id=units["353601"].id or 0, email="siyu.chen@demo.tpd.edu.tw",
                                   birth_date=date(1996, 9, 3), password_hash=password_hash))
    placements = 0
    for teacher in session.exec(select(Teacher)).all():
        school = session.get(Unit, teacher.school_unit_id)
        session.add(TeacherPlacement(teacher_id=teacher.id or 0, unit_id=teacher.school_unit_id,
                                     unit_name=school.name if school else "", reason="entered"))
        placements += 1
    bureau = units["CB-TPE"]
    planned = Unit(code="353699", name="臺北市信義區新設國民小學", type=UnitType.SCHOOL.value, county="TPE",
                   school_level=SchoolLevel.ELEMENTARY.value, reviewer_id=bureau.id, parent_id=bureau.id,
                   status="planned")
    session.add(planned)
    session.flush()
    reporter = session.exec(select(BusinessAccount).where(BusinessAccount.username == "demo-county_bureau")).one()
    session.add(DirectoryChange(kind="new", unit_id=planned.id or 0, unit_name_before="",
                                unit_name_after=planned.name, unit_code=planned.code,
                                effective_date=date(2027, 8, 1), note="114 學年度籌備，115 學年度招生",
                                reported_by_id=reporter.id or 0, reporter_unit_id=bureau.id or 0,
                                status="scheduled"))
    session.flush()
    return {"applications": len(PENDING_APPLICATIONS) + 1, "placements": placements}
