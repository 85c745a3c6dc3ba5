"""Password hashing (passlib + argon2) and random secrets."""

from __future__ import annotations

import hashlib
import secrets
from functools import lru_cache

from passlib.context import CryptContext

from tpd_app.settings import get_settings

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 128


@lru_cache(maxsize=4)
def _context(memory_kib: int, time_cost: int) -> CryptContext:
    return CryptContext(
        schemes=["argon2"],
        deprecated="auto",
        argon2__memory_cost=memory_kib,
        argon2__time_cost=time_cost,
        argon2__parallelism=2,
    )


def crypt_context() -> CryptContext:
    """The CryptContext for the configured argon2 cost."""
    s = get_settings()
    return _context(s.argon2_memory_kib, s.argon2_time_cost)


def hash_password(password: str) -> str:
    """An argon2 hash of `password` (slow on purpose: call it off the event loop)."""
    return crypt_context().hash(password)


def verify_password(password: str, stored_hash: str | None) -> tuple[bool, str | None]:
    """Check a password; returns (ok, new hash when the stored one should be upgraded).

    An absent hash still costs one hash computation, so unknown users and users
    without a password take as long to refuse as a wrong password.
    """
    if not stored_hash:
        dummy_hash()
        crypt_context().verify(password, _DUMMY[0])
        return False, None
    try:
        return crypt_context().verify_and_update(password, stored_hash)
    except (ValueError, TypeError):
        return False, None


_DUMMY: list[str] = []


def dummy_hash() -> str:
    """A hash of a random string, computed once, to verify against for unknown users."""
    if not _DUMMY:
        _DUMMY.append(hash_password(secrets.token_urlsafe(16)))
    return _DUMMY[0]


def new_secret() -> str:
    """A URL-safe random secret with 256 bits of entropy (session ids, tickets)."""
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """SHA-256 hex of a secret: what the database stores instead of the secret itself."""
    return hashlib.sha256(secret.encode()).hexdigest()


def password_problem(password: str) -> str | None:
    """An i18n key saying what is wrong with a new password, or None when it is acceptable."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return "password.error.too_short"
    if len(password) > MAX_PASSWORD_LENGTH:
        return "password.error.too_long"
    if password.isdigit() or password.isalpha():
        return "password.error.too_simple"
    return None
