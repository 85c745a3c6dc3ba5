"""來信指教, the public side: each topic routed to its unit, the bot checks and limits, the private link."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from tests.factories import make_teacher, make_world
from tests.services.helpdesk.helpdesk_data import ask, form, key_of
from tests.services.hours_data import published_course
from tpd_app.domain.errors import NotFound, ValidationFailed
from tpd_app.domain.helpdesk import EnquiryRefused
from tpd_app.domain.timeutil import utcnow
from tpd_app.models import AuditLog, HelpdeskTicket, OutboxMessage
from tpd_app.services.accounts.auth import actor_for_account
from tpd_app.services.helpdesk import tickets
from tpd_app.services.platform.db import transaction


def _ticket(s, number: str) -> HelpdeskTicket:
    return s.exec(select(HelpdeskTicket).where(HelpdeskTicket.number == number)).one()


def test_a_course_question_goes_to_the_courses_organizer_and_only_a_public_course_is_accepted(db_url: str):
    with transaction() as s:
        w = make_world(s)
        course = published_course(s, w.school_a)
        draft = published_course(s, w.school_b, status="draft")
        sent = ask(s, topic="course", course_code=course.code)
        ticket = _ticket(s, sent["number"])
        assert (ticket.unit_id, ticket.course_id, ticket.status) == (w.school_a.id, course.id, "new")
        assert sent["number"].startswith("HD1") and sent["number"].endswith(f"-{ticket.id:06d}")
        assert ticket.email == "chen.mingzhe@example.com"
        for code, reason in ((draft.code, "helpdesk.error.course"), ("NOPE", "helpdesk.error.course"),
                             ("", "validation.required")):
            with pytest.raises(ValidationFailed) as refused:
                ask(s, topic="course", course_code=code)
            assert refused.value.field_errors == {"course_code": reason}


def test_an_account_question_goes_to_the_unit_that_activates_that_kind_of_account(db_url: str):
    with transaction() as s:
        w = make_world(s)
        teacher = w.teacher_actor(s, w.school_a)
        school_staff, bureau_staff = w.actor(s, w.school_a), w.actor(s, w.bureau_b)
        cases = [
            (teacher, {}, w.school_a),  # a teacher's account is her school's
            (school_staff, {}, w.bureau_a),  # a school's business account: its reviewing centre
            (bureau_staff, {}, w.nc),  # a regional centre's: the national centre
            (None, {"account_kind": "teacher", "unit_code": w.school_b.code}, w.school_b),
            (None, {"account_kind": "business", "unit_code": w.school_b.code}, w.bureau_b),
            (None, {"account_kind": "business", "unit_code": w.subject_center.code}, w.circle),
            (None, {"account_kind": "teacher", "unit_code": ""}, w.nc),  # unknown: the national centre
        ]
        for n, (actor, fields, expected) in enumerate(cases):
            sent = ask(s, actor, ip=f"198.51.100.{n}", email=f"asker{n}@example.com", topic="account", **fields)
            assert _ticket(s, sent["number"]).unit_id == expected.id, (n, fields)
        assert _ticket(s, ask(s, teacher, ip="198.51.100.90", email="t@example.com", topic="account")["number"]
                       ).asker_teacher_id == teacher.id  # a signed-in asker's ticket is hers
        for fields, problem in (({"account_kind": "teacher", "unit_code": w.bureau_a.code}, "unit_code"),
                                ({"account_kind": "teacher", "unit_code": "NOPE"}, "unit_code"),
                                ({"account_kind": "guess"}, "account_kind")):
            with pytest.raises(ValidationFailed) as refused:
                ask(s, ip="198.51.100.99", topic="account", **fields)
            assert list(refused.value.field_errors) == [problem]


def test_a_platform_question_goes_to_the_national_centre_and_both_sides_are_mailed(db_url: str):
    with transaction() as s:
        w = make_world(s)
        sent = ask(s)
        ticket = _ticket(s, sent["number"])
        assert ticket.unit_id == w.nc.id and ticket.topic == "platform"
        mails = {m.to_address: m for m in s.exec(select(OutboxMessage)).all()}
        assert sent["link"] in mails["chen.mingzhe@example.com"].body
        assert sent["number"] in mails["chen.mingzhe@example.com"].subject
        notice = mails[w.nc.email]
        assert sent["number"] in notice.body and "chen.mingzhe" not in notice.body  # no asker's data to the unit
        assert "/help/ticket?key=" in sent["link"] and ticket.key_salt not in sent["link"]
        audit = s.exec(select(AuditLog).where(AuditLog.action == "helpdesk.submit")).one()
        assert audit.after["number"] == sent["number"] and "chen" not in str(audit.after)


def test_every_field_is_checked_and_a_bad_form_changes_nothing(db_url: str):
    with transaction() as s:
        make_world(s)
        with pytest.raises(ValidationFailed) as refused:
            ask(s, topic="gossip", name="", email="not-an-address", phone="call me", subject="", body=" ")
        assert refused.value.field_errors == {"topic": "helpdesk.error.topic", "name": "validation.required",
                                              "email": "validation.email", "phone": "validation.phone",
                                              "subject": "validation.required", "body": "validation.required"}
        assert s.exec(select(HelpdeskTicket)).all() == [] and s.exec(select(OutboxMessage)).all() == []


def _refusal(data, *, ip: str = "203.0.113.9", now=None) -> str:
    """The refusal's reason; in a transaction of its own, as the page sends it (the refusal's audit row
    commits on its own)."""
    with transaction() as s, pytest.raises(EnquiryRefused) as refused:
        tickets.submit(s, None, data, ip=ip, now=now)
    return refused.value.key


def test_the_bot_checks_refuse_a_honeypot_a_forged_token_a_hasty_a_stale_and_a_replayed_form(db_url: str):
    now = utcnow()
    with transaction() as s:
        make_world(s)
    assert _refusal(form(homepage="http://spam.example")) == "helpdesk.error.honeypot"
    assert _refusal(form(form_token="")) == "helpdesk.error.form"
    genuine = tickets.issue_form_token(now - timedelta(seconds=10))
    tampered = genuine[:-1] + ("1" if genuine[-1] == "0" else "0")
    assert _refusal(form(form_token=tampered)) == "helpdesk.error.form"
    assert _refusal(form(form_token=tickets.issue_form_token(now)), now=now) == "helpdesk.error.too_fast"
    stale = tickets.issue_form_token(now - timedelta(hours=3))
    assert _refusal(form(form_token=stale), now=now) == "helpdesk.error.stale"
    once = form()
    with transaction() as s:
        tickets.submit(s, None, once, ip="203.0.113.9")
    assert _refusal(dict(once), ip="203.0.113.10") == "helpdesk.error.replayed"
    with transaction() as s:
        assert len(s.exec(select(HelpdeskTicket)).all()) == 1
        reasons = [a.after["reason"] for a in s.exec(select(AuditLog).where(AuditLog.action == "helpdesk.refused")
                                                     .order_by(AuditLog.id))]
        assert reasons == ["honeypot", "form", "form", "too_fast", "stale", "replayed"]


def test_one_address_sends_five_an_hour_and_one_email_three(db_url: str):
    with transaction() as s:
        make_world(s)
        for n in range(5):
            ask(s, ip="203.0.113.7", email=f"asker{n}@example.com")
    assert _refusal(form(email="other@example.com"), ip="203.0.113.7") == "helpdesk.error.too_many"
    with transaction() as s:
        ask(s, ip="203.0.113.8", email="someone@example.com")  # another address is not held back
        for n in range(2):
            ask(s, ip=f"192.0.2.{n}", email="someone@example.com")
    assert _refusal(form(email="SOMEONE@example.com"), ip="192.0.2.50") == "helpdesk.error.too_many"
    with transaction() as s:
        for row in s.exec(select(HelpdeskTicket).where(HelpdeskTicket.address == "203.0.113.7")).all():
            row.created_at = utcnow() - timedelta(hours=2)  # an hour later the address may write again
            s.add(row)
    with transaction() as s:
        ask(s, ip="203.0.113.7", email="again@example.com")


def test_the_private_link_shows_the_thread_and_takes_a_followup_and_a_close(db_url: str):
    with transaction() as s:
        w = make_world(s)
        sent = ask(s)
        key = key_of(sent["link"])
        view = tickets.asker_view(s, key)
        assert view["ticket"]["number"] == sent["number"] and view["ticket"]["unit"] == w.nc.name
        assert [m["kind"] for m in view["thread"]] == ["question"]
        assert "chen.mingzhe" not in str(view) and "0933" not in str(view)  # nothing she did not write here
        tickets.close_by_asker(s, key)
        assert tickets.asker_view(s, key)["ticket"]["status"] == "closed"
        tickets.add_followup(s, key, "還有一個問題：紙本證明怎麼申請？")
        view = tickets.asker_view(s, key)
        assert view["ticket"]["status"] == "new"  # a follow-up opens it again
        assert [m["kind"] for m in view["thread"]] == ["question", "closed", "followup"]
        with pytest.raises(ValidationFailed):
            tickets.add_followup(s, key, "  ")
        for wrong in (key[:-1] + ("0" if key[-1] != "0" else "1"), key.split(".")[0], "", "1.x", None, ["x"]):
            with pytest.raises(NotFound):
                tickets.asker_view(s, wrong)
            with pytest.raises(NotFound):
                tickets.add_followup(s, wrong, "偽造")
        for _ in range(4):
            tickets.add_followup(s, key, "再問一次")
    with transaction() as s, pytest.raises(EnquiryRefused):
        tickets.add_followup(s, key, "太多了")


def test_a_script_in_an_enquiry_is_shown_as_text(db_url: str):
    with transaction() as s:
        make_world(s)
        sent = ask(s, body="<script>alert('x')</script> **粗體** [x](javascript:alert(1))")
        html = tickets.asker_view(s, key_of(sent["link"]))["thread"][0]["html"]
    assert "<script" not in html and "&lt;script&gt;" in html and "<strong>粗體</strong>" in html
    assert 'href="javascript' not in html


def test_a_signed_in_person_finds_her_own_name_and_email_in_the_form(db_url: str):
    with transaction() as s:
        w = make_world(s)
        teacher = make_teacher(s, w.school_a)
        from tests.factories import actor_for_teacher, make_account

        assert tickets.form_defaults(s, actor_for_teacher(teacher, w.school_a)) == {
            "name": "王老師", "email": "teacher@example.edu.tw"}
        account = make_account(s, w.bureau_a)
        assert tickets.form_defaults(s, actor_for_account(account, w.bureau_a))["email"] == "staff@example.edu.tw"
        assert tickets.form_defaults(s, None) == {}
