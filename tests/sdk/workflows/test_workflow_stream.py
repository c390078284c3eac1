"""Workflow and chatflow event streams: Coze's framing, PING, Error, Interrupt, Done, broken streams."""

from __future__ import annotations

from typing import Any, List

import httpx
import pytest

from cozekit import (
    APIConnectionError,
    APIResponseValidationError,
    BadRequestError,
    ChatEventType,
    CozeAPIError,
    CozeInvalidEventError,
    NotFoundError,
    WorkflowEvent,
    WorkflowEventType,
    WorkflowInterruptType,
)
from fake_server import FakeServer, envelope

from .wf_fakes import DEBUG, DONE, WF, interrupt, message, sse

STREAM_RUN = ("POST", "/v1/workflow/stream_run")


async def stream_events(mode: str, answer: httpx.Response) -> List[WorkflowEvent]:
    """Every event of a workflow stream answered with `answer`, read by a client of `mode`."""
    server = FakeServer(routes={STREAM_RUN: answer})
    return await server.collect(mode, lambda c: c.workflows.runs.stream(workflow_id=WF))


# The documented example, verbatim framing (`id: n`, `event: Name`, `data: {...}`, blank line).
DOC_EXAMPLE = (
    "id: 0\nevent: Message\n"
    'data: {"content":"msg","node_is_finish":false,"node_seq_id":"0","node_title":"Message"}\n\n'
    "id: 1\nevent: Message\n"
    'data: {"content":"为","node_is_finish":false,"node_seq_id":"1","node_title":"Message"}\n\n'
    "id: 5\nevent: Message\n"
    'data: {"content":"{\\"output\\":\\"为什么小明要带一把尺子去看电影？\\"}","cost":"0.00",'
    '"node_is_finish":true,"node_seq_id":"0","node_title":"","token":0}\n\n'
    "id: 6\nevent: Done\ndata: {}\n\n"
)


def stream_of(text: str) -> httpx.Response:
    return httpx.Response(200, content=text.encode(), headers={"content-type": "text/event-stream"})


async def test_the_documented_stream_parses_into_typed_events(mode: str) -> None:
    events = await stream_events(mode, stream_of(DOC_EXAMPLE))
    assert [e.event for e in events] == ["Message", "Message", "Message", "Done"]
    assert [e.id for e in events] == [0, 1, 5, 6]
    assert events[0].event is WorkflowEventType.MESSAGE
    first, last = events[0].message, events[2].message
    assert (first.content, first.node_is_finish, first.node_seq_id, first.node_title) == (
        "msg",
        False,
        "0",
        "Message",
    )
    assert last.node_is_finish is True and '"output"' in last.content
    assert events[3].debug_url is None


@pytest.mark.parametrize(("space", "eol"), [(True, "\n"), (False, "\n"), (True, "\r\n"), (False, "\r")])
async def test_framing_with_or_without_space_and_any_line_ending(mode: str, space: bool, eol: str) -> None:
    events = await stream_events(
        mode, sse(message("a", 0, False), message("b", 1), DONE, space=space, eol=eol)
    )
    assert [(e.event, e.id) for e in events] == [("Message", 0), ("Message", 1), ("Done", 2)]
    assert [e.message.content for e in events[:2]] == ["a", "b"]


async def test_ping_with_empty_object_or_absent_data_is_tolerated(mode: str) -> None:
    events = await stream_events(
        mode,
        sse(("PING", "{}"), message("a"), ("PING", ""), ("PING", None), ("ping", "{}"), DONE),
    )
    # An event with no data line is not dispatched (SSE rules); the others are typed PINGs.
    assert [e.event for e in events] == ["PING", "Message", "PING", "PING", "Done"]
    assert all(e.event is WorkflowEventType.PING for e in events if e.event == "PING")
    assert events[-1].id == 5


async def test_error_event_is_yielded_ends_the_stream_and_raises_typed_on_demand(mode: str) -> None:
    events = await stream_events(
        mode, sse(message("partial"), ("Error", {"error_code": 4200, "error_message": "workflow not found"}))
    )
    assert [e.event for e in events] == ["Message", "Error"]
    error = events[-1]
    assert error.event.is_terminal
    assert (error.error.error_code, error.error.error_message) == (4200, "workflow not found")
    with pytest.raises(NotFoundError) as caught:
        error.raise_for_error()
    assert caught.value.code == 4200 and caught.value.logid == "stream-logid"
    events[0].raise_for_error()  # no-op on other events


async def test_error_event_codes_map_to_the_error_tree() -> None:
    events = await stream_events(
        "sync", sse(("Error", {"error_code": 4000, "error_message": "Request parameter error"}))
    )
    with pytest.raises(BadRequestError):
        events[0].raise_for_error()
    odd = await stream_events("sync", sse(("Error", {"code": 720701013, "msg": "server issue"})))
    assert type(odd[0].error.to_exception()) is CozeAPIError
    assert odd[0].error.error_code == 720701013
    text = await stream_events("sync", sse(("Error", "plain failure text")))
    assert text[0].error.error_message == "plain failure text"


async def test_an_error_event_ends_the_stream_even_if_more_follows() -> None:
    events = await stream_events(
        "sync", sse(("Error", {"error_code": 5000, "error_message": "x"}), message("never"))
    )
    assert [e.event for e in events] == ["Error"]


async def test_interrupt_ends_the_stream_with_its_resume_data(mode: str) -> None:
    question = message("请问你想查看哪个城市、哪一天的天气呢", title="问答")
    events = await stream_events(mode, sse(question, interrupt(type_=5)))
    assert [e.event for e in events] == ["Message", "Interrupt"]
    data = events[1].interrupt.interrupt_data
    assert data.event_id == "7404830425073352713/2769808280134765896"
    assert data.type is WorkflowInterruptType.INPUT
    assert events[1].interrupt.node_title == "问答"


async def test_done_carries_debug_url(mode: str) -> None:
    events = await stream_events(mode, sse(message("x"), ("Done", {"debug_url": DEBUG})))
    assert events[-1].debug_url == DEBUG


async def test_a_stream_that_stops_before_its_last_event_is_a_connection_error(mode: str) -> None:
    with pytest.raises(APIConnectionError):
        await stream_events(mode, sse(message("a", finish=False)))


async def test_unknown_events_are_kept_with_their_name_and_data() -> None:
    events = await stream_events("sync", sse(("NodeStart", {"node_id": "n1"}), DONE))
    unknown = events[0]
    assert unknown.event == "NodeStart" and not unknown.event.is_known
    assert unknown.data == '{"node_id": "n1"}'
    assert unknown.unknown == {"id": "0", "event": "NodeStart", "data": '{"node_id": "n1"}'}


@pytest.mark.parametrize("bad", ["not json", "[1]", '"text"'])
async def test_a_message_with_no_usable_shape_is_an_invalid_event(bad: str) -> None:
    with pytest.raises(CozeInvalidEventError):
        await stream_events("sync", sse(("Message", bad), DONE))


async def test_a_wrong_typed_message_field_raises_when_strict() -> None:
    # The suite runs strict (tests/conftest.py); lenient reading is tested in tests/sdk/lenient.
    with pytest.raises(APIResponseValidationError) as caught:
        await stream_events("sync", sse(("Message", '{"content": {"nested": 1}}'), DONE))
    assert caught.value.field == "content" and caught.value.logid == "stream-logid"
    assert caught.value.status_code == 200 and caught.value.body == '{"content": {"nested": 1}}'


async def test_a_message_with_an_integer_seq_id_is_read_as_text() -> None:
    events = await stream_events(
        "sync", sse(("Message", {"content": "x", "node_seq_id": 3, "node_is_finish": True}), DONE)
    )
    assert events[0].message.node_seq_id == "3"


async def test_a_stream_rejected_with_a_json_envelope_raises_at_the_call(mode: str) -> None:
    with pytest.raises(NotFoundError) as caught:
        await stream_events(mode, envelope(code=4200, msg="Requested resource workflow_id=1 does not exist"))
    assert caught.value.code == 4200


async def test_events_know_the_stream_logid() -> None:
    events = await stream_events("sync", sse(message("a"), DONE))
    assert events[0].logid == "stream-logid"


# Chatflow: chat events, `done` with the debug URL.

CHATFLOW = ("POST", "/v1/workflows/chat")
CHAT = {"id": "c1", "conversation_id": "conv1", "status": "in_progress", "created_at": 1}
DELTA = {"id": "m1", "conversation_id": "conv1", "role": "assistant", "type": "answer", "content": "你好"}


def chat_stream(*events: Any) -> httpx.Response:
    return sse(*events, ids=False)


def test_chatflow_stream_wire_format_and_events() -> None:
    fake = FakeServer(
        routes={
            CHATFLOW: chat_stream(
                ("conversation.chat.created", CHAT),
                ("conversation.message.delta", {**DELTA, "content_type": "text"}),
                ("conversation.chat.completed", {**CHAT, "status": "completed"}),
                ("done", {"debug_url": DEBUG}),
            )
        }
    )
    events = list(
        fake.sync().workflows.chat.stream(
            workflow_id=WF,
            additional_messages=[{"role": "user", "content": "hi", "content_type": "text"}],
            parameters={"CONVERSATION_NAME": "c"},
            bot_id="bot1",
            conversation_id="conv1",
            ext={"user_id": "u"},
        )
    )
    assert fake.last.url.path == "/v1/workflows/chat" and fake.last.url.query == b""
    assert fake.body() == {
        "workflow_id": WF,
        "additional_messages": [{"role": "user", "content": "hi", "content_type": "text"}],
        "parameters": {"CONVERSATION_NAME": "c"},
        "bot_id": "bot1",
        "conversation_id": "conv1",
        "ext": {"user_id": "u"},
    }
    assert [e.event for e in events] == [
        ChatEventType.CONVERSATION_CHAT_CREATED,
        ChatEventType.CONVERSATION_MESSAGE_DELTA,
        ChatEventType.CONVERSATION_CHAT_COMPLETED,
        ChatEventType.DONE,
    ]
    assert events[0].chat.bot_id is None
    assert events[1].message.content == "你好"
    assert events[-1].debug_url == DEBUG


async def test_chatflow_error_event_raises_its_typed_error_async() -> None:
    fake = FakeServer(routes={CHATFLOW: chat_stream(("error", {"code": 4200, "msg": "no such workflow"}))})

    with pytest.raises(NotFoundError):
        stream = await fake.asyn().workflows.chat.stream(
            workflow_id=WF, additional_messages=[{"role": "user", "content": "hi", "content_type": "text"}]
        )
        async for _ in stream:
            pass


def test_chatflow_argument_checks() -> None:
    client = FakeServer().sync()
    with pytest.raises(ValueError):
        client.workflows.chat.stream(workflow_id=WF, app_id="a", bot_id="b")
    with pytest.raises(ValueError):
        client.workflows.chat.stream(
            workflow_id=WF, additional_messages=[{"role": "user", "content": "x"}] * 51
        )
