"""What the connection pool and the send path guarantee on a real loopback socket (the one fake
server's, `FakeServer`): streams open at once each get a connection and (up to 100) are kept alive for
the next burst, `max_connections` caps them, an upload is streamed in chunks, and a request that may
have reached the server is not sent twice."""

from __future__ import annotations

import asyncio
import io
import threading
import tracemalloc
from typing import Any, Iterator, List

import httpx
import pytest

from cozekit import APIConnectionError, AsyncCoze, Coze, Message, TokenAuth
from fake_server import FakeServer, Reply, envelope
from sync_or_async import NO_WAIT

_STREAM = Reply(
    b'event:conversation.message.delta\ndata:{"role":"assistant","type":"answer","content":"Hi"}\n\n'
    b'event:done\ndata:"[DONE]"\n\n',
    framing="length",
)

BURST = 30
"""More than httpx's default keep-alive limit (20): a pool sized by httpx's defaults reopens some."""


@pytest.fixture
def burst_server() -> Iterator[FakeServer]:
    """Answers a chat stream once `BURST` of them are open at once (each connection has its thread)."""
    barrier = threading.Barrier(BURST)

    def together(request: httpx.Request) -> Reply:
        barrier.wait(timeout=30)
        return _STREAM

    with FakeServer(together) as server:
        yield server


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer(_STREAM) as server:
        yield server


_MSG = [Message.build_user_question_text("hi")]


async def _chat(coze: AsyncCoze) -> List[str]:
    async with await coze.chat.stream(bot_id="1", user_id="u", additional_messages=_MSG) as events:
        return [e.message.content async for e in events if e.message]


async def test_every_connection_of_a_burst_is_kept_for_the_next(burst_server: FakeServer) -> None:
    async with AsyncCoze(TokenAuth("t"), burst_server.url) as coze:
        for _ in range(2):
            answers = await asyncio.gather(*[_chat(coze) for _ in range(BURST)])
            assert answers == [["Hi"]] * BURST
    assert burst_server.connections == BURST


def test_every_connection_of_a_threaded_burst_is_kept_for_the_next(burst_server: FakeServer) -> None:
    errors: List[BaseException] = []

    def chat(coze: Coze) -> None:
        try:
            with coze.chat.stream(bot_id="1", user_id="u", additional_messages=_MSG) as events:
                assert [e.message.content for e in events if e.message] == ["Hi"]
        except BaseException as exc:  # reported below
            errors.append(exc)

    with Coze(TokenAuth("t"), burst_server.url) as coze:
        for _ in range(2):
            threads = [threading.Thread(target=chat, args=(coze,)) for _ in range(BURST)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
    assert errors == []
    assert burst_server.connections == BURST


def test_the_pool_is_sized_from_max_connections() -> None:
    from cozekit._transport import pool_limits

    assert (pool_limits(1000).max_connections, pool_limits(1000).max_keepalive_connections) == (1000, 100)
    assert (pool_limits(30).max_connections, pool_limits(30).max_keepalive_connections) == (30, 30)


async def test_max_connections_caps_the_connections(server: FakeServer) -> None:
    async with AsyncCoze(TokenAuth("t"), server.url, max_connections=2) as coze:
        answers = await asyncio.gather(*[_chat(coze) for _ in range(8)])
    assert answers == [["Hi"]] * 8
    assert server.connections <= 2


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_a_dropped_post_is_not_sent_again_and_a_get_is(mode: str) -> None:
    """The server reads the request and closes without answering: a POST may have been acted on, so it
    is not resent; a GET is (`max_retries` times)."""
    dropped = ConnectionResetError("the connection just ends")
    routes = {("POST", "/v1/conversation/create"): dropped, ("GET", "/v1/conversation/retrieve"): dropped}
    with FakeServer(routes=routes) as server:
        if mode == "sync":
            with Coze(TokenAuth("t"), server.url, max_retries=2, retry_policy=NO_WAIT) as coze:
                with pytest.raises(APIConnectionError):
                    coze.conversations.create()
                with pytest.raises(APIConnectionError):
                    coze.conversations.retrieve(conversation_id="c1")
        else:
            async with AsyncCoze(TokenAuth("t"), server.url, max_retries=2, retry_policy=NO_WAIT) as acoze:
                with pytest.raises(APIConnectionError):
                    await acoze.conversations.create()
                with pytest.raises(APIConnectionError):
                    await acoze.conversations.retrieve(conversation_id="c1")
    sent = [(r.method, r.url.path) for r in server.requests]
    assert sent == [("POST", "/v1/conversation/create")] + [("GET", "/v1/conversation/retrieve")] * 3


GIB = 1 << 30
UPLOAD_GROWTH = 64 << 20
"""Issue #19: a 1 GiB upload grows the client's memory by less than this."""


class _Zeros(io.RawIOBase):
    """`size` zero bytes as a binary file: a 1 GiB source that costs neither memory nor disk."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = max(0, min(len(buffer), self.size - self.position))
        buffer[:n] = bytes(n)
        self.position += n
        return n

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        self.position = base + offset
        return self.position

    def tell(self) -> int:
        return self.position


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_a_1_gib_upload_is_streamed_in_chunks(mode: str) -> None:
    """The file goes out in pieces: the memory traced while uploading (client and server alike, in this
    process) grows far less than its size, and the server receives every byte."""
    uploaded = envelope({"id": "f1", "bytes": GIB, "created_at": 1})
    with FakeServer(uploaded, keep_bodies_up_to=1 << 20) as server:
        tracemalloc.start()
        try:
            if mode == "sync":
                with Coze(TokenAuth("t"), server.url) as coze:
                    assert coze.files.upload(file=_Zeros(GIB), file_name="big.bin").id == "f1"
            else:
                async with AsyncCoze(TokenAuth("t"), server.url) as acoze:
                    assert (await acoze.files.upload(file=_Zeros(GIB), file_name="big.bin")).id == "f1"
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert server.wire() == ("POST", "/v1/files/upload")
    assert len(server.requests) == 1
    assert server.body_sizes[0] > GIB  # the file and its multipart framing
    assert peak < UPLOAD_GROWTH, f"peak {peak} bytes while uploading {GIB} bytes"


def test_the_transport_raises_httpx_errors() -> None:
    """httpcore's errors, from connecting and from reading a body, reach callers as httpx's."""
    import socket

    from cozekit._transport import SyncTransport, pool_limits

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]

    def answer_half() -> None:
        conn, _ = listener.accept()
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly a part")
        conn.close()

    thread = threading.Thread(target=answer_half, daemon=True)
    thread.start()
    with httpx.Client(transport=SyncTransport(pool_limits(1))) as http:
        with (
            http.stream("GET", f"http://127.0.0.1:{port}/") as response,
            pytest.raises(httpx.RemoteProtocolError),
        ):
            response.read()
        listener.close()
        thread.join()
        with pytest.raises(httpx.ConnectError):
            http.get(f"http://127.0.0.1:{port}/")
