"""The socket server's record of who is in which room, indexed by client as well as by room.

python-socketio puts every connected tab in two rooms (the namespace's room of everyone and the tab's own)
and keeps them as `rooms[namespace][room][sid]`. To find the rooms of a tab that leaves, its manager walks
every room of the namespace, a copy of it: one room per connected tab. Each disconnect costs as much as
the tabs still connected, and many tabs closing together cost the square of their number; at the end of
`bench/rush_ws.py` (2,000 tabs) that walk was a tenth of the worker's time, while the last registrations
were still waiting for an answer. This manager also keeps `sid -> rooms` per namespace, so a disconnect
leaves only the tab's own rooms. Everything else is python-socketio's own.
"""

from __future__ import annotations

from typing import Any

from socketio import AsyncManager, AsyncServer


class IndexedRoomsManager(AsyncManager):
    """`AsyncManager` with the rooms of each client at hand (`basic_disconnect` and `get_rooms` without a
    walk over every room)."""

    def __init__(self) -> None:
        super().__init__()
        self._joined: dict[str, dict[str, set[Any]]] = {}

    def basic_enter_room(self, sid: str, namespace: str, room: Any, eio_sid: str | None = None) -> None:
        super().basic_enter_room(sid, namespace, room, eio_sid=eio_sid)
        self._joined.setdefault(namespace, {}).setdefault(sid, set()).add(room)

    def basic_leave_room(self, sid: str, namespace: str, room: Any) -> None:
        super().basic_leave_room(sid, namespace, room)
        by_sid = self._joined.get(namespace)
        joined = by_sid.get(sid) if by_sid else None
        if joined is None:
            return
        joined.discard(room)
        if not joined:
            del by_sid[sid]  # type: ignore[union-attr]
            if not by_sid:
                del self._joined[namespace]

    def basic_disconnect(self, sid: str, namespace: str, **kwargs: Any) -> None:
        """As python-socketio's, but leaving only the rooms `sid` is in."""
        if namespace not in self.rooms:
            return
        for room in list(self._joined.get(namespace, {}).get(sid, ())):
            self.basic_leave_room(sid, namespace, room)
        self.callbacks.pop(sid, None)
        for pending in (self.pending_connect, self.pending_disconnect):
            if namespace in pending and sid in pending[namespace]:
                pending[namespace].remove(sid)
                if not pending[namespace]:
                    del pending[namespace]

    def get_rooms(self, sid: str, namespace: str) -> list[Any]:
        return [room for room in self._joined.get(namespace, {}).get(sid, ()) if room is not None]


def index_rooms(server: AsyncServer) -> None:
    """Give `server` an `IndexedRoomsManager` (before it has served anyone)."""
    if server.manager_initialized or any(server.manager.rooms.values()):
        raise RuntimeError("the socket server already has clients: its rooms cannot be moved")
    server.manager = IndexedRoomsManager()
    server.manager.set_server(server)
