"""Realistic demo data: the real unit tree, fictional people, one demo account per unit type.

Loaded by `./scripts/run` when the database is empty; never in a real deployment.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from tpd_app.devdata.demo_accounts import build_account_chain
from tpd_app.devdata.demo_courses import load_demo_courses
from tpd_app.devdata.demo_helpdesk import load_demo_helpdesk
from tpd_app.devdata.demo_hours import load_demo_hours
from tpd_app.devdata.demo_newsletter import load_demo_newsletter
from tpd_app.devdata.demo_portal import load_demo_portal
from tpd_app.devdata.demo_stats import load_demo_hours as load_demo_statistics
from tpd_app.domain.national_id import check_digit
from tpd_app.domain.units import COUNTIES, AccountCategory, SchoolLevel, UnitType
from tpd_app.models import BusinessAccount, Teacher, Unit
from tpd_app.services.platform.passwords import hash_password
from tpd_app.services.stats.rollups import rebuild_rollups

DEMO_PASSWORD = "tpd-demo-2026"
DEMO_TEACHER_ID = "A123456789"
DEMO_COUNTY = "TPE"

U = UnitType
L = SchoolLevel

#: The county letter of the national ID (the first letter says where it was issued).
_ID_LETTER = {"TPE": "A", "KHH": "E", "TNN": "D", "NWT": "F", "TXG": "B"}

_SURNAMES = "陳林黃張李王吳劉蔡楊許鄭謝郭洪曾邱廖賴周徐蘇葉莊呂江何蕭羅高"
_GIVEN = [
    "怡君", "雅婷", "淑芬", "志明", "俊宏", "佩珊", "冠宇", "家豪", "詩涵", "宗翰",
    "美玲", "建宏", "欣怡", "承恩", "雅雯", "柏翰", "婉婷", "明哲", "惠雯", "哲瑋",
    "筱涵", "彥廷", "靜宜", "育誠", "玉珍", "信宏", "品妤", "國豪", "秀英", "睿哲",
]


@dataclass(frozen=True)
class SchoolSeed:
    """A demo school: code, name, county, level, and whether 國教署 reviews it."""

    code: str
    name: str
    county: str
    level: SchoolLevel
    national: bool = False


SCHOOLS: tuple[SchoolSeed, ...] = (
    SchoolSeed("353601", "臺北市大安區和平國民小學", "TPE", L.ELEMENTARY),
    SchoolSeed("353602", "臺北市信義區興雅國民小學", "TPE", L.ELEMENTARY),
    SchoolSeed("353503", "臺北市立仁愛國民中學", "TPE", L.JUNIOR_HIGH),
    SchoolSeed("353301", "臺北市立松山高級中學", "TPE", L.SENIOR_HIGH),
    SchoolSeed("353K01", "臺北市私立小太陽幼兒園", "TPE", L.KINDERGARTEN),
    SchoolSeed("553601", "高雄市苓雅區四維國民小學", "KHH", L.ELEMENTARY),
    SchoolSeed("553502", "高雄市立五福國民中學", "KHH", L.JUNIOR_HIGH),
    SchoolSeed("553301", "高雄市立高雄高級中學", "KHH", L.SENIOR_HIGH),
    SchoolSeed("553K01", "高雄市立小港幼兒園", "KHH", L.KINDERGARTEN),
    SchoolSeed("213601", "臺南市中西區進學國民小學", "TNN", L.ELEMENTARY),
    SchoolSeed("213502", "臺南市立建興國民中學", "TNN", L.JUNIOR_HIGH),
    SchoolSeed("213301", "臺南市立永仁高級中學", "TNN", L.SENIOR_HIGH),
    SchoolSeed("213K01", "臺南市立第一幼兒園", "TNN", L.KINDERGARTEN),
    SchoolSeed("580301", "國立鳳新高級中學", "KHH", L.SENIOR_HIGH, national=True),
    SchoolSeed("210301", "國立臺南第一高級中學", "TNN", L.SENIOR_HIGH, national=True),
    SchoolSeed("010301", "國立華僑高級中等學校", "NWT", L.SENIOR_HIGH, national=True),
)

UNIVERSITIES = (
    ("0001", "國立臺灣師範大學", "TPE"),
    ("0002", "國立彰化師範大學", "CHA"),
    ("0003", "國立臺北教育大學", "TPE"),
    ("0004", "國立臺中教育大學", "TXG"),
)
SOCIAL_ORGS = (
    ("S001", "國立科學工藝博物館", "KHH"),
    ("S002", "財團法人臺灣教師專業發展基金會", "TPE"),
)
EXPERIMENTAL_ORGS = (
    ("X001", "臺北市自主學習實驗教育機構", "TPE"),
    ("X002", "高雄市山海共學實驗教育機構", "KHH"),
)
SUBJECT_CENTERS = (
    ("C001", "普通型高中數學學科中心", "TNN"),
    ("C002", "普通型高中英文學科中心", "TPE"),
    ("C003", "普通型高中自然科學科中心", "TXG"),
)

#: (username, unit code, category, name, title) of the demo business accounts.
DEMO_ACCOUNTS: tuple[tuple[str, str, AccountCategory, str, str], ...] = (
    ("demo-moe", "MOE", AccountCategory.CHIEF, "周明德", "科長"),
    ("demo-national_center", "NC", AccountCategory.CHIEF, "黃淑惠", "專案經理"),
    ("demo-k12ea", "K12EA", AccountCategory.CHIEF, "陳建志", "專員"),
    ("demo-county_bureau", f"CB-{DEMO_COUNTY}", AccountCategory.CHIEF, "林美華", "課長"),
    # A second county's bureau, to show that one county never reviews another's courses.
    ("demo-county_bureau-khh", "CB-KHH", AccountCategory.CHIEF, "蘇俊男", "股長"),
    ("demo-curriculum_circle", "CIRCLE", AccountCategory.CHIEF, "吳宗憲", "執行秘書"),
    ("demo-teacher_ed_university", "U-0001", AccountCategory.CHIEF, "張雅琪", "組長"),
    ("demo-school", "353601", AccountCategory.CHIEF, "許文彬", "教務主任"),
    ("demo-school-contact", "353601", AccountCategory.CONTACT, "蔡佩玲", "教學組長"),
    ("demo-school-operator", "353601", AccountCategory.OPERATOR, "鄭志豪", "幹事"),
    ("demo-social_ed_org", "S-S001", AccountCategory.CHIEF, "郭怡萱", "推廣組長"),
    ("demo-experimental_org", "X-X001", AccountCategory.CHIEF, "謝承翰", "執行長"),
    ("demo-subject_center", "C-C001", AccountCategory.CHIEF, "洪嘉玲", "專任助理"),
)


def _phone(rng: random.Random, area: str) -> str:
    return f"{area}-{rng.randint(2000000, 8999999)}"


_AREA = {"TPE": "02", "NWT": "02", "KHH": "07", "TNN": "06", "TXG": "04", "CHA": "04"}


def _unit(code: str, name: str, type_: UnitType, *, county: str | None = None,
          reviewer: Unit | None = None, parent: Unit | None = None,
          level: SchoolLevel | None = None, rng: random.Random) -> Unit:
    area = _AREA.get(county or "", "02")
    return Unit(
        code=code,
        name=name,
        type=type_.value,
        county=county,
        school_level=level.value if level else None,
        reviewer_id=reviewer.id if reviewer else None,
        parent_id=parent.id if parent else None,
        phone=_phone(rng, area),
        email=f"contact-{code.lower()}@demo.tpd.edu.tw",
        address=f"{COUNTIES[county][0] if county else '臺北市'}示範路{rng.randint(1, 300)}號",
        contact_name="",
    )


def _add(session: Session, unit: Unit) -> Unit:
    session.add(unit)
    session.flush()
    return unit


def build_units(session: Session, rng: random.Random) -> dict[str, Unit]:
    """The unit tree; returns units by code."""
    units: dict[str, Unit] = {}

    def add(unit: Unit) -> Unit:
        units[unit.code] = _add(session, unit)
        return unit

    moe = add(_unit("MOE", "教育部", U.MOE, county="TPE", rng=rng))
    nc = add(_unit("NC", "國立高雄師範大學", U.NATIONAL_CENTER, county="KHH", parent=moe, rng=rng))
    k12ea = add(_unit("K12EA", "教育部國民及學前教育署", U.K12EA, county="TXG", parent=moe, reviewer=nc, rng=rng))
    circle = add(_unit("CIRCLE", "普通型高級中等學校課程推動工作圈", U.CURRICULUM_CIRCLE, county="TXG",
                       parent=k12ea, reviewer=nc, rng=rng))
    bureaus = {
        code: add(_unit(f"CB-{code}", bureau, U.COUNTY_BUREAU, county=code, parent=moe, reviewer=nc, rng=rng))
        for code, (_, bureau) in COUNTIES.items()
    }
    for code, name, county in UNIVERSITIES:
        add(_unit(f"U-{code}", name, U.TEACHER_ED_UNIVERSITY, county=county, reviewer=nc, rng=rng))
    for code, name, county in SOCIAL_ORGS:
        add(_unit(f"S-{code}", name, U.SOCIAL_ED_ORG, county=county, reviewer=nc, rng=rng))
    for code, name, county in EXPERIMENTAL_ORGS:
        add(_unit(f"X-{code}", name, U.EXPERIMENTAL_ORG, county=county, reviewer=bureaus[county],
                  parent=bureaus[county], rng=rng))
    for code, name, county in SUBJECT_CENTERS:
        add(_unit(f"C-{code}", name, U.SUBJECT_CENTER, county=county, reviewer=circle, parent=circle, rng=rng))
    for school in SCHOOLS:
        centre = k12ea if school.national else bureaus[school.county]
        add(_unit(school.code, school.name, U.SCHOOL, county=school.county, reviewer=centre, parent=centre,
                  level=school.level, rng=rng))
    return units


def _national_id(rng: random.Random, letter: str, used: set[str]) -> str:
    while True:
        prefix = f"{letter}{rng.choice('12')}{rng.randint(0, 9999999):07d}"
        value = prefix + check_digit(prefix)
        if value not in used:
            used.add(value)
            return value


def build_teachers(session: Session, units: dict[str, Unit], password_hash: str,
                   rng: random.Random, per_unit: int = 12) -> int:
    """Fictional teachers with valid-checksum IDs in every school and experimental institution."""
    used = {DEMO_TEACHER_ID}
    demo_school = units["353601"]
    session.add(Teacher(national_id=DEMO_TEACHER_ID, name="林怡君", school_unit_id=demo_school.id or 0,
                        email="yijun.lin@demo.tpd.edu.tw", phone="0912-345678",
                        birth_date=date(1988, 5, 17), password_hash=password_hash))
    count = 1
    hosts = [u for u in units.values() if u.type in (U.SCHOOL, U.EXPERIMENTAL_ORG)]
    for unit in hosts:
        for _ in range(per_unit):
            name = rng.choice(_SURNAMES) + rng.choice(_GIVEN)
            national_id = _national_id(rng, _ID_LETTER.get(unit.county or "", "A"), used)
            session.add(Teacher(
                national_id=national_id,
                name=name,
                school_unit_id=unit.id or 0,
                email=f"t{national_id[-6:]}@demo.tpd.edu.tw",
                phone=f"09{rng.randint(10, 89)}-{rng.randint(100000, 999999)}",
                birth_date=date(rng.randint(1965, 1999), rng.randint(1, 12), rng.randint(1, 28)),
                password_hash=password_hash,
            ))
            count += 1
    session.flush()
    return count


def build_accounts(session: Session, units: dict[str, Unit], password_hash: str) -> int:
    """The demo business accounts listed in the README."""
    for username, code, category, name, title in DEMO_ACCOUNTS:
        unit = units[code]
        session.add(BusinessAccount(
            username=username,
            password_hash=password_hash,
            unit_id=unit.id or 0,
            category=category.value,
            status="active",
            name=name,
            title=title,
            email=f"{username}@demo.tpd.edu.tw",
            phone=unit.phone,
        ))
        if category is AccountCategory.CHIEF and not unit.contact_name:
            unit.contact_name = name
            session.add(unit)
    session.flush()
    return len(DEMO_ACCOUNTS)


def database_is_empty(session: Session) -> bool:
    """True when no unit exists yet (the demo loader's idempotency test)."""
    return session.exec(select(Unit.id).limit(1)).first() is None


def load_demo(session: Session, *, seed: int = 2026) -> dict[str, int]:
    """Fill an empty database with the demo data; does nothing on a non-empty one."""
    if not database_is_empty(session):
        return {}
    rng = random.Random(seed)
    # One hash for every demo login keeps loading fast; real accounts each get their own salt.
    password_hash = hash_password(DEMO_PASSWORD)
    units = build_units(session, rng)
    accounts = build_accounts(session, units, password_hash)
    teachers = build_teachers(session, units, password_hash, rng)
    chain = build_account_chain(session, password_hash)
    made = load_demo_courses(session, seed=seed)
    counts = {"units": len(units), "accounts": accounts + 1, "teachers": teachers, **chain,
              "courses": made, **load_demo_hours(session),
              "training_records": load_demo_statistics(session, seed=seed),
              "announcements": load_demo_portal(session), "enquiries": load_demo_helpdesk(session),
              "newsletter_articles": load_demo_newsletter(session)}
    rebuild_rollups(session)
    return counts
