"""The load client of bench/load.py: Reflex's socket.io protocol over one websocket per browser tab, and the
simulated people who click through the TPD pages. No command line of its own; bench/load.py runs it in
one or more worker processes.

What a tab sends, taken from the frames of a real Chromium session (Playwright, `page.on("websocket")`)
against `reflex run --env prod` and from `.web/utils/state.js`:

- a full page load opens `ws://<host>/_event/?token=<tab uuid>&EIO=4&transport=websocket` with the
  session cookie, `Origin` and the Reflex version as subprotocol, and sends the hydrate event
  (`reflex___state____state.hydrate_and_load`, payload `hashes` of the compiled initial state) inside
  the socket.io CONNECT packet (`40/_event,{"event": ..., "state_schema": ...}`);
- a client-side navigation (a link click) sends `...on_load_internal_state.on_load_internal` with the
  new page's `router_data` (`pathname`, `asPath`, `query`);
- a form sends its handler with `{"form_data": {"__reflex_form_data__": [[name, value], ...]}}`; the
  catalogue's `search` answers with a `_redirect`, which the browser follows as a navigation.

Reflex 0.10 no longer marks the last update of an event (`StateUpdate.final` is deprecated and never
sent). A page load or navigation ends with the delta `{"reflex___state____state": {"is_hydrated_rx_state_":
true}}` (the `set_is_hydrated(True)` that `on_load_internal` queues after the page's on_load handlers);
that frame is what a navigation waits for. A form handler without a chain answers with one frame; the
client waits for the first one (and follows a `_redirect` in it as a separate navigation).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import re
import resource
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from wsproto import ConnectionType, WSConnection
from wsproto.connection import ConnectionState
from wsproto.events import (
    AcceptConnection,
    CloseConnection,
    Ping,
    RejectConnection,
    RejectData,
    Request,
    TextMessage,
)

NAMESPACE = "/_event"
ROOT = "reflex___state____state"
HYDRATE = f"{ROOT}.hydrate_and_load"
ON_LOAD = f"{ROOT}.reflex___state____on_load_internal_state.on_load_internal"
APP = f"{ROOT}.tpd_app___state___base____app_state"
CATALOGUE = f"{APP}.tpd_app___state___catalogue____catalogue_state"
SEARCH = f"{CATALOGUE}.search"
LOGIN_SUBMIT = f"{APP}.tpd_app___state___auth____login_state.submit"
#: What Reflex's default backend exception handler puts in the toast it sends (prod mode).
APP_ERROR = "Contact the website administrator"
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) tpd-bench-load/1.0"

#: Completion rules: a navigation waits for `is_hydrated: true`, a form handler for its first frame.
HYDRATED, FIRST = "hydrated", "first"

#: The pages a teacher opens, with weights (a search needs the catalogue open, see `_teacher_step`).
TEACHER_ACTIONS = (("home", 12), ("catalogue", 14), ("search", 18), ("course", 18), ("registrations", 10),
                   ("register", 6), ("records", 14), ("reload", 3))
#: Staff: the same public pages less often, plus whichever of these their menu offers.
STAFF_ACTIONS = (("home", 18), ("catalogue", 8), ("search", 8), ("course", 8), ("review", 16), ("dashboard", 14),
                 ("own_courses", 10), ("school_records", 6), ("confirm_lists", 6), ("reload", 3))
PAGES = {
    "home": "/home", "catalogue": "/courses", "registrations": "/me/registrations", "register": "/me/register",
    "records": "/me/records", "review": "/course/review", "own_courses": "/course/own",
    "school_records": "/teachers/records", "confirm_lists": "/attendance/confirm",
}
#: A staff member's statistics dashboard: the first of these their menu lists.
DASHBOARDS = ("/stats/national", "/stats/county", "/stats/school", "/stats/subject-center")
#: Staff pages that depend on the menu: what a staff client falls back to when the target sends no menu.
STAFF_FALLBACK = {"review": "/home", "dashboard": "/home", "own_courses": "/home", "school_records": "/home",
                  "confirm_lists": "/home"}


class SocketClosed(Exception):
    """The websocket closed (or never opened)."""


class Socket:
    """One Engine.IO v4 / socket.io v5 connection over a websocket (the only transport Reflex allows)."""

    def __init__(self, on_event: Any) -> None:
        self._on_event = on_event
        self._ws = WSConnection(ConnectionType.CLIENT)
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._task: asyncio.Task | None = None
        self._opened: asyncio.Future | None = None
        self.connected: asyncio.Future | None = None
        self.closed = asyncio.Event()
        self.error = ""

    async def open(self, host: str, port: int, token: str, headers: list[tuple[str, str]],
                   subprotocol: str | None) -> None:
        """TCP, the websocket handshake and the Engine.IO open packet."""
        loop = asyncio.get_running_loop()
        self._opened = loop.create_future()
        self.connected = loop.create_future()
        self._reader, self._writer = await asyncio.open_connection(host, port, limit=1 << 22)
        target = f"{NAMESPACE}/?" + urlencode({"token": token, "EIO": "4", "transport": "websocket"})
        self._write(self._ws.send(Request(host=f"{host}:{port}", target=target, extra_headers=headers,
                                          subprotocols=[subprotocol] if subprotocol else [])))
        self._task = asyncio.create_task(self._read())
        await self._opened

    def connect_namespace(self, auth: dict[str, Any] | None) -> None:
        """The socket.io CONNECT packet; Reflex reads the hydrate event from its auth payload."""
        self._send_text(f"40{NAMESPACE}," + (_dumps(auth) if auth is not None else ""))

    def emit_event(self, event: dict[str, Any]) -> None:
        self._send_text(f"42{NAMESPACE}," + _dumps(["event", event]))

    async def close(self) -> None:
        if not self.closed.is_set() and self._ws.state is ConnectionState.OPEN:
            try:
                self._send_text(f"41{NAMESPACE},")
                self._write(self._ws.send(CloseConnection(code=1000)))
            except Exception:  # already going away
                pass
        if self._writer is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.closed.wait(), 2)
            self._writer.close()
        if self._task is not None:
            self._task.cancel()

    def _write(self, data: bytes) -> None:
        if self._writer is None or self._writer.is_closing():
            raise SocketClosed(self.error or "closed")
        self._writer.write(data)

    def _send_text(self, text: str) -> None:
        if self._ws.state is not ConnectionState.OPEN:
            raise SocketClosed(self.error or "not open")
        self._write(self._ws.send(TextMessage(data=text)))

    def _fail(self, error: str) -> None:
        self.error = self.error or error
        for fut in (self._opened, self.connected):
            if fut is not None and not fut.done():
                fut.set_exception(SocketClosed(self.error))

    async def _read(self) -> None:
        parts: list[str] = []
        assert self._reader is not None
        try:
            while True:
                data = await self._reader.read(1 << 18)
                if not data:
                    self._fail("connection closed by server")
                    break
                self._ws.receive_data(data)
                for ev in self._ws.events():
                    if isinstance(ev, TextMessage):
                        parts.append(ev.data)
                        if ev.message_finished:
                            text = "".join(parts) if len(parts) > 1 else parts[0]
                            parts.clear()
                            self._packet(text)
                    elif isinstance(ev, AcceptConnection):
                        pass
                    elif isinstance(ev, Ping):
                        self._write(self._ws.send(ev.response()))
                    elif isinstance(ev, (RejectConnection, RejectData)):
                        self._fail(f"handshake refused ({getattr(ev, 'status_code', '?')})")
                    elif isinstance(ev, CloseConnection):
                        if self._ws.state is ConnectionState.REMOTE_CLOSING:
                            self._write(self._ws.send(ev.response()))
                        self._fail(f"closed by server ({ev.code})")
                        return
        except asyncio.CancelledError:
            pass
        except Exception as exc:  # the socket or the protocol broke: this tab is done
            self._fail(f"{type(exc).__name__}: {exc}")
        finally:
            self._fail("closed")
            self.closed.set()

    def _packet(self, text: str) -> None:
        kind = text[:1]
        if kind == "4":  # Engine.IO message: a socket.io packet
            sio_type, rest = text[1:2], text[2:]
            if rest.startswith(NAMESPACE):
                rest = rest[len(NAMESPACE):].lstrip(",")
            if sio_type == "2":
                name, data = json.loads(rest)[:2]
                self._on_event(name, data, rest)
            elif sio_type == "0":
                if self.connected is not None and not self.connected.done():
                    self.connected.set_result(True)
            elif sio_type == "4":
                self._fail(f"connect refused: {rest[:200]}")
            elif sio_type == "1":
                self._fail("disconnected by server")
        elif kind == "2":  # Engine.IO ping: the server pings, the client answers
            self._send_text("3")
        elif kind == "0":
            if self._opened is not None and not self._opened.done():
                self._opened.set_result(json.loads(text[1:]))
        elif kind == "1":
            self._fail("engine.io close")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def router_data(path: str) -> dict[str, Any]:
    """What state.js puts in `router_data` for the page at `path` (a path with an optional query)."""
    parts = urlsplit(path)
    data: dict[str, Any] = {"pathname": parts.path, "asPath": path}
    if parts.query:
        data["query"] = dict(parse_qsl(parts.query))
    return data


@dataclass
class Target:
    """Where the tabs connect and what the served frontend announces (read by bench/load.py)."""

    name: str
    kind: str  # "tpd" (the app), "echo" (bench/echo_server.py) or "minimal" (one state, one handler)
    host: str
    port: int
    origin: str
    hashes: list[str] | None = None
    state_schema: str | None = None
    version: str | None = None


@dataclass
class Spec:
    """One simulated tab: its person's role and session cookie (empty: not signed in)."""

    role: str  # "teacher" or "staff"
    cookie: str
    login: str


@dataclass
class Job:
    """What one worker process runs."""

    target: Target
    specs: list[Spec]
    seed: int
    timeout: float
    think: tuple[float, float]
    connect_concurrency: int
    course_codes: list[str]
    keywords: list[str]
    cookie_name: str = "tpd_session"


@dataclass
class Pending:
    mode: str
    future: asyncio.Future
    redirect: str | None = None


@dataclass
class Tab:
    """One browser tab of one person: its token, its socket, what the pages told it."""

    job: Job
    spec: Spec
    rng: random.Random
    samples: list[tuple[str, float, float, str]]
    token: str = field(default_factory=lambda: str(uuid.uuid4()))
    sock: Socket | None = None
    path: str = "/home"
    pending: Pending | None = None
    codes: list[str] = field(default_factory=list)
    nav: list[str] = field(default_factory=list)
    app_errors: int = 0
    frames: int = 0
    bytes_in: int = 0

    # -- the protocol ---------------------------------------------------------------------------------

    def _on_event(self, name: str, data: Any, raw: str) -> None:
        self.frames += 1
        self.bytes_in += len(raw)
        if name != "event" or not isinstance(data, dict):
            return
        if APP_ERROR in raw:
            self.app_errors += 1
        delta = data.get("delta") or {}
        catalogue = delta.get(CATALOGUE)
        if catalogue and isinstance(catalogue.get("results_rx_state_"), list):
            codes = [r.get("code") for r in catalogue["results_rx_state_"] if isinstance(r, dict) and r.get("code")]
            if codes:
                self.codes = codes
        shell = delta.get(APP)
        if shell and isinstance(shell.get("nav_rx_state_"), list):
            self.nav = [n.get("href", "") for n in shell["nav_rx_state_"]
                        if isinstance(n, dict) and n.get("kind") == "item"]
        pending = self.pending
        if pending is None or pending.future.done():
            return
        for ev in data.get("events") or ():
            if isinstance(ev, dict) and ev.get("name") == "_redirect":
                path = (ev.get("payload") or {}).get("path")
                if isinstance(path, str) and path.startswith("/"):
                    pending.redirect = path
        root = delta.get(ROOT)
        if pending.mode == FIRST or (root is not None and root.get("is_hydrated_rx_state_") is True):
            pending.future.set_result(time.perf_counter())

    def _headers(self) -> list[tuple[str, str]]:
        headers = [("Origin", self.job.target.origin), ("User-Agent", USER_AGENT),
                   ("Accept-Language", "zh-TW,zh;q=0.9"), ("Cache-Control", "no-cache")]
        if self.spec.cookie:
            headers.append(("Cookie", f"{self.job.cookie_name}={self.spec.cookie}"))
        return headers

    async def _wait(self, kind: str, sent_wall: float, sent: float) -> tuple[bool, str | None]:
        """Wait for the pending event's last frame and record the sample: (done, a redirect to follow)."""
        assert self.pending is not None
        pending = self.pending
        try:
            done_at = await asyncio.wait_for(asyncio.shield(pending.future), self.job.timeout)
            self.samples.append((kind, sent_wall, (done_at - sent) * 1000, ""))
            return True, pending.redirect
        except TimeoutError:
            self.samples.append((kind, sent_wall, -1.0, "timeout"))
            await self._drain()
        except SocketClosed as exc:
            self.samples.append((kind, sent_wall, -1.0, f"closed: {exc}"[:120]))
        finally:
            self.pending = None
        return False, None

    async def _drain(self) -> None:
        """After a timeout: wait until the late frames stop (1 s of quiet, 30 s at most)."""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and self.sock is not None and not self.sock.closed.is_set():
            before = self.frames
            await asyncio.sleep(1)
            if self.frames == before:
                return

    async def load_page(self, path: str, kind: str = "hydrate") -> bool:
        """A full page load: a new socket whose CONNECT packet carries the hydrate event."""
        target = self.job.target
        if self.sock is not None:
            await self.sock.close()
        self.sock = Socket(self._on_event)
        sent_wall = time.time()
        try:
            await asyncio.wait_for(
                self.sock.open(target.host, target.port, self.token, self._headers(), target.version),
                self.job.timeout)
        except (TimeoutError, OSError, SocketClosed) as exc:
            self.samples.append((kind, sent_wall, -1.0, f"connect: {type(exc).__name__} {exc}"[:120]))
            return False
        self.path = path
        payload: dict[str, Any] = {"hashes": target.hashes} if target.hashes else {}
        # The static server answers /home with /home/ (its index.html): the page load's pathname.
        page_path = path if "?" in path or path.endswith("/") else path + "/"
        auth: dict[str, Any] = {"event": {"name": HYDRATE, "payload": payload, "router_data": router_data(page_path)}}
        if target.state_schema:
            auth["state_schema"] = target.state_schema
        self.pending = Pending(HYDRATED, asyncio.get_running_loop().create_future())
        sent_wall, sent = time.time(), time.perf_counter()
        try:
            self.sock.connect_namespace(auth)
        except SocketClosed as exc:
            self.samples.append((kind, sent_wall, -1.0, f"closed: {exc}"[:120]))
            self.pending = None
            return False
        self._watch_close()
        done, redirect = await self._wait(kind, sent_wall, sent)
        if redirect:
            await self.navigate(redirect, "redirect")
        return done

    def _watch_close(self) -> None:
        sock = self.sock

        async def watch() -> None:
            assert sock is not None
            await sock.closed.wait()
            if self.sock is sock and self.pending is not None and not self.pending.future.done():
                self.pending.future.set_exception(SocketClosed(sock.error or "closed"))

        self._watch = asyncio.ensure_future(watch())

    async def send(self, kind: str, name: str, payload: dict[str, Any], mode: str,
                   path: str | None = None) -> str | None:
        if (self.sock is None or self.sock.closed.is_set()) and not await self.load_page(self.path, "reconnect"):
            return None
        assert self.sock is not None
        self.pending = Pending(mode, asyncio.get_running_loop().create_future())
        sent_wall, sent = time.time(), time.perf_counter()
        try:
            self.sock.emit_event({"name": name, "payload": payload, "router_data": router_data(path or self.path)})
        except SocketClosed as exc:
            self.samples.append((kind, sent_wall, -1.0, f"closed: {exc}"[:120]))
            self.pending = None
            return None
        return (await self._wait(kind, sent_wall, sent))[1]

    async def navigate(self, path: str, kind: str | None = None, depth: int = 0) -> None:
        """A link click: on_load_internal with the new page's router data."""
        self.path = path
        label = kind or "nav " + _page_label(path)
        redirect = await self.send(label, ON_LOAD, {}, HYDRATED, path)
        if redirect and depth < 3:
            await self.navigate(redirect, "redirect", depth + 1)

    async def submit_search(self, keyword: str) -> None:
        """The catalogue's filter form; its `_redirect` to `/courses?q=...` is followed like the browser does."""
        if self.job.target.kind == "minimal":  # no such handler there: the navigation it leads to
            await self.navigate("/courses?" + urlencode({"q": keyword}), "search")
            return
        fields = [["q", keyword], ["county", ""], ["level", ""], ["kind", ""], ["topic", ""], ["from", ""],
                  ["to", ""]]
        redirect = await self.send("search", SEARCH, {"form_data": {"__reflex_form_data__": fields}}, FIRST)
        if redirect:
            await self.navigate(redirect, "nav /courses?q")

    # -- the person -----------------------------------------------------------------------------------

    def _pick(self, actions: tuple[tuple[str, int], ...]) -> str:
        names, weights = zip(*actions, strict=False)
        return self.rng.choices(names, weights)[0]

    def _course_path(self) -> str:
        codes = self.codes or self.job.course_codes
        return f"/courses/{self.rng.choice(codes)}" if codes else "/courses"

    async def step(self) -> None:
        """One click of this person."""
        teacher = self.spec.role == "teacher"
        action = self._pick(TEACHER_ACTIONS if teacher else STAFF_ACTIONS)
        if action == "reload":
            await self.load_page(self.path, "reload")
        elif action == "search":
            if self.path.startswith("/courses") and not self.path.startswith("/courses/"):
                await self.submit_search(self.rng.choice(self.job.keywords))
            else:
                await self.navigate("/courses")
        elif action == "course":
            await self.navigate(self._course_path())
        elif action == "dashboard":
            await self.navigate(next((d for d in DASHBOARDS if d in self.nav), STAFF_FALLBACK["dashboard"]))
        elif action in STAFF_FALLBACK:
            path = PAGES[action]
            await self.navigate(path if path in self.nav else STAFF_FALLBACK[action])
        else:
            await self.navigate(PAGES[action])

    async def close(self) -> None:
        if self.sock is not None:
            await self.sock.close()


def _page_label(path: str) -> str:
    """The page kind of a path, for the per-page breakdown (`/courses/115000001` → `/courses/<code>`)."""
    base = path.split("?", 1)[0]
    if base.startswith("/courses/") and len(base) > len("/courses/"):
        return "/courses/<code>"
    return base + ("?q" if "?" in path else "")


# -- real sign-in ---------------------------------------------------------------------------------------


async def real_sign_in(target: Target, login: str, password: str, timeout: float = 30.0) -> tuple[str, float, float]:
    """The login page's flow as a browser runs it: hydrate /login, send `LoginState.submit`, take the one-time
    ticket from the `_call_script` it answers with and POST it to /api/auth/session for the HttpOnly cookie.

    Returns (cookie value, ms from submit to the ticket, ms from submit to the cookie).
    """
    import httpx

    job = Job(target=target, specs=[], seed=0, timeout=timeout, think=(0, 0), connect_concurrency=1,
              course_codes=[], keywords=[])
    samples: list[tuple[str, float, float, str]] = []
    tab = Tab(job=job, spec=Spec(role="login", cookie="", login=login), rng=random.Random(0), samples=samples)
    ticket_box: dict[str, str] = {}
    original = tab._on_event

    def on_event(name: str, data: Any, raw: str) -> None:
        for ev in (data.get("events") or ()) if isinstance(data, dict) else ():
            code = (ev.get("payload") or {}).get("javascript_code", "") if isinstance(ev, dict) else ""
            match = re.search(r'"ticket":\s*"([^"]+)"', code)
            if match:
                ticket_box["ticket"] = match.group(1)
                if tab.pending is not None and not tab.pending.future.done():
                    tab.pending.future.set_result(time.perf_counter())
        original(name, data, raw)

    tab._on_event = on_event  # type: ignore[method-assign]
    try:
        if not await tab.load_page("/login"):
            raise RuntimeError(f"/login did not hydrate: {samples[-1][3] if samples else '?'}")
        fields = [["username", login], ["password", password], ["login_username", login], ["login_password", password]]
        assert tab.sock is not None
        started = time.perf_counter()
        # The submit answers twice (`submitting`, then the ticket): wait for the ticket, not the first frame.
        tab.pending = Pending(HYDRATED, asyncio.get_running_loop().create_future())
        tab.sock.emit_event({"name": LOGIN_SUBMIT, "payload": {"form_data": {"__reflex_form_data__": fields}},
                             "router_data": router_data("/login/")})
        await asyncio.wait_for(tab.pending.future, timeout)
        ticket_ms = (time.perf_counter() - started) * 1000
        if "ticket" not in ticket_box:
            raise RuntimeError(f"no ticket for {login} (wrong password or throttled?)")
    finally:
        tab.pending = None
        await tab.close()
    async with httpx.AsyncClient(base_url=f"http://{target.host}:{target.port}", timeout=timeout) as http:
        response = await http.post("/api/auth/session", data={"ticket": ticket_box["ticket"], "next": "/home"},
                                   headers={"Origin": target.origin, "Referer": f"{target.origin}/login/",
                                            "User-Agent": USER_AGENT})
    cookie = response.cookies.get(job.cookie_name)
    if response.status_code != 303 or not cookie:
        raise RuntimeError(f"/api/auth/session answered {response.status_code} without a session cookie")
    return cookie, ticket_ms, (time.perf_counter() - started) * 1000


# -- the worker process ---------------------------------------------------------------------------------


def worker_main(conn: Any, job: Job) -> None:
    """Entry point of one worker process: connect its tabs, wait for "go", click until the end, report.

    Protocol on `conn` (a multiprocessing pipe): worker → ("connected", samples, ok, failed);
    main → ("go", t_start, t_end); worker → ("done", samples, stats).
    """
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_worker(conn, job))


async def _worker(conn: Any, job: Job) -> None:
    rng = random.Random(job.seed)
    connect_samples: list[tuple[str, float, float, str]] = []
    load_samples: list[tuple[str, float, float, str]] = []
    tabs = [Tab(job=job, spec=spec, rng=random.Random(rng.random()), samples=connect_samples) for spec in job.specs]
    gate = asyncio.Semaphore(max(1, job.connect_concurrency))
    cpu0 = _cpu()

    async def connect(tab: Tab) -> bool:
        async with gate:
            first = "/home" if tab.spec.cookie else "/"
            if job.target.kind == "tpd" and tab.spec.role == "teacher" and tab.rng.random() < 0.3:
                first = "/courses"
            return await tab.load_page(first)

    results = await asyncio.gather(*(connect(tab) for tab in tabs))
    ok = sum(results)
    conn.send(("connected", connect_samples, ok, len(tabs) - ok))
    message = await asyncio.to_thread(conn.recv)
    if message[0] != "go":
        await asyncio.gather(*(tab.close() for tab in tabs))
        return
    _, t_start, t_end = message
    cpu1 = _cpu()
    wall1 = time.time()
    for tab in tabs:
        tab.samples = load_samples

    async def browse(tab: Tab) -> None:
        await asyncio.sleep(max(0.0, t_start - time.time()) + tab.rng.uniform(0, job.think[1]))
        while time.time() < t_end:
            next_at = time.monotonic() + tab.rng.uniform(*job.think)
            await tab.step()
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))

    await asyncio.gather(*(browse(tab) for tab in tabs if tab.sock is not None and not tab.sock.closed.is_set()))
    cpu2, wall2 = _cpu(), time.time()
    stats = {
        "cpu_connect_s": cpu1 - cpu0, "cpu_load_s": cpu2 - cpu1, "wall_load_s": wall2 - wall1,
        "frames": sum(t.frames for t in tabs), "bytes_in": sum(t.bytes_in for t in tabs),
        "app_errors": sum(t.app_errors for t in tabs), "max_rss_mb": _max_rss_mb(), "pid": os.getpid(),
    }
    await asyncio.gather(*(tab.close() for tab in tabs), return_exceptions=True)
    conn.send(("done", load_samples, stats))


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
