"""Command line: `python -m tpd_app.cli migrate | load-demo | generate-courses | generate-national |
rebuild-stats | create-admin`; `preflight` (ready to serve? `--production`: also a secret key, a public
origin, an administrator, no demo data), `build` (the frontend, only when the code changed) and `serve`
(which starts `serve-api`, the reporting API in a process of its own, beside it);
`worker` (the long-lived process beside the web server: every minute queues the e-newsletter's mailings and
delivers the outbox, and runs each daily chore once a day, `services.chores`); and each of its jobs alone:
`send-mail` (once, or `--loop 60`), `apply-directory-changes`, `send-directory-reminders`, `send-digests`;
`backup` and `restore`."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from tpd_app.domain.errors import ValidationFailed
from tpd_app.i18n import translate
from tpd_app.settings import ROOT, get_settings


def migrate(url: str | None = None) -> None:
    """Apply every Alembic migration to the configured database."""
    from alembic.config import Config

    from alembic import command

    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "alembic"))
    if url:
        config.attributes["url"] = url
    command.upgrade(config, "head")


def _ensure_sqlite_dir() -> None:
    url = get_settings().database_url
    if url.startswith("sqlite:///"):
        from pathlib import Path

        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)


def _mail_round(*, survive: bool) -> None:
    """Deliver the due outbox once; a long-lived worker (`survive`) outlives a database hiccup and tries
    again next round."""
    from tpd_app.services.platform.mail import deliver_backlog

    try:
        counts = deliver_backlog()
        print(f"mail sent={counts['sent']} failed={counts['failed']}", flush=True)
    except Exception as error:
        if not survive:
            raise
        print(f"mail delivery failed: {error}", file=sys.stderr, flush=True)


def _backup_or_restore(args: argparse.Namespace) -> int:
    from datetime import datetime

    from tpd_app.services.platform.backup import BackupError, backup, restore

    try:
        if args.command == "backup":
            suffix = ".db" if get_settings().database_url.startswith("sqlite") else ".dump"
            target = args.to or ROOT / "data" / "backups" / f"tpd-{datetime.now():%Y%m%d-%H%M%S}{suffix}"
            print(f"backup written: {backup(target)}")
            return 0
        if not args.yes:
            print(f"This replaces every record in the database with {args.source}. Stop the app and its worker, "
                  "then run again with --yes.", file=sys.stderr)
            return 2
        saved = restore(args.source)
        print(f"restored from {args.source}; the data it replaced is saved in {saved}. Start the app again.")
        return 0
    except BackupError as error:
        print(f"{args.command} failed: {error}", file=sys.stderr)
        return 1


def _preflight(*, production: bool) -> int:
    """Print every readiness check (and, for production, what is missing); 1 if anything fails."""
    from tpd_app.services.platform.db import transaction
    from tpd_app.services.platform.readiness import make_private, production_problems, readiness

    for path in make_private():
        print(f"made private (this user only): {path}", flush=True)
    checks = readiness()
    for check in checks:
        print(f"{'ok ' if check.ok else 'NOT'} {check.name}: {check.detail}", flush=True)
    problems = [f"{c.name}: {c.detail}" for c in checks if not c.ok]
    if production and all(c.ok for c in checks if c.name in ("database", "migrations")):
        with transaction() as session:
            problems += production_problems(session)
    for problem in problems:
        print(f"Cannot serve: {problem}", file=sys.stderr, flush=True)
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tpd_app.cli", description="TPD administration")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply the database migrations")
    sub.add_parser("load-demo", help="load the demo data into an empty database")
    volume = sub.add_parser("generate-courses", help="add a national volume of approved courses (load tests only)")
    volume.add_argument("--count", type=int, default=500_000)
    volume.add_argument("--years", type=int, default=5)
    volume.add_argument("--seed", type=int, default=7)
    national = sub.add_parser("generate-national",
                              help="add a national statistics dataset: schools, teachers, courses, hours (load tests)")
    national.add_argument("--scale", type=float, default=1.0, help="1.0: 12,000 schools, 250,000 teachers, "
                          "100,000 courses a year, >=10 million hour records")
    national.add_argument("--years", type=int, default=5)
    national.add_argument("--seed", type=int, default=7)
    sub.add_parser("rebuild-stats", help="recompute the statistics rollups from the hours ledger")
    sub.add_parser("apply-directory-changes", help="apply directory changes whose effective date has come")
    sub.add_parser("send-directory-reminders", help="queue the 1 June / 1 December directory report reminders")
    mail_cmd = sub.add_parser("send-mail", help="deliver due outbox messages (SMTP or the local outbox directory)")
    mail_cmd.add_argument("--loop", type=int, default=0, help="keep running, delivering every N seconds")
    sub.add_parser("send-digests", help="queue the daily subscription digests")
    worker = sub.add_parser("worker", help="deliver mail every N seconds and run each daily chore once a day")
    worker.add_argument("--interval", type=int, default=60, help="seconds between rounds")
    worker.add_argument("--once", action="store_true", help="one round, then exit")
    admin = sub.add_parser("create-admin", help="create the first national-centre administrator")
    admin.add_argument("--username", required=True)
    admin.add_argument("--name", required=True)
    admin.add_argument("--email", required=True)
    admin.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    preflight = sub.add_parser("preflight", help="check the database, Redis and disk are ready to serve")
    preflight.add_argument("--production", action="store_true",
                           help="also require a secret key, a public origin, an administrator and no demo data")
    build = sub.add_parser("build", help="build the production frontend unless the current build is up to date")
    build.add_argument("--force", action="store_true")
    serve = sub.add_parser("serve", help="serve the built frontend and the backend on one port")
    serve.add_argument("--host", default="0.0.0.0")
    serve.add_argument("--port", type=int, default=int(os.environ.get("TPD_PORT", "3000")))
    serve_api = sub.add_parser("serve-api", help="serve the reporting API on a Unix socket (`serve` starts it)")
    serve_api.add_argument("--socket", type=Path, required=True)
    backup_cmd = sub.add_parser("backup", help="write a consistent copy of the database (online)")
    backup_cmd.add_argument("--to", type=Path, help="the new backup file (default: data/backups/tpd-<time>)")
    restore_cmd = sub.add_parser("restore", help="replace the database with a backup (stop the app first)")
    restore_cmd.add_argument("--from", dest="source", type=Path, required=True)
    restore_cmd.add_argument("--yes", action="store_true", help="really replace the current data")
    args = parser.parse_args(argv)
    # Whatever a command creates (the SQLite file, a secret key, attachments, logs) is for this user only.
    os.umask(0o077)

    _ensure_sqlite_dir()
    if args.command == "migrate":
        migrate()
        print("migrations applied")
        return 0

    if args.command in ("backup", "restore"):
        return _backup_or_restore(args)

    if args.command == "build":
        from tpd_app.serving import build as build_frontend

        build_frontend(force=args.force)
        return 0

    if args.command == "serve":
        from tpd_app.serving import serve as serve_app

        serve_app(host=args.host, port=args.port)
        return 0

    if args.command == "serve-api":
        from tpd_app.api.upstream import serve_api as serve_reporting_api

        serve_reporting_api(args.socket)
        return 0

    from tpd_app.services.platform.db import transaction

    if args.command == "preflight":
        return _preflight(production=args.production)

    if args.command == "load-demo":
        from tpd_app.devdata.demo import load_demo

        with transaction() as session:
            counts = load_demo(session)
        print("demo data loaded: " + ", ".join(f"{k}={v}" for k, v in counts.items())
              if counts else "database not empty: demo data not loaded")
        return 0

    if args.command == "generate-courses":
        from tpd_app.devdata.volume import generate_courses, optimize

        with transaction() as session:
            made = generate_courses(session, count=args.count, years=args.years, seed=args.seed, progress=True)
        with transaction() as session:
            optimize(session)
        print(f"generated {made} approved courses")
        return 0

    if args.command == "generate-national":
        from tpd_app.devdata.volume import optimize
        from tpd_app.devdata.volume_stats import generate_national

        with transaction() as session:
            counts = generate_national(session, scale=args.scale, years=args.years, seed=args.seed, progress=True)
        with transaction() as session:
            optimize(session)
        print("generated: " + ", ".join(f"{k}={v:,}" for k, v in counts.items()))
        return 0

    if args.command == "rebuild-stats":
        import time

        from tpd_app.services.stats.rollups import rebuild_rollups

        began = time.monotonic()
        with transaction() as session:
            counts = rebuild_rollups(session, progress=lambda done: print(
                f"  [{time.monotonic() - began:7.1f} s] {done}", flush=True))
        print("statistics rebuilt: " + ", ".join(f"{k}={v:,}" for k, v in counts.items())
              + f" in {time.monotonic() - began:.0f} s (one transaction)")
        return 0

    if args.command == "apply-directory-changes":
        from tpd_app.services.accounts.directory import apply_due_changes

        with transaction() as session:
            print(f"directory changes applied: {apply_due_changes(session)}")
        return 0

    if args.command == "send-directory-reminders":
        from tpd_app.services.accounts.directory import queue_reminders

        with transaction() as session:
            print(f"directory reminders queued: {queue_reminders(session)}")
        return 0

    if args.command == "send-mail":
        import time

        while True:
            _mail_round(survive=args.loop > 0)
            if args.loop <= 0:
                return 0
            time.sleep(args.loop)

    if args.command == "worker":
        import time

        from tpd_app.services.platform.logs import configure_logging

        configure_logging()

        from tpd_app.chores import run_due_chores, run_round_jobs

        while True:
            for name, outcome in run_round_jobs().items():
                if outcome:
                    print(f"{name}: {outcome}", flush=True)
            _mail_round(survive=True)
            for name, outcome in run_due_chores().items():
                print(f"{name}: {outcome}", flush=True)
            if args.once:
                return 0
            time.sleep(max(1, args.interval))

    if args.command == "send-digests":
        from tpd_app.services.hours.subscriptions import send_digests

        with transaction() as session:
            print(f"digests queued: {send_digests(session)}")
        return 0

    from tpd_app.services.accounts.admin import create_first_admin

    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("Password: ")
    try:
        with transaction() as session:
            account = create_first_admin(session, username=args.username, password=password,
                                         name=args.name, email=args.email)
    except ValidationFailed as error:
        for name, key in error.field_errors.items():
            print(f"{name}: {translate(key)}", file=sys.stderr)
        return 2
    print(f"created administrator {account.username}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
