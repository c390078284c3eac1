"""A finished call's `httpx.Response` is freed as soon as nothing holds it, not left to the cyclic garbage
collector (httpx's response and its body stream refer to each other): with many calls, garbage that
only the collector frees means more collections, each scanning everything still alive."""

from __future__ import annotations

import gc
import weakref
from typing import Any, Iterator, List

import httpx
import pytest

from cozekit import Message
from fake_server import FakeServer, Reply, envelope
from sync_or_async import MODES, open_client, run

_STREAM = Reply(
    b'event:conversation.message.delta\ndata:{"role":"assistant","type":"answer","content":"Hi"}\n\n'
    b'event:done\ndata:"[DONE]"\n\n',
    framing="length",
)
_MSG = [Message.build_user_question_text("hi")]


@pytest.fixture
def no_collector() -> Iterator[None]:
    """The automatic collector off for the test's body (restored after), so that only reference counting
    frees anything: what is still alive after the call is what would have waited for the collector."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@pytest.mark.parametrize("mode", MODES)
async def test_a_read_stream_leaves_its_response_to_reference_counting(mode: str, no_collector: None) -> None:
    with FakeServer(_STREAM) as server:
        async with open_client(mode, server.url, "t") as coze:
            refs: List[Any] = []
            stream = await run(coze.chat.stream(bot_id="1", user_id="u", additional_messages=_MSG))
            http = stream.response.http_response
            assert isinstance(http, httpx.Response)
            refs.append(weakref.ref(http))
            if mode == "sync":
                with stream:
                    contents = [e.message.content for e in stream if e.message]
            else:
                async with stream:
                    contents = [e.message.content async for e in stream if e.message]
            assert contents == ["Hi"]
            assert http.is_closed
            del stream, http
            assert refs[0]() is None


@pytest.mark.parametrize("mode", MODES)
async def test_a_stream_closed_early_leaves_its_response_to_reference_counting(
    mode: str, no_collector: None
) -> None:
    with FakeServer(_STREAM) as server:
        async with open_client(mode, server.url, "t") as coze:
            stream = await run(coze.chat.stream(bot_id="1", user_id="u", additional_messages=_MSG))
            ref = weakref.ref(stream.response.http_response)
            await run(stream.close())
            del stream
            assert ref() is None


@pytest.mark.parametrize("mode", MODES)
async def test_a_json_call_leaves_its_response_to_reference_counting(mode: str, no_collector: None) -> None:
    with FakeServer(envelope({"id": "c1", "created_at": 1})) as server:
        async with open_client(mode, server.url, "t") as coze:
            conversation = await run(coze.conversations.retrieve(conversation_id="c1"))
            assert conversation.id == "c1"
            http = conversation.response.http_response
            ref = weakref.ref(http)
            assert http.is_closed
            assert http.json()["data"]["id"] == "c1"  # the body stays readable after it is released
            del conversation, http
            assert ref() is None
