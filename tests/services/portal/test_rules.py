"""使用管理要點 and the privacy policy: versions with the day each takes effect, the public history, and what
changed shown once to whoever was signed up before."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from tests.factories import actor_for_teacher, make_teacher, make_world
from tpd_app.domain.errors import Forbidden, NotFound, ValidationFailed
from tpd_app.domain.portal import RuleStanding, standings
from tpd_app.domain.timeutil import taipei_today
from tpd_app.models import AuditLog, RuleVersion, Teacher
from tpd_app.services.platform.db import transaction
from tpd_app.services.portal import rules


def _form(**fields: object) -> dict[str, object]:
    return {"document": "usage", "title": "全國教師在職進修資訊網使用管理要點", "body": "一、本要點依……訂定。",
            **fields}


def test_the_newest_published_version_whose_day_has_come_is_in_force():
    today = taipei_today()
    versions = [(1, today - timedelta(days=400), True), (2, today - timedelta(days=10), True),
                (3, today + timedelta(days=20), True), (4, today + timedelta(days=30), False)]
    assert standings(versions, today) == {1: RuleStanding.SUPERSEDED, 2: RuleStanding.IN_FORCE,
                                          3: RuleStanding.UPCOMING, 4: RuleStanding.DRAFT}
    assert standings(versions, today + timedelta(days=20))[3] is RuleStanding.IN_FORCE


def test_a_version_is_published_with_its_day_and_never_changed_after(db_url: str):
    today = taipei_today()
    with transaction() as s:
        w = make_world(s)
        centre = w.actor(s, w.nc)
        first = rules.save_draft(s, centre, _form(effective_on=today.isoformat()))
        rules.publish(s, centre, first, today=today)
        with pytest.raises(NotFound):  # a published version is not a draft any more
            rules.save_draft(s, centre, _form(id=str(first), body="改寫", effective_on=today.isoformat()))
        second = rules.save_draft(s, centre, _form(body="一、本要點依……訂定。\n\n二、新增條文。",
                                                   effective_on=(today + timedelta(days=7)).isoformat()))
        with pytest.raises(ValidationFailed) as one_draft:
            rules.save_draft(s, centre, _form(effective_on=today.isoformat()))
        with pytest.raises(ValidationFailed) as no_changes:  # a new version says what changed
            rules.publish(s, centre, second, today=today)
        rules.save_draft(s, centre, _form(id=str(second), body="一、本要點依……訂定。\n\n二、新增條文。",
                                          changes="新增第二點。", effective_on=(today + timedelta(days=7)).isoformat()))
        rules.publish(s, centre, second, today=today)
        now = rules.read(s, "usage", today=today)
        later = rules.read(s, "usage", today=today + timedelta(days=7))
        old = rules.read(s, "usage", "1", today=today + timedelta(days=7))
        listed = rules.in_force(s, today=today)
        actions = s.exec(select(AuditLog.action).where(AuditLog.target_type == "rule_version")).all()
    assert one_draft.value.field_errors == {"document": "rules.error.draft_exists"}
    assert no_changes.value.field_errors == {"changes": "rules.error.changes_needed"}
    assert (now["version"], now["state"]) == ("1", "in_force")
    assert [(h["version"], h["state"]) for h in now["history"]] == [("2", "upcoming"), ("1", "in_force")]
    assert listed[0]["upcoming_on"] == (today + timedelta(days=7)).isoformat()
    assert (later["version"], later["state"], "新增第二點" in later["changes_html"]) == ("2", "in_force", True)
    assert (old["version"], old["state"]) == ("1", "superseded")
    assert actions == ["rules.save", "rules.publish", "rules.save", "rules.save", "rules.publish"]


def test_a_rule_never_takes_effect_backwards_nor_before_the_one_it_replaces(db_url: str):
    today = taipei_today()
    with transaction() as s:
        w = make_world(s)
        centre = w.actor(s, w.nc)
        past = rules.save_draft(s, centre, _form(effective_on=(today - timedelta(days=1)).isoformat()))
        with pytest.raises(ValidationFailed) as backwards:
            rules.publish(s, centre, past, today=today)
        rules.save_draft(s, centre, _form(id=str(past), effective_on=(today + timedelta(days=5)).isoformat()))
        rules.publish(s, centre, past, today=today)
        sooner = rules.save_draft(s, centre, _form(changes="x", effective_on=(today + timedelta(days=2)).isoformat()))
        with pytest.raises(ValidationFailed) as before_it:
            rules.publish(s, centre, sooner, today=today)
        with pytest.raises(ValidationFailed) as bad:
            rules.save_draft(s, centre, {"document": "nope", "title": "", "body": "", "effective_on": "明天"})
        with pytest.raises(NotFound):  # nothing in force yet: the first version starts in five days
            rules.read(s, "usage", today=today)
    assert backwards.value.field_errors == {"effective_on": "rules.error.past"}
    assert before_it.value.field_errors == {"effective_on": "rules.error.not_after"}
    assert bad.value.field_errors == {"document": "rules.error.document", "title": "validation.required",
                                      "body": "validation.required", "effective_on": "rules.error.date"}


def test_only_the_national_centre_keeps_the_rules(db_url: str):
    with transaction() as s:
        w = make_world(s)
        bureau, school = w.actor(s, w.bureau_a), w.actor(s, w.school_a)
    for who in (bureau, school):
        with transaction() as s, pytest.raises(Forbidden):
            rules.save_draft(s, who, _form(effective_on=taipei_today().isoformat()))
        with transaction() as s, pytest.raises(Forbidden):
            rules.manage_list(s, who)
    with transaction() as s:
        assert s.exec(select(RuleVersion)).all() == []


def test_what_changed_is_shown_once_to_those_signed_up_before_it(db_url: str):
    today = taipei_today()
    with transaction() as s:
        w = make_world(s)
        centre = w.actor(s, w.nc)
        rules.publish(s, centre, rules.save_draft(s, centre, _form(effective_on=today.isoformat())), today=today)
        rules.publish(s, centre, rules.save_draft(s, centre, _form(
            changes="新增 **<script>alert(1)</script>** 的處理方式。",
            effective_on=(today + timedelta(days=3)).isoformat())), today=today)
        teacher_row = make_teacher(s, w.school_a)
        teacher = actor_for_teacher(teacher_row, w.school_a)
        newcomer_row = make_teacher(s, w.school_a)
        newcomer = actor_for_teacher(newcomer_row, w.school_a)
        s.flush()
        # The newcomer's account is made on the day the new version takes effect: she reads it as it is.
        s.get(Teacher, newcomer_row.id).created_at = s.get(Teacher, newcomer_row.id).created_at + timedelta(days=3)
        before = rules.notices(s, teacher, today=today)
        shown = rules.notices(s, teacher, today=today + timedelta(days=3))
        not_new = rules.notices(s, newcomer, today=today + timedelta(days=3))
        rules.acknowledge(s, teacher, "usage", today=today + timedelta(days=3))
        after = rules.notices(s, teacher, today=today + timedelta(days=3))
        # A business account is told the same way, and its acknowledgement is its own.
        staff = w.actor(s, w.school_a)
        staff_shown = rules.notices(s, staff, today=today + timedelta(days=3))
        rules.acknowledge(s, staff, "usage", today=today + timedelta(days=3))
        staff_after = rules.notices(s, staff, today=today + timedelta(days=3))
        with pytest.raises(NotFound):
            rules.acknowledge(s, teacher, "nothing", today=today)
    assert before == [] and not_new == [] and after == [] and staff_after == []
    assert [(n["document"], n["version"]) for n in staff_shown] == [("usage", "2")]
    assert [(n["document"], n["version"]) for n in shown] == [("usage", "2")]
    assert "&lt;script&gt;" in shown[0]["changes_html"] and "<script>" not in shown[0]["changes_html"]
