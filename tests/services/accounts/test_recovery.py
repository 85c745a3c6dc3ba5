"""忘記密碼: the reset link (signed, single use, 30 minutes, a newer one ends the older), no answer that
tells whether an account exists, rate limits by login and address, every request audited, sessions
ended after a reset; and a forced password change holds in every handler, not only on page loads."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from tests.factories import PASSWORD, make_account, make_teacher, make_world
from tpd_app.domain.errors import ValidationFailed
from tpd_app.domain.timeutil import utcnow
from tpd_app.models import AuditLog, BusinessAccount, LoginSession, OutboxMessage, PasswordReset, Teacher
from tpd_app.services.accounts import auth, recovery
from tpd_app.services.platform.db import transaction
from tpd_app.services.platform.passwords import verify_password

NEW = "Brand-new-pass-2026"


def _people():
    with transaction() as s:
        world = make_world(s)
        account = make_account(s, world.school_a)
        account.email = "chief@example.edu.tw"
        teacher = make_teacher(s, world.school_a)
        silent = make_teacher(s, world.school_a)
        silent.email = ""
        s.add_all([account, silent])
    return world, account, teacher, silent


def _links() -> list[str]:
    with transaction() as s:
        bodies = [m.body for m in s.exec(select(OutboxMessage).where(OutboxMessage.kind == "password_reset")
                                         .order_by(OutboxMessage.id)).all()]
    return [re.search(r"/reset\?token=(\S+)", b).group(1) for b in bodies]


def test_a_real_account_gets_a_link_that_works_once(db_url: str):
    _, account, _, _ = _people()
    recovery.request_reset(account.username, teacher=False, ip="10.0.0.1")
    [token] = _links()
    assert recovery.check_link(token) == {"login": account.username}
    session_token = auth.exchange_ticket(auth.sign_in(account.username, PASSWORD, ip="10.0.0.1"))
    assert auth.resolve_session(session_token) is not None
    recovery.complete_reset(token, NEW, NEW, ip="10.0.0.1")
    with transaction() as s:
        stored = s.get(BusinessAccount, account.id)
        assert verify_password(NEW, stored.password_hash)[0] and not stored.must_change_password
        assert not s.exec(select(LoginSession).where(LoginSession.account_id == account.id,
                                                     LoginSession.ended_at.is_(None))).all()
    assert auth.resolve_session(session_token) is None  # every session ended
    assert recovery.check_link(token) == {}
    with pytest.raises(ValidationFailed) as used:
        recovery.complete_reset(token, "Another-pass-2026", "Another-pass-2026")
    assert used.value.field_errors == {"token": "reset.error.link"}
    auth.sign_in(account.username, NEW, ip="10.0.0.1")  # the new password signs in


def test_the_link_expires_after_30_minutes_and_a_newer_one_ends_it(db_url: str):
    _, _, teacher, _ = _people()
    start = utcnow()
    recovery.request_reset(teacher.national_id, teacher=True, now=start)
    recovery.request_reset(teacher.national_id, teacher=True, now=start + timedelta(minutes=1))
    first, second = _links()
    assert recovery.check_link(first) == {}  # replaced by the newer request
    assert recovery.check_link(second, now=start + timedelta(minutes=30)) != {}
    assert recovery.check_link(second, now=start + timedelta(minutes=31, seconds=1)) == {}
    with pytest.raises(ValidationFailed):
        recovery.complete_reset(second, NEW, NEW, now=start + timedelta(minutes=32))
    recovery.complete_reset(second, NEW, NEW, now=start + timedelta(minutes=10))
    with transaction() as s:
        assert verify_password(NEW, s.get(Teacher, teacher.id).password_hash)[0]


def test_a_forged_or_altered_link_is_refused(db_url: str):
    _, account, _, _ = _people()
    recovery.request_reset(account.username, teacher=False)
    [token] = _links()
    row_id, signature, secret = token.split(".")
    for forged in (f"{int(row_id) + 1}.{signature}.{secret}", f"{row_id}.{'0' * len(signature)}.{secret}",
                   f"{row_id}.{signature}.{secret[:-1]}x", "", "nonsense", "1.2.3.4" * 40):
        assert recovery.check_link(forged) == {}
    with transaction() as s:
        assert secret not in s.exec(select(PasswordReset)).one().token_digest  # only a digest at rest


def test_no_answer_tells_whether_the_account_exists(db_url: str):
    world, account, teacher, silent = _people()
    with transaction() as s:
        disabled = make_account(s, world.school_a)
        disabled.status, disabled.email = "disabled", "gone@example.edu.tw"
        s.add(disabled)
    answers = [recovery.request_reset(login, teacher=is_teacher, ip="10.0.0.2")
               for login, is_teacher in ((account.username, False), ("nobody-here", False),
                                         (disabled.username, False), (silent.national_id, True),
                                         ("A123456789", True), (teacher.national_id, True))]
    assert answers == [None] * 6
    assert len(_links()) == 2  # only the active accounts with an address got a mail
    with transaction() as s:
        outcomes = [a.after["outcome"] for a in s.exec(select(AuditLog).where(AuditLog.action == "auth.reset_request")
                                                      .order_by(AuditLog.id)).all()]
        assert outcomes == ["sent", "unknown", "inactive", "no_email", "unknown", "sent"]
        assert len(s.exec(select(PasswordReset)).all()) == 6  # every request counted, known or not
        assert all(teacher.national_id not in (a.actor_label or "")
                   for a in s.exec(select(AuditLog).where(AuditLog.action == "auth.reset_request")).all())


def test_requests_are_rate_limited_by_login_and_by_address(db_url: str):
    _, account, _, _ = _people()
    for _ in range(5):
        recovery.request_reset(account.username, teacher=False, ip="10.0.0.3")
    assert len(_links()) == recovery.PER_LOGIN
    for n in range(recovery.PER_ADDRESS + 2):
        recovery.request_reset(f"someone-{n}", teacher=False, ip="10.0.0.4")
    recovery.request_reset(account.username, teacher=False, ip="10.0.0.4", now=utcnow() + timedelta(hours=2))
    assert len(_links()) == recovery.PER_LOGIN + 1  # an hour later the login may ask again
    with transaction() as s:
        limited = [a for a in s.exec(select(AuditLog).where(AuditLog.action == "auth.reset_request")).all()
                   if a.after["outcome"] == "limited"]
    assert len(limited) == 2 + 2  # two over the login's limit, two over the address's


def test_a_weak_or_mismatched_password_keeps_the_link(db_url: str):
    _, account, _, _ = _people()
    recovery.request_reset(account.username, teacher=False)
    [token] = _links()
    with pytest.raises(ValidationFailed) as weak:
        recovery.complete_reset(token, "short", "short")
    assert "new" in weak.value.field_errors
    with pytest.raises(ValidationFailed) as mismatch:
        recovery.complete_reset(token, NEW, NEW + "x")
    assert mismatch.value.field_errors == {"confirm": "password.error.mismatch"}
    assert recovery.check_link(token) != {}
    recovery.complete_reset(token, NEW, NEW)
