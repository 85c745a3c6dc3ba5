"""Page loads that only read use `db.reading` / `db.read_only_engine`: the same answers as a transaction,
and a statement that writes or locks rows is refused, every time it is sent (SQLite here; PostgreSQL in
tests/structure/test_postgresql.py)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import select

from tests.factories import make_unit
from tpd_app.domain.units import UnitType
from tpd_app.models import Unit
from tpd_app.services.platform import db


def test_reading_sees_what_was_committed_and_refuses_writes_on_every_attempt(db_url):
    with db.transaction() as s:
        make_unit(s, UnitType.SCHOOL, county="TPE", name="甲國小")
    with db.reading() as s:
        assert [u.name for u in s.exec(select(Unit).where(Unit.county == "TPE")).all()] == ["甲國小"]
        for _ in range(2):  # the verdict is kept per statement: the second attempt is refused as well
            with pytest.raises(db.ReadOnlyViolation):
                s.execute(sa.text("UPDATE unit SET name = 'x'"))
    with db.read_only_engine().connect() as conn:
        for statement in ("delete from unit", "  INSERT INTO unit (name) VALUES ('y')",
                          "SELECT id FROM unit\nFOR UPDATE"):
            with pytest.raises(db.ReadOnlyViolation):
                conn.execute(sa.text(statement))
        # a column named like a keyword is no write
        assert conn.execute(sa.text("SELECT 1 AS updated_at")).scalar_one() == 1
    with db.transaction() as s:
        assert [u.name for u in s.exec(select(Unit).where(Unit.county == "TPE")).all()] == ["甲國小"]


def test_reading_holds_no_transaction_so_writers_go_on(db_url):
    with db.transaction() as s:
        make_unit(s, UnitType.SCHOOL, county="TPE", name="甲國小")
    with db.reading() as reader:
        assert len(reader.exec(select(Unit)).all()) == 1
        with db.transaction() as writer:  # another connection of the pool commits meanwhile
            make_unit(writer, UnitType.SCHOOL, county="TPE", name="乙國小")
        # outside a transaction the next statement sees the new row (READ COMMITTED, as on PostgreSQL)
        assert len(reader.exec(select(Unit)).all()) == 2
