"""Reads of built-once SELECTs on the DB-API cursor: the page loads' statements without SQLAlchemy's
per-execution machinery.

Every page load resolves the session and runs a few SELECTs that the services build once, at import. On
each execution SQLAlchemy looks up the statement's compiled form by its cache key, sets up an execution
context, dispatches the engine's events, and (through a Session) runs the ORM's compile state and row
loading: 40-70 µs a statement on this machine before the database does anything, a sixth of a busy
worker's time (`bench/prepared_reads.py` prints the figures). `fetch` keeps the compiled form of each such
statement object (from its second execution: a statement built for one call is never compiled twice) and
runs it on the connection's DB-API cursor, with SQLAlchemy's own bind and result processors, so the rows
are the ones `Connection.execute` returns. `ReadingSession` (what `db.reading` opens) sends its SELECTs
of columns through it.

Only plain SELECTs of columns qualify (not of mapped objects, not FOR UPDATE, without execution options);
everything else, a session with unflushed changes, and a statement whose driver call fails take
SQLAlchemy's path (a read can run twice; the second run raises SQLAlchemy's error and invalidates a
dropped connection as usual). `TPD_CHECK_PREPARED=1` (the test suite sets it) runs each such read both
ways and raises when the rows or their names differ.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine.result import IteratorResult, SimpleResultMetaData
from sqlmodel import Session
from sqlmodel.sql.expression import SelectOfScalar

#: Set in the test suite: every prepared read is checked against SQLAlchemy's own answer.
CHECK_ENV = "TPD_CHECK_PREPARED"


class PreparedMismatch(AssertionError):
    """A prepared read answered differently from SQLAlchemy (only raised with `TPD_CHECK_PREPARED=1`)."""


class _Plan:
    """One statement compiled for one dialect, with what each execution needs."""

    __slots__ = ("binds", "compiled", "dialect", "expanding", "meta", "order", "positional", "results", "sql")

    def __init__(self, compiled: sa.sql.compiler.SQLCompiler, dialect: sa.Dialect) -> None:
        self.dialect = dialect
        self.compiled = compiled
        self.sql = compiled.string
        self.positional = compiled.positional
        self.order = tuple(compiled.positiontup or ())
        self.binds = dict(compiled._bind_processors)
        # IN (...) of a list: the statement's text depends on the list's length (SQLAlchemy expands it).
        self.expanding = bool(compiled.post_compile_params or compiled.literal_execute_params)
        #: The rows' names by path (True: through a Session), from SQLAlchemy's first answer on it.
        self.meta: dict[bool, SimpleResultMetaData | None] = {True: None, False: None}
        #: The result processors, from the driver's column types at the first execution.
        self.results: tuple[Any, ...] | None = None


#: Each statement's plan, or `_NOT_PREPARED` when it cannot have one (kept as long as the statement lives).
_PLANS: weakref.WeakKeyDictionary[sa.Select, _Plan | object] = weakref.WeakKeyDictionary()
_NOT_PREPARED = object()
_SEEN: weakref.WeakSet[sa.Select] = weakref.WeakSet()
_LOCK = threading.Lock()


def _qualifies(statement: Any) -> bool:
    return (isinstance(statement, sa.Select) and statement._for_update_arg is None
            and not statement._execution_options
            and all(isinstance(column, sa.ColumnElement) for column in statement._raw_columns))


def _plan(statement: sa.Select, dialect: sa.Dialect) -> _Plan | None:
    """The statement's plan for `dialect`, or None while it takes SQLAlchemy's path."""
    plan = _PLANS.get(statement)
    if plan is _NOT_PREPARED:
        return None
    if isinstance(plan, _Plan) and plan.dialect is dialect:
        return plan
    with _LOCK:
        if plan is None and statement not in _SEEN:
            _SEEN.add(statement)  # its first execution: it may be a statement built for this one call
            return None
        try:
            new: _Plan | object = _Plan(statement.compile(dialect=dialect), dialect)
        except sa.exc.SQLAlchemyError:  # a construct SQLAlchemy compiles only at execution: its path
            new = _NOT_PREPARED
        _PLANS[statement] = new
    return new if isinstance(new, _Plan) else None


def _arguments(plan: _Plan, params: Mapping[str, Any] | None) -> tuple[str, Any]:
    compiled = plan.compiled
    if plan.expanding:
        state = compiled.construct_expanded_state(params)
        values, binds, sql = state.parameters, state.processors, state.statement
        order = state.positiontup or ()
    else:
        values, binds, sql, order = compiled.construct_params(params), plan.binds, plan.sql, plan.order
    if plan.positional:
        return sql, tuple(binds[key](values[key]) if key in binds else values[key] for key in order)
    return sql, {key: binds[key](value) if key in binds else value for key, value in values.items()}


def _run(connection: sa.Connection, plan: _Plan, meta: SimpleResultMetaData,
         params: Mapping[str, Any] | None) -> IteratorResult:
    sql, arguments = _arguments(plan, params)
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql, arguments)
        rows = cursor.fetchall()
        processors = plan.results
        if processors is None:
            processors = plan.results = tuple(
                entry[3]._cached_result_processor(plan.dialect, described[1])
                for entry, described in zip(plan.compiled._result_columns, cursor.description, strict=True))
    finally:
        cursor.close()
    if any(processors):
        rows = [tuple(value if process is None else process(value)
                      for process, value in zip(processors, row, strict=True)) for row in rows]
    return IteratorResult(meta, iter(rows))


def _checked(prepared: IteratorResult, expected: sa.Result, statement: sa.Select) -> IteratorResult:
    """`prepared`'s rows again after comparing them (and their names) with SQLAlchemy's `expected`."""
    keys, rows = tuple(expected.keys()), [tuple(row) for row in expected.all()]
    got_keys, got = tuple(prepared.keys()), [tuple(row) for row in prepared.all()]
    if got_keys != keys or got != rows or [list(map(type, r)) for r in got] != [list(map(type, r)) for r in rows]:
        raise PreparedMismatch(f"prepared read differs for {str(statement)[:120]!r}: "
                               f"{got_keys} {got[:3]} against {keys} {rows[:3]}")
    return IteratorResult(SimpleResultMetaData(got_keys), iter(got))


def _read(connection: sa.Connection, statement: Any, params: Mapping[str, Any] | None, *, orm: bool,
          sqlalchemy: Callable[[], sa.Result]) -> sa.Result:
    """The prepared answer when the statement (which `_qualifies`) has a plan, else `sqlalchemy()`'s. Rows
    are named as that path names them (a Session names `count(*)` "count", a Connection "count_1"): the
    plan's first execution on each path is SQLAlchemy's, and its names are kept."""
    plan = _plan(statement, connection.dialect)
    if plan is None:
        return sqlalchemy()
    meta = plan.meta[orm]
    if meta is None:
        result = sqlalchemy()
        plan.meta[orm] = SimpleResultMetaData(tuple(result.keys()))
        return result
    try:
        prepared = _run(connection, plan, meta, params)
    except connection.dialect.loaded_dbapi.Error:
        return sqlalchemy()  # runs it again and raises SQLAlchemy's own, wrapped error
    if os.environ.get(CHECK_ENV):
        return _checked(prepared, sqlalchemy(), statement)
    return prepared


def fetch(connection: sa.Connection, statement: sa.Executable, params: Mapping[str, Any] | None = None) -> sa.Result:
    """`connection.execute(statement, params)` for a read; prepared when the statement qualifies."""
    if not _qualifies(statement):
        return connection.execute(statement, params)
    return _read(connection, statement, params, orm=False,
                 sqlalchemy=lambda: connection.execute(statement, params))


class ReadingSession(Session):
    """A Session for use cases that only read: its SELECTs of columns run prepared (unless it holds
    unflushed changes, which SQLAlchemy's path would flush first)."""

    def _plain(self, statement: Any, params: Any, options: Any, bind_arguments: Any, extra: Any) -> bool:
        return (not extra and not options and not bind_arguments and _qualifies(statement)
                and (params is None or isinstance(params, Mapping)) and self._is_clean())

    def execute(self, statement: Any, params: Any = None, *, execution_options: Any = None,  # type: ignore[override]
                bind_arguments: Any = None, **kwargs: Any) -> Any:
        def sqlalchemy() -> sa.Result:
            return super(ReadingSession, self).execute(
                statement, params, execution_options=execution_options or {}, bind_arguments=bind_arguments,
                **kwargs)

        if not self._plain(statement, params, execution_options, bind_arguments, kwargs):
            return sqlalchemy()
        return _read(self.connection(), statement, params, orm=True, sqlalchemy=sqlalchemy)

    def exec(self, statement: Any, *, params: Any = None, execution_options: Any = None,  # type: ignore[override]
             bind_arguments: Any = None, **kwargs: Any) -> Any:
        if not self._plain(statement, params, execution_options, bind_arguments, kwargs):
            return super().exec(statement, params=params, execution_options=execution_options or {},
                                bind_arguments=bind_arguments, **kwargs)
        result = _read(self.connection(), statement, params, orm=True,
                       sqlalchemy=lambda: super(ReadingSession, self).execute(statement, params))
        return result.scalars() if isinstance(statement, SelectOfScalar) else result
