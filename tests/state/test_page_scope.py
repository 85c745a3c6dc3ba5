"""A tab's snapshot carries only the opened page's state, loaded for the person signed in now.

Reflex sends every (re)connect a snapshot of every state the tab holds on the server. These tests run the
app's own middleware on that event, as the server does before the snapshot is taken, after the session
ended in each of the ways it can: expired, account disabled, replaced by another person's cookie.
"""

from __future__ import annotations

from datetime import timedelta

import reflex as rx
from reflex_base.event import Event
from sqlmodel import select

import tpd_app.tpd_app as tpd
from tests.factories import PASSWORD, make_account, make_teacher, make_world
from tests.state.conftest import build_state, run_async, session_cookie
from tpd_app.domain.accounts import AccountStatus
from tpd_app.domain.timeutil import utcnow
from tpd_app.models import BusinessAccount, LoginSession, Teacher
from tpd_app.services.platform.db import transaction
from tpd_app.state.scope import HYDRATE_EVENTS, PageScope
from tpd_app.state.teachers import TeacherRosterState

HYDRATE = next(name for name in HYDRATE_EVENTS if name.endswith("hydrate_and_load"))


def _scope() -> PageScope:
    return next(m for m in tpd.app._middlewares if isinstance(m, PageScope))


def _roster(cookie: str = "") -> TeacherRosterState:
    with transaction() as s:
        world = make_world(s)
        make_teacher(s, world.school_a)
        make_account(s, world.school_a, username="chief-a")
        make_account(s, world.school_b, username="chief-b")
    state = build_state(TeacherRosterState, cookie=cookie or session_cookie("chief-a", PASSWORD), path="/teachers")
    state.load()
    with transaction() as s:
        teacher = s.exec(select(Teacher)).first()
    state.reveal(str(teacher.id))
    assert state.rows and state.revealed_value == teacher.national_id
    assert state.parent_state.signed_in
    return state


def _hydrate(state: rx.State, path: str, cookie: str | None = None) -> None:
    """What the server does when the tab reconnects at `path` (with `cookie`, when it changed)."""
    root = state._get_root_state()
    cookie = root.router.headers.cookie if cookie is None else cookie
    headers = {"cookie": cookie} if cookie else {}
    root.router_data = root._update_router_vars(
        {**root.router_data, "headers": headers, "pathname": path, "asPath": path}, root.router_data)
    assert run_async(_scope().preprocess(tpd.app, root, Event(name=HYDRATE))) is None


def _emptied(roster: TeacherRosterState) -> bool:
    shell = roster.parent_state
    return (roster.rows == [] and roster.revealed_value == "" and not shell.signed_in
            and shell.user_name == shell.unit_name == "" and shell.nav == [])


def test_a_reconnect_on_the_same_page_keeps_what_the_page_holds(db_url: str):
    roster = _roster()
    roster.values = {"name": "typed, not yet saved"}
    _hydrate(roster, "/teachers")
    assert roster.rows and roster.revealed_value and roster.values == {"name": "typed, not yet saved"}


def test_opening_another_page_in_the_tab_empties_the_roster_before_the_snapshot(db_url: str):
    roster = _roster()
    _hydrate(roster, "/home")
    assert roster.rows == [] and roster.revealed_value == ""
    assert roster.parent_state.signed_in  # the same person: the header stays


def test_an_expired_session_empties_every_page_even_the_one_being_opened(db_url: str):
    roster = _roster()
    with transaction() as s:
        for row in s.exec(select(LoginSession)).all():
            row.expires_at = utcnow() - timedelta(minutes=1)
            s.add(row)
    _hydrate(roster, "/teachers")
    assert _emptied(roster)


def test_a_disabled_account_empties_every_page(db_url: str):
    roster = _roster()
    with transaction() as s:
        account = s.exec(select(BusinessAccount).where(BusinessAccount.username == "chief-a")).one()
        account.status = AccountStatus.DISABLED.value
        s.add(account)
    _hydrate(roster, "/teachers")
    assert _emptied(roster)


def test_a_cookie_gone_from_the_browser_empties_every_page(db_url: str):
    roster = _roster()
    _hydrate(roster, "/teachers", cookie="")
    assert _emptied(roster)


def test_another_persons_cookie_in_the_tab_gets_none_of_the_first_persons_data(db_url: str):
    roster = _roster()
    other = session_cookie("chief-b", PASSWORD)
    _hydrate(roster, "/teachers", cookie=other)
    assert roster.rows == [] and roster.revealed_value == ""
    assert roster.parent_state.signed_in and roster.parent_state.login_label != ""


def test_an_event_after_the_session_ended_empties_the_page_before_it_answers(db_url: str):
    roster = _roster()
    with transaction() as s:
        for row in s.exec(select(LoginSession)).all():
            s.delete(row)
    with transaction() as s:
        teacher = s.exec(select(Teacher)).first()
    assert roster.reveal(str(teacher.id)) is not None  # sent to the login page
    assert _emptied(roster)


def _in_event(run, txid: str):
    """`run()` as inside the Reflex event `txid` (its own context, as each event's task has)."""
    import contextvars

    from reflex_base.event.context import EventContext

    def inside():
        EventContext.set(EventContext(token="tab", state_manager=None, enqueue_impl=None, txid=txid))  # type: ignore[arg-type]
        return run()

    return contextvars.copy_context().run(inside)


def test_an_event_resolves_the_session_once_and_the_next_event_again(db_url: str, monkeypatch):
    """A page load's guard, use case and header share one lookup; the next event sees the session ended."""
    from tpd_app.services.accounts import auth

    roster = _roster()
    calls: list[str | None] = []
    real = auth.resolve_session
    monkeypatch.setattr(auth, "resolve_session", lambda token: calls.append(token) or real(token))

    def load_and_reveal():
        roster.load()
        with transaction() as s:
            teacher = s.exec(select(Teacher)).first()
        roster.reveal(str(teacher.id))
        return roster.revealed_value

    assert _in_event(load_and_reveal, "event-1")
    assert len(calls) == 1
    with transaction() as s:
        for row in s.exec(select(LoginSession)).all():
            s.delete(row)
    _in_event(load_and_reveal, "event-2")  # a new event: resolved again, and the session is gone
    assert len(calls) == 2
    assert _emptied(roster)


def test_an_event_sets_the_header_once_and_a_new_name_shows_in_the_same_event(db_url: str, monkeypatch):
    """The guard, the use case and the header of one page load set the header vars once; a profile save
    reads the session again, so the header shows her new name at once (not the name the event began with)."""
    from tpd_app.state import base
    from tpd_app.state.profile import ProfileState

    roster = _roster()
    built: list[object] = []
    real = base.navigation_for
    monkeypatch.setattr(base, "navigation_for", lambda signed_in: built.append(1) or real(signed_in))
    _in_event(roster.load, "event-1")
    assert len(built) == 1 and roster.rows
    _in_event(roster.load, "event-2")
    assert len(built) == 2

    profile = build_state(ProfileState, cookie=session_cookie("chief-a", PASSWORD), path="/profile")
    _in_event(profile.load, "event-3")
    assert profile.parent_state.user_name == "測試人員"

    def save():
        profile.load()
        profile.save({"name": "改了名字", "email": "chief@school.edu.tw", "phone": ""})

    _in_event(save, "event-4")
    assert profile.notice_key == "profile.saved"
    assert profile.parent_state.user_name == "改了名字"
