"""Contributions to the e-newsletter: regional centres send articles, the national centre accepts or returns them
with a note, the contributor revises; only the editors edit issues; a refusal changes nothing."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.services.newsletter.helpers import article, desk, issue_with_article
from tpd_app.domain.errors import Forbidden, NotFound, ValidationFailed
from tpd_app.domain.newsletter import may_contribute, may_edit_newsletter
from tpd_app.models import AuditLog, NewsletterArticle, NewsletterIssue
from tpd_app.services.newsletter import articles, issues
from tpd_app.services.platform.db import transaction


def test_the_national_centre_and_the_ministry_edit_and_regional_centres_contribute(db_url: str):
    with transaction() as s:
        d = desk(s)
    assert may_edit_newsletter(d.editor) and may_edit_newsletter(d.moe)
    assert not may_edit_newsletter(d.contributor) and not may_edit_newsletter(d.school)
    assert may_contribute(d.contributor) and may_contribute(d.other_centre)
    assert not may_contribute(d.editor) and not may_contribute(d.school)
    for actor in (d.contributor, d.school):
        with transaction() as s, pytest.raises(Forbidden):
            issues.save_issue(s, actor, {"number": "1", "title": "第一期"})
        with transaction() as s, pytest.raises(Forbidden):
            articles.review_queue(s, actor)
    for actor in (d.editor, d.school):
        with transaction() as s, pytest.raises(Forbidden):
            articles.submit_contribution(s, actor, article())
    with transaction() as s:
        assert s.exec(select(NewsletterIssue)).all() == [] and s.exec(select(NewsletterArticle)).all() == []
        refused = s.exec(select(AuditLog).where(AuditLog.action == "access.denied")).all()
        assert len(refused) >= 4


def test_a_returned_contribution_is_revised_resubmitted_accepted_and_placed(db_url: str):
    with transaction() as s:
        d = desk(s)
        article_id = articles.submit_contribution(s, d.contributor, article())
        queue = articles.review_queue(s, d.editor)
        assert [(r["title"], r["state"]) for r in queue] == [("素養導向教學共備", "submitted")]
        assert "<strong>共備</strong>" in queue[0]["html"]
    with transaction() as s, pytest.raises(ValidationFailed) as refused:
        articles.return_article(s, d.editor, article_id, "  ")
    assert refused.value.field_errors == {"note": "validation.required"}
    with transaction() as s:
        articles.return_article(s, d.editor, article_id, "請補上社群的學校數。")
        mine = articles.my_contributions(s, d.contributor)
        assert [(r["state"], r["note"], r["editable"]) for r in mine] == [("returned", "請補上社群的學校數。", "1")]
        assert articles.my_contributions(s, d.other_centre) == []  # another centre sees none of it
    with transaction() as s, pytest.raises(NotFound):
        articles.submit_contribution(s, d.other_centre, article(id=str(article_id)))  # not its own
    with transaction() as s, pytest.raises(ValidationFailed):
        articles.accept(s, d.editor, article_id)  # returned: waiting for its author, not for review
    with transaction() as s:
        articles.submit_contribution(s, d.contributor, article(id=str(article_id), title="30 校共備社群成果"))
        articles.accept(s, d.editor, article_id)
        assert articles.my_contributions(s, d.contributor)[0]["state"] == "accepted"
    with transaction() as s, pytest.raises(ValidationFailed) as refused:
        articles.submit_contribution(s, d.contributor, article(id=str(article_id)))
    assert refused.value.field_errors == {"id": "newsletter.error.already_accepted"}
    with transaction() as s:
        issue_id = issue_with_article(s, d.editor)
        articles.place(s, d.editor, issue_id, article_id)
        titles = [r["title"] for r in issues.issue_articles(s, d.editor, issue_id)]
        assert titles == ["報名一次看懂", "30 校共備社群成果"]
        articles.move(s, d.editor, article_id, -1)
        assert [r["title"] for r in issues.issue_articles(s, d.editor, issue_id)] == titles[::-1]
        articles.move(s, d.editor, article_id, -1)  # already first: nothing moves
        assert [r["title"] for r in issues.issue_articles(s, d.editor, issue_id)] == titles[::-1]
        mine = articles.my_contributions(s, d.contributor)[0]
        assert (mine["state"], mine["issue"], mine["editable"]) == ("placed", "1", "")
        assert articles.review_queue(s, d.editor) == []  # placed: out of the queue
        articles.unplace(s, d.editor, article_id)
        assert [r["title"] for r in articles.review_queue(s, d.editor)] == ["30 校共備社群成果"]
        actions = set(s.exec(select(AuditLog.action)).all())
        assert {"newsletter.contribute", "newsletter.return", "newsletter.accept", "newsletter.place",
                "newsletter.move", "newsletter.unplace"} <= actions


def test_bad_input_is_named_and_changes_nothing(db_url: str):
    with transaction() as s:
        d = desk(s)
        issues.save_issue(s, d.editor, {"number": "1", "title": "第一期"})
    with transaction() as s, pytest.raises(ValidationFailed) as refused:
        articles.submit_contribution(s, d.contributor, {"title": "", "body": "", "summary": "x" * 301})
    assert refused.value.field_errors == {"title": "validation.required", "body": "validation.required",
                                          "summary": "newsletter.error.summary_long"}
    with transaction() as s, pytest.raises(ValidationFailed) as refused:
        issues.save_issue(s, d.editor, {"number": "1", "title": "又一期"})
    assert refused.value.field_errors == {"number": "newsletter.error.number_taken"}
    with transaction() as s, pytest.raises(ValidationFailed) as refused:
        issues.save_issue(s, d.editor, {"number": "0", "title": ""})
    assert refused.value.field_errors == {"number": "newsletter.error.number", "title": "validation.required"}
    for junk in (["1"], None, "x" * 300, "-1"):
        with transaction() as s, pytest.raises((NotFound, ValidationFailed)):
            articles.accept(s, d.editor, junk)
        with transaction() as s, pytest.raises((NotFound, ValidationFailed)):
            articles.move(s, d.editor, junk, 1)
    with transaction() as s:
        assert len(s.exec(select(NewsletterIssue)).all()) == 1 and s.exec(select(NewsletterArticle)).all() == []
