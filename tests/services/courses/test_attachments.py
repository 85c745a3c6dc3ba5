"""Attachments: server-side type and size checks, private generated names, who may download."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from tests.factories import make_world
from tests.services.course_data import course_form
from tpd_app.domain.courses import Action
from tpd_app.domain.errors import Forbidden, NotFound, ValidationFailed
from tpd_app.models import Course, CourseAttachment
from tpd_app.services.courses import attachments, lifecycle, review
from tpd_app.services.platform.db import transaction

PDF = b"%PDF-1.7\n" + b"x" * 100


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_url: str) -> Path:
    from tpd_app.settings import reset_settings

    monkeypatch.setenv("TPD_ATTACHMENTS_DIR", str(tmp_path / "private"))
    reset_settings()
    return tmp_path / "private"


def _setup():
    with transaction() as s:
        world = make_world(s)
        actors = {"school": world.actor(s, world.school_a), "other": world.actor(s, world.school_b),
                  "bureau_a": world.actor(s, world.bureau_a), "bureau_b": world.actor(s, world.bureau_b)}
        code = lifecycle.register_course(s, actors["school"], course_form(), submit=True)
        course_id = s.exec(select(Course.id).where(Course.code == code)).one()
    return actors, course_id


def test_a_pdf_is_stored_privately_under_a_generated_name(store: Path):
    actors, course_id = _setup()
    with transaction() as s:
        attachments.add_attachment(s, actors["school"], course_id, "../../課程表.pdf", PDF)
    with transaction() as s:
        row = s.exec(select(CourseAttachment)).one()
    assert row.original_name == "課程表.pdf"
    assert row.stored_name.endswith(".pdf") and "課程表" not in row.stored_name
    assert (store / row.stored_name).read_bytes() == PDF


@pytest.mark.parametrize(("name", "data", "key"), [
    ("run.exe", b"MZ" + b"0" * 10, "attachment.error.type"),
    ("fake.pdf", b"<html><script>alert(1)</script>", "attachment.error.content"),
    ("big.pdf", b"%PDF-" + b"0" * attachments.MAX_BYTES, "attachment.error.size"),
    ("empty.pdf", b"", "attachment.error.size"),
])
def test_wrong_type_content_or_size_is_refused_and_nothing_is_stored(store: Path, name: str, data: bytes, key: str):
    actors, course_id = _setup()
    with pytest.raises(ValidationFailed) as refused, transaction() as s:
        attachments.add_attachment(s, actors["school"], course_id, name, data)
    assert refused.value.field_errors == {"attachment": key}
    with transaction() as s:
        assert s.exec(select(CourseAttachment)).all() == []
    assert not store.exists() or list(store.iterdir()) == []


def test_at_most_five_files_per_course(store: Path):
    actors, course_id = _setup()
    with transaction() as s:
        for n in range(attachments.MAX_PER_COURSE):
            attachments.add_attachment(s, actors["school"], course_id, f"{n}.pdf", PDF)
    with pytest.raises(ValidationFailed), transaction() as s:
        attachments.add_attachment(s, actors["school"], course_id, "6.pdf", PDF)


def test_another_unit_cannot_attach_or_delete(store: Path):
    actors, course_id = _setup()
    with pytest.raises(Forbidden), transaction() as s:
        attachments.add_attachment(s, actors["other"], course_id, "x.pdf", PDF)
    with transaction() as s:
        attachments.add_attachment(s, actors["school"], course_id, "x.pdf", PDF)
        attachment_id = s.exec(select(CourseAttachment.id)).one()
    with pytest.raises(Forbidden), transaction() as s:
        attachments.delete_attachment(s, actors["bureau_a"], attachment_id)
    with transaction() as s:
        attachments.delete_attachment(s, actors["school"], attachment_id)
    assert list(store.iterdir()) == []


def test_unpublished_files_only_for_organizer_and_its_reviewer_then_for_everyone(store: Path):
    actors, course_id = _setup()
    with transaction() as s:
        attachments.add_attachment(s, actors["school"], course_id, "x.pdf", PDF)
        attachment_id = s.exec(select(CourseAttachment.id)).one()
    for outsider in (None, actors["other"], actors["bureau_b"]):
        with pytest.raises(NotFound), transaction() as s:
            attachments.open_attachment(s, outsider, attachment_id)
    with transaction() as s:
        assert attachments.open_attachment(s, actors["school"], attachment_id).name == "x.pdf"
        assert attachments.open_attachment(s, actors["bureau_a"], attachment_id).content_type == "application/pdf"
        review.decide(s, actors["bureau_a"], course_id, Action.APPROVE)
    with transaction() as s:
        assert attachments.open_attachment(s, None, attachment_id).path.read_bytes() == PDF
