"""The test OIDC provider (tests/oidc/harness.py) behaves like the real thing a relying party meets: discovery,
authorization code + PKCE through the login form, ID tokens signed with the published key carrying the school
claims, one use per code, key rotation and RP-initiated logout."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from authlib.common.security import generate_token
from authlib.integrations.base_client.errors import OAuthError
from joserfc import jwt
from joserfc.errors import BadSignatureError, InvalidKeyIdError
from joserfc.jwk import KeySet

from tests.oidc.harness import SCOPES, OidcProvider, new_signing_key
from tpd_app.services.accounts.sso import OAuth2Client  # Authlib's, its httpx warning silenced there

RP = "http://localhost:3999"
CALLBACK = f"{RP}/auth/oidc/callback"
SIGNED_OUT = f"{RP}/login"


@pytest.fixture(scope="module")
def op() -> Iterator[OidcProvider]:
    with OidcProvider([CALLBACK], [SIGNED_OUT]) as provider:
        yield provider


def _discovery(op: OidcProvider) -> dict:
    response = httpx.get(op.discovery_url, timeout=10)
    response.raise_for_status()
    return response.json()


def _client(op: OidcProvider, **kwargs) -> OAuth2Client:
    return OAuth2Client(op.client_id, op.client_secret, scope=SCOPES, redirect_uri=CALLBACK,
                        code_challenge_method="S256", timeout=10, **kwargs)


def _authorize(op: OidcProvider, client: OAuth2Client, **params) -> tuple[str, str, str, str]:
    """The authorization URL with PKCE, state and nonce, and those three values."""
    verifier, nonce = generate_token(48), generate_token(20)
    url, state = client.create_authorization_url(_discovery(op)["authorization_endpoint"], code_verifier=verifier,
                                                 nonce=nonce, **params)
    return url, state, verifier, nonce


def _query(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def _sign_in(op: OidcProvider, login: str = "teacher", **http) -> tuple[dict, str]:
    """A whole code flow for `login`: the token response and the nonce sent."""
    with _client(op) as client:
        url, state, verifier, nonce = _authorize(op, client)
        back = op.login_via_http(url, login, **http)
        assert _query(back)["state"] == state
        token = client.fetch_token(_discovery(op)["token_endpoint"], authorization_response=back,
                                   code_verifier=verifier)
    return token, nonce


def _verified(op: OidcProvider, id_token: str) -> jwt.Token:
    keys = KeySet.import_key_set(httpx.get(_discovery(op)["jwks_uri"], timeout=10).json())
    token = jwt.decode(id_token, keys, algorithms=["RS256"])
    registry = jwt.JWTClaimsRegistry(iss={"essential": True, "value": op.issuer},
                                     aud={"essential": True, "value": op.client_id}, exp={"essential": True})
    registry.validate(token.claims)
    return token


def test_discovery_names_the_endpoints_and_requires_s256(op: OidcProvider):
    doc = _discovery(op)
    assert doc["issuer"] == op.issuer
    for endpoint, path in [("authorization_endpoint", "/auth"), ("token_endpoint", "/token"),
                           ("jwks_uri", "/jwks"), ("end_session_endpoint", "/session/end"),
                           ("userinfo_endpoint", "/me")]:
        assert doc[endpoint] == op.issuer + path
    assert doc["code_challenge_methods_supported"] == ["S256"]
    assert doc["response_types_supported"] == ["code"]
    assert "client_secret_basic" in doc["token_endpoint_auth_methods_supported"]
    assert {"openid", "profile", "email", "eduinfo"} <= set(doc["scopes_supported"])
    assert {"national_id", "school_code"} <= set(doc["claims_supported"])
    assert [key["kid"] for key in httpx.get(doc["jwks_uri"], timeout=10).json()["keys"]] == [op.kid]


def test_env_names_the_provider_for_the_app(op: OidcProvider):
    assert op.env() == {
        "TPD_OIDC_ISSUER": op.issuer,
        "TPD_OIDC_CLIENT_ID": "tpd-test",
        "TPD_OIDC_CLIENT_SECRET": op.client_secret,
        "TPD_OIDC_SCOPES": "openid profile email eduinfo",
        "TPD_OIDC_IDENTITY_CLAIM": "national_id",
        "TPD_OIDC_SCHOOL_CLAIM": "school_code",
    }


def test_code_flow_with_pkce_gives_an_id_token_with_the_school_claims(op: OidcProvider):
    token, nonce = _sign_in(op, "teacher")
    id_token = _verified(op, token["id_token"])
    assert id_token.header["kid"] == op.kid
    claims = id_token.claims
    assert claims["sub"] == "teacher"
    assert claims["nonce"] == nonce
    assert claims["national_id"] == "A123456789"
    assert claims["school_code"] == "313501"
    assert claims["email"] == "teacher@example.edu.tw"
    assert claims["exp"] - claims["iat"] == op.id_token_ttl
    userinfo = httpx.get(_discovery(op)["userinfo_endpoint"], timeout=10,
                         headers={"Authorization": f"Bearer {token['access_token']}"}).json()
    assert userinfo["sub"] == "teacher"
    assert (userinfo["national_id"], userinfo["school_code"]) == ("A123456789", "313501")


def test_a_login_not_in_the_accounts_signs_in_without_claims(op: OidcProvider):
    token, _ = _sign_in(op, "stranger")
    claims = _verified(op, token["id_token"]).claims
    assert claims["sub"] == "stranger"
    assert "national_id" not in claims
    assert "school_code" not in claims


def test_only_the_scopes_asked_for_give_their_claims(op: OidcProvider):
    with OAuth2Client(op.client_id, op.client_secret, scope="openid email", redirect_uri=CALLBACK,
                      code_challenge_method="S256", timeout=10) as client:
        url, _, verifier, _ = _authorize(op, client)
        back = op.login_via_http(url, "teacher")
        token = client.fetch_token(_discovery(op)["token_endpoint"], authorization_response=back,
                                   code_verifier=verifier)
    claims = _verified(op, token["id_token"]).claims
    assert claims["email"] == "teacher@example.edu.tw"
    assert "national_id" not in claims
    assert "name" not in claims


def test_a_code_works_once(op: OidcProvider):
    with _client(op) as client:
        url, _, verifier, _ = _authorize(op, client)
        back = op.login_via_http(url, "teacher")
        token_endpoint = _discovery(op)["token_endpoint"]
        client.fetch_token(token_endpoint, authorization_response=back, code_verifier=verifier)
    with _client(op) as replay, pytest.raises(OAuthError) as refused:
        replay.fetch_token(token_endpoint, authorization_response=back, code_verifier=verifier)
    assert refused.value.error == "invalid_grant"


def test_the_code_needs_its_verifier(op: OidcProvider):
    with _client(op) as client:
        url, _, _, _ = _authorize(op, client)
        back = op.login_via_http(url, "teacher")
        with pytest.raises(OAuthError) as refused:
            client.fetch_token(_discovery(op)["token_endpoint"], authorization_response=back,
                               code_verifier=generate_token(48))
    assert refused.value.error == "invalid_grant"


def test_an_authorization_request_without_pkce_is_sent_back_with_an_error(op: OidcProvider):
    with OAuth2Client(op.client_id, op.client_secret, scope=SCOPES, redirect_uri=CALLBACK) as client:
        url, state = client.create_authorization_url(_discovery(op)["authorization_endpoint"], nonce="n")
    back = op.login_via_http(url, "teacher")
    assert back.startswith(CALLBACK + "?")
    query = _query(back)
    assert query["error"] == "invalid_request"
    assert "PKCE" in query["error_description"]
    assert query["state"] == state


def test_a_wrong_client_secret_is_refused(op: OidcProvider):
    with _client(op) as client:
        url, _, verifier, _ = _authorize(op, client)
        back = op.login_via_http(url, "teacher")
    with OAuth2Client(op.client_id, "not-the-secret", redirect_uri=CALLBACK, timeout=10) as wrong, \
            pytest.raises(OAuthError) as refused:
        wrong.fetch_token(_discovery(op)["token_endpoint"], authorization_response=back, code_verifier=verifier)
    assert refused.value.error == "invalid_client"


def test_the_provider_session_signs_in_again_without_the_form_and_logout_goes_back(op: OidcProvider):
    with httpx.Client(timeout=10) as browser:
        token, _ = _sign_in(op, "principal", client=browser)
        # Signed in at the provider: a second authorization goes straight back; the login is not asked for.
        again, _ = _sign_in(op, "someone-else", client=browser)
        assert _verified(op, again["id_token"]).claims["sub"] == "principal"
        end_session = _discovery(op)["end_session_endpoint"] + "?" + urlencode(
            {"id_token_hint": token["id_token"], "post_logout_redirect_uri": SIGNED_OUT, "state": "bye"})
        page = browser.get(end_session)
        assert 'name="logout"' in page.text  # the confirmation page, as a browser would show it
        assert op.logout_via_http(end_session, client=browser) == f"{SIGNED_OUT}?state=bye"
        # Signed out: the form again.
        third, _ = _sign_in(op, "teacher", client=browser)
        assert _verified(op, third["id_token"]).claims["sub"] == "teacher"


def test_an_unregistered_post_logout_redirect_uri_is_refused(op: OidcProvider):
    token, _ = _sign_in(op)
    response = httpx.get(_discovery(op)["end_session_endpoint"], timeout=10, params={
        "id_token_hint": token["id_token"], "post_logout_redirect_uri": "http://evil.example/"})
    assert response.status_code == 400
    assert "post_logout_redirect_uri not registered" in response.text


def test_forged_tokens_verify_only_with_the_providers_key(op: OidcProvider):
    keys = KeySet.import_key_set(httpx.get(op.jwks_uri, timeout=10).json())
    good = op.forge_id_token({"sub": "teacher", "national_id": "A123456789", "nonce": "n"})
    token = jwt.decode(good, keys)
    assert token.header["kid"] == op.kid
    assert token.claims["iss"] == op.issuer
    assert token.claims["aud"] == op.client_id
    other = new_signing_key()
    with pytest.raises(BadSignatureError):
        jwt.decode(op.forge_id_token({"sub": "teacher"}, key=other), keys)
    as_dict = op.forge_id_token({"sub": "teacher", "exp": None}, key=other.as_dict(private=True), kid=other.kid)
    decoded = jwt.decode(as_dict, other)
    assert decoded.header["kid"] == other.kid
    assert "exp" not in decoded.claims


def test_rotate_keys_signs_with_a_new_kid_on_the_same_issuer():
    with OidcProvider([CALLBACK]) as op:
        old_kid, issuer = op.kid, op.issuer
        cached = KeySet.import_key_set(httpx.get(op.jwks_uri, timeout=10).json())
        assert op.rotate_keys() != old_kid
        assert op.issuer == issuer
        assert [key["kid"] for key in httpx.get(op.jwks_uri, timeout=10).json()["keys"]] == [op.kid]
        token, _ = _sign_in(op)
        assert jwt.decode(token["id_token"], KeySet.import_key_set(
            httpx.get(op.jwks_uri, timeout=10).json())).header["kid"] == op.kid
        with pytest.raises(InvalidKeyIdError):  # a relying party holding the old JWKS must fetch it again
            jwt.decode(token["id_token"], cached)
        newer = op.rotate_keys(keep_old=True)
        assert [key["kid"] for key in httpx.get(op.jwks_uri, timeout=10).json()["keys"]] == [newer, op.keys[1].kid]


def test_a_provider_that_cannot_start_says_why():
    with OidcProvider([CALLBACK]) as first:
        second = OidcProvider([CALLBACK], port=first.port)
        with pytest.raises(RuntimeError, match=r"EADDRINUSE|cannot listen"):
            second.start()
        second.close()
        assert httpx.get(first.discovery_url, timeout=10).status_code == 200
