"""Errors name their cause: the logid the headers carried (bodies cut off or not JSON, connections
dropped after the headers), the httpx error's type when its message is empty, the cause chained; and
`stream.response` / `BinaryResponse.response` are `ResponseInfo`s holding the httpx response."""

from __future__ import annotations

from typing import Iterator

import httpx
import pytest

from cozekit import (
    APIConnectionError,
    APIResponseValidationError,
    AsyncCoze,
    Coze,
    CozeError,
    IncompleteStreamError,
    InternalServerError,
    Message,
    TokenAuth,
)
from fake_server import LOGID, FakeServer, Reply
from sync_or_async import MODES, collect, open_client, run

_HI = [Message.build_user_question_text("hi")]
_JSON = "application/json"


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer() as wire:
        yield wire


@pytest.mark.parametrize("mode", MODES)
async def test_a_json_body_cut_off_mid_way_names_the_logid(server: FakeServer, mode: str) -> None:
    server.replies.append(Reply(b'{"code":0,"data":{"id":"v', content_type=_JSON, framing="length", cut=True))
    async with open_client(mode, server.url, "t", max_retries=0) as client:
        with pytest.raises(APIConnectionError) as info:
            await run(client.conversations.retrieve(conversation_id="v-1"))
    err = info.value
    assert err.logid == LOGID and LOGID in str(err)
    assert isinstance(err.__cause__, httpx.RemoteProtocolError)
    assert "RemoteProtocolError" in str(err)


@pytest.mark.parametrize("mode", MODES)
async def test_retried_cut_off_bodies_still_name_the_last_logid(server: FakeServer, mode: str) -> None:
    server.replies.append(Reply(b'{"code":0,"da', content_type=_JSON, framing="length", cut=True))
    async with open_client(mode, server.url, "t", max_retries=2) as client:
        with pytest.raises(APIConnectionError) as info:
            await run(client.conversations.retrieve(conversation_id="v-1"))  # a GET: retried
    assert len(server.requests) == 3 and info.value.logid == LOGID


@pytest.mark.parametrize("mode", MODES)
async def test_a_complete_body_that_is_not_json_names_the_logid(server: FakeServer, mode: str) -> None:
    server.replies.append(Reply(b'{"code":0,"da', content_type=_JSON, framing="length"))
    async with open_client(mode, server.url, "t", max_retries=0) as client:
        with pytest.raises(APIResponseValidationError) as info:
            await run(client.conversations.retrieve(conversation_id="v-1"))
    assert info.value.logid == LOGID and LOGID in str(info.value)


@pytest.mark.parametrize("mode", MODES)
async def test_an_error_status_with_a_truncated_body_is_an_api_error_with_the_logid(
    server: FakeServer, mode: str
) -> None:
    server.replies.append(Reply(b'{"code":5000,"msg":"bo', status=500, content_type=_JSON, framing="length"))
    async with open_client(mode, server.url, "t", max_retries=0) as client:
        with pytest.raises(InternalServerError) as info:
            await run(client.conversations.retrieve(conversation_id="v-1"))
    assert info.value.logid == LOGID and info.value.status_code == 500
    assert '{"code":5000,"msg":"bo' in info.value.msg


@pytest.mark.parametrize("mode", MODES)
async def test_a_stream_whose_connection_drops_names_the_last_event_and_logid(
    server: FakeServer, mode: str
) -> None:
    first = b'event:conversation.chat.created\ndata:{"id":"c","conversation_id":"v"}\n\n'
    server.replies.append(Reply(pieces=[first, b"event:conversation.me"], framing="chunked", cut=True))
    async with open_client(mode, server.url, "t", max_retries=0) as client:
        stream = await run(client.chat.stream(bot_id="b", user_id="u", additional_messages=_HI))
        events = []
        with pytest.raises(IncompleteStreamError) as info:
            if hasattr(stream, "__aiter__"):
                async for event in stream:
                    events.append(event)
            else:
                for event in stream:
                    events.append(event)
    err = info.value
    assert [e.event.value for e in events] == ["conversation.chat.created"]
    assert err.last_event == "conversation.chat.created" and err.logid == LOGID
    assert "conversation.chat.created" in str(err) and LOGID in str(err)
    assert isinstance(err, APIConnectionError) and isinstance(err.__cause__, httpx.HTTPError)


@pytest.mark.parametrize("mode", MODES)
async def test_a_binary_body_that_breaks_names_the_logid_and_keeps_the_response(
    server: FakeServer, mode: str
) -> None:
    server.replies.append(Reply(b"ID3audio", content_type="audio/mpeg", framing="length", cut=True))
    async with open_client(mode, server.url, "t", max_retries=0) as client:
        speech = await run(client.audio.speech.create(input="hi", voice_id="v-1"))
        assert speech.response.logid == LOGID and speech.response.status_code == 200
        assert isinstance(speech.response.http_response, httpx.Response) and speech.logid == LOGID
        assert speech.content_type == "audio/mpeg"
        with pytest.raises(APIConnectionError) as info:
            await run(speech.read())
    assert info.value.logid == LOGID and "RemoteProtocolError" in str(info.value)


def _empty_read_error(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadError("")


def test_an_httpx_error_without_a_message_is_named_by_its_type() -> None:
    assert str(httpx.ReadError("")) == ""
    http = httpx.Client(transport=httpx.MockTransport(_empty_read_error))
    coze = Coze(TokenAuth("t"), "http://coze.test", http_client=http, max_retries=0)
    with coze, pytest.raises(APIConnectionError, match="ReadError") as info:
        coze.users.me()
    assert isinstance(info.value.__cause__, httpx.ReadError)


async def test_an_async_httpx_error_without_a_message_is_named_by_its_type() -> None:
    http = httpx.AsyncClient(transport=httpx.MockTransport(_empty_read_error))
    async with AsyncCoze(TokenAuth("t"), "http://coze.test", http_client=http, max_retries=0) as coze:
        with pytest.raises(APIConnectionError, match="ReadError"):
            await coze.users.me()


class _DropsQuietly(httpx.SyncByteStream, httpx.AsyncByteStream):
    def __iter__(self) -> Iterator[bytes]:
        yield b"event:conversation.chat.created\ndata:{}\n\n"
        raise httpx.ReadError("")

    async def __aiter__(self):  # type: ignore[no-untyped-def]
        yield b"event:conversation.chat.created\ndata:{}\n\n"
        raise httpx.ReadError("")


def _stream_that_drops(request: httpx.Request) -> httpx.Response:
    return httpx.Response(
        200, headers={"content-type": "text/event-stream", "x-tt-logid": "L"}, stream=_DropsQuietly()
    )


@pytest.mark.parametrize("mode", MODES)
async def test_a_stream_broken_by_an_error_without_a_message_names_its_type(mode: str) -> None:
    if mode == "sync":
        client = Coze(
            TokenAuth("t"),
            "http://coze.test",
            http_client=httpx.Client(transport=httpx.MockTransport(_stream_that_drops)),
        )
    else:
        client = AsyncCoze(
            TokenAuth("t"),
            "http://coze.test",
            http_client=httpx.AsyncClient(transport=httpx.MockTransport(_stream_that_drops)),
        )
    stream = await run(client.workflows.runs.stream(workflow_id="w"))
    with pytest.raises(IncompleteStreamError) as info:
        await collect(stream)
    assert "ReadError" in str(info.value) and "logid: L" in str(info.value)
    assert isinstance(info.value, CozeError)
