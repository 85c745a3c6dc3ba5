"""Demo enquiries (來信指教): the demo teacher's question about a course of her school (waiting in the school's
queue), a visitor's question about the website that the national centre has answered, and a new staff
member's account question waiting at the Taipei bureau."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlmodel import Session, select

from tpd_app.domain.courses import PUBLISHED
from tpd_app.domain.helpdesk import MessageKind, TicketStatus, Topic, ticket_number
from tpd_app.domain.timeutil import roc_year, taipei_today, utcnow
from tpd_app.models import BusinessAccount, Course, HelpdeskMessage, HelpdeskTicket, Teacher, Unit

DEMO_COURSE_TITLE = "特殊教育知能研習：融合教育班級經營實務"


def _ticket(session: Session, unit: Unit, at: datetime, **fields: object) -> HelpdeskTicket:
    ticket = HelpdeskTicket(unit_id=unit.id or 0, key_salt=secrets.token_hex(16), form_nonce=secrets.token_hex(16),
                            created_at=at, updated_at=at, **fields)
    session.add(ticket)
    session.flush()
    ticket.number = ticket_number(roc_year(taipei_today(at).year), ticket.id or 0)
    session.add(HelpdeskMessage(ticket_id=ticket.id or 0, kind=MessageKind.QUESTION.value, body=ticket.body, at=at))
    return ticket


def load_demo_helpdesk(session: Session) -> int:
    """Add the demo enquiries; their number."""
    school = session.exec(select(Unit).where(Unit.code == "353601")).first()
    centre = session.exec(select(Unit).where(Unit.type == "national_center")).first()
    taipei = session.exec(select(Unit).where(Unit.type == "county_bureau", Unit.county == "TPE")).first()
    if school is None or centre is None or taipei is None:
        return 0
    now = utcnow()
    made = 0
    course = session.exec(select(Course).where(Course.title == DEMO_COURSE_TITLE)).first()
    teacher = session.exec(select(Teacher).where(Teacher.national_id == "A123456789")).first()
    if course is not None and course.status in PUBLISHED and teacher is not None:
        _ticket(session, school, now - timedelta(days=1), topic=Topic.COURSE.value, course_id=course.id,
                asker_teacher_id=teacher.id, name=teacher.name, email=teacher.email, phone="",
                subject="融合教育研習可以帶實習教師一起參加嗎？",
                body="您好，我們班這學期有一位實習教師，想請問她可以一起報名這場研習嗎？研習時數是否也能登錄？")
        made += 1
    answered_at = now - timedelta(days=2)
    asked = _ticket(session, centre, now - timedelta(days=3), topic=Topic.PLATFORM.value,
                    name="陳明哲", email="chen.mingzhe@example.com", phone="0933-123456",
                    subject="研習紀錄的 PDF 要在哪裡下載？",
                    body="我想列印近三年的研習紀錄給學校，請問在網站的哪裡可以下載？")
    staff = session.exec(select(BusinessAccount).where(BusinessAccount.username == "demo-national_center")).first()
    session.add(HelpdeskMessage(ticket_id=asked.id or 0, kind=MessageKind.REPLY.value, unit_id=centre.id,
                                account_id=staff.id if staff else None, at=answered_at,
                                body="您好：以教師帳號登入後，在「個人研習紀錄」按**下載 PDF**，"
                                     "即可取得歷年研習紀錄。"))
    asked.status, asked.updated_at = TicketStatus.ANSWERED.value, answered_at
    session.add(asked)
    made += 1
    _ticket(session, taipei, now - timedelta(hours=5), topic=Topic.ACCOUNT.value,
            name="李宜蓁", email="li.yizhen@example.com", phone="02-2720-8889",
            subject="新任承辦人如何申請學校的業務帳號？",
            body="我是和平國小新任的教學組長，想申請學校的業務帳號，請問要準備哪些資料？")
    made += 1
    session.flush()
    return made
