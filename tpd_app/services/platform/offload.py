"""CPU-heavy jobs (Excel exports) in a separate process, so they never hold the web worker's GIL.

A thread keeps the event loop free but still competes with every other event for the interpreter
lock; a spawned worker process does not. It runs at a lower CPU priority, so on a small machine the
web workers' events win the cores and an export just takes a little longer. Jobs are plain
module-level functions with picklable arguments; the worker opens its own database engine from the
same settings.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from tpd_app.settings import get_settings

T = TypeVar("T")
#: How much nicer than the web server the worker runs (Unix nice: 19 is the lowest priority).
WORKER_NICENESS = 10
_pool: ProcessPoolExecutor | None = None
_pool_database = ""


def pool() -> ProcessPoolExecutor:
    """One shared worker process (spawned, not forked: the server runs threads and an event loop).

    The worker reads its settings once, so a changed database URL (tests switch databases) gets a new one.
    """
    global _pool, _pool_database
    database = get_settings().database_url
    if _pool is not None and database != _pool_database:
        shutdown()
    if _pool is None:
        _pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                    initializer=_lower_priority, initargs=(WORKER_NICENESS,))
        _pool_database = database
    return _pool


def _lower_priority(niceness: int) -> None:
    """Runs first in the worker: exports yield the CPU to the events of people using the site."""
    if niceness and hasattr(os, "nice"):  # not on Windows
        os.nice(niceness)


async def run(job: Callable[..., T], *args: Any) -> T:
    """Run `job(*args)` in the worker process and wait for it without blocking the event loop.

    Raises:
        BrokenProcessPool: the worker process died (killed, out of memory) before answering. The pool is
            dropped, so the next job gets a fresh worker instead of the same error until a restart.
    """
    try:
        return await asyncio.get_running_loop().run_in_executor(pool(), job, *args)
    except BrokenProcessPool:
        shutdown()
        raise


def shutdown() -> None:
    global _pool
    if _pool is not None:
        _pool.shutdown(cancel_futures=True)
        _pool = None
