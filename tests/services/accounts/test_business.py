"""Applications, activation, own-unit and subordinate account management: the rules and their refusals."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlmodel import Session, select

from tests.factories import PASSWORD, make_account, make_world
from tpd_app.domain.errors import Forbidden, ValidationFailed
from tpd_app.domain.units import AccountCategory
from tpd_app.models import (
    AccountApplication,
    AuditLog,
    BusinessAccount,
    ChiefChangeRequest,
    LoginSession,
    OutboxMessage,
)
from tpd_app.services.accounts import auth, business
from tpd_app.services.accounts.auth import actor_for_account
from tpd_app.services.platform.db import transaction

C = AccountCategory


def _apply(unit_id: int, category: str = "chief", username: str = "new-chief", *, ip: str = "") -> int:
    with transaction() as s:
        return business.submit_application(s, {
            "unit_id": str(unit_id), "category": category, "username": username, "password": "Apply-pass-2026",
            "confirm": "Apply-pass-2026", "name": "林新校", "title": "教務主任", "email": "lin@school.edu.tw",
            "phone": "02-23456789"}, ip=ip)


def _refusal(change: Callable[[Session], object]) -> str:
    """The key of the `Forbidden` that `change` raises in its own (rolled back) transaction."""
    with pytest.raises(Forbidden) as refused, transaction() as s:
        change(s)
    return refused.value.key


def _denials(action: str) -> list[AuditLog]:
    with transaction() as s:
        return list(s.exec(select(AuditLog).where(AuditLog.action == action, AuditLog.outcome == "denied")))


def test_application_validates_every_field_and_saves_nothing_on_error(db_url: str):
    with transaction() as s:
        world = make_world(s)
        make_account(s, world.school_a, username="taken-name")
    with pytest.raises(ValidationFailed) as failed, transaction() as s:
        business.submit_application(s, {"unit_id": "999999", "category": "king", "username": "taken-name",
                                        "password": "short", "name": "", "email": "x"})
    assert failed.value.field_errors == {
        "unit_id": "accounts.error.unit_required", "category": "validation.required",
        "username": "account.error.username_taken", "password": "password.error.too_short",
        "name": "validation.required", "email": "validation.email"}
    with transaction() as s:
        assert s.exec(select(AccountApplication)).all() == []


def test_a_username_shaped_like_a_national_id_is_refused(db_url: str):
    with transaction() as s:
        world = make_world(s)
    with pytest.raises(ValidationFailed) as failed:
        _apply(world.school_a.id, username="a123456789")
    assert failed.value.field_errors["username"] == "account.error.username_national_id"


def test_county_bureau_activates_a_school_chief_and_the_applicant_can_sign_in(db_url: str):
    with transaction() as s:
        world = make_world(s)
        bureau = world.actor(s, world.bureau_a)
    application_id = _apply(world.school_a.id)
    with transaction() as s:
        queue = business.pending_applications(s, bureau, scope=business.SUBORDINATE)
    assert [row["username"] for row in queue] == ["new-chief"]
    with transaction() as s:
        business.decide_application(s, bureau, application_id, approve=True)
    assert auth.sign_in("new-chief", "Apply-pass-2026")
    with transaction() as s:
        account = s.exec(select(BusinessAccount).where(BusinessAccount.username == "new-chief")).one()
        mail = s.exec(select(OutboxMessage)).one()
        row = s.exec(select(AuditLog).where(AuditLog.action == "account.activate")).one()
    assert (account.category, account.status, account.unit_id) == ("chief", "active", world.school_a.id)
    assert mail.to_address == "lin@school.edu.tw" and "已啟用" in mail.body
    assert row.before == {"status": "pending"} and row.after["status"] == "approved"


def test_county_bureau_cannot_activate_another_countys_school(db_url: str):
    with transaction() as s:
        world = make_world(s)
        other_bureau = world.actor(s, world.bureau_b)
    application_id = _apply(world.school_a.id)
    with transaction() as s:
        assert business.pending_applications(s, other_bureau, scope=business.SUBORDINATE) == []
    assert _refusal(lambda s: business.decide_application(s, other_bureau, application_id, approve=True)) == (
        "error.forbidden.jurisdiction")
    assert len(_denials("account.activate")) == 1
    with transaction() as s:
        assert s.get(AccountApplication, application_id).status == "pending"
        assert s.exec(select(BusinessAccount).where(BusinessAccount.username == "new-chief")).first() is None


def test_a_regional_centre_cannot_activate_its_own_chief_the_national_centre_does(db_url: str):
    with transaction() as s:
        world = make_world(s)
        bureau = world.actor(s, world.bureau_a)
        national = world.actor(s, world.nc)
    application_id = _apply(world.bureau_a.id)
    with pytest.raises(Forbidden), transaction() as s:
        business.decide_application(s, bureau, application_id, approve=True)
    with transaction() as s:
        business.decide_application(s, national, application_id, approve=True)
        assert s.get(AccountApplication, application_id).status == "approved"


def test_a_chief_application_for_a_unit_with_a_chief_is_a_chief_change_for_the_national_centre(db_url: str):
    with transaction() as s:
        world = make_world(s)
        old_chief = make_account(s, world.school_a, username="old-chief")
        bureau = world.actor(s, world.bureau_a)
        national = world.actor(s, world.nc)
    application_id = _apply(world.school_a.id)
    assert _refusal(lambda s: business.decide_application(s, bureau, application_id, approve=True)) == (
        "accounts.error.chief_change_national_only")
    with transaction() as s:
        queue = business.pending_applications(s, national, scope=business.SUBORDINATE)
        assert queue[0]["chief_change"] == "1"
        business.decide_application(s, national, application_id, approve=True)
    with transaction() as s:
        assert s.get(BusinessAccount, old_chief.id).category == "contact"


def test_own_unit_chief_approves_non_chief_applications_but_never_a_chief(db_url: str):
    with transaction() as s:
        world = make_world(s)
        chief = world.actor(s, world.school_a)
    contact_application = _apply(world.school_a.id, category="contact", username="new-contact")
    chief_application = _apply(world.school_a.id, category="chief", username="would-be-chief")
    with transaction() as s:
        queue = business.pending_applications(s, chief, scope=business.OWN_UNIT)
    assert [row["username"] for row in queue] == ["new-contact"]
    with transaction() as s:
        business.decide_application(s, chief, contact_application, approve=True)
    with pytest.raises(Forbidden), transaction() as s:
        business.decide_application(s, chief, chief_application, approve=True)


def test_contact_cannot_create_an_account(db_url: str):
    with transaction() as s:
        world = make_world(s)
        contact = world.actor(s, world.school_a, C.CONTACT)
    assert _refusal(lambda s: business.create_account(s, contact, {
        "category": "operator", "username": "sneaky", "name": "甲", "email": "a@b.tw"})) == "error.forbidden.category"
    with transaction() as s:
        assert s.exec(select(BusinessAccount).where(BusinessAccount.username == "sneaky")).first() is None
        assert s.exec(select(AuditLog).where(AuditLog.action == "access.denied")).one().target_id == "accounts.own_unit"


def test_chief_creates_an_operator_with_a_one_time_password_and_narrows_its_grants(db_url: str):
    with transaction() as s:
        world = make_world(s)
        chief = world.actor(s, world.school_a)
    with transaction() as s:
        account_id, password = business.create_account(s, chief, {
            "category": "contact", "username": "new-op", "name": "陳幹事", "email": "op@school.edu.tw"})
    assert auth.sign_in("new-op", password)
    with transaction() as s:
        row = business.set_grants(s, chief, account_id, ["course.register", "teachers.enter"])
        assert row["grants"] == "course.register,teachers.enter"
        assert s.get(BusinessAccount, account_id).must_change_password
    with pytest.raises(ValidationFailed), transaction() as s:
        business.set_grants(s, chief, account_id, ["accounts.own_unit"])
    with transaction() as s:
        row = business.switch_category(s, chief, account_id, "operator")
    assert (row["category"], row["grants"]) == ("operator", "course.register")


def test_school_cannot_make_anyone_chief(db_url: str):
    with transaction() as s:
        world = make_world(s)
        chief = world.actor(s, world.school_a)
        contact = make_account(s, world.school_a, category=C.CONTACT)
    assert _refusal(lambda s: business.switch_category(s, chief, contact.id, "chief")) == (
        "accounts.error.chief_change_national_only")
    with pytest.raises(Forbidden), transaction() as s:
        business.create_account(s, chief, {"category": "chief", "username": "second-chief", "name": "乙",
                                           "email": "b@b.tw"})
    with transaction() as s:
        assert s.get(BusinessAccount, contact.id).category == "contact"
    assert len(_denials("account.category")) == 1 and len(_denials("account.create")) == 1


def test_nobody_inside_the_unit_touches_the_chief(db_url: str):
    with transaction() as s:
        world = make_world(s)
        chief_row = make_account(s, world.school_a, username="the-chief")
        other_chief = actor_for_account(make_account(s, world.school_a), world.school_a)
    for change in (lambda s: business.set_account_status(s, other_chief, chief_row.id, active=False),
                   lambda s: business.switch_category(s, other_chief, chief_row.id, "contact"),
                   lambda s: business.reset_password(s, other_chief, chief_row.id)):
        assert _refusal(change) == "accounts.error.chief_untouchable"


def test_the_last_active_chief_cannot_be_disabled_even_by_the_county(db_url: str):
    with transaction() as s:
        world = make_world(s)
        chief = make_account(s, world.school_a, username="only-chief")
        bureau = world.actor(s, world.bureau_a)
    assert _refusal(lambda s: business.set_account_status(s, bureau, chief.id, active=False)) == (
        "accounts.error.last_chief")
    with transaction() as s:
        assert s.get(BusinessAccount, chief.id).status == "active"


def test_disabling_an_account_signs_it_out_at_once(db_url: str):
    with transaction() as s:
        world = make_world(s)
        operator = make_account(s, world.school_a, category=C.OPERATOR, username="op-x")
        bureau = world.actor(s, world.bureau_a)
    token = auth.exchange_ticket(auth.sign_in("op-x", PASSWORD))
    assert auth.resolve_session(token) is not None
    with transaction() as s:
        business.set_account_status(s, bureau, operator.id, active=False)
    assert auth.resolve_session(token) is None
    with transaction() as s:
        assert s.exec(select(LoginSession)).one().ended_at is not None
        row = s.exec(select(AuditLog).where(AuditLog.action == "account.disable")).one()
    assert (row.before, row.after["status"]) == ({"status": "active"}, "disabled")


def test_reset_password_gives_a_one_time_password_that_must_be_changed(db_url: str):
    with transaction() as s:
        world = make_world(s)
        operator = make_account(s, world.school_b, category=C.OPERATOR, username="op-khh")
        bureau_b = world.actor(s, world.bureau_b)
        bureau_a = world.actor(s, world.bureau_a)
    with pytest.raises(Forbidden), transaction() as s:
        business.reset_password(s, bureau_a, operator.id)
    with transaction() as s:
        password = business.reset_password(s, bureau_b, operator.id)
    token = auth.exchange_ticket(auth.sign_in("op-khh", password))
    signed_in = auth.resolve_session(token)
    assert signed_in is not None and signed_in.must_change_password
    with transaction() as s:
        row = s.exec(select(AuditLog).where(AuditLog.action == "account.reset_password",
                                           AuditLog.outcome == "ok")).one()
    assert password not in str(row.after)


def test_subordinate_list_is_scoped_to_the_jurisdiction_and_filters(db_url: str):
    with transaction() as s:
        world = make_world(s)
        make_account(s, world.school_a, username="a-chief")
        make_account(s, world.school_a, category=C.OPERATOR, username="a-op", status="disabled")
        make_account(s, world.school_b, username="b-chief")
        bureau = world.actor(s, world.bureau_a)
        national = world.actor(s, world.nc)
    with transaction() as s:
        mine = business.list_accounts(s, bureau, scope=business.SUBORDINATE)
        disabled = business.list_accounts(s, bureau, scope=business.SUBORDINATE, status="disabled")
        everyone = business.list_accounts(s, national, scope=business.SUBORDINATE, text="b-chief")
    assert {r["username"] for r in mine} == {"a-chief", "a-op"}
    assert [r["username"] for r in disabled] == ["a-op"]
    assert [r["username"] for r in everyone] == ["b-chief"]


def test_school_staff_cannot_use_the_subordinate_scope(db_url: str):
    with transaction() as s:
        world = make_world(s)
        chief = world.actor(s, world.school_a)
    with pytest.raises(Forbidden), transaction() as s:
        business.list_accounts(s, chief, scope=business.SUBORDINATE)


def test_chief_change_is_filed_by_the_school_and_decided_by_the_national_centre(db_url: str):
    with transaction() as s:
        world = make_world(s)
        chief_row = make_account(s, world.school_a, username="chief-now")
        chief = actor_for_account(chief_row, world.school_a)
        contact = make_account(s, world.school_a, category=C.CONTACT, username="chief-next")
        bureau = world.actor(s, world.bureau_a)
        national = world.actor(s, world.nc)
    with transaction() as s:
        request_id = business.file_chief_change(s, chief, contact.id, "主任調校")
    with pytest.raises(ValidationFailed), transaction() as s:
        business.file_chief_change(s, chief, contact.id, "again")
    with transaction() as s:
        assert business.pending_chief_changes(s, bureau) == []
    with pytest.raises(Forbidden), transaction() as s:
        business.decide_chief_change(s, bureau, request_id, approve=True)
    with transaction() as s:
        assert len(business.pending_chief_changes(s, national)) == 1
        business.decide_chief_change(s, national, request_id, approve=True)
    with transaction() as s:
        assert s.get(BusinessAccount, contact.id).category == "chief"
        assert s.get(BusinessAccount, chief_row.id).category == "contact"
        assert s.get(ChiefChangeRequest, request_id).status == "approved"


def test_a_chiefs_grants_are_never_narrowed_even_by_the_county(db_url: str):
    with transaction() as s:
        world = make_world(s)
        chief = make_account(s, world.school_a, username="chief-full")
        bureau = world.actor(s, world.bureau_a)
    assert _refusal(lambda s: business.set_grants(s, bureau, chief.id, ["course.register"])) == (
        "accounts.error.chief_grants")
    with transaction() as s:
        assert s.get(BusinessAccount, chief.id).grants is None


def test_re_enabling_an_old_chief_never_gives_a_unit_two_chiefs(db_url: str):
    with transaction() as s:
        world = make_world(s)
        make_account(s, world.school_a, username="current-chief")
        old = make_account(s, world.school_a, username="old-chief", status="disabled")
        bureau = world.actor(s, world.bureau_a)
    assert _refusal(lambda s: business.set_account_status(s, bureau, old.id, active=True)) == (
        "accounts.error.second_chief")
    with transaction() as s:
        assert s.get(BusinessAccount, old.id).status == "disabled"
    assert len(_denials("account.enable")) == 1


def test_one_address_cannot_flood_the_public_application_form(db_url: str):
    from tpd_app.domain.errors import DomainError

    with transaction() as s:
        world = make_world(s)
    for n in range(business.PUBLIC_APPLICATIONS_PER_HOUR):
        _apply(world.school_b.id, "operator", f"flood-{n}", ip="203.0.113.9")
    with pytest.raises(DomainError) as refused, transaction() as s:
        business.submit_application(s, {"unit_id": str(world.school_b.id)}, ip="203.0.113.9")
    assert refused.value.key == "apply.error.too_many"
    _apply(world.school_b.id, "operator", "elsewhere", ip="198.51.100.7")  # another address is not affected


def test_the_home_page_counts_what_each_list_shows(db_url: str):
    """The work queue counts from a few columns what the application lists show, for every kind of decider:
    a county, the national centre (a chief change included), a school's chief (never a chief for itself)."""
    with transaction() as s:
        world = make_world(s)
        make_account(s, world.school_b, username="b-chief")
        deciders = [world.actor(s, unit) for unit in (world.bureau_a, world.bureau_b, world.nc, world.school_a)]
    _apply(world.school_a.id, category="contact", username="a-contact")
    _apply(world.school_a.id, category="chief", username="a-chief")
    _apply(world.school_b.id, category="chief", username="b-new-chief")  # school B has a chief: a change
    _apply(world.school_b.id, category="operator", username="b-operator")
    _apply(world.bureau_a.id, category="chief", username="bureau-chief")
    lists = {}
    with transaction() as s:
        for actor in deciders:
            counted = {i.queue.value: i.count for i in business.work_queue(s, actor)}
            listed = {queue: len(business.pending_applications(s, actor, scope=scope))
                      for queue, scope in (("account_applications", business.SUBORDINATE),
                                           ("unit_applications", business.OWN_UNIT)) if queue in counted}
            assert {k: v for k, v in counted.items() if k in listed} == listed, actor.unit
            lists[actor.unit.id] = listed
    assert lists[world.school_a.id]["unit_applications"] == 1  # the contact, not the chief
    assert lists[world.nc.id]["account_applications"] == 5
    assert lists[world.bureau_a.id]["account_applications"] == lists[world.bureau_b.id]["account_applications"] == 1
