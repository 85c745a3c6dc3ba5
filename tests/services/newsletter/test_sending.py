"""Mailing a published issue: one outbox message per confirmed subscriber, queued by the worker in batches, never
twice; each with the issue, its archive address, a one-click unsubscribe link and the List-Unsubscribe headers."""

from __future__ import annotations

import json
import re
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlmodel import select

from tests.factories import make_teacher
from tests.services.newsletter.helpers import desk, issue_with_article
from tpd_app.chores import run_round_jobs
from tpd_app.models import NewsletterIssue, NewsletterSubscriber, OutboxMessage, Unit
from tpd_app.services.newsletter import issues, sending, subscribers
from tpd_app.services.platform import mail
from tpd_app.services.platform.db import transaction


def _subscribers(s) -> dict[str, int]:
    school = s.exec(select(Unit).where(Unit.type == "school")).first()
    teacher = make_teacher(s, school)
    teacher.email = "Teacher.Lin@Example.edu.tw"
    rows = {"confirmed@example.com": "confirmed", "pending@example.com": "pending",
            "gone@example.com": "unsubscribed", "second@example.com": "confirmed"}
    made = {}
    for email, status in rows.items():
        row = NewsletterSubscriber(email=email, status=status)
        s.add(row)
        s.flush()
        made[email] = row.id
    tick = NewsletterSubscriber(email="old-address@example.edu.tw", teacher_id=teacher.id, status="confirmed")
    s.add(tick)
    s.flush()
    made["teacher"] = tick.id
    return made


def _newsletters(s) -> list[OutboxMessage]:
    return list(s.exec(select(OutboxMessage).where(OutboxMessage.kind == "newsletter")
                       .order_by(OutboxMessage.id)).all())


def test_a_published_issue_is_mailed_once_to_each_confirmed_subscriber(db_url: str):
    with transaction() as s:
        d = desk(s)
        made = _subscribers(s)
        issue_id = issue_with_article(s, d.editor, title="特殊教育知能專題")
        assert issues.publish(s, d.editor, issue_id) == 3
        assert _newsletters(s) == []  # publishing queues the work, not the mails
    assert sending.send_queued(batch=2) == 3  # in batches of two
    with transaction() as s:
        sent = _newsletters(s)
        # The teacher's goes to the address her account has now, not the one she ticked it with.
        assert sorted(m.to_address for m in sent) == ["Teacher.Lin@Example.edu.tw", "confirmed@example.com",
                                                      "second@example.com"]
        issue = s.get(NewsletterIssue, issue_id)
        assert (issue.send_state, issue.sent_count) == ("sent", 3) and issue.sent_at is not None
        mine = next(m for m in sent if m.to_address == "confirmed@example.com")
        assert mine.subject == "【教師專業發展電子報】第 1 期：特殊教育知能專題"
        assert f"/newsletter/{issue_id}" in mine.body and "報名一次看懂" in mine.body
        token = mail.sign(subscribers.UNSUBSCRIBE_PURPOSE, made["confirmed@example.com"])
        assert f"/newsletter-subscription?unsubscribe={token}" in mine.body
        headers = json.loads(mine.headers)
        assert headers["List-Unsubscribe"].endswith(f"/api/newsletter/unsubscribe?token={token}>")
        assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        others = [m.body for m in sent if m is not mine]
        assert all(token not in body for body in others)  # each mail has its own subscriber's link
    assert sending.send_queued() == 0  # sending again mails no one twice
    assert run_round_jobs() == {"send-newsletters": 0}
    with transaction() as s:
        assert len(_newsletters(s)) == 3


def test_an_unsubscribe_link_of_a_mail_stops_the_next_issue(db_url: str):
    with transaction() as s:
        d = desk(s)
        made = _subscribers(s)
        first = issue_with_article(s, d.editor, number=1)
        issues.publish(s, d.editor, first)
    assert run_round_jobs() == {"send-newsletters": 3}
    with transaction() as s:
        body = next(m.body for m in _newsletters(s) if m.to_address == "second@example.com")
        token = re.search(r"unsubscribe=(\S+)", body).group(1)
        assert subscribers.unsubscribe(s, token)
        second = issue_with_article(s, d.editor, number=2)
        issues.publish(s, d.editor, second)
    sending.send_queued()
    with transaction() as s:
        latest = [m.to_address for m in _newsletters(s)[3:]]
        assert sorted(latest) == ["Teacher.Lin@Example.edu.tw", "confirmed@example.com"]
        assert s.get(NewsletterSubscriber, made["second@example.com"]).status == "unsubscribed"


def test_a_batch_another_worker_queued_first_is_not_queued_again(db_url: str, monkeypatch: pytest.MonkeyPatch):
    with transaction() as s:
        d = desk(s)
        _subscribers(s)
        issue_id = issue_with_article(s, d.editor)
        issues.publish(s, d.editor, issue_id)
    real = sending._recipients

    def racing(session, after, limit):  # another worker moves the cursor while this one reads
        found = real(session, after, limit)
        with transaction() as other:
            row = other.get(NewsletterIssue, issue_id)
            row.send_cursor = 10_000
            other.add(row)
        return found

    monkeypatch.setattr(sending, "_recipients", racing)
    with pytest.raises(sending._Moved):
        sending._one_batch(issue_id, 100)
    with transaction() as s:
        assert _newsletters(s) == []  # the batch rolled back with its failed claim


def test_the_one_click_address_unsubscribes_by_post_and_a_get_leads_to_the_button(db_url: str):
    from starlette.testclient import TestClient

    from tpd_app.api.app import build_api

    with transaction() as s:
        row = NewsletterSubscriber(email="e@example.com", status="confirmed")
        s.add(row)
        s.flush()
        row_id = row.id
    token = mail.sign(subscribers.UNSUBSCRIBE_PURPOSE, row_id)
    client = TestClient(build_api(), base_url="http://testserver", follow_redirects=False)
    page = client.get(f"/api/newsletter/unsubscribe?token={token}")
    assert page.status_code == 303 and page.headers["location"] == f"/newsletter-subscription?unsubscribe={token}"
    with transaction() as s:
        assert s.get(NewsletterSubscriber, row_id).status == "confirmed"  # a GET (a link scanner) changes nothing
    assert client.post(f"/api/newsletter/unsubscribe?token={row_id}.{'0' * 32}",
                       data={"List-Unsubscribe": "One-Click"}).status_code == 404
    done = client.post(f"/api/newsletter/unsubscribe?token={token}", data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    with transaction() as s:
        assert s.get(NewsletterSubscriber, row_id).status == "unsubscribed"


def test_the_delivered_mail_carries_the_unsubscribe_headers_and_no_other(db_url: str, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch):
    from tpd_app.services.platform import outbox

    monkeypatch.setenv("TPD_MAIL_OUTBOX_DIR", str(tmp_path))
    monkeypatch.delenv("TPD_SMTP_HOST", raising=False)
    with transaction() as s:
        outbox.queue(s, to="f@example.com", subject="電子報", body="本期", kind="newsletter",
                     headers={"List-Unsubscribe": "<https://tpd.example/api/newsletter/unsubscribe?token=1.ab>",
                              "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                              "Bcc": "everyone@example.com", "List-Id": "bad\r\nBcc: x@example.com"})
        outbox.queue(s, to="reset@example.com", subject="重設密碼", body="連結", kind="password_reset")
    assert mail.deliver_due(limit=1) == {"sent": 1, "failed": 0}
    [first] = list(tmp_path.glob("*.eml"))
    assert message_from_bytes(first.read_bytes(), policy=policy.default)["To"] == "reset@example.com"  # bulk last
    mail.deliver_due()
    [message] = [message_from_bytes(p.read_bytes(), policy=policy.default) for p in tmp_path.glob("*.eml")
                 if p != first]
    assert message["List-Unsubscribe"] == "<https://tpd.example/api/newsletter/unsubscribe?token=1.ab>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Bcc"] is None and message["List-Id"] is None
