"""A real OpenID Connect provider on localhost for the tests: panva's `oidc-provider` (npm) run by Node.

    with OidcProvider(["http://localhost:3000/auth/callback"]) as op:
        env = op.env()                      # TPD_OIDC_* for the app under test
        url = op.login_via_http(authorize_url, "teacher")   # -> redirect_uri?code=...&state=...

The provider (tests/oidc/provider/server.mjs) signs with an RS256 key generated here, so a test can also forge
tokens with the same key (`forge_id_token`). Authorization code flow with PKCE (S256) required, the built-in
login form (any login, any password), no consent prompt, RP-initiated logout. State lives in the provider's
memory: `rotate_keys()` restarts it on the same port and so also ends its sign-in sessions.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import selectors
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterable, Mapping
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
from joserfc import jwt
from joserfc.jwk import RSAKey

PROVIDER_DIR = Path(__file__).resolve().parent / "provider"
SERVER = PROVIDER_DIR / "server.mjs"

CLIENT_ID = "tpd-test"
SCOPES = "openid profile email eduinfo"
IDENTITY_CLAIM = "national_id"
SCHOOL_CLAIM = "school_code"

# login -> claims. Any other login signs in as well, with no claim but `sub` (no national_id, no school).
DEFAULT_ACCOUNTS: dict[str, dict[str, Any]] = {
    "teacher": {
        "name": "王小明",
        "email": "teacher@example.edu.tw",
        "email_verified": True,
        "national_id": "A123456789",
        "school_code": "313501",
    },
    "principal": {
        "name": "陳校長",
        "email": "principal@example.edu.tw",
        "email_verified": True,
        "national_id": "B223456789",
        "school_code": "313501",
    },
    "no-school": {
        "name": "林老師",
        "email": "no-school@example.edu.tw",
        "email_verified": True,
        "national_id": "C123456780",
    },
}

# Playwright selectors of the provider's own pages.
LOGIN_FIELD = 'input[name="login"]'
PASSWORD_FIELD = 'input[name="password"]'
LOGIN_SUBMIT = 'button[type="submit"]'
LOGOUT_CONFIRM = 'button[name="logout"]'


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def new_signing_key(kid: str | None = None) -> RSAKey:
    """A fresh private RS256 key (2048 bits) with a `kid`."""
    return RSAKey.generate_key(2048, parameters={"kid": kid or secrets.token_hex(8), "use": "sig", "alg": "RS256"},
                               private=True)


def node_binary() -> str:
    node = os.environ.get("TPD_NODE") or shutil.which("node") or shutil.which("nodejs")
    if not node:
        raise RuntimeError("The OIDC provider needs Node.js (18 or newer): scripts/test installs Debian's nodejs "
                           "and npm, or: sudo apt-get install nodejs npm")
    return node


def ensure_installed() -> None:
    """`npm ci` in tests/oidc/provider when its node_modules are missing (scripts/test does it beforehand)."""
    if (PROVIDER_DIR / "node_modules" / "oidc-provider" / "package.json").is_file():
        return
    npm = shutil.which("npm")
    if not npm:
        raise RuntimeError(f"{PROVIDER_DIR}/node_modules is missing and there is no npm to install it: run "
                           "scripts/test, or: sudo apt-get install nodejs npm && (cd tests/oidc/provider && npm ci)")
    done = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=PROVIDER_DIR,
                          capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"npm ci in {PROVIDER_DIR} failed:\n{done.stdout}\n{done.stderr}")


class _Forms(HTMLParser):
    """The forms of a page: action, method and the inputs' names and values."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.forms.append({"action": values.get("action", ""), "method": values.get("method", "get").lower(),
                               "id": values.get("id", ""), "fields": {}})
        elif tag == "input" and self.forms and values.get("name"):
            self.forms[-1]["fields"][values["name"]] = values.get("value", "")


def _forms(html: str) -> list[dict[str, Any]]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


class OidcProvider:
    """One oidc-provider process with one confidential client (`client_secret_basic`).

    `redirect_uris` and `post_logout_redirect_uris` are the relying party's; `accounts` maps a login to its
    claims (DEFAULT_ACCOUNTS: "teacher", "principal", "no-school"); `port` None takes a free one, kept across
    restarts. Start with `start()` or `with OidcProvider(...) as op:`.
    """

    def __init__(self, redirect_uris: Iterable[str], post_logout_redirect_uris: Iterable[str] = (),
                 accounts: Mapping[str, Mapping[str, Any]] | None = None, port: int | None = None, *,
                 client_id: str = CLIENT_ID, client_secret: str | None = None, id_token_ttl: int = 600) -> None:
        self.redirect_uris = list(redirect_uris)
        self.post_logout_redirect_uris = list(post_logout_redirect_uris)
        self.accounts = {login: dict(claims) for login, claims in (DEFAULT_ACCOUNTS if accounts is None
                                                                   else accounts).items()}
        self._fixed_port = port is not None
        self.port = port if port is not None else _free_port()
        self.client_id = client_id
        self.client_secret = client_secret or secrets.token_urlsafe(24)
        self.id_token_ttl = id_token_ttl
        self.keys: list[RSAKey] = [new_signing_key()]
        self.process: subprocess.Popen | None = None
        self._dir: Path | None = None  # config.json and provider.log, made on the first start

    # --- identity -----------------------------------------------------------------------------------

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def private_jwk(self) -> RSAKey:
        """The signing key (joserfc); `.as_dict(private=True)` for the JWK."""
        return self.keys[0]

    @property
    def kid(self) -> str:
        return self.keys[0].kid

    @property
    def jwks_uri(self) -> str:
        return f"{self.issuer}/jwks"

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def env(self) -> dict[str, str]:
        """The environment the app reads for its OIDC sign-in."""
        return {
            "TPD_OIDC_ISSUER": self.issuer,
            "TPD_OIDC_CLIENT_ID": self.client_id,
            "TPD_OIDC_CLIENT_SECRET": self.client_secret,
            "TPD_OIDC_SCOPES": SCOPES,
            "TPD_OIDC_IDENTITY_CLAIM": IDENTITY_CLAIM,
            "TPD_OIDC_SCHOOL_CLAIM": SCHOOL_CLAIM,
        }

    # --- process ------------------------------------------------------------------------------------

    def _config(self) -> dict[str, Any]:
        return {
            "port": self.port,
            "issuer": self.issuer,
            "id_token_ttl": self.id_token_ttl,
            "exit_on_stdin_close": True,
            "clients": [{
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "redirect_uris": self.redirect_uris,
                "post_logout_redirect_uris": self.post_logout_redirect_uris,
            }],
            "accounts": self.accounts,
            "jwks": {"keys": [key.as_dict(private=True) for key in self.keys]},
        }

    @property
    def log_path(self) -> Path | None:
        return self._dir / "provider.log" if self._dir else None

    def log(self) -> str:
        """What the provider wrote on stderr (and a line per start)."""
        path = self.log_path
        return path.read_text(errors="replace") if path and path.exists() else ""

    def start(self, timeout: float = 30) -> OidcProvider:
        ensure_installed()
        node = node_binary()
        for attempt in range(3):
            try:
                self._start_once(node, timeout)
                return self
            except RuntimeError:
                if self._fixed_port or attempt == 2 or "EADDRINUSE" not in self.log():
                    raise
                self.port = _free_port()  # taken between choosing it and listening: choose again
        return self

    def _start_once(self, node: str, timeout: float) -> None:
        if self.process is not None:
            raise RuntimeError("the OIDC provider is already running")
        if self._dir is None or not self._dir.is_dir():
            self._dir = Path(tempfile.mkdtemp(prefix="tpd-oidc-"))
        config = self._dir / "config.json"
        config.write_text(json.dumps(self._config(), ensure_ascii=False))
        config.chmod(0o600)
        with (self._dir / "provider.log").open("a") as log:
            log.write(f"--- starting {self.issuer} (kid {self.kid})\n")
            log.flush()
            process = subprocess.Popen([node, str(SERVER), str(config)], cwd=PROVIDER_DIR, stdin=subprocess.PIPE,
                                       stdout=subprocess.PIPE, stderr=log, start_new_session=True)
        self.process = process
        assert process.stdout is not None
        deadline = time.monotonic() + timeout
        line = b""
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            while not line.endswith(b"\n"):
                left = deadline - time.monotonic()
                if left <= 0 or not selector.select(left):
                    self.stop()
                    raise RuntimeError(f"the OIDC provider was not ready after {timeout}s:\n{self.log()[-4000:]}")
                chunk = os.read(process.stdout.fileno(), 4096)
                if not chunk:
                    process.wait(timeout=5)
                    code = process.returncode
                    self.stop()
                    raise RuntimeError(f"the OIDC provider exited with {code}:\n{self.log()[-4000:]}")
                line += chunk
        if line.decode().strip() != f"READY {self.issuer}":
            self.stop()
            raise RuntimeError(f"the OIDC provider said {line!r}:\n{self.log()[-4000:]}")

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        for pipe in (process.stdin, process.stdout):
            if pipe is not None:
                pipe.close()

    def restart(self) -> None:
        self.stop()
        self.start()

    def rotate_keys(self, *, keep_old: bool = False) -> str:
        """Restart on the same port signing with a new key (a new kid); the JWKS then holds only the new key, or
        the new and the old one with `keep_old`. Returns the new kid. Sessions, codes and tokens are gone too."""
        old = self.keys[0]
        self.keys = [new_signing_key(), *([old] if keep_old else [])]
        self.restart()
        return self.kid

    def close(self) -> None:
        self.stop()
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    def __enter__(self) -> OidcProvider:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- driving it ---------------------------------------------------------------------------------

    def _on_provider(self, url: str) -> bool:
        here, there = urlsplit(self.issuer), urlsplit(url)
        return (there.scheme, there.netloc) == (here.scheme, here.netloc)

    def login_via_http(self, authorize_url: str, login: str, password: str = "any-password", *,
                       client: httpx.Client | None = None) -> str:
        """Follow `authorize_url` without a browser, sign in on the login form as `login`, and return the URL the
        provider finally redirects to (the relying party's redirect_uri with `code` and `state`, or `error`)
        without requesting it. Pass `client` to keep the provider's session cookie across calls (a second
        authorization then needs no form)."""
        own = client is None
        http = client or httpx.Client(timeout=15)
        try:
            url = authorize_url
            for _ in range(20):
                if not self._on_provider(url):
                    return url
                response = http.get(url, follow_redirects=False)
                if response.is_redirect:
                    url = urljoin(url, response.headers["location"])
                    continue
                form = next((f for f in _forms(response.text) if f["fields"].get("prompt") == "login"), None)
                if response.status_code != 200 or form is None:
                    raise AssertionError(f"no login form at {url} ({response.status_code}):\n{response.text[:2000]}")
                data = {**form["fields"], "login": login, "password": password}
                response = http.post(urljoin(url, form["action"]), data=data, follow_redirects=False)
                if not response.is_redirect:
                    raise AssertionError(f"the login form was not accepted ({response.status_code}):\n"
                                         f"{response.text[:2000]}")
                url = urljoin(url, response.headers["location"])
            raise AssertionError(f"too many redirects on the provider, last {url}")
        finally:
            if own:
                http.close()

    def logout_via_http(self, end_session_url: str, *, client: httpx.Client | None = None) -> str:
        """Open the provider's end_session URL (RP-initiated logout), confirm "Yes, sign me out", and return where
        the provider redirects (the post_logout_redirect_uri with `state`, or its own "Signed out" page)."""
        own = client is None
        http = client or httpx.Client(timeout=15)
        try:
            response = http.get(end_session_url, follow_redirects=False)
            # The confirmation page's form id="op.logoutForm", or, with no one signed in at the provider, a form
            # that submits itself.
            form = next((f for f in _forms(response.text) if "xsrf" in f["fields"]), None)
            if response.status_code != 200 or form is None:
                raise AssertionError(f"no logout form at {end_session_url} ({response.status_code}):\n"
                                     f"{response.text[:2000]}")
            response = http.post(urljoin(end_session_url, form["action"]), data={**form["fields"], "logout": "yes"},
                                 follow_redirects=False)
            if not response.is_redirect:
                raise AssertionError(f"the logout was not confirmed ({response.status_code}):\n{response.text[:2000]}")
            return urljoin(end_session_url, response.headers["location"])
        finally:
            if own:
                http.close()

    def sign_in_page(self, page: Any, login: str, password: str = "any-password") -> None:
        """Playwright: on the provider's login page (the browser was sent there), sign in as `login`."""
        page.locator(LOGIN_FIELD).fill(login)
        page.locator(PASSWORD_FIELD).fill(password)
        page.locator(LOGIN_SUBMIT).click()

    def confirm_logout_page(self, page: Any) -> None:
        """Playwright: on the provider's "Sign out" page, click "Yes, sign me out"."""
        page.locator(LOGOUT_CONFIRM).click()

    # --- tokens -------------------------------------------------------------------------------------

    def forge_id_token(self, claims: Mapping[str, Any], key: RSAKey | Mapping[str, Any] | None = None,
                       kid: str | None = None) -> str:
        """An RS256 JWT signed with the provider's key, or with `key` (a joserfc key or a private JWK dict).

        `iss`, `aud` (the client), `iat` and `exp` (in `id_token_ttl`) are filled in unless `claims` has them;
        a claim given as None is left out. The header's kid is `kid`, else the provider's (a token forged with
        another key then claims to be the provider's); kid="" leaves it out."""
        now = int(time.time())
        payload = {"iss": self.issuer, "aud": self.client_id, "iat": now, "exp": now + self.id_token_ttl,
                   **claims}
        payload = {name: value for name, value in payload.items() if value is not None}
        signing = self.private_jwk if key is None else key
        if not isinstance(signing, RSAKey):
            signing = RSAKey.import_key(dict(signing))
        header = {"alg": "RS256", "typ": "JWT"}
        kid = self.kid if kid is None else kid
        if kid:
            header["kid"] = kid
        return jwt.encode(header, payload, signing)
