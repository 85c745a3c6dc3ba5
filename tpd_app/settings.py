"""Configuration from the environment, with defaults for the embedded (SQLite) setup."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    return raw in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    """Everything configurable. Read once per process via `get_settings()`."""

    database_url: str
    login_free_failures: int
    login_max_delay_seconds: int
    address_failures: int
    address_minutes: int
    lockout_attempts: int
    lockout_minutes: int
    session_idle_minutes: int
    session_absolute_hours: int
    cookie_name: str
    cookie_secure: bool
    login_ticket_seconds: int
    argon2_memory_kib: int
    argon2_time_cost: int
    public_origin: str
    private_dir: Path
    attachments_dir: Path
    # Single sign-on (教育雲端帳號, OpenID Connect): off while the issuer is blank (services/accounts/sso.py).
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_scopes: str = "openid profile email"
    oidc_identity_claim: str = ""
    oidc_school_claim: str = ""

    @property
    def oidc_enabled(self) -> bool:
        """Single sign-on is on: an issuer and a client are configured."""
        return bool(self.oidc_issuer and self.oidc_client_id)


def _default_database_url() -> str:
    return f"sqlite:///{ROOT / 'data' / 'tpd.db'}"


def _private_dir() -> Path:
    return Path(os.environ.get("TPD_PRIVATE_DIR") or ROOT / "data" / "private")


def load_settings() -> Settings:
    """Build settings from the current environment."""
    return Settings(
        database_url=os.environ.get("TPD_DATABASE_URL") or _default_database_url(),
        # Sign-in throttling (services/accounts/throttle.py): one login from one address may fail this
        # often in a row before each further try waits 1, 2, 4 … seconds, at most the maximum delay;
        # one address may fail this often within its minutes across all logins before it waits them out.
        login_free_failures=_int("TPD_LOGIN_FREE_FAILURES", 3),
        login_max_delay_seconds=_int("TPD_LOGIN_MAX_DELAY_SECONDS", 900),
        address_failures=_int("TPD_ADDRESS_FAILURES", 20),
        address_minutes=_int("TPD_ADDRESS_MINUTES", 15),
        # The account-wide ceiling: failures in a row from every address together, after which the
        # account turns away addresses it has not signed in from, for these minutes.
        lockout_attempts=_int("TPD_LOCKOUT_ATTEMPTS", 50),
        lockout_minutes=_int("TPD_LOCKOUT_MINUTES", 60),
        session_idle_minutes=_int("TPD_SESSION_IDLE_MINUTES", 30),
        session_absolute_hours=_int("TPD_SESSION_ABSOLUTE_HOURS", 12),
        cookie_name=os.environ.get("TPD_COOKIE_NAME", "tpd_session"),
        # Behind HTTPS in production set TPD_COOKIE_SECURE=1; plain http://localhost needs it off.
        cookie_secure=_bool("TPD_COOKIE_SECURE", False),
        login_ticket_seconds=_int("TPD_LOGIN_TICKET_SECONDS", 60),
        argon2_memory_kib=_int("TPD_ARGON2_MEMORY_KIB", 65536),
        argon2_time_cost=_int("TPD_ARGON2_TIME_COST", 3),
        # Without an explicit origin the server's own port is the one browsers come from.
        public_origin=os.environ.get("TPD_PUBLIC_ORIGIN", f"http://localhost:{os.environ.get('TPD_PORT', '3000')}"),
        # Private: outside Reflex's public upload folder; served only through an authorizing endpoint.
        # Readable by the app's user only: the generated secret key, checked imports waiting for confirmation.
        private_dir=_private_dir(),
        attachments_dir=Path(os.environ.get("TPD_ATTACHMENTS_DIR") or _private_dir() / "attachments"),
        # The provider's issuer URL (its discovery document is <issuer>/.well-known/openid-configuration),
        # this network's client at the provider, the scopes asked for, the claim that carries the national ID
        # (a first sign-in links to the teacher with that ID) and the one that carries the school's code.
        oidc_issuer=os.environ.get("TPD_OIDC_ISSUER", "").strip().rstrip("/"),
        oidc_client_id=os.environ.get("TPD_OIDC_CLIENT_ID", "").strip(),
        oidc_client_secret=os.environ.get("TPD_OIDC_CLIENT_SECRET", "").strip(),
        oidc_scopes=os.environ.get("TPD_OIDC_SCOPES", "").strip() or "openid profile email",
        oidc_identity_claim=os.environ.get("TPD_OIDC_IDENTITY_CLAIM", "").strip(),
        oidc_school_claim=os.environ.get("TPD_OIDC_SCHOOL_CLAIM", "").strip(),
    )


_settings: Settings | None = None


def get_settings() -> Settings:
    """The process-wide settings (tests call `reset_settings()` after changing the environment)."""
    global _settings
    if _settings is None:
        _settings = load_settings()
    return _settings


def reset_settings() -> None:
    """Forget cached settings so the next `get_settings()` re-reads the environment."""
    global _settings
    _settings = None
