"""The web worker's start-up heap, kept out of the garbage collector's full passes.

Everything alive once the worker has started (modules, compiled pages, SQLAlchemy's statement
caches) lives as long as the process. A full (oldest-generation) collection still walks all of it,
and it runs every so often while events allocate: on the statistics bench that was a ~65 ms pause
every dozen county dashboards (their p95 75-89 ms against a p50 of 17 ms), during which no event of
any user of that worker runs. Frozen objects are skipped by those passes; what is created later is
collected as before.

What is created later includes every open tab's page states (Reflex's memory state manager keeps each
tab for an hour, ~0.27 MB of objects a tab). With the interpreter's thresholds (700, 10, 10) a full pass
ran every few seconds under load and walked all of them: at 500 signed-in tabs (`bench/load.py`) seven
full passes a minute of about 220 ms each, in which no event of any user of the worker ran, and 2.4 s of
collector time in the one-minute step. The worker therefore collects its youngest generation after
2,000 new objects instead of 700 (fewer objects of an event still in flight get promoted) and considers
a full pass only after 100 middle-generation passes instead of 10: the same step spent 0.66 s in the
collector and made no full pass. Cyclic garbage that reaches the oldest generation (a tab's states an
hour after it closed) waits a few minutes longer for its pass.
"""

from __future__ import annotations

import gc

#: (youngest, middle, oldest) thresholds for the web worker; see the module's docstring.
WORKER_THRESHOLDS = (2000, 10, 100)


def freeze_startup_heap() -> int:
    """Collect once, then move every surviving object into the permanent generation (`gc.freeze`).
    Returns how many objects were frozen. Runs as a lifespan task of the app, when the worker starts, and
    sets the worker's collection thresholds (`WORKER_THRESHOLDS`)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*WORKER_THRESHOLDS)
    return gc.get_freeze_count()
