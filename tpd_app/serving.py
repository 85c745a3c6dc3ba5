"""Build once, serve many times: the production frontend is built only when the code or the public origin
changed (a stamp in `.web/`), and `serve` starts Reflex's production backend (Granian) with that build
mounted, so a restart takes seconds instead of a rebuild. Both run from the command line
(`python -m tpd_app.cli build | serve`, used by `scripts/serve` and `scripts/run`)."""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import MutableMapping
from pathlib import Path

from tpd_app.api.upstream import SOCKET_ENV, answers
from tpd_app.settings import ROOT, get_settings

WEB = ROOT / ".web"
STAMP = WEB / "tpd-build.json"
CLIENT_INDEX = WEB / "build" / "client" / "index.html"
#: What the frontend is made from: a change to any of these needs a new build.
_SOURCES = ("tpd_app",)
#: Written by the compile itself (from the catalogues in tpd_app/i18n/), so not a source.
_GENERATED = {Path("tpd_app/components/i18n_catalogues.js")}
_SOURCE_FILES = ("rxconfig.py", "requirements.txt", "constraints.txt")
_SOURCE_SUFFIXES = {".py", ".js", ".jsx", ".css", ".json", ".svg", ".png", ".ico", ".woff2"}


def source_digest() -> str:
    """SHA-256 over every file the frontend build is made from (names and contents)."""
    digest = hashlib.sha256()
    files = [ROOT / name for name in _SOURCE_FILES if (ROOT / name).exists()]
    for folder in _SOURCES:
        files += [p for p in (ROOT / folder).rglob("*") if p.is_file() and p.suffix in _SOURCE_SUFFIXES
                  and "__pycache__" not in p.parts and p.relative_to(ROOT) not in _GENERATED]
    for path in sorted(files):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def wanted_build() -> dict[str, str]:
    """What the current build must have been made from."""
    return {"sources": source_digest(), "origin": get_settings().public_origin}


def build_is_current() -> bool:
    """The frontend in `.web/build` was built from this code for this public origin."""
    if not CLIENT_INDEX.exists() or not STAMP.exists():
        return False
    try:
        return json.loads(STAMP.read_text()) == wanted_build()
    except ValueError:
        return False


def build(*, force: bool = False) -> bool:
    """Build the production frontend unless the one in `.web/` is current; True when it built."""
    want = wanted_build()
    if not force and build_is_current():
        print(f"frontend build is current (built for {want['origin']})", flush=True)
        return False
    print(f"building the production frontend for {want['origin']} (a few minutes) ...", flush=True)
    STAMP.unlink(missing_ok=True)
    reflex = Path(sys.executable).with_name("reflex")
    # The origin is baked into the bundle: the websocket, upload and ping URLs point at it.
    env = {**os.environ, "REFLEX_API_URL": want["origin"], "REFLEX_DEPLOY_URL": want["origin"]}
    subprocess.run([str(reflex), "export", "--frontend-only", "--no-zip", "--env", "prod"],
                   cwd=ROOT, env=env, check=True)
    STAMP.write_text(json.dumps(want))
    return True


def workers_for(cores: int) -> int:
    """Web workers for a machine with `cores` cores (with Redis; without it Reflex runs exactly one)."""
    return max(1, min(cores, 8))


#: Reflex's state settings when the states live in Redis (an operator's own values win).
#: - REFLEX_OPLOCK_ENABLED: a tab's events all come over its one websocket to one worker, which then keeps
#:   the tab's states in memory under Redis's lock (Reflex's opportunistic lock) instead of loading and
#:   saving them in Redis on every event; another worker asking for the lock makes it write them back at
#:   once, and so does a worker's shutdown. 500 clients on two workers: p95 3.8 s -> 85 ms.
#: - REFLEX_OPLOCK_HOLD_TIME: how long a worker keeps a tab's states from taking the tab's lock (the
#:   lease; its events meanwhile do not extend it; Reflex's default is half the lock's 10 s). Once answers
#:   slowed to a few seconds, a tab's lease ended after a click or two, so its events loaded and saved
#:   its states in Redis again just when the workers were busiest. 25 s spans several clicks: 1,000
#:   clients 274 -> 315 events/s, 2,000 clients 181 -> 225 events/s (README "Capacity").
#: - REFLEX_REDIS_LOCK_EXPIRATION (ms): must exceed the hold time. It is also how long the tabs of a
#:   worker that died without its shutdown wait before another worker may take their states.
REDIS_DEFAULTS = {"REFLEX_OPLOCK_ENABLED": "true", "REFLEX_OPLOCK_HOLD_TIME": "25s",
                  "REFLEX_REDIS_LOCK_EXPIRATION": "30000"}


def apply_redis_defaults(environ: MutableMapping[str, str]) -> None:
    """With REFLEX_REDIS_URL set, `REDIS_DEFAULTS` for every setting the operator left unset."""
    if environ.get("REFLEX_REDIS_URL"):
        for name, value in REDIS_DEFAULTS.items():
            environ.setdefault(name, value)


def serve(*, host: str, port: int) -> None:
    """Serve the built frontend and the backend on one port with Reflex's production server (blocks).

    Refuses when there is no current build: serving an old bundle against new code breaks every page.
    Without Redis the tab states live in this process's memory (rxconfig.py): after a restart an open tab
    reconnects, Reflex hydrates it again and the page reloads its data for the same signed-in person.
    """
    if not build_is_current():
        raise SystemExit("The frontend build is missing or older than the code: run `python -m tpd_app.cli build`.")
    os.environ.update({"REFLEX_ENV_MODE": "prod", "REFLEX_SKIP_COMPILE": "true",
                       "REFLEX_MOUNT_FRONTEND_COMPILED_APP": "true"})
    if os.environ.get("REFLEX_REDIS_URL") and not os.environ.get("GRANIAN_WORKERS"):
        # Reflex would start 2 x cores + 1 workers; on this machine that many processes fought over two
        # cores and Redis (a third of one worker's throughput). One worker per core.
        os.environ["GRANIAN_WORKERS"] = str(workers_for(os.cpu_count() or 1))
    apply_redis_defaults(os.environ)
    os.chdir(ROOT)
    if os.environ.get("TPD_API_PROCESS", "1") != "0":
        os.environ[SOCKET_ENV] = str(start_api_process(port))
    from reflex.config import get_config
    from reflex.utils import exec as reflex_exec

    config = get_config()
    print(f"TPD serving on http://{host}:{port} for {get_settings().public_origin}", flush=True)
    reflex_exec.run_backend_prod(host, port, config.loglevel.subprocess_level(), mount_frontend_compiled_app=True)


def _api_socket(port: int) -> Path:
    """The API process's socket: in data/ (this user's only), or the temporary folder when that path is
    longer than a Unix socket's name may be."""
    path = ROOT / "data" / f"api-{port}.sock"
    if len(str(path)) > 100:
        path = Path(tempfile.gettempdir()) / f"tpd-api-{os.getuid()}-{port}.sock"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _die_with_parent() -> None:
    """In the child: a SIGTERM when the web server that started it goes, however it goes (Linux)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class ApiProcess:
    """`cli serve-api` beside the web server, kept running: started again, with a line on the console,
    whenever it stops, until `stop()`."""

    def __init__(self, socket: Path) -> None:
        self.socket = socket
        self.process: subprocess.Popen | None = None
        self._stopping = threading.Event()

    def _keep(self) -> None:
        while not self._stopping.is_set():
            # A process group of its own: when its server process dies however it dies, the group (its worker
            # too) is ended before the next one starts, so no worker is left behind.
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tpd_app.cli", "serve-api", "--socket", str(self.socket)],
                cwd=ROOT, preexec_fn=_die_with_parent, start_new_session=True)
            status = self.process.wait()
            self._end_group(self.process)
            if self._stopping.is_set():
                break
            print(f"TPD reporting API process stopped (exit code {status}): starting it again", file=sys.stderr,
                  flush=True)
            self._stopping.wait(2)

    def start(self, wait_s: float = 60.0) -> bool:
        """Start it; whether it listens within `wait_s` (until it does, /api/v1 answers 503)."""
        self.socket.unlink(missing_ok=True)
        threading.Thread(target=self._keep, name="tpd-api-process", daemon=True).start()
        deadline = time.monotonic() + wait_s
        while not answers(self.socket):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.2)
        return True

    @staticmethod
    def _end_group(process: subprocess.Popen) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)

    def stop(self) -> None:
        self._stopping.set()
        process = self.process
        if process is not None and process.poll() is None:
            process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=20)
        if process is not None:
            self._end_group(process)


def start_api_process(port: int) -> Path:
    """Start the API process for the web server on `port`, stopped when this process exits; its socket."""
    api = ApiProcess(_api_socket(port))
    if not api.start():
        print("TPD reporting API process did not start within 60 s; /api/v1 answers 503 until it does",
              file=sys.stderr, flush=True)
    atexit.register(api.stop)
    return api.socket
