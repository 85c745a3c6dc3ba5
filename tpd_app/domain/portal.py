"""The public information the network publishes (seed 參.二.(二).13–18): announcements (最新消息) and who
they reach, the FAQ, the rule documents in force, the video guides. Pure rules, no database."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from tpd_app.domain.permissions import Actor, UnitRef
from tpd_app.domain.statuses import Status as StyledStatus
from tpd_app.domain.statuses import styled
from tpd_app.domain.units import NATIONWIDE, REGIONAL_CENTERS


class Category(StrEnum):
    """What an announcement is about (its filter on /news)."""

    GENERAL = "general"
    COURSES = "courses"
    SYSTEM = "system"
    RULES = "rules"


class Status(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


@styled("portal.state", draft="gray", scheduled="amber", live="green", ended="gray", withdrawn="red")
class Publication(StyledStatus):
    """Where an announcement stands for its publisher's list."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    LIVE = "live"
    ENDED = "ended"
    WITHDRAWN = "withdrawn"


TITLE_MAX = 200
BODY_MAX = 20_000


def may_publish(actor: Actor) -> bool:
    """The national centre and the ministry publish to the nation; a regional centre to its jurisdiction."""
    return not actor.is_teacher and actor.kind == "account" and (
        actor.unit.type in NATIONWIDE or actor.unit.type in REGIONAL_CENTERS)


def publishes_nationally(actor: Actor) -> bool:
    return actor.unit.type in NATIONWIDE


def reaches(audience_unit_id: int | None, viewer: UnitRef | None) -> bool:
    """Whether an announcement meant for `audience_unit_id` (None: everyone; else a regional centre's
    jurisdiction) reaches someone of `viewer` (a teacher's school or an account's unit; None: a visitor).

    A regional announcement reaches the centre itself, the units it reviews (and their teachers), and the
    nationwide units that oversee every centre; never a visitor or another jurisdiction.
    """
    if audience_unit_id is None:
        return True
    if viewer is None:
        return False
    return viewer.id == audience_unit_id or viewer.reviewer_id == audience_unit_id or viewer.type in NATIONWIDE


def is_live(status: str, publish_from: datetime, publish_until: datetime | None, now: datetime) -> bool:
    """Published, and `now` inside its window (from inclusive, until exclusive)."""
    return status == Status.PUBLISHED.value and publish_from <= now and (publish_until is None or now < publish_until)


class FaqCategory(StrEnum):
    """What a question of the FAQ (問答集) is about."""

    ACCOUNTS = "accounts"
    COURSES = "courses"
    REGISTRATION = "registration"
    HOURS = "hours"
    REPORTING = "reporting"
    OTHER = "other"


QUESTION_MAX = 300
ANSWER_MAX = 10_000


def keeps_public_pages(actor: Actor) -> bool:
    """The FAQ, the rule documents and the video guides are the national centre's (and the ministry's),
    seed 參.二.(二).16–18."""
    return actor.kind == "account" and actor.unit.type in NATIONWIDE


class RuleDocument(StrEnum):
    """The rule documents the national centre keeps (seed 參.二.(二).17; teachers follow the usage rules,
    參.五.(三).5)."""

    USAGE = "usage"
    PRIVACY = "privacy"


RULE_TITLE_MAX = 200
RULE_BODY_MAX = 50_000
RULE_CHANGES_MAX = 5_000


@styled("rules.state", draft="gray", upcoming="amber", in_force="green", superseded="gray")
class RuleStanding(StyledStatus):
    """Where one version of a rule document stands today."""

    DRAFT = "draft"
    UPCOMING = "upcoming"
    IN_FORCE = "in_force"
    SUPERSEDED = "superseded"


def standings(versions: list[tuple[int, date, bool]], today: date) -> dict[int, RuleStanding]:
    """Each version's standing from (version, effective_on, published): the newest published version whose
    day has come is in force, later published ones are upcoming, earlier ones superseded."""
    published = sorted((v for v in versions if v[2]), key=lambda v: (v[1], v[0]))
    arrived = [v for v in published if v[1] <= today]
    current = arrived[-1][0] if arrived else None
    result = {number: RuleStanding.DRAFT for number, _, shown in versions if not shown}
    for number, effective_on, _ in published:
        result[number] = (RuleStanding.IN_FORCE if number == current else
                          RuleStanding.UPCOMING if effective_on > today else RuleStanding.SUPERSEDED)
    return result


class GuideAudience(StrEnum):
    """Whom a video guide is for (its filter on /guides)."""

    EVERYONE = "everyone"
    TEACHERS = "teachers"
    SCHOOLS = "schools"
    REVIEWERS = "reviewers"


GUIDE_TITLE_MAX = 200
GUIDE_DESCRIPTION_MAX = 1_000
GUIDE_TRANSCRIPT_MAX = 30_000
