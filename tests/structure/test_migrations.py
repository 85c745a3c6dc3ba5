"""The Alembic migrations create exactly what the models declare, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import tpd_app.models  # noqa: F401
from tpd_app.models import include_in_schema_compare as include_name
from tpd_app.settings import ROOT


def test_migrated_schema_matches_the_models(migrated_template: Path):
    engine = sa.create_engine(f"sqlite:///{migrated_template}")
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": include_name})
        diff = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    assert diff == []


def test_every_foreign_key_is_indexed():
    missing = []
    for table in SQLModel.metadata.tables.values():
        # An index whose leading column is the key serves the lookups a foreign key needs.
        leading = {next(iter(index.columns)).name for index in table.indexes}
        leading |= {next(iter(u.columns)).name for u in table.constraints
                    if isinstance(u, (sa.UniqueConstraint, sa.PrimaryKeyConstraint)) and u.columns}
        for fk in table.foreign_keys:
            if fk.parent.name not in leading:
                missing.append(f"{table.name}.{fk.parent.name}")
    assert missing == []


def test_migrations_render_for_postgresql():
    from alembic.config import Config

    from alembic import command

    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "alembic"))
    config.attributes["url"] = "postgresql://tpd@localhost/tpd"
    out = io.StringIO()
    config.output_buffer = out
    command.upgrade(config, "head", sql=True)
    sql = out.getvalue()
    assert "CREATE TABLE business_account" in sql
    assert "TIMESTAMP WITH TIME ZONE" in sql
    assert "gin_trgm_ops" in sql and "fts5" not in sql


def test_sqlite_gets_the_bigram_text_index(migrated_template: Path):
    engine = sa.create_engine(f"sqlite:///{migrated_template}")
    with engine.connect() as conn:
        names = {row[0] for row in conn.execute(sa.text("SELECT name FROM sqlite_master WHERE type='table'"))}
        topics = conn.execute(sa.text("SELECT count(*) FROM course_topic WHERE statutory")).scalar()
    engine.dispose()
    assert "catalogue_fts" in names
    assert topics >= 5


def test_the_reporting_migration_upgrades_a_database_that_holds_lists_and_back(tmp_path: Path):
    """An operator's upgrade, not only a fresh database: attendance lists with entries pointing at them (which a
    table copy on SQLite would trip over), then down and up again."""
    from alembic.config import Config

    from alembic import command

    url = f"sqlite:///{tmp_path / 'tpd.db'}"
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "alembic"))
    config.attributes["url"] = url
    command.upgrade(config, "a9c3e5f71d04")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")  # a minimal list: only the rows the keys need
        conn.exec_driver_sql("INSERT INTO attendance_list (id, course_id, organizer_unit_id, status, revision, late, "
                             "return_reason, created_at, updated_at) VALUES (1, 1, 1, 'draft', 0, 0, '', "
                             "'2026-11-01', '2026-11-01')")
        conn.exec_driver_sql("INSERT INTO attendance_entry (id, list_id, teacher_id, minutes, source) "
                             "VALUES (1, 1, 1, 180, 'import')")
    engine.dispose()
    command.upgrade(config, "head")
    command.downgrade(config, "a9c3e5f71d04")
    command.upgrade(config, "head")
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT reported_month FROM attendance_list").all() == [(None,)]
        assert conn.exec_driver_sql("SELECT count(*) FROM attendance_entry").scalar() == 1
    engine.dispose()
