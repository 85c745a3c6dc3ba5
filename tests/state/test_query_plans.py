"""The home pages' counts take the index that fits them (SQLite's plan, on the migrated schema): by a
single-column status index (or the roster index by employment alone) the database went through every
waiting registration, every course of a status or every serving teacher of the network for each home
page, 1 ms a teacher's home with 8,000 waiting registrations and growing with them."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import sqlite

from tests.factories import make_world
from tpd_app.services.hours import registration
from tpd_app.services.platform.db import get_engine, transaction
from tpd_app.state.home import home

#: Indexes on a column with a handful of values: a home page's count that takes one reads a whole status's
#: rows of the network. (Pending account applications are few at any time and the national centre decides
#: all of them: their status index is fine.)
NETWORK_WIDE = ("ix_course_registration_status", "ix_course_status", "ix_teacher_roster", "ix_attendance_list_status")
#: Tables that grow with the network: no home page statement may read them whole.
BIG = ("course", "teacher", "course_registration", "training_record", "attendance_list", "login_session")

PARAMS = {"teacher_id": 1, "unit_id": 1, "today": date(2026, 12, 7), "soon": date(2026, 12, 14)}


def _plan(statement) -> list[str]:
    sql = statement.params(**PARAMS).compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True})
    raw = get_engine().raw_connection()
    try:
        return [row[-1] for row in raw.cursor().execute(f"EXPLAIN QUERY PLAN {sql}").fetchall()]
    finally:
        raw.close()


@pytest.mark.parametrize(("statement", "index"), [
    (registration._HER_COMING, "ix_course_registration_teacher_status (teacher_id=? AND status=?)"),
    (registration._TO_DECIDE, "ix_course_registration_queue (course_id=? AND status=?)"),
])
def test_the_home_page_counts_go_by_the_teacher_or_the_course(db_url: str, statement, index: str):
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite's plans")
    plan = _plan(statement)
    assert any(index in step for step in plan), plan
    assert not any("ix_course_registration_status" in step for step in plan), plan


def test_no_home_page_statement_goes_through_the_whole_network(db_url: str):
    """Every statement of the home page of a teacher, a school and a county goes by an index on the person
    or unit it counts for. (The national centre's queues are the whole network's by design.)"""
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite's plans")
    with transaction() as s:
        world = make_world(s)
        actors = {"teacher": world.teacher_actor(s), "school": world.actor(s, world.school_a),
                  "county": world.actor(s, world.bureau_a)}
    sent: list[tuple[str, object]] = []

    def keep(_conn, _cursor, statement, parameters, *_args) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            sent.append((statement, parameters))

    engine = get_engine()
    sa.event.listen(engine, "before_cursor_execute", keep)
    try:
        for actor in actors.values():
            with transaction() as s:
                home(s, actor)
    finally:
        sa.event.remove(engine, "before_cursor_execute", keep)
    assert len(sent) > 10
    raw = engine.raw_connection()
    try:
        for statement, parameters in sent:
            plan = [row[-1] for row in raw.cursor().execute(f"EXPLAIN QUERY PLAN {statement}", parameters)]
            assert not any(index in step for step in plan for index in NETWORK_WIDE), (statement, plan)
            assert not any(step.startswith(f"SCAN {table}") and step[5 + len(table):][:1] in ("", " ")
                           for step in plan for table in BIG), (statement, plan)
    finally:
        raw.close()
