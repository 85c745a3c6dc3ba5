"""How each county reports (SPEC §3.5): directly on the network's pages, or back-end from its own system.
The national centre sets it; everyone who works with a county's data can read it."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, select

from tpd_app.domain.errors import Forbidden, ValidationFailed
from tpd_app.domain.permissions import Actor, Function
from tpd_app.domain.reporting import ReportingMode, may_set_modes
from tpd_app.domain.timeutil import parse_day, taipei_today, utcnow
from tpd_app.domain.units import COUNTIES, UnitType
from tpd_app.models import CountyReporting, Unit
from tpd_app.services.platform import audit
from tpd_app.services.platform.guard import require
from tpd_app.services.platform.validation import clean
from tpd_app.services.reporting import months


def mode_of(session: Session, county: str | None, today: date | None = None) -> ReportingMode:
    """The county's mode on `today` (back-end only from its `since` day; no row: direct)."""
    if not county:
        return ReportingMode.DIRECT
    row = session.exec(select(CountyReporting).where(CountyReporting.county == county)).first()
    if row is None or row.mode != ReportingMode.BACKEND.value or row.since > (today or taipei_today()):
        return ReportingMode.DIRECT
    return ReportingMode.BACKEND


def list_modes(session: Session, actor: Actor, *, ip: str = "") -> list[dict[str, str]]:
    """Every county with its mode, since when, and the ended months its system sent that it has not yet
    confirmed, with their provisional lists (the national centre's table).

    Raises:
        Forbidden: only the national centre sets the modes.
    """
    _require_setter(actor, ip)
    rows = {r.county: r for r in session.exec(select(CountyReporting)).all()}
    bureaus = {u.county: u.id for u in session.exec(select(Unit).where(
        Unit.type == UnitType.COUNTY_BUREAU.value, Unit.status == "active")).all()}
    waiting = months.unconfirmed(session, taipei_today())
    return [{"county": code, "mode": rows[code].mode if code in rows else ReportingMode.DIRECT.value,
             "since": rows[code].since.isoformat() if code in rows else "",
             "unconfirmed": ", ".join(f"{m} ({n})" for m, n in sorted(waiting.get(bureaus.get(code, -1), {}).items()))}
            for code in COUNTIES]


def _require_setter(actor: Actor, ip: str) -> None:
    require(actor, Function.COURSE_REVIEW, ip=ip, detail="reporting_modes")
    if not may_set_modes(actor):
        audit.record_now(action="access.denied", actor=actor, outcome="denied", target_type="function",
                         target_id="reporting_modes", after={"reason": "unit_type"}, ip=ip)
        raise Forbidden("error.forbidden.unit_type")


def set_mode(session: Session, actor: Actor, data: dict[str, Any], *, ip: str = "") -> dict[str, str]:
    """Set a county's mode from a day on (today when blank).

    Raises:
        Forbidden: only the national centre. ValidationFailed: unknown county or mode, a day not understood.
    """
    _require_setter(actor, ip)
    county, mode = clean(data.get("county"), 8), clean(data.get("mode"), 16)
    since_text = clean(data.get("since"), 16)
    since = parse_day(since_text) if since_text else taipei_today()
    errors: dict[str, str] = {}
    if county not in COUNTIES:
        errors["county"] = "reporting.error.county"
    if mode not in {m.value for m in ReportingMode}:
        errors["mode"] = "reporting.error.mode"
    if since is None:
        errors["since"] = "common.error.date"
    if errors:
        raise ValidationFailed(errors)
    assert since is not None
    row = session.exec(select(CountyReporting).where(CountyReporting.county == county)).first()
    before = {"mode": row.mode, "since": row.since.isoformat()} if row else {"mode": "direct", "since": None}
    if row is None:
        row = CountyReporting(county=county, since=since)
    row.mode, row.since, row.updated_by_account_id, row.updated_at = mode, since, actor.id, utcnow()
    session.add(row)
    session.flush()
    audit.record(session, action="reporting.mode", actor=actor, target_type="county", target_id=county,
                 before=before, after={"mode": mode, "since": since.isoformat()}, ip=ip)
    return {"county": county, "mode": mode, "since": since.isoformat()}
