"""The public side of 來信指教: the contact form anyone may send (signed in or not) and the asker's private
link, which shows her thread and takes a follow-up or a close without signing in.

- **Routing** (seed 參.五.(三).2–4, SPEC §3.4): a course question goes to the course's organizer, an account
  question to the unit that activates that kind of account (a teacher's: her school; a business account's:
  its reviewing centre), a platform question to the national centre; an account question of a visitor who
  names no unit goes to the national centre too.
- **Against bots, without an outside service**: a honeypot field people do not see; a form token signed
  with the installation key that records when the form was shown (sent within `MIN_FORM_TIME`: too fast;
  older than `FORM_VALID_FOR`: stale) and whose one-time value is kept on the ticket (sent twice: refused);
  at most `PER_ADDRESS` enquiries an hour from one address and `PER_EMAIL` from one e-mail address.
  Every refusal is audited.
- **The private link** `/help/ticket?key=<id>.<hmac>`: the HMAC of the ticket's random salt under the
  installation key. It is never stored, and every mail to the asker can carry it again.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from tpd_app.domain.courses import PUBLISHED, CourseStatus
from tpd_app.domain.errors import NotFound, ValidationFailed
from tpd_app.domain.helpdesk import (
    BODY_MAX,
    FORM_VALID_FOR,
    HONEYPOT,
    LIMIT_WINDOW,
    MIN_FORM_TIME,
    NAME_MAX,
    PER_ADDRESS,
    PER_EMAIL,
    PER_TICKET,
    SUBJECT_MAX,
    AccountKind,
    EnquiryRefused,
    MessageKind,
    TicketStatus,
    Topic,
    ticket_number,
)
from tpd_app.domain.permissions import Actor
from tpd_app.domain.timeutil import roc_year, taipei_today, to_taipei, utcnow
from tpd_app.domain.units import TEACHER_UNITS, UnitType
from tpd_app.i18n import translate, valid_lang
from tpd_app.models import BusinessAccount, Course, HelpdeskMessage, HelpdeskTicket, Teacher, Unit
from tpd_app.services.accounts.throttle import throttle_address
from tpd_app.services.platform import audit, mail, outbox
from tpd_app.services.platform.richtext import render, required_text
from tpd_app.services.platform.validation import clean, email_problem, phone_problem
from tpd_app.settings import get_settings

#: Courses a question may be about: the public ones (published, or cancelled: their registrants ask why).
ASKABLE = frozenset({*PUBLISHED, CourseStatus.CANCELLED})
_FORM = "helpdesk_form"
_LINK = "helpdesk_ticket"
FORM_FIELDS = ("topic", "course_code", "account_kind", "unit_code", "name", "email", "phone", "subject", "body",
               "form_token", HONEYPOT)


def when(value: datetime) -> str:
    """A stored instant as pages show it: Taipei time, `2026-12-05 14:05` (written 民國 in zh-TW there)."""
    return f"{to_taipei(value):%Y-%m-%d %H:%M}"


def _hmac(purpose: str, value: str, length: int) -> str:
    return hmac.new(mail.secret_key(), f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()[:length]


def issue_form_token(now: datetime | None = None) -> str:
    """A token for one showing of the form: when it was shown and a one-time value, signed."""
    issued = int((now or utcnow()).timestamp())
    nonce = secrets.token_hex(16)
    return f"{issued}.{nonce}.{_hmac(_FORM, f'{issued}:{nonce}', 32)}"


def _form_nonce(token: object, now: datetime) -> str:
    """The one-time value of a genuine, fresh form token.

    Raises:
        EnquiryRefused: not ours (`helpdesk.error.form`), sent too soon after the form was shown
            (`helpdesk.error.too_fast`) or too long after (`helpdesk.error.stale`).
    """
    issued, _, rest = (token if isinstance(token, str) else "")[:120].partition(".")
    nonce, _, signature = rest.partition(".")
    if not issued.isdigit() or len(nonce) != 32 or not hmac.compare_digest(
            _hmac(_FORM, f"{issued}:{nonce}", 32), signature):
        raise EnquiryRefused("helpdesk.error.form")
    age = now.timestamp() - int(issued)
    if age < MIN_FORM_TIME.total_seconds():
        raise EnquiryRefused("helpdesk.error.too_fast")
    if age > FORM_VALID_FOR.total_seconds():
        raise EnquiryRefused("helpdesk.error.stale")
    return nonce


def ticket_key(ticket: HelpdeskTicket) -> str:
    """The asker's private key to her ticket (what the mailed link carries)."""
    return f"{ticket.id}.{_hmac(_LINK, f'{ticket.id}:{ticket.key_salt}', 40)}"


def ticket_link(ticket: HelpdeskTicket) -> str:
    return f"{get_settings().public_origin.rstrip('/')}/help/ticket?key={ticket_key(ticket)}"


def _by_key(session: Session, key: object) -> HelpdeskTicket:
    ticket_id, _, signature = (key if isinstance(key, str) else "")[:80].partition(".")
    ticket = session.get(HelpdeskTicket, int(ticket_id)) if ticket_id.isdigit() and len(ticket_id) < 12 else None
    if ticket is None or not hmac.compare_digest(
            _hmac(_LINK, f"{ticket.id}:{ticket.key_salt}", 40), signature):
        raise NotFound()
    return ticket


def national_centre(session: Session) -> Unit:
    """The unit that answers for the platform (seed 參.二.(二).16)."""
    unit = session.exec(select(Unit).where(Unit.type == UnitType.NATIONAL_CENTER.value)
                        .order_by(col(Unit.id))).first()
    if unit is None:
        raise NotFound()
    return unit


def _activator(session: Session, unit: Unit) -> Unit:
    """The unit that activates `unit`'s business accounts: its reviewing centre (the national centre's own
    and the ministry's: the national centre)."""
    reviewer = session.get(Unit, unit.reviewer_id) if unit.reviewer_id else None
    return reviewer or national_centre(session)


def _route(session: Session, actor: Actor | None, data: dict[str, Any],
           errors: dict[str, str]) -> tuple[Unit | None, Course | None]:
    """Whose queue an enquiry starts in (and the course it is about); problems go into `errors`."""
    topic = clean(data.get("topic"), 16)
    if topic == Topic.COURSE.value:
        code = clean(data.get("course_code"), 16)
        course = session.exec(select(Course).where(Course.code == code)).first() if code else None
        if course is None or course.status not in ASKABLE:
            errors["course_code"] = "helpdesk.error.course" if code else "validation.required"
            return None, None
        return session.get(Unit, course.organizer_unit_id), course
    if topic == Topic.ACCOUNT.value:
        if actor is not None:
            own = session.get(Unit, actor.unit.id)
            if own is None:
                raise NotFound()
            return (own if actor.is_teacher else _activator(session, own)), None
        kind = clean(data.get("account_kind"), 16)
        if kind not in {k.value for k in AccountKind}:
            errors["account_kind"] = "helpdesk.error.account_kind"
            return None, None
        code = clean(data.get("unit_code"), 32)
        if not code:
            return national_centre(session), None
        unit = session.exec(select(Unit).where(Unit.code == code, Unit.status == "active")).first()
        if unit is None or (kind == AccountKind.TEACHER.value and unit.type not in TEACHER_UNITS):
            errors["unit_code"] = "helpdesk.error.unit_code"
            return None, None
        return (unit if kind == AccountKind.TEACHER.value else _activator(session, unit)), None
    if topic == Topic.PLATFORM.value:
        return national_centre(session), None
    errors["topic"] = "helpdesk.error.topic"
    return None, None


def _refuse(key: str, actor: Actor | None, ip: str) -> EnquiryRefused:
    audit.record_now(action="helpdesk.refused", actor=actor, actor_label="" if actor else "visitor",
                     outcome="denied", target_type="helpdesk_ticket", after={"reason": key.rsplit(".", 1)[-1]},
                     ip=ip)
    return EnquiryRefused(key)


def _recent(session: Session, condition: Any, now: datetime) -> int:
    return session.exec(select(func.count()).select_from(HelpdeskTicket)
                        .where(condition, col(HelpdeskTicket.created_at) >= now - LIMIT_WINDOW)).one()


def form_defaults(session: Session, actor: Actor | None) -> dict[str, str]:
    """The signed-in person's own name and e-mail for the form (a visitor: nothing)."""
    if actor is None:
        return {}
    person = session.get(Teacher, actor.id) if actor.is_teacher else session.get(BusinessAccount, actor.id)
    return {"name": person.name, "email": person.email} if person is not None else {}


def submit(session: Session, actor: Actor | None, data: object, *, ip: str = "", lang: str = "zh-TW",
           now: datetime | None = None) -> dict[str, str]:
    """Open a ticket from the contact form, in the queue it is routed to; the asker is mailed its number and
    her private link, the unit's contact address a notice. Returns the number and the link.

    Raises:
        EnquiryRefused: a bot check or a rate limit refused it (audited).
        ValidationFailed: a field is missing or wrong (the topic, the course code, the unit code, the name,
            e-mail, phone, subject or message).
    """
    now = now or utcnow()
    form = data if isinstance(data, dict) else {}
    if clean(form.get(HONEYPOT), 200):
        raise _refuse("helpdesk.error.honeypot", actor, ip)
    errors: dict[str, str] = {}
    unit, course = _route(session, actor, form, errors)
    name = required_text(errors, "name", form.get("name"), NAME_MAX, "helpdesk.error.too_long")
    email = clean(form.get("email"), 201).lower()
    if problem := email_problem(email, required=True):
        errors["email"] = problem
    phone = clean(form.get("phone"), 41)
    if problem := phone_problem(phone):
        errors["phone"] = problem
    subject = required_text(errors, "subject", form.get("subject"), SUBJECT_MAX, "helpdesk.error.too_long")
    body = required_text(errors, "body", form.get("body"), BODY_MAX, "helpdesk.error.too_long", markdown=True)
    if errors:
        raise ValidationFailed(errors)
    # The checks against bots after the fields', so that a person's empty form first says what is missing.
    try:
        nonce = _form_nonce(form.get("form_token"), now)
    except EnquiryRefused as refused:
        raise _refuse(refused.key, actor, ip) from None
    address = throttle_address(ip)
    if _recent(session, HelpdeskTicket.address == address, now) >= PER_ADDRESS:
        raise _refuse("helpdesk.error.too_many", actor, ip)
    if _recent(session, HelpdeskTicket.email == email, now) >= PER_EMAIL:
        raise _refuse("helpdesk.error.too_many", actor, ip)
    if session.exec(select(HelpdeskTicket.id).where(HelpdeskTicket.form_nonce == nonce)).first() is not None:
        raise _refuse("helpdesk.error.replayed", actor, ip)
    assert unit is not None
    ticket = HelpdeskTicket(topic=clean(form.get("topic"), 16), unit_id=unit.id or 0,
                            course_id=course.id if course else None,
                            asker_teacher_id=actor.id if actor is not None and actor.is_teacher else None,
                            asker_account_id=actor.account_id if actor is not None else None,
                            name=name, email=email, phone=phone, subject=subject, body=body,
                            lang=valid_lang(lang), key_salt=secrets.token_hex(16), form_nonce=nonce,
                            address=address, created_at=now, updated_at=now)
    try:
        with session.begin_nested():
            session.add(ticket)
            session.flush()
    except IntegrityError:  # the same form sent twice at the same moment
        raise _refuse("helpdesk.error.replayed", actor, ip) from None
    ticket.number = ticket_number(roc_year(taipei_today(now).year), ticket.id or 0)
    session.add(ticket)
    session.add(HelpdeskMessage(ticket_id=ticket.id or 0, kind=MessageKind.QUESTION.value, body=body, at=now))
    link = ticket_link(ticket)
    outbox.queue(session, to=email, kind="helpdesk",
                 subject=translate("mail.helpdesk.received.subject", ticket.lang, number=ticket.number),
                 body=translate("mail.helpdesk.received.body", ticket.lang, name=name, number=ticket.number,
                                subject=subject, unit=unit.name, link=link))
    notify_unit(session, unit, ticket)
    audit.record(session, action="helpdesk.submit", actor=actor, actor_label="" if actor else "visitor",
                 target_type="helpdesk_ticket", target_id=ticket.id or 0,
                 after={"number": ticket.number, "topic": ticket.topic, "unit_id": unit.id}, ip=ip)
    return {"number": ticket.number, "link": link}


def notify_unit(session: Session, unit: Unit, ticket: HelpdeskTicket) -> None:
    """Tell the unit's contact address that a ticket waits in its queue (no personal data of the asker)."""
    queue_link = f"{get_settings().public_origin.rstrip('/')}/helpdesk"
    outbox.queue(session, to=unit.email, kind="helpdesk",
                 subject=translate("mail.helpdesk.notice.subject", number=ticket.number or ""),
                 body=translate("mail.helpdesk.notice.body", unit=unit.name, number=ticket.number or "",
                                subject=ticket.subject, link=queue_link))


def _thread_for_asker(session: Session, ticket: HelpdeskTicket) -> list[dict[str, str]]:
    """The thread as the asker sees it: what was said and by which unit; a hand-over names the unit it
    went to, not the note the handlers wrote to each other."""
    messages = session.exec(select(HelpdeskMessage).where(HelpdeskMessage.ticket_id == ticket.id)
                            .where(col(HelpdeskMessage.kind) != MessageKind.FAQ.value)
                            .order_by(col(HelpdeskMessage.at), col(HelpdeskMessage.id))).all()
    units = _unit_names(session, {m.unit_id for m in messages} | {m.to_unit_id for m in messages})
    return [{"id": str(m.id), "kind": m.kind, "unit": units.get(m.unit_id or 0, ""),
             "to_unit": units.get(m.to_unit_id or 0, ""), "at": when(m.at),
             "html": render(m.body) if m.kind != MessageKind.HANDOVER.value else ""} for m in messages]


def _unit_names(session: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = sorted(i for i in ids if i)
    return {u.id or 0: u.name for u in session.exec(select(Unit).where(col(Unit.id).in_(wanted))).all()} \
        if wanted else {}


def asker_view(session: Session, key: object) -> dict[str, Any]:
    """What the private link shows: the ticket (number, subject, status, whose queue) and its thread.

    Raises:
        NotFound: the key opens no ticket.
    """
    ticket = _by_key(session, key)
    unit = session.get(Unit, ticket.unit_id)
    return {"ticket": {"number": ticket.number or "", "subject": ticket.subject, "status": ticket.status,
                       "topic": ticket.topic, "unit": unit.name if unit else "", "created_at": when(ticket.created_at)},
            "thread": _thread_for_asker(session, ticket)}


def add_followup(session: Session, key: object, text: object, *, ip: str = "", now: datetime | None = None) -> None:
    """The asker adds to her ticket; a closed or answered ticket is open again in its queue.

    Raises:
        NotFound: the key opens no ticket.
        ValidationFailed: no text, or too long.
        EnquiryRefused: more than `PER_TICKET` follow-ups this hour.
    """
    now = now or utcnow()
    ticket = _by_key(session, key)
    errors: dict[str, str] = {}
    body = required_text(errors, "body", text, BODY_MAX, "helpdesk.error.too_long", markdown=True)
    if errors:
        raise ValidationFailed(errors)
    recent = session.exec(select(func.count()).select_from(HelpdeskMessage).where(
        HelpdeskMessage.ticket_id == ticket.id, HelpdeskMessage.kind == MessageKind.FOLLOWUP.value,
        col(HelpdeskMessage.at) >= now - LIMIT_WINDOW)).one()
    if recent >= PER_TICKET:
        raise _refuse("helpdesk.error.too_many", None, ip)
    before = ticket.status
    ticket.status, ticket.closed_at, ticket.updated_at = TicketStatus.NEW.value, None, now
    session.add(ticket)
    session.add(HelpdeskMessage(ticket_id=ticket.id or 0, kind=MessageKind.FOLLOWUP.value, body=body, at=now))
    unit = session.get(Unit, ticket.unit_id)
    if unit is not None:
        notify_unit(session, unit, ticket)
    audit.record(session, action="helpdesk.followup", actor_label="asker", target_type="helpdesk_ticket",
                 target_id=ticket.id or 0, before={"status": before}, after={"status": ticket.status}, ip=ip)


def close_by_asker(session: Session, key: object, *, ip: str = "", now: datetime | None = None) -> None:
    """The asker says her question is settled.

    Raises:
        NotFound: the key opens no ticket.
    """
    now = now or utcnow()
    ticket = _by_key(session, key)
    if ticket.status == TicketStatus.CLOSED.value:
        return
    before = ticket.status
    ticket.status, ticket.closed_at, ticket.updated_at = TicketStatus.CLOSED.value, now, now
    session.add(ticket)
    session.add(HelpdeskMessage(ticket_id=ticket.id or 0, kind=MessageKind.CLOSED.value, at=now))
    audit.record(session, action="helpdesk.close", actor_label="asker", target_type="helpdesk_ticket",
                 target_id=ticket.id or 0, before={"status": before}, after={"status": ticket.status}, ip=ip)
