"""Who activates whom, and what may change about a business account (SPEC §1.1, §1.2, seed §參, §肆.四).

Pure rules on `Actor` / `UnitRef`; the services load the rows and ask these functions.
Each rule answers with `None` (allowed) or the i18n key of the refusal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from tpd_app.domain.permissions import Actor, Function, UnitRef, grantable_functions, may
from tpd_app.domain.statuses import Status, styled
from tpd_app.domain.units import NATIONWIDE, REGIONAL_CENTERS, AccountCategory, UnitType


@styled("status", pending="amber", active="green", disabled="gray")
class AccountStatus(Status):
    """A business account waits for activation, is active or is disabled; a teacher account is active."""

    PENDING = "pending"
    ACTIVE = "active"
    DISABLED = "disabled"


CHIEF = AccountCategory.CHIEF

#: Account states.
PENDING = AccountStatus.PENDING.value
ACTIVE = AccountStatus.ACTIVE.value
DISABLED = AccountStatus.DISABLED.value
ACCOUNT_STATUSES = (PENDING, ACTIVE, DISABLED)


def via_subordinate(actor: Actor, target: UnitRef) -> bool:
    """A centre acting on another unit's accounts through `accounts.subordinate`.

    The national centre acts on every unit (regional centres, universities, social-education
    institutions and everything below, seed §參.二.(二).1–2); a regional centre on the units it
    reviews, never on itself: its own chief is activated by the national centre.
    """
    if actor.is_teacher or not may(actor, Function.ACCOUNTS_SUBORDINATE, target):
        return False
    if actor.unit.type in NATIONWIDE:
        return True
    return actor.unit.type in REGIONAL_CENTERS and target.id != actor.unit.id


def via_own_unit(actor: Actor, target: UnitRef) -> bool:
    """The holder of `accounts.own_unit` acting on the accounts of their own unit."""
    return (not actor.is_teacher and target.id == actor.unit.id
            and may(actor, Function.ACCOUNTS_OWN_UNIT, target))


def activation_problem(actor: Actor, target: UnitRef, category: AccountCategory,
                       *, unit_has_active_chief: bool) -> str | None:
    """May `actor` activate (or reject) an application for a `category` account of `target`?

    A chief application for a unit that already has an active chief is a chief change:
    only the national centre decides it (SPEC §1.2). A unit's first chief is activated by
    its reviewing centre; non-chief accounts also by the unit's own account manager.
    """
    if category is CHIEF:
        if unit_has_active_chief:
            return None if _is_national_centre(actor) else "accounts.error.chief_change_national_only"
        return None if via_subordinate(actor, target) else "error.forbidden.jurisdiction"
    if via_subordinate(actor, target) or via_own_unit(actor, target):
        return None
    return "error.forbidden.jurisdiction"


def _is_national_centre(actor: Actor) -> bool:
    return not actor.is_teacher and actor.unit.type == UnitType.NATIONAL_CENTER and may(
        actor, Function.ACCOUNTS_SUBORDINATE)


def manage_problem(actor: Actor, target: UnitRef, *, account_id: int, account_category: AccountCategory) -> str | None:
    """May `actor` change (enable, disable, reset, edit) another account of `target`?

    Nobody manages their own account here (that is `profile.*`); inside a unit nobody
    touches the chief (seed §肆.四.(三).4.(4)); a centre may manage any account it oversees.
    """
    if account_id == actor.id and not actor.is_teacher:
        return "accounts.error.own_account"
    if via_subordinate(actor, target):
        return None
    if via_own_unit(actor, target):
        return "accounts.error.chief_untouchable" if account_category is CHIEF else None
    return "error.forbidden.jurisdiction"


def category_switch_problem(actor: Actor, target: UnitRef, *, account_id: int,
                            current: AccountCategory, new: AccountCategory) -> str | None:
    """Switching an account between contact and operator; never to or from chief (SPEC §1.2)."""
    if problem := manage_problem(actor, target, account_id=account_id, account_category=current):
        return problem
    if CHIEF in (current, new):
        return "accounts.error.chief_change_national_only"
    return None


def disable_problem(*, category: AccountCategory, status: str, other_active_chiefs: int) -> str | None:
    """The last active chief of a unit cannot be disabled: file a chief change instead."""
    if category is CHIEF and status == ACTIVE and other_active_chiefs == 0:
        return "accounts.error.last_chief"
    return None


def grants_problem(category: AccountCategory) -> str | None:
    """A chief always has everything of the category: narrowing a chief could leave a unit that
    nobody can manage, and only the national centre changes who the chief is."""
    return "accounts.error.chief_grants" if category is CHIEF else None


def narrowed_grants(unit_type: UnitType, category: AccountCategory,
                    requested: Iterable[str]) -> tuple[list[str] | None, str | None]:
    """Validate a requested grant set: (grants to store, problem key).

    Grants can only switch off what the category has (never widen it); asking for
    everything stores None, meaning "all the category allows".
    """
    allowed = grantable_functions(unit_type, category)
    chosen: set[str] = set()
    for key in requested:
        if key not in {f.value for f in allowed}:
            return None, "accounts.error.grant_outside_category"
        chosen.add(key)
    if chosen == {f.value for f in allowed}:
        return None, None
    return sorted(chosen), None


def grants_after_category_change(unit_type: UnitType, new: AccountCategory,
                                 grants: list[str] | None) -> list[str] | None:
    """Keep only grants the new category still allows (a switch never widens an account)."""
    if grants is None:
        return None
    allowed = {f.value for f in grantable_functions(unit_type, new)}
    return sorted(g for g in grants if g in allowed)


def may_view_audit(actor: Actor) -> bool:
    """moe and the national centre see the whole audit log, regional centres their jurisdiction."""
    return not actor.is_teacher and actor.unit.type in (NATIONWIDE | REGIONAL_CENTERS)


@styled("employment", serving="green", left="gray", retired="gray")
class Employment(Status):
    """Whether a teacher is on her school's current roster; one who left keeps her account and record."""

    SERVING = "serving"
    LEFT = "left"
    RETIRED = "retired"


@styled("application.status", pending="amber", approved="green", rejected="red")
class ApplicationStatus(Status):
    """An application decided by someone else: a business or teacher account, a chief change."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


@styled("import.outcome", added="green", error="red")
class ImportOutcome(Status):
    """What became of one row of a teacher spreadsheet."""

    ADDED = "added"
    ERROR = "error"


@styled("audit.outcome", ok="gray", denied="gray", failed="gray", locked="gray", lockout="gray", inactive="gray")
class AuditOutcome(Status):
    """How an audited attempt ended; the audit viewer shows every outcome alike."""

    OK = "ok"
    DENIED = "denied"
    FAILED = "failed"
    LOCKED = "locked"
    LOCKOUT = "lockout"
    INACTIVE = "inactive"


# Directory changes (學校名錄異動, seed §參.三.(二).1.(7)).

DIRECTORY_KINDS = ("new", "closed", "renamed", "transformed", "merged")


@styled("directory.status", scheduled="amber", applied="blue", acknowledged="green")
class DirectoryChangeStatus(Status):
    """A reported change waits for its effective date, is applied to the directory, then acknowledged."""

    SCHEDULED = "scheduled"
    APPLIED = "applied"
    ACKNOWLEDGED = "acknowledged"


DIRECTORY_DEADLINES = ((6, 1), (12, 1))
REMINDER_DAYS = 30


@dataclass(frozen=True)
class Reminder:
    """The next directory report deadline and how many days are left."""

    deadline: date
    days_left: int


def next_directory_deadline(today: date) -> date:
    """The next 1 June or 1 December on or after `today`."""
    for year in (today.year, today.year + 1):
        for month, day in DIRECTORY_DEADLINES:
            deadline = date(year, month, day)
            if deadline >= today:
                return deadline
    raise AssertionError("unreachable")


def directory_reminder(today: date) -> Reminder | None:
    """A reminder in the 30 days up to a report deadline, otherwise None."""
    deadline = next_directory_deadline(today)
    days_left = (deadline - today).days
    return Reminder(deadline, days_left) if days_left <= REMINDER_DAYS else None


def directory_problem(actor: Actor, target: UnitRef | None) -> str | None:
    """Regional centres report changes of the units they review; the national centre of any unit."""
    if actor.is_teacher or not may(actor, Function.ACCOUNTS_SUBORDINATE):
        return "error.forbidden.unit_type"
    if target is None or actor.unit.type in NATIONWIDE:
        return None
    if actor.unit.type in REGIONAL_CENTERS and target.reviewer_id == actor.unit.id:
        return None
    return "error.forbidden.jurisdiction"
