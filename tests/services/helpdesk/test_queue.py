"""來信指教, the handlers' side: a reply mailed and kept, hand-over between levels, no other unit reads a
ticket, an FAQ draft from an answer without the asker's data."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.factories import make_world
from tests.services.helpdesk.helpdesk_data import ask, key_of
from tests.services.hours_data import published_course
from tpd_app.domain.errors import Forbidden, NotFound, ValidationFailed
from tpd_app.models import AuditLog, FaqEntry, HelpdeskTicket, OutboxMessage
from tpd_app.services.helpdesk import queue, tickets
from tpd_app.services.platform.db import transaction


def _course_ticket(s, w) -> tuple[HelpdeskTicket, str]:
    course = published_course(s, w.school_a, title="融合教育實務研習")
    sent = ask(s, w.teacher_actor(s, w.school_a), topic="course", course_code=course.code,
               subject="可以帶實習教師參加嗎？", body="我們班的實習教師可以一起報名嗎？")
    ticket = s.exec(select(HelpdeskTicket).where(HelpdeskTicket.number == sent["number"])).one()
    return ticket, key_of(sent["link"])


def test_the_organizer_sees_the_question_with_the_askers_contact_and_the_list_masks_her(db_url: str):
    with transaction() as s:
        w = make_world(s)
        ticket, _ = _course_ticket(s, w)
        organizer = w.actor(s, w.school_a)
        rows = queue.queue_list(s, organizer)
        assert [r["number"] for r in rows] == [ticket.number]
        assert rows[0]["asker"] == "陳○哲" and "chen" not in str(rows)
        assert queue.queue_list(s, organizer, status="closed") == []
        view = queue.open_ticket(s, organizer, str(ticket.id))
        assert view["ticket"]["email"] == "chen.mingzhe@example.com" and view["ticket"]["asker_kind"] == "teacher"
        assert view["ticket"]["course"].endswith("融合教育實務研習")
        assert [t["id"] for t in view["targets"]] == [str(w.bureau_a.id), str(w.nc.id)]  # up: its centre, the nation


def test_the_organizers_home_counts_the_enquiries_waiting_for_an_answer(db_url: str):
    with transaction() as s:
        w = make_world(s)
        ticket, _ = _course_ticket(s, w)
        organizer = w.actor(s, w.school_a)
        counted = [(i.queue.value, i.count) for i in queue.work_queue(s, organizer)]
        elsewhere = [(i.queue.value, i.count) for i in queue.work_queue(s, w.actor(s, w.school_b))]
        queue.reply(s, organizer, str(ticket.id), "可以。")
        answered = [(i.queue.value, i.count) for i in queue.work_queue(s, organizer)]
        teacher = queue.work_queue(s, w.teacher_actor(s, w.school_a))
    assert counted == [("enquiries", 1)] and elsewhere == [("enquiries", 0)] and answered == [("enquiries", 0)]
    assert teacher == []


def test_a_reply_is_mailed_to_the_asker_and_kept_on_her_thread(db_url: str):
    with transaction() as s:
        w = make_world(s)
        ticket, key = _course_ticket(s, w)
        organizer = w.actor(s, w.school_a)
        with pytest.raises(ValidationFailed):
            queue.reply(s, organizer, str(ticket.id), " ")
        queue.reply(s, organizer, str(ticket.id), "可以，請實習教師以**自己的教師帳號**報名。")
        assert s.get(HelpdeskTicket, ticket.id).status == "answered"
        mail = s.exec(select(OutboxMessage).where(OutboxMessage.subject.contains("回覆"))).one()
        assert mail.to_address == "chen.mingzhe@example.com" and "自己的教師帳號" in mail.body
        assert tickets.ticket_link(ticket) in mail.body
        view = tickets.asker_view(s, key)
        assert [m["kind"] for m in view["thread"]] == ["question", "reply"]
        assert view["thread"][1]["unit"] == w.school_a.name and "<strong>" in view["thread"][1]["html"]
        queue.close(s, organizer, str(ticket.id))
        assert s.get(HelpdeskTicket, ticket.id).status == "closed"
        actions = [a.action for a in s.exec(select(AuditLog).where(AuditLog.target_type == "helpdesk_ticket"))]
        assert actions == ["helpdesk.submit", "helpdesk.reply", "helpdesk.close"]


def test_another_unit_cannot_read_or_answer_a_ticket(db_url: str):
    with transaction() as s:
        w = make_world(s)
        ticket, _ = _course_ticket(s, w)
        outsiders = [w.actor(s, w.school_b), w.actor(s, w.bureau_a), w.actor(s, w.nc)]
        teacher, moe = w.teacher_actor(s, w.school_a), w.actor(s, w.moe)
    for actor in outsiders:
        for act in (lambda s, a: queue.open_ticket(s, a, str(ticket.id)),
                    lambda s, a: queue.reply(s, a, str(ticket.id), "我來回覆"),
                    lambda s, a: queue.close(s, a, str(ticket.id)),
                    lambda s, a: queue.hand_over(s, a, str(ticket.id), str(a.unit.id), ""),
                    lambda s, a: queue.faq_from_answer(s, a, str(ticket.id))):
            with transaction() as s, pytest.raises(NotFound):
                act(s, actor)
    for actor in (teacher, moe):
        with transaction() as s, pytest.raises(Forbidden):
            queue.queue_list(s, actor)
        with transaction() as s, pytest.raises(Forbidden):
            queue.open_ticket(s, actor, str(ticket.id))
    with transaction() as s:
        assert s.get(HelpdeskTicket, ticket.id).status == "new"
        assert queue.queue_list(s, outsiders[0]) == []
        denied = s.exec(select(AuditLog).where(AuditLog.action == "access.denied")).all()
        assert len(denied) >= 3 * 5 + 4


def test_a_ticket_is_handed_up_to_the_reviewing_centre_and_back_down_to_the_organizer(db_url: str):
    with transaction() as s:
        w = make_world(s)
        ticket, key = _course_ticket(s, w)
        organizer, bureau = w.actor(s, w.school_a), w.actor(s, w.bureau_a)
        with pytest.raises(ValidationFailed) as refused:
            queue.hand_over(s, organizer, str(ticket.id), str(w.school_b.id), "")  # not a level above or below
        assert refused.value.field_errors == {"target": "helpdesk.error.target"}
        queue.hand_over(s, organizer, str(ticket.id), str(w.bureau_a.id), "涉及全市研習時數採計，請局處回覆。")
    with transaction() as s, pytest.raises(NotFound):
        queue.open_ticket(s, organizer, str(ticket.id))  # no longer the school's to read
    with transaction() as s:
        view = queue.open_ticket(s, bureau, str(ticket.id))
        assert view["ticket"]["status"] == "new" and view["thread"][-1]["kind"] == "handover"
        assert "局處回覆" in view["thread"][-1]["html"]
        assert [t["id"] for t in view["targets"]] == [str(w.nc.id), str(w.school_a.id)]
        asker_sees = tickets.asker_view(s, key)
        assert asker_sees["ticket"]["unit"] == w.bureau_a.name
        assert asker_sees["thread"][-1]["to_unit"] == w.bureau_a.name and asker_sees["thread"][-1]["html"] == ""
        assert s.exec(select(OutboxMessage).where(OutboxMessage.subject.contains("轉交"))).one().to_address \
            == "chen.mingzhe@example.com"
        assert s.exec(select(OutboxMessage).where(OutboxMessage.to_address == w.bureau_a.email)).first()
        queue.hand_over(s, bureau, str(ticket.id), str(w.school_a.id), "請學校直接回覆即可。")
        assert queue.open_ticket(s, organizer, str(ticket.id))["ticket"]["id"] == str(ticket.id)


def test_the_national_centre_makes_a_draft_faq_entry_from_an_answer_without_the_askers_data(db_url: str):
    with transaction() as s:
        w = make_world(s)
        sent = ask(s, subject="陳明哲想問：研習紀錄如何下載？")
        ticket = s.exec(select(HelpdeskTicket).where(HelpdeskTicket.number == sent["number"])).one()
        centre = w.actor(s, w.nc)
        assert queue.open_ticket(s, centre, str(ticket.id))["ticket"]["can_faq"] == ""
        with pytest.raises(ValidationFailed):
            queue.faq_from_answer(s, centre, str(ticket.id))
        queue.reply(s, centre, str(ticket.id), "陳明哲您好：登入後在「個人研習紀錄」按下載 PDF。"
                                               "如有問題請回信 chen.mingzhe@example.com 或撥 0933-123456。")
        assert queue.open_ticket(s, centre, str(ticket.id))["ticket"]["can_faq"] == "1"
        entry_id = queue.faq_from_answer(s, centre, str(ticket.id))
        entry = s.get(FaqEntry, entry_id)
        assert not entry.published and entry.category == "other"
        text = entry.question + entry.answer
        assert "陳明哲" not in text and "chen.mingzhe" not in text and "0933-123456" not in text
        assert "下載 PDF" in entry.answer and "研習紀錄如何下載" in entry.question
        ticket_b, _ = _course_ticket(s, w)
        school = w.actor(s, w.school_a)
        queue.reply(s, school, str(ticket_b.id), "可以。")
    with transaction() as s, pytest.raises(Forbidden):
        queue.faq_from_answer(s, school, str(ticket_b.id))  # the FAQ is the national centre's
