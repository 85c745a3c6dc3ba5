"""Backup and restore of the whole database, online: SQLite through its backup API (a consistent copy
while the app keeps writing), PostgreSQL through Debian's `pg_dump` / `pg_restore` (custom format, one
transaction). A restore first saves what it replaces, and refuses a file that is not a TPD backup.
Attachments are files: copy `TPD_PRIVATE_DIR` (default `data/private/`) beside the database backup."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from tpd_app.services.platform.db import dispose_engines
from tpd_app.settings import get_settings


class BackupError(Exception):
    """A backup or restore that could not be done, with a message for the operator."""


def _sqlite_path(url: str) -> Path | None:
    return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None


def _libpq_url(url: str) -> str:
    """`postgresql+psycopg://…` as the libpq URL the command-line tools take."""
    return sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed: sudo apt-get install postgresql-client")
    return found


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()[-2000:]}")


def _sqlite_copy(source: Path, target: Path) -> None:
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _is_tpd_sqlite(path: Path) -> bool:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return db.execute("SELECT count(*) FROM alembic_version").fetchone()[0] == 1
    except sqlite3.DatabaseError:
        return False
    finally:
        db.close()


def backup(target: Path) -> Path:
    """Write a consistent copy of the configured database to `target` (refuses to overwrite a file)."""
    url = get_settings().database_url
    if target.exists():
        raise BackupError(f"{target} already exists: choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    if (db := _sqlite_path(url)) is not None:
        if not db.exists():
            raise BackupError(f"there is no database at {db}")
        _sqlite_copy(db, target)
    elif url.startswith("postgresql"):
        _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--file", str(target),
              "--dbname", _libpq_url(url)])
    else:
        raise BackupError(f"backup of {sa.make_url(url).get_backend_name()} databases is not supported")
    target.chmod(0o600)
    return target


def restore(source: Path) -> Path:
    """Replace the configured database with the backup `source`; returns where the replaced data was saved
    first (a backup of its own). Stop the app (and its worker) before, start it after."""
    url = get_settings().database_url
    if not source.is_file():
        raise BackupError(f"{source} is not a file")
    saved = source.with_name(f"before-restore-{datetime.now():%Y%m%d-%H%M%S}{source.suffix or '.backup'}")
    dispose_engines()
    if (db := _sqlite_path(url)) is not None:
        if not _is_tpd_sqlite(source):
            raise BackupError(f"{source} is not a TPD SQLite backup")
        if db.exists():
            backup(saved)
        _sqlite_copy(source, db)
    elif url.startswith("postgresql"):
        check = subprocess.run([_tool("pg_restore"), "--list", str(source)], capture_output=True, text=True,
                               check=False)
        if check.returncode or " alembic_version " not in check.stdout:
            raise BackupError(f"{source} is not a TPD PostgreSQL backup (pg_restore --list)")
        backup(saved)
        _run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
              "--single-transaction", "--exit-on-error", "--dbname", _libpq_url(url), str(source)])
    else:
        raise BackupError(f"restore of {sa.make_url(url).get_backend_name()} databases is not supported")
    os.sync()
    return saved
