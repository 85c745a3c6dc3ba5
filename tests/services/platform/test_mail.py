"""Outbox delivery through a real local SMTP server (aiosmtpd), retries with backoff, the file outbox,
subscriptions (instant and digest) and the signed one-click unsubscribe link."""

from __future__ import annotations

import socket
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select

from tests.factories import actor_for_teacher, make_teacher, make_world
from tests.services.hours_data import published_course
from tpd_app.domain.timeutil import utcnow
from tpd_app.models import OutboxMessage, Subscription, SubscriptionNotice
from tpd_app.services.hours import subscriptions
from tpd_app.services.platform import mail, outbox
from tpd_app.services.platform.db import transaction


class Inbox:
    """An aiosmtpd handler that keeps every message it receives (and the connections they came on); an
    address of `refuse` is refused at RCPT."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []
        self.sessions: set[int] = set()
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        self.sessions.add(id(session))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(monkeypatch: pytest.MonkeyPatch):
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("TPD_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("TPD_SMTP_PORT", str(port))
    monkeypatch.setenv("TPD_SMTP_TLS", "none")
    monkeypatch.setenv("TPD_SMTP_SENDER", "TPD <no-reply@example.tw>")
    yield inbox
    controller.stop()


def _queue(to: str = "lin@example.edu.tw") -> int:
    with transaction() as s:
        row = outbox.queue(s, to=to, subject="【研習錄取】融合教育", body="林老師您好：\n錄取。", kind="accepted")
        return row.id


def test_due_messages_reach_the_smtp_server_and_are_marked_sent(db_url: str, smtp_server: Inbox):
    first, second = _queue(), _queue("wang@example.edu.tw")
    assert mail.deliver_due() == {"sent": 2, "failed": 0}
    assert [m[0] for m in smtp_server.messages] == [["lin@example.edu.tw"], ["wang@example.edu.tw"]]
    parsed = message_from_bytes(smtp_server.messages[0][1], policy=policy.default)
    assert parsed["Subject"] == "【研習錄取】融合教育" and "錄取" in parsed.get_content()
    with transaction() as s:
        assert all(s.get(OutboxMessage, i).sent_at is not None for i in (first, second))
    assert mail.deliver_due() == {"sent": 0, "failed": 0}


def test_one_connection_carries_a_round_and_a_refused_address_stops_no_one_else(db_url: str,
                                                                               smtp_server: Inbox):
    smtp_server.refuse = {"nobody@example.edu.tw"}
    ids = [_queue(f"t{n}@example.edu.tw") for n in range(3)] + [_queue("nobody@example.edu.tw")] + \
        [_queue(f"u{n}@example.edu.tw") for n in range(3)]
    assert mail.deliver_due() == {"sent": 6, "failed": 1}
    assert len(smtp_server.messages) == 6 and len(smtp_server.sessions) == 1
    with transaction() as s:
        refused = s.get(OutboxMessage, ids[3])
        assert refused.sent_at is None and "SMTPRecipientsRefused" in refused.last_error


def test_a_backlog_is_delivered_batch_after_batch_in_one_round(db_url: str, smtp_server: Inbox):
    for n in range(7):
        _queue(f"t{n}@example.edu.tw")
    assert mail.deliver_backlog(limit=3) == {"sent": 7, "failed": 0}  # batches of 3, 3 and 1
    assert len(smtp_server.messages) == 7 and len(smtp_server.sessions) == 3


def test_a_failed_send_is_kept_and_retried_after_backoff(db_url: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TPD_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("TPD_SMTP_PORT", str(_free_port()))  # nobody listens: connection refused
    monkeypatch.setenv("TPD_SMTP_TLS", "none")
    message_id = _queue()
    assert mail.deliver_due() == {"sent": 0, "failed": 1}
    with transaction() as s:
        row = s.get(OutboxMessage, message_id)
        assert row.sent_at is None and row.attempts == 1 and row.last_error
        assert row.next_attempt_at > utcnow()
    assert mail.deliver_due() == {"sent": 0, "failed": 0}  # not due yet
    assert mail.backoff(1) == timedelta(minutes=1) and mail.backoff(4) == timedelta(minutes=8)


def test_without_smtp_host_messages_go_to_the_outbox_directory(db_url: str, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("TPD_SMTP_HOST", raising=False)
    monkeypatch.setenv("TPD_MAIL_OUTBOX_DIR", str(tmp_path))
    _queue()
    assert mail.deliver_due()["sent"] == 1
    files = list(tmp_path.glob("*.eml"))
    assert len(files) == 1 and "lin@example.edu.tw" in files[0].read_text()


def _subscriber(s, world, *, digest: bool, **choices):
    teacher = make_teacher(s, world.school_a)
    actor = actor_for_teacher(teacher, world.school_a)
    subscriptions.save_subscription(s, actor, {"active": True, "digest": digest, **choices})
    return teacher


def test_approved_matching_course_mails_instant_subscribers_and_queues_digests(db_url: str, smtp_server: Inbox):
    with transaction() as s:
        world = make_world(s)
        instant = _subscriber(s, world, digest=False, topics=["special_ed"], counties=["TPE", "???"])
        digest = _subscriber(s, world, digest=True, kinds=["lecture"])
        _subscriber(s, world, digest=False, kinds=["workshop"])
        course = published_course(s, world.school_a, topics=("special_ed",))
        assert subscriptions.notify_subscribers(s, course) == 2
        saved = s.exec(select(Subscription).where(Subscription.teacher_id == instant.id)).one()
        assert saved.counties == ["TPE"]
    with transaction() as s:
        assert s.exec(select(SubscriptionNotice).where(SubscriptionNotice.teacher_id == digest.id)).one()
        assert subscriptions.send_digests(s) == 1
        assert subscriptions.send_digests(s) == 0
    mail.deliver_due()
    bodies = [message_from_bytes(raw, policy=policy.default).get_content() for _, raw in smtp_server.messages]
    assert len(smtp_server.messages) == 2
    assert all("/api/unsubscribe?token=" in body and course.title in body for body in bodies)


def test_only_reachable_subscribers_count_and_a_digest_notice_is_never_doubled(db_url: str):
    with transaction() as s:
        world = make_world(s)
        digest = _subscriber(s, world, digest=True)
        no_mail = _subscriber(s, world, digest=False)
        no_mail.email = ""
        disabled = _subscriber(s, world, digest=False)
        disabled.status = "disabled"
        s.add_all([no_mail, disabled])
        _subscriber(s, world, digest=False, levels=["senior_high"])  # ticks another level
        course = published_course(s, world.school_a, audience_levels=["elementary"])
        assert subscriptions.notify_subscribers(s, course) == 1
        assert subscriptions.notify_subscribers(s, course) == 1  # approved again after an edit
        notices = s.exec(select(SubscriptionNotice).where(SubscriptionNotice.course_id == course.id)).all()
        assert [n.teacher_id for n in notices] == [digest.id]
        assert s.exec(select(OutboxMessage).where(OutboxMessage.kind == "course_match")).all() == []


def test_unsubscribe_link_works_without_login_and_rejects_forgeries(db_url: str):
    with transaction() as s:
        world = make_world(s)
        teacher = _subscriber(s, world, digest=False)
    token = mail.sign(subscriptions.PURPOSE, teacher.id)
    with transaction() as s:
        assert subscriptions.unsubscribe(s, f"{teacher.id}.{'0' * 32}") is False
        assert subscriptions.unsubscribe(s, token) is True
        assert s.exec(select(Subscription).where(Subscription.teacher_id == teacher.id)).one().active is False


def test_subscription_needs_an_email_address_and_a_teacher(db_url: str):
    from tpd_app.domain.errors import Forbidden, ValidationFailed

    with transaction() as s:
        world = make_world(s)
        teacher = make_teacher(s, world.school_a)
        teacher.email = ""
        s.add(teacher)
        actor = actor_for_teacher(teacher, world.school_a)
        staff = world.actor(s, world.school_a)
    with transaction() as s, pytest.raises(ValidationFailed):
        subscriptions.save_subscription(s, actor, {"active": True})
    with transaction() as s, pytest.raises(Forbidden):
        subscriptions.save_subscription(s, staff, {"active": True})


def test_send_mail_command_delivers_the_outbox_once(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]):
    from tpd_app.cli import main

    monkeypatch.delenv("TPD_SMTP_HOST", raising=False)
    monkeypatch.setenv("TPD_MAIL_OUTBOX_DIR", str(tmp_path))
    _queue()
    assert main(["send-mail"]) == 0
    assert "sent=1" in capsys.readouterr().out
    assert len(list(tmp_path.glob("*.eml"))) == 1
