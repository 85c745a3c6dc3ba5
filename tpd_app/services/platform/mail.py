"""Delivering the outbox: SMTP when `TPD_SMTP_HOST` is set, else files in a local outbox directory.

Use cases only *queue* messages (`outbox.queue`, in their own transaction); nothing here runs inside
a page event. `python -m tpd_app.cli send-mail` (run every minute by cron/systemd) delivers what is
due; a failed send is kept, counted and retried with exponential backoff, never dropped.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import smtplib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import col, or_, select

from tpd_app.domain.timeutil import utcnow
from tpd_app.models import OutboxMessage
from tpd_app.services.platform.db import transaction
from tpd_app.settings import ROOT, get_settings

#: Attempts before a message is parked (it stays in the table with its last error for an operator).
MAX_ATTEMPTS = 8
BATCH = 200
#: The headers a queued message may add (the e-newsletter's one-click unsubscribe, RFC 2369 and RFC 8058);
#: anything else it carries is dropped, and no value may hold a line break (no header injection).
EXTRA_HEADERS = frozenset({"List-Unsubscribe", "List-Unsubscribe-Post", "List-Id"})
#: Mailings to many people: delivered after every other due message, so that a password reset or a
#: registration notice queued behind 200,000 copies of an issue still goes out in the next round.
BULK_KINDS = frozenset({"newsletter"})


@dataclass(frozen=True)
class MailSettings:
    """SMTP connection from the environment; no host means the local outbox directory."""

    host: str
    port: int
    tls: str
    user: str
    password: str
    sender: str
    outbox_dir: Path


def mail_settings() -> MailSettings:
    """Read TPD_SMTP_* now (not cached: the CLI and tests change them)."""
    tls = os.environ.get("TPD_SMTP_TLS", "starttls").strip().lower()
    return MailSettings(
        host=os.environ.get("TPD_SMTP_HOST", "").strip(),
        port=int(os.environ.get("TPD_SMTP_PORT", "") or (465 if tls == "ssl" else 587)),
        tls=tls if tls in {"starttls", "ssl", "none"} else "starttls",
        user=os.environ.get("TPD_SMTP_USER", ""),
        password=os.environ.get("TPD_SMTP_PASSWORD", ""),
        sender=os.environ.get("TPD_SMTP_SENDER", "全國教師在職進修資訊網 <no-reply@inservice.example.tw>"),
        outbox_dir=Path(os.environ.get("TPD_MAIL_OUTBOX_DIR") or ROOT / "data" / "outbox"),
    )


def backoff(attempts: int) -> timedelta:
    """Wait before retry number `attempts`: 1, 2, 4 … minutes, at most six hours."""
    return timedelta(minutes=min(2 ** max(0, attempts - 1), 360))


def _message(row: OutboxMessage, settings: MailSettings) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = row.to_address
    message["Subject"] = row.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(idstring=f"tpd{row.id}")
    for name, value in _extra_headers(row.headers).items():
        message[name] = value
    message.set_content(row.body)
    return message


def _extra_headers(stored: str) -> dict[str, str]:
    """The allowed extra headers of a queued message (`EXTRA_HEADERS`), single-line values only."""
    try:
        headers = json.loads(stored) if stored else {}
    except ValueError:
        return {}
    if not isinstance(headers, dict):
        return {}
    return {name: value for name, value in headers.items() if name in EXTRA_HEADERS and isinstance(value, str)
            and value and "\r" not in value and "\n" not in value and len(value) <= 900}


class _SmtpSession:
    """One SMTP connection for a whole delivery round, opened at the first message and opened again after
    a connection-level failure (a refused recipient leaves it usable). One login per round, not per mail:
    a 200,000-copy newsletter is not 200,000 handshakes."""

    def __init__(self, settings: MailSettings) -> None:
        self._settings = settings
        self._smtp: smtplib.SMTP | None = None

    def _open(self) -> smtplib.SMTP:
        settings = self._settings
        context = ssl.create_default_context()
        if settings.tls == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port, timeout=30, context=context)
        else:
            smtp = smtplib.SMTP(settings.host, settings.port, timeout=30)
        try:
            if settings.tls == "starttls":
                smtp.starttls(context=context)
            if settings.user:
                smtp.login(settings.user, settings.password)
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, message: EmailMessage) -> None:
        if self._smtp is None:
            self._smtp = self._open()
        try:
            self._smtp.send_message(message)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError):
            raise  # this message's problem; the connection goes on
        except (OSError, smtplib.SMTPException):
            self.close()  # the next message opens a fresh connection
            raise

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None


def _write_file(message: EmailMessage, row_id: int, settings: MailSettings) -> None:
    settings.outbox_dir.mkdir(parents=True, exist_ok=True)
    target = settings.outbox_dir / f"{utcnow():%Y%m%dT%H%M%S}-{row_id:08d}.eml"
    target.write_bytes(bytes(message))


def deliver_due(*, limit: int = BATCH) -> dict[str, int]:
    """Send up to `limit` messages that are due over one SMTP connection; returns counts of sent and failed
    messages (together `limit`: more may be waiting, see `deliver_backlog`).

    Each message is marked in its own short transaction after its own attempt, so one bad
    address or a server hiccup never loses or re-sends the others.
    """
    settings = mail_settings()
    now = utcnow()
    with transaction() as session:
        rows = session.exec(
            select(OutboxMessage)
            .where(col(OutboxMessage.sent_at).is_(None), OutboxMessage.attempts < MAX_ATTEMPTS,
                   or_(col(OutboxMessage.next_attempt_at).is_(None), col(OutboxMessage.next_attempt_at) <= now))
            .order_by(sa.case((col(OutboxMessage.kind).in_(BULK_KINDS), 1), else_=0), col(OutboxMessage.id))
            .limit(limit)
        ).all()
    sent = failed = 0
    smtp = _SmtpSession(settings) if settings.host else None
    try:
        for row in rows:
            counted = _deliver_one(row, settings, smtp)
            sent, failed = sent + (counted == "sent"), failed + (counted == "failed")
    finally:
        if smtp is not None:
            smtp.close()
    return {"sent": sent, "failed": failed}


def deliver_backlog(*, seconds: float = 50.0, limit: int = BATCH) -> dict[str, int]:
    """`deliver_due` batch after batch while full batches come back, for at most about `seconds`: a worker
    round empties a newsletter's backlog instead of sending 200 mails a round."""
    began = time.monotonic()
    total = {"sent": 0, "failed": 0}
    while True:
        counts = deliver_due(limit=limit)
        total = {key: total[key] + counts[key] for key in total}
        if counts["sent"] + counts["failed"] < limit or time.monotonic() - began >= seconds:
            return total


def _deliver_one(row: OutboxMessage, settings: MailSettings, smtp: _SmtpSession | None) -> str:
    """Send one message and mark it in its own transaction: `sent`, `failed`, or `` when another worker
    marked it first."""
    assert row.id is not None
    error = ""
    try:
        message = _message(row, settings)
        if smtp is not None:
            smtp.send(message)
        else:
            _write_file(message, row.id, settings)
    except (OSError, smtplib.SMTPException, ValueError) as problem:
        error = f"{type(problem).__name__}: {problem}"[:300]
    with transaction() as session:
        current = session.get(OutboxMessage, row.id)
        if current is None or current.sent_at is not None:
            return ""
        current.attempts += 1
        if error:
            current.last_error = error
            current.next_attempt_at = utcnow() + backoff(current.attempts)
        else:
            current.sent_at = utcnow()
            current.last_error = ""
        session.add(current)
    return "failed" if error else "sent"


def secret_key() -> bytes:
    """The installation's signing key: TPD_SECRET_KEY, else a key made once next to the database."""
    raw = os.environ.get("TPD_SECRET_KEY", "")
    if raw:
        return raw.encode()
    # Embedded default: a per-installation key kept next to the database, created once.
    path = get_settings().private_dir / "secret_key"
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # Readable by this user only, whatever the umask.
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as key_file:
            key_file.write(os.urandom(32).hex().encode())
    return path.read_bytes().strip()


def signer(purpose: str) -> Callable[[int], str]:
    """`sign` for many values, the key read once (a course approval signs a link for every subscriber)."""
    key = secret_key()

    def sign_value(value: int) -> str:
        digest = hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()[:32]
        return f"{value}.{digest}"

    return sign_value


def sign(purpose: str, value: int) -> str:
    """A token `<value>.<hmac>` that proves the link came from us (e.g. one-click unsubscribe)."""
    return signer(purpose)(value)


def verify(purpose: str, token: str) -> int | None:
    """The value of a token made by `sign`, or None when it was tampered with."""
    value, _, digest = (token or "").partition(".")
    if not value.isdigit() or len(value) > 12:
        return None
    expected = sign(purpose, int(value)).partition(".")[2]
    return int(value) if hmac.compare_digest(expected, digest) else None
