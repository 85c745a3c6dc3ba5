"""Signing in, lockout, sessions and their expiry, signing out, changing the password."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from tests.factories import PASSWORD, make_account, make_teacher, make_unit
from tpd_app.domain.errors import Forbidden, InvalidCredentials, ValidationFailed
from tpd_app.domain.timeutil import utcnow
from tpd_app.domain.units import UnitType
from tpd_app.models import AuditLog, BusinessAccount, LoginSession, Teacher, Unit
from tpd_app.services.accounts import auth
from tpd_app.services.platform.db import transaction
from tpd_app.services.platform.passwords import _context, digest
from tpd_app.settings import reset_settings


@pytest.fixture
def account(db_url: str) -> BusinessAccount:
    with transaction() as s:
        unit = make_unit(s, UnitType.SCHOOL)
        return make_account(s, unit, username="school-chief")


def _login(username: str = "school-chief", password: str = PASSWORD) -> str:
    ticket = auth.sign_in(username, password, ip="10.0.0.1")
    token = auth.exchange_ticket(ticket, ip="10.0.0.1", user_agent="pytest")
    assert token is not None
    return token


def _setting(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    """Change one setting for this test (the `db_url` fixture resets them afterwards)."""
    monkeypatch.setenv(name, value)
    reset_settings()


def _update(model: type, row_id: int, **values: object) -> None:
    with transaction() as s:
        row = s.get(model, row_id)
        for name, value in values.items():
            setattr(row, name, value)
        s.add(row)


def _update_the_session(**values: object) -> None:
    with transaction() as s:
        session_id = s.exec(select(LoginSession.id)).one()
    _update(LoginSession, session_id, **values)


def _audit(action: str) -> list[AuditLog]:
    with transaction() as s:
        return list(s.exec(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))


def test_business_account_signs_in_and_the_session_resolves_to_it(account: BusinessAccount):
    token = _login()
    signed_in = auth.resolve_session(token)
    assert signed_in is not None
    assert signed_in.actor.id == account.id and signed_in.login_label == "school-chief"
    assert [r.outcome for r in _audit("auth.login")] == ["ok"]


def test_session_id_is_long_and_only_its_digest_is_stored(account: BusinessAccount):
    token = _login()
    assert len(token) >= 43  # 256 bits in URL-safe base64
    with transaction() as s:
        row = s.exec(select(LoginSession)).one()
    assert row.token_hash == digest(token) and token not in row.token_hash


def test_every_failure_gives_the_same_generic_error(account: BusinessAccount):
    with pytest.raises(InvalidCredentials) as wrong:
        auth.sign_in("school-chief", "wrong-password-1")
    with pytest.raises(InvalidCredentials) as unknown:
        auth.sign_in("nobody-here", PASSWORD)
    assert wrong.value.key == unknown.value.key == "login.error.invalid"
    assert [r.outcome for r in _audit("auth.login")] == ["failed", "failed"]


def test_five_failures_from_one_address_no_longer_lock_the_account_elsewhere(account: BusinessAccount):
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            auth.sign_in("school-chief", "wrong-password-1", ip="203.0.113.9")
    assert auth.sign_in("school-chief", PASSWORD, ip="10.0.0.1")
    with transaction() as s:
        assert s.get(BusinessAccount, account.id).locked_until is None


def test_the_account_wide_ceiling_shuts_out_new_addresses_but_not_the_owners(account: BusinessAccount,
                                                                           monkeypatch: pytest.MonkeyPatch):
    _setting(monkeypatch, "TPD_LOCKOUT_ATTEMPTS", "6")
    now = utcnow()
    assert auth.sign_in("school-chief", PASSWORD, ip="10.0.0.1", now=now)  # the owner's usual address
    for n in range(3):
        for _ in range(2):
            with pytest.raises(InvalidCredentials):
                auth.sign_in("school-chief", "wrong-password-1", ip=f"203.0.113.{n}", now=now)
    with pytest.raises(InvalidCredentials):
        auth.sign_in("school-chief", PASSWORD, ip="198.51.100.7", now=now + timedelta(minutes=59))
    assert auth.sign_in("school-chief", PASSWORD, ip="10.0.0.1", now=now + timedelta(minutes=1))
    assert auth.sign_in("school-chief", PASSWORD, ip="198.51.100.7", now=now + timedelta(minutes=60))
    outcomes = [r.outcome for r in _audit("auth.login")]
    assert outcomes == ["ok"] + ["failed"] * 5 + ["lockout", "locked", "ok", "ok"]


def test_lock_expires_after_the_configured_minutes(account: BusinessAccount):
    _update(BusinessAccount, account.id, locked_until=utcnow() - timedelta(seconds=1))
    assert auth.resolve_session(_login()) is not None


def test_lockout_threshold_is_configurable(account: BusinessAccount, monkeypatch: pytest.MonkeyPatch):
    _setting(monkeypatch, "TPD_LOCKOUT_ATTEMPTS", "2")
    for _ in range(2):
        with pytest.raises(InvalidCredentials):
            auth.sign_in("school-chief", "wrong-password-1")
    with transaction() as s:
        assert s.get(BusinessAccount, account.id).locked_until is not None


def test_disabled_or_pending_account_cannot_sign_in(db_url: str):
    with transaction() as s:
        unit = make_unit(s, UnitType.SCHOOL)
        make_account(s, unit, username="pending-one", status="pending")
    with pytest.raises(InvalidCredentials):
        auth.sign_in("pending-one", PASSWORD)
    assert _audit("auth.login")[-1].outcome == "inactive"


def test_teacher_signs_in_with_national_id_in_any_case(db_url: str):
    with transaction() as s:
        school = make_unit(s, UnitType.SCHOOL)
        teacher = make_teacher(s, school, national_id="A123456789")
    ticket = auth.sign_in(" a123456789 ", PASSWORD)
    signed_in = auth.resolve_session(auth.exchange_ticket(ticket))
    assert signed_in is not None and signed_in.actor.is_teacher and signed_in.actor.id == teacher.id
    assert signed_in.login_label == "A12****789"
    assert _audit("auth.login")[-1].actor_label == "A12****789"


def test_ticket_is_single_use(account: BusinessAccount):
    ticket = auth.sign_in("school-chief", PASSWORD)
    assert auth.exchange_ticket(ticket) is not None
    assert auth.exchange_ticket(ticket) is None
    assert auth.exchange_ticket("made-up-ticket") is None


def test_expired_ticket_is_refused(account: BusinessAccount, monkeypatch: pytest.MonkeyPatch):
    _setting(monkeypatch, "TPD_LOGIN_TICKET_SECONDS", "-1")
    assert auth.exchange_ticket(auth.sign_in("school-chief", PASSWORD)) is None


@pytest.mark.parametrize(("column", "ago"), [("last_seen_at", timedelta(minutes=31)),
                                            ("expires_at", timedelta(seconds=1))], ids=["idle", "absolute"])
def test_idle_and_absolute_expiry_end_the_session(account: BusinessAccount, column: str, ago: timedelta):
    token = _login()
    _update_the_session(**{column: utcnow() - ago})
    assert auth.resolve_session(token) is None
    with transaction() as s:
        assert s.exec(select(LoginSession)).one().ended_at is not None


def test_sign_out_ends_the_session_on_the_server(account: BusinessAccount):
    token = _login()
    auth.sign_out(token)
    assert auth.resolve_session(token) is None
    assert len(_audit("auth.logout")) == 1


def test_disabling_an_account_ends_its_sessions_at_the_next_event(account: BusinessAccount):
    token = _login()
    _update(BusinessAccount, account.id, status="disabled")
    assert auth.resolve_session(token) is None


def test_closed_unit_signs_its_accounts_out(account: BusinessAccount):
    token = _login()
    _update(Unit, account.unit_id, status="closed")
    assert auth.resolve_session(token) is None


def test_login_upgrades_an_outdated_hash(account: BusinessAccount, monkeypatch: pytest.MonkeyPatch):
    old_hash = account.password_hash
    _setting(monkeypatch, "TPD_ARGON2_TIME_COST", "2")
    _context.cache_clear()
    _login()
    with transaction() as s:
        new_hash = s.get(BusinessAccount, account.id).password_hash
    assert new_hash != old_hash and "t=2" in new_hash


def test_change_password_requires_the_current_one(account: BusinessAccount):
    token = _login()
    actor = auth.resolve_session(token).actor
    with pytest.raises(ValidationFailed) as wrong:
        auth.change_password(actor, current="not-it-123", new="new-password-99", confirm="new-password-99")
    assert wrong.value.field_errors == {"current": "password.error.current_wrong"}
    with pytest.raises(ValidationFailed) as weak:
        auth.change_password(actor, current=PASSWORD, new="short", confirm="short")
    assert weak.value.field_errors == {"new": "password.error.too_short"}
    with pytest.raises(ValidationFailed) as mismatch:
        auth.change_password(actor, current=PASSWORD, new="new-password-99", confirm="new-password-98")
    assert mismatch.value.field_errors == {"confirm": "password.error.mismatch"}
    assert auth.resolve_session(token) is not None
    assert [r.outcome for r in _audit("profile.password")] == ["failed", "failed", "failed"]


def test_change_password_keeps_this_session_and_ends_the_others(account: BusinessAccount):
    here, elsewhere = _login(), _login()
    signed_in = auth.resolve_session(here)
    auth.change_password(signed_in.actor, current=PASSWORD, new="new-password-99", confirm="new-password-99",
                         session_id=signed_in.session_id)
    assert auth.resolve_session(here) is not None
    assert auth.resolve_session(elsewhere) is None
    with pytest.raises(InvalidCredentials):
        auth.sign_in("school-chief", PASSWORD)
    assert auth.sign_in("school-chief", "new-password-99")


def test_teacher_changes_own_password_and_must_change_flag_clears(db_url: str):
    with transaction() as s:
        school = make_unit(s, UnitType.SCHOOL)
        teacher = make_teacher(s, school)
        teacher.must_change_password = True
        s.add(teacher)
    actor = auth.resolve_session(auth.exchange_ticket(auth.sign_in(teacher.national_id, PASSWORD))).actor
    auth.change_password(actor, current=PASSWORD, new="teacher-pass-77", confirm="teacher-pass-77")
    with transaction() as s:
        assert s.get(Teacher, teacher.id).must_change_password is False


def test_a_refusal_is_audit_logged_with_its_reason(db_url: str):
    from tpd_app.domain.permissions import Function
    from tpd_app.domain.units import AccountCategory
    from tpd_app.services.platform.guard import require

    with transaction() as s:
        unit = make_unit(s, UnitType.SCHOOL)
        operator = make_account(s, unit, category=AccountCategory.OPERATOR)
    actor = auth.resolve_session(auth.exchange_ticket(auth.sign_in(operator.username, PASSWORD))).actor
    with pytest.raises(Forbidden) as refused:
        require(actor, Function.ACCOUNTS_OWN_UNIT, ip="10.1.1.1")
    assert refused.value.key == "error.forbidden.category"
    row = _audit("access.denied")[-1]
    assert (row.outcome, row.target_id, row.actor_account_id, row.ip) == (
        "denied", "accounts.own_unit", operator.id, "10.1.1.1")
    assert row.after["reason"] == "category"
