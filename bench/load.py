"""Load: signed-in websocket clients clicking through real pages, next to a bare socket.io echo server.

    python bench/load.py --target default=http://localhost:3400 --db-url sqlite:////tmp/bench-load/tpd.db
    python bench/load.py --target default=http://localhost:3400 --target multi=http://localhost:3410 \\
        --db-url default=sqlite:////tmp/bench-load/tpd.db --db-url multi=postgresql+psycopg://tpd@localhost/tpd \\
        --clients 50,200,500,1000,2000 --seconds 30 --json /tmp/bench-load/load.json
    python bench/load.py --target default=http://localhost:3400 --db-url ... --minimal minimal=http://localhost:3420

Starting the targets (the bench does not start the app; it starts only the echo server):

  default profile (one worker, SQLite, Reflex's memory state manager), from a copy of the repository with
  its own .web (a build is stamped with the sources, so edits elsewhere do not stop it):
    cd /tmp/bd && source /work/main/.venv/bin/activate && export PYTHONPATH=$PWD
    export REFLEX_USE_SYSTEM_BUN=1 REFLEX_TELEMETRY_ENABLED=false REFLEX_CHECK_LATEST_VERSION=false \
           TPD_DATABASE_URL=sqlite:////tmp/bl/tpd.db TPD_PORT=3400 TPD_PUBLIC_ORIGIN=http://localhost:3400 \
           TPD_ACCESS_LOG=off
    python -m tpd_app.cli migrate && python -m tpd_app.cli load-demo && python -m tpd_app.cli build
    python -m tpd_app.cli serve --port 3400
  multi-worker profile: the same from a second copy, with PostgreSQL and Redis; `cli serve` then runs one
  Granian worker per core (GRANIAN_WORKERS=N overrides):
    export TPD_DATABASE_URL=postgresql+psycopg://tpd@127.0.0.1:5544/tpd REFLEX_REDIS_URL=redis://127.0.0.1:6390/0 \
           TPD_PORT=3410 TPD_PUBLIC_ORIGIN=http://localhost:3410   # + the REFLEX_* variables above
    python -m tpd_app.cli migrate && python -m tpd_app.cli load-demo && python -m tpd_app.cli build
    python -m tpd_app.cli serve --port 3410
  minimal Reflex app (optional, `--minimal`): bench/minimal_app (one state, one on_load handler, every path,
  memory states), run from that folder with the REFLEX_* variables above:
    cd bench/minimal_app && reflex run --env prod --backend-only --backend-port 3420

What one simulated person does (bench/_reflex_client.py has the protocol, taken from a real Chromium
session): a tab with its own token and the session cookie in the websocket handshake (`Origin` = the
target's origin) first loads a page as a full page load does (the hydrate event `hydrate_and_load` in the
socket.io CONNECT packet, with the compiled state's hashes read from the served bundle), then every 2-4 s
(uniform; the next click waits if the previous one is still loading) clicks once: teachers open the
workspace, the catalogue, search it (the form's `search` handler, then the navigation its redirect
leads to), open a course, their registrations, online registration, their training records, sometimes
reload; staff (school, county, centre accounts, `--staff-share` of the clients) also open the review
queue, a statistics dashboard, their own courses, the school's teacher records or the list confirmation,
whichever their menu (sent by the server) offers. A navigation is `on_load_internal` with the new page's
router data.

Latency of an event: from sending it to its last frame (a page load or navigation ends with the delta
`is_hydrated: true`; a form handler with its one reply; Reflex 0.10 sends no `final` flag any more). No
last frame within `--timeout` (10 s) is an error. Events/s: events answered per second whose send fell in
the `--seconds` window (the load phase, after every tab has connected). The hydrate at connect is shown
separately (tabs connect `--connect-concurrency` at a time). MB per client: the RSS of the processes
listening on the target's port (all Granian workers), after the load phase minus before connecting,
divided by the clients (local targets only). Server CPU: those processes' CPU time over the load phase
(100% = one core). Client CPU: the same for the bench's worker processes (`--clients-per-proc` tabs each),
to show the client is not what saturates.

Sessions: the first `--real-logins` clients of each app target sign in for real (the login page's
`submit` over the socket, argon2 on the server, then the ticket POSTed to /api/auth/session for the
HttpOnly cookie); their times are printed. The other sessions are minted in the target's database
(`--db-url`) with the app's own code path after a successful password check: a LoginTicket row as
`auth.sign_in` writes it, exchanged by `auth.exchange_ticket` (user agent `tpd-bench-load (minted)`).
Teachers and staff accounts are used round robin, so with more clients than people several tabs share a
person, each with its own session and token. The echo server and a minimal app get the same cookies.

The memory state manager keeps every tab seen in the last hour (about 0.2 MB each): restart the target
before a run whose figures you compare.

The echo server (bench/echo_server.py: python-socketio on Granian, Reflex's socket settings) is started
by the bench on `--echo-port` and answers every event with one frame; it is driven by the same client code
and load model. Prints figures only; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing as mp
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from _reflex_client import Job, Spec, Target, real_sign_in, worker_main  # noqa: E402

KEYWORDS = ["教育", "研習", "數位", "特殊教育", "環境", "數學", "教學", "閱讀", "性別平等", "", "STEAM", "評量"]
MINTED_AGENT = "tpd-bench-load (minted)"


# -- targets --------------------------------------------------------------------------------------------


def parse_named(values: list[str], what: str) -> dict[str, str]:
    named: dict[str, str] = {}
    for value in values:
        name, sep, url = value.partition("=")
        if not sep or not name or "://" in name:
            if what == "db-url":  # one database for every target
                named["*"] = value
                continue
            raise SystemExit(f"--{what} takes NAME=URL, not {value!r}")
        named[name] = url
    return named


def make_target(name: str, url: str, kind: str) -> Target:
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    port = parts.port or (443 if parts.scheme == "https" else 80)
    target = Target(name=name, kind=kind, host=host, port=port, origin=f"{parts.scheme}://{parts.netloc}")
    if kind == "tpd":
        target.hashes, target.state_schema, target.version = probe_bundle(url)
    if target.version is None:
        try:
            from importlib.metadata import version

            target.version = version("reflex")
        except Exception:
            target.version = None
    return target


def probe_bundle(url: str) -> tuple[list[str] | None, str | None, str | None]:
    """The compiled initial state's hashes, the state schema and the Reflex version, read from the served
    JavaScript (what a browser sends in its first hydrate). None when the target serves no frontend."""
    import httpx

    try:
        with httpx.Client(base_url=url, timeout=20, follow_redirects=True) as http:
            page = http.get("/courses").text
            assets = list(dict.fromkeys(re.findall(r"/assets/[\w.-]+\.js", page)))
            hashes = schema = version = None
            for asset in assets:
                text = http.get(asset).text
                if hashes is None and (m := re.search(r"initialStateHashes\s*=\s*(\[[^\]]*\]|`[0-9a-f.]*`)", text)):
                    raw = m.group(1)
                    hashes = json.loads(raw) if raw.startswith("[") else raw.strip("`").split(".")
                if schema is None and (m := re.search(r"stateSchema\s*=\s*[`\"']([0-9a-f]+)[`\"']", text)):
                    schema = m.group(1)
                # Reflex's own `version` sits next to `project_hash` (other bundles, React's among them, have one too).
                if version is None and (m := re.search(r"\bversion\s*=\s*`(\d+\.\d+\.\d+[\w.]*)`\s*,\s*project_hash",
                                                       text)):
                    version = m.group(1)
                if hashes and schema and version:
                    break
            return hashes, schema, version
    except httpx.HTTPError:
        return None, None, None


# -- sessions -------------------------------------------------------------------------------------------


def people(db_url: str) -> tuple[list[tuple[int, str]], list[tuple[int, str]], list[str]]:
    """(teachers, staff accounts, published course codes) who can sign in, from the target's database."""
    os.environ["TPD_DATABASE_URL"] = db_url
    from sqlmodel import select

    from tpd_app import settings
    from tpd_app.models import BusinessAccount, Course, Teacher, Unit
    from tpd_app.services.platform.db import transaction

    settings.reset_settings()
    with transaction() as session:
        teachers = session.exec(select(Teacher.id, Teacher.national_id).where(
            Teacher.status == "active", Teacher.must_change_password == False).order_by(Teacher.id)).all()  # noqa: E712
        staff = session.exec(select(BusinessAccount.id, BusinessAccount.username).join(
            Unit, Unit.id == BusinessAccount.unit_id).where(
            BusinessAccount.status == "active", BusinessAccount.must_change_password == False,  # noqa: E712
            Unit.status == "active").order_by(BusinessAccount.id)).all()
        codes = session.exec(select(Course.code).where(
            Course.status.in_(("approved", "auto_approved"))).order_by(Course.code)).all()  # type: ignore[attr-defined]
    return [tuple(t) for t in teachers], [tuple(s) for s in staff], list(codes)


def mint_sessions(db_url: str, principals: list[tuple[str, int]]) -> list[str]:
    """Session cookies for (role, id) pairs: a LoginTicket as `auth.sign_in` writes it after a right password,
    exchanged by `auth.exchange_ticket`, the function /api/auth/session calls."""
    os.environ["TPD_DATABASE_URL"] = db_url
    from datetime import timedelta

    from tpd_app import settings
    from tpd_app.domain.timeutil import utcnow
    from tpd_app.models import LoginTicket
    from tpd_app.services.accounts import auth
    from tpd_app.services.platform.db import transaction
    from tpd_app.services.platform.passwords import digest, new_secret

    settings.reset_settings()
    tickets = [new_secret() for _ in principals]
    expires = utcnow() + timedelta(seconds=max(settings.get_settings().login_ticket_seconds, 600))
    with transaction() as session:
        for ticket, (role, pid) in zip(tickets, principals, strict=False):
            session.add(LoginTicket(ticket_hash=digest(ticket), teacher_id=pid if role == "teacher" else None,
                                    account_id=pid if role == "staff" else None, expires_at=expires))
    cookies = [auth.exchange_ticket(ticket, ip="127.0.0.1", user_agent=MINTED_AGENT) for ticket in tickets]
    if any(c is None for c in cookies):
        raise SystemExit("minting sessions failed: a ticket was refused")
    return [c for c in cookies if c]


def sessions_for(target: Target, db_url: str, count: int, args: argparse.Namespace) -> tuple[list[Spec], dict]:
    """`count` tabs for an app target: roles, people, cookies (a few by real sign-in, the rest minted)."""
    import asyncio

    teachers, staff, codes = people(db_url)
    if not teachers or not staff:
        raise SystemExit(f"{target.name}: no active teachers or staff accounts in {db_url}")
    rng = random.Random(args.seed)
    roles = ["staff" if rng.random() < args.staff_share else "teacher" for _ in range(count)]
    for i in range(min(count, args.real_logins)):  # the real sign-ins: both kinds of login
        roles[i] = "teacher" if i % 2 == 0 else "staff"
    principals: list[tuple[str, int, str]] = []
    t_i = s_i = 0
    for role in roles:
        if role == "teacher":
            pid, login = teachers[t_i % len(teachers)]
            t_i += 1
        else:
            pid, login = staff[s_i % len(staff)]
            s_i += 1
        principals.append((role, pid, login))
    real = principals[:args.real_logins]
    timings = []

    async def sign_in_all() -> list[str]:
        cookies = []
        for _, _, login in real:
            cookie, ticket_ms, cookie_ms = await real_sign_in(target, login, args.password, args.timeout * 3)
            cookies.append(cookie)
            timings.append((ticket_ms, cookie_ms))
        return cookies

    started = time.perf_counter()
    real_cookies = asyncio.run(sign_in_all()) if real else []
    real_s = time.perf_counter() - started
    started = time.perf_counter()
    minted = mint_sessions(db_url, [(role, pid) for role, pid, _ in principals[len(real):]])
    mint_s = time.perf_counter() - started
    specs = [Spec(role=role, cookie=cookie, login=login)
             for (role, _, login), cookie in zip(principals, real_cookies + minted, strict=False)]
    info = {"real_logins": len(real), "real_ticket_ms": [round(t, 1) for t, _ in timings],
            "real_cookie_ms": [round(c, 1) for _, c in timings], "real_total_s": round(real_s, 2),
            "minted": len(minted), "mint_s": round(mint_s, 2), "teachers": len(teachers), "staff": len(staff),
            "staff_tabs": roles.count("staff"), "course_codes": codes}
    return specs, info


# -- the server's processes -----------------------------------------------------------------------------


def listening_pids(port: int) -> set[int]:
    """The processes holding the listening socket of `port` (every Granian worker inherits it)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{fields[9]}]")
    pids = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            for fd in os.listdir(f"/proc/{entry}/fd"):
                try:
                    if os.readlink(f"/proc/{entry}/fd/{fd}") in inodes:
                        pids.add(int(entry))
                        break
                except OSError:
                    continue
        except OSError:
            continue
    return pids


def is_local(host: str) -> bool:
    return host in ("localhost", "127.0.0.1", "::1", "0.0.0.0", socket.gethostname())


def rss_mb(pids: set[int]) -> float | None:
    import psutil

    total = 0
    for pid in pids:
        try:
            total += psutil.Process(pid).memory_info().rss
        except psutil.Error:
            continue
    return total / 2**20 if pids else None


def cpu_s(pids: set[int]) -> float | None:
    import psutil

    total = 0.0
    for pid in pids:
        try:
            times = psutil.Process(pid).cpu_times()
            total += times.user + times.system
        except psutil.Error:
            continue
    return total if pids else None


def machine_busy_s() -> float:
    """CPU seconds spent by the whole machine so far (every core, /proc/stat)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def wait_quiet(below_pct: float, longest_s: float, ours: set[int]) -> float:
    """Wait (up to `longest_s`) until the rest of the machine uses less than `below_pct` CPU (100 = one
    core) over 3 s, so that a step does not start while something else runs; returns what it last saw."""
    deadline = time.monotonic() + longest_s
    while True:
        busy0, own0 = machine_busy_s(), cpu_s(ours) or 0.0
        time.sleep(3)
        other = (machine_busy_s() - busy0 - ((cpu_s(ours) or 0.0) - own0)) / 3 * 100
        if other < below_pct or time.monotonic() > deadline:
            return other
        print(f"  waiting: {other:.0f}% CPU used by other processes", file=sys.stderr, flush=True)


def start_echo(port: int, server: str) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, str(HERE / "echo_server.py"), "--port", str(port), "--server", server],
                            start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc
        except OSError as error:
            if proc.poll() is not None:
                said = proc.stderr.read().decode()[-500:] if proc.stderr else ""
                raise SystemExit(f"echo server exited: {said}") from error
            time.sleep(0.2)
    stop(proc)
    raise SystemExit(f"echo server did not listen on {port}")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


# -- one step -------------------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


def run_step(target: Target, specs: list[Spec], codes: list[str], args: argparse.Namespace) -> dict[str, Any]:
    n = len(specs)
    procs = args.procs or max(1, math.ceil(n / args.clients_per_proc))
    pids = listening_pids(target.port) if is_local(target.host) else set()
    rss0 = rss_mb(pids)
    ctx = mp.get_context("fork")
    workers = []
    for k in range(procs):
        parent, child = ctx.Pipe()
        job = Job(target=target, specs=specs[k::procs], seed=args.seed * 7919 + k * 104729 + n,
                  timeout=args.timeout, think=(args.think_min, args.think_max),
                  connect_concurrency=max(1, args.connect_concurrency // procs), course_codes=codes,
                  keywords=KEYWORDS)
        proc = ctx.Process(target=worker_main, args=(child, job), daemon=True)
        proc.start()
        child.close()
        workers.append((proc, parent))
    started = time.time()
    connect_samples: list = []
    connected = failed = 0
    for _, parent in workers:
        _, samples, ok, bad = parent.recv()
        connect_samples += samples
        connected, failed = connected + ok, failed + bad
    connect_s = time.time() - started
    time.sleep(args.settle)
    rss1 = rss_mb(pids)
    t_start = time.time() + 0.5
    t_end = t_start + args.seconds
    cpu0 = cpu_s(pids)
    busy0 = machine_busy_s()
    for _, parent in workers:
        parent.send(("go", t_start, t_end))
    load_samples: list = []
    stats: list[dict] = []
    for _, parent in workers:
        _, samples, worker_stats = parent.recv()
        load_samples += samples
        stats.append(worker_stats)
    cpu1 = cpu_s(pids)
    busy1 = machine_busy_s()
    rss2 = rss_mb(pids)
    for proc, _parent in workers:
        proc.join(30)
        if proc.is_alive():
            proc.terminate()
    window = [s for s in load_samples if t_start <= s[1] < t_end]
    ok_ms = [s[2] for s in window if not s[3]]
    timeouts = sum(1 for s in window if s[3] == "timeout")
    errors = sum(1 for s in window if s[3] and s[3] != "timeout")
    by_kind: dict[str, dict[str, Any]] = {}
    for kind in sorted({s[0] for s in window}):
        values = [s[2] for s in window if s[0] == kind and not s[3]]
        by_kind[kind] = {"n": sum(1 for s in window if s[0] == kind), "p50": _r(percentile(values, 50)),
                         "p95": _r(percentile(values, 95)), "failed": sum(1 for s in window if s[0] == kind and s[3])}
    hydrate_ms = [s[2] for s in connect_samples if not s[3]]
    load_wall = max((st["wall_load_s"] for st in stats), default=args.seconds) or args.seconds
    error_kinds: dict[str, int] = {}
    for s in window + [s for s in connect_samples if s[3]]:
        if s[3]:
            key = s[3].split(":")[0] if s[3] != "timeout" else "timeout"
            error_kinds[key] = error_kinds.get(key, 0) + 1
    return {
        "target": target.name, "clients": n, "procs": procs, "seconds": args.seconds,
        "events_per_s": round(len(ok_ms) / args.seconds, 1), "sent": len(window),
        "p50_ms": _r(percentile(ok_ms, 50)), "p95_ms": _r(percentile(ok_ms, 95)),
        "p99_ms": _r(percentile(ok_ms, 99)), "max_ms": _r(max(ok_ms) if ok_ms else None),
        "timeouts": timeouts, "errors": errors, "error_kinds": error_kinds,
        "app_errors": sum(st["app_errors"] for st in stats),
        "rss_before_mb": _r(rss0), "rss_connected_mb": _r(rss1), "rss_end_mb": _r(rss2),
        "mb_per_client": round((rss2 - rss0) / n, 3) if rss0 is not None and rss2 is not None else None,
        "mb_per_client_connected": round((rss1 - rss0) / n, 3) if rss0 is not None and rss1 is not None else None,
        "server_pids": sorted(pids), "server_cpu_pct": (round((cpu1 - cpu0) / load_wall * 100) if cpu0 is not None
                                                        and cpu1 is not None else None),
        "client_cpu_pct": round(sum(st["cpu_load_s"] for st in stats) / load_wall * 100),
        "client_max_rss_mb": _r(max((st["max_rss_mb"] for st in stats), default=0)),
        # Everything else the machine ran meanwhile (another test suite, a database, Redis).
        "other_cpu_pct": round((busy1 - busy0 - (cpu1 - cpu0 if cpu0 is not None and cpu1 is not None else 0)
                                - sum(st["cpu_load_s"] for st in stats)) / load_wall * 100),
        "frames_in": sum(st["frames"] for st in stats), "kb_in": round(sum(st["bytes_in"] for st in stats) / 1024),
        "connect": {"seconds": round(connect_s, 2), "connected": connected, "failed": failed,
                    "hydrate_p50_ms": _r(percentile(hydrate_ms, 50)), "hydrate_p95_ms": _r(percentile(hydrate_ms, 95))},
        "by_kind": by_kind,
    }


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


# -- output ---------------------------------------------------------------------------------------------


def _f(value: Any, width: int, digits: int = 1) -> str:
    if value is None:
        return f"{'n/a':>{width}}"
    if isinstance(value, float):
        return f"{value:>{width}.{digits}f}"
    return f"{value:>{width}}"


def print_target(target: Target, rows: list[dict], info: dict | None) -> None:
    desc = {"tpd": "the app", "echo": "bare socket.io echo", "minimal": "minimal Reflex app"}[target.kind]
    hashes = "yes" if target.hashes else "no (full snapshot)"
    print(f"\n== {target.name}: {desc} at {target.origin} (first hydrate sends hashes: {hashes}) ==")
    if info:
        ticket = info["real_ticket_ms"]
        cookie = info["real_cookie_ms"]
        print(f"sessions: {info['real_logins']} real sign-ins (submit→ticket ms {ticket}, submit→cookie ms {cookie}); "
              f"{info['minted']} minted in {info['mint_s']} s; {info['teachers']} teachers and {info['staff']} "
              f"staff accounts in the database, {info['staff_tabs']} staff tabs at the largest step")
    print(f"{'clients':>8} {'events/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors/timeouts':>16} "
          f"{'MB/client':>10} {'srv CPU%':>9} {'cli CPU%':>9} {'oth CPU%':>9}   {'connect: s':>10} "
          f"{'hydrate p50/p95 ms':>19}")
    for row in rows:
        c = row["connect"]
        errors = f"{row['errors'] + c['failed']}/{row['timeouts']}"
        print(f"{row['clients']:>8} {_f(row['events_per_s'], 9)} {_f(row['p50_ms'], 8)} {_f(row['p95_ms'], 8)} "
              f"{_f(row['p99_ms'], 8)} {errors:>16} {_f(row['mb_per_client'], 10, 3)} "
              f"{_f(row['server_cpu_pct'], 9)} {_f(row['client_cpu_pct'], 9)} {_f(row['other_cpu_pct'], 9)}   "
              f"{_f(c['seconds'], 10)} "
              f"{_f(c['hydrate_p50_ms'], 9)}/{_f(c['hydrate_p95_ms'], 9)}")
        if row["error_kinds"] or row["app_errors"]:
            print(f"{'':>8} errors: {row['error_kinds']} app error toasts: {row['app_errors']}")
    kinds = sorted({k for row in rows for k in row["by_kind"]})
    if target.kind != "echo" and kinds:
        print("per page, p50/p95 ms (n):")
        for kind in kinds:
            cells = []
            for row in rows:
                k = row["by_kind"].get(kind)
                cells.append(f"{_f(k['p50'], 6)}/{_f(k['p95'], 6)} ({k['n']:>5})" if k else f"{'':>21}")
            print(f"  {kind:<24}" + "  ".join(cells))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", action="append", default=[], metavar="NAME=URL", help="a TPD server")
    parser.add_argument("--minimal", action="append", default=[], metavar="NAME=URL",
                        help="a Reflex app with one state whose every page runs one on_load handler")
    parser.add_argument("--db-url", action="append", default=[], metavar="[NAME=]URL",
                        help="the database of a target (for minting sessions); without NAME for every target")
    parser.add_argument("--clients", default="50,200,500,1000,2000")
    parser.add_argument("--seconds", type=float, default=30, help="load phase of each step")
    parser.add_argument("--think-min", type=float, default=2.0)
    parser.add_argument("--think-max", type=float, default=4.0)
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--staff-share", type=float, default=0.15)
    parser.add_argument("--real-logins", type=int, default=4)
    parser.add_argument("--password", default="tpd-demo-2026")
    parser.add_argument("--connect-concurrency", type=int, default=8, help="tabs hydrating at once, in total")
    parser.add_argument("--clients-per-proc", type=int, default=1000)
    parser.add_argument("--procs", type=int, default=0, help="client processes (default: clients/clients-per-proc)")
    parser.add_argument("--settle", type=float, default=2.0, help="pause between connecting and the load phase")
    parser.add_argument("--pause", type=float, default=5.0, help="pause between steps")
    parser.add_argument("--no-echo", action="store_true")
    parser.add_argument("--only", metavar="NAMES", help="run only these targets (comma-separated; 'echo' too)")
    parser.add_argument("--echo-port", type=int, default=3430)
    parser.add_argument("--echo-server", choices=("granian", "uvicorn"), default="granian")
    parser.add_argument("--quiet-below", type=float, default=0, metavar="PCT",
                        help="before each step wait until other processes use less CPU than this (100 = a core)")
    parser.add_argument("--quiet-wait", type=float, default=600, help="the longest such wait, seconds")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", metavar="PATH", help="also write every figure as JSON")
    args = parser.parse_args()
    steps = [int(c) for c in args.clients.split(",") if c.strip()]
    biggest = max(steps)
    db_urls = parse_named(args.db_url, "db-url")
    apps = [make_target(name, url, "tpd") for name, url in parse_named(args.target, "target").items()]
    minimal = [make_target(name, url, "minimal") for name, url in parse_named(args.minimal, "minimal").items()]
    if not apps and not args.no_echo:
        raise SystemExit("give at least one --target (its sessions are what the echo server gets too)")
    specs: dict[str, list[Spec]] = {}
    infos: dict[str, dict] = {}
    for target in apps:
        db_url = db_urls.get(target.name) or db_urls.get("*") or os.environ.get("TPD_DATABASE_URL")
        if not db_url:
            raise SystemExit(f"--db-url for {target.name}: the sessions are minted in its database")
        specs[target.name], infos[target.name] = sessions_for(target, db_url, biggest, args)
        print(f"{target.name}: {infos[target.name]['real_logins']} real sign-ins, "
              f"{infos[target.name]['minted']} sessions minted", file=sys.stderr)
    others: list[Target] = list(minimal)
    echo = None
    if not args.no_echo:
        echo = start_echo(args.echo_port, args.echo_server)
        others.insert(0, make_target("echo", f"http://127.0.0.1:{args.echo_port}", "echo"))
    shared = specs[apps[0].name] if apps else []
    codes = infos[apps[0].name]["course_codes"] if apps else []
    order = others[:1] + apps + others[1:]
    if args.only:
        order = [t for t in order if t.name in args.only.split(",")]
    results: dict[str, list[dict]] = {t.name: [] for t in order}
    try:
        for n in steps:
            for target in order:
                tab_specs = (specs.get(target.name) or shared)[:n]
                target_codes = infos[target.name]["course_codes"] if target.name in infos else codes
                if args.quiet_below:
                    ours = listening_pids(target.port) if is_local(target.host) else set()
                    wait_quiet(args.quiet_below, args.quiet_wait, ours)
                print(f"step {n} clients → {target.name} ...", file=sys.stderr, flush=True)
                row = run_step(target, tab_specs, target_codes, args)
                results[target.name].append(row)
                print(f"  {row['events_per_s']} ev/s p50 {row['p50_ms']} p95 {row['p95_ms']} p99 {row['p99_ms']} "
                      f"errors {row['errors']} timeouts {row['timeouts']}", file=sys.stderr, flush=True)
                time.sleep(args.pause)
    finally:
        if echo is not None:
            stop(echo)
    print(f"\nload model: think {args.think_min}-{args.think_max} s, timeout {args.timeout} s, {args.seconds} s per "
          f"step, {args.staff_share:.0%} staff tabs, {os.cpu_count()} CPUs")
    for target in order:
        print_target(target, results[target.name], infos.get(target.name))
    if args.json:
        out = {"args": vars(args), "targets": {t.name: {"kind": t.kind, "origin": t.origin, "hashes": bool(t.hashes),
                                                        "sessions": {k: v for k, v in infos.get(t.name, {}).items()
                                                                     if k != "course_codes"},
                                                        "steps": results[t.name]} for t in order}}
        Path(args.json).write_text(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
