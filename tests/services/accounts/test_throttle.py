"""Failed sign-ins slow down the address that makes them, not the account's owner elsewhere."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from tests.factories import PASSWORD, make_account, make_teacher, make_unit
from tpd_app.domain.errors import InvalidCredentials
from tpd_app.domain.timeutil import utcnow
from tpd_app.domain.units import UnitType
from tpd_app.models import AuditLog, LoginThrottle
from tpd_app.services.accounts import auth, throttle
from tpd_app.services.accounts.throttle import throttle_address
from tpd_app.services.platform.db import transaction
from tpd_app.settings import reset_settings

ATTACKER = "203.0.113.9"
OWNER = "198.51.100.7"
WRONG = "wrong-password-1"


class Clock:
    """The time the attempts claim to happen at; tests move it instead of sleeping."""

    def __init__(self) -> None:
        self.now = utcnow()

    def wait(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def ministry(db_url: str) -> str:
    with transaction() as s:
        return make_account(s, make_unit(s, UnitType.MOE), username="moe-admin").username


def _attempt(clock: Clock, username: str, password: str = WRONG, ip: str = ATTACKER) -> str:
    try:
        auth.sign_in(username, password, ip=ip, now=clock.now)
    except InvalidCredentials as refused:
        assert refused.key == "login.error.invalid"
        return "refused"
    return "ok"


def _audit(action: str) -> list[AuditLog]:
    with transaction() as s:
        return list(s.exec(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))


def _setting(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    reset_settings()


def test_another_address_signs_in_while_one_address_hammers_the_account(ministry: str, clock: Clock):
    for _ in range(25):
        _attempt(clock, ministry)
        clock.wait(30)
    assert _attempt(clock, ministry, PASSWORD, ip=OWNER) == "ok"


def test_the_hammering_address_waits_twice_as_long_after_each_failure_up_to_15_minutes(ministry: str,
                                                                                       clock: Clock):
    assert [_attempt(clock, ministry) for _ in range(3)] == ["refused"] * 3  # three free failures
    for wait in [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]:
        checked, throttled = len(_audit("auth.login")), len(_audit("auth.throttled"))
        clock.wait(wait - 0.01)
        assert _attempt(clock, ministry, PASSWORD) == "refused"
        assert (len(_audit("auth.login")), len(_audit("auth.throttled"))) == (checked, throttled + 1)
        clock.wait(0.01)
        assert _attempt(clock, ministry) == "refused"  # checked this time, and wrong: the next wait doubles
        assert len(_audit("auth.login")) == checked + 1


def test_the_right_password_is_refused_for_that_pair_during_its_delay(ministry: str, clock: Clock):
    for _ in range(3):
        assert _attempt(clock, ministry) == "refused"
    assert len(_audit("auth.login")) == 3
    assert _attempt(clock, ministry, PASSWORD) == "refused"
    clock.wait(0.999)
    assert _attempt(clock, ministry, PASSWORD) == "refused"
    assert len(_audit("auth.login")) == 3  # the refused attempts never reached the password check
    clock.wait(0.001)
    assert _attempt(clock, ministry, PASSWORD) == "ok"


def test_a_success_resets_the_pair(ministry: str, clock: Clock):
    for _ in range(3):
        _attempt(clock, ministry)
    clock.wait(1)
    assert _attempt(clock, ministry, PASSWORD) == "ok"
    assert [_attempt(clock, ministry) for _ in range(4)] == ["refused"] * 4
    assert [r.outcome for r in _audit("auth.login")] == ["failed"] * 3 + ["ok"] + ["failed"] * 3
    assert len(_audit("auth.throttled")) == 1


def test_failures_are_forgotten_a_day_after_the_run_began(ministry: str, clock: Clock):
    for _ in range(12):
        _attempt(clock, ministry)
        clock.wait(600)
    clock.wait(24 * 3600)
    assert [_attempt(clock, ministry) for _ in range(3)] == ["refused"] * 3
    assert len(_audit("auth.login")) == 15  # all three checked: the run of twelve no longer counts


def test_one_address_spraying_many_usernames_is_capped(ministry: str, clock: Clock):
    for n in range(20):
        assert _attempt(clock, f"guess-{n}") == "refused"
        clock.wait(40)
    assert len(_audit("auth.login")) == 20
    assert _attempt(clock, ministry, PASSWORD) == "refused"
    assert _attempt(clock, "guess-99") == "refused"
    assert len(_audit("auth.login")) == 20
    assert [r.after["scope"] for r in _audit("auth.throttled")] == ["address", "address"]
    assert _attempt(clock, ministry, PASSWORD, ip=OWNER) == "ok"
    clock.wait(15 * 60)
    assert _attempt(clock, ministry, PASSWORD) == "ok"


def test_the_address_cap_spares_a_login_that_signed_in_from_that_address(ministry: str, clock: Clock):
    """A school's teachers share one public address: a classmate's typos must not keep them out."""
    assert _attempt(clock, ministry, PASSWORD) == "ok"
    for n in range(20):
        _attempt(clock, f"guess-{n}")
    assert _attempt(clock, "guess-99", PASSWORD) == "refused"
    assert _attempt(clock, ministry, PASSWORD) == "ok"


def test_successes_do_not_count_toward_the_address_cap(ministry: str, clock: Clock):
    with transaction() as s:
        other = make_account(s, make_unit(s, UnitType.SCHOOL), username="school-admin").username
    for n in range(19):
        _attempt(clock, f"guess-{n}")
    assert _attempt(clock, ministry, PASSWORD) == "ok"
    assert _attempt(clock, other, PASSWORD) == "ok"
    assert _attempt(clock, "guess-19") == "refused"  # the twentieth failure
    assert _attempt(clock, "new-account", PASSWORD) == "refused"
    assert _audit("auth.throttled")[-1].after["scope"] == "address"


def test_attempts_still_being_checked_already_count(ministry: str, clock: Clock):
    """Parallel attempts cannot all slip past the limit while argon2 runs: each is counted first."""
    for _ in range(3):
        assert throttle.claim_attempt(ministry, teacher=False, label=ministry, ip=ATTACKER, now=clock.now)
    assert _attempt(clock, ministry, PASSWORD) == "refused"
    assert _audit("auth.login") == []


def test_addresses_of_one_ipv6_network_count_as_one():
    assert throttle_address("2001:db8:1:2:aaaa::1") == throttle_address("2001:db8:1:2:bbbb::9") == "2001:db8:1:2::/64"
    assert throttle_address("::ffff:203.0.113.9") == throttle_address("203.0.113.9") == "203.0.113.9"
    assert throttle_address("") == throttle_address("not an address") == "-"


def test_every_throttle_writes_an_audit_row_that_outlives_the_refusal(ministry: str, clock: Clock):
    for _ in range(3):
        _attempt(clock, ministry)
    refused = [_attempt(clock, ministry, PASSWORD) for _ in range(5)]
    rows = _audit("auth.throttled")
    assert refused == ["refused"] * 5 and len(rows) == 5
    row = rows[0]
    assert (row.outcome, row.ip, row.actor_label, row.target_type) == ("denied", ATTACKER, "moe-admin", "account")
    assert row.after["scope"] == "login" and row.after["until"]


def test_an_unknown_username_takes_the_same_path_as_a_known_one(ministry: str, clock: Clock,
                                                               monkeypatch: pytest.MonkeyPatch):
    checks: list[str | None] = []
    real_verify = auth.verify_password

    def counting_verify(password: str, stored: str | None) -> tuple[bool, str | None]:
        checks.append(stored)
        return real_verify(password, stored)

    monkeypatch.setattr(auth, "verify_password", counting_verify)

    def run(username: str, ip: str) -> tuple[list[str], int]:
        start = len(checks)
        results = [_attempt(clock, username, ip=ip) for _ in range(6)]
        return results, len(checks) - start

    known = run(ministry, "192.0.2.1")
    unknown = run("nobody-here", "192.0.2.2")
    assert known == unknown == (["refused"] * 6, 3)  # argon2 ran for the first three only, either way
    assert [r.outcome for r in _audit("auth.login")] == ["failed"] * 6
    throttled = _audit("auth.throttled")
    assert [(r.target_id, r.after["scope"]) for r in throttled] == [("", "login")] * 6


def test_a_teacher_login_is_throttled_by_her_normalised_national_id(db_url: str, clock: Clock):
    with transaction() as s:
        make_teacher(s, make_unit(s, UnitType.SCHOOL), national_id="A123456789")
    for spelling in ("A123456789", " a123456789", "a123456789 "):
        assert _attempt(clock, spelling) == "refused"
    assert _attempt(clock, "A123456789", PASSWORD) == "refused"
    assert _audit("auth.throttled")[-1].actor_label == "A12****789"
    with transaction() as s:
        keys = {row.login_key for row in s.exec(select(LoginThrottle))}
    assert "A123456789" not in str(keys)  # no national ID at rest in the throttle table


def test_the_numbers_come_from_the_settings(ministry: str, clock: Clock, monkeypatch: pytest.MonkeyPatch):
    _setting(monkeypatch, "TPD_LOGIN_FREE_FAILURES", "1")
    _setting(monkeypatch, "TPD_LOGIN_MAX_DELAY_SECONDS", "5")
    _setting(monkeypatch, "TPD_ADDRESS_FAILURES", "5")
    _setting(monkeypatch, "TPD_ADDRESS_MINUTES", "2")
    with transaction() as s:
        other = make_account(s, make_unit(s, UnitType.SCHOOL), username="school-admin").username
    assert _attempt(clock, ministry) == "refused"
    assert _attempt(clock, ministry, PASSWORD) == "refused"  # one free failure, then 1 s
    for _ in range(3):
        clock.wait(5)
        _attempt(clock, ministry)
    clock.wait(5)
    assert _attempt(clock, ministry, PASSWORD) == "ok"  # the fourth failure's wait was 5 s, not 8
    assert _attempt(clock, "guess-1") == "refused"  # the fifth failure in two minutes: the address waits
    assert _attempt(clock, other, PASSWORD) == "refused"
    assert _attempt(clock, other, PASSWORD, ip=OWNER) == "ok"
    clock.wait(120)
    assert _attempt(clock, other, PASSWORD) == "ok"
