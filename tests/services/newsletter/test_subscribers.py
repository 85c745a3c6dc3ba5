"""Subscribing to the e-newsletter: double opt-in for visitors with one answer for every address, limits per
address and per client, a teacher's tick box, and unsubscribing by a signed link that cannot be forged."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from tests.factories import actor_for_teacher, make_teacher
from tests.services.newsletter.helpers import desk
from tpd_app.domain.errors import Forbidden, ValidationFailed
from tpd_app.domain.timeutil import utcnow
from tpd_app.models import NewsletterSubscriber, OutboxMessage, Unit
from tpd_app.services.newsletter import subscribers
from tpd_app.services.platform import mail
from tpd_app.services.platform.db import transaction


def _mails(s, to: str) -> list[OutboxMessage]:
    return list(s.exec(select(OutboxMessage).where(OutboxMessage.to_address == to)).all())


def _confirm_token(body: str) -> str:
    return re.search(r"\?confirm=(\S+)", body).group(1)


def test_a_visitor_is_subscribed_only_after_opening_the_confirmation_link(db_url: str):
    with transaction() as s:
        subscribers.request_subscription(s, " Reader@Example.com ", ip="203.0.113.5")
    with transaction() as s:
        row = s.exec(select(NewsletterSubscriber)).one()
        assert (row.email, row.status) == ("reader@example.com", "pending")
        [sent] = _mails(s, "reader@example.com")
        assert sent.kind == "newsletter_confirm" and "/newsletter-subscription?confirm=" in sent.body
        token = _confirm_token(sent.body)
        assert subscribers.check_link(s, confirm=token) == {"action": "confirm", "email": "r***@example.com"}
        assert subscribers.check_link(s, confirm=token[:-1] + "x") == {}  # a changed secret
        signed, _, secret = token.rpartition(".")
        forged = f"{row.id + 1}.{signed.partition('.')[2]}.{secret}"
        assert not subscribers.confirm(s, forged)
    with transaction() as s:
        assert subscribers.confirm(s, token)
        assert s.exec(select(NewsletterSubscriber)).one().status == "confirmed"
        assert not subscribers.confirm(s, token)  # once


def test_every_address_gets_the_same_answer_and_a_confirmed_one_no_mail(db_url: str):
    with transaction() as s:
        subscribers.request_subscription(s, "a@example.com", ip="203.0.113.5")
        token = _confirm_token(_mails(s, "a@example.com")[0].body)
        subscribers.confirm(s, token)
    with transaction() as s:
        assert subscribers.request_subscription(s, "a@example.com", ip="203.0.113.5") is None
        assert subscribers.request_subscription(s, "new@example.com", ip="203.0.113.5") is None
        assert len(_mails(s, "a@example.com")) == 1 and len(_mails(s, "new@example.com")) == 1
        assert s.exec(select(NewsletterSubscriber).where(NewsletterSubscriber.email == "a@example.com")
                      ).one().status == "confirmed"
    with transaction() as s, pytest.raises(ValidationFailed) as refused:
        subscribers.request_subscription(s, "not an address", ip="203.0.113.5")
    assert refused.value.field_errors == {"email": "validation.email"}


def test_requests_are_limited_per_address_and_per_client_and_links_expire(db_url: str):
    with transaction() as s:
        for _ in range(5):
            subscribers.request_subscription(s, "b@example.com", ip="203.0.113.5")
        assert len(_mails(s, "b@example.com")) == subscribers.PER_EMAIL
        for n in range(subscribers.PER_CLIENT + 3):
            subscribers.request_subscription(s, f"c{n}@example.com", ip="198.51.100.7")
        mailed = s.exec(select(OutboxMessage).where(OutboxMessage.to_address.like("c%@example.com"))).all()
        assert len(mailed) == subscribers.PER_CLIENT
        token = _confirm_token(_mails(s, "b@example.com")[-1].body)
        earlier = _confirm_token(_mails(s, "b@example.com")[0].body)
    with transaction() as s:
        assert not subscribers.confirm(s, earlier)  # a newer link replaced it
        assert not subscribers.confirm(s, token, now=utcnow() + subscribers.CONFIRM_FOR + timedelta(minutes=1))
        assert subscribers.confirm(s, token)


def test_unsubscribing_by_the_signed_link_works_once_and_a_forged_one_does_not(db_url: str):
    with transaction() as s:
        row = NewsletterSubscriber(email="d@example.com", status="confirmed")
        s.add(row)
        s.flush()
        row_id = row.id
    token = mail.sign(subscribers.UNSUBSCRIBE_PURPOSE, row_id)
    with transaction() as s:
        assert not subscribers.unsubscribe(s, f"{row_id}.{'0' * 32}")
        assert not subscribers.unsubscribe(s, mail.sign("unsubscribe", row_id))  # the course subscription's key
        assert not subscribers.unsubscribe(s, "x" * 300)
        assert s.get(NewsletterSubscriber, row_id).status == "confirmed"
        assert subscribers.check_link(s, unsubscribe=token)["action"] == "unsubscribe"
        assert subscribers.unsubscribe(s, token)
    with transaction() as s:
        assert s.get(NewsletterSubscriber, row_id).status == "unsubscribed"
        assert subscribers.unsubscribe(s, token)  # again: still a genuine link, nothing changes
        assert subscribers.check_link(s, unsubscribe=token)["done"] == "1"


def test_a_teacher_ticks_the_box_without_a_confirmation_mail_and_unsubscribing_unticks_it(db_url: str):
    with transaction() as s:
        d = desk(s)
        school = s.exec(select(Unit).where(Unit.type == "school")).first()
        teacher = make_teacher(s, school)
        me = actor_for_teacher(teacher, school)
        assert subscribers.teacher_choice(s, me) == {"subscribed": False, "has_email": True}
        subscribers.set_teacher_choice(s, me, True)
        assert subscribers.teacher_choice(s, me)["subscribed"]
        assert _mails(s, "teacher@example.edu.tw") == []
        row = s.exec(select(NewsletterSubscriber).where(NewsletterSubscriber.teacher_id == teacher.id)).one()
        assert (row.email, row.status) == ("teacher@example.edu.tw", "confirmed")
    with transaction() as s:
        assert subscribers.unsubscribe(s, mail.sign(subscribers.UNSUBSCRIBE_PURPOSE, row.id))
        assert not subscribers.teacher_choice(s, me)["subscribed"]
        subscribers.set_teacher_choice(s, me, True)
        subscribers.set_teacher_choice(s, me, "yes")  # only True ticks it
        assert not subscribers.teacher_choice(s, me)["subscribed"]
        teacher.email = ""
        s.add(teacher)
    with transaction() as s, pytest.raises(ValidationFailed):
        subscribers.set_teacher_choice(s, me, True)
    with transaction() as s, pytest.raises(Forbidden):
        subscribers.set_teacher_choice(s, d.editor, True)
