"""Beyond one machine: two app processes behind nginx (Debian's package, the repository's
deploy/nginx/tpd-locations.conf), sharing Redis and PostgreSQL, serving the suite's one build.

The suite's server is stopped for this test and its port given to nginx (the build's origin), then started
again."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import ROOT, Server, _stop, sign_in
from tests.browser.test_session_edges import _upload
from tests.structure.test_postgresql import postgres_url  # noqa: F401 (the module-scoped server fixture)

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.3)


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    if not os.path.exists(REDIS):
        pytest.fail("Redis is not installed: sudo apt-get install redis-server (./scripts/test does it as root)")
    port = _free_port()
    process = subprocess.Popen([REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
                                "no", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 20
        while socket.socket().connect_ex(("127.0.0.1", port)) != 0:
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _nginx_conf(work: Path, listen: int, upstreams: list[int]) -> Path:
    for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (work / name).mkdir(exist_ok=True)
    servers = "".join(f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=30s;\n" for port in upstreams)
    conf = work / "nginx.conf"
    conf.write_text(f"""worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/error.log;
events {{ worker_connections 1024; }}
http {{
    access_log {work}/access.log;
    client_body_temp_path {work}/client_body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    upstream tpd_app {{
        least_conn;
{servers}    }}
    server {{
        listen 127.0.0.1:{listen};
        include {ROOT / "deploy" / "nginx" / "tpd-locations.conf"};
    }}
}}
""")
    return conf


def _served_events(app: Server) -> int:
    return app.log.read_text(errors="replace").count('"path": "/_event')


def test_two_app_processes_behind_nginx_share_redis_and_postgresql(
        browser: Browser, server: Server, postgres_url: str, redis_url: str, tmp_path: Path):  # noqa: F811
    if not os.path.exists(NGINX):
        pytest.fail("nginx is not installed: sudo apt-get install nginx-light (./scripts/test does it as root)")
    env = {**server.env, "TPD_DATABASE_URL": postgres_url, "REFLEX_REDIS_URL": redis_url, "GRANIAN_WORKERS": "1",
           "REFLEX_TRUSTED_PROXY_HOPS": "1"}
    for command in ("migrate", "load-demo"):
        subprocess.run([sys.executable, "-m", "tpd_app.cli", command], cwd=ROOT, env=env, check=True,
                       capture_output=True)
    ports = [_free_port(), _free_port()]
    apps = [Server(url=f"http://localhost:{port}", port=port, db_url=postgres_url, log=tmp_path / f"app-{port}.log",
                   env=env) for port in ports]
    nginx = None
    server.stop()
    try:
        for app in apps:
            app.start()
        nginx = subprocess.Popen([NGINX, "-c", str(_nginx_conf(tmp_path, server.port, ports)), "-p", str(tmp_path),
                                  "-g", "daemon off;"], stderr=subprocess.STDOUT, stdout=subprocess.DEVNULL,
                                 start_new_session=True)
        _wait(f"{server.url}/api/ready")

        # Two people at once, each on their own websocket; least_conn puts them on different processes.
        teacher_tab = browser.new_context(base_url=server.url, locale="zh-TW").new_page()
        school_tab = browser.new_context(base_url=server.url, locale="zh-TW").new_page()
        sign_in(teacher_tab, "A123456789", teacher_tab=True)
        sign_in(school_tab, "demo-school")
        expect(school_tab.get_by_test_id("header-unit")).to_have_text("臺北市大安區和平國民小學")
        teacher_tab.goto("/me/records")
        expect(teacher_tab.get_by_test_id("record-row").first).to_be_visible()
        school_tab.goto("/teachers")
        expect(school_tab.get_by_test_id("hydrated")).to_be_attached()
        # An upload right after the page loaded, over HTTP to either process, while the tab's worker still
        # holds its states in memory (the opportunistic lock): the session check sees the tab's cookie.
        school_tab.goto("/teachers/new")
        expect(school_tab.get_by_test_id("hydrated")).to_be_attached()
        token = school_tab.evaluate("window.sessionStorage.getItem('token')")
        for _ in apps:
            assert _upload(school_tab.context.request, server, token).status == 200
        served = [_served_events(app) for app in apps]
        assert all(served), f"websockets per process: {served}"  # both processes carried people

        # One app machine goes away: its people reconnect to the other and are still signed in.
        _stop(apps[0].process)
        for tab in (teacher_tab, school_tab):
            tab.goto("/home")
        expect(school_tab.get_by_test_id("header-unit")).to_have_text("臺北市大安區和平國民小學")
        teacher_tab.goto("/me/records")
        expect(teacher_tab.get_by_test_id("record-row").first).to_be_visible()
        with urllib.request.urlopen(f"{server.url}/api/ready", timeout=10) as response:
            assert b'"redis":{"ok":true' in response.read().replace(b" ", b"")
        teacher_tab.context.close()
        school_tab.context.close()
    finally:
        if nginx is not None:
            _stop(nginx)
        for app in apps:
            app.stop()
        server.start()
