"""The WebSocket connection core (`websockets/_connection.py`) run against the `websockets` library's own
sans-I/O server in memory: what a drop does to queued frames, the session configuration and the items
the session gets."""

from __future__ import annotations

from typing import Any, List, Optional

from websockets.frames import Frame, Opcode
from websockets.http11 import Request
from websockets.server import ServerProtocol

from cozekit import Coze, TokenAuth
from cozekit._flow import Invoke, invoke_sync
from cozekit.websockets import ReconnectPolicy, WebsocketsOptions
from cozekit.websockets._connection import Connection, Dial, Hangup, Item, Pause, Read, Write

UPDATE = '{"event_type":"chat.update"}'
QUESTION = '{"event_type":"conversation.message.create"}'


class MemoryPeer:
    """Performs a connection flow's socket steps against one in-memory server per `Dial`; with `broken`,
    the next write fails as a dropped socket does. The server closes (1000) after `QUESTION`."""

    def __init__(self) -> None:
        self.servers: List[ServerProtocol] = []
        self.received: List[List[str]] = []
        self.broken = False
        self._eof = False

    def perform(self, step: Any) -> Any:
        if isinstance(step, Invoke):
            return invoke_sync(step)
        if isinstance(step, Dial):
            self.servers.append(ServerProtocol())
            self.received.append([])
            self.broken, self._eof = False, False
            return None
        if isinstance(step, Write):
            if self.broken:
                raise BrokenPipeError("the peer went away")
            self._take(step.data)
            return None
        if isinstance(step, Read):
            return self._answer()
        assert isinstance(step, (Pause, Hangup))
        return None

    def _take(self, data: bytes) -> None:
        server = self.servers[-1]
        server.receive_data(data)
        for event in server.events_received():
            if isinstance(event, Request):
                server.send_response(server.accept(event))
            elif isinstance(event, Frame) and event.opcode is Opcode.TEXT:
                text = bytes(event.data).decode()
                self.received[-1].append(text)
                if text == QUESTION:
                    server.send_close(1000)

    def _answer(self) -> Optional[bytes]:
        chunks = self.servers[-1].data_to_send()
        data = b"".join(chunks)
        self._eof = self._eof or b"" in chunks
        if data:
            return data
        assert self._eof, "the flow waits for a peer that has nothing more to say"
        return b""


def test_a_frame_whose_write_failed_goes_out_after_the_reconnect_behind_the_configuration() -> None:
    items: List[Item] = []
    options = WebsocketsOptions(ping_interval=None, reconnect=ReconnectPolicy(1, initial_delay=0))
    connection = Connection(
        "ws://peer.test/v1/chat", lambda: {"Authorization": "Bearer t"}, "ua", options, items.append
    )
    peer = MemoryPeer()
    runner = Coze(TokenAuth("t"), "http://127.0.0.1:9")
    protocol = runner._run(connection.open_flow(), perform=peer.perform)
    connection.send(UPDATE, is_update=True)
    connection.send(QUESTION)
    peer.broken = True

    runner._run(connection.run_flow(protocol), perform=peer.perform)

    assert peer.received == [[], [UPDATE, QUESTION]]
    assert items == [("reconnected", None), ("closed", None)]


def test_a_drop_without_reconnect_attempts_is_reported_lost_then_closed() -> None:
    items: List[Item] = []
    options = WebsocketsOptions(ping_interval=None)
    connection = Connection("ws://peer.test/v1/chat", lambda: {}, "ua", options, items.append)
    peer = MemoryPeer()
    runner = Coze(TokenAuth("t"), "http://127.0.0.1:9")
    protocol = runner._run(connection.open_flow(), perform=peer.perform)
    connection.send(QUESTION)
    peer.broken = True

    runner._run(connection.run_flow(protocol), perform=peer.perform)

    assert [kind for kind, _ in items] == ["lost", "closed"]
    assert "was lost" in str(items[0][1])
    assert len(peer.servers) == 1
