"""課程類別 reference data: kept by the national centre, offered to course forms while active."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.factories import make_world
from tpd_app.domain.errors import Forbidden, ValidationFailed
from tpd_app.domain.units import AccountCategory
from tpd_app.models import AuditLog, CourseTopic
from tpd_app.services.courses import topics
from tpd_app.services.courses.topics import topic_options
from tpd_app.services.platform.db import transaction

NEW = {"code": "media_literacy", "name_zh": "媒體素養教育", "name_en": "Media literacy", "sort_order": "50",
       "statutory": ""}


def test_national_centre_adds_a_topic_that_course_forms_then_offer(db_url: str):
    with transaction() as s:
        world = make_world(s)
        centre = world.actor(s, world.nc)
        assert "media_literacy" not in [t["code"] for t in topic_options(s)]  # the list is now kept a while
    with transaction() as s:
        topics.save_topic(s, centre, NEW)
    with transaction() as s:
        codes = [t["code"] for t in topic_options(s)]  # ... but not past a change
        audit = s.exec(select(AuditLog).where(AuditLog.action == "topic.add")).one()
    assert "media_literacy" in codes and audit.target_id == "media_literacy"


def test_retired_topic_is_no_longer_offered_but_stays_listed(db_url: str):
    with transaction() as s:
        world = make_world(s)
        moe = world.actor(s, world.moe)
        topics.save_topic(s, moe, NEW)
    with transaction() as s:
        assert "media_literacy" in [t["code"] for t in topic_options(s)]
        topics.set_topic_active(s, moe, "media_literacy", False)
    with transaction() as s:
        assert "media_literacy" not in [t["code"] for t in topic_options(s)]
        listed = {t["code"]: t for t in topics.list_topics(s, moe)}
    assert listed["media_literacy"]["active"] == ""


def test_editing_keeps_the_code_and_audits_the_rename(db_url: str):
    with transaction() as s:
        world = make_world(s)
        centre = world.actor(s, world.nc)
        topics.save_topic(s, centre, NEW)
    with transaction() as s:
        topics.save_topic(s, centre, {**NEW, "name_zh": "媒體識讀教育", "statutory": "1"})
    with transaction() as s:
        row = s.exec(select(CourseTopic).where(CourseTopic.code == "media_literacy")).one()
        audit = s.exec(select(AuditLog).where(AuditLog.action == "topic.edit")).one()
    assert (row.name_zh, row.statutory) == ("媒體識讀教育", True)
    assert audit.before["name_zh"] == "媒體素養教育" and audit.after["name_zh"] == "媒體識讀教育"


def test_bad_input_is_refused_field_by_field(db_url: str):
    with transaction() as s:
        world = make_world(s)
        centre = world.actor(s, world.nc)
    with pytest.raises(ValidationFailed) as failed, transaction() as s:
        topics.save_topic(s, centre, {"code": "Bad Code", "name_zh": "", "name_en": "", "sort_order": "x"})
    assert failed.value.field_errors == {"code": "topics.error.code", "name_zh": "validation.required",
                                         "name_en": "validation.required", "sort_order": "topics.error.order"}


@pytest.mark.parametrize("who", ["bureau_a", "k12ea", "school_a"])
def test_regional_centres_and_schools_cannot_manage_topics(db_url: str, who: str):
    with transaction() as s:
        world = make_world(s)
        actor = world.actor(s, getattr(world, who), AccountCategory.CHIEF)
    with pytest.raises(Forbidden), transaction() as s:
        topics.save_topic(s, actor, NEW)
    with transaction() as s:
        assert s.exec(select(CourseTopic).where(CourseTopic.code == "media_literacy")).first() is None
        assert s.exec(select(AuditLog).where(AuditLog.action == "access.denied")).first() is not None


def test_every_topic_the_network_starts_with_has_an_english_name(db_url: str):
    """English pages name topics in English everywhere (filters, records, statistics, subscriptions)."""
    with transaction() as s:
        rows = s.exec(select(CourseTopic)).all()
    assert rows
    for topic in rows:
        assert topic.name_en.strip() and topic.name_en.isascii() and topic.name_en != topic.name_zh, topic.code
