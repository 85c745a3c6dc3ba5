"""Throttling failed sign-ins by login *and* client address, so that nobody can lock a known account
from afar (the Ministry's, say) by typing its username, and one address cannot spray many usernames.

Two counts in `login_throttle` (numbers from `settings`, defaults shown):

- **one login from one address** (the pair): after 3 failures in a row, each further attempt waits
  2^(n-3) seconds after the n-th failure (1, 2, 4 … s), at most 15 minutes. Only that pair waits:
  the owner at another address signs in as usual. A success resets the pair; a run of failures is
  forgotten a day after it began.
- **one address across every login**: 20 failures within 15 minutes and the address waits 15
  minutes, except for logins that have signed in from it in the last 30 days (a school's teachers
  share one public address: a colleague's typos must not keep them out).

Unknown usernames are counted exactly like known ones (the key is the login as typed, normalised,
never whether it exists), and a throttled attempt is refused before any lookup or argon2, with the
same generic error as a wrong password. An attempt is counted *before* its password is checked and
given back if it succeeds, so parallel attempts cannot slip past a limit. Every refusal is audited
(`auth.throttled`, outcome `denied`) in its own committed transaction. The account-wide ceiling
on top of this lives in `auth.sign_in`.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from tpd_app.models import LoginThrottle
from tpd_app.services.platform import audit
from tpd_app.services.platform.db import transaction
from tpd_app.services.platform.passwords import digest
from tpd_app.services.platform.sql import upsert_insert
from tpd_app.settings import get_settings

#: The login key of an address's row across every login (a digest is never this).
ANY_LOGIN = "*"
#: An address a login signed in from this recently is its owner's: spared the address cap and the ceiling.
TRUSTED_FOR = timedelta(days=30)
_PAIR_MEMORY = timedelta(days=1)


@dataclass(frozen=True)
class Claim:
    """One attempt, counted as a failure until the password proves right (`give_back`)."""

    login_key: str
    address: str
    #: This login signed in from this address recently.
    trusted: bool
    #: How long the pair waits if this attempt fails (zero: no wait yet).
    wait_seconds: int
    #: This attempt, if it fails, makes the whole address wait.
    address_capped: bool


def throttle_address(ip: str) -> str:
    """The address attempts are counted by: IPv4 as it is, IPv6 by its /64 (one subscriber's network)."""
    try:
        parsed = ipaddress.ip_address(ip.strip())
    except ValueError:
        return "-"
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


def login_key(login: str, *, teacher: bool) -> str:
    """The pair's key for a normalised login (a digest: no national ID at rest here)."""
    return digest(f"{'teacher' if teacher else 'account'}:{login.casefold()}")


def delay_after(failures: int) -> timedelta:
    """How long a pair waits after its `failures`-th failure in a row (zero before the free ones run out)."""
    settings = get_settings()
    over = failures - settings.login_free_failures
    if over < 0:
        return timedelta(0)
    return timedelta(seconds=min(2 ** min(over, 30), settings.login_max_delay_seconds))


def _locked_row(session: Session, key: str, address: str) -> LoginThrottle:
    """The row of (key, address), created if missing and locked (PostgreSQL) for this transaction."""
    session.exec(upsert_insert(session, LoginThrottle)  # type: ignore[call-overload]
                 .values(login_key=key, address=address, failures=0)
                 .on_conflict_do_nothing(index_elements=["login_key", "address"]))
    return session.exec(select(LoginThrottle).where(LoginThrottle.login_key == key,
                                                    LoginThrottle.address == address).with_for_update()).one()


def _count_failure(row: LoginThrottle, now: datetime, memory: timedelta) -> None:
    if row.window_started_at is None or row.window_started_at <= now - memory:
        row.failures, row.window_started_at = 0, now
    row.failures += 1


def claim_attempt(login: str, *, teacher: bool, label: str, ip: str, now: datetime) -> Claim | None:
    """Count one sign-in attempt before its password is checked; None when it must be refused unchecked.

    A refusal is audited as `auth.throttled` and committed here, before the caller raises.
    """
    settings = get_settings()
    key, address = login_key(login, teacher=teacher), throttle_address(ip)
    with transaction() as session:
        # Always the pair first, then the address: one lock order, no deadlock.
        pair = _locked_row(session, key, address)
        anywhere = _locked_row(session, ANY_LOGIN, address)
        trusted = pair.last_success_at is not None and pair.last_success_at > now - TRUSTED_FOR
        if pair.blocked_until is not None and pair.blocked_until > now:
            scope, until = "login", pair.blocked_until
        elif anywhere.blocked_until is not None and anywhere.blocked_until > now and not trusted:
            scope, until = "address", anywhere.blocked_until
        else:
            _count_failure(pair, now, _PAIR_MEMORY)
            wait = delay_after(pair.failures)
            pair.blocked_until = now + wait if wait else None
            _count_failure(anywhere, now, timedelta(minutes=settings.address_minutes))
            capped = anywhere.failures >= settings.address_failures
            if capped:
                anywhere.blocked_until = now + timedelta(minutes=settings.address_minutes)
            session.add(pair)
            session.add(anywhere)
            return Claim(key, address, trusted, int(wait.total_seconds()), capped)
        audit.record(session, action="auth.throttled", outcome="denied", actor_label=label,
                     target_type="teacher" if teacher else "account",
                     after={"scope": scope, "until": until.isoformat(), "address": address}, ip=ip)
    return None


def give_back(session: Session, claim: Claim, now: datetime) -> None:
    """The claimed attempt succeeded: reset its pair, mark the address as the login's own, and take
    the attempt off the address's count (lifting a cap it alone reached)."""
    table = LoginThrottle.__table__  # type: ignore[attr-defined]
    session.execute(sa.update(table).where(table.c.login_key == claim.login_key, table.c.address == claim.address)
                    .values(failures=0, window_started_at=None, blocked_until=None, last_success_at=now))
    remaining = sa.case((table.c.failures > 0, table.c.failures - 1), else_=0)
    session.execute(sa.update(table).where(table.c.login_key == ANY_LOGIN, table.c.address == claim.address)
                    .values(failures=remaining,
                            blocked_until=sa.case((remaining < get_settings().address_failures, sa.null()),
                                                  else_=table.c.blocked_until)))

