"""Readiness for load balancers and operators: `GET /api/ready` touches the database (and its migration
level), Redis when configured, and the folders that take writes. Reflex's `/ping` stays the liveness
check (the process answers at all)."""

from __future__ import annotations

import asyncio
import logging

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tpd_app.services.platform.readiness import readiness

_log = logging.getLogger("tpd.ready")


async def ready(_request: Request) -> JSONResponse:
    """200 with every check passed, else 503; each check says what failed (no addresses, no secrets)."""
    checks = await asyncio.to_thread(readiness)
    failed = [check for check in checks if not check.ok]
    for check in failed:
        _log.warning("not ready: %s: %s", check.name, check.detail)
    return JSONResponse({"ready": not failed, "checks": {c.name: {"ok": c.ok, "detail": c.detail} for c in checks}},
                        status_code=503 if failed else 200, headers={"Cache-Control": "no-store"})


ROUTES = [Route("/api/ready", ready, methods=["GET"])]
