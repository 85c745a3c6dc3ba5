"""Review, bulk approval, conflict of interest, auto-review settings, browse and revocation."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.factories import make_world
from tests.services.course_data import course_form
from tpd_app.domain.courses import Action
from tpd_app.domain.errors import DomainError, Forbidden, ValidationFailed
from tpd_app.domain.units import AccountCategory
from tpd_app.models import AuditLog, CatalogueEntry, Course, CourseDecision
from tpd_app.services.courses import catalogue, lifecycle, review
from tpd_app.services.platform.db import transaction


def _setup():
    with transaction() as s:
        world = make_world(s)
        actors = {
            "operator": world.actor(s, world.school_a, AccountCategory.OPERATOR),
            "bureau_a": world.actor(s, world.bureau_a),
            "bureau_b": world.actor(s, world.bureau_b),
            "nc": world.actor(s, world.nc),
            "k12ea": world.actor(s, world.k12ea),
        }
    return world, actors


def _submitted(actor, **overrides) -> int:
    with transaction() as s:
        code = lifecycle.register_course(s, actor, course_form(**overrides), submit=True)
        return s.exec(select(Course.id).where(Course.code == code)).one()


def _status(course_id: int) -> str:
    with transaction() as s:
        return s.get(Course, course_id).status


def test_bureau_sees_its_county_courses_in_the_queue_and_not_another_countys(db_url: str):
    world, a = _setup()
    course_id = _submitted(a["operator"])
    with transaction() as s:
        other = world.actor(s, world.school_b)
    _submitted(other, title="高雄課程")
    with transaction() as s:
        rows_a, total_a = review.review_queue(s, a["bureau_a"])
        rows_b, _ = review.review_queue(s, a["bureau_b"])
        _, total_nc = review.review_queue(s, a["nc"])
        _, total_k12 = review.review_queue(s, a["k12ea"])
    assert [r["id"] for r in rows_a] == [str(course_id)] and total_a == 1
    assert [r["title"] for r in rows_b] == ["高雄課程"]
    assert total_nc == 2 and total_k12 == 0
    with transaction() as s:
        assert review.review_queue(s, a["nc"], county="KHH")[0][0]["title"] == "高雄課程"


def test_return_with_reason_then_resubmit_then_approve_publishes(db_url: str):
    _, a = _setup()
    course_id = _submitted(a["operator"])
    with pytest.raises(ValidationFailed) as refused, transaction() as s:
        review.decide(s, a["bureau_a"], course_id, Action.RETURN, " ")
    assert refused.value.field_errors == {"reason": "course.error.reason_required"}
    with transaction() as s:
        review.decide(s, a["bureau_a"], course_id, Action.RETURN, "請補充講師資料")
    with transaction() as s:
        shown = lifecycle.course_for_edit(s, a["operator"], course_id)
    assert shown["status"] == "returned" and shown["decision_reason"] == "請補充講師資料"
    assert shown["history"][0]["reason"] == "請補充講師資料"
    with transaction() as s:
        lifecycle.update_course(s, a["operator"], course_id, course_form(), submit=True)
    with transaction() as s:
        resubmitted = lifecycle.course_for_edit(s, a["operator"], course_id)
    # The reason is no longer shown as current once resubmitted; the history keeps it and marks the resubmission.
    assert resubmitted["decision_reason"] == ""
    assert [h["action"] for h in resubmitted["history"]] == ["resubmit", "return", "submit"]
    assert resubmitted["history"][1]["reason"] == "請補充講師資料"
    with transaction() as s:
        review.decide(s, a["bureau_a"], course_id, Action.APPROVE)
    with transaction() as s:
        rows, total = catalogue.search(s, catalogue.CatalogueQuery(keyword="融合教育"))
    assert total == 1 and rows[0]["title"].startswith("特殊教育")


def test_approving_an_approved_course_is_refused(db_url: str):
    _, a = _setup()
    course_id = _submitted(a["operator"])
    with transaction() as s:
        review.decide(s, a["bureau_a"], course_id, Action.APPROVE)
    with pytest.raises(DomainError) as refused, transaction() as s:
        review.decide(s, a["bureau_a"], course_id, Action.APPROVE)
    assert refused.value.key == "course.error.transition.approve"


def test_county_a_cannot_review_county_bs_course_and_the_refusal_is_audited(db_url: str):
    _, a = _setup()
    course_id = _submitted(a["operator"])
    with pytest.raises(Forbidden) as refused, transaction() as s:
        review.decide(s, a["bureau_b"], course_id, Action.APPROVE)
    assert refused.value.key == "error.forbidden.jurisdiction"
    assert _status(course_id) == "submitted"
    with transaction() as s:
        denied = s.exec(select(AuditLog).where(AuditLog.outcome == "denied")).all()
    assert denied and denied[-1].after["reason"] == "jurisdiction"


def test_an_operator_cannot_review_at_all(db_url: str):
    _, a = _setup()
    course_id = _submitted(a["operator"])
    with pytest.raises(Forbidden) as refused, transaction() as s:
        review.decide(s, a["operator"], course_id, Action.APPROVE)
    assert refused.value.key == "error.forbidden.unit_type"
    with pytest.raises(Forbidden), transaction() as s:
        review.review_queue(s, a["operator"])


def test_a_centres_own_course_is_reviewed_by_the_level_above(db_url: str):
    world, a = _setup()
    course_id = _submitted(a["bureau_a"], title="縣市自辦研習")
    with transaction() as s:
        assert s.get(Course, course_id).reviewer_unit_id == world.nc.id
        assert review.review_queue(s, a["bureau_a"])[1] == 0
    with pytest.raises(Forbidden) as refused, transaction() as s:
        review.decide(s, a["bureau_a"], course_id, Action.APPROVE)
    assert refused.value.key == "course.error.own_course"
    with transaction() as s:
        assert review.decide(s, a["nc"], course_id, Action.APPROVE) == "approved"


def test_reject_with_reason_is_final_and_shown_to_the_organizer(db_url: str):
    _, a = _setup()
    course_id = _submitted(a["operator"])
    with transaction() as s:
        review.decide(s, a["bureau_a"], course_id, Action.REJECT, "內容與教師專業發展無關")
    assert _status(course_id) == "rejected"
    with pytest.raises(DomainError), transaction() as s:
        lifecycle.update_course(s, a["operator"], course_id, course_form(), submit=True)


def test_bulk_approve_is_all_or_nothing(db_url: str):
    world, a = _setup()
    first, second = _submitted(a["operator"]), _submitted(a["operator"], title="第二門")
    with transaction() as s:
        other = world.actor(s, world.school_b)
    foreign = _submitted(other, title="高雄")
    with pytest.raises(Forbidden), transaction() as s:
        review.bulk_approve(s, a["bureau_a"], [first, second, foreign])
    assert {_status(first), _status(second)} == {"submitted"}
    with transaction() as s:
        assert review.bulk_approve(s, a["bureau_a"], [first, second]) == 2
        assert len(s.exec(select(CatalogueEntry)).all()) == 2
    with pytest.raises(ValidationFailed), transaction() as s:
        review.bulk_approve(s, a["bureau_a"], [])


def test_auto_review_for_the_whole_jurisdiction_publishes_at_submission(db_url: str):
    _, a = _setup()
    with transaction() as s:
        review.save_autoreview(s, a["bureau_a"], "all", [], [])
    course_id = _submitted(a["operator"])
    assert _status(course_id) == "auto_approved"
    with transaction() as s:
        rows, total = review.auto_approved(s, a["bureau_a"])
        assert total == 1 and rows[0]["id"] == str(course_id)
        assert review.auto_approved(s, a["bureau_b"])[1] == 0
        assert len(s.exec(select(CatalogueEntry)).all()) == 1


def test_auto_review_for_selected_kinds_only(db_url: str):
    world, a = _setup()
    with transaction() as s:
        review.save_autoreview(s, a["bureau_a"], "selected", [str(world.school_a.id)], ["workshop"])
    assert _status(_submitted(a["operator"], kind="lecture")) == "submitted"
    assert _status(_submitted(a["operator"], kind="workshop")) == "auto_approved"


def test_auto_review_settings_refuse_outsiders_and_other_countys_organizers(db_url: str):
    world, a = _setup()
    with pytest.raises(Forbidden), transaction() as s:
        review.save_autoreview(s, a["operator"], "all", [], [])
    with pytest.raises(ValidationFailed) as refused, transaction() as s:
        review.save_autoreview(s, a["bureau_a"], "selected", [str(world.school_b.id)], [])
    assert refused.value.field_errors == {"organizers": "autoreview.error.outside"}
    with pytest.raises(ValidationFailed), transaction() as s:
        review.save_autoreview(s, a["bureau_a"], "selected", [], [])
    with pytest.raises(ValidationFailed), transaction() as s:
        review.save_autoreview(s, a["bureau_a"], "sometimes", [], [])


def test_revoking_an_automatic_approval_needs_a_reason_and_unpublishes(db_url: str):
    _, a = _setup()
    with transaction() as s:
        review.save_autoreview(s, a["bureau_a"], "all", [], [])
    course_id = _submitted(a["operator"])
    with pytest.raises(Forbidden), transaction() as s:
        review.revoke(s, a["bureau_b"], course_id, "越權")
    with pytest.raises(ValidationFailed), transaction() as s:
        review.revoke(s, a["bureau_a"], course_id, "")
    with transaction() as s:
        review.revoke(s, a["bureau_a"], course_id, "講師資格不符")
    assert _status(course_id) == "returned"
    with transaction() as s:
        assert s.exec(select(CatalogueEntry)).all() == []
        assert s.exec(select(CourseDecision.action).where(CourseDecision.course_id == course_id)
                      .order_by(CourseDecision.id)).all() == ["auto_approve", "revoke"]
    with pytest.raises(DomainError) as refused, transaction() as s:
        review.revoke(s, a["bureau_a"], course_id, "again")
    assert refused.value.key == "course.error.transition.revoke"


def test_k12ea_reviews_national_schools(db_url: str):
    world, a = _setup()
    with transaction() as s:
        national = world.actor(s, world.national_school)
    course_id = _submitted(national)
    with pytest.raises(Forbidden), transaction() as s:
        review.decide(s, a["bureau_b"], course_id, Action.APPROVE)
    with transaction() as s:
        assert review.decide(s, a["k12ea"], course_id, Action.APPROVE) == "approved"


def test_the_reviewer_sees_what_changed_since_the_return_field_by_field(db_url: str):
    _, a = _setup()
    course_id = _submitted(a["operator"])
    with transaction() as s:
        first = review.course_for_review(s, a["bureau_a"], course_id)
        review.decide(s, a["bureau_a"], course_id, Action.RETURN, "請補充講師資料並調整名額")
    assert first["since_return"] is None  # never returned: nothing to compare
    with transaction() as s:
        lifecycle.update_course(s, a["operator"], course_id,
                                course_form(capacity="45", venue="本校視聽教室 B"), submit=True)
    with transaction() as s:
        again = review.course_for_review(s, a["bureau_a"], course_id)
    changes = {c["field"]: (c["before"], c["after"]) for c in again["since_return"]["changes"]}
    assert set(changes) == {"capacity", "venue"}
    assert changes["capacity"][1] == "45" and changes["venue"][1] == "本校視聽教室 B"
    assert again["since_return"]["reason"] == "請補充講師資料並調整名額"
    assert [h["action"] for h in again["history"]][:2] == ["resubmit", "return"]
    # Returned and resubmitted unchanged: said so (an empty list), not hidden.
    with transaction() as s:
        review.decide(s, a["bureau_a"], course_id, Action.RETURN, "再確認一次")
    with transaction() as s:
        lifecycle.update_course(s, a["operator"], course_id,
                                course_form(capacity="45", venue="本校視聽教室 B"), submit=True)
    with transaction() as s:
        assert review.course_for_review(s, a["bureau_a"], course_id)["since_return"]["changes"] == []
