"""影音說明: the national centre keeps the guides; a video is checked by its bytes, captions must be WebVTT;
a guide is shown only with a video and a transcript; a page a guide explains links to it."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.factories import make_world
from tpd_app.domain.errors import Forbidden, NotFound, ValidationFailed
from tpd_app.models import AuditLog
from tpd_app.services.platform.db import transaction
from tpd_app.services.portal import guides

WEBM = b"\x1a\x45\xdf\xa3" + b"\x00" * 200
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 200
VTT = "WEBVTT\n\n00:00.000 --> 00:02.000\n1. 登入\n".encode()


@pytest.fixture
def store(tmp_path, monkeypatch: pytest.MonkeyPatch, db_url: str):
    from tpd_app.settings import reset_settings

    monkeypatch.setenv("TPD_ATTACHMENTS_DIR", str(tmp_path / "private"))
    reset_settings()
    return tmp_path / "private"


def _form(**fields: object) -> dict[str, object]:
    return {"title": "如何報名研習", "audience": "teachers", "page": "/me/register", "duration": "3:25",
            "transcript": "1. 登入。\n2. 查詢研習。", **fields}


def test_a_guide_is_shown_with_its_video_captions_and_transcript(store):
    with transaction() as s:
        w = make_world(s)
        centre = w.actor(s, w.nc)
        with pytest.raises(ValidationFailed) as no_video:
            guides.save_guide(s, centre, _form(published="1"))
        guide = guides.save_guide(s, centre, _form())
        assert guides.public_list(s) == []  # not shown yet
        with pytest.raises(NotFound):  # its files are the keepers' until it is shown
            guides.open_file(s, None, guide, "video")
        assert guides.attach_file(s, centre, guide, "報名.webm", WEBM) == "video"
        assert guides.attach_file(s, centre, guide, "報名.vtt", VTT) == "captions"
        assert guides.open_file(s, centre, guide, "video").path.read_bytes() == WEBM
        guides.save_guide(s, centre, _form(id=str(guide), published="1", transcript="<script>alert(1)</script>"))
        shown = guides.public_list(s, audience="teachers")
        for_page = guides.public_list(s, page="/me/register")
        for_schools = guides.public_list(s, audience="schools")
        visitor_video = guides.open_file(s, None, guide, "video")
        link = guides.page_link(s, "/me/register/")
        actions = s.exec(select(AuditLog.action).where(AuditLog.target_type == "video_guide")).all()
    assert no_video.value.field_errors == {"video_url": "guides.error.no_video"}
    assert [g["title"] for g in shown] == ["如何報名研習"] and for_page == shown and for_schools == []
    assert shown[0]["video_href"] == f"/api/portal/guides/{guide}/video"
    assert shown[0]["captions_href"] == f"/api/portal/guides/{guide}/captions.vtt"
    assert shown[0]["duration"] == "3:25" and shown[0]["external"] == ""
    assert "&lt;script&gt;" in shown[0]["transcript_html"]
    assert (visitor_video.content_type, link) == ("video/webm", "/guides?page=/me/register")
    assert actions == ["guides.save", "guides.video", "guides.captions", "guides.save"]


def test_a_video_elsewhere_is_a_link_and_a_file_replaced_is_removed(store):
    with transaction() as s:
        w = make_world(s)
        centre = w.actor(s, w.nc)
        guide = guides.save_guide(s, centre, _form(video_url="https://video.example.gov.tw/tpd/1", published="1"))
        linked = guides.public_list(s)[0]
        guides.attach_file(s, centre, guide, "a.mp4", MP4)
        guides.attach_file(s, centre, guide, "b.webm", WEBM)
        own = guides.public_list(s)[0]
    assert (linked["external"], linked["video_href"]) == ("1", "https://video.example.gov.tw/tpd/1")
    assert own["external"] == "" and len(list(store.iterdir())) == 1


def test_files_and_fields_are_checked(store):
    with transaction() as s:
        w = make_world(s)
        centre = w.actor(s, w.nc)
        guide = guides.save_guide(s, centre, _form())
        refusals = {}
        for name, data in (("a.avi", WEBM), ("fake.webm", MP4), ("fake.mp4", b"<html>" * 10),
                           ("big.webm", WEBM + b"0" * guides.MAX_VIDEO_BYTES), ("c.vtt", b"1\n00:00 --> 00:01\nx"),
                           ("empty.mp4", b"")):
            with pytest.raises(ValidationFailed) as refused:
                guides.attach_file(s, centre, guide, name, data)
            refusals[name] = refused.value.field_errors["file"]
        with pytest.raises(ValidationFailed) as bad:
            guides.save_guide(s, centre, {"title": "", "transcript": "", "audience": "cats", "page": "javascript:x",
                                          "duration": "3:75", "video_url": "http://x.example/v", "sort_order": "a"})
    assert refusals == {"a.avi": "guides.error.video_type", "fake.webm": "attachment.error.content",
                        "fake.mp4": "attachment.error.content", "big.webm": "guides.error.video_size",
                        "c.vtt": "attachment.error.content", "empty.mp4": "guides.error.video_size"}
    assert bad.value.field_errors == {"title": "validation.required", "transcript": "validation.required",
                                      "audience": "guides.error.audience", "page": "guides.error.page",
                                      "duration": "guides.error.duration", "video_url": "guides.error.link",
                                      "sort_order": "guides.error.sort_order"}


def test_only_the_national_centre_keeps_the_guides(store):
    with transaction() as s:
        w = make_world(s)
        guide = guides.save_guide(s, w.actor(s, w.nc), _form())
        bureau, school = w.actor(s, w.bureau_a), w.actor(s, w.school_a)
    for who in (bureau, school):
        with transaction() as s, pytest.raises(Forbidden):
            guides.save_guide(s, who, _form())
        with transaction() as s, pytest.raises(Forbidden):
            guides.attach_file(s, who, guide, "a.webm", WEBM)
        with transaction() as s, pytest.raises(NotFound):  # not shown yet: not theirs to watch
            guides.open_file(s, who, guide, "video")


def test_a_page_is_one_of_this_sites_never_another_sites():
    assert guides.is_page_path("/me/register") and guides.is_page_path("/course/register")
    assert not any(guides.is_page_path(p) for p in ("//evil.example", "https://x", "/a b", "javascript:x", ""))
