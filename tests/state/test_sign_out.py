"""Nothing a page loaded outlives the session that loaded it: signing out empties every page's state on the
server, so a later page of the same tab (the next person at a shared computer) receives none of it."""

from __future__ import annotations

from sqlmodel import select

from tests.factories import PASSWORD, make_account, make_teacher, make_world
from tests.state.conftest import build_state, run_async, session_cookie
from tpd_app.models import Teacher
from tpd_app.services.platform.db import transaction
from tpd_app.state.base import AppState
from tpd_app.state.teachers import TeacherRosterState


def _roster_with_a_revealed_id() -> TeacherRosterState:
    with transaction() as s:
        world = make_world(s)
        make_teacher(s, world.school_a)
        make_account(s, world.school_a, username="chief-a")
    state = build_state(TeacherRosterState, cookie=session_cookie("chief-a", PASSWORD), path="/teachers")
    state.load()
    with transaction() as s:
        teacher = s.exec(select(Teacher)).first()
    state.reveal(str(teacher.id))
    assert state.rows and state.revealed_value == teacher.national_id
    return state


def test_signing_out_empties_the_data_every_page_loaded(db_url: str):
    roster = _roster_with_a_revealed_id()
    app = roster.parent_state
    assert isinstance(app, AppState)
    run_async(_drain(app.logout()))
    assert roster.rows == [] and roster.revealed_id == "" and roster.revealed_value == ""
    assert app.signed_in is False and app.nav == []


def test_signing_out_keeps_the_language_the_person_chose(db_url: str):
    roster = _roster_with_a_revealed_id()
    app = roster.parent_state
    app.lang = "en"
    run_async(_drain(app.logout()))
    assert app.lang == "en"


async def _drain(result):
    if hasattr(result, "__aiter__"):
        return [item async for item in result]
    if hasattr(result, "__await__"):
        return await result
    return result
