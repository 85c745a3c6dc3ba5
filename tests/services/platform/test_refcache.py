"""Short-lived caches of what every visitor reads alike: kept a few seconds, forgotten as soon as a
transaction of this process that wrote their tables commits, never holding another database's answer."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import select

from tests.factories import make_unit
from tpd_app.domain.units import UnitType
from tpd_app.models import Unit
from tpd_app.services.platform import refcache
from tpd_app.services.platform.db import bulk_insert, transaction
from tpd_app.services.platform.refcache import KeyedCache


def _names(session, county: str) -> list[str]:
    return sorted(u.name for u in session.exec(select(Unit).where(Unit.county == county)).all())


def _counting_cache(**kwargs) -> tuple[KeyedCache, list[str]]:
    loads: list[str] = []

    def load(session, county: str) -> list[str]:
        loads.append(county)
        return _names(session, county)

    return KeyedCache(load, tables=("unit",), **{"seconds": 60.0, **kwargs}), loads


def test_answers_are_kept_per_key_and_each_caller_gets_its_own_copy(db_url):
    cache, loads = _counting_cache()
    with transaction() as s:
        make_unit(s, UnitType.SCHOOL, county="TPE", name="甲國小")
        make_unit(s, UnitType.SCHOOL, county="KHH", name="乙國小")
    with transaction() as s:
        first = cache.get(s, "TPE")
        first.append("changed by the caller")
        assert cache.get(s, "TPE") == ["甲國小"]
        assert cache.get(s, "KHH") == ["乙國小"]
    assert loads == ["TPE", "KHH"]


def test_a_caller_changing_the_reference_lists_it_was_given_changes_nobody_else_s(db_url):
    """The topics, the hours rules and the rule versions are handed out as shallow copies of what is kept."""
    from tpd_app.services.courses.topics import topic_options
    from tpd_app.services.hours.records import load_rules
    from tpd_app.services.portal.rules import _headlines

    with transaction() as s:
        topics, rules, headlines = topic_options(s), load_rules(s, None), _headlines.get(s)
        assert topics and rules
        topics[0]["name_zh"] = "改掉"
        topics.append({"code": "x"})
        rules.clear()
        headlines.append(("terms", 99, None, True, "偽"))
    with transaction() as s:
        assert topic_options(s)[0]["name_zh"] != "改掉" and {"code": "x"} not in topic_options(s)
        assert load_rules(s, None) and ("terms", 99, None, True, "偽") not in _headlines.get(s)


def test_a_committed_write_to_a_watched_table_forgets_and_a_rolled_back_one_does_not(db_url):
    cache, loads = _counting_cache()
    with transaction() as s:
        make_unit(s, UnitType.SCHOOL, county="TPE", name="甲國小")
    with transaction() as s:
        assert cache.get(s, "TPE") == ["甲國小"]
    try:
        with transaction() as s:
            make_unit(s, UnitType.SCHOOL, county="TPE", name="撤回國小")
            raise RuntimeError("the use case failed")
    except RuntimeError:
        pass
    with transaction() as s:
        assert cache.get(s, "TPE") == ["甲國小"]
    assert loads == ["TPE"]
    with transaction() as s:
        s.execute(sa.update(Unit).where(Unit.name == "甲國小").values(name="甲國民小學"))
    with transaction() as s:
        assert cache.get(s, "TPE") == ["甲國民小學"]
    assert loads == ["TPE", "TPE"]


def test_a_transaction_that_wrote_reads_its_own_changes(db_url):
    cache, _ = _counting_cache()
    with transaction() as s:
        make_unit(s, UnitType.SCHOOL, county="TPE", name="甲國小")
    with transaction() as s:
        assert cache.get(s, "TPE") == ["甲國小"]
        make_unit(s, UnitType.SCHOOL, county="TPE", name="丙國小")  # flushed by make_unit
        assert cache.get(s, "TPE") == ["丙國小", "甲國小"]
        s.add(Unit(type=UnitType.SCHOOL.value, county="TPE", name="丁國小", code="T999",  # not yet flushed
                   address="高雄市", phone="07-7172930", email="d@example.edu.tw", contact_name="承辦人"))
        assert "丁國小" in cache.get(s, "TPE")


def test_a_bulk_load_forgets_on_commit(db_url):
    cache, _ = _counting_cache()
    with transaction() as s:
        template = make_unit(s, UnitType.SCHOOL, county="TPE", name="甲國小")
        columns = [c.name for c in Unit.__table__.columns if c.name != "id"]
        row = tuple({**template.model_dump(), "name": "大量國小", "code": "B001"}[c] for c in columns)
    with transaction() as s:
        assert cache.get(s, "TPE") == ["甲國小"]
    with transaction() as s:
        bulk_insert(s, Unit.__table__, columns, [row])
    with transaction() as s:
        assert cache.get(s, "TPE") == ["大量國小", "甲國小"]


def test_an_answer_read_while_a_write_committed_is_not_kept(db_url):
    loads: list[int] = []

    def load(session, county: str) -> list[str]:
        loads.append(1)
        names = _names(session, county)
        if len(loads) == 1:  # another request commits a change while this one is reading
            with transaction() as other:
                make_unit(other, UnitType.SCHOOL, county="TPE", name="新設國小")
        return names

    cache = KeyedCache(load, seconds=60.0, tables=("unit",))
    with transaction() as s:
        make_unit(s, UnitType.SCHOOL, county="TPE", name="甲國小")
    with transaction() as s:
        assert cache.get(s, "TPE") == ["甲國小"]  # what it read
    with transaction() as s:
        assert cache.get(s, "TPE") == ["新設國小", "甲國小"]  # read again, not the stale answer


def test_only_the_keys_used_last_are_kept_and_answers_expire(db_url, monkeypatch):
    cache, loads = _counting_cache(size=2)
    with transaction() as s:
        for county in ("TPE", "KHH", "TXG"):
            cache.get(s, county)
        cache.get(s, "TXG")
        cache.get(s, "TPE")  # dropped as the least recently used
    assert loads == ["TPE", "KHH", "TXG", "TPE"]
    clock = [1000.0]
    monkeypatch.setattr(refcache.time, "monotonic", lambda: clock[0])
    with transaction() as s:
        cache.get(s, "KHH")
        clock[0] += 61
        cache.get(s, "KHH")
    assert loads[-2:] == ["KHH", "KHH"]


def test_another_database_never_gets_the_first_ones_answer(db_url, migrated_template, tmp_path, monkeypatch):
    import shutil

    from tpd_app.services.platform.db import dispose_engines
    from tpd_app.settings import reset_settings

    cache, _ = _counting_cache()
    with transaction() as s:
        make_unit(s, UnitType.SCHOOL, county="TPE", name="甲國小")
        assert cache.get(s, "TPE") == ["甲國小"]  # its own write, read past the cache
    with transaction() as s:
        assert cache.get(s, "TPE") == ["甲國小"]
    other = tmp_path / "other.db"
    shutil.copy(migrated_template, other)
    monkeypatch.setenv("TPD_DATABASE_URL", f"sqlite:///{other}")
    reset_settings()
    dispose_engines()
    with transaction() as s:
        assert cache.get(s, "TPE") == []
