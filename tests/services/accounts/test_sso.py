"""Single sign-on with a real OpenID Connect provider (oidc-provider on localhost, tests/oidc/harness.py):
first sign-ins linked on the provider's word or a password, a wrong state, a replayed code, forged ID tokens,
key rotation, the per-kind requirement, her own links, and the endpoints' cookies."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from urllib.parse import parse_qs, parse_qsl, urlsplit

import pytest
from sqlmodel import select

from tests.factories import PASSWORD, make_account, make_teacher, make_unit, make_world
from tests.oidc.harness import OidcProvider, new_signing_key
from tpd_app.domain.errors import Forbidden, InvalidCredentials, NotFound, ValidationFailed
from tpd_app.domain.sso import SsoOutcome
from tpd_app.domain.units import UnitType
from tpd_app.models import AuditLog, LoginSession, SsoLink, SsoPending, SsoRequest, Teacher, Unit
from tpd_app.services.accounts import auth, sso
from tpd_app.services.accounts.auth import actor_for_account
from tpd_app.services.platform.db import transaction
from tpd_app.settings import reset_settings

ORIGIN = "http://testserver"
TEACHER_ID = "A123456789"  # what the provider's "teacher" login vouches for (harness.DEFAULT_ACCOUNTS)
SCHOOL_CODE = "313501"


@pytest.fixture(scope="module")
def provider() -> Iterator[OidcProvider]:
    with OidcProvider([ORIGIN + sso.CALLBACK_PATH], [ORIGIN + "/login?out=1"]) as running:
        yield running


@pytest.fixture
def configured(db_url: str, provider: OidcProvider, monkeypatch: pytest.MonkeyPatch) -> OidcProvider:
    for name, value in {**provider.env(), "TPD_PUBLIC_ORIGIN": ORIGIN}.items():
        monkeypatch.setenv(name, value)
    reset_settings()
    monkeypatch.setattr(sso, "_CLIENT", None)
    return provider


@pytest.fixture
def school() -> Unit:
    with transaction() as s:
        world = make_world(s)
        unit = s.get(Unit, world.school_a.id)
        unit.code = SCHOOL_CODE
        s.add(unit)
        return unit


def _answer(provider: OidcProvider, login: str, *, next_path: str = "", intent: str = "login",
            session_id: int | None = None) -> tuple[dict[str, str], str]:
    """Start a request, sign in at the provider as `login`: (the callback's query, the binding cookie)."""
    url, binding = asyncio.run(sso.begin(next_path=next_path, intent=intent, session_id=session_id))
    back = provider.login_via_http(url, login)
    assert back.startswith(ORIGIN + sso.CALLBACK_PATH), back
    return dict(parse_qsl(urlsplit(back).query)), binding


def _finish(params: dict[str, str], binding: str | None) -> sso.Finish:
    return asyncio.run(sso.finish(params, binding, ip="10.0.0.9", user_agent="pytest"))


def _sign_in(provider: OidcProvider, login: str, **kwargs) -> sso.Finish:
    return _finish(*_answer(provider, login, **kwargs))


def _session_of(ticket: str | None) -> auth.SignedIn:
    assert ticket is not None
    token = auth.exchange_ticket(ticket, ip="10.0.0.9", user_agent="pytest")
    signed_in = auth.resolve_session(token)
    assert signed_in is not None
    return signed_in


def _audit(action: str) -> list[AuditLog]:
    with transaction() as s:
        return list(s.exec(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))


def _links() -> list[SsoLink]:
    with transaction() as s:
        return list(s.exec(select(SsoLink).order_by(SsoLink.id)))


# --- First sign-ins and linking --------------------------------------------------------------------------------


def test_a_teacher_the_provider_vouches_for_is_linked_and_signed_in(configured: OidcProvider, school: Unit):
    with transaction() as s:
        teacher = make_teacher(s, school, national_id=TEACHER_ID)
    finished = _sign_in(configured, "teacher", next_path="/me/records")
    assert finished.outcome is SsoOutcome.SIGNED_IN and finished.next_path == "/me/records"
    signed_in = _session_of(finished.ticket)
    assert signed_in.actor.is_teacher and signed_in.actor.id == teacher.id
    [link] = _links()
    assert (link.teacher_id, link.evidence, link.label) == (teacher.id, "claim", "teacher@example.edu.tw")
    assert link.issuer == configured.issuer and link.subject == "teacher"
    assert _audit("auth.sso_link")[0].after == {"evidence": "claim", "link": link.id}
    assert _audit("auth.login")[-1].after == {"via": "sso", "link": link.id}
    with transaction() as s:  # the session remembers it came through the provider (for its sign-out)
        assert s.exec(select(LoginSession)).one().sso_link_id == link.id

    again = _sign_in(configured, "teacher")  # the second time: the same link, nothing new
    assert _session_of(again.ticket).actor.id == teacher.id and len(_links()) == 1


def test_a_national_id_at_another_school_is_not_enough_and_names_and_emails_never_are(
        configured: OidcProvider, school: Unit):
    with transaction() as s:
        other_school = make_unit(s, UnitType.SCHOOL)
        make_teacher(s, other_school, national_id=TEACHER_ID)  # she moved: the provider says 313501
        # Same name and e-mail as the provider's "no-school" login, but no national ID from the provider.
        namesake = make_teacher(s, school)
        namesake.name, namesake.email = "林老師", "no-school@example.edu.tw"
        s.add(namesake)
    moved = _sign_in(configured, "teacher")
    assert moved.outcome is SsoOutcome.UNLINKED and moved.pending and moved.ticket is None
    namesake_try = _sign_in(configured, "nobody-known")
    assert namesake_try.outcome is SsoOutcome.UNLINKED
    assert _links() == []
    view = sso.pending_view(moved.pending)
    assert view == {"name": "王小明", "email": "teacher@example.edu.tw", "school": school.name, "choices": []}


def test_an_unlinked_identity_proves_a_business_password_once_then_signs_in_directly(
        configured: OidcProvider, school: Unit):
    with transaction() as s:
        account = make_account(s, school, username="school-clerk")
    first = _sign_in(configured, "clerk-at-provider")
    assert first.outcome is SsoOutcome.UNLINKED
    with pytest.raises(InvalidCredentials):  # a wrong password links nothing
        auth.sign_in("school-clerk", "wrong-password", ip="10.0.0.9", sso_pending=first.pending)
    assert _links() == []
    ticket = auth.sign_in("school-clerk", PASSWORD, ip="10.0.0.9", sso_pending=first.pending)
    signed_in = _session_of(ticket)
    assert signed_in.actor.id == account.id and not signed_in.actor.is_teacher
    [link] = _links()
    assert (link.account_id, link.evidence) == (account.id, "password")
    assert sso.pending_view(first.pending) is None  # used once
    with pytest.raises(InvalidCredentials) as stale:  # and not again
        auth.sign_in("school-clerk", PASSWORD, ip="10.0.0.9", sso_pending=first.pending)
    assert stale.value.key == "sso.error.pending"

    later = _sign_in(configured, "clerk-at-provider")
    assert later.outcome is SsoOutcome.SIGNED_IN and _session_of(later.ticket).actor.id == account.id


def test_an_identity_linked_to_a_teacher_and_a_business_account_chooses(configured: OidcProvider, school: Unit):
    with transaction() as s:
        teacher = make_teacher(s, school, national_id=TEACHER_ID)
        account = make_account(s, school, username="teacher-also-clerk")
    _sign_in(configured, "teacher")  # linked by the claim
    pending = _sign_in(configured, "teacher")  # one link: signs in; now link the business account too
    assert pending.outcome is SsoOutcome.SIGNED_IN
    with transaction() as s:
        s.add(SsoPending(token_hash=sso.digest("t0k"), issuer=configured.issuer, subject="teacher", name="王小明",
                         expires_at=sso.utcnow() + sso.timedelta(minutes=5)))
    auth.sign_in("teacher-also-clerk", PASSWORD, ip="10.0.0.9", sso_pending="t0k")
    chooser = _sign_in(configured, "teacher")
    assert chooser.outcome is SsoOutcome.CHOOSE
    choices = sso.pending_view(chooser.pending)["choices"]
    assert {c["kind"] for c in choices} == {"teacher", "account"}
    assert next(c for c in choices if c["kind"] == "teacher")["login"] == "A12****789"  # masked
    account_link = next(c for c in choices if c["kind"] == "account")
    with transaction() as s:  # someone else's link is not one of hers
        stranger = s.add(SsoLink(issuer=configured.issuer, subject="someone-else", principal="account:999999",
                                 evidence="password"))
        s.flush()
        stranger_id = s.exec(select(SsoLink.id).where(SsoLink.subject == "someone-else")).one()
    with pytest.raises(NotFound):
        sso.sign_in_pending(chooser.pending, stranger_id, ip="10.0.0.9")
    ticket, _next = sso.sign_in_pending(chooser.pending, int(account_link["id"]), ip="10.0.0.9")
    assert _session_of(ticket).actor.id == account.id
    assert teacher.id is not None and stranger is None


def test_an_identity_that_already_links_a_teacher_cannot_link_another_teacher(configured: OidcProvider,
                                                                              school: Unit):
    with transaction() as s:
        make_teacher(s, school, national_id=TEACHER_ID)
        other = make_teacher(s, school)
    _sign_in(configured, "teacher")
    with transaction() as s:
        s.add(SsoPending(token_hash=sso.digest("p2"), issuer=configured.issuer, subject="teacher",
                         expires_at=sso.utcnow() + sso.timedelta(minutes=5)))
    with pytest.raises(InvalidCredentials) as refused:
        auth.sign_in(other.national_id, PASSWORD, ip="10.0.0.9", sso_pending="p2")
    assert refused.value.key == "sso.error.other_teacher"
    assert len(_links()) == 1


def test_a_disabled_account_behind_the_link_does_not_sign_in(configured: OidcProvider, school: Unit):
    with transaction() as s:
        teacher = make_teacher(s, school, national_id=TEACHER_ID)
    _sign_in(configured, "teacher")
    with transaction() as s:
        row = s.get(Teacher, teacher.id)
        row.status = "disabled"
        s.add(row)
    assert _sign_in(configured, "teacher").outcome is SsoOutcome.INACTIVE


def test_linking_from_the_profile_needs_the_session_that_asked(configured: OidcProvider, school: Unit):
    with transaction() as s:
        make_account(s, school, username="linker")
    token = auth.exchange_ticket(auth.sign_in("linker", PASSWORD, ip="10.0.0.9"))
    session_id = auth.resolve_session(token).session_id
    finished = _sign_in(configured, "linker-at-provider", intent="link", session_id=session_id)
    assert finished.outcome is SsoOutcome.LINKED and finished.intent == "link"
    assert [(link.subject, link.evidence) for link in _links()] == [("linker-at-provider", "signed_in")]
    auth.sign_out(token)  # a request started by a session that has since ended links nothing
    assert _sign_in(configured, "someone", intent="link", session_id=session_id).outcome is SsoOutcome.BAD_STATE
    assert len(_links()) == 1


# --- What the provider's answer must be ----------------------------------------------------------------------


def test_a_wrong_state_or_another_browser_is_refused_and_a_state_works_once(configured: OidcProvider, school: Unit):
    with transaction() as s:
        make_teacher(s, school, national_id=TEACHER_ID)
    params, binding = _answer(configured, "teacher")
    assert _finish({**params, "state": "forged"}, binding).outcome is SsoOutcome.BAD_STATE
    params, binding = _answer(configured, "teacher")
    assert _finish(params, "another-browser").outcome is SsoOutcome.BAD_STATE
    assert _finish(params, None).outcome is SsoOutcome.BAD_STATE
    params, binding = _answer(configured, "teacher")
    assert _finish(params, binding).outcome is SsoOutcome.SIGNED_IN
    assert _finish(params, binding).outcome is SsoOutcome.BAD_STATE  # the same answer again
    assert [a.outcome for a in _audit("auth.sso")] == ["bad_state"] * 4


def test_a_replayed_code_is_refused_by_the_provider(configured: OidcProvider, school: Unit):
    with transaction() as s:
        make_teacher(s, school, national_id=TEACHER_ID)
    used, binding = _answer(configured, "teacher")
    assert _finish(used, binding).outcome is SsoOutcome.SIGNED_IN
    fresh, fresh_binding = _answer(configured, "teacher")  # a new request, answered with the old code
    assert _finish({**fresh, "code": used["code"]}, fresh_binding).outcome is SsoOutcome.BAD_CODE
    assert _audit("auth.sso")[-1].outcome == "bad_code"


def test_the_provider_refusing_or_cancelling_is_told(configured: OidcProvider):
    params, binding = _answer(configured, "teacher")
    cancelled = _finish({"error": "access_denied", "state": params["state"]}, binding)
    assert cancelled.outcome is SsoOutcome.CANCELLED and cancelled.ticket is None


def _forged(monkeypatch: pytest.MonkeyPatch, id_token: str) -> None:
    """The token endpoint answers with this ID token (the rest of the flow is the real provider's)."""

    async def fetch_access_token(self, redirect_uri=None, **kwargs):
        return {"access_token": "at", "token_type": "Bearer", "id_token": id_token}

    monkeypatch.setattr(sso.StarletteOAuth2App, "fetch_access_token", fetch_access_token)


@pytest.mark.parametrize("case", ["bad_signature", "expired", "wrong_audience", "wrong_issuer", "wrong_nonce",
                                  "no_kid_known"])
def test_an_id_token_that_does_not_verify_signs_no_one_in(configured: OidcProvider, school: Unit,
                                                          monkeypatch: pytest.MonkeyPatch, case: str):
    with transaction() as s:
        make_teacher(s, school, national_id=TEACHER_ID)
    params, binding = _answer(configured, "teacher")
    with transaction() as s:
        nonce = s.exec(select(SsoRequest.nonce).order_by(SsoRequest.id.desc())).first()
    claims = {"sub": "teacher", "nonce": nonce, "national_id": TEACHER_ID, "school_code": SCHOOL_CODE}
    now = int(time.time())
    token = {
        "bad_signature": lambda: configured.forge_id_token(claims, key=new_signing_key()),  # the provider's kid
        "expired": lambda: configured.forge_id_token({**claims, "iat": now - 3600, "exp": now - 600}),
        "wrong_audience": lambda: configured.forge_id_token({**claims, "aud": "another-client"}),
        "wrong_issuer": lambda: configured.forge_id_token({**claims, "iss": "https://evil.example"}),
        "wrong_nonce": lambda: configured.forge_id_token({**claims, "nonce": "replayed"}),
        "no_kid_known": lambda: configured.forge_id_token(claims, key=new_signing_key(), kid="unknown-kid"),
    }[case]()
    _forged(monkeypatch, token)
    finished = _finish(params, binding)
    assert finished.outcome is SsoOutcome.BAD_TOKEN and finished.ticket is None
    assert _links() == [] and _audit("auth.sso")[-1].outcome == "bad_token"
    with transaction() as s:
        assert s.exec(select(LoginSession)).all() == []


def test_a_token_the_provider_signed_is_accepted_by_the_same_check(configured: OidcProvider, school: Unit,
                                                                   monkeypatch: pytest.MonkeyPatch):
    """The forged-token cases above fail for their own reason: the same token, well made, passes."""
    with transaction() as s:
        make_teacher(s, school, national_id=TEACHER_ID)
    params, binding = _answer(configured, "teacher")
    with transaction() as s:
        nonce = s.exec(select(SsoRequest.nonce).order_by(SsoRequest.id.desc())).first()
    _forged(monkeypatch, configured.forge_id_token({"sub": "teacher", "nonce": nonce, "national_id": TEACHER_ID,
                                                    "school_code": SCHOOL_CODE}))
    assert _finish(params, binding).outcome is SsoOutcome.SIGNED_IN


def test_rotated_keys_are_fetched_again(configured: OidcProvider, school: Unit):
    with transaction() as s:
        make_teacher(s, school, national_id=TEACHER_ID)
    assert _sign_in(configured, "teacher").outcome is SsoOutcome.SIGNED_IN  # the keys are cached now
    old_kid = configured.kid
    configured.rotate_keys()
    assert configured.kid != old_kid
    assert _sign_in(configured, "teacher").outcome is SsoOutcome.SIGNED_IN


def test_an_unreachable_provider_is_said_so(db_url: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TPD_OIDC_ISSUER", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("TPD_OIDC_CLIENT_ID", "tpd")
    reset_settings()
    monkeypatch.setattr(sso, "_CLIENT", None)
    with pytest.raises(sso.ProviderUnavailable):
        asyncio.run(sso.begin())
    monkeypatch.setenv("TPD_OIDC_ISSUER", "http://sso.example.tw")  # plain http off this machine
    reset_settings()
    with pytest.raises(sso.ProviderUnavailable):
        asyncio.run(sso.begin())


# --- The requirement, her links, signing out -----------------------------------------------------------------


def test_the_national_centre_requires_single_sign_on_for_teachers(configured: OidcProvider, school: Unit,
                                                                  monkeypatch: pytest.MonkeyPatch):
    with transaction() as s:
        world_nc = s.exec(select(Unit).where(Unit.type == UnitType.NATIONAL_CENTER.value)).one()
        centre = actor_for_account(make_account(s, world_nc), world_nc)
        bureau_unit = s.exec(select(Unit).where(Unit.type == UnitType.COUNTY_BUREAU.value)).first()
        bureau = actor_for_account(make_account(s, bureau_unit), bureau_unit)
        teacher = make_teacher(s, school)
    with pytest.raises(Forbidden), transaction() as s:
        sso.set_policy(s, bureau, ["teacher"])
    with transaction() as s:
        sso.set_policy(s, centre, ["teacher"])
        rows = {r["kind"]: r["required"] for r in sso.policy_list(s, centre)}
    assert rows["teacher"] is True and rows["school"] is False
    with pytest.raises(InvalidCredentials) as refused:
        auth.sign_in(teacher.national_id, PASSWORD, ip="10.0.0.9")
    assert refused.value.key == "login.error.sso_required"
    assert _audit("auth.login")[-1].outcome == "sso_required"
    with pytest.raises(ValidationFailed), transaction() as s:
        sso.set_policy(s, centre, ["teacher", "not-a-kind"])
    monkeypatch.delenv("TPD_OIDC_ISSUER")  # single sign-on switched off: the requirement does not lock anyone out
    reset_settings()
    assert auth.sign_in(teacher.national_id, PASSWORD, ip="10.0.0.9")


def test_her_links_are_listed_and_undone_but_never_her_last_way_in(configured: OidcProvider, school: Unit):
    with transaction() as s:
        teacher = make_teacher(s, school, national_id=TEACHER_ID)
        actor = auth.Actor(kind="teacher", id=teacher.id, unit=auth.unit_ref(school))
        other_school_teacher = make_teacher(s, school)
        other = auth.Actor(kind="teacher", id=other_school_teacher.id, unit=auth.unit_ref(school))
    _sign_in(configured, "teacher")
    with transaction() as s:
        [row] = sso.links_of(s, actor)
        assert row["label"] == "teacher@example.edu.tw" and row["evidence"] == "claim"
        assert sso.links_of(s, other) == []
    with pytest.raises(NotFound), transaction() as s:  # another teacher's link
        sso.unlink(s, other, int(row["id"]))
    with transaction() as s:  # without a password her last link stays
        t = s.get(Teacher, teacher.id)
        t.password_hash = None
        s.add(t)
    with pytest.raises(ValidationFailed) as kept, transaction() as s:
        sso.unlink(s, actor, int(row["id"]))
    assert kept.value.field_errors == {"link": "sso.error.unlink_no_password"}
    with transaction() as s:
        t = s.get(Teacher, teacher.id)
        t.password_hash = auth.hash_password(PASSWORD)
        s.add(t)
    with transaction() as s:
        sso.unlink(s, actor, int(row["id"]))
    assert _links() == [] and _audit("auth.sso_unlink")[-1].outcome == "ok"


def test_signing_out_of_a_provider_session_offers_the_providers_sign_out(configured: OidcProvider, school: Unit):
    with transaction() as s:
        make_teacher(s, school, national_id=TEACHER_ID)
        make_account(s, school, username="password-only")
    finished = _sign_in(configured, "teacher")
    token = auth.exchange_ticket(finished.ticket)
    assert auth.sign_out(token) is True
    assert auth.sign_out(auth.exchange_ticket(auth.sign_in("password-only", PASSWORD))) is False
    url = asyncio.run(sso.provider_logout_url(ORIGIN + "/login?out=1"))
    parts = urlsplit(url)
    assert url.startswith(configured.issuer)
    assert parse_qs(parts.query)["client_id"] == [configured.client_id]
    assert parse_qs(parts.query)["post_logout_redirect_uri"] == [ORIGIN + "/login?out=1"]
    assert configured.logout_via_http(url).startswith(ORIGIN + "/login?out=1")


def test_stale_requests_and_waiting_identities_are_forgotten(configured: OidcProvider):
    params, _binding = _answer(configured, "nobody")
    with transaction() as s:
        s.add(SsoPending(token_hash="x" * 64, issuer="i", subject="s", expires_at=sso.utcnow()))
    with transaction() as s:
        assert sso.forget_stale(s, sso.utcnow() + sso.timedelta(minutes=11)) == 2
        assert s.exec(select(SsoRequest)).all() == [] and params


# --- The endpoints -------------------------------------------------------------------------------------------


def _client():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    from tpd_app.api.app import build_api

    return TestClient(build_api(), base_url=ORIGIN, follow_redirects=False)


def test_the_endpoints_bind_the_request_to_the_browser_and_set_the_same_session_cookie(
        configured: OidcProvider, school: Unit):
    with transaction() as s:
        teacher = make_teacher(s, school, national_id=TEACHER_ID)
    client = _client()
    started = client.get("/api/auth/sso/start?next=/me/records")
    assert started.status_code == 302
    query = parse_qs(urlsplit(started.headers["location"]).query)
    assert query["code_challenge_method"] == ["S256"] and query["state"] and query["nonce"]
    assert query["redirect_uri"] == [ORIGIN + sso.CALLBACK_PATH]
    binding = started.headers["set-cookie"]
    assert binding.startswith("tpd_sso=") and "HttpOnly" in binding and "Path=/api/auth/sso" in binding
    back = configured.login_via_http(started.headers["location"], "teacher")
    answered = client.get(back.removeprefix(ORIGIN))
    assert answered.status_code == 303 and answered.headers["location"] == "/me/records"
    cookie = answered.cookies.get("tpd_session") or client.cookies.get("tpd_session")
    assert cookie and auth.resolve_session(cookie).actor.id == teacher.id
    assert any("tpd_session=" in h and "HttpOnly" in h for h in answered.headers.get_list("set-cookie"))

    stranger = _client()  # the same answer in another browser (no binding cookie): back to the login page
    other = client.get("/api/auth/sso/start")
    replay = stranger.get(configured.login_via_http(other.headers["location"], "teacher").removeprefix(ORIGIN))
    assert replay.headers["location"] == "/login?e=sso_bad_state"


def test_an_unlinked_identity_is_sent_to_the_page_that_says_what_to_do(configured: OidcProvider):
    client = _client()
    started = client.get("/api/auth/sso/start")
    answered = client.get(configured.login_via_http(started.headers["location"], "nobody").removeprefix(ORIGIN))
    assert answered.status_code == 303 and answered.headers["location"] == "/login/sso"
    pending = next(h for h in answered.headers.get_list("set-cookie") if h.startswith("tpd_sso_pending="))
    assert "HttpOnly" in pending and "Path=/" in pending


def test_the_endpoints_are_off_without_a_provider(db_url: str):
    client = _client()
    assert client.get("/api/auth/sso/start").status_code == 404
    assert client.get("/api/auth/sso/callback?code=x&state=y").status_code == 404
    assert client.post("/api/auth/sso/start", data={"link": "1"}, headers={"origin": ORIGIN}).status_code == 404
