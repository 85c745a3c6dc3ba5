"""The database engine and the one-transaction-per-use-case helper."""

from __future__ import annotations

import functools
import itertools
import re
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, create_engine

from tpd_app.services.platform.prepared import ReadingSession
from tpd_app.services.platform.refcache import note_written, watch_engine
from tpd_app.settings import get_settings

_engines: dict[str, sa.Engine] = {}
_read_only: dict[str, sa.Engine] = {}
#: Rows per executemany in `bulk_insert`.
BULK_BATCH = 50_000


def _configure_sqlite(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL lets readers go on while one writer commits; busy_timeout waits instead of failing.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(url: str) -> sa.Engine:
    """An engine for `url`, with SQLite tuned for a multi-user web app."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})
        sa.event.listen(engine, "connect", _configure_sqlite)
    else:
        engine = create_engine(url)
        sa.event.listen(engine, "checkin", _note_idle)
        dialect = engine.dialect

        def ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
            _ping_if_idle(dialect, dbapi_connection, record)

        sa.event.listen(engine, "checkout", ping_if_idle)
    watch_engine(engine)
    return engine


#: A pooled PostgreSQL connection idle longer than this is pinged before it is handed out.
PING_AFTER_IDLE = 10.0
_IDLE_SINCE = "tpd_idle_since"


def _note_idle(_dbapi_connection: object, record: Any) -> None:
    if record is not None:
        record.info[_IDLE_SINCE] = time.monotonic()


def _ping_if_idle(dialect: sa.Dialect, dbapi_connection: Any, record: Any) -> None:
    """SQLAlchemy's pre-ping, only for a connection that sat idle: a database restarted or a connection
    dropped in a quiet spell costs nobody an error. A connection in steady use is not pinged (the ping was
    a round trip on every checkout, two or three an event); if the database goes away under load, the
    first statement on each worker fails (the page says the database is briefly unavailable) and SQLAlchemy
    renews the whole pool."""
    idle_since = record.info.get(_IDLE_SINCE)
    if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE:
        return
    try:
        dialect.do_ping(dbapi_connection)
    except Exception as error:
        # The pool drops this connection and hands out a new one (SQLAlchemy's documented recipe).
        raise sa.exc.DisconnectionError() from error


_WRITES = re.compile(r"\s*(?:INSERT|UPDATE|DELETE|MERGE|CREATE|DROP|ALTER|TRUNCATE|COPY|LOCK)\b"
                     r"|.*\bFOR\s+(?:NO\s+KEY\s+)?UPDATE\b", re.IGNORECASE | re.DOTALL)


class ReadOnlyViolation(RuntimeError):
    """A statement that writes or locks was sent through `read_only_engine` (which has no transaction)."""


@functools.lru_cache(maxsize=4096)
def _writes(statement: str) -> bool:
    """Whether a statement text writes or locks rows. Statements are built once and SQLAlchemy caches their
    text, so the same few hundred strings come back: the pattern, which scans the whole text, runs once
    per statement instead of once per execution."""
    return _WRITES.match(statement) is not None


def _refuse_writes(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
    if _writes(statement):
        raise ReadOnlyViolation(f"read-only use case sent a writing statement: {statement[:80]!r}")


def read_only_engine() -> sa.Engine:
    """The configured database without transactions, for use cases that only read (same pool).

    On PostgreSQL (READ COMMITTED) each statement of a transaction sees what was committed when that
    statement began, so reading outside one answers the same. What it saves there: the BEGIN and ROLLBACK
    round trips, and the prepared statements, which psycopg forgets on every ROLLBACK (so before, no
    statement was ever prepared and each one was planned again: 0.44 -> 0.19 ms for the session's
    resolution). SQLite's driver already runs SELECTs outside a transaction, so there the engine only
    adds the check; asking it for AUTOCOMMIT would switch the connection's mode and run a PRAGMA on every
    checkout and return (0.06 -> 0.16 ms for the session's resolution). A statement that writes or locks
    rows raises ReadOnlyViolation.
    """
    url = get_settings().database_url
    if url not in _read_only:
        base = get_engine()
        engine = (base.execution_options(tpd_read_only=True) if base.dialect.name == "sqlite"
                  else base.execution_options(isolation_level="AUTOCOMMIT"))
        sa.event.listen(engine, "before_cursor_execute", _refuse_writes)
        _read_only[url] = engine
    return _read_only[url]


def get_engine() -> sa.Engine:
    """The engine for the configured database URL (one per URL per process)."""
    url = get_settings().database_url
    if url not in _engines:
        _engines[url] = make_engine(url)
    return _engines[url]


def dispose_engines() -> None:
    """Close every pooled connection (tests switch databases)."""
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()
    _read_only.clear()


@contextmanager
def transaction() -> Iterator[Session]:
    """One session, committed on success and rolled back on any exception."""
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def reading() -> Iterator[Session]:
    """One session for a use case that only reads (a page load): `read_only_engine`, so no transaction
    round trips and no ROLLBACK on PostgreSQL; a statement that writes raises ReadOnlyViolation. Its
    SELECTs of columns run prepared (`prepared.ReadingSession`)."""
    with ReadingSession(read_only_engine(), expire_on_commit=False) as session:
        yield session


def ids_given(session: Session, *tables: str) -> None:
    """Rows went into `tables` with their ids (bulk loads): PostgreSQL's sequences move past the largest,
    so the next row the app adds gets a free id. SQLite takes the largest id itself."""
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        for name in tables:
            conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                 f"greatest((SELECT max(id) FROM {name}), 1))"))


def bulk_insert(session: Session, table: sa.Table, columns: list[str], rows: Iterable[tuple]) -> int:
    """Stream tuples into `table` in the session's transaction: COPY on PostgreSQL, DB-API executemany
    elsewhere (bulk loads and rollup rebuilds; values go in as they are, without ORM type processing).
    Rows loaded with their ids move PostgreSQL's sequence past them (`ids_given`)."""
    conn = session.connection()
    note_written(conn, table.name)
    raw = conn.connection.driver_connection
    count = 0
    if conn.dialect.name == "postgresql":
        with raw.cursor() as cursor, cursor.copy(  # type: ignore[union-attr]
                f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        if "id" in columns and count:
            ids_given(session, table.name)
        return count
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    cursor = raw.cursor()  # type: ignore[union-attr]
    rows = iter(rows)
    while True:
        chunk = list(itertools.islice(rows, BULK_BATCH))
        if not chunk:
            break
        cursor.executemany(sql, chunk)
        count += len(chunk)
    return count
