"""Every function has one page, routes are unique, and the app registers them all."""

from __future__ import annotations

from tpd_app import routes
from tpd_app.domain.permissions import BUSINESS_FUNCTIONS, TEACHER_FUNCTIONS, Function


def test_every_function_has_a_route():
    assert set(routes.FUNCTION_ROUTES) == set(Function)
    assert set(BUSINESS_FUNCTIONS) | TEACHER_FUNCTIONS == set(Function)


def test_routes_are_unique_and_distinct_from_public_pages():
    paths = list(routes.FUNCTION_ROUTES.values())
    assert len(paths) == len(set(paths))
    assert not {routes.HOME, routes.LOGIN, routes.DASHBOARD, routes.CATALOGUE} & set(paths)


def test_the_app_serves_every_function_page():
    from tpd_app.tpd_app import app

    decorated = [kwargs.get("route", "") for _, kwargs in app._registration_context.decorated_pages]
    registered = {"/" + r.strip("/") for r in [*app._unevaluated_pages, *decorated]}
    assert {p for p in routes.FUNCTION_ROUTES.values()} <= registered
    assert {routes.HOME, routes.LOGIN, routes.DASHBOARD} <= registered


def test_after_sign_in_only_own_pages_are_accepted():
    assert routes.safe_next("https://evil.example/") == routes.DASHBOARD
    assert routes.safe_next("//evil.example") == routes.DASHBOARD
    assert routes.safe_next("/profile/") == "/profile"


def test_a_starting_worker_freezes_its_startup_heap():
    """The collector's full passes skip what the worker holds for life (tpd_app.services.platform.heap)."""
    import gc

    from tpd_app.services.platform.heap import freeze_startup_heap
    from tpd_app.tpd_app import app

    assert freeze_startup_heap in app.get_lifespan_tasks()
    thresholds = gc.get_threshold()
    try:
        before = gc.get_freeze_count()
        alive = [object() for _ in range(1000)]
        assert freeze_startup_heap() >= before + len(alive)
        # Full passes over every open tab's states come seldom (each walks all of them).
        young, _, oldest = gc.get_threshold()
        assert young > 700 and oldest > 10
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
