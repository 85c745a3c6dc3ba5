"""The worker's daily chores: each once per Taipei day, digests from 07:00, a failure retried."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from tests.factories import make_account, make_world
from tpd_app import chores, cli
from tpd_app.chores import Chore, run_due_chores
from tpd_app.models import OutboxMessage, Unit
from tpd_app.services.accounts import directory
from tpd_app.services.platform.db import transaction


def _taipei(year: int, month: int, day: int, hour: int) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC) - timedelta(hours=8)


def test_each_chore_runs_once_a_day_and_digests_wait_for_the_morning(db_url: str):
    with transaction() as s:
        world = make_world(s)
        make_account(s, world.bureau_a, username="bureau-chief")
        bureau = world.actor(s, world.bureau_a)
        directory.report_change(s, bureau, {"kind": "renamed", "unit_code": world.school_a.code,
                                            "new_name": "改名國小", "effective_date": "2027-05-20"})
    early = run_due_chores(_taipei(2027, 5, 20, 0))  # just after midnight: the change is due, a reminder too
    assert early == {"apply-directory-changes": 1, "send-directory-reminders": 1}
    with transaction() as s:
        assert s.get(Unit, world.school_a.id).name == "改名國小"
        assert len(s.exec(select(OutboxMessage).where(OutboxMessage.kind == "directory.reminder")).all()) == 1
    assert run_due_chores(_taipei(2027, 5, 20, 6)) == {}  # nothing twice a day
    assert run_due_chores(_taipei(2027, 5, 20, 7)) == {"send-digests": 0, "send-course-reminders": 0,
                                                     "send-reporting-reminders": 0, "forget-sso-requests": 0}
    assert run_due_chores(_taipei(2027, 5, 20, 23)) == {}
    assert set(run_due_chores(_taipei(2027, 5, 21, 8))) == {"apply-directory-changes", "send-directory-reminders",
                                                            "send-digests", "send-course-reminders",
                                                            "send-reporting-reminders", "forget-sso-requests"}


def test_a_failed_chore_is_not_counted_as_run_and_is_tried_again(db_url, monkeypatch):
    calls = []

    def flaky(_session, _today):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("SMTP directory offline")
        return 5

    monkeypatch.setattr(chores, "CHORES", (Chore("flaky", flaky),))
    first = run_due_chores(_taipei(2027, 5, 20, 9))
    assert first["flaky"].startswith("failed:")
    assert run_due_chores(_taipei(2027, 5, 20, 9)) == {"flaky": 5}
    assert run_due_chores(_taipei(2027, 5, 20, 10)) == {}
    assert len(calls) == 2


def test_the_worker_command_delivers_mail_and_runs_the_chores(db_url, monkeypatch, tmp_path, capsys):
    monkeypatch.delenv("TPD_SMTP_HOST", raising=False)
    monkeypatch.setenv("TPD_MAIL_OUTBOX_DIR", str(tmp_path))
    assert cli.main(["worker", "--once"]) == 0
    printed = capsys.readouterr().out
    assert "mail sent=0 failed=0" in printed and "apply-directory-changes: 0" in printed
    assert cli.main(["worker", "--once"]) == 0
    assert "apply-directory-changes" not in capsys.readouterr().out
