"""The socket server's rooms (tpd_app.services.platform.sockets): the same record as python-socketio's own
manager after any sequence of joins and leaves, and the app's server uses it."""

import asyncio

from socketio import AsyncManager, AsyncServer

from tpd_app.services.platform.sockets import IndexedRoomsManager

NS = "/_event"


def _served(manager: AsyncManager) -> AsyncManager:
    """`manager` as a socket server's, with the server's ids made predictable."""
    server = AsyncServer(client_manager=manager)
    ids = iter(range(1, 1000))
    server.eio.generate_id = lambda: f"sid{next(ids)}"
    return manager


def _play(manager: AsyncManager) -> list[dict]:
    """Tabs connect, join and leave rooms, and go away (some twice); the rooms after each step."""

    async def steps() -> list[dict]:
        seen = []
        sids = [await manager.connect(f"eio{i}", NS) for i in range(6)]
        seen.append(_snapshot(manager, sids))
        await manager.enter_room(sids[0], NS, "course-1")
        await manager.enter_room(sids[1], NS, "course-1")
        await manager.enter_room(sids[1], NS, "course-2")
        seen.append(_snapshot(manager, sids))
        await manager.disconnect(sids[1], NS)
        await manager.leave_room(sids[0], NS, "course-1")
        seen.append(_snapshot(manager, sids))
        await manager.enter_room(sids[2], NS, "course-2")
        await manager.close_room("course-2", NS)
        await manager.disconnect(sids[3], NS)
        await manager.disconnect(sids[3], NS)  # a second disconnect of the same tab changes nothing
        seen.append(_snapshot(manager, sids))
        for sid in sids:
            await manager.disconnect(sid, NS)
        seen.append(_snapshot(manager, sids))
        return seen

    return asyncio.run(steps())


def _snapshot(manager: AsyncManager, sids: list[str]) -> dict:
    rooms = {ns: {room: dict(members) for room, members in by_room.items()} for ns, by_room in manager.rooms.items()}
    return {"rooms": rooms, "of": {sid: sorted(manager.get_rooms(sid, NS)) for sid in sids},
            "connected": {sid: manager.is_connected(sid, NS) for sid in sids},
            "pending": (dict(manager.pending_connect), dict(manager.pending_disconnect))}


def test_the_rooms_are_what_python_socketio_keeps_after_every_step():
    indexed = _play(_served(IndexedRoomsManager()))
    assert indexed == _play(_served(AsyncManager()))
    assert indexed[1]["of"]["sid2"] == ["course-1", "course-2", "sid2"]
    assert indexed[-1]["rooms"] == {}


def test_a_leaving_tab_does_not_walk_every_other_tab_s_room():
    manager = _served(IndexedRoomsManager())

    async def run() -> None:
        sids = [await manager.connect(f"eio{i}", NS) for i in range(200)]
        rooms = manager.rooms[NS]
        walked = []

        class Watched(dict):
            def copy(self):
                walked.append(1)
                return super().copy()

            def items(self):
                walked.append(1)
                return super().items()

        manager.rooms[NS] = Watched(rooms)
        await manager.disconnect(sids[0], NS)
        assert not walked and sids[0] not in manager.rooms[NS]
        assert len(manager.rooms[NS]) == 200  # everyone's room but the leaver's own

    asyncio.run(run())


def test_the_app_s_socket_server_keeps_the_index():
    from tpd_app.tpd_app import app

    assert isinstance(app.sio.manager, IndexedRoomsManager)
