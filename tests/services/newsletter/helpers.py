"""Shared steps of the e-newsletter tests: a world with an editor and a contributor, an issue with articles."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from tests.factories import make_world
from tpd_app.domain.permissions import Actor
from tpd_app.services.newsletter import articles, issues


@dataclass
class Desk:
    editor: Actor
    contributor: Actor
    other_centre: Actor
    school: Actor
    moe: Actor


def desk(session: Session) -> Desk:
    w = make_world(session)
    return Desk(editor=w.actor(session, w.nc), contributor=w.actor(session, w.bureau_a),
                other_centre=w.actor(session, w.k12ea), school=w.actor(session, w.school_a),
                moe=w.actor(session, w.moe))


def article(**fields: object) -> dict[str, object]:
    return {"title": "素養導向教學共備", "summary": "", "body": "社群**共備**一年的心得。", **fields}


def issue_with_article(session: Session, editor: Actor, *, number: int = 1, title: str = "新學年研習總覽",
                       body: str = "新學年研習報名**即日起**開放。") -> int:
    issue_id = issues.save_issue(session, editor, {"number": str(number), "title": title, "intro": "本期導言"})
    articles.save_article(session, editor, issue_id, article(title="報名一次看懂", body=body))
    return issue_id
