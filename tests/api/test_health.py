"""`/api/ready`: what a load balancer and an operator see when the database, its migrations, Redis or the
disk are not fit to serve."""

from __future__ import annotations

import warnings

import pytest
import sqlalchemy as sa

from tpd_app.services.platform.db import get_engine


def _client():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient
    from tpd_app.api.app import build_api

    return TestClient(build_api(), base_url="http://testserver")


def test_ready_when_the_database_is_migrated(db_url: str):
    response = _client().get("/api/ready")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["ready"] is True
    assert body["checks"]["database"]["ok"] and body["checks"]["migrations"]["detail"] == "at head"
    assert "redis" not in body["checks"]  # no Redis configured: nothing to check
    assert response.headers["cache-control"] == "no-store"


def test_not_ready_when_migrations_are_behind(db_url: str):
    with get_engine().begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = 'behind'"))
    response = _client().get("/api/ready")
    assert response.status_code == 503
    assert "cli migrate" in response.json()["checks"]["migrations"]["detail"]


def test_not_ready_when_the_database_is_gone(db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path):
    from tpd_app.services.platform.db import dispose_engines
    from tpd_app.settings import reset_settings

    monkeypatch.setenv("TPD_DATABASE_URL", f"sqlite:///{tmp_path}/missing/dir/tpd.db")
    reset_settings()
    dispose_engines()
    body = _client().get("/api/ready").json()
    assert body["ready"] is False
    assert body["checks"]["database"] == {"ok": False, "detail": "the database does not answer (OperationalError)"}
    assert str(tmp_path) not in str(body)  # no paths or addresses in what anyone may read


def test_not_ready_when_redis_does_not_answer(db_url: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("REFLEX_REDIS_URL", "redis://127.0.0.1:1")
    response = _client().get("/api/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"]["ok"] is False


def test_not_ready_when_the_disk_is_nearly_full(db_url: str, monkeypatch: pytest.MonkeyPatch):
    from tpd_app.services.platform import readiness

    monkeypatch.setattr(readiness, "MIN_FREE_MB", 10**12)
    body = _client().get("/api/ready").json()
    assert body["ready"] is False
    assert "MB free (under" in body["checks"]["attachments"]["detail"]
