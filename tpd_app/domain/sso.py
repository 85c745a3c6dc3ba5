"""Single sign-on rules (教育雲端帳號, OpenID Connect): what a provider's identity is, what links it to an
account, which kinds of account can be made to sign in through it, and when a link may be undone."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from tpd_app.domain.national_id import is_valid_national_id, normalize_national_id
from tpd_app.domain.permissions import Actor
from tpd_app.domain.units import UnitType

#: The policy kind of teacher accounts; a business account's kind is its unit's type.
TEACHER_KIND = "teacher"
#: Every kind the national centre can require single sign-on for, in the order the page lists them.
POLICY_KINDS: tuple[str, ...] = (TEACHER_KIND, *(t.value for t in UnitType))


class LinkEvidence(StrEnum):
    """What proved that a provider's identity is the holder of an account."""

    #: The provider vouched for the national ID (the configured identity claim) of this teacher.
    CLAIM = "claim"
    #: She typed the account's password once, right after signing in at the provider.
    PASSWORD = "password"
    #: She was signed in to the account here and asked to link from her profile page.
    SIGNED_IN = "signed_in"


class SsoOutcome(StrEnum):
    """How an answer from the provider ended (audited as `auth.sso`, told on the login page)."""

    SIGNED_IN = "ok"
    LINKED = "linked"
    CHOOSE = "choose"
    UNLINKED = "unlinked"
    BAD_STATE = "bad_state"
    BAD_CODE = "bad_code"
    BAD_TOKEN = "bad_token"
    PROVIDER_DOWN = "provider_down"
    CANCELLED = "cancelled"
    INACTIVE = "inactive"


@dataclass(frozen=True)
class SsoIdentity:
    """Who the provider says signed in: the stable key (issuer, `sub`) and what else it vouched for."""

    issuer: str
    subject: str
    national_id: str = ""
    school_code: str = ""
    name: str = ""
    email: str = ""

    @property
    def label(self) -> str:
        """How the profile page names this identity: her e-mail, else her name, else the subject."""
        return (self.email or self.name or self.subject)[:200]


def _text(claims: Mapping[str, object], name: str, limit: int) -> str:
    value = claims.get(name) if name else None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    return value.strip()[:limit] if isinstance(value, str) else ""


def identity_from_claims(issuer: str, claims: Mapping[str, object], *, identity_claim: str = "",
                         school_claim: str = "") -> SsoIdentity | None:
    """The identity in a verified ID token's claims (with the userinfo's), or None without a usable `sub`.

    The identity claim counts only when it is a valid national ID: anything else links nothing by itself.
    """
    subject = _text(claims, "sub", 255)
    if not subject:
        return None
    raw_id = normalize_national_id(_text(claims, identity_claim, 20)) if identity_claim else ""
    return SsoIdentity(
        issuer=issuer, subject=subject,
        national_id=raw_id if is_valid_national_id(raw_id) else "",
        school_code=_text(claims, school_claim, 32) if school_claim else "",
        name=_text(claims, "name", 100), email=_text(claims, "email", 200))


def claim_links_teacher(identity: SsoIdentity, *, national_id: str, school_code: str, school_claim: str) -> bool:
    """Whether the provider's word alone links this identity to the teacher with `national_id` at the school
    with `school_code`: the national ID must be the teacher's, and where a school claim is configured the
    school must be hers too (a teacher who moved links by her password once, until her school updates her)."""
    if not identity.national_id or identity.national_id != national_id:
        return False
    return not school_claim or identity.school_code == school_code


def may_set_policy(actor: Actor) -> bool:
    """Only the national centre decides which kinds of account must sign in through the provider."""
    return actor.kind == "account" and actor.unit.type is UnitType.NATIONAL_CENTER


def unlink_problem(*, has_password: bool, other_links: int, sso_required: bool) -> str | None:
    """Why this link may not be undone (a message key), or None: she must keep a way to sign in."""
    if other_links > 0:
        return None
    if sso_required:
        return "sso.error.unlink_required"
    if not has_password:
        return "sso.error.unlink_no_password"
    return None


def issuer_problem(issuer: str) -> str | None:
    """Why an issuer URL is not acceptable (plain http only on this machine's loopback), or None."""
    parts = urlsplit(issuer)
    if parts.scheme == "https" and parts.hostname:
        return None
    if parts.scheme == "http" and parts.hostname in {"localhost", "127.0.0.1", "::1"}:
        return None
    return "an OpenID Connect issuer must be an https URL (plain http only on localhost)"
