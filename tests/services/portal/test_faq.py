"""問答集: kept by the national centre, searched by any Chinese word, answered once per reader, shown safely."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.factories import make_world
from tpd_app.domain.errors import Forbidden, NotFound, ValidationFailed
from tpd_app.models import FaqEntry, FaqVote
from tpd_app.services.platform.db import transaction
from tpd_app.services.portal import faq


def _entry(**fields: object) -> dict[str, object]:
    return {"question": "研習時數何時會出現在研習紀錄？", "category": "hours", "published": "1",
            "answer": "辦理單位上傳名單並經**名單確認**後寫入。", **fields}


def _questions(rows: list[dict[str, str]]) -> list[str]:
    return [r["question"] for r in rows]


def test_a_search_finds_any_chinese_word_in_questions_and_answers(db_url: str):
    with transaction() as s:
        w = make_world(s)
        centre = w.actor(s, w.nc)
        faq.save_entry(s, centre, _entry())
        faq.save_entry(s, centre, _entry(question="忘記密碼怎麼辦？", category="accounts",
                                         answer="在登入頁按「忘記密碼」，系統寄出重設連結。", sort_order="1"))
        faq.save_entry(s, centre, _entry(question="尚未公開的問題", published=""))
        assert _questions(faq.search(s)) == ["忘記密碼怎麼辦？", "研習時數何時會出現在研習紀錄？"]
        assert _questions(faq.search(s, "名單確認")) == ["研習時數何時會出現在研習紀錄？"]  # a word of the answer
        assert _questions(faq.search(s, "重設 連結")) == ["忘記密碼怎麼辦？"]  # every word must be there
        assert _questions(faq.search(s, "時數 密碼")) == []
        assert _questions(faq.search(s, "", "accounts")) == ["忘記密碼怎麼辦？"]
        assert faq.search(s, "尚未公開") == []  # not published: not found
        assert faq.search(s, "100%_") == []  # wildcards are no search syntax


def test_only_the_national_centre_keeps_the_faq_and_bad_input_is_named(db_url: str):
    with transaction() as s:
        w = make_world(s)
        bureau, centre = w.actor(s, w.bureau_a), w.actor(s, w.nc)
    with transaction() as s, pytest.raises(Forbidden):
        faq.save_entry(s, bureau, _entry())
    with transaction() as s:
        with pytest.raises(ValidationFailed) as refused:
            faq.save_entry(s, centre, {"question": "", "answer": "", "category": "gossip", "sort_order": "-1"})
        assert refused.value.field_errors == {"question": "validation.required", "answer": "validation.required",
                                              "category": "faq.error.category", "sort_order": "faq.error.sort_order"}
        with pytest.raises(NotFound):
            faq.save_entry(s, centre, _entry(id="999"))
        assert s.exec(select(FaqEntry)).all() == []
        saved = faq.save_entry(s, centre, _entry())
        faq.save_entry(s, centre, _entry(id=str(saved), question="研習時數多久會登錄？"))
        assert _questions(faq.manage_list(s, centre)) == ["研習時數多久會登錄？"]


def test_each_reader_says_once_whether_it_helped(db_url: str):
    with transaction() as s:
        w = make_world(s)
        saved = faq.save_entry(s, w.actor(s, w.nc), _entry())
        hidden = faq.save_entry(s, w.actor(s, w.nc), _entry(question="草稿", published=""))
    with transaction() as s:
        assert faq.vote(s, "tab:one", str(saved), True) is True
        assert faq.vote(s, "tab:one", str(saved), False) is False  # the same reader again: not counted
        assert faq.vote(s, "teacher:7", str(saved), False) is True
        with pytest.raises(NotFound):
            faq.vote(s, "tab:two", str(hidden), True)
        with pytest.raises(NotFound):
            faq.vote(s, "tab:two", "not-an-id", True)
    with transaction() as s:
        row = s.get(FaqEntry, saved)
        assert (row.helpful_yes, row.helpful_no) == (1, 1)
        assert len(s.exec(select(FaqVote)).all()) == 2
        assert all("tab:one" not in v.voter for v in s.exec(select(FaqVote)))  # who voted is kept as a hash


def test_an_answer_is_shown_as_safe_html(db_url: str):
    with transaction() as s:
        w = make_world(s)
        faq.save_entry(s, w.actor(s, w.nc), _entry(answer="<script>alert(1)</script> [x](javascript:alert(1))"))
        html = faq.search(s)[0]["html"]
    assert "<script" not in html and "&lt;script&gt;" in html and 'href="javascript' not in html
