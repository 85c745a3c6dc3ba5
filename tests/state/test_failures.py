"""A failed event says what happened (database unavailable, disk full, busy) instead of "An error occurred"."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import pytest
from reflex_base.utils.exceptions import LockExpiredError
from sqlalchemy.exc import OperationalError

from tests.state.conftest import build_state, run_handler
from tpd_app.services.platform.db import dispose_engines
from tpd_app.settings import reset_settings
from tpd_app.state.catalogue import CatalogueState
from tpd_app.state.failures import backend_failure, failure_key


def _db_error(message: str) -> OperationalError:
    return OperationalError("INSERT INTO training_record …", {}, sqlite3.OperationalError(message))


@pytest.mark.parametrize(("exception", "key"), [
    (_db_error("database or disk is full"), "failure.disk_full"),
    (OSError(errno.ENOSPC, "No space left on device"), "failure.disk_full"),
    (_db_error("unable to open database file"), "failure.database"),
    (_db_error("database is locked"), "failure.database"),
    (LockExpiredError("Lock expired for token"), "failure.busy"),
    (ValueError("a bug"), None),
    (OSError(errno.EACCES, "Permission denied"), None),
])
def test_each_kind_of_failure_gets_its_own_message(exception: BaseException, key: str | None):
    assert failure_key(exception) == key


def _toast_text(event) -> str:
    """The toast's JavaScript, with the escaped characters of its message decoded."""
    return str(event.args).encode().decode("unicode_escape").encode("latin-1").decode("utf-8", "replace")


def test_an_event_while_the_database_is_unreachable_tells_the_person_so(
        db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("TPD_DATABASE_URL", f"sqlite:///{tmp_path}/gone/tpd.db")
    reset_settings()
    dispose_engines()
    state = build_state(CatalogueState, path="/courses")
    with pytest.raises(OperationalError) as failure:
        run_handler(state, "load")
    text = _toast_text(backend_failure(failure.value))
    assert "資料庫暫時無法連線" in text and "The database is briefly unavailable" in text
    assert "An error occurred" not in text
    assert "An error occurred" in _toast_text(backend_failure(ValueError("a bug")))
