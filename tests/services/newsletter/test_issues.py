"""Issues of the e-newsletter: publishing puts an issue in the public archive once; the archive is searched by
every word of the query anywhere in the issue; Markdown is shown without scripts or foreign frames."""

from __future__ import annotations

import pytest

from tests.services.newsletter.helpers import desk, issue_with_article
from tpd_app.domain.errors import Forbidden, NotFound, ValidationFailed
from tpd_app.models import NewsletterIssue
from tpd_app.services.newsletter import issues
from tpd_app.services.platform.db import transaction


def test_publishing_puts_the_issue_in_the_archive_and_queues_its_mailing_once(db_url: str):
    with transaction() as s:
        d = desk(s)
        issue_id = issue_with_article(s, d.editor)
        assert issues.archive(s) == ([], 0)  # a draft is not public
    with transaction() as s, pytest.raises(NotFound):
        issues.read(s, issue_id)
    with transaction() as s, pytest.raises(Forbidden):
        issues.publish(s, d.contributor, issue_id)
    with transaction() as s:
        issues.publish(s, d.editor, issue_id)
        rows, total = issues.archive(s)
        assert total == 1 and [r["title"] for r in rows] == ["新學年研習總覽"]
        assert rows[0]["number"] == "1" and rows[0]["articles"] == "報名一次看懂"
        shown = issues.read(s, issue_id)
        assert [a["title"] for a in shown["articles"]] == ["報名一次看懂"]
        assert "<strong>即日起</strong>" in shown["articles"][0]["html"]
        row = s.get(NewsletterIssue, issue_id)
        assert (row.status, row.send_state) == ("published", "queued")
    for again in (lambda s: issues.publish(s, d.editor, issue_id),
                  lambda s: issues.save_issue(s, d.editor, {"id": str(issue_id), "number": "1", "title": "改"})):
        with transaction() as s, pytest.raises(ValidationFailed) as refused:
            again(s)
        assert list(refused.value.field_errors.values()) == ["newsletter.error.issue_published"]


def test_an_issue_without_articles_is_not_published(db_url: str):
    with transaction() as s:
        d = desk(s)
        issue_id = issues.save_issue(s, d.editor, {"number": "3", "title": "空的一期"})
    with transaction() as s, pytest.raises(ValidationFailed) as refused:
        issues.publish(s, d.editor, issue_id)
    assert refused.value.field_errors == {"issue": "newsletter.error.no_articles"}
    with transaction() as s:
        assert s.get(NewsletterIssue, issue_id).status == "draft"


def test_the_archive_is_searched_by_every_word_in_titles_and_article_text(db_url: str):
    with transaction() as s:
        d = desk(s)
        first = issue_with_article(s, d.editor, number=1, title="新學年研習總覽", body="報名方式與**候補**遞補")
        second = issue_with_article(s, d.editor, number=2, title="特殊教育知能專題", body="融合教育工作坊紀實")
        draft = issue_with_article(s, d.editor, number=3, title="尚未發行的特殊一期", body="融合")
        issues.publish(s, d.editor, first)
        issues.publish(s, d.editor, second)
    with transaction() as s:
        def titles(keyword: str) -> list[str]:
            return [r["title"] for r in issues.archive(s, keyword)[0]]

        assert titles("") == ["特殊教育知能專題", "新學年研習總覽"]  # newest first
        assert titles("候補") == ["新學年研習總覽"]  # a word of an article, Markdown left out
        assert titles("融合 工作坊") == ["特殊教育知能專題"]  # every word
        assert titles("融合 候補") == []
        assert titles("特殊") == ["特殊教育知能專題"]  # the draft is never found
        assert titles("100%_") == []  # wildcards are no search syntax
        assert draft not in [int(r["id"]) for r in issues.archive(s, "")[0]]


def test_scripts_and_foreign_frames_are_shown_as_text(db_url: str):
    body = ("<script>alert('x')</script>\n\n<iframe src=\"https://evil.example\"></iframe>\n\n"
            "[點我](javascript:alert(1)) <img src=x onerror=alert(1)>")
    with transaction() as s:
        d = desk(s)
        issue_id = issue_with_article(s, d.editor, body=body)
        issues.publish(s, d.editor, issue_id)
        html = issues.read(s, issue_id)["articles"][0]["html"]
    assert "<script" not in html and "<iframe" not in html and "<img" not in html
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in html and "&lt;iframe" in html
    assert 'href="javascript' not in html
