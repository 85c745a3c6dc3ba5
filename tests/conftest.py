"""Shared fixtures: a fresh migrated SQLite database per test, cheap argon2, personas."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

# Cheap hashing in tests; production cost comes from the defaults in settings.
os.environ.setdefault("TPD_ARGON2_MEMORY_KIB", "1024")
os.environ.setdefault("TPD_ARGON2_TIME_COST", "1")
os.environ["REFLEX_TELEMETRY_ENABLED"] = "false"
# Every prepared read (services/platform/prepared.py) is checked against SQLAlchemy's own answer.
os.environ["TPD_CHECK_PREPARED"] = "1"

from tpd_app.services.platform.db import dispose_engines
from tpd_app.settings import reset_settings


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One database migrated with Alembic; each test gets a copy."""
    from tpd_app.cli import migrate

    path = tmp_path_factory.mktemp("template") / "template.db"
    migrate(f"sqlite:///{path}")
    dispose_engines()
    return path


@pytest.fixture
def db_url(migrated_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Point the app at a fresh copy of the migrated database for this test."""
    path = tmp_path / "tpd.db"
    shutil.copy(migrated_template, path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("TPD_DATABASE_URL", url)
    reset_settings()
    dispose_engines()
    yield url
    dispose_engines()
    reset_settings()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests last: Playwright's sync API keeps an event loop running on the main thread for the
    rest of the session, and state tests drive async handlers with `asyncio.run`."""
    items.sort(key=lambda item: "tests/browser/" in item.nodeid.replace("\\", "/"))
