"""Build Reflex states as the server would for one browser tab, with a given cookie header."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import pytest
import reflex as rx

import tpd_app.tpd_app  # noqa: F401  (registers every page state)
from tpd_app.services.accounts import auth

S = TypeVar("S", bound=rx.State)


def build_state(cls: type[S], *, cookie: str = "", path: str = "/", ip: str = "127.0.0.1") -> S:
    root = rx.State(_reflex_internal_init=True)
    root._update_router_vars(
        {"headers": {"cookie": cookie} if cookie else {}, "pathname": path, "asPath": path, "query": {},
         "ip": ip, "token": "test-token", "sid": "test-sid"},
        {},
    )
    return root.get_substate(cls.get_full_name().split(".")[1:])


def session_cookie(username: str, password: str) -> str:
    token = auth.exchange_ticket(auth.sign_in(username, password))
    assert token
    return f"tpd_session={token}"


@pytest.fixture
def make_state() -> Callable[..., rx.State]:
    return build_state


def run_async(coroutine):
    """Run a coroutine on a fresh loop in another thread (Playwright's sync API may own this one)."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def run_handler(state: rx.State, name: str, *args: object) -> object:
    """Run the event handler `name` as the server would, background ones included (which Reflex refuses to
    be called directly), and return what it returned (a generator's items as a list)."""
    import inspect

    result = type(state).event_handlers[name].fn(state, *args)
    if inspect.isasyncgen(result):
        async def drain() -> list[object]:
            return [item async for item in result]
        return run_async(drain())
    if inspect.iscoroutine(result):
        return run_async(result)
    return list(result) if inspect.isgenerator(result) else result
