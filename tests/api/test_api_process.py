"""The reporting API in its own process (`cli serve-api`), as `cli serve` runs it: the web app forwards
/api/v1 to it with the caller's address, keeps its body limit, answers 503 in the caller's language while
the process is away, and `serving.start_api_process` starts it again when it stops."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from tests.api.test_reporting import _auth, _course, _setup
from tpd_app import serving
from tpd_app.api import upstream
from tpd_app.models import ApiClient, Course
from tpd_app.services.platform.db import transaction
from tpd_app.settings import ROOT


def _wait_for(socket: Path, process: subprocess.Popen | None = None, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not upstream.answers(socket):
        assert process is None or process.poll() is None, "the API process stopped"
        assert time.monotonic() < deadline, f"no socket {socket} after {seconds} s"
        time.sleep(0.1)


@pytest.fixture
def api_process(db_url: str, tmp_path: Path) -> Iterator[tuple[subprocess.Popen, Path]]:
    socket = tmp_path / "api.sock"
    process = subprocess.Popen([sys.executable, "-m", "tpd_app.cli", "serve-api", "--socket", str(socket)],
                               cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, start_new_session=True)
    try:
        _wait_for(socket, process)
        yield process, socket
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def _web_app(socket: Path, monkeypatch: pytest.MonkeyPatch):
    """The web server's app as `cli serve` builds it, with the API forwarded to `socket`."""
    monkeypatch.setenv(upstream.SOCKET_ENV, str(socket))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient
    from tpd_app.api.app import build_api

    return TestClient(build_api(), client=("203.0.113.7", 50000))


def test_the_web_app_forwards_the_api_to_its_process_with_the_callers_address(
        api_process: tuple[subprocess.Popen, Path], monkeypatch: pytest.MonkeyPatch):
    env = _setup()
    http = _web_app(api_process[1], monkeypatch)
    answer = http.put("/api/v1/courses/TPE-P-1", json=_course(env["world"]), headers=_auth(env["token"], "en"))
    assert answer.status_code == 200, answer.text
    assert answer.json()["result"] == "created"
    assert answer.headers["x-frame-options"] == "DENY"
    rows = [{"national_id": env["ids"][0]}, {"national_id": "A123456788"}]
    listed = http.put("/api/v1/courses/TPE-P-1/attendance", json={"rows": rows}, headers=_auth(env["token"], "en"))
    assert listed.status_code == 200, listed.text
    assert [r["result"] for r in listed.json()["rows"]] == ["accepted", "rejected"]
    assert listed.json()["rows"][1]["message"].isascii()  # said in the caller's language
    with transaction() as s:
        assert s.exec(select(Course)).one().title == _course(env["world"])["title"]
        # The API process saw the caller's address, not the web server's socket.
        assert s.exec(select(ApiClient)).one().last_used_ip == "203.0.113.7"
    wrong = http.get("/api/v1/me", headers=_auth("tpd_nobody_nothing"))
    assert wrong.status_code == 401 and wrong.headers["content-type"].startswith("application/problem+json")
    docs = http.get("/api/v1/openapi.json")
    assert docs.status_code == 200 and "/courses/{external_id}/attendance" in docs.json()["paths"]
    # The body limit holds before anything is forwarded.
    huge = http.put("/api/v1/courses/TPE-P-1/attendance", content=b"x" * (5 * 1024 * 1024),
                    headers={**_auth(env["token"]), "content-type": "application/json"})
    assert huge.status_code == 413


def test_while_the_api_process_is_away_the_caller_is_told_to_retry(
        api_process: tuple[subprocess.Popen, Path], monkeypatch: pytest.MonkeyPatch):
    env = _setup()
    process, socket = api_process
    http = _web_app(socket, monkeypatch)
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=20)
    answer = http.put("/api/v1/courses/TPE-P-2", json=_course(env["world"]), headers=_auth(env["token"], "en"))
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "5"
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["key"] == "api.error.unavailable" and "again" in answer.json()["detail"]
    zh = http.get("/api/v1/me", headers=_auth(env["token"]))
    assert zh.status_code == 503 and "稍候再試" in zh.json()["detail"]
    with transaction() as s:
        assert s.exec(select(Course)).first() is None


def test_serve_keeps_the_api_process_running(db_url: str, tmp_path: Path):
    api = serving.ApiProcess(tmp_path / "api.sock")
    try:
        assert api.start() and api.socket.exists()
        assert api.process is not None
        first = api.process.pid
        os.kill(first, signal.SIGKILL)
        deadline = time.monotonic() + 60
        while api.process.pid == first or not upstream.answers(api.socket):
            assert time.monotonic() < deadline, "the API process was not started again"
            time.sleep(0.2)
    finally:
        api.stop()
    assert api.process.poll() is not None
    # Neither the killed one's worker nor the second one's is left running.
    deadline = time.monotonic() + 20
    while _serving(api.socket):
        assert time.monotonic() < deadline, f"left running: {_serving(api.socket)}"
        time.sleep(0.2)


def _serving(socket: Path) -> list[int]:
    """The processes still serving the API on `socket`."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if b"serve-api" in (text := cmdline.read_bytes()) and str(socket).encode() in text:
                found.append(int(cmdline.parent.name))
        except OSError:
            continue
    return found
