"""Which failures outside the rules a person should hear about specifically: the database briefly
unavailable and the disk full (the state layer adds "too busy" and turns each into a message)."""

from __future__ import annotations

import errno

from sqlalchemy.exc import DBAPIError, OperationalError

#: Text a database driver uses for "out of space" (SQLite; PostgreSQL's SQLSTATE 53100 class).
_DISK_FULL = ("database or disk is full", "no space left on device", "could not extend file", "disk full")


def storage_failure_key(exception: BaseException) -> str | None:
    """`failure.disk_full`, `failure.database`, or None for any other exception."""
    if isinstance(exception, OSError) and exception.errno == errno.ENOSPC:
        return "failure.disk_full"
    if isinstance(exception, DBAPIError):
        text = str(exception).lower()
        if any(marker in text for marker in _DISK_FULL) or getattr(exception.orig, "sqlstate", "") == "53100":
            return "failure.disk_full"
        if isinstance(exception, OperationalError) or exception.connection_invalidated:
            return "failure.database"
    return None
