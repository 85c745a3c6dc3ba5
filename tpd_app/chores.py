"""The daily chores, run by the worker beside the web server (`python -m tpd_app.cli worker`).

Directory changes whose effective date has come are applied, the report-deadline reminders queued,
the subscription digests and the reminders of tomorrow's courses queued, each once per Taipei day: a
chore is claimed in `chore_run` in the same transaction as its work, so however many workers run it
happens once, and a chore that fails leaves its claim unmade and is tried again on the next round.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session

from tpd_app.domain.timeutil import to_taipei, utcnow
from tpd_app.models import ChoreRun
from tpd_app.services.accounts.directory import apply_due_changes, queue_reminders
from tpd_app.services.accounts.sso import forget_stale as forget_sso_requests
from tpd_app.services.hours.registration import send_reminders
from tpd_app.services.hours.subscriptions import send_digests
from tpd_app.services.newsletter.sending import send_queued as send_newsletters
from tpd_app.services.platform.db import transaction
from tpd_app.services.platform.sql import upsert_insert
from tpd_app.services.reporting.months import send_reminders as remind_unconfirmed_months

#: The daily digest goes out in the morning (Taipei), with the previous day's matching courses.
DIGEST_HOUR = 7


@dataclass(frozen=True)
class Chore:
    name: str
    run: Callable[[Session, date], int]
    #: Not before this hour of the Taipei day.
    from_hour: int = 0


CHORES: tuple[Chore, ...] = (
    Chore("apply-directory-changes", lambda session, today: apply_due_changes(session, today)),
    Chore("send-directory-reminders", lambda session, today: queue_reminders(session, today)),
    Chore("send-digests", lambda session, _today: send_digests(session), from_hour=DIGEST_HOUR),
    # The day before a course: its registered teachers are reminded, in the morning like the digest.
    Chore("send-course-reminders", lambda session, today: send_reminders(session, today), from_hour=DIGEST_HOUR),
    # Back-end counties: a month they sent and have not confirmed, from the 1st of the next (SPEC §3.5).
    Chore("send-reporting-reminders", lambda session, today: remind_unconfirmed_months(session, today),
          from_hour=DIGEST_HOUR),
    # Single sign-on requests and waiting identities past their ten minutes.
    Chore("forget-sso-requests", lambda session, _today: forget_sso_requests(session), from_hour=DIGEST_HOUR),
)


def claim(session: Session, name: str, today: date) -> bool:
    """Mark the chore as run today unless it already was (atomic; the caller's transaction holds it)."""
    table = ChoreRun.__table__  # type: ignore[attr-defined]
    moved = session.execute(sa.update(table).where(table.c.name == name, table.c.day < today).values(day=today))
    if moved.rowcount:  # type: ignore[attr-defined]
        return True
    insert = upsert_insert(session, table).values(name=name, day=today)
    added = session.execute(insert.on_conflict_do_nothing(index_elements=["name"]))
    return bool(added.rowcount)  # type: ignore[attr-defined]


def run_due_chores(now: datetime | None = None) -> dict[str, int | str]:
    """Run every chore due now that has not run today; {name: what it did (a count) or the error}."""
    local = to_taipei(now or utcnow())
    done: dict[str, int | str] = {}
    for chore in CHORES:
        if local.hour < chore.from_hour:
            continue
        try:
            with transaction() as session:
                if claim(session, chore.name, local.date()):
                    done[chore.name] = chore.run(session, local.date())
        except Exception as error:  # the claim rolled back with the work: tried again next round
            done[chore.name] = f"failed: {error}"
    return done


#: Work of every round of the worker, before it delivers the outbox (not once a day): a published issue of the
#: e-newsletter is queued for its subscribers batch by batch (`services/newsletter/sending.py`).
ROUND_JOBS: tuple[tuple[str, Callable[[], int]], ...] = (("send-newsletters", send_newsletters),)


def run_round_jobs() -> dict[str, int | str]:
    """Run every round's job; {name: what it did (a count) or the error}. Each keeps its own transactions."""
    done: dict[str, int | str] = {}
    for name, job in ROUND_JOBS:
        try:
            done[name] = job()
        except Exception as error:  # the next round tries again from where the job's last commit left it
            done[name] = f"failed: {error}"
    return done
