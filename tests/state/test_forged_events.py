"""Every public event handler of every app state, called as the browser never would: with arguments of the
wrong type, anonymously and as a signed-in teacher. Each must answer (nothing, a message, a redirect),
never raise: a browser can send any event with any arguments (reflex-guide §3).
"""

from __future__ import annotations

import inspect

import pytest
import reflex as rx
import sqlalchemy as sa

from tests.factories import PASSWORD, make_account, make_teacher, make_world
from tests.state.conftest import build_state, run_async, session_cookie
from tpd_app.services.platform.db import transaction
from tpd_app.state.base import AppState, page_states

#: Values no handler of this app accepts for any parameter: each must be refused, not crash.
FORGED = (["1"], {"id": 1}, 3.5, None, "x" * 300)


STATES = sorted([AppState, *page_states()], key=lambda c: c.__name__)
HANDLERS = [(state, name) for state in STATES for name in sorted(state.event_handlers)]


def _call(state: rx.State, name: str, args: list[object]) -> object:
    fn = type(state).event_handlers[name].fn
    result = fn(state, *args)
    if inspect.isasyncgen(result):
        async def drain() -> list[object]:
            return [item async for item in result]
        return run_async(drain())
    if inspect.iscoroutine(result):
        return run_async(result)
    if inspect.isgenerator(result):
        return list(result)
    return result


def _arity(state_cls: type[rx.State], name: str) -> int:
    parameters = list(inspect.signature(state_cls.event_handlers[name].fn).parameters.values())[1:]
    return len([p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)])


#: Tables a refused call may write: the refusal's audit row, a throttle's count, the tab's session touch.
BOOKKEEPING = {"audit_log", "login_throttle", "login_session", "login_ticket"}


def _row_counts() -> dict[str, int]:
    with transaction() as s:
        names = sa.inspect(s.get_bind()).get_table_names()
        return {name: s.execute(sa.text(f'SELECT COUNT(*) FROM "{name}"')).scalar_one()
                for name in names if name not in BOOKKEEPING and not name.startswith(("catalogue_fts", "alembic"))}


def test_the_sweep_covers_every_state_and_handler():
    assert len(STATES) > 30 and len(HANDLERS) > 150
    print(f"forged-argument sweep: {len(HANDLERS)} handlers x {len(FORGED)} forged values x 3 personas "
          "(anonymous, a teacher, another school's chief)")


@pytest.mark.parametrize(("state_cls", "name"), HANDLERS, ids=[f"{s.__name__}.{n}" for s, n in HANDLERS])
def test_a_handler_given_forged_arguments_answers_instead_of_raising(db_url: str, state_cls: type[AppState],
                                                                     name: str):
    arity = _arity(state_cls, name)
    with transaction() as s:
        world = make_world(s)
        teacher = make_teacher(s, world.school_a).national_id
        make_account(s, world.school_b, username="chief-b")
    before = _row_counts()
    for cookie in ("", session_cookie(teacher, PASSWORD), session_cookie("chief-b", PASSWORD)):
        for forged in FORGED:
            state = build_state(state_cls, cookie=cookie)
            try:
                _call(state, name, [forged] * arity)
            except (TypeError, AttributeError, ValueError, KeyError) as error:
                pytest.fail(f"{state_cls.__name__}.{name}({forged!r}) raised {error!r}")
        if not cookie:  # nobody signed in: nothing but bookkeeping may change
            assert _row_counts() == before, f"{state_cls.__name__}.{name} changed data for an anonymous caller"


def test_reflex_setvar_reaches_no_set_handler(db_url: str):
    """`setvar("hours", …)` used to call `AttendanceState.set_hours` with one argument the browser chose."""
    from tpd_app.state.hours import AttendanceState

    state = build_state(AttendanceState)
    handler = type(state).event_handlers["setvar"]
    assert handler.fn(state, var_name="hours", value="8") is None  # as the event processor calls it
    assert handler.fn(state, "hours", "8") is None
    assert state.error_text == "" and state.notice_key == ""
