"""Prepared reads (`services/platform/prepared.py`): the page loads' built-once SELECTs run on the DB-API
cursor give the rows, the types and the names SQLAlchemy gives, skip its machinery once prepared, and
leave everything else to SQLAlchemy (SQLite here; PostgreSQL in tests/structure/test_postgresql.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from tpd_app.domain.timeutil import utcnow
from tpd_app.models import Unit
from tpd_app.models.accounts import BusinessAccount, LoginSession, Teacher
from tpd_app.models.courses import Course
from tpd_app.models.hours import CourseRegistration
from tpd_app.services.accounts import auth
from tpd_app.services.platform import db, prepared

#: Built once, as the services build theirs: dates, datetimes, booleans, JSON, NULLs, labels, unlabelled
#: aggregates, two columns of one name, an IN list, a scalar select, outer joins.
STATEMENTS: list[tuple[str, sa.Select, dict]] = [
    ("dates and labels", select(Course.id, Course.code, Course.first_date, Course.kind,
                                Unit.name.label("organizer"))  # type: ignore[attr-defined]
     .join(Unit, col(Unit.id) == Course.organizer_unit_id).order_by(col(Course.id)), {}),
    ("booleans and JSON", select(BusinessAccount.id, BusinessAccount.username, BusinessAccount.grants,
                                 BusinessAccount.must_change_password).order_by(col(BusinessAccount.id)), {}),
    ("datetimes and NULLs", select(LoginSession.id, LoginSession.expires_at, LoginSession.ended_at,
                                   LoginSession.account_id, LoginSession.teacher_id).order_by(col(LoginSession.id)),
     {}),
    ("unlabelled aggregates", select(CourseRegistration.status, func.count(),
                                     func.count().filter(Course.first_date <= sa.bindparam("soon")))
     .join(Course, col(Course.id) == CourseRegistration.course_id).group_by(CourseRegistration.status)
     .order_by(CourseRegistration.status), {"soon": date(2027, 1, 1)}),
    ("two columns named id", select(Course.id, Unit.id).join(Unit, col(Unit.id) == Course.organizer_unit_id)
     .order_by(col(Course.id)), {}),
    ("an IN list", select(Teacher.id, Teacher.name).where(col(Teacher.id).in_(sa.bindparam("ids", expanding=True)))
     .order_by(col(Teacher.id)), {"ids": [1, 2, 3, 5, 8]}),
    ("outer join, datetime parameter", select(Teacher.id, Unit.county)
     .outerjoin(Unit, col(Unit.id) == Teacher.school_unit_id)
     .where(Teacher.id <= sa.bindparam("most")).order_by(col(Teacher.id)), {"most": 20}),
    ("a literal in the statement", select(func.count()).select_from(Course).where(Course.kind == "online"), {}),
]


def _answer(result: sa.Result) -> tuple[tuple, list[tuple], list[list[type]]]:
    rows = [tuple(row) for row in result.all()]
    return tuple(result.keys()), rows, [[type(v) for v in row] for row in rows]


@pytest.fixture
def demo(db_url, monkeypatch):
    from tpd_app.devdata.demo import load_demo

    monkeypatch.delenv(prepared.CHECK_ENV)  # compare here, by hand
    with db.transaction() as session:
        load_demo(session)
    return db_url


def compare_both_ways() -> tuple[int, int]:
    """Each statement through a reading session and through `fetch` (SQLAlchemy's path, the names learnt,
    then prepared), against a plain Session's and Connection's answers. Returns how many statements
    SQLAlchemy's engine ran for the prepared round of each (0 each when every one was prepared)."""
    with Session(db.get_engine()) as plain:
        expected = {name: _answer(plain.execute(stmt, params)) for name, stmt, params in STATEMENTS}
        expected_core = {name: _answer(plain.connection().execute(stmt, params)) for name, stmt, params in STATEMENTS}
    assert expected["unlabelled aggregates"][0] != expected_core["unlabelled aggregates"][0]  # the paths differ
    run: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        run.append(statement)

    engine = db.read_only_engine()
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        with db.reading() as session:
            for round_ in range(3):
                if round_ == 2:
                    del run[:]
                for name, stmt, params in STATEMENTS:
                    assert _answer(session.execute(stmt, params)) == expected[name], name
            through_session = len(run)
        with engine.connect() as connection:
            for round_ in range(3):
                if round_ == 2:
                    del run[:]
                for name, stmt, params in STATEMENTS:
                    assert _answer(prepared.fetch(connection, stmt, params)) == expected_core[name], name
            through_connection = len(run)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return through_session, through_connection


def test_prepared_reads_answer_as_sqlalchemy_does_and_skip_its_machinery(demo):
    assert compare_both_ways() == (0, 0)
    scalar = select(func.count()).select_from(Course)
    with db.reading() as session:
        counts = [session.exec(scalar).all() for _ in range(3)]  # sqlmodel's exec of one column: scalars
    assert counts[0] == counts[2] and isinstance(counts[2][0], int)


def test_a_statement_built_for_one_call_is_never_compiled_for_it(demo):
    before = len(prepared._PLANS)
    with db.reading() as session:
        for teacher_id in range(1, 30):
            session.execute(select(Teacher.name).where(Teacher.id == teacher_id)).all()
    assert len(prepared._PLANS) == before


def test_objects_and_locking_selects_take_sqlalchemys_path(demo):
    entity = select(Unit).where(Unit.id == sa.bindparam("id"))
    locking = select(Unit.id).where(Unit.id == 1).with_for_update()
    with db.reading() as session:
        for _ in range(3):
            unit = session.exec(entity, params={"id": 1}).one()
            assert isinstance(unit, Unit)
            session.execute(locking).all()  # SQLite renders no FOR UPDATE; PostgreSQL's check refuses it
    assert entity not in prepared._PLANS and locking not in prepared._PLANS


def test_the_suites_check_catches_a_prepared_read_that_differs(demo, monkeypatch):
    stmt = STATEMENTS[0][1]
    with db.reading() as session:
        for _ in range(3):
            session.execute(stmt).all()
        plan = prepared._PLANS[stmt]
        plan.results = (None, None, lambda value: value, None, None)  # dates left as the driver's text
        with pytest.raises(AssertionError):
            assert _answer(session.execute(stmt)) == _answer(Session(db.get_engine()).execute(stmt))
        monkeypatch.setenv(prepared.CHECK_ENV, "1")
        with pytest.raises(prepared.PreparedMismatch):
            session.execute(stmt)


def test_a_driver_error_is_sqlalchemys_error(demo):
    stmt = select(Course.id, Course.code).order_by(col(Course.id))
    with db.reading() as session:
        for _ in range(3):
            session.execute(stmt).all()
    with db.transaction() as session:
        session.execute(sa.text("ALTER TABLE course RENAME COLUMN code TO code_gone"))
    with db.reading() as session, pytest.raises(sa.exc.OperationalError):
        session.execute(stmt).all()


def test_session_resolution_reads_prepared_and_still_sees_an_ended_session(demo):
    from tpd_app.devdata.demo import DEMO_PASSWORD

    ticket = auth.sign_in("A123456789", DEMO_PASSWORD, ip="127.0.0.1")
    token = auth.exchange_ticket(ticket, ip="127.0.0.1", user_agent="test")
    for _ in range(3):
        assert auth.resolve_session(token) is not None
    with db.transaction() as session:  # signed out elsewhere (another process)
        session.execute(sa.update(LoginSession).values(ended_at=utcnow() - timedelta(seconds=1)))
    assert auth.resolve_session(token) is None
