"""The public catalogue: only approved courses, Chinese keyword search, filters, paging."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from tests.factories import make_world
from tests.services.course_data import course_form
from tpd_app.domain.courses import Action
from tpd_app.domain.search_text import index_tokens, match_query
from tpd_app.domain.timeutil import taipei_today
from tpd_app.models import Course
from tpd_app.services.courses import catalogue, lifecycle, review
from tpd_app.services.courses.catalogue import CatalogueQuery
from tpd_app.services.platform.db import transaction


def _approved(world, actor_unit, reviewer_unit, **overrides) -> str:
    with transaction() as s:
        organizer = world.actor(s, actor_unit)
        reviewer = world.actor(s, reviewer_unit)
        code = lifecycle.register_course(s, organizer, course_form(**overrides), submit=True)
        course_id = s.exec(select(Course.id).where(Course.code == code)).one()
        review.decide(s, reviewer, course_id, Action.APPROVE)
    return code


def _search(**params) -> tuple[list[dict[str, str]], int]:
    with transaction() as s:
        return catalogue.search(s, CatalogueQuery.from_params(params))


def test_only_approved_courses_appear(db_url: str):
    with transaction() as s:
        world = make_world(s)
        operator = world.actor(s, world.school_a)
        lifecycle.register_course(s, operator, course_form(title="草稿課程"), submit=False)
        lifecycle.register_course(s, operator, course_form(title="待審課程"), submit=True)
    _approved(world, world.school_a, world.bureau_a, title="已核准課程")
    rows, total = _search()
    assert [r["title"] for r in rows] == ["已核准課程"] and total == 1


@pytest.mark.parametrize("dense_ratio", [catalogue.DENSE_RATIO, 0], ids=["date-index walk", "match list"])
def test_two_character_chinese_keywords_match_inside_words(db_url: str, dense_ratio: int,
                                                           monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(catalogue, "DENSE_RATIO", dense_ratio)
    with transaction() as s:
        world = make_world(s)
    _approved(world, world.school_a, world.bureau_a, title="國小數學素養導向教學工作坊")
    _approved(world, world.school_a, world.bureau_a, title="閱讀理解策略")
    assert [r["title"] for r in _search(q="素養")[0]] == ["國小數學素養導向教學工作坊"]
    assert _search(q="數學 工作坊")[1] == 1
    assert _search(q="數學 閱讀")[1] == 0
    assert _search(q="理")[1] == 1
    assert _search(q='"; DROP TABLE course; --')[1] == 0


def test_filters_by_county_level_kind_topic_dates_and_open_registration(db_url: str):
    with transaction() as s:
        world = make_world(s)
    today = taipei_today()
    _approved(world, world.school_a, world.bureau_a, title="臺北國小研習", topics=["gender_equality"])
    _approved(world, world.school_b, world.bureau_b, title="高雄國中工作坊", kind="workshop",
              audience_levels=["junior_high"], days_ahead=60, online_registration=False)
    assert [r["title"] for r in _search(county="KHH")[0]] == ["高雄國中工作坊"]
    assert [r["title"] for r in _search(level="junior_high")[0]] == ["高雄國中工作坊"]
    assert [r["title"] for r in _search(kind="workshop")[0]] == ["高雄國中工作坊"]
    assert [r["title"] for r in _search(topic="gender_equality")[0]] == ["臺北國小研習"]
    assert _search(**{"from": (today + timedelta(days=45)).isoformat()})[1] == 1
    assert _search(**{"to": (today + timedelta(days=45)).isoformat()})[1] == 1
    # The 臺北 course's window opens 20 days from now, so nothing is open today.
    assert _search(open="1")[1] == 0
    assert _search(county="XXX", level="nope", kind="evil")[1] == 2


def test_paging(db_url: str):
    with transaction() as s:
        world = make_world(s)
    for n in range(3):
        _approved(world, world.school_a, world.bureau_a, title=f"課程{n}", days_ahead=20 + n)
    with transaction() as s:
        first, total = catalogue.search(s, CatalogueQuery(page=1), page_size=2)
        second, _ = catalogue.search(s, CatalogueQuery(page=2), page_size=2)
    assert total == 3 and len(first) == 2 and len(second) == 1
    assert {r["code"] for r in first}.isdisjoint({r["code"] for r in second})


def test_bigram_tokens_and_queries():
    assert index_tokens("特殊教育 Math") == "特殊 殊教 教育 math"
    assert match_query("教育") == '"教育"'
    assert match_query("特殊教育") == '"特殊 殊教 教育"'
    assert match_query("數") == '"數"*'
    assert match_query('" OR *') == '"or"*'  # quoted: a search word, never FTS5 syntax
    assert match_query('"*(^') is None


def test_counts_stop_at_the_cap_when_filters_make_them_costly(db_url: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(catalogue, "COUNT_CAP", 1)
    with transaction() as s:
        world = make_world(s)
    for n in range(3):
        _approved(world, world.school_a, world.bureau_a, title=f"閱讀課程{n}")
    assert _search(q="閱讀")[1] == 3  # keyword only: the index counts exactly
    assert _search(q="閱讀", county="TPE")[1] == 2  # capped: shown as "1+"
    assert _search()[1] == 3


def test_dates_reach_the_pages_in_iso_which_write_them_by_the_language(db_url: str):
    """The list and the course page hand over ISO dates; the browser writes them 民國 (115/12/23) in zh-TW
    (`components.i18n.date_label`, checked in the browser tests)."""
    with transaction() as s:
        world = make_world(s)
    code = _approved(world, world.school_a, world.bureau_a, title="日期課程")
    row = _search()[0][0]
    first = row["first_date"]
    assert date.fromisoformat(first) and row["last_date"] >= first
    with transaction() as s:
        detail = catalogue.published_detail(s, code)
    assert detail["sessions"] and all(date.fromisoformat(sess["day"]) for sess in detail["sessions"])
    assert detail["sessions"][0]["day"] == first
    if detail["registration_opens"]:
        assert date.fromisoformat(detail["registration_opens"]) <= date.fromisoformat(first)


def test_a_course_is_found_by_its_whole_code_or_its_first_digits(db_url: str):
    with transaction() as s:
        world = make_world(s)
        world.school_a.name = "測試國小"  # the factory's names carry a running number, which "12" may match
        s.add(world.school_a)
    codes = [_approved(world, world.school_a, world.bureau_a, title=f"數學課程{n}", days_ahead=20 + n)
             for n in range(3)]
    whole, total = _search(q=codes[1])
    assert [r["code"] for r in whole] == [codes[1]] and total == 1
    assert [r["code"] for r in _search(q=f"  {codes[2]} ")[0]] == [codes[2]]  # as pasted from a letter
    shared = codes[0][:7]  # the year and the first serial digits: every code of this test, in code order
    assert [r["code"] for r in _search(q=shared)[0]] == sorted(codes)
    assert _search(q=codes[0], county="KHH")[0] == []  # the other filters still apply
    assert _search(q="999999999") == ([], 0)  # no such course, and no text contains it
    # Digits that start no code are a keyword like any other; words are never taken for a code.
    assert {r["code"] for r in _search(q="數學")[0]} == set(codes)
    assert _search(q="12")[1] == 0


def test_the_course_page_names_who_may_register(db_url: str):
    """Eligibility entered by the organizer reaches the published page: counties and levels as codes the page
    names in the reader's language, schools by their names (with their codes)."""
    with transaction() as s:
        world = make_world(s)
        school_b, name = world.school_b.code, world.school_b.name
    code = _approved(world, world.school_a, world.bureau_a, eligible_counties=["TPE", "KHH"],
                     eligible_levels=["junior_high"], eligible_school_codes=school_b)
    with transaction() as s:
        detail = catalogue.published_detail(s, code)
    assert detail["eligible_counties"] == ["TPE", "KHH"] and detail["eligible_levels"] == ["junior_high"]
    assert detail["eligible_schools"] == [f"{name} ({school_b})"]
