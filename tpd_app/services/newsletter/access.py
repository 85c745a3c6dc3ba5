"""Who may edit the e-newsletter and who may contribute to it: the matrix cell, then the unit-type rule of
`domain/newsletter`, a refusal audited either way."""

from __future__ import annotations

from tpd_app.domain.errors import Forbidden
from tpd_app.domain.newsletter import may_contribute, may_edit_newsletter
from tpd_app.domain.permissions import Actor, Function
from tpd_app.services.platform import audit
from tpd_app.services.platform.guard import require


def _refuse(actor: Actor, detail: str, ip: str) -> None:
    audit.record_now(action="access.denied", actor=actor, outcome="denied", target_type="function",
                     target_id=detail, after={"reason": "unit_type"}, ip=ip)
    raise Forbidden("error.forbidden.unit_type")


def require_editor(actor: Actor, ip: str) -> None:
    """Raises:
        Forbidden: not the national centre or the ministry (the e-newsletter's editors).
    """
    require(actor, Function.COURSE_REVIEW, ip=ip, detail="newsletter")
    if not may_edit_newsletter(actor):
        _refuse(actor, "newsletter", ip)


def require_contributor(actor: Actor, ip: str) -> None:
    """Raises:
        Forbidden: not a regional centre (those contribute articles).
    """
    require(actor, Function.COURSE_REVIEW, ip=ip, detail="newsletter.contribute")
    if not may_contribute(actor):
        _refuse(actor, "newsletter.contribute", ip)
