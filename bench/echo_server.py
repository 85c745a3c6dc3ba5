"""A bare socket.io echo server: the transport floor that bench/load.py measures next to the app.

    python bench/echo_server.py --port 3430                # what bench/load.py starts by itself
    python bench/echo_server.py --port 3430 --server uvicorn

The same stack as `reflex run --env prod`: python-socketio's AsyncServer in ASGI mode, configured as
Reflex configures it (websocket transport only, no upgrades, handlers run inline, Reflex's ping
interval and timeout), served by Granian with one worker (uvicorn on request). It speaks just
enough of Reflex's protocol for the load client: the namespace `/_event`, the hydrate event
carried in the CONNECT packet's auth payload, and one reply per event, an `event` message whose
delta says `is_hydrated: true` (what the client waits for at the end of a page load). No state,
no database, no JSON beyond the socket.io packet itself. Prints nothing but Granian's own log.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

import socketio

NAMESPACE = "/_event"
#: The reply to every event: the delta that ends a Reflex page load.
HYDRATED = {"delta": {"reflex___state____state": {"is_hydrated_rx_state_": True}}}

sio = socketio.AsyncServer(
    async_mode="asgi",
    cors_allowed_origins="*",
    cors_credentials=True,
    max_http_buffer_size=1_000_000,
    ping_interval=25,
    ping_timeout=120,
    allow_upgrades=False,
    transports=["websocket"],
    async_handlers=False,
)


async def _reply(sid: str, name: object) -> None:
    await sio.emit("event", {**HYDRATED, "echo": name}, to=sid, namespace=NAMESPACE)


@sio.on("connect", namespace=NAMESPACE)
async def connect(sid: str, environ: dict, auth: object = None) -> None:
    # Reflex sends the boot event's deltas after the CONNECT acknowledgement; so does this.
    event = auth.get("event") if isinstance(auth, dict) else None
    if isinstance(event, dict):
        asyncio.get_running_loop().call_soon(asyncio.ensure_future, _reply(sid, event.get("name")))


@sio.on("event", namespace=NAMESPACE)
async def event(sid: str, data: object) -> None:
    await _reply(sid, data.get("name") if isinstance(data, dict) else None)


app = socketio.ASGIApp(sio, socketio_path="/_event")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=3430)
    parser.add_argument("--server", choices=("granian", "uvicorn"), default="granian")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    if args.server == "uvicorn":
        import uvicorn

        uvicorn.run("echo_server:app", host=args.host, port=args.port, log_level="warning", ws="wsproto")
        return 0
    from granian.constants import Interfaces
    from granian.log import LogLevels
    from granian.server import Server

    Server(target="echo_server:app", address=args.host, port=args.port, interface=Interfaces.ASGI,
           workers=1, log_level=LogLevels.warning).serve()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
