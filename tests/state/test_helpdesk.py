"""來信指教's states: the form takes a signed-in asker from her session, the private link's key never reaches
the browser, a handler acts only on her own unit's queue."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import urlencode

import reflex as rx
from sqlmodel import select

from tests.factories import PASSWORD, make_account, make_teacher, make_world
from tests.services.hours_data import published_course
from tests.state.conftest import build_state, session_cookie
from tpd_app.domain.timeutil import utcnow
from tpd_app.models import HelpdeskTicket, OutboxMessage
from tpd_app.services.helpdesk import tickets
from tpd_app.services.platform.db import transaction
from tpd_app.state.helpdesk import HelpdeskState, HelpFormState, HelpTicketState


def _at(cls, cookie: str, path: str, query: dict[str, str]):
    root = rx.State(_reflex_internal_init=True)
    root._update_router_vars(
        {"headers": {"cookie": cookie} if cookie else {}, "pathname": path, "asPath": f"{path}?{urlencode(query)}",
         "query": query, "ip": "127.0.0.1", "token": "test-token", "sid": "test-sid"}, {})
    return root.get_substate(cls.get_full_name().split(".")[1:])


def _world():
    with transaction() as s:
        w = make_world(s)
        course = published_course(s, w.school_a)
        teacher = make_teacher(s, w.school_a)
        make_account(s, w.school_a, username="school-a")
        make_account(s, w.school_b, username="school-b")
    return w, course, teacher


def _form(**fields: str) -> dict[str, str]:
    return {"name": "", "email": "", "phone": "", "subject": "研習可以帶實習教師嗎？", "body": "請問可以嗎？",
            "course_code": "", "account_kind": "", "unit_code": "", "homepage": "",
            "form_token": tickets.issue_form_token(utcnow() - timedelta(seconds=10)), **fields}


def test_a_signed_in_teacher_writes_with_her_own_name_and_the_ticket_is_hers(db_url: str):
    _, course, teacher = _world()
    state = _at(HelpFormState, session_cookie(teacher.national_id, PASSWORD), "/help", {"course": course.code})
    state.load()
    assert state.values["name"] == "王老師" and state.values["course_code"] == course.code
    assert state.topic == "course" and state.form_token
    state.submit({**_form(name="王老師", email="teacher@example.edu.tw", course_code=course.code),
                  "form_token": state.form_token})
    assert "送出得太快" in state.error_text and state.sent_number == ""  # the page's own token, at once
    state.submit(_form(name="王老師", email="teacher@example.edu.tw", course_code=course.code))
    assert state.sent_number.startswith("HD") and state.notice_key == "helpdesk.sent"
    with transaction() as s:
        ticket = s.exec(select(HelpdeskTicket)).one()
        assert ticket.asker_teacher_id == teacher.id and ticket.unit_id == course.organizer_unit_id


def test_the_private_link_shows_her_ticket_and_its_key_never_reaches_the_browser(db_url: str):
    _world()
    with transaction() as s:
        sent = tickets.submit(s, None, _form(name="陳明哲", email="chen@example.com", topic="platform"), ip="1.2.3.4")
    key = sent["link"].split("key=", 1)[1]
    state = _at(HelpTicketState, "", "/help/ticket", {"key": key})
    state.load()
    assert state.found and state.ticket["number"] == sent["number"]
    state.add_message({"body": "補充：我用的是手機。"})
    assert state.notice_key == "helpdesk.followup_sent" and [m["kind"] for m in state.thread] == ["question",
                                                                                                  "followup"]
    shown = json.dumps(state.get_delta(), ensure_ascii=False, default=str)
    assert key not in shown and key.split(".")[1] not in shown
    forged = _at(HelpTicketState, "", "/help/ticket", {"key": key[:-2]})
    forged.load()
    assert not forged.found and forged.ticket == {}
    forged.add_message({"body": "偽造"})
    forged.close_ticket()
    with transaction() as s:
        assert s.exec(select(HelpdeskTicket)).one().status == "new"


def test_a_handler_answers_her_own_units_ticket_and_another_school_sees_nothing(db_url: str):
    w, course, _ = _world()
    with transaction() as s:
        sent = tickets.submit(s, None, _form(name="陳明哲", email="chen@example.com", topic="course",
                                             course_code=course.code), ip="1.2.3.4")
        ticket_id = str(s.exec(select(HelpdeskTicket)).one().id)
    other = build_state(HelpdeskState, cookie=session_cookie("school-b", PASSWORD), path="/helpdesk")
    other.load()
    assert other.page_status == "ok" and other.rows == []
    other.open_ticket(ticket_id)
    assert other.ticket == {} and other.error_text and "chen@example.com" not in json.dumps(other.get_delta())
    own = build_state(HelpdeskState, cookie=session_cookie("school-a", PASSWORD), path="/helpdesk")
    own.load()
    assert [r["number"] for r in own.rows] == [sent["number"]]
    own.open_ticket(ticket_id)
    assert own.ticket["email"] == "chen@example.com"
    own.reply({"reply": "可以，請她以自己的帳號報名。"})
    assert own.notice_key == "helpdesk.replied" and own.ticket["status"] == "answered"
    assert [m["kind"] for m in own.thread] == ["question", "reply"]
    own.hand_over({"target": str(w.bureau_a.id), "note": "請局處協助。"})
    assert own.notice_key == "helpdesk.handed_over" and own.ticket == {} and own.rows == []
    with transaction() as s:
        assert len(s.exec(select(OutboxMessage).where(OutboxMessage.to_address == "chen@example.com")).all()) == 3
