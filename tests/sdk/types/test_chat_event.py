"""Chat stream events: the real stream fixture of the Coze "Chat v3" reference page (streamed response) and
the edge cases around it."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import List, Tuple

import pytest

from cozekit._exceptions import CozeInvalidEventError
from cozekit.types import (
    Chat,
    ChatError,
    ChatEvent,
    ChatEventType,
    ChatRequiredActionType,
    ChatStatus,
    ChatToolCallType,
    Message,
    MessageContentType,
    MessageRole,
    MessageType,
    parse_chat_event,
)
from cozekit.types.chat_event import _HANDLERS

FIXTURE = Path(__file__).parent / "fixtures" / "chat_text_stream.sse"
CHAT_ID = "7382159487131697202"
CONVERSATION_ID = "7381473525342978089"
BOT_ID = "7379462189365198898"


def read_events(text: str) -> List[Tuple[str, str]]:
    """Split the fixture's `event:`/`data:` pairs (chat_v3 page's framing: no space after the colon)."""
    events = []
    for block in text.strip().split("\n\n"):
        lines = block.split("\n")
        assert len(lines) == 2, block
        assert lines[0].startswith("event:") and lines[1].startswith("data:"), block
        events.append((lines[0][len("event:") :], lines[1][len("data:") :]))
    return events


@pytest.fixture(scope="module")
def stream() -> List[ChatEvent]:
    return [parse_chat_event(name, data) for name, data in read_events(FIXTURE.read_text("utf-8"))]


def test_fixture_event_sequence(stream: List[ChatEvent]) -> None:
    assert [e.event for e in stream] == [
        ChatEventType.CONVERSATION_CHAT_CREATED,
        ChatEventType.CONVERSATION_CHAT_IN_PROGRESS,
        ChatEventType.CONVERSATION_MESSAGE_DELTA,
        ChatEventType.CONVERSATION_MESSAGE_DELTA,
        ChatEventType.CONVERSATION_MESSAGE_COMPLETED,
        ChatEventType.CONVERSATION_MESSAGE_COMPLETED,
        ChatEventType.CONVERSATION_CHAT_COMPLETED,
        ChatEventType.DONE,
    ]
    assert all(e.event.is_known for e in stream)


def test_fixture_chat_events(stream: List[ChatEvent]) -> None:
    chats = [e.chat for e in stream if e.chat is not None]
    assert [c.status for c in chats] == [ChatStatus.CREATED, ChatStatus.IN_PROGRESS, ChatStatus.COMPLETED]
    for chat in chats:
        assert isinstance(chat, Chat)
        assert (chat.id, chat.conversation_id, chat.bot_id) == (CHAT_ID, CONVERSATION_ID, BOT_ID)
        assert chat.completed_at == 1718792949
        assert chat.last_error == ChatError(code=0, msg="")
    assert chats[0].usage is not None and chats[0].usage.token_count == 0
    final = chats[-1]
    assert final.usage is not None
    assert (final.usage.token_count, final.usage.output_count, final.usage.input_count) == (633, 19, 614)
    assert final.status.is_terminal and not chats[1].status.is_terminal
    # chat events carry no message and vice versa
    assert all(e.message is None for e in stream if e.chat is not None)


def test_fixture_message_events(stream: List[ChatEvent]) -> None:
    deltas = [e.message for e in stream if e.event == ChatEventType.CONVERSATION_MESSAGE_DELTA]
    assert [m.content for m in deltas if m is not None] == ["2", "0"]
    completed = [e.message for e in stream if e.event == ChatEventType.CONVERSATION_MESSAGE_COMPLETED]
    answer, verbose = completed
    assert isinstance(answer, Message) and isinstance(verbose, Message)
    assert answer.content == "2024 年 10 月 1 日是星期三。"
    assert answer.role is MessageRole.ASSISTANT
    assert answer.type is MessageType.ANSWER
    assert answer.content_type is MessageContentType.TEXT
    assert (answer.chat_id, answer.conversation_id, answer.bot_id) == (CHAT_ID, CONVERSATION_ID, BOT_ID)
    assert answer.id == "7382159494123470858" and deltas[0] is not None and deltas[0].id == answer.id
    assert verbose.type is MessageType.VERBOSE
    assert json.loads(verbose.content)["msg_type"] == "generate_answer_finish"


def test_fixture_done_has_no_payload(stream: List[ChatEvent]) -> None:
    done = stream[-1]
    assert done.event is ChatEventType.DONE
    assert (done.chat, done.message, done.code, done.msg, done.data, done.unknown) == (None,) * 6


@pytest.mark.parametrize("data", ['"[DONE]"', "[DONE]", "", "{}"])
def test_done_variants(data: str) -> None:
    event = parse_chat_event("done", data)
    assert event.event is ChatEventType.DONE and event.debug_url is None


def test_chatflow_done_keeps_debug_url() -> None:
    url = "https://www.coze.cn/work_flow?execute_id=1&space_id=2&workflow_id=3"
    event = parse_chat_event("done", json.dumps({"debug_url": url}))
    assert event.debug_url == url


def test_failed_chat() -> None:
    data = (
        '{"id":"7390342853760696354","conversation_id":"7390331532575195148","bot_id":"7374724495711502387",'
        '"completed_at":1720698285,"failed_at":1720698286,'
        '"last_error":{"code":5000,"msg":"event interval error"},'
        '"status":"failed","usage":{"token_count":0,"output_count":0,"input_count":0}}'
    )
    event = parse_chat_event("conversation.chat.failed", data)
    assert event.event is ChatEventType.CONVERSATION_CHAT_FAILED
    assert event.chat is not None and event.chat.status is ChatStatus.FAILED
    assert event.chat.last_error == ChatError(code=5000, msg="event interval error")
    assert event.chat.failed_at == 1720698286


def test_requires_action() -> None:
    data = (
        '{"id":"737666232053959","conversation_id":"737666232053956","bot_id":"737282596785517",'
        '"created_at":1717513283,"status":"requires_action","required_action":{"type":"submit_tool_outputs",'
        '"submit_tool_outputs":{"tool_calls":[{"id":"BUJJF0dAQ0","type":"function","function":'
        '{"name":"local_data_assistant","arguments":"{\\"location\\":\\"南京\\",\\"type\\":0}"}}]}},'
        '"usage":{"token_count":0,"output_count":0,"input_count":0}}'
    )
    event = parse_chat_event("conversation.chat.requires_action", data)
    chat = event.chat
    assert chat is not None and chat.status is ChatStatus.REQUIRES_ACTION
    action = chat.required_action
    assert action is not None and action.type is ChatRequiredActionType.SUBMIT_TOOL_OUTPUTS
    (call,) = action.tool_calls
    assert call.id == "BUJJF0dAQ0" and call.type is ChatToolCallType.FUNCTION
    assert call.function is not None and call.function.name == "local_data_assistant"
    assert call.function.parse_arguments() == {"location": "南京", "type": 0}


def test_newer_capture_fields_string_timestamps_and_extras() -> None:
    data = json.dumps(
        {
            "id": "1",
            "conversation_id": "2",
            "bot_id": "3",
            "created_at": "1718792949",
            "section_id": "44",
            "status": "in_progress",
            "required_action": {"type": "", "submit_tool_outputs": {"tool_calls": []}},
            "last_error": {"code": 0, "msg": ""},
            "brand_new_field": {"x": 1},
        }
    )
    chat = parse_chat_event("conversation.chat.in_progress", data).chat
    assert chat is not None
    assert chat.created_at == 1718792949 and chat.section_id == "44"
    assert chat.required_action is not None
    assert chat.required_action.type is ChatRequiredActionType.UNKNOWN
    assert chat.required_action.tool_calls == []
    assert chat.model_extra == {"brand_new_field": {"x": 1}}


def test_unknown_status_and_message_type_are_kept() -> None:
    chat = parse_chat_event(
        "conversation.chat.in_progress", '{"id":"1","conversation_id":"2","status":"paused"}'
    )
    assert chat.chat is not None
    assert chat.chat.status == "paused" and not chat.chat.status.is_known
    assert not chat.chat.status.is_terminal
    msg = parse_chat_event(
        "conversation.message.completed",
        '{"id":"m","role":"tool","type":"hologram","content":"x","content_type":"mesh"}',
    ).message
    assert msg is not None
    assert (msg.role, msg.type, msg.content_type) == ("tool", "hologram", "mesh")
    assert not msg.type.is_known


def test_reasoning_delta() -> None:
    event = parse_chat_event(
        "conversation.message.delta",
        '{"id":"m","role":"assistant","type":"answer","content":"","reasoning_content":"思考","content_type":"text"}',
    )
    assert event.message is not None and event.message.reasoning_content == "思考"


def test_audio_delta() -> None:
    pcm = b"\x00\x01\x02\x03"
    data = json.dumps(
        {
            "id": "m",
            "role": "assistant",
            "type": "answer",
            "content": base64.b64encode(pcm).decode(),
            "content_type": "audio",
        }
    )
    event = parse_chat_event("conversation.audio.delta", data)
    assert event.event is ChatEventType.CONVERSATION_AUDIO_DELTA
    assert event.message is not None and event.message.get_audio() == pcm


def test_error_event_keeps_code_and_msg() -> None:
    event = parse_chat_event("error", '{"code":4016,"msg":"conversation busy"}')
    assert event.event is ChatEventType.ERROR
    assert (event.code, event.msg) == (4016, "conversation busy")
    assert event.error == ChatError(code=4016, msg="conversation busy")
    assert event.chat is None and event.message is None


def test_error_event_that_is_not_json_keeps_text() -> None:
    event = parse_chat_event("error", "upstream exploded")
    assert event.code is None and event.msg == "upstream exploded"
    assert event.error == ChatError(code=0, msg="upstream exploded")


def test_error_property_is_none_for_other_events() -> None:
    assert parse_chat_event("done", '"[DONE]"').error is None


def test_unknown_event_kept_with_raw_data() -> None:
    event = parse_chat_event("conversation.hologram.delta", '{"beam":1}')
    assert event.event == "conversation.hologram.delta"
    assert isinstance(event.event, ChatEventType) and not event.event.is_known
    assert event.data == '{"beam":1}'
    assert event.unknown == {"event": "conversation.hologram.delta", "data": '{"beam":1}'}
    assert event.chat is None and event.message is None


def test_event_name_whitespace_is_trimmed() -> None:
    event = parse_chat_event(
        " conversation.chat.created ", '{"id":"1","conversation_id":"2","status":"created"}'
    )
    assert event.event is ChatEventType.CONVERSATION_CHAT_CREATED


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("conversation.message.delta", "not json"),
        ("conversation.message.delta", '["a list", "not a message"]'),
        ("conversation.chat.created", "null"),
        ("conversation.chat.completed", '"[DONE]"'),
    ],
)
def test_payload_with_no_usable_shape_raises_invalid_event(name: str, data: str) -> None:
    """Data that is not a JSON object cannot be read as a chat or a message, even leniently (a missing
    or wrong-typed field is read leniently: see test_lenient_events.py)."""
    with pytest.raises(CozeInvalidEventError) as info:
        parse_chat_event(name, data)
    assert info.value.field == name and info.value.data == data


def test_registry_covers_every_known_event() -> None:
    known = {m.value for m in ChatEventType} - {ChatEventType.UNKNOWN.value}
    assert set(_HANDLERS) == known
