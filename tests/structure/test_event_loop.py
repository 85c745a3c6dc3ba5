"""The web workers run on uvloop: Granian (the server Reflex starts in production) takes it when it is
installed, and the README's capacity figures were measured with it."""

from __future__ import annotations

import asyncio

import uvloop
from granian._loops import loops


def test_granians_automatic_choice_is_uvloop():
    loop = loops.get("auto")  # builds the loop and makes it this thread's current one
    try:
        assert isinstance(loop, uvloop.Loop)
        assert loop.run_until_complete(asyncio.sleep(0, "ran")) == "ran"
    finally:
        loop.close()
        asyncio.set_event_loop(None)
