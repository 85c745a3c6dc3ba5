"""Single sign-on rules: what a provider's claims make of an identity, when the provider's word alone links a
teacher, when a link may be undone, which issuers are acceptable, who sets the requirement."""

from __future__ import annotations

from tpd_app.domain.permissions import Actor, UnitRef
from tpd_app.domain.sso import (
    POLICY_KINDS,
    SsoIdentity,
    claim_links_teacher,
    identity_from_claims,
    issuer_problem,
    may_set_policy,
    unlink_problem,
)
from tpd_app.domain.units import AccountCategory, UnitType

ISSUER = "https://oidc.example.edu.tw"


def test_an_identity_is_its_issuer_and_sub_and_only_a_valid_national_id_counts():
    identity = identity_from_claims(ISSUER, {"sub": "u-1", "national_id": " a123456789 ", "school_code": "313501",
                                             "name": "王小明", "email": "w@example.edu.tw"},
                                    identity_claim="national_id", school_claim="school_code")
    assert identity == SsoIdentity(ISSUER, "u-1", "A123456789", "313501", "王小明", "w@example.edu.tw")
    assert identity.label == "w@example.edu.tw"
    wrong_checksum = identity_from_claims(ISSUER, {"sub": "u-1", "national_id": "A123456780"},
                                          identity_claim="national_id")
    assert wrong_checksum is not None and wrong_checksum.national_id == ""
    assert identity_from_claims(ISSUER, {"national_id": "A123456789"}, identity_claim="national_id") is None
    assert identity_from_claims(ISSUER, {"sub": ""}) is None
    unconfigured = identity_from_claims(ISSUER, {"sub": "u-2", "national_id": "A123456789"})
    assert unconfigured is not None and unconfigured.national_id == ""  # no claim configured: never by itself
    assert identity_from_claims(ISSUER, {"sub": 42, "name": ["not", "text"]}) == SsoIdentity(ISSUER, "42")


def test_the_providers_word_links_a_teacher_only_with_her_national_id_and_configured_school():
    identity = SsoIdentity(ISSUER, "u-1", national_id="A123456789", school_code="313501")
    assert claim_links_teacher(identity, national_id="A123456789", school_code="313501", school_claim="school_code")
    assert not claim_links_teacher(identity, national_id="A123456789", school_code="999999",
                                   school_claim="school_code")
    assert claim_links_teacher(identity, national_id="A123456789", school_code="999999", school_claim="")
    assert not claim_links_teacher(identity, national_id="B123456789", school_code="313501", school_claim="")
    assert not claim_links_teacher(SsoIdentity(ISSUER, "u-1"), national_id="", school_code="", school_claim="")


def test_the_last_link_stays_when_it_is_her_only_way_in():
    assert unlink_problem(has_password=True, other_links=0, sso_required=False) is None
    assert unlink_problem(has_password=False, other_links=0, sso_required=False) == "sso.error.unlink_no_password"
    assert unlink_problem(has_password=True, other_links=0, sso_required=True) == "sso.error.unlink_required"
    assert unlink_problem(has_password=False, other_links=1, sso_required=True) is None


def test_an_issuer_is_https_except_on_this_machines_loopback():
    assert issuer_problem("https://oidc.tanet.edu.tw") is None
    assert issuer_problem("http://127.0.0.1:4010") is None and issuer_problem("http://localhost:4010") is None
    assert issuer_problem("http://oidc.tanet.edu.tw") is not None
    assert issuer_problem("oidc.tanet.edu.tw") is not None


def test_only_the_national_centre_sets_the_requirement_for_any_of_the_eleven_kinds():
    assert POLICY_KINDS[0] == "teacher" and len(POLICY_KINDS) == 1 + len(UnitType)

    def account(unit_type: UnitType) -> Actor:
        return Actor(kind="account", id=1, unit=UnitRef(id=1, type=unit_type, county=None, reviewer_id=None),
                     category=AccountCategory.CHIEF)

    assert may_set_policy(account(UnitType.NATIONAL_CENTER))
    assert not may_set_policy(account(UnitType.MOE)) and not may_set_policy(account(UnitType.COUNTY_BUREAU))
    assert not may_set_policy(Actor(kind="teacher", id=1, unit=UnitRef(id=1, type=UnitType.NATIONAL_CENTER,
                                                                        county=None, reviewer_id=None)))
