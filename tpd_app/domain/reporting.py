"""Back-end reporting (後端資訊傳報, SPEC §3.5, seed 參.三.(二).2): the pure rules.

A county that runs its own training system sends its courses and attendance lists through the API; the
lists stay provisional until the county confirms the month they were sent in (at the start of the next
month). API clients act for their owner unit through the permission matrix: a client's scopes narrow
what the owner's unit type may do, and jurisdiction is the owner's.
"""

from __future__ import annotations

import ipaddress
import re
from datetime import date
from enum import StrEnum

from tpd_app.domain.permissions import Actor, Function, UnitRef
from tpd_app.domain.statuses import Status, styled
from tpd_app.domain.units import UnitType


@styled("reporting.mode", direct="gray", backend="blue")
class ReportingMode(Status):
    """How a county reports: its schools use the network's pages, or its own system sends the data."""

    DIRECT = "direct"
    BACKEND = "backend"


class Scope(StrEnum):
    """What an API client may do; each is checked per endpoint, then the matrix cell it maps to."""

    COURSES_WRITE = "courses:write"
    ATTENDANCE_WRITE = "attendance:write"
    RECORDS_READ = "records:read"


#: The matrix function behind each scope: sending a county's courses and lists is its reviewing centre's
#: work (they count as reviewed by it); reading its teachers' records back is what its statistics may see.
SCOPE_FUNCTIONS: dict[Scope, frozenset[Function]] = {
    Scope.COURSES_WRITE: frozenset({Function.COURSE_REVIEW}),
    Scope.ATTENDANCE_WRITE: frozenset({Function.COURSE_REVIEW}),
    Scope.RECORDS_READ: frozenset({Function.STATS_COUNTY}),
}

#: Units that may own API clients: a county bureau for its county's system, the national centre for
#: national platforms (online course platforms that send the hours of finished courses).
CLIENT_OWNERS: frozenset[UnitType] = frozenset({UnitType.COUNTY_BUREAU, UnitType.NATIONAL_CENTER})

TOKEN_PREFIX = "tpd"
_TOKEN = re.compile(r"^tpd_([0-9a-f]{12})_([A-Za-z0-9_-]{32,64})$")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
MAX_ADDRESSES = 20


def may_manage_clients(actor: Actor) -> bool:
    """County bureaus and the national centre keep API clients (for their own unit only)."""
    return actor.kind == "account" and actor.unit.type in CLIENT_OWNERS


def may_set_modes(actor: Actor) -> bool:
    """The national centre sets how each county reports."""
    return actor.kind == "account" and actor.unit.type is UnitType.NATIONAL_CENTER


def client_actor(*, client_id: int, owner: UnitRef, scopes: frozenset[Scope]) -> Actor:
    """The actor an API call runs as: the owner's unit, narrowed to the functions of its scopes."""
    functions = frozenset().union(*(SCOPE_FUNCTIONS[s] for s in scopes)) if scopes else frozenset()
    return Actor(kind="client", id=client_id, unit=owner, grants=functions)


def split_token(token: str) -> tuple[str, str] | None:
    """`tpd_<key id>_<secret>` -> (key id, secret); None for anything else."""
    match = _TOKEN.match(token.strip())
    return (match.group(1), match.group(2)) if match else None


def parse_addresses(text: str) -> tuple[list[str], list[str]]:
    """An allow-list typed one per line or comma-separated: (networks in CIDR form, entries not understood)."""
    good: list[str] = []
    bad: list[str] = []
    for raw in re.split(r"[\s,，]+", text or ""):
        if not raw:
            continue
        try:
            good.append(str(ipaddress.ip_network(raw, strict=False)))
        except ValueError:
            bad.append(raw[:60])
    return good, bad


def address_allowed(address: str, allowed: list[str]) -> bool:
    """Whether a call from `address` passes the client's allow-list (empty: any address)."""
    if not allowed:
        return True
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(net, strict=False) for net in allowed)


def month_of(day: date) -> str:
    """The month key of a Taipei calendar day: `2026-11`."""
    return f"{day.year:04d}-{day.month:02d}"


def previous_month(day: date) -> str:
    """The month before the one `day` is in: the one a county confirms at the start of this month."""
    return month_of(date(day.year - 1, 12, 1) if day.month == 1 else date(day.year, day.month - 1, 1))


def parse_month(text: str) -> str | None:
    """`2026-11` (or 民國 `115-11`, `115/11`) -> `2026-11`; None when malformed."""
    raw = (text or "").strip().replace("/", "-")
    roc = re.match(r"^(\d{2,3})-(\d{1,2})$", raw)
    if roc:
        raw = f"{int(roc.group(1)) + 1911:04d}-{int(roc.group(2)):02d}"
    return raw if _MONTH.match(raw) else None


def confirmable(month: str, today: date) -> bool:
    """A month may be confirmed once it has ended (from the 1st of the next month on)."""
    return month < month_of(today)
