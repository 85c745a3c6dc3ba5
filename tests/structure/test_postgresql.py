"""The same migrations, demo data and sign-in on a real PostgreSQL server (Debian's postgresql)."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from tpd_app.models import include_in_schema_compare
from tpd_app.services.platform.db import dispose_engines
from tpd_app.settings import reset_settings


def on_postgresql(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the app at the test server (fresh settings and engines) and migrate it."""
    from tpd_app.cli import migrate

    monkeypatch.setenv("TPD_DATABASE_URL", url)
    reset_settings()
    dispose_engines()
    migrate()


def _pg_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        pytest.fail("PostgreSQL is not installed: sudo apt-get install postgresql (./scripts/test does it as root)")
    return Path(found[-1]).parent


def _as_postgres(args: list[str]) -> list[str]:
    # initdb refuses to run as root; Debian's package created the postgres user.
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    bin_dir = _pg_bin()
    work = Path(tempfile.mkdtemp(prefix="tpd-pg-"))
    if os.geteuid() == 0:
        shutil.chown(work, "postgres")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    data = work / "data"
    subprocess.run(_as_postgres([str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "tpd"]),
                   check=True, capture_output=True)
    subprocess.run(_as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(work / "log"), "-w", "-o",
                                 f"-p {port} -k {work} -c listen_addresses=127.0.0.1", "start"]),
                   check=True, capture_output=True)
    try:
        subprocess.run(_as_postgres([str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "tpd",
                                     "tpd"]), check=True, capture_output=True)
        yield f"postgresql+psycopg://tpd@127.0.0.1:{port}/tpd"
    finally:
        dispose_engines()
        subprocess.run(_as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True)
        time.sleep(0.2)
        shutil.rmtree(work, ignore_errors=True)


def test_migrations_demo_data_and_sign_in_work_on_postgresql(postgres_url: str, monkeypatch: pytest.MonkeyPatch):
    from tpd_app.devdata.demo import DEMO_PASSWORD, load_demo
    from tpd_app.domain.errors import InvalidCredentials
    from tpd_app.services.accounts import auth
    from tpd_app.services.platform.db import transaction

    on_postgresql(postgres_url, monkeypatch)
    engine = sa.create_engine(postgres_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                         "include_name": include_in_schema_compare})
        diff = compare_metadata(context, SQLModel.metadata)
        zone = conn.execute(sa.text(
            "select data_type from information_schema.columns "
            "where table_name = 'login_session' and column_name = 'expires_at'")).scalar_one()
    engine.dispose()
    assert diff == []
    assert zone == "timestamp with time zone"
    with transaction() as session:
        counts = load_demo(session)
    assert counts["teachers"] >= 200
    signed_in = auth.resolve_session(auth.exchange_ticket(auth.sign_in("demo-county_bureau", DEMO_PASSWORD)))
    assert signed_in is not None and signed_in.unit_name == "臺北市政府教育局"
    assert signed_in.actor.unit.type == "county_bureau"
    for _ in range(3):
        with pytest.raises(InvalidCredentials):
            auth.sign_in("demo-county_bureau", "wrong-password-1", ip="203.0.113.9")
    with pytest.raises(InvalidCredentials):  # that pair now waits (row-locked throttle rows on PostgreSQL)
        auth.sign_in("demo-county_bureau", DEMO_PASSWORD, ip="203.0.113.9")
    assert auth.sign_in("demo-county_bureau", DEMO_PASSWORD, ip="198.51.100.7")
    _statistics_rebuild_equals_the_incremental_rollups()
    reset_settings()


def test_catalogue_search_uses_the_trigram_path_on_postgresql(postgres_url: str, monkeypatch: pytest.MonkeyPatch):
    from tpd_app.devdata.demo import load_demo
    from tpd_app.services.courses.catalogue import CatalogueQuery, search
    from tpd_app.services.platform.db import transaction

    on_postgresql(postgres_url, monkeypatch)
    with transaction() as session:
        load_demo(session)  # idempotent: the first test may have loaded it already
    with transaction() as session:
        everything, total = search(session, CatalogueQuery())
        special, special_total = search(session, CatalogueQuery(keyword="融合教育"))
        nothing, none_total = search(session, CatalogueQuery(keyword="量子糾纏"))
        open_now, _ = search(session, CatalogueQuery(open_now=True, county="TPE"))
    assert total >= 5 and len(everything) == min(total, 20)
    assert special_total >= 1 and all("融合教育" in row["title"] for row in special)
    assert (nothing, none_total) == ([], 0)
    assert all(row["county"] == "TPE" for row in open_now)
    reset_settings()


def test_national_generator_and_rollup_rebuild_on_postgresql(postgres_url: str, monkeypatch: pytest.MonkeyPatch):
    """COPY loads, the streamed rebuild and the distribution table agree with the ledger on PostgreSQL."""
    from tests.factories import actor_for_account, make_account, make_teacher, make_unit
    from tpd_app.devdata.demo import load_demo
    from tpd_app.devdata.volume_stats import generate_national
    from tpd_app.domain.permissions import Function
    from tpd_app.domain.stats import PeriodType, StatsFilters
    from tpd_app.domain.units import UnitType
    from tpd_app.models import TrainingRecord, Unit
    from tpd_app.services.platform.db import transaction
    from tpd_app.services.stats import dashboards

    on_postgresql(postgres_url, monkeypatch)
    with transaction() as session:
        load_demo(session)
        generate_national(session, scale=0.002, years=2)
    with transaction() as session:  # the COPY loads gave their ids: the sequences went past them
        school = make_unit(session, UnitType.SCHOOL, county="TPE")
        assert school.id and make_teacher(session, school).id
    with transaction() as session:
        year = session.execute(sa.select(sa.func.max(TrainingRecord.school_year))).scalar_one() - 1
        ledger = session.execute(sa.text(
            "SELECT count(*), sum(minutes), count(DISTINCT teacher_id) FROM training_record "
            "WHERE school_year = :y AND superseded_at IS NULL"), {"y": year}).one()
        moe = session.execute(sa.select(Unit).where(Unit.type == "moe")).scalar_one()
        actor = actor_for_account(make_account(session, moe), moe)
        board = dashboards.open_dashboard(session, actor, Function.STATS_NATIONAL,
                                     StatsFilters(period_type=PeriodType.SCHOOL, year=year))
        # A county's page: its schools' table is fetched through the driver's cursor (plain tuples).
        county = session.execute(sa.text(
            "SELECT school_county FROM training_record WHERE school_year = :y AND superseded_at IS NULL "
            "GROUP BY school_county ORDER BY count(*) DESC LIMIT 1"), {"y": year}).scalar_one()
        in_county = session.execute(sa.text(
            "SELECT count(*), sum(minutes) FROM training_record "
            "WHERE school_year = :y AND superseded_at IS NULL AND school_county = :c"), {"y": year, "c": county}).one()
        bureau = session.execute(sa.select(Unit).where(Unit.type == "county_bureau",
                                                       Unit.county == county)).scalar_one()
        county_board = dashboards.open_dashboard(session, actor_for_account(make_account(session, bureau), bureau),
                                            Function.STATS_COUNTY, StatsFilters(period_type=PeriodType.SCHOOL,
                                                                                year=year))
        # The roster triggers (PL/pgSQL here) counted the COPY load, and count an update and a delete.
        assert _roster(session) == _recount(session) and _recount(session)
        moved, other = session.execute(sa.text("SELECT min(id), max(school_unit_id) FROM teacher")).one()
        session.execute(sa.text("UPDATE teacher SET school_unit_id = :u WHERE id = :t"), {"u": other, "t": moved})
        session.execute(sa.text("DELETE FROM teacher WHERE id = (SELECT max(id) FROM teacher "
                                "WHERE id NOT IN (SELECT teacher_id FROM training_record) "
                                "AND id NOT IN (SELECT teacher_id FROM login_session WHERE teacher_id IS NOT NULL))"))
        assert _roster(session) == _recount(session)
        session.rollback()
    assert (board.totals.participants, board.totals.credited_minutes, board.distinct_teachers) == tuple(ledger)
    assert (county_board.totals.participants, county_board.totals.credited_minutes) == tuple(in_county)
    schools = county_board.tables["area"]
    assert sum(r.figures.participants for r in schools) == in_county[0]
    assert [r.figures.participants for r in schools] == sorted((r.figures.participants for r in schools), reverse=True)
    assert all(r.label and r.label != r.key for r in schools)
    reset_settings()


def _roster(session) -> dict[int, int]:
    return {u: n for u, n in session.execute(sa.text("SELECT unit_id, teachers FROM stats_roster")) if n}


def _recount(session) -> dict[int, int]:
    return dict(session.execute(sa.text(
        "SELECT school_unit_id, count(*) FROM teacher WHERE employment = 'serving' AND status = 'active' "
        "GROUP BY school_unit_id")).all())


def _statistics_rebuild_equals_the_incremental_rollups() -> None:
    """The demo hours went through `apply_confirmation` (ON CONFLICT on PostgreSQL); the SQL rebuild
    (string_agg, EXTRACT) must land on the same rows."""
    from tpd_app.services.platform.db import transaction
    from tpd_app.services.stats.rollups import ROLLUP_MODELS, rebuild_rollups

    def snapshot(session) -> dict[str, list[tuple]]:
        result = {}
        for model in ROLLUP_MODELS:
            table = model.__table__
            result[table.name] = sorted(tuple(r) for r in session.execute(
                sa.select(*[c for c in table.c if c.name != "id"])))
        return result

    with transaction() as session:
        incremental = snapshot(session)
        assert incremental["stats_month"]
        rebuild_rollups(session)
        assert snapshot(session) == incremental


def test_backup_and_restore_on_postgresql(postgres_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                          capsys: pytest.CaptureFixture):
    """pg_dump while connected, a mistake, pg_restore in one transaction: every record is back."""
    from tpd_app.cli import main
    from tpd_app.devdata.demo import load_demo
    from tpd_app.services.platform.db import get_engine, transaction

    on_postgresql(postgres_url, monkeypatch)
    with transaction() as session:
        load_demo(session)
    count = "SELECT count(*) FROM training_record"
    with get_engine().connect() as connection:
        before = connection.execute(sa.text(count)).scalar_one()
        assert before > 100
        assert main(["backup", "--to", str(tmp_path / "tpd.dump")]) == 0  # the app stays connected
    with get_engine().begin() as connection:
        connection.execute(sa.text("DELETE FROM training_record"))
    stray = tmp_path / "stray.dump"
    stray.write_bytes(b"PGDMP but not really")
    assert main(["restore", "--from", str(stray), "--yes"]) == 1
    assert "not a TPD PostgreSQL backup" in capsys.readouterr().err
    assert main(["restore", "--from", str(tmp_path / "tpd.dump"), "--yes"]) == 0
    with get_engine().connect() as connection:
        assert connection.execute(sa.text(count)).scalar_one() == before
    reset_settings()


def _restart_postgresql(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        data = conn.execute(sa.text("SHOW data_directory")).scalar_one()
    engine.dispose()
    # pg_ctl restart keeps the server's command line (port, socket folder) from postmaster.opts; the log
    # goes where the fixture put it (not into a pipe of this process, which would then never close).
    subprocess.run(_as_postgres([str(_pg_bin() / "pg_ctl"), "-D", data, "-l", str(Path(data).parent / "log"),
                                 "-w", "-m", "fast", "restart"]),
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)


def test_after_a_database_restart_an_idle_pool_reconnects_and_a_busy_one_fails_once(
        postgres_url: str, monkeypatch: pytest.MonkeyPatch):
    from tpd_app.services.platform import db

    on_postgresql(postgres_url, monkeypatch)

    def units() -> int:
        with db.transaction() as session:
            return session.execute(sa.text("SELECT count(*) FROM unit")).scalar_one()

    before = units()
    # A quiet spell: the pooled connection has been idle longer than PING_AFTER_IDLE, so it is pinged,
    # found dead and replaced before anyone's statement runs on it.
    _restart_postgresql(postgres_url)
    monkeypatch.setattr(db, "PING_AFTER_IDLE", 0.0)
    assert units() == before
    # Under load nothing is pinged: the first statement on the dead connection fails (the page shows the
    # database was briefly unavailable), and the pool is renewed for the next one.
    monkeypatch.setattr(db, "PING_AFTER_IDLE", 3600.0)
    _restart_postgresql(postgres_url)
    with pytest.raises(sa.exc.OperationalError):
        units()
    assert units() == before
    reset_settings()


def test_read_only_engine_answers_without_a_transaction_and_refuses_writes(
        postgres_url: str, monkeypatch: pytest.MonkeyPatch):
    from tpd_app.services.platform import db

    on_postgresql(postgres_url, monkeypatch)
    with db.read_only_engine().connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM unit")).scalar_one() >= 0
        assert conn.connection.driver_connection.autocommit  # no BEGIN / ROLLBACK round trips
        for statement in ("UPDATE unit SET name = name", "SELECT id FROM unit FOR UPDATE",
                          "delete from unit where id = -1"):
            with pytest.raises(db.ReadOnlyViolation):
                conn.execute(sa.text(statement))
    with db.get_engine().connect() as conn:  # the same pool, with its transactions, for everyone else
        assert not conn.connection.driver_connection.autocommit
    reset_settings()


def test_prepared_reads_answer_as_sqlalchemy_does_on_postgresql(postgres_url: str, monkeypatch: pytest.MonkeyPatch):
    from sqlmodel import select

    from tests.services.platform.test_prepared import compare_both_ways
    from tpd_app.devdata.demo import load_demo
    from tpd_app.models import Unit
    from tpd_app.services.platform import db, prepared

    on_postgresql(postgres_url, monkeypatch)
    with db.transaction() as session:
        load_demo(session)  # idempotent: an earlier test may have loaded it
    monkeypatch.delenv(prepared.CHECK_ENV)
    assert compare_both_ways() == (0, 0)  # psycopg's types, named parameters and an IN list, prepared
    locking = select(Unit.id).where(Unit.id == 1).with_for_update()
    with db.reading() as session:
        for _ in range(3):
            with pytest.raises(db.ReadOnlyViolation):
                session.execute(locking)
    reset_settings()


def test_two_workers_batches_of_registrations_race_for_two_courses_on_postgresql(
        postgres_url: str, monkeypatch: pytest.MonkeyPatch):
    """Two processes' registration desks serve their batches at the same moment, for two popular courses
    in opposite arrival orders: the seat locks are taken in one order (no deadlock, so no batch falls back
    to one by one), neither course is overfilled, the waiting lists count 1…n without a gap, and each
    batch writes each course's registrations in one INSERT."""
    import threading

    from tests.factories import make_world
    from tests.services.hours_data import published_course, seats_held
    from tpd_app.models import CourseRegistration
    from tpd_app.services.hours import registration
    from tpd_app.services.platform.db import get_engine, transaction

    on_postgresql(postgres_url, monkeypatch)
    with transaction() as s:
        world = make_world(s)
        courses = [published_course(s, world.school_a, capacity=seats).id for seats in (7, 12)]
        teachers = [world.teacher_actor(s) for _ in range(60)]
    real, sizes, inserts = registration.register_batch, [], []
    monkeypatch.setattr(registration, "register_batch",
                        lambda session, requests, **kw: sizes.append(len(requests)) or real(session, requests, **kw))

    def keep(_conn, _cursor, statement, *_args) -> None:
        if statement.startswith("INSERT INTO course_registration"):
            inserts.append(statement)

    barrier = threading.Barrier(2)
    answers: list[list] = [[], []]

    def desk(worker: int) -> None:
        mine = teachers[worker * 30:(worker + 1) * 30]
        order = courses if worker == 0 else courses[::-1]
        barrier.wait()
        for start in range(0, 30, 10):
            requests = [(t, course, "") for course in order for t in mine[start:start + 10]]
            answers[worker] += registration.register_each(requests)

    sa.event.listen(get_engine(), "before_cursor_execute", keep)
    try:
        workers = [threading.Thread(target=desk, args=(n,)) for n in (0, 1)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    finally:
        sa.event.remove(get_engine(), "before_cursor_execute", keep)
    assert sizes == [20] * 6  # every batch went through whole
    assert len(inserts) == 6 * 2  # one per course and batch
    assert all(isinstance(a, dict) for side in answers for a in side)
    assert seats_held(courses[0]) == (7, 7) and seats_held(courses[1]) == (12, 12)
    given = {a["id"]: a["position"] for side in answers for a in side if a["status"] == "waiting"}
    with transaction() as s:  # the queue order promotion follows: the earlier queued, then the lower id
        for course, seats in zip(courses, (7, 12), strict=True):
            queue = s.exec(sa.select(CourseRegistration.id).where(
                CourseRegistration.course_id == course, CourseRegistration.status == "waiting")
                .order_by(CourseRegistration.queued_at, CourseRegistration.id)).scalars().all()
            assert [given[row_id] for row_id in queue] == list(range(1, 61 - seats))
    reset_settings()
