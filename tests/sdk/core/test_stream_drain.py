"""After a stream's last event, the rest of the body is read so the connection can be reused."""

from __future__ import annotations

from typing import Any, AsyncIterator, Iterator, List, Tuple

import anyio
import httpx
import pytest

import cozekit._streaming
from cozekit import AsyncCoze, AsyncStream, Coze, Message, ResponseInfo, ServerSentEvent, Stream, TokenAuth
from fake_server import FakeServer


class _Counted(httpx.SyncByteStream, httpx.AsyncByteStream):
    def __init__(self, chunks: List[bytes]) -> None:
        self.chunks = chunks
        self.read = 0
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.chunks:
            self.read += 1
            yield chunk

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            self.read += 1
            yield chunk

    def close(self) -> None:
        self.closed = True

    async def aclose(self) -> None:
        self.closed = True


def _until_done(sse: ServerSentEvent, info: ResponseInfo) -> Tuple[Any, bool]:
    return (None, True) if sse.event == "done" else (sse, False)


EVENTS = [b"event:a\ndata:1\n\n", b'event:done\ndata:"[DONE]"\n\n']


def test_the_end_of_the_body_after_the_last_event_is_read() -> None:
    body = _Counted([*EVENTS, b"\n", b": bye\n\n"])
    assert [e.event for e in Stream(httpx.Response(200, stream=body), _until_done)] == ["a"]
    assert body.read == 4 and body.closed


def test_a_long_tail_after_the_last_event_is_not_read_whole() -> None:
    body = _Counted([*EVENTS] + [b":" + b"x" * 40_000 + b"\n"] * 10)
    assert [e.event for e in Stream(httpx.Response(200, stream=body), _until_done)] == ["a"]
    assert body.read < 6 and body.closed


async def test_async_streams_read_the_end_too() -> None:
    body = _Counted([*EVENTS, b"\n"])
    events = [e.event async for e in AsyncStream(httpx.Response(200, stream=body), _until_done)]
    assert events == ["a"] and body.read == 3 and body.closed


_STREAM = (
    b'event:conversation.message.delta\ndata:{"role":"assistant","type":"answer","content":"Hi"}\n\n'
    b'event:done\ndata:"[DONE]"\n\n'
)


@pytest.fixture
def server() -> Iterator[FakeServer]:
    answer = httpx.Response(200, content=_STREAM, headers={"Content-Type": "text/event-stream"})
    with FakeServer(answer) as fake:
        yield fake


def test_consecutive_chat_streams_share_one_connection(server: FakeServer) -> None:
    msg = [Message.build_user_question_text("hi")]
    with Coze(TokenAuth("t"), server.url) as coze:
        for _ in range(3):
            with coze.chat.stream(bot_id="1", user_id="u", additional_messages=msg) as events:
                assert [e.message.content for e in events if e.message] == ["Hi"]
    assert server.connections == 1 and len(server.requests) == 3


async def test_consecutive_async_chat_streams_share_one_connection(server: FakeServer) -> None:
    msg = [Message.build_user_question_text("hi")]
    async with AsyncCoze(TokenAuth("t"), server.url) as coze:
        for _ in range(3):
            events = await coze.chat.stream(bot_id="1", user_id="u", additional_messages=msg)
            async with events:
                assert [e.message.content async for e in events if e.message] == ["Hi"]
    assert server.connections == 1 and len(server.requests) == 3


class _Stalling(httpx.AsyncByteStream):
    """Sends its events, then neither ends the body nor sends more."""

    def __init__(self) -> None:
        self.closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in EVENTS:
            yield chunk
        await anyio.sleep_forever()
        yield b""  # pragma: no cover

    async def aclose(self) -> None:
        self.closed = True


async def test_an_async_stream_does_not_wait_long_for_a_body_that_never_ends(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(cozekit._streaming, "_DRAIN_SECONDS", 0.05)
    body = _Stalling()
    stream = AsyncStream(httpx.Response(200, stream=body), _until_done)
    with anyio.fail_after(10):  # hang guard only
        events = [e.event async for e in stream]
    assert events == ["a"] and body.closed
