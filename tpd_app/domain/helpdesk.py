"""來信指教 (the help desk, issue 18): what an enquiry is about, where it goes, the statuses of a ticket and
the limits of the public form. Pure rules, no database.

The seed (參.五.(三).2–4) sends questions about a course and its hours to the course's organizer and
questions about the platform to the national centre, which answers phone and letter enquiries
(參.二.(二).16); an account question goes to the unit that activates that kind of account (SPEC §3.4).
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from tpd_app.domain.errors import DomainError
from tpd_app.domain.permissions import Actor
from tpd_app.domain.statuses import Status as StyledStatus
from tpd_app.domain.statuses import styled
from tpd_app.domain.units import UnitType


class Topic(StrEnum):
    """What an enquiry is about: it decides whose queue the ticket starts in."""

    COURSE = "course"
    ACCOUNT = "account"
    PLATFORM = "platform"


class AccountKind(StrEnum):
    """For an account question: which kind of account (a teacher's is her school's, a business account its
    reviewing centre's)."""

    TEACHER = "teacher"
    BUSINESS = "business"


@styled("helpdesk.status", new="amber", answered="green", closed="gray")
class TicketStatus(StyledStatus):
    """Where a ticket stands: waiting for its handlers, answered, or closed."""

    NEW = "new"
    ANSWERED = "answered"
    CLOSED = "closed"


class MessageKind(StrEnum):
    """One step of a ticket's thread."""

    QUESTION = "question"
    REPLY = "reply"
    FOLLOWUP = "followup"
    HANDOVER = "handover"
    CLOSED = "closed"
    FAQ = "faq"


class EnquiryRefused(DomainError):
    """The public form refused an enquiry (a bot check, a limit); `key` says why in the asker's words."""

    key = "helpdesk.error.refused"


#: The form's honeypot: a field hidden from people (and from screen readers) that only a bot fills in.
HONEYPOT = "homepage"
NAME_MAX = 100
SUBJECT_MAX = 200
BODY_MAX = 5_000
NOTE_MAX = 1_000
#: A person needs a few seconds to fill the form in; a script posting at once is refused.
MIN_FORM_TIME = timedelta(seconds=3)
#: A form shown longer ago than this is stale: the page is loaded again for a fresh one.
FORM_VALID_FOR = timedelta(hours=2)
#: Enquiries one address may send in `LIMIT_WINDOW` (a school's teachers share one public address).
PER_ADDRESS = 5
#: Enquiries from one e-mail address in `LIMIT_WINDOW`.
PER_EMAIL = 3
#: Follow-up messages on one ticket in `LIMIT_WINDOW`.
PER_TICKET = 5
LIMIT_WINDOW = timedelta(hours=1)


def handles_enquiries(actor: Actor) -> bool:
    """Whether the actor's unit can receive enquiries (the menu entry of the queue): every business account
    of a unit an enquiry can be routed to. The ministry gets none (the national centre answers for the
    network) and teachers ask, they do not answer."""
    return actor.kind == "account" and actor.unit.type is not UnitType.MOE


def handles(actor: Actor, ticket_unit_id: int) -> bool:
    """Whether the actor handles a ticket now in the queue of `ticket_unit_id`: its unit's accounts only,
    so an asker's address and phone reach no one else."""
    return handles_enquiries(actor) and actor.unit.id == ticket_unit_id


def ticket_number(roc_year: int, ticket_id: int) -> str:
    """A ticket's readable, unique number: HD115-000123 (the 民國 year it came in, then its id)."""
    return f"HD{roc_year}-{ticket_id:06d}"
