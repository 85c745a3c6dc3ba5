"""Backup and restore on SQLite, through the command line an operator runs (PostgreSQL:
tests/structure/test_postgresql.py)."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import func, select

from tpd_app.cli import main
from tpd_app.devdata.demo import load_demo
from tpd_app.models import TrainingRecord
from tpd_app.services.platform.db import get_engine, transaction


def _records() -> int:
    with transaction() as session:
        return session.exec(select(func.count()).select_from(TrainingRecord)).one()


def test_a_backup_taken_while_the_app_runs_restores_every_record(db_url: str, tmp_path: Path, capsys):
    with transaction() as session:
        load_demo(session)
    before = _records()
    open_connection = get_engine().connect()  # the app is running: a connection stays open
    backup = tmp_path / "nightly.db"
    assert main(["backup", "--to", str(backup)]) == 0
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert main(["backup", "--to", str(backup)]) == 1  # never overwrites
    assert "already exists" in capsys.readouterr().err
    open_connection.close()

    with get_engine().begin() as connection:  # a mistake after the backup
        connection.execute(sa.text("DELETE FROM training_record"))
    assert _records() == 0

    assert main(["restore", "--from", str(backup)]) == 2  # asks for --yes first
    assert _records() == 0
    assert main(["restore", "--from", str(backup), "--yes"]) == 0
    assert _records() == before
    out = capsys.readouterr().out
    saved = Path(out.split("saved in ")[1].split(". Start")[0])
    with sqlite3.connect(saved) as db:  # what the restore replaced was kept
        assert db.execute("SELECT count(*) FROM training_record").fetchone()[0] == 0


def test_a_file_that_is_not_a_backup_is_refused_and_nothing_changes(db_url: str, tmp_path: Path, capsys):
    with transaction() as session:
        load_demo(session)
    before = _records()
    stray = tmp_path / "notes.db"
    stray.write_bytes(b"not a database at all" * 100)
    assert main(["restore", "--from", str(stray), "--yes"]) == 1
    assert "is not a TPD SQLite backup" in capsys.readouterr().err
    assert _records() == before
