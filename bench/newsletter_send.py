"""What mailing one e-newsletter issue to many subscribers costs: queuing the mails, then delivering them.

    python bench/newsletter_send.py                      # 20,000 subscribers, a fresh SQLite file
    python bench/newsletter_send.py --subscribers 200000

Sets up `--subscribers` confirmed subscribers and one published issue waiting to be sent, then times:
1. queuing (`newsletter/sending.send_queued`: 2,000 outbox rows per transaction, as each worker round does);
2. delivery to a local SMTP server (aiosmtpd, on this machine) with `mail.deliver_backlog`, one SMTP
   connection per batch of 200, as the worker now does;
3. for comparison, `--sample` messages delivered one connection each (how the outbox delivered before).
Prints figures only; asserts nothing. The SMTP server is local, so a real relay's network round trips and
its own limits come on top.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


class _Sink:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subscribers", type=int, default=20_000)
    parser.add_argument("--sample", type=int, default=500, help="messages sent one connection each")
    args = parser.parse_args()

    path = Path(tempfile.mkdtemp()) / "newsletter-bench.db"
    os.environ["TPD_DATABASE_URL"] = f"sqlite:///{path}"
    from aiosmtpd.controller import Controller

    sink, port = _Sink(), _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    os.environ.update({"TPD_SMTP_HOST": "127.0.0.1", "TPD_SMTP_PORT": str(port), "TPD_SMTP_TLS": "none"})

    import sqlalchemy as sa

    from tpd_app.cli import migrate
    from tpd_app.domain.timeutil import utcnow
    from tpd_app.models import NewsletterIssue, NewsletterSubscriber, OutboxMessage
    from tpd_app.services.newsletter.sending import send_queued
    from tpd_app.services.platform import mail
    from tpd_app.services.platform.db import transaction

    migrate()
    now = utcnow()
    with transaction() as session:
        session.execute(sa.insert(NewsletterSubscriber.__table__), [  # type: ignore[attr-defined]
            {"email": f"reader{n:06d}@example.edu.tw", "teacher_id": None, "status": "confirmed", "token_digest": "",
             "token_expires_at": None, "confirmed_at": now, "created_at": now, "updated_at": now}
            for n in range(args.subscribers)])
        session.add(NewsletterIssue(number=1, title="教師專業發展電子報 第 1 期", intro="本期介紹寒假研習。",
                                    status="published", published_at=now, send_state="queued"))

    began = time.perf_counter()
    queued = send_queued(seconds=10_000)
    queue_seconds = time.perf_counter() - began
    print(f"subscribers {args.subscribers:,}: queued {queued:,} mails in {queue_seconds:.1f} s "
          f"({queued / queue_seconds:,.0f} mails/s)")

    began = time.perf_counter()
    counts = mail.deliver_backlog(seconds=10_000)
    deliver_seconds = time.perf_counter() - began
    rate = counts["sent"] / deliver_seconds
    print(f"delivered {counts['sent']:,} (failed {counts['failed']}) in {deliver_seconds:.1f} s: {rate:,.0f} mails/s "
          f"over one connection per batch of {mail.BATCH}; 200,000 copies ~{200_000 / rate / 60:.0f} min")

    with transaction() as session:
        session.execute(sa.update(OutboxMessage.__table__).where(  # type: ignore[attr-defined]
            OutboxMessage.__table__.c.id <= args.sample).values(sent_at=None))  # type: ignore[attr-defined]
    began = time.perf_counter()
    one_each = sum(mail.deliver_due(limit=1)["sent"] for _ in range(args.sample))
    each_seconds = time.perf_counter() - began
    each_rate = one_each / each_seconds
    print(f"one connection per message (before): {one_each:,} in {each_seconds:.1f} s: {each_rate:,.0f} mails/s; "
          f"200,000 copies ~{200_000 / each_rate / 60:.0f} min at best (the worker took 200 a minute: ~17 h)")
    print(f"the SMTP server received {sink.count:,} messages")
    controller.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
