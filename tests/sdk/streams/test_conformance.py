"""The conformance corpus, served byte for byte over loopback to every stream the SDK has (chat,
submit_tool_outputs, chatflow, workflow run, workflow resume), sync and async."""

from __future__ import annotations

import zlib
from typing import Any, Iterator, List, Optional, Tuple

import httpx
import pytest

from cozekit import Message
from fake_server import LOGID, FakeServer, Reply
from sync_or_async import MODES, Client, open_client, run

from .corpus import CHAT_CASES, WORKFLOW_CASES, Expected, Raises, chat_names

_HI = [Message.build_user_question_text("hi")]

CHAT_KINDS = {
    "chat": ("/v3/chat", lambda c: c.chat.stream(bot_id="b-1", user_id="u-1", additional_messages=_HI)),
    "submit_tool_outputs": (
        "/v3/chat/submit_tool_outputs",
        lambda c: c.chat.submit_tool_outputs(
            conversation_id="v-1",
            chat_id="c-1",
            tool_outputs=[{"tool_call_id": "t-1", "output": "ok"}],
            stream=True,
        ),
    ),
    "chatflow": (
        "/v1/workflows/chat",
        lambda c: c.workflows.chat.stream(workflow_id="w-1", additional_messages=_HI),
    ),
}
WORKFLOW_KINDS = {
    "workflow": ("/v1/workflow/stream_run", lambda c: c.workflows.runs.stream(workflow_id="w-1")),
    "resume": (
        "/v1/workflow/stream_resume",
        lambda c: c.workflows.runs.resume(
            workflow_id="w-1", event_id="e-1/2", resume_data="yes", interrupt_type=2
        ),
    ),
}


@pytest.fixture(scope="module")
def server() -> Iterator[FakeServer]:
    with FakeServer() as wire:
        yield wire


def _reply(name: str, body: bytes) -> Reply:
    """Each case goes out in one of the framings real servers use, chosen by its name (so every framing
    sees a share of the corpus); chunked bodies go in 7-byte chunks, to split lines and characters."""
    framing = ["close", "chunked", "length"][zlib.crc32(name.encode()) % 3]
    if framing == "chunked":
        return Reply(pieces=[body[i : i + 7] for i in range(0, len(body), 7)], framing=framing)
    return Reply(body, framing=framing)


def _name(event: Any) -> str:
    return str(event.event.value)


async def _drain(stream: Any) -> Tuple[List[Any], Optional[BaseException]]:
    events: List[Any] = []
    try:
        if hasattr(stream, "__aiter__"):
            async for event in stream:
                events.append(event)
        else:
            for event in stream:
                events.append(event)
    except Exception as exc:  # the corpus says which
        return events, exc
    return events, None


async def _check(client: Client, call: Any, expected: Expected) -> List[Any]:
    stream = await run(call(client))
    assert stream.logid == LOGID
    assert stream.response.logid == LOGID and stream.response.status_code == 200
    assert isinstance(stream.response.http_response, httpx.Response)
    assert stream.response.headers["content-type"] == "text/event-stream"
    events, error = await _drain(stream)
    if isinstance(expected, Raises):
        assert isinstance(error, expected.error), error
        for word in expected.words:
            assert word in str(error)
        assert [_name(e) for e in events] == list(expected.events)
        return events
    assert error is None, repr(error)
    assert [_name(e) for e in events] == expected
    return events


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", list(CHAT_KINDS))
@pytest.mark.parametrize(("case", "body", "expected"), CHAT_CASES, ids=[c[0] for c in CHAT_CASES])
async def test_chat_streams(
    server: FakeServer, mode: str, kind: str, case: str, body: bytes, expected: Expected
) -> None:
    path, call = CHAT_KINDS[kind]
    server.replies[:] = [_reply(case, body)]
    if not isinstance(expected, Raises):
        expected = chat_names(expected, body, chatflow=kind == "chatflow")
    async with open_client(mode, server.url, "pat_wire", max_retries=0) as client:
        events = await _check(client, call, expected)
    assert server.requests[-1].url.path == path
    for event in events:
        assert event.logid == LOGID
        if event.message is not None and "\ufffd" in body.decode("utf-8", "replace"):
            assert event.message.content == "\ufffd\ufffd"  # an incomplete character, then a bad byte
        if _name(event) == "conversation.chat.failed":
            assert event.chat.last_error.code == 5000
        if _name(event) == "done":
            url = "https://www.coze.cn/work_flow?execute_id=1"
            assert event.debug_url == (url if url.encode() in body else None)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", list(WORKFLOW_KINDS))
@pytest.mark.parametrize(("case", "body", "expected"), WORKFLOW_CASES, ids=[c[0] for c in WORKFLOW_CASES])
async def test_workflow_streams(
    server: FakeServer, mode: str, kind: str, case: str, body: bytes, expected: Expected
) -> None:
    path, call = WORKFLOW_KINDS[kind]
    server.replies[:] = [_reply(case, body)]
    async with open_client(mode, server.url, "pat_wire", max_retries=0) as client:
        events = await _check(client, call, expected)
    assert server.requests[-1].url.path == path
    for event in events:
        if _name(event) == "Error":
            assert (event.error.error_code, event.error.error_message) == (4000, "Request parameter error")
        if _name(event) == "Message" and b"id: " in body and "non-numeric" not in case:
            assert event.id is not None
