"""The handlers' side of 來信指教: the queue of the unit an enquiry is routed to, one ticket with its asker's
contact data (only there, only for that unit's accounts), and what a handler does with it — reply (mailed
to the asker and kept on the thread), close, hand it to another level with a note (the organizer → its
reviewing centre → the national centre, or back down), and, at the national centre, turn an answer into a
draft FAQ entry without the asker's personal data. Every step is audited; every refusal too.

The page is guarded by `unit.contact` (修改本單位通訊資料): the function every unit type holds for every
account category, the unit's own point of contact. A ticket opens only for the unit whose queue it is in.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from tpd_app.domain.errors import Forbidden, NotFound, ValidationFailed
from tpd_app.domain.helpdesk import BODY_MAX, NOTE_MAX, MessageKind, TicketStatus, Topic, handles, handles_enquiries
from tpd_app.domain.national_id import mask_name
from tpd_app.domain.permissions import Actor, Function, may
from tpd_app.domain.portal import QUESTION_MAX, FaqCategory, keeps_public_pages
from tpd_app.domain.timeutil import utcnow
from tpd_app.domain.units import UnitType
from tpd_app.domain.workqueue import Queue, QueueItem
from tpd_app.i18n import translate
from tpd_app.models import BusinessAccount, Course, HelpdeskMessage, HelpdeskTicket, Unit
from tpd_app.services.helpdesk.tickets import national_centre, notify_unit, ticket_link, when
from tpd_app.services.platform import audit, outbox
from tpd_app.services.platform.guard import require
from tpd_app.services.platform.ids import parse_id
from tpd_app.services.platform.richtext import render, required_text
from tpd_app.services.platform.validation import clean
from tpd_app.services.portal import faq

#: Tickets listed at most in one queue view (newest first within each status).
MAX_LISTED = 200
_FAQ_CATEGORY = {Topic.COURSE.value: FaqCategory.COURSES.value, Topic.ACCOUNT.value: FaqCategory.ACCOUNTS.value,
                 Topic.PLATFORM.value: FaqCategory.OTHER.value}


def _require_handler(actor: Actor, ip: str) -> None:
    require(actor, Function.UNIT_CONTACT, ip=ip, detail="helpdesk")
    if not handles_enquiries(actor):
        audit.record_now(action="access.denied", actor=actor, outcome="denied", target_type="function",
                         target_id="helpdesk", after={"reason": "unit_type"}, ip=ip)
        raise Forbidden("error.forbidden.unit_type")


def _ticket(session: Session, actor: Actor, ticket_id: Any, ip: str) -> HelpdeskTicket:
    """The ticket, if it is in the actor's unit's queue (the only door to a ticket for handlers).

    Raises:
        Forbidden: the actor's unit receives no enquiries. NotFound: no such ticket in its queue (audited).
    """
    _require_handler(actor, ip)
    key = parse_id(ticket_id)
    ticket = session.get(HelpdeskTicket, key) if key is not None else None
    if ticket is None or not handles(actor, ticket.unit_id):
        audit.record_now(action="access.denied", actor=actor, outcome="denied", target_type="helpdesk_ticket",
                         target_id=str(key or "")[:20], after={"reason": "jurisdiction"}, ip=ip)
        raise NotFound()
    return ticket


def queue_list(session: Session, actor: Actor, *, status: str = "", ip: str = "") -> list[dict[str, str]]:
    """The tickets in the actor's unit's queue (one status, or all), waiting ones first, newest first;
    the asker only by a masked name.

    Raises:
        Forbidden: the actor's unit receives no enquiries.
    """
    _require_handler(actor, ip)
    query = select(HelpdeskTicket).where(HelpdeskTicket.unit_id == actor.unit.id)
    if status in {s.value for s in TicketStatus}:
        query = query.where(HelpdeskTicket.status == status)
    rows = session.exec(query.order_by(col(HelpdeskTicket.status) != TicketStatus.NEW.value,
                                       col(HelpdeskTicket.updated_at).desc(), col(HelpdeskTicket.id).desc())
                        .limit(MAX_LISTED)).all()
    return [{"id": str(t.id), "number": t.number or "", "topic": t.topic, "subject": t.subject, "status": t.status,
             "asker": mask_name(t.name), "created_at": when(t.created_at),
             "updated_at": when(t.updated_at)} for t in rows]


_NEW_TICKETS = select(func.count()).select_from(HelpdeskTicket).where(
    HelpdeskTicket.unit_id == sa.bindparam("unit_id"), HelpdeskTicket.status == TicketStatus.NEW.value)


def work_queue(session: Session, actor: Actor) -> list[QueueItem]:
    """The home page's enquiries: new tickets waiting in the unit's queue (a unit that receives them)."""
    if not may(actor, Function.UNIT_CONTACT) or not handles_enquiries(actor):
        return []
    return [QueueItem(Queue.ENQUIRIES, session.execute(_NEW_TICKETS, {"unit_id": actor.unit.id}).scalar_one())]


def _unit_names(session: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = sorted(i for i in ids if i)
    return {u.id or 0: u.name for u in session.exec(select(Unit).where(col(Unit.id).in_(wanted))).all()} \
        if wanted else {}


def _messages(session: Session, ticket: HelpdeskTicket) -> list[HelpdeskMessage]:
    return list(session.exec(select(HelpdeskMessage).where(HelpdeskMessage.ticket_id == ticket.id)
                             .order_by(col(HelpdeskMessage.at), col(HelpdeskMessage.id))).all())


def handover_targets(session: Session, ticket: HelpdeskTicket) -> list[Unit]:
    """The levels a ticket can go to from its queue: up (the unit's reviewing centre, the national centre)
    and back down (the course's organizer and its centre, units that held it before)."""
    current = session.get(Unit, ticket.unit_id)
    centre = national_centre(session)
    ids: list[int | None] = [current.reviewer_id if current else None, centre.id]
    if ticket.course_id and (course := session.get(Course, ticket.course_id)) is not None:
        organizer = session.get(Unit, course.organizer_unit_id)
        ids += [course.organizer_unit_id, organizer.reviewer_id if organizer else None]
    ids += [m.unit_id for m in _messages(session, ticket) if m.kind == MessageKind.HANDOVER.value]
    seen: list[int] = []
    for unit_id in ids:
        if unit_id and unit_id != ticket.unit_id and unit_id not in seen:
            seen.append(unit_id)
    units = {u.id: u for u in session.exec(select(Unit).where(col(Unit.id).in_(seen))).all()} if seen else {}
    return [units[i] for i in seen if i in units and units[i].type != UnitType.MOE.value]


def open_ticket(session: Session, actor: Actor, ticket_id: Any, *, ip: str = "") -> dict[str, Any]:
    """One ticket of the queue with the asker's contact data, the whole thread (hand-over notes too), where
    it can be handed, and whether an answer can become an FAQ entry here.

    Raises:
        Forbidden: the actor's unit receives no enquiries. NotFound: not a ticket of its queue.
    """
    ticket = _ticket(session, actor, ticket_id, ip)
    messages = _messages(session, ticket)
    units = _unit_names(session, {m.unit_id for m in messages} | {m.to_unit_id for m in messages})
    course = session.get(Course, ticket.course_id) if ticket.course_id else None
    answered = any(m.kind == MessageKind.REPLY.value for m in messages)
    return {
        "ticket": {"id": str(ticket.id), "number": ticket.number or "", "topic": ticket.topic,
                   "status": ticket.status, "subject": ticket.subject, "name": ticket.name, "email": ticket.email,
                   "phone": ticket.phone, "created_at": when(ticket.created_at),
                   "course": f"{course.code} {course.title}" if course else "",
                   "asker_kind": "teacher" if ticket.asker_teacher_id else "account" if ticket.asker_account_id
                   else "visitor",
                   "can_faq": "1" if keeps_public_pages(actor) and answered else ""},
        "thread": [{"id": str(m.id), "kind": m.kind, "unit": units.get(m.unit_id or 0, ""),
                    "to_unit": units.get(m.to_unit_id or 0, ""), "at": when(m.at), "html": render(m.body)}
                   for m in messages],
        "targets": [{"id": str(u.id), "name": u.name} for u in handover_targets(session, ticket)],
    }


def _step(session: Session, actor: Actor, ticket: HelpdeskTicket, kind: MessageKind, *, body: str = "",
          to_unit_id: int | None = None, now: datetime) -> None:
    session.add(HelpdeskMessage(ticket_id=ticket.id or 0, kind=kind.value, body=body, unit_id=actor.unit.id,
                                account_id=actor.account_id, to_unit_id=to_unit_id, at=now))


def _mail_asker(session: Session, ticket: HelpdeskTicket, message: str, **params: object) -> None:
    outbox.queue(session, to=ticket.email, kind="helpdesk",
                 subject=translate(f"mail.helpdesk.{message}.subject", ticket.lang, number=ticket.number or "",
                                   subject=ticket.subject),
                 body=translate(f"mail.helpdesk.{message}.body", ticket.lang, name=ticket.name,
                                number=ticket.number or "", subject=ticket.subject, link=ticket_link(ticket),
                                **params))


def reply(session: Session, actor: Actor, ticket_id: Any, text: object, *, ip: str = "",
          now: datetime | None = None) -> None:
    """Answer the asker: the reply is kept on the thread and mailed to her with her private link; the
    ticket is answered.

    Raises:
        Forbidden, NotFound: as `open_ticket`. ValidationFailed: no reply text, or too long.
    """
    now = now or utcnow()
    ticket = _ticket(session, actor, ticket_id, ip)
    errors: dict[str, str] = {}
    body = required_text(errors, "reply", text, BODY_MAX, "helpdesk.error.too_long", markdown=True)
    if errors:
        raise ValidationFailed(errors)
    before = ticket.status
    ticket.status, ticket.closed_at, ticket.updated_at = TicketStatus.ANSWERED.value, None, now
    session.add(ticket)
    _step(session, actor, ticket, MessageKind.REPLY, body=body, now=now)
    unit = session.get(Unit, actor.unit.id)
    _mail_asker(session, ticket, "reply", unit=unit.name if unit else "", reply=body)
    audit.record(session, action="helpdesk.reply", actor=actor, target_type="helpdesk_ticket",
                 target_id=ticket.id or 0, before={"status": before}, after={"status": ticket.status}, ip=ip)


def close(session: Session, actor: Actor, ticket_id: Any, *, ip: str = "", now: datetime | None = None) -> None:
    """Close a ticket of the queue (the asker can still write again: that opens it).

    Raises:
        Forbidden, NotFound: as `open_ticket`.
    """
    now = now or utcnow()
    ticket = _ticket(session, actor, ticket_id, ip)
    if ticket.status == TicketStatus.CLOSED.value:
        return
    before = ticket.status
    ticket.status, ticket.closed_at, ticket.updated_at = TicketStatus.CLOSED.value, now, now
    session.add(ticket)
    _step(session, actor, ticket, MessageKind.CLOSED, now=now)
    audit.record(session, action="helpdesk.close", actor=actor, target_type="helpdesk_ticket",
                 target_id=ticket.id or 0, before={"status": before}, after={"status": ticket.status}, ip=ip)


def hand_over(session: Session, actor: Actor, ticket_id: Any, target_id: Any, note: object, *, ip: str = "",
              now: datetime | None = None) -> None:
    """Hand a ticket to another level with a note for its handlers: it waits there as new; the asker is
    told which unit has it now, and that unit's contact address gets a notice.

    Raises:
        Forbidden, NotFound: as `open_ticket`.
        ValidationFailed: the target is not one of `handover_targets`, or the note is too long.
    """
    now = now or utcnow()
    ticket = _ticket(session, actor, ticket_id, ip)
    targets = {u.id: u for u in handover_targets(session, ticket)}
    target = targets.get(parse_id(target_id))
    text = str(note or "").strip() if isinstance(note, str) else ""
    errors = {}
    if target is None:
        errors["target"] = "helpdesk.error.target"
    if len(text) > NOTE_MAX:
        errors["note"] = "helpdesk.error.too_long"
    if errors or target is None:
        raise ValidationFailed(errors)
    before = {"unit_id": ticket.unit_id, "status": ticket.status}
    ticket.unit_id, ticket.status, ticket.closed_at, ticket.updated_at = target.id or 0, TicketStatus.NEW.value, \
        None, now
    session.add(ticket)
    _step(session, actor, ticket, MessageKind.HANDOVER, body=text, to_unit_id=target.id, now=now)
    _mail_asker(session, ticket, "handover", unit=target.name)
    notify_unit(session, target, ticket)
    audit.record(session, action="helpdesk.handover", actor=actor, target_type="helpdesk_ticket",
                 target_id=ticket.id or 0, before=before, after={"unit_id": target.id, "status": ticket.status},
                 ip=ip)


def _without_asker(text: str, ticket: HelpdeskTicket, staff: list[str]) -> str:
    """`text` with the asker's name, e-mail and phone (and the handlers' names) taken out."""
    for value in sorted({ticket.name, ticket.email, ticket.phone, *staff}, key=len, reverse=True):
        if value and len(value.strip()) >= 2:
            text = text.replace(value, "○○")
    return text


def faq_from_answer(session: Session, actor: Actor, ticket_id: Any, *, ip: str = "") -> int:
    """A draft FAQ entry (問答集, kept back until the centre publishes it) from the ticket's subject and its
    latest reply, with the asker's personal data left out. Returns the entry's id.

    Raises:
        Forbidden, NotFound: as `open_ticket`; Forbidden: only the FAQ's keepers (the national centre).
        ValidationFailed: the ticket has no reply yet.
    """
    ticket = _ticket(session, actor, ticket_id, ip)
    if not keeps_public_pages(actor):
        audit.record_now(action="access.denied", actor=actor, outcome="denied", target_type="function",
                         target_id="faq", after={"reason": "jurisdiction"}, ip=ip)
        raise Forbidden("error.forbidden.jurisdiction")
    messages = _messages(session, ticket)
    replies = [m for m in messages if m.kind == MessageKind.REPLY.value]
    if not replies:
        raise ValidationFailed({"faq": "helpdesk.error.no_answer"})
    staff_ids = sorted({m.account_id for m in messages if m.account_id})
    staff = [a.name for a in session.exec(select(BusinessAccount).where(col(BusinessAccount.id).in_(staff_ids)))
             ] if staff_ids else []
    entry_id = faq.save_entry(session, actor, {
        "question": _without_asker(clean(ticket.subject, QUESTION_MAX), ticket, staff),
        "answer": _without_asker(replies[-1].body, ticket, staff),
        "category": _FAQ_CATEGORY.get(ticket.topic, FaqCategory.OTHER.value), "sort_order": "100",
        "published": ""}, ip=ip)
    _step(session, actor, ticket, MessageKind.FAQ, body="", now=utcnow())
    audit.record(session, action="helpdesk.faq", actor=actor, target_type="helpdesk_ticket",
                 target_id=ticket.id or 0, after={"faq_entry": entry_id}, ip=ip)
    return entry_id
