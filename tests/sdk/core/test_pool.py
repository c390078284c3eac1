"""What the connection pool and the send path guarantee on a real loopback socket: streams open at once
each get a connection and (up to 100) are kept alive for the next burst, `max_connections` caps them,
an upload is streamed in chunks, and a request that may have reached the server is not sent twice."""

from __future__ import annotations

import asyncio
import json
import threading
import tracemalloc
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator, List, Optional, Set

import httpx
import pytest

from cozekit import APIConnectionError, AsyncCoze, Coze, Message, TokenAuth

_STREAM = (
    b'event:conversation.message.delta\ndata:{"role":"assistant","type":"answer","content":"Hi"}\n\n'
    b'event:done\ndata:"[DONE]"\n\n'
)
_FILE = json.dumps({"code": 0, "msg": "", "data": {"id": "f1", "bytes": 1, "created_at": 1}}).encode()
_CONV = json.dumps({"code": 0, "msg": "", "data": {"id": "c1", "created_at": 1}}).encode()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, together: int = 1) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.peers: Set[int] = set()
        self.requests: List[str] = []
        self.barrier: Optional[threading.Barrier] = threading.Barrier(together) if together > 1 else None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        self.server.requests.append("GET " + self.path.split("?")[0])
        if self.path.startswith("/v1/conversation/retrieve"):
            self.close_connection = True  # the answer never comes: the connection just ends
            return
        self._answer("application/json", _CONV)

    def do_POST(self) -> None:
        self.server.peers.add(self.client_address[1])
        self.server.requests.append("POST " + self.path)
        if self.path == "/v1/files/upload":
            left = int(self.headers["Content-Length"])
            while left:
                left -= len(self.rfile.read(min(left, 1 << 16)))
            self._answer("application/json", _FILE)
            return
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path == "/v1/conversation/create":
            self.close_connection = True
            return
        if self.server.barrier is not None:
            self.server.barrier.wait(timeout=30)  # every stream of the burst is open at once
        self._answer("text/event-stream", _STREAM)

    def _answer(self, content_type: str, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def _serve(together: int = 1) -> Iterator[_Server]:
    httpd = _Server(together)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


BURST = 30
"""More than httpx's default keep-alive limit (20): a pool sized by httpx's defaults reopens some."""


@pytest.fixture
def burst_server() -> Iterator[_Server]:
    yield from _serve(BURST)


@pytest.fixture
def server() -> Iterator[_Server]:
    yield from _serve()


_MSG = [Message.build_user_question_text("hi")]


async def _chat(coze: AsyncCoze) -> List[str]:
    async with await coze.chat.stream(bot_id="1", user_id="u", additional_messages=_MSG) as events:
        return [e.message.content async for e in events if e.message]


async def test_every_connection_of_a_burst_is_kept_for_the_next(burst_server: _Server) -> None:
    async with AsyncCoze(TokenAuth("t"), burst_server.url) as coze:
        for _ in range(2):
            answers = await asyncio.gather(*[_chat(coze) for _ in range(BURST)])
            assert answers == [["Hi"]] * BURST
    assert len(burst_server.peers) == BURST


def test_every_connection_of_a_threaded_burst_is_kept_for_the_next(burst_server: _Server) -> None:
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
    assert len(burst_server.peers) == BURST


def test_the_pool_is_sized_from_max_connections() -> None:
    from cozekit._transport import pool_limits

    assert (pool_limits(1000).max_connections, pool_limits(1000).max_keepalive_connections) == (1000, 100)
    assert (pool_limits(30).max_connections, pool_limits(30).max_keepalive_connections) == (30, 30)


async def test_max_connections_caps_the_connections(server: _Server) -> None:
    async with AsyncCoze(TokenAuth("t"), server.url, max_connections=2) as coze:
        answers = await asyncio.gather(*[_chat(coze) for _ in range(8)])
    assert answers == [["Hi"]] * 8
    assert len(server.peers) <= 2


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_a_dropped_post_is_not_sent_again_and_a_get_is(server: _Server, mode: str) -> None:
    """The server reads the request and closes without answering: a POST may have been acted on, so it
    is not resent; a GET is (`max_retries` times)."""
    if mode == "sync":
        with Coze(TokenAuth("t"), server.url, max_retries=2) as coze:
            with pytest.raises(APIConnectionError):
                coze.conversations.create()
            with pytest.raises(APIConnectionError):
                coze.conversations.retrieve(conversation_id="c1")
    else:
        async with AsyncCoze(TokenAuth("t"), server.url, max_retries=2) as acoze:
            with pytest.raises(APIConnectionError):
                await acoze.conversations.create()
            with pytest.raises(APIConnectionError):
                await acoze.conversations.retrieve(conversation_id="c1")
    assert server.requests == ["POST /v1/conversation/create"] + ["GET /v1/conversation/retrieve"] * 3


UPLOAD = 48 * 1024 * 1024


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_an_upload_is_streamed_in_chunks(server: _Server, mode: str, tmp_path: Path) -> None:
    """The file goes out in pieces: the memory traced while uploading stays far below its size."""
    path = tmp_path / "big.bin"
    with open(path, "wb") as out:
        out.truncate(UPLOAD)
    tracemalloc.start()
    try:
        if mode == "sync":
            with Coze(TokenAuth("t"), server.url) as coze:
                assert coze.files.upload(file=path).id == "f1"
        else:
            async with AsyncCoze(TokenAuth("t"), server.url) as acoze:
                assert (await acoze.files.upload(file=path)).id == "f1"
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert server.requests == ["POST /v1/files/upload"]
    assert peak < 4 * 1024 * 1024, f"peak {peak} bytes while uploading {UPLOAD} bytes"


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
