"""Data kept a short while in this process, because every page visit reads it and few people change it.

Two kinds: `ReferenceCache`, one list (the active course topics, the hours rules), kept 30 s; and
`KeyedCache`, one answer per key (a catalogue search, a course page, the courses open for registration),
kept a few seconds and at most `size` keys.

Each cache names the tables its answers come from. A transaction of this process that writes one of them
forgets the cache when it commits (`watch_engine` listens to every statement the engine runs), so
whoever changes something sees it at once; a change made by another worker shows within `seconds`. An
answer loaded while such a commit happened is not kept. Kept per database, so a process never serves one
database's answer for another.
"""

from __future__ import annotations

import copy
import re
import threading
import time
import weakref
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlmodel import Session

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)

#: Caches by the tables they read (weak: a cache dropped by its module is not kept alive here).
_WATCHERS: dict[str, weakref.WeakSet[_Watching]] = {}
_WRITE = re.compile(r"\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)", re.IGNORECASE)
_WRITTEN = "tpd_written_tables"


class _Watching(ABC):
    """A cache that forgets when one of `tables` is written."""

    def __init__(self, tables: Iterable[str]) -> None:
        self._generation = 0
        self._tables = frozenset(tables)
        for table in self._tables:
            _WATCHERS.setdefault(table, weakref.WeakSet()).add(self)

    def _bypassed(self, session: Session) -> bool:
        """The session has changed (or may change by its next query) what this cache keeps: it reads its
        own transaction, not the cache."""
        if not session.in_transaction():
            return False
        if session.new or session.dirty or session.deleted:
            return True
        written = session.connection().info.get(_WRITTEN)
        return bool(written) and not self._tables.isdisjoint(written)

    def forget(self) -> None:
        self._generation += 1
        self._drop()

    @abstractmethod
    def _drop(self) -> None:
        """Drop what is kept (each kind keeps it its own way)."""


def note_written(connection: sa.Connection, table: str) -> None:
    """`table` is written in `connection`'s transaction by other means than a SQL statement (a COPY, a raw
    cursor): the caches reading it forget when the transaction commits."""
    connection.info.setdefault(_WRITTEN, set()).add(table)


def _on_statement(conn: sa.Connection, _cursor: Any, statement: str, *_args: Any) -> None:
    if statement[:6].upper() in ("SELECT", "PRAGMA") or (match := _WRITE.match(statement)) is None:
        return
    conn.info.setdefault(_WRITTEN, set()).add(match.group(1).lower())


def _on_commit(conn: sa.Connection) -> None:
    for table in conn.info.pop(_WRITTEN, ()):
        for cache in list(_WATCHERS.get(table, ())):
            cache.forget()


def _on_rollback(conn: sa.Connection) -> None:
    if conn.invalidated:
        # The database went away mid-transaction (a restart, a dropped connection): what the connection
        # noted went with it, and asking for its info here would replace the real error with SQLAlchemy's
        # PendingRollbackError (the page would then not say the database was briefly unavailable).
        return
    conn.info.pop(_WRITTEN, None)


def watch_engine(engine: sa.Engine) -> None:
    """Forget the caches reading what a committed transaction of `engine` wrote."""
    sa.event.listen(engine, "before_cursor_execute", _on_statement)
    sa.event.listen(engine, "commit", _on_commit)
    sa.event.listen(engine, "rollback", _on_rollback)


class ReferenceCache(_Watching, Generic[T]):
    """`load(session)`'s result, re-read after `seconds` or `forget()`; each caller gets its own copy
    (`copy`, as for `KeyedCache`)."""

    def __init__(self, load: Callable[[Session], T], *, seconds: float = 30.0, tables: Iterable[str] = (),
                 copy: Callable[[T], T] = copy.deepcopy) -> None:
        super().__init__(tables)
        self._load = load
        self._seconds = seconds
        self._copy = copy
        self._kept: tuple[Any, float, T] | None = None

    def get(self, session: Session) -> T:
        if self._bypassed(session):
            return self._load(session)
        # One pool per database URL (db.get_engine; db.read_only_engine shares it).
        now, database = time.monotonic(), session.get_bind().pool
        kept = self._kept
        if kept is None or kept[0] is not database or now - kept[1] >= self._seconds:
            generation = self._generation
            kept = (database, now, self._load(session))
            if generation == self._generation:
                self._kept = kept
        return self._copy(kept[2])

    def _drop(self) -> None:
        self._kept = None


class KeyedCache(_Watching, Generic[K, T]):
    """`load(session, key)`'s result per key, re-read after `seconds`; the `size` keys used last are kept.

    `copy` makes each caller's own copy of a kept answer (a deep copy unless the answer's shape allows a
    cheaper one; identity when the answer cannot be changed).
    """

    def __init__(self, load: Callable[[Session, K], T], *, seconds: float, size: int = 256,
                 tables: Iterable[str], copy: Callable[[T], T] = copy.deepcopy) -> None:
        super().__init__(tables)
        self._load = load
        self._seconds = seconds
        self._size = size
        self._copy = copy
        self._database: Any = None
        self._kept: OrderedDict[K, tuple[float, T]] = OrderedDict()
        self._lock = threading.Lock()  # a few handlers read in worker threads

    def get(self, session: Session, key: K) -> T:
        if self._bypassed(session):
            return self._load(session, key)
        now, database = time.monotonic(), session.get_bind().pool
        with self._lock:
            if database is not self._database:
                self._database, self._kept = database, OrderedDict()
            kept = self._kept.get(key)
            if kept is not None and now - kept[0] < self._seconds:
                self._kept.move_to_end(key)
                return self._copy(kept[1])
            generation = self._generation
        value = self._load(session, key)
        with self._lock:
            if generation == self._generation and database is self._database:
                self._kept[key] = (now, value)
                self._kept.move_to_end(key)
                while len(self._kept) > self._size:
                    self._kept.popitem(last=False)
        return self._copy(value)

    def _drop(self) -> None:
        with self._lock:
            self._kept = OrderedDict()
