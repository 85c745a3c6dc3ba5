"""Uploaded spreadsheets waiting for the user's "import the good rows" choice, kept in a private directory.

Reflex pickles page state on every event, so a file of up to 2 MB does not belong there; the state keeps
only the random name. Files older than a day are removed whenever a new one is kept.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path

from tpd_app.settings import get_settings

MAX_AGE_SECONDS = 24 * 3600


def _dir() -> Path:
    path = get_settings().attachments_dir.parent / "pending-imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _path(name: str) -> Path | None:
    # Only names we made (32 hex digits) are ever opened: the name is never joined unchecked.
    if len(name) != 32 or not all(c in "0123456789abcdef" for c in name):
        return None
    return _dir() / name


def keep(data: bytes) -> str:
    """Store the bytes under a new random name and return it."""
    folder = _dir()
    cutoff = time.time() - MAX_AGE_SECONDS
    for old in folder.iterdir():
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    name = uuid.uuid4().hex
    (folder / name).write_bytes(data)
    return name


def read(name: str) -> bytes | None:
    """The stored bytes, or None when the name is unknown, malformed or expired."""
    path = _path(name)
    return path.read_bytes() if path is not None and path.exists() else None


def discard(name: str) -> None:
    """Remove a stored file (nothing happens for unknown names)."""
    path = _path(name)
    if path is not None:
        path.unlink(missing_ok=True)
