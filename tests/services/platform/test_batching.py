"""The registration desk's batcher: arrival order, batches of at most `size`, one request's failure its own."""

from __future__ import annotations

import asyncio

import pytest

from tpd_app.services.platform.batching import Batcher


def test_requests_arriving_together_run_in_order_in_batches_and_fail_alone():
    batches: list[list[int]] = []

    def run(requests: list[int]) -> list[int | BaseException]:
        batches.append(list(requests))
        return [ValueError(f"refused {r}") if r == 3 else r * 10 for r in requests]

    batcher: Batcher[int, int] = Batcher(run, size=4)

    async def rush() -> list[object]:
        return await asyncio.gather(*(batcher.submit(r) for r in range(10)), return_exceptions=True)

    answers = asyncio.run(rush())
    assert [b for batch in batches for b in batch] == list(range(10))  # every request once, in order
    assert max(len(b) for b in batches) <= 4 and len(batches) >= 3
    assert answers[:3] == [0, 10, 20] and isinstance(answers[3], ValueError) and answers[4:] == [40, 50, 60, 70,
                                                                                                  80, 90]


def test_a_batch_that_raises_tells_each_of_its_requests():
    def broken(_requests: list[int]) -> list[int | BaseException]:
        raise RuntimeError("database gone")

    batcher: Batcher[int, int] = Batcher(broken)
    with pytest.raises(RuntimeError, match="database gone"):
        asyncio.run(batcher.submit(1))
    # The desk is not stuck: a later request on a new loop is served (here: told the same).
    with pytest.raises(RuntimeError):
        asyncio.run(batcher.submit(2))
