"""Every page's guard serves the function the matrix (or the table of other pages) gives its route.

The on_load state of each registered page declares the functions it serves (`FUNCTION`); the guard
reads that declaration, so a page wired to the wrong state, or a state that forgot to declare its
function, fails here rather than opening to the wrong people.
"""

from __future__ import annotations

import pytest
from reflex_base.registry import RegistrationContext

import tpd_app.tpd_app  # noqa: F401  (registers every page)
from tpd_app import routes
from tpd_app.domain.permissions import Function
from tpd_app.state.base import AppState

#: Pages anyone may open, signed in or not.
PUBLIC = {routes.HOME, routes.LOGIN, routes.LOGIN_SSO,
          routes.CATALOGUE, f"{routes.CATALOGUE}/[course_code]", routes.APPLY,
          routes.TEACHER_APPLY, routes.FORGOT, routes.RESET, routes.NEWS, f"{routes.NEWS}/[news_id]",
          routes.FAQ, routes.RULES, f"{routes.RULES}/[document]", routes.GUIDES, routes.HELP, routes.HELP_TICKET,
          routes.NEWSLETTER, f"{routes.NEWSLETTER}/[issue_id]", routes.NEWSLETTER_LINK}


def _pages() -> dict[str, list[type[AppState]]]:
    pages: dict[str, list[type[AppState]]] = {}
    for _, kwargs in RegistrationContext.ensure_context().decorated_pages:
        on_load = kwargs.get("on_load")
        handlers = on_load if isinstance(on_load, list) else [on_load] if on_load is not None else []
        pages[kwargs["route"]] = [h.state for h in handlers]
    return pages


PAGES = _pages()


@pytest.mark.parametrize("function", list(routes.FUNCTION_ROUTES), ids=str)
def test_the_page_of_every_function_declares_that_function(function: Function):
    states = PAGES[routes.FUNCTION_ROUTES[function]]
    assert states
    for state in states:
        assert function in state._declared_functions(), state


@pytest.mark.parametrize("path", list(routes.PAGE_RULES))
def test_every_page_outside_the_matrix_declares_the_function_of_its_rule(path: str):
    rule = routes.PAGE_RULES[path]
    states = PAGES[path]
    for state in states:
        declared = state._declared_functions()
        assert declared == () if rule.function is None else rule.function in declared, state


def test_every_signed_in_page_has_a_rule():
    ruled = set(routes.FUNCTION_ROUTES.values()) | set(routes.PAGE_RULES) | PUBLIC
    # The printable annual report serves whichever dashboard it was opened from (its state declares all four).
    assert set(PAGES) - ruled == {routes.DASHBOARD, routes.STATS_REPORT}


def test_a_declared_function_stays_on_the_server():
    """`FUNCTION` needs its ClassVar annotation; without it Reflex would make it a browser var."""
    states = {state for states in PAGES.values() for state in states}
    assert [s.__name__ for s in states if "FUNCTION" in s.vars or "FUNCTION" in s.base_vars] == []
