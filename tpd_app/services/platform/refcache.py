"""Reference data kept a short while in this process: lists every page visit reads and a few people
change a few times a year (the active course topics, the hours rules).

A change made through this process's use case forgets the list at once; another worker's change shows
within `seconds`. Kept per database, so a process never serves one database's list for another.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from sqlmodel import Session

T = TypeVar("T")


class ReferenceCache(Generic[T]):
    """`load(session)`'s result, re-read after `seconds` or `forget()`; each caller gets its own copy."""

    def __init__(self, load: Callable[[Session], T], *, seconds: float = 30.0) -> None:
        self._load = load
        self._seconds = seconds
        self._kept: tuple[Any, float, T] | None = None

    def get(self, session: Session) -> T:
        now, database = time.monotonic(), session.get_bind()  # one engine per database URL (db.get_engine)
        kept = self._kept
        if kept is None or kept[0] is not database or now - kept[1] >= self._seconds:
            kept = self._kept = (database, now, self._load(session))
        return copy.deepcopy(kept[2])

    def forget(self) -> None:
        self._kept = None
