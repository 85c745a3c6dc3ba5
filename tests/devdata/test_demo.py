"""The demo data: the real unit tree, valid fictional teachers, one account per unit type."""

from __future__ import annotations

from sqlmodel import func, select

from tpd_app.devdata.demo import DEMO_PASSWORD, DEMO_TEACHER_ID, load_demo
from tpd_app.domain.courses import CourseStatus
from tpd_app.domain.national_id import is_valid_national_id
from tpd_app.domain.permissions import in_jurisdiction
from tpd_app.domain.units import COUNTIES, UnitType
from tpd_app.models import BusinessAccount, CatalogueEntry, Course, Teacher, Unit
from tpd_app.services.accounts import auth
from tpd_app.services.platform.db import transaction
from tpd_app.services.platform.guard import unit_ref


def test_demo_data_covers_every_unit_type_and_all_22_bureaus(db_url: str):
    with transaction() as s:
        counts = load_demo(s)
    assert counts["teachers"] >= 200
    with transaction() as s:
        units = list(s.exec(select(Unit)))
    types = {u.type for u in units}
    assert types == {t.value for t in UnitType}
    bureaus = {u.name for u in units if u.type == "county_bureau"}
    assert bureaus == {name for _, name in COUNTIES.values()}
    assert "臺北市政府教育局" in bureaus and "連江縣政府教育處" in bureaus
    levels = {(u.county, u.school_level) for u in units if u.type == "school"}
    for county in ("TPE", "KHH", "TNN"):
        for level in ("kindergarten", "elementary", "junior_high", "senior_high"):
            assert (county, level) in levels


def test_every_organizer_has_its_reviewing_centre(db_url: str):
    with transaction() as s:
        load_demo(s)
        units = {u.id: u for u in s.exec(select(Unit))}
    expected = {"school": {"county_bureau", "k12ea"}, "experimental_org": {"county_bureau"},
                "subject_center": {"curriculum_circle"}, "teacher_ed_university": {"national_center"},
                "social_ed_org": {"national_center"}, "county_bureau": {"national_center"},
                "k12ea": {"national_center"}, "curriculum_circle": {"national_center"}}
    for unit in units.values():
        if unit.type in expected:
            reviewer = units[unit.reviewer_id]
            assert reviewer.type in expected[unit.type], unit.name
            assert in_jurisdiction(unit_ref(reviewer), unit_ref(unit))
            if reviewer.type == "county_bureau":
                assert reviewer.county == unit.county
    national = [u for u in units.values() if u.type == "school" and u.name.startswith("國立")]
    assert national and all(units[u.reviewer_id].type == "k12ea" for u in national)


def test_teachers_have_unique_valid_national_ids(db_url: str):
    with transaction() as s:
        load_demo(s)
        ids = list(s.exec(select(Teacher.national_id)))
    assert len(ids) == len(set(ids)) >= 200
    assert all(is_valid_national_id(i) for i in ids)


def test_demo_accounts_and_teacher_sign_in_with_the_documented_password(db_url: str):
    with transaction() as s:
        load_demo(s)
        usernames = set(s.exec(select(BusinessAccount.username)))
    expected = {f"demo-{t.value}" for t in UnitType} | {"demo-school-contact", "demo-school-operator",
                                                       "demo-county_bureau-khh", "demo-school-disabled"}
    assert usernames == expected
    for username in ("demo-county_bureau", "demo-school-operator", DEMO_TEACHER_ID):
        signed_in = auth.resolve_session(auth.exchange_ticket(auth.sign_in(username, DEMO_PASSWORD)))
        assert signed_in is not None


def test_demo_queues_have_something_for_the_demo_bureau_and_school(db_url: str):
    from tpd_app.services.accounts import business, teachers
    from tpd_app.services.accounts.auth import actor_for_account

    with transaction() as s:
        load_demo(s)
        by_name = {a.username: a for a in s.exec(select(BusinessAccount))}

        def actor(username: str):
            account = by_name[username]
            return actor_for_account(account, s.get(Unit, account.unit_id))

        bureau_queue = business.pending_applications(s, actor("demo-county_bureau"), scope=business.SUBORDINATE)
        school_queue = business.pending_applications(s, actor("demo-school"), scope=business.OWN_UNIT)
        teacher_queue = teachers.pending_teacher_applications(s, actor("demo-school"))
    assert {r["username"] for r in bureau_queue} == {"apply-heping-contact", "apply-xingya-chief"}
    assert [r["username"] for r in school_queue] == ["apply-heping-contact"]
    assert len(teacher_queue) == 1
    assert auth.sign_in("demo-school", DEMO_PASSWORD)


def test_demo_school_is_in_the_demo_bureaus_county(db_url: str):
    with transaction() as s:
        load_demo(s)
        school = s.exec(select(Unit).join(BusinessAccount, BusinessAccount.unit_id == Unit.id)
                        .where(BusinessAccount.username == "demo-school")).one()
        bureau = s.exec(select(Unit).join(BusinessAccount, BusinessAccount.unit_id == Unit.id)
                        .where(BusinessAccount.username == "demo-county_bureau")).one()
    assert school.reviewer_id == bureau.id


def test_loading_twice_changes_nothing(db_url: str):
    with transaction() as s:
        load_demo(s)
    with transaction() as s:
        assert load_demo(s) == {}
        assert s.exec(select(func.count()).select_from(Unit)).one() > 40


def test_demo_courses_cover_every_status_for_the_demo_school(db_url: str):
    with transaction() as s:
        counts = load_demo(s)
        school = s.exec(select(Unit).where(Unit.code == "353601")).one()
        statuses = set(s.exec(select(Course.status).where(Course.organizer_unit_id == school.id)))
        published = s.exec(select(func.count()).select_from(CatalogueEntry)).one()
    assert counts["courses"] >= 15
    assert statuses == {status.value for status in CourseStatus}
    assert published >= 10
