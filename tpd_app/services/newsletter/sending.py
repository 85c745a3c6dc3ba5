"""Mailing a published issue: the worker (`chores.run_round_jobs`, every round beside the outbox delivery)
queues one outbox message per confirmed subscriber, `BATCH` at a time in subscriber-id order.

Publishing only marks the issue queued, so no page event waits for 200,000 rows. Each batch is one
transaction that writes its mails and moves the issue's `send_cursor` past them together, guarded by the
cursor it read (compare and set): a batch is queued exactly once even with several workers, a crash
loses nothing (the next round goes on from the cursor), and an issue that is sent is never sent again.
Each mail is plain text with the issue, its archive address and the subscriber's own one-click
unsubscribe link, and carries `List-Unsubscribe` / `List-Unsubscribe-Post` headers (RFC 2369, RFC 8058).
"""

from __future__ import annotations

import time

import sqlalchemy as sa
from sqlmodel import Session, col, select

from tpd_app.domain.newsletter import IssueStatus, SendState, SubscriberStatus
from tpd_app.domain.timeutil import format_date, to_taipei, utcnow
from tpd_app.i18n import translate
from tpd_app.models import NewsletterIssue, NewsletterSubscriber, Teacher
from tpd_app.services.newsletter.articles import in_issue, lead
from tpd_app.services.newsletter.subscribers import UNSUBSCRIBE_PURPOSE, unsubscribe_link_maker
from tpd_app.services.platform import mail, outbox
from tpd_app.services.platform.db import transaction
from tpd_app.services.platform.richtext import plain
from tpd_app.settings import get_settings

#: Subscribers mailed per transaction, and how long one round may keep queuing before the worker delivers.
BATCH = 2_000
ROUND_SECONDS = 20.0
KIND = "newsletter"
#: Where each subscriber's own unsubscribe link goes in the text made once per batch.
_MARK = "\x00unsubscribe\x00"


class _Moved(Exception):
    """Another worker queued this batch first (its cursor moved): this transaction rolls back."""


def _body_template(session: Session, issue: NewsletterIssue) -> str:
    """The mail's text with `_MARK` left for each subscriber's own unsubscribe link."""
    origin = get_settings().public_origin.rstrip("/")
    lines = "\n".join(f"・{a.title}\n  {lead(a)}" for a in in_issue(session, issue.id or 0))
    published = format_date(to_taipei(issue.published_at or utcnow()).date(), roc=True)
    return translate("mail.newsletter.body", "zh-TW", number=issue.number, title=issue.title, date=published,
                     intro=plain(issue.intro, 600), lines=lines, link=f"{origin}/newsletter/{issue.id}",
                     archive=f"{origin}/newsletter", unsubscribe=_MARK)


def _recipients(session: Session, after: int, limit: int) -> list[tuple[int, str]]:
    """(subscriber id, address) of the next confirmed subscribers; a teacher's is her account's address now
    (an inactive teacher or one without an address is skipped, her place in the order still counted)."""
    subscriber, teacher = NewsletterSubscriber.__table__, Teacher.__table__  # type: ignore[attr-defined]
    rows = session.execute(
        sa.select(subscriber.c.id, subscriber.c.email, subscriber.c.teacher_id, teacher.c.email, teacher.c.status)
        .join_from(subscriber, teacher, teacher.c.id == subscriber.c.teacher_id, isouter=True)
        .where(subscriber.c.status == SubscriberStatus.CONFIRMED.value, subscriber.c.id > after)
        .order_by(subscriber.c.id).limit(limit)).all()
    found = []
    for row_id, email, teacher_id, teacher_email, teacher_status in rows:
        if teacher_id is None:
            found.append((row_id, email))
        elif teacher_status == "active":
            found.append((row_id, teacher_email or ""))
        else:
            found.append((row_id, ""))
    return found


def _one_batch(issue_id: int, limit: int) -> tuple[int, bool]:
    """Queue the next batch of one issue: (how many mails, whether the issue is done or was not being sent)."""
    with transaction() as session:
        issue = session.get(NewsletterIssue, issue_id)
        if issue is None or issue.status != IssueStatus.PUBLISHED.value or issue.send_state not in (
                SendState.QUEUED.value, SendState.SENDING.value):
            return 0, True
        cursor = issue.send_cursor
        recipients = _recipients(session, cursor, limit)
        template = _body_template(session, issue) if recipients else ""
        subject = translate("mail.newsletter.subject", "zh-TW", number=issue.number, title=issue.title)
        page, one_click = unsubscribe_link_maker()
        token = mail.signer(UNSUBSCRIBE_PURPOSE)
        mails = []
        for subscriber_id, address in recipients:
            signed = token(subscriber_id)
            mails.append({"to": address, "subject": subject, "kind": KIND,
                          "body": template.replace(_MARK, page + signed),
                          "headers": {"List-Unsubscribe": f"<{one_click}{signed}>",
                                      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                                      "List-Id": "教師專業發展電子報 <newsletter.inservice.example.tw>"}})
        queued = outbox.queue_many(session, mails)
        done = len(recipients) < limit
        table = NewsletterIssue.__table__  # type: ignore[attr-defined]
        moved = session.execute(
            sa.update(table).where(table.c.id == issue_id, table.c.send_cursor == cursor,
                                   table.c.send_state == issue.send_state)
            .values(send_cursor=recipients[-1][0] if recipients else cursor,
                    sent_count=table.c.sent_count + queued,
                    send_state=SendState.SENT.value if done else SendState.SENDING.value,
                    sent_at=utcnow() if done else None))
        if not moved.rowcount:  # type: ignore[attr-defined]
            raise _Moved()
        return queued, done


def send_queued(*, batch: int = BATCH, seconds: float = ROUND_SECONDS) -> int:
    """Queue the mails of every published issue still being sent, batch by batch, for at most `seconds`
    (the rest in the next round). Returns how many mails were queued."""
    with transaction() as session:
        pending = list(session.exec(select(NewsletterIssue.id).where(
            col(NewsletterIssue.send_state).in_([SendState.QUEUED.value, SendState.SENDING.value]))
            .order_by(col(NewsletterIssue.id))).all())
    started, total = time.monotonic(), 0
    for issue_id in pending:
        while time.monotonic() - started < seconds:
            try:
                queued, done = _one_batch(issue_id or 0, batch)
            except _Moved:
                continue
            total += queued
            if done:
                break
    return total
