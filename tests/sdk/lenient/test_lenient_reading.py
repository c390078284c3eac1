"""Answers the models did not foresee, served over loopback: read leniently by default (unknown fields
kept, missing ones defaulted, wrong-typed ones kept as sent, nested models kept), strictly on request
(`APIResponseValidationError` naming the field, with status, logid and body). Each through a plain call,
a pager, a chat stream, a chatflow stream and a workflow stream, with `Coze` and with `AsyncCoze`.

The suite runs strict (tests/conftest.py), so lenient clients here say `strict_validation=False`."""

from __future__ import annotations

import json
import os
from typing import Any, Dict, List, Tuple, Union

import httpx
import pytest

from cozekit import (
    APIResponseValidationError,
    AsyncCoze,
    ChatEventType,
    Coze,
    CozeError,
    CozeInvalidEventError,
    TokenAuth,
    WorkflowEventType,
)
from cozekit.auth import AsyncDeviceOAuthApp, DeviceOAuthApp
from cozekit.types import Chat, ChatMessageEvent, ChatStatusEvent, Message, WorkflowMessageEvent
from fake_server import FakeServer
from sync_or_async import MODES, collect, open_client, run

LOGID = "odd-logid"
TOKEN = "pat_odd"
LENIENT = {"strict_validation": False}
STRICT = {"strict_validation": True}


def sse(*events: Tuple[str, Any]) -> str:
    """An event-stream body; each data is sent as given (text) or JSON-encoded."""
    out = []
    for index, (name, data) in enumerate(events):
        text = data if isinstance(data, str) else json.dumps(data)
        out.append(f"id:{index}\nevent:{name}\ndata:{text}\n\n")
    return "".join(out)


def envelope(data: Any) -> Dict[str, Any]:
    return {"code": 0, "msg": "", "data": data, "detail": {"logid": LOGID}}


def answer(
    server: FakeServer, method: str, path: str, body: Union[Dict[str, Any], List[Any], str], status: int = 200
) -> None:
    """What `path` returns: a dict or list as JSON, text as an event stream (log id `LOGID`)."""
    headers = {"x-tt-logid": LOGID}
    if isinstance(body, str):
        headers["content-type"] = "text/event-stream"
        server.route(method, path, httpx.Response(status, text=body, headers=headers))
    else:
        server.route(method, path, httpx.Response(status, json=body, headers=headers))


ODD_CHAT: Dict[str, Any] = {
    "id": 7382159487131697202,  # a number for a string: read as its text
    "conversation_id": "7381473525342978089",
    "created_at": "1718792949",  # a number as a string
    "status": "completed",
    "usage": {"token_count": "633", "output_count": "nineteen", "input_count": 614},  # a bad nested field
    "last_error": {"code": "0", "msg": 0},
    "required_action": {"type": "submit_tool_outputs", "submit_tool_outputs": {"tool_calls": None}},
    "meta_data": ["not", "a", "mapping"],  # a wrong-typed container: kept as sent
    "section_id": None,
    "from_the_future": {"x": 1},  # an unknown field: kept
    # bot_id, completed_at, failed_at: missing, defaulted
}


def check_odd_chat(chat: Chat) -> None:
    assert isinstance(chat, Chat)
    assert chat.id == "7382159487131697202" and chat.conversation_id == "7381473525342978089"
    assert chat.created_at == 1718792949 and chat.completed_at is None and chat.bot_id is None
    assert chat.status == "completed"
    assert chat.usage is not None
    assert (chat.usage.token_count, chat.usage.output_count, chat.usage.input_count) == (633, "nineteen", 614)
    assert chat.usage.invalid_fields == {"output_count": "nineteen"}
    assert chat.last_error is not None and (chat.last_error.code, chat.last_error.msg) == (0, "0")
    assert chat.required_action is not None and chat.required_action.tool_calls == []
    assert chat.meta_data == ["not", "a", "mapping"]
    assert chat.model_extra == {"from_the_future": {"x": 1}}
    assert set(chat.invalid_fields) == {"id", "usage", "last_error", "meta_data", "required_action"}
    assert chat.invalid_fields["usage"] == ODD_CHAT["usage"]
    assert chat.logid == LOGID


# -- a plain call ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
async def test_a_plain_call_reads_an_odd_chat_leniently(mode: str, odd: FakeServer) -> None:
    answer(odd, "GET", "/v3/chat/retrieve", envelope(ODD_CHAT))
    async with open_client(mode, odd.url, TOKEN, **LENIENT) as client:
        check_odd_chat(await run(client.chat.retrieve(conversation_id="c", chat_id="1")))


@pytest.mark.parametrize("mode", MODES)
async def test_a_plain_call_raises_when_strict_naming_the_field(mode: str, odd: FakeServer) -> None:
    chat = {"id": "1", "conversation_id": "c", "usage": {"token_count": 1, "output_count": "nineteen"}}
    answer(odd, "GET", "/v3/chat/retrieve", envelope(chat))
    async with open_client(mode, odd.url, TOKEN, **STRICT) as client:
        with pytest.raises(APIResponseValidationError) as caught:
            await run(client.chat.retrieve(conversation_id="c", chat_id="1"))
    error = caught.value
    assert isinstance(error, CozeError)
    assert error.field == "usage.output_count" and "usage.output_count" in str(error)
    assert (error.status_code, error.logid, error.body) == (200, LOGID, chat)
    assert error.errors and error.errors[0]["loc"] == ("usage", "output_count")


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("options", [LENIENT, STRICT], ids=["lenient", "strict"])
async def test_an_answer_with_no_usable_shape_raises_in_both_modes(
    mode: str, options: Dict[str, bool], odd: FakeServer
) -> None:
    answer(odd, "GET", "/v3/chat/retrieve", envelope([1, 2]))  # a list where the chat object should be
    answer(odd, "GET", "/v3/chat/message/list", envelope({"id": "m1"}))  # an object where a list should be
    async with open_client(mode, odd.url, TOKEN, **options) as client:
        with pytest.raises(APIResponseValidationError) as caught:
            await run(client.chat.retrieve(conversation_id="c", chat_id="1"))
        assert (caught.value.status_code, caught.value.logid, caught.value.body) == (200, LOGID, [1, 2])
        with pytest.raises(APIResponseValidationError) as listed:
            await run(client.chat.messages.list(conversation_id="c", chat_id="1"))
        assert listed.value.body == {"id": "m1"} and listed.value.logid == LOGID


@pytest.mark.parametrize("mode", MODES)
async def test_a_list_result_keeps_its_odd_items(mode: str, odd: FakeServer) -> None:
    items = [
        {"role": "assistant", "content": 7, "meta_data": {"k": 1}, "created_at": "soon", "extra": True},
        {"content": "no role", "type": "answer"},  # a required field missing: None
    ]
    answer(odd, "GET", "/v3/chat/message/list", envelope(items))
    async with open_client(mode, odd.url, TOKEN, **LENIENT) as client:
        messages = await run(client.chat.messages.list(conversation_id="c", chat_id="1"))
    assert [type(m) for m in messages] == [Message, Message] and messages.logid == LOGID
    assert (messages[0].content, messages[0].meta_data, messages[0].created_at) == ("7", {"k": 1}, "soon")
    assert messages[0].model_extra == {"extra": True}
    assert messages[1].role is None and messages[1].content == "no role"
    assert messages[1].invalid_fields == {"role": None}


# -- pagers ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
async def test_a_number_pager_reads_odd_pages(mode: str, odd: FakeServer) -> None:
    page = {
        "conversations": [
            {"id": 1, "meta_data": None, "created_at": "1718792949", "surprise": [1]},
            {"id": "c2", "name": 42, "meta_data": {"k": 1}},
        ],
        "has_more": "false",
        "total": "2",
    }
    answer(odd, "GET", "/v1/conversations", envelope(page))
    async with open_client(mode, odd.url, TOKEN, **LENIENT) as client:
        conversations = await collect(client.conversations.list(bot_id="b"))
    assert [c.id for c in conversations] == ["1", "c2"]
    assert conversations[0].meta_data == {} and conversations[0].created_at == 1718792949
    assert conversations[0].model_extra == {"surprise": [1]}
    assert conversations[1].name == "42" and conversations[1].meta_data == {"k": 1}
    assert all(c.logid == LOGID for c in conversations)
    assert odd.paths().count("/v1/conversations") == 1  # has_more "false" was read as false


@pytest.mark.parametrize("mode", MODES)
async def test_a_message_pager_reads_odd_ids_and_null_lists(mode: str, odd: FakeServer) -> None:
    answer(
        odd,
        "POST",
        "/v1/conversation/message/list",
        {"code": 0, "msg": "", "data": None, "first_id": 1, "last_id": 2, "has_more": 0},
    )
    async with open_client(mode, odd.url, TOKEN, **LENIENT) as client:
        pager = await run(client.conversations.messages.list(conversation_id="c"))
        assert pager.items == [] and pager.has_more is False
        assert (pager.page.first_id, pager.page.last_id) == ("1", "2")


@pytest.mark.parametrize("mode", MODES)
async def test_a_pager_raises_when_strict(mode: str, odd: FakeServer) -> None:
    answer(odd, "GET", "/v1/conversations", envelope({"conversations": [{"id": "c1", "name": 42}]}))
    async with open_client(mode, odd.url, TOKEN, **STRICT) as client:
        with pytest.raises(APIResponseValidationError) as caught:
            await collect(client.conversations.list(bot_id="b"))
    assert caught.value.field == "[0].name" and caught.value.logid == LOGID


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("page", [["not", "a", "page"], {"conversations": ["text, not a conversation"]}])
async def test_a_page_with_no_usable_shape_raises(mode: str, page: Any, odd: FakeServer) -> None:
    answer(odd, "GET", "/v1/conversations", envelope(page))
    async with open_client(mode, odd.url, TOKEN, **LENIENT) as client:
        with pytest.raises(APIResponseValidationError) as caught:
            await collect(client.conversations.list(bot_id="b"))
    assert caught.value.status_code == 200 and caught.value.logid == LOGID


# -- chat and chatflow streams ---------------------------------------------------------------------------

ODD_CHAT_STREAM = sse(
    ("conversation.chat.created", {"id": 1, "conversation_id": "c", "status": "created", "usage": "n/a"}),
    (
        "conversation.message.delta",
        {"id": "m1", "role": "assistant", "type": "answer", "content": 7, "meta_data": {"k": 1}, "new": True},
    ),
    ("conversation.message.delta", {"role": "assistant", "content": "Hi", "created_at": "soon"}),
    ("conversation.message.completed", {"id": "m1", "role": "assistant", "content": "7Hi"}),
    ("conversation.brand.new", {"anything": 1}),
    (
        "conversation.chat.completed",
        {
            "id": "1",
            "conversation_id": "c",
            "status": "completed",
            "usage": {"token_count": "3", "output_count": None},
        },
    ),
    ("done", '"[DONE]"'),
)


def check_odd_chat_stream(events: List[Any]) -> None:
    assert [e.event for e in events[:4]] == [
        ChatEventType.CONVERSATION_CHAT_CREATED,
        ChatEventType.CONVERSATION_MESSAGE_DELTA,
        ChatEventType.CONVERSATION_MESSAGE_DELTA,
        ChatEventType.CONVERSATION_MESSAGE_COMPLETED,
    ]
    created, delta, second, completed, unknown, chat_completed = events[:6]
    assert isinstance(created, ChatStatusEvent) and created.chat.id == "1" and created.chat.usage is None
    assert created.chat.invalid_fields == {"id": 1, "usage": "n/a"}
    assert isinstance(delta, ChatMessageEvent)
    assert delta.message.content == "7" and delta.message.meta_data == {"k": 1}
    assert delta.message.model_extra == {"new": True}
    assert second.message.content == "Hi" and second.message.created_at == "soon"
    assert completed.message.content == "7Hi" and completed.message.invalid_fields == {}
    assert unknown.event == "conversation.brand.new" and unknown.data == '{"anything": 1}'
    assert chat_completed.chat.usage.token_count == 3 and chat_completed.chat.usage.output_count == 0
    assert all(e.logid == LOGID for e in events)


@pytest.mark.parametrize("mode", MODES)
async def test_a_chat_stream_reads_odd_events_leniently(mode: str, odd: FakeServer) -> None:
    answer(odd, "POST", "/v3/chat", ODD_CHAT_STREAM)
    async with open_client(mode, odd.url, TOKEN, **LENIENT) as client:
        events = await collect(await run(client.chat.stream(bot_id="b", user_id="u")))
    check_odd_chat_stream(events)
    assert len(events) == 6  # done ends the stream


@pytest.mark.parametrize("mode", MODES)
async def test_a_chatflow_stream_reads_odd_events_leniently(mode: str, odd: FakeServer) -> None:
    answer(odd, "POST", "/v1/workflows/chat", ODD_CHAT_STREAM)
    async with open_client(mode, odd.url, TOKEN, **LENIENT) as client:
        events = await collect(await run(client.workflows.chat.stream(workflow_id="w")))
    check_odd_chat_stream(events)
    assert events[-1].event == ChatEventType.DONE  # a chatflow's done is yielded


@pytest.mark.parametrize("mode", MODES)
async def test_a_chat_stream_raises_when_strict(mode: str, odd: FakeServer) -> None:
    answer(odd, "POST", "/v3/chat", ODD_CHAT_STREAM)
    async with open_client(mode, odd.url, TOKEN, **STRICT) as client:
        with pytest.raises(APIResponseValidationError) as caught:
            await collect(await run(client.chat.stream(bot_id="b", user_id="u")))
    error = caught.value
    assert error.field == "id" and "conversation.chat.created" in str(error)
    assert (error.status_code, error.logid) == (200, LOGID)
    assert error.body == '{"id": 1, "conversation_id": "c", "status": "created", "usage": "n/a"}'


@pytest.mark.parametrize("mode", MODES)
async def test_a_chat_event_with_no_usable_shape_raises(mode: str, odd: FakeServer) -> None:
    answer(odd, "POST", "/v3/chat", sse(("conversation.message.delta", '["not", "a", "message"]')))
    async with open_client(mode, odd.url, TOKEN, **LENIENT) as client:
        with pytest.raises(CozeInvalidEventError) as caught:
            await collect(await run(client.chat.stream(bot_id="b", user_id="u")))
    assert caught.value.field == "conversation.message.delta" and caught.value.logid == LOGID


# -- workflow streams ------------------------------------------------------------------------------------

ODD_WORKFLOW_STREAM = sse(
    (
        "Message",
        {
            "content": 123,
            "node_title": None,
            "node_seq_id": 0,
            "node_is_finish": "true",
            "ext": "not a mapping",
            "usage": {"token_count": "5", "output_count": "x"},
            "brand_new": 1,
        },
    ),
    ("Interrupt", {"interrupt_data": {"event_id": 9, "type": "2", "data": {"q": 1}}, "node_title": 3}),
)


@pytest.mark.parametrize("mode", MODES)
async def test_a_workflow_stream_reads_odd_events_leniently(mode: str, odd: FakeServer) -> None:
    answer(odd, "POST", "/v1/workflow/stream_run", ODD_WORKFLOW_STREAM)
    async with open_client(mode, odd.url, TOKEN, **LENIENT) as client:
        events = await collect(await run(client.workflows.runs.stream(workflow_id="w")))
    message, interrupt = events
    assert isinstance(message, WorkflowMessageEvent) and message.event == WorkflowEventType.MESSAGE
    piece = message.message
    assert (piece.content, piece.node_title, piece.node_seq_id, piece.node_is_finish) == (
        "123",
        "",
        "0",
        True,
    )
    assert piece.ext == "not a mapping" and piece.model_extra == {"brand_new": 1}
    assert piece.usage is not None and (piece.usage.token_count, piece.usage.output_count) == (5, "x")
    assert interrupt.event == WorkflowEventType.INTERRUPT and interrupt.id == 1
    assert interrupt.interrupt.interrupt_data.event_id == "9" and interrupt.interrupt.node_title == "3"
    assert all(e.logid == LOGID for e in events)


@pytest.mark.parametrize("mode", MODES)
async def test_a_workflow_stream_raises_when_strict(mode: str, odd: FakeServer) -> None:
    answer(odd, "POST", "/v1/workflow/stream_run", ODD_WORKFLOW_STREAM)
    async with open_client(mode, odd.url, TOKEN, **STRICT) as client:
        with pytest.raises(APIResponseValidationError) as caught:
            await collect(await run(client.workflows.runs.stream(workflow_id="w")))
    assert caught.value.field == "content" and caught.value.logid == LOGID
    assert caught.value.status_code == 200 and '"content": 123' in caught.value.body


# -- OAuth -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
async def test_oauth_answers_are_read_leniently(mode: str, odd: FakeServer) -> None:
    answer(
        odd,
        "POST",
        "/api/permission/oauth2/device/code",
        {
            "device_code": "d",
            "user_code": 1234,
            "verification_uri": "http://x",
            "expires_in": "600",
            "interval": None,
            "surprise": [1],
        },
    )
    answer(
        odd,
        "POST",
        "/api/permission/oauth2/token",
        {"access_token": "tok", "expires_in": "1718792949", "token_type": 7, "refresh_token": None},
    )
    app: Any = (DeviceOAuthApp if mode == "sync" else AsyncDeviceOAuthApp)("cid", odd.url, **LENIENT)
    code = await run(app.get_device_code())
    assert (code.user_code, code.expires_in, code.interval) == ("1234", 600, 5)
    token = await run(app.get_access_token("d"))
    assert (token.access_token, token.expires_in, token.token_type, token.refresh_token) == (
        "tok",
        1718792949,
        "7",
        "",
    )
    assert token.logid == LOGID
    strict: Any = (DeviceOAuthApp if mode == "sync" else AsyncDeviceOAuthApp)("cid", odd.url, **STRICT)
    with pytest.raises(APIResponseValidationError) as caught:
        await run(strict.get_access_token("d"))
    assert caught.value.field == "refresh_token"  # null for a string
    await run(app.close())
    await run(strict.close())


# -- the switch ------------------------------------------------------------------------------------------


def test_strict_validation_defaults_to_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert os.environ["COZEKIT_STRICT_VALIDATION"] == "1"  # the suite's setting (tests/conftest.py)
    assert Coze(TokenAuth(TOKEN)).strict_validation is True
    assert Coze(TokenAuth(TOKEN), strict_validation=False).strict_validation is False
    monkeypatch.delenv("COZEKIT_STRICT_VALIDATION")
    assert Coze(TokenAuth(TOKEN)).strict_validation is False
    assert AsyncCoze(TokenAuth(TOKEN)).strict_validation is False
    assert Coze(TokenAuth(TOKEN)).with_options(strict_validation=True).strict_validation is True
    for value, expected in [("true", True), ("on", True), ("0", False), ("no", False)]:
        monkeypatch.setenv("COZEKIT_STRICT_VALIDATION", value)
        assert Coze(TokenAuth(TOKEN)).strict_validation is expected
