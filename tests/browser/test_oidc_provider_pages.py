"""The test OIDC provider's own pages in Chromium, driven by the harness's Playwright helpers: its login form
(`sign_in_page`) and its sign-out confirmation (`confirm_logout_page`). No app server: the relying party's
URLs are answered by Playwright. (Here and not in tests/oidc: Playwright's sync API must run last.)"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from authlib.common.security import generate_token
from playwright.sync_api import Browser, Page

from tests.oidc.harness import SCOPES, OidcProvider
from tpd_app.services.accounts.sso import OAuth2Client  # Authlib's, its httpx warning silenced there

RP = "http://localhost:3998"
CALLBACK = f"{RP}/auth/oidc/callback"
SIGNED_OUT = f"{RP}/login"


@pytest.fixture(scope="module")
def op() -> Iterator[OidcProvider]:
    with OidcProvider([CALLBACK], [SIGNED_OUT]) as provider:
        yield provider


@pytest.fixture
def rp_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    context.set_default_timeout(20_000)
    context.route(f"{RP}/**", lambda route: route.fulfill(status=200, content_type="text/html",
                                                         body="<p>relying party</p>"))
    tab = context.new_page()
    yield tab
    context.close()


def test_sign_in_and_out_on_the_providers_pages(op: OidcProvider, rp_page: Page):
    requested: list[str] = []
    rp_page.on("request", lambda request: requested.append(request.url))
    discovery = httpx.get(op.discovery_url, timeout=10).json()
    with OAuth2Client(op.client_id, op.client_secret, scope=SCOPES, redirect_uri=CALLBACK,
                      code_challenge_method="S256", timeout=10) as client:
        verifier, nonce = generate_token(48), generate_token(20)
        url, state = client.create_authorization_url(discovery["authorization_endpoint"], code_verifier=verifier,
                                                     nonce=nonce)
        rp_page.goto(url)
        assert rp_page.url.startswith(f"{op.issuer}/interaction/")
        op.sign_in_page(rp_page, "teacher")
        rp_page.wait_for_url(f"{CALLBACK}?**")
        query = {name: values[0] for name, values in parse_qs(urlsplit(rp_page.url).query).items()}
        assert query["state"] == state
        token = client.fetch_token(discovery["token_endpoint"], authorization_response=rp_page.url,
                                   code_verifier=verifier)
    assert token["scope"] == SCOPES

    rp_page.goto(discovery["end_session_endpoint"] + "?" + urlencode(
        {"id_token_hint": token["id_token"], "post_logout_redirect_uri": SIGNED_OUT, "state": "bye"}))
    op.confirm_logout_page(rp_page)
    rp_page.wait_for_url(f"{SIGNED_OUT}?state=bye")
    # Offline-safe: nothing but the provider and the relying party was asked for (no web fonts).
    assert all(u.startswith((op.issuer, RP)) for u in requested), requested
