"""The Starlette app that Reflex mounts itself into: our HTTP routes, security headers and body limits."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tpd_app.api import attachments, auth, health, hours, newsletter, sso, upstream, v1
from tpd_app.api.access import AccessLog
from tpd_app.api.limits import BodyLimit
from tpd_app.api.uploads import UploadSession

_SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]


class SecurityHeaders:
    """Adds headers that keep pages out of frames and stop MIME sniffing."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend(h for h in _SECURITY_HEADERS if h[0] not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def build_api() -> Starlette:
    """Our routes; Reflex mounts the rest of the app (`/_event`, `/_upload`, pages) inside this one.

    Our middleware therefore wraps Reflex's endpoints too. `AccessLog` is outermost (every request gets its
    id and its line, refusals included). `BodyLimit` sits inside `SecurityHeaders` so
    its 413 carries the same headers; `UploadSession` holds every upload to its own request's session.
    Under `cli serve` the reporting API runs in a process of its own and `/api/v1` forwards to it.
    """
    socket = upstream.socket_path()
    reporting = upstream.ReportingProxy(socket) if socket else v1.build()
    return Starlette(routes=[*auth.ROUTES, *sso.ROUTES, *attachments.ROUTES, *hours.ROUTES, *health.ROUTES,
                             *newsletter.ROUTES,
                             Mount(v1.PREFIX, app=reporting)],
                     middleware=[Middleware(AccessLog), Middleware(SecurityHeaders), Middleware(BodyLimit),
                                 Middleware(UploadSession)])


def build_reporting_api() -> Starlette:
    """What the API process (`cli serve-api`) serves: the reporting API alone, with the same body limit and
    headers, the caller's address as the web server forwarded it."""
    return Starlette(routes=[Mount(v1.PREFIX, app=v1.build())],
                     middleware=[Middleware(upstream.TrustedClient), Middleware(SecurityHeaders),
                                 Middleware(BodyLimit)])
