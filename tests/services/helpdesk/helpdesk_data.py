"""A filled-in contact form with a form token shown long enough ago, and opening a ticket with it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from tpd_app.domain.permissions import Actor
from tpd_app.domain.timeutil import utcnow
from tpd_app.services.helpdesk import tickets


def form(*, shown: datetime | None = None, **fields: Any) -> dict[str, Any]:
    """The contact form as a person sends it: the token from ten seconds before `shown`'s moment."""
    data: dict[str, Any] = {"topic": "platform", "course_code": "", "account_kind": "", "unit_code": "",
                            "name": "陳明哲", "email": "Chen.Mingzhe@example.com", "phone": "0933-123456",
                            "subject": "研習紀錄如何下載？", "body": "請問在哪裡下載研習紀錄的 PDF？",
                            "form_token": tickets.issue_form_token((shown or utcnow()) - timedelta(seconds=10)),
                            "homepage": ""}
    data.update(fields)
    return data


def ask(session: Session, actor: Actor | None = None, ip: str = "203.0.113.9", **fields: Any) -> dict[str, str]:
    """Send a form; its number and private link."""
    return tickets.submit(session, actor, form(**fields), ip=ip)


def key_of(link: str) -> str:
    return link.split("key=", 1)[1]
