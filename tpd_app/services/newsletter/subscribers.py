"""Subscribing to the e-newsletter.

- **Visitors** (double opt-in): an address typed on /newsletter gets a confirmation mail whose link
  (`<signed id>.<secret>`, the row keeps only the secret's digest) works for 48 hours; only then is it
  mailed. The answer is the same whether the address is new, pending, confirmed or rate-limited (no
  enumeration); the limits are per address (3 a day) and per client address (20 an hour), counted on
  `newsletter_request` rows that every well-formed request writes.
- **Teachers** tick a box on their subscriptions page: their account address is subscribed at once (the
  sign-in proved it is theirs), and each issue goes to the address their account has then.
- **Unsubscribing** is one click from any mail: the link carries a signed token of the subscriber (no
  sign-in); the mail also has a `List-Unsubscribe` header for one-click (RFC 8058) in mail programs.
"""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta

from sqlmodel import Session, col, func, select

from tpd_app.domain.errors import NotFound, ValidationFailed
from tpd_app.domain.newsletter import EMAIL_MAX, SubscriberStatus
from tpd_app.domain.permissions import Actor, Function
from tpd_app.domain.timeutil import format_datetime, utcnow
from tpd_app.i18n import translate, valid_lang
from tpd_app.models import NewsletterRequest, NewsletterSubscriber, Teacher
from tpd_app.services.accounts.throttle import throttle_address
from tpd_app.services.platform import audit, mail, outbox
from tpd_app.services.platform.guard import require
from tpd_app.services.platform.passwords import digest, new_secret
from tpd_app.services.platform.validation import clean, email_problem
from tpd_app.settings import get_settings

CONFIRM_FOR = timedelta(hours=48)
PER_EMAIL, EMAIL_WINDOW = 3, timedelta(days=1)
PER_CLIENT, CLIENT_WINDOW = 20, timedelta(hours=1)
CONFIRM_PURPOSE = "newsletter_confirm"
UNSUBSCRIBE_PURPOSE = "newsletter_unsubscribe"
#: The page a mailed link opens (confirm or unsubscribe), and the one-click address of the header.
LINK_PAGE = "/newsletter-subscription"
ONE_CLICK = "/api/newsletter/unsubscribe"
CONFIRMED = SubscriberStatus.CONFIRMED.value
PENDING = SubscriberStatus.PENDING.value
UNSUBSCRIBED = SubscriberStatus.UNSUBSCRIBED.value


def _origin() -> str:
    return get_settings().public_origin.rstrip("/")


def normalize_email(value: object) -> str:
    """An address as the subscriber list keeps it: trimmed and lower-cased."""
    return clean(value, EMAIL_MAX + 1).lower()


def mask_email(email: str) -> str:
    """`w***@example.edu.tw`: enough for its owner to recognise, not to learn someone's address."""
    name, _, domain = email.partition("@")
    return f"{name[:1]}***@{domain}" if domain else "***"


def _recent(session: Session, column: object, value: str, since: datetime) -> int:
    return session.exec(select(func.count()).select_from(NewsletterRequest)
                        .where(column == value, col(NewsletterRequest.created_at) >= since)).one()


def request_subscription(session: Session, email: object, *, lang: str = "zh-TW", ip: str = "",
                         now: datetime | None = None) -> None:
    """A visitor asks for the e-newsletter at `email`: a confirmation link is mailed unless the address is
    already confirmed or a limit is reached. Returns nothing either way (the caller tells everyone the same).

    Raises:
        ValidationFailed: the address is missing, too long or not an address (`email`).
    """
    now = now or utcnow()
    address = normalize_email(email)
    problem = email_problem(address, required=True) or ("validation.email" if len(address) > EMAIL_MAX else None)
    if problem:
        raise ValidationFailed({"email": problem})
    key, client = digest(address), throttle_address(ip)
    limited = (_recent(session, NewsletterRequest.email_key, key, now - EMAIL_WINDOW) >= PER_EMAIL
               or _recent(session, NewsletterRequest.address, client, now - CLIENT_WINDOW) >= PER_CLIENT)
    session.add(NewsletterRequest(email_key=key, address=client, created_at=now))
    row = session.exec(select(NewsletterSubscriber).where(NewsletterSubscriber.email == address)).first()
    if limited:
        outcome = "limited"
    elif row is not None and row.status == CONFIRMED:
        outcome = "already"
    else:
        outcome = "sent"
        row = row or NewsletterSubscriber(email=address, created_at=now)
        secret = new_secret()
        row.status, row.token_digest, row.token_expires_at, row.updated_at = PENDING, digest(secret), \
            now + CONFIRM_FOR, now
        session.add(row)
        session.flush()
        lang = valid_lang(lang)
        link = f"{_origin()}{LINK_PAGE}?confirm={mail.sign(CONFIRM_PURPOSE, row.id or 0)}.{secret}"
        outbox.queue(session, to=address, kind="newsletter_confirm",
                     subject=translate("mail.newsletter_confirm.subject", lang),
                     body=translate("mail.newsletter_confirm.body", lang, link=link,
                                    until=format_datetime(now + CONFIRM_FOR, roc=lang == "zh-TW")))
    session.flush()
    audit.record(session, action="newsletter.subscribe_request", outcome="ok" if outcome == "sent" else "denied",
                 actor_label="visitor", target_type="newsletter_subscriber",
                 target_id=row.id if row is not None and row.id else "", after={"outcome": outcome}, ip=ip)


def _pending(session: Session, token: object, now: datetime) -> NewsletterSubscriber | None:
    """The subscriber behind a genuine, unexpired confirmation link that was not replaced, or None."""
    if not isinstance(token, str) or len(token) > 200:
        return None
    signed, _, secret = token.rpartition(".")
    row_id = mail.verify(CONFIRM_PURPOSE, signed)
    if row_id is None or not secret:
        return None
    row = session.get(NewsletterSubscriber, row_id)
    if row is None or row.status != PENDING or not row.token_digest or row.token_expires_at is None:
        return None
    if not hmac.compare_digest(row.token_digest, digest(secret)) or row.token_expires_at <= now:
        return None
    return row


def _unsubscribable(session: Session, token: object) -> NewsletterSubscriber | None:
    if not isinstance(token, str) or len(token) > 80:
        return None
    row_id = mail.verify(UNSUBSCRIBE_PURPOSE, token)
    return session.get(NewsletterSubscriber, row_id) if row_id is not None else None


def check_link(session: Session, *, confirm: object = "", unsubscribe: object = "",
               now: datetime | None = None) -> dict[str, str]:
    """What the page a mailed link opens shows before its button: the action and the address (masked), or
    nothing when the link is not valid (tampered with, expired, replaced, already used)."""
    if confirm:
        row = _pending(session, confirm, now or utcnow())
        return {"action": "confirm", "email": mask_email(row.email)} if row is not None else {}
    row = _unsubscribable(session, unsubscribe) if unsubscribe else None
    if row is None:
        return {}
    return {"action": "unsubscribe", "email": mask_email(row.email),
            "done": "1" if row.status == UNSUBSCRIBED else ""}


def confirm(session: Session, token: object, *, ip: str = "", now: datetime | None = None) -> bool:
    """Confirm a subscription through its mailed link (once); False when the link is not valid."""
    now = now or utcnow()
    row = _pending(session, token, now)
    if row is None:
        return False
    row.status, row.confirmed_at, row.updated_at = CONFIRMED, now, now
    row.token_digest, row.token_expires_at = "", None
    session.add(row)
    audit.record(session, action="newsletter.confirm", actor_label="link", target_type="newsletter_subscriber",
                 target_id=row.id or 0, ip=ip)
    return True


def unsubscribe(session: Session, token: object, *, ip: str = "") -> bool:
    """Stop the e-newsletter for the subscriber a signed link names; False when the link is not genuine.
    A teacher's tick box is off afterwards."""
    row = _unsubscribable(session, token)
    if row is None:
        return False
    if row.status != UNSUBSCRIBED:
        row.status, row.updated_at = UNSUBSCRIBED, utcnow()
        row.token_digest, row.token_expires_at = "", None
        session.add(row)
        audit.record(session, action="newsletter.unsubscribe", actor_label="link",
                     target_type="newsletter_subscriber", target_id=row.id or 0, ip=ip)
    return True


def unsubscribe_link_maker() -> tuple[str, str]:
    """The prefixes of a subscriber's two unsubscribe addresses (the page in the text, the one-click
    address of the header); a signed token of the subscriber id follows each."""
    return f"{_origin()}{LINK_PAGE}?unsubscribe=", f"{_origin()}{ONE_CLICK}?token="


def _teacher(session: Session, actor: Actor) -> Teacher:
    teacher = session.get(Teacher, actor.id)
    if teacher is None:
        raise NotFound()
    return teacher


def _of_teacher(session: Session, teacher: Teacher) -> NewsletterSubscriber | None:
    return session.exec(select(NewsletterSubscriber).where(NewsletterSubscriber.teacher_id == teacher.id)).first()


def teacher_choice(session: Session, actor: Actor, *, ip: str = "") -> dict[str, bool]:
    """Whether the signed-in teacher receives the e-newsletter, and whether her account has an address.

    Raises:
        Forbidden: not a teacher.
    """
    require(actor, Function.TEACHER_SUBSCRIPTIONS, ip=ip, detail="newsletter")
    teacher = _teacher(session, actor)
    row = _of_teacher(session, teacher)
    return {"subscribed": bool(row and row.status == CONFIRMED), "has_email": bool(teacher.email)}


def set_teacher_choice(session: Session, actor: Actor, subscribed: object, *, ip: str = "") -> None:
    """The teacher's tick box: her account address receives the e-newsletter (no confirmation mail: signing
    in proved it is hers), or no longer does.

    Raises:
        Forbidden: not a teacher.
        ValidationFailed: ticking it without an e-mail address on the account (`newsletter`).
    """
    require(actor, Function.TEACHER_SUBSCRIPTIONS, ip=ip, detail="newsletter")
    teacher = _teacher(session, actor)
    wanted = subscribed is True
    address = normalize_email(teacher.email)
    if wanted and not address:
        raise ValidationFailed({"newsletter": "subscriptions.no_email"})
    row = _of_teacher(session, teacher)
    if row is None and wanted:
        # The address may already be on the list (typed on /newsletter by her once): it becomes hers.
        row = session.exec(select(NewsletterSubscriber).where(NewsletterSubscriber.email == address)).first()
    if row is None and not wanted:
        return
    now = utcnow()
    row = row or NewsletterSubscriber(email=address, created_at=now)
    before = row.status if row.id else None
    row.teacher_id = teacher.id
    row.status = CONFIRMED if wanted else UNSUBSCRIBED
    row.confirmed_at = now if wanted else row.confirmed_at
    row.token_digest, row.token_expires_at, row.updated_at = "", None, now
    session.add(row)
    session.flush()
    audit.record(session, action="newsletter.teacher_choice", actor=actor, target_type="newsletter_subscriber",
                 target_id=row.id or 0, before={"status": before} if before else None,
                 after={"status": row.status}, ip=ip)
