"""最新消息: who may publish to whom, the publish window, drafts, versions, and safe rendering."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from tests.factories import actor_for_teacher, make_teacher, make_world
from tpd_app.domain.errors import Forbidden, NotFound, ValidationFailed
from tpd_app.domain.permissions import UnitRef
from tpd_app.domain.portal import reaches
from tpd_app.domain.timeutil import taipei_today
from tpd_app.models import AnnouncementRevision, AuditLog
from tpd_app.services.platform.db import transaction
from tpd_app.services.platform.guard import unit_ref
from tpd_app.services.portal import announcements as A


def _form(**fields: object) -> dict[str, object]:
    return {"title": "115 學年度研習時數登錄提醒", "category": "courses", "body": "請於 **12 月底** 前完成登錄。",
            **fields}


def _titles(rows: list[dict[str, str]]) -> list[str]:
    return [r["title"] for r in rows]


def test_a_county_announcement_reaches_its_own_schools_and_teachers_only(db_url: str):
    with transaction() as s:
        w = make_world(s)
        A.save_announcement(s, w.actor(s, w.nc), _form(title="全國：系統維護"), publish=True)
        A.save_announcement(s, w.actor(s, w.bureau_a), _form(title="臺北市：研習通知"), publish=True)
        A.save_announcement(s, w.actor(s, w.bureau_b), _form(title="高雄市：研習通知"), publish=True)
        taipei_teacher = actor_for_teacher(make_teacher(s, w.school_a), w.school_a)
        kaohsiung_teacher = actor_for_teacher(make_teacher(s, w.school_b), w.school_b)
        readers = {
            "visitor": None, "taipei teacher": taipei_teacher.unit, "kaohsiung teacher": kaohsiung_teacher.unit,
            "taipei school": unit_ref(w.school_a), "taipei bureau": unit_ref(w.bureau_a),
            "national school in Kaohsiung": unit_ref(w.national_school), "national centre": unit_ref(w.nc),
        }
        seen = {who: sorted(_titles(A.latest(s, viewer)[0])) for who, viewer in readers.items()}
        kaohsiung = next(r for r in A.latest(s, unit_ref(w.nc))[0] if r["title"] == "高雄市：研習通知")
        with pytest.raises(NotFound):  # not by its address either
            A.read(s, taipei_teacher.unit, kaohsiung["id"])
        assert A.read(s, kaohsiung_teacher.unit, kaohsiung["id"])["title"] == "高雄市：研習通知"
    assert seen == {
        "visitor": ["全國：系統維護"],
        "taipei teacher": ["全國：系統維護", "臺北市：研習通知"],
        "kaohsiung teacher": ["全國：系統維護", "高雄市：研習通知"],
        "taipei school": ["全國：系統維護", "臺北市：研習通知"],
        "taipei bureau": ["全國：系統維護", "臺北市：研習通知"],
        # A national school is reviewed by the K-12 administration, not by the county it stands in.
        "national school in Kaohsiung": ["全國：系統維護"],
        "national centre": ["全國：系統維護", "臺北市：研習通知", "高雄市：研習通知"],
    }


def test_the_sql_audience_and_the_domain_rule_agree():
    """`latest` filters in SQL what `reaches` says in Python: the same answers for each kind of reader."""
    centre, bureau = 2, 5
    readers = [None, UnitRef(9, "school", "TPE", bureau), UnitRef(bureau, "county_bureau", "TPE", centre),
               UnitRef(10, "school", "KHH", 6), UnitRef(centre, "national_center", "KHH", None)]
    assert [reaches(None, r) for r in readers] == [True] * 5
    assert [reaches(bureau, r) for r in readers] == [False, True, True, False, True]


def test_drafts_the_window_and_withdrawal_decide_what_is_shown(db_url: str):
    today = taipei_today()
    with transaction() as s:
        w = make_world(s)
        centre = w.actor(s, w.nc)
        draft = A.save_announcement(s, centre, _form(title="草稿"), publish=False)
        A.save_announcement(s, centre, _form(title="明天起", publish_from=(today + timedelta(days=1)).isoformat()),
                            publish=True)
        A.save_announcement(s, centre, _form(title="昨天止", publish_from=(today - timedelta(days=9)).isoformat(),
                                             publish_until=(today - timedelta(days=1)).isoformat()), publish=True)
        A.save_announcement(s, centre, _form(title="今天止", publish_until=today.isoformat()), publish=True)
        pinned = A.save_announcement(s, centre, _form(title="置頂舊聞", pinned="1",
                                                      publish_from=(today - timedelta(days=30)).isoformat()),
                                     publish=True)
        gone = A.save_announcement(s, centre, _form(title="下架"), publish=True)
        A.withdraw(s, centre, gone)
        assert _titles(A.latest(s, None)[0]) == ["置頂舊聞", "今天止"]  # pinned first, then the newest
        states = {r["title"]: r["state"] for r in A.manage_list(s, centre)}
        assert states == {"草稿": "draft", "明天起": "scheduled", "昨天止": "ended", "今天止": "live",
                          "置頂舊聞": "live", "下架": "withdrawn"}
        with pytest.raises(NotFound):
            A.read(s, unit_ref(w.nc), draft)
        # Publishing the draft later: a new version, shown from then on.
        A.save_announcement(s, centre, _form(id=str(draft), title="草稿（定稿）"), publish=True)
        assert "草稿（定稿）" in _titles(A.latest(s, None)[0])
        versions = A.history(s, centre, draft)
        assert [(v["revision"], v["status"], v["title"]) for v in versions] == [
            ("2", "published", "草稿（定稿）"), ("1", "draft", "草稿")]
        assert len(s.exec(select(AnnouncementRevision)).all()) == 8  # every save and the withdrawal
        assert A.read(s, None, pinned)["pinned"] == "1"


def test_only_centres_publish_and_only_their_own(db_url: str):
    with transaction() as s:
        w = make_world(s)
        taipei = A.save_announcement(s, w.actor(s, w.bureau_a), _form(), publish=True)
        teacher = actor_for_teacher(make_teacher(s, w.school_a), w.school_a)
        school = w.actor(s, w.school_a)
    with transaction() as s:  # a refusal is audited in a transaction of its own
        with pytest.raises(Forbidden):
            A.save_announcement(s, school, _form(), publish=True)
    with transaction() as s:
        with pytest.raises(Forbidden):
            A.manage_list(s, teacher)
    with transaction() as s:
        other = w.actor(s, w.bureau_b)
        with pytest.raises(NotFound):  # another county's announcement cannot be changed, withdrawn or read back
            A.save_announcement(s, other, _form(id=str(taipei), title="改掉"), publish=True)
        with pytest.raises(NotFound):
            A.withdraw(s, other, taipei)
        with pytest.raises(NotFound):
            A.history(s, other, taipei)
        assert A.manage_list(s, other) == []
        assert len(s.exec(select(AuditLog).where(AuditLog.action == "access.denied")).all()) == 2
        assert _titles(A.latest(s, None)[0]) == []  # and nothing of Taipei's reached the public


def test_bad_input_is_named_field_by_field_and_nothing_is_saved(db_url: str):
    with transaction() as s:
        w = make_world(s)
        centre = w.actor(s, w.nc)
        with pytest.raises(ValidationFailed) as refused:
            A.save_announcement(s, centre, {"title": "", "body": "", "category": "gossip", "publish_from": "115/13/40",
                                            "publish_until": ""}, publish=True)
        assert refused.value.field_errors == {"title": "validation.required", "body": "validation.required",
                                              "category": "portal.error.category",
                                              "publish_from": "portal.error.date"}
        with pytest.raises(ValidationFailed) as backwards:
            A.save_announcement(s, centre, _form(publish_from="115/12/20", publish_until="115/12/10"), publish=True)
        assert backwards.value.field_errors == {"publish_until": "portal.error.until_before_from"}
        assert A.manage_list(s, centre) == []
        # A 民國 date is read as people type it.
        saved = A.save_announcement(s, centre, _form(publish_from="115/12/01"), publish=True)
        assert next(r for r in A.manage_list(s, centre) if r["id"] == str(saved))["publish_from"] == "2026-12-01"


def test_what_an_announcement_holds_is_shown_as_text_never_run(db_url: str):
    body = ("<script>alert('x')</script>\n\n<iframe src=\"https://evil.example\"></iframe>\n\n"
            "[點我](javascript:alert(1)) <img src=x onerror=alert(1)> [教育部](https://www.edu.tw)")
    with transaction() as s:
        w = make_world(s)
        saved = A.save_announcement(s, w.actor(s, w.nc), _form(title="<b>標題</b>", body=body), publish=True)
        shown = A.read(s, None, saved)
    html = shown["html"]
    assert "<script" not in html and "<iframe" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html or "&lt;script&gt;" in html
    assert 'href="javascript' not in html
    assert '<a rel="noopener noreferrer nofollow" target="_blank" href="https://www.edu.tw">教育部</a>' in html
    assert shown["title"] == "<b>標題</b>"  # a title is text: React escapes it


PDF = b"%PDF-1.7\n" + b"x" * 100


@pytest.fixture
def store(tmp_path, monkeypatch: pytest.MonkeyPatch, db_url: str):
    from tpd_app.settings import reset_settings

    monkeypatch.setenv("TPD_ATTACHMENTS_DIR", str(tmp_path / "private"))
    reset_settings()
    return tmp_path / "private"


def test_an_announcements_files_reach_whoever_it_reaches_and_only_while_it_is_shown(store):
    with transaction() as s:
        w = make_world(s)
        bureau = w.actor(s, w.bureau_a)
        taipei = A.save_announcement(s, bureau, _form(title="臺北市：研習簡章"), publish=False)
        file = A.add_attachment(s, bureau, taipei, "../簡章.pdf", PDF)
        taipei_teacher = actor_for_teacher(make_teacher(s, w.school_a), w.school_a)
        kaohsiung_teacher = actor_for_teacher(make_teacher(s, w.school_b), w.school_b)
        file_id = int(file["id"])
        # A draft's file: its publisher's only.
        assert A.open_attachment(s, bureau, file_id).path.read_bytes() == PDF
        with pytest.raises(NotFound):
            A.open_attachment(s, taipei_teacher, file_id)
        A.save_announcement(s, bureau, {**_form(title="臺北市：研習簡章"), "id": str(taipei)}, publish=True)
        assert A.open_attachment(s, taipei_teacher, file_id).name == "簡章.pdf"
        assert [f["name"] for f in A.read_attachments(s, taipei_teacher.unit, taipei)] == ["簡章.pdf"]
        for outsider in (kaohsiung_teacher, None, w.actor(s, w.bureau_b)):
            with pytest.raises(NotFound):
                A.open_attachment(s, outsider, file_id)
        with pytest.raises(NotFound):
            A.read_attachments(s, None, taipei)
        A.withdraw(s, bureau, taipei)
        with pytest.raises(NotFound):
            A.open_attachment(s, taipei_teacher, file_id)
    stored = list(store.iterdir())
    assert len(stored) == 1 and "簡章" not in stored[0].name


def test_files_are_checked_by_their_bytes_and_kept_to_the_publisher(store):
    with transaction() as s:
        w = make_world(s)
        centre = w.actor(s, w.nc)
        news = A.save_announcement(s, centre, _form(), publish=True)
        refusals = {}
        for name, data in (("a.exe", b"MZ"), ("fake.pdf", b"<html>"), ("empty.pdf", b""),
                           ("big.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024))):
            with pytest.raises(ValidationFailed) as refused:
                A.add_attachment(s, centre, news, name, data)
            refusals[name] = refused.value.field_errors["attachment"]
        for n in range(A.MAX_ATTACHMENTS):
            A.add_attachment(s, centre, news, f"{n}.pdf", PDF)
        with pytest.raises(ValidationFailed) as too_many:
            A.add_attachment(s, centre, news, "6.pdf", PDF)
        with pytest.raises(NotFound):  # another publisher's announcement
            A.add_attachment(s, w.actor(s, w.bureau_a), news, "x.pdf", PDF)
        school = w.actor(s, w.school_a)
    with transaction() as s, pytest.raises(Forbidden):  # a refusal is audited in a transaction of its own
        A.add_attachment(s, school, news, "x.pdf", PDF)
    with transaction() as s:
        first = A.attachments(s, centre, news)[0]
        with pytest.raises(NotFound):
            A.delete_attachment(s, w.actor(s, w.bureau_a), first["id"])
        A.delete_attachment(s, centre, first["id"])
        left = [f["name"] for f in A.attachments(s, centre, news)]
        actions = s.exec(select(AuditLog.action).where(AuditLog.target_type == "announcement")).all()
    assert refusals == {"a.exe": "attachment.error.type", "fake.pdf": "attachment.error.content",
                        "empty.pdf": "attachment.error.size", "big.pdf": "attachment.error.size"}
    assert too_many.value.field_errors == {"attachment": "portal.error.too_many_files"}
    assert left == ["1.pdf", "2.pdf", "3.pdf", "4.pdf"] and len(list(store.iterdir())) == 4
    assert actions.count("announcement.attachment.add") == 5 and "announcement.attachment.delete" in actions
