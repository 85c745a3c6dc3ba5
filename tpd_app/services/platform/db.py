"""The database engine and the one-transaction-per-use-case helper."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlmodel import Session, create_engine

from tpd_app.services.platform.refcache import note_written, watch_engine
from tpd_app.settings import get_settings

_engines: dict[str, sa.Engine] = {}
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
        engine = create_engine(url, pool_pre_ping=True)
    watch_engine(engine)
    return engine


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


def bulk_insert(session: Session, table: sa.Table, columns: list[str], rows: Iterable[tuple]) -> int:
    """Stream tuples into `table` in the session's transaction: COPY on PostgreSQL, DB-API executemany
    elsewhere (bulk loads and rollup rebuilds; values go in as they are, without ORM type processing)."""
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
