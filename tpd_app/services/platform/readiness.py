"""Is this installation fit to serve? The readiness checks (the database answers and is migrated, Redis
answers when configured, the private folders are writable with room left) and the production preflight
(a secret key, an explicit public origin, an administrator, no demo accounts)."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import redis
import sqlalchemy as sa
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import Session, func, select

from tpd_app.domain.units import AccountCategory, UnitType
from tpd_app.models import BusinessAccount, Unit
from tpd_app.services.platform.db import get_engine
from tpd_app.services.platform.uploads import pending_imports_dir
from tpd_app.settings import ROOT, get_settings

#: Below this much free space a folder that takes writes is reported not ready (MB).
MIN_FREE_MB = int(os.environ.get("TPD_MIN_FREE_MB", "200"))
#: A secret key shorter than this is refused in production (characters).
MIN_SECRET_KEY = 32


@dataclass(frozen=True)
class Check:
    """One readiness check: its name, whether it passed, and what an operator should know."""

    name: str
    ok: bool
    detail: str


@cache
def _code_heads() -> frozenset[str]:
    """The migration heads of this code (read once: a load balancer polls readiness every few seconds)."""
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "alembic"))
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def _database() -> list[Check]:
    try:
        with get_engine().connect() as connection:
            connection.execute(sa.text("SELECT 1"))
            current = set(MigrationContext.configure(connection).get_current_heads())
    except Exception as error:  # any failure to reach it is the finding
        return [Check("database", False, f"the database does not answer ({type(error).__name__})")]
    if current != _code_heads():
        return [Check("database", True, "answers"),
                Check("migrations", False, "not migrated to the code's schema: run `python -m tpd_app.cli migrate`")]
    return [Check("database", True, "answers"), Check("migrations", True, "at head")]


def redis_url() -> str:
    """The Redis URL Reflex uses for shared state (empty: one worker, no Redis)."""
    return os.environ.get("REFLEX_REDIS_URL", "").strip()


def _redis() -> list[Check]:
    url = redis_url()
    if not url:
        return []
    try:
        client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        client.ping()
        client.close()
    except Exception as error:  # any failure to reach it is the finding
        return [Check("redis", False, f"Redis does not answer ({type(error).__name__})")]
    return [Check("redis", True, "answers")]


def storage_folders() -> dict[str, Path]:
    """The folders this installation writes to: the SQLite file's folder (if any) and the attachments."""
    folders = {"attachments": get_settings().attachments_dir}
    url = get_settings().database_url
    if url.startswith("sqlite:///"):
        folders["database folder"] = Path(url.removeprefix("sqlite:///")).parent
    return folders


def _storage() -> list[Check]:
    checks = []
    for name, folder in storage_folders().items():
        probe = folder
        while not probe.exists() and probe != probe.parent:  # created on first write: its nearest parent
            probe = probe.parent
        if not os.access(probe, os.W_OK):
            checks.append(Check(name, False, "not writable by this process"))
            continue
        free_mb = shutil.disk_usage(probe).free // (1024 * 1024)
        ok = free_mb >= MIN_FREE_MB
        checks.append(Check(name, ok, f"{free_mb:,} MB free" + ("" if ok else f" (under {MIN_FREE_MB} MB)")))
    return checks


def private_paths() -> list[Path]:
    """What other users of the machine must not read: the SQLite file (and its journal), the private folder
    (the generated secret key) and the attachments."""
    paths = [get_settings().private_dir, get_settings().attachments_dir, pending_imports_dir()]
    url = get_settings().database_url
    if url.startswith("sqlite:///"):
        db = Path(url.removeprefix("sqlite:///"))
        paths += [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]
    return paths


def make_private() -> list[Path]:
    """Take group and other permissions off every private path and what is under it; the paths changed."""
    changed = []
    for root in private_paths():
        if not root.exists():
            continue
        for path in [root, *(root.rglob("*") if root.is_dir() else [])]:
            mode = path.stat().st_mode & 0o777
            if mode & 0o077:
                path.chmod(mode & 0o700)
                changed.append(path)
    return changed


def readiness() -> list[Check]:
    """Every readiness check, in order (blocking: call it from a thread in async code)."""
    return [*_database(), *_redis(), *_storage()]


def production_problems(session: Session) -> list[str]:
    """What stops this installation from serving as production, each as an instruction to the operator."""
    problems = []
    if len(os.environ.get("TPD_SECRET_KEY", "").strip()) < MIN_SECRET_KEY:
        problems.append(
            f"TPD_SECRET_KEY is not set (or shorter than {MIN_SECRET_KEY} characters). It signs the links in "
            "e-mails and must be the same on every app machine. Make one with "
            "`python -c 'import secrets; print(secrets.token_hex(32))'` and keep it in the service's environment.")
    if not os.environ.get("TPD_PUBLIC_ORIGIN", "").strip():
        problems.append(
            "TPD_PUBLIC_ORIGIN is not set: the address users open, e.g. https://tpd.example.edu.tw. Browsers "
            "coming from any other origin are refused.")
    admins = session.exec(
        select(func.count()).select_from(BusinessAccount).join(Unit, Unit.id == BusinessAccount.unit_id)
        .where(Unit.type == UnitType.NATIONAL_CENTER.value, BusinessAccount.status == "active",
               BusinessAccount.category == AccountCategory.CHIEF.value)).one()
    if not admins:
        problems.append(
            "No administrator: create the national centre's first account with "
            "`python -m tpd_app.cli create-admin --username … --name … --email …`.")
    demo = session.exec(select(func.count()).select_from(BusinessAccount)
                        .where(BusinessAccount.username.startswith("demo-"))).one()  # type: ignore[attr-defined]
    if demo:
        problems.append(
            f"This database holds {demo} demo accounts, whose password is published in the README. Production "
            "serves a database without demo data (./scripts/run is the demo start).")
    return problems
