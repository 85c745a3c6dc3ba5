"""The service-side permission check: every use case calls `require` before it acts."""

from __future__ import annotations

from tpd_app.domain.errors import Forbidden
from tpd_app.domain.permissions import Actor, Function, UnitRef, decide
from tpd_app.domain.units import UnitType
from tpd_app.models import Unit
from tpd_app.services.platform import audit


def unit_ref(unit: Unit) -> UnitRef:
    """The access-relevant facts of a unit row."""
    assert unit.id is not None
    return UnitRef(id=unit.id, type=UnitType(unit.type), county=unit.county, reviewer_id=unit.reviewer_id)


def require(
    actor: Actor,
    function: Function,
    target: UnitRef | None = None,
    *,
    ip: str = "",
    detail: str = "",
) -> None:
    """Raise `Forbidden` (and audit the refusal) unless `actor` may use `function` on `target`.

    Raises:
        Forbidden: the matrix, the account category, a grant or jurisdiction refuses it.
    """
    decision = decide(actor, function, target)
    if decision.allowed:
        return
    audit.record_now(
        action="access.denied",
        actor=actor,
        outcome="denied",
        target_type="function",
        target_id=function.value,
        after={"reason": decision.reason.value, "target_unit": target.id if target else None,
               "detail": detail[:200]},
        ip=ip,
    )
    raise Forbidden("error.forbidden." + decision.reason.value)
