"""The export worker process: runs jobs off the web process, at a lower CPU priority than the web server."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator

import pytest

from tpd_app.services.platform import offload


@pytest.fixture
def worker(db_url: str) -> Iterator[None]:
    yield
    offload.shutdown()


@pytest.mark.skipif(not hasattr(os, "nice"), reason="Unix process priorities")
def test_the_worker_runs_jobs_at_a_lower_cpu_priority_than_the_server(worker: None):
    worker_pid = asyncio.run(offload.run(os.getpid))
    worker_niceness = asyncio.run(offload.run(os.nice, 0))
    assert worker_pid != os.getpid()
    assert worker_niceness == min(19, os.nice(0) + offload.WORKER_NICENESS)
