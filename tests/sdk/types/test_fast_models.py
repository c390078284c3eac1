"""Events built without a second validation equal validated ones; the response rides outside fields."""

from __future__ import annotations

import httpx

from cozekit import ResponseInfo
from cozekit.types import Chat, ChatEvent, ChatEventType, Message, parse_chat_event

MESSAGE = (
    '{"id":"1","conversation_id":"2","bot_id":"3","role":"assistant","type":"answer",'
    '"content":"Hi","content_type":"text","chat_id":"4","extra_field":7}'
)
CHAT = '{"id":"4","conversation_id":"2","bot_id":"3","status":"in_progress"}'
INFO = ResponseInfo(200, httpx.Headers({"x-tt-logid": "L9"}))


def test_a_streamed_message_event_equals_one_built_by_validation() -> None:
    fast = parse_chat_event("conversation.message.delta", MESSAGE)
    slow = ChatEvent(
        event=ChatEventType.CONVERSATION_MESSAGE_DELTA, message=Message.model_validate_json(MESSAGE)
    )
    assert fast == slow
    assert fast.model_fields_set == slow.model_fields_set == {"event", "message"}
    assert fast.model_dump() == slow.model_dump()
    assert repr(fast) == repr(slow)
    assert fast.message is not None and fast.message.model_extra == {"extra_field": 7}


def test_a_streamed_chat_event_equals_one_built_by_validation() -> None:
    fast = parse_chat_event("conversation.chat.in_progress", CHAT)
    slow = ChatEvent(event=ChatEventType.CONVERSATION_CHAT_IN_PROGRESS, chat=Chat.model_validate_json(CHAT))
    assert fast == slow
    assert fast.model_dump_json() == slow.model_dump_json()


def test_the_response_is_attached_and_survives_copies() -> None:
    event = parse_chat_event("conversation.message.delta", MESSAGE, INFO)
    assert event.response is INFO and event.logid == "L9"
    assert event.model_copy().logid == "L9"
    assert parse_chat_event("conversation.message.delta", MESSAGE).response is None
    for name, data in [("error", '{"code":1,"msg":"x"}'), ("done", '"[DONE]"'), ("new.kind", "{}")]:
        assert parse_chat_event(name, data, INFO).logid == "L9"


def test_local_models_have_no_response_and_compare_by_fields() -> None:
    built = Message.build_user_question_text("hi")
    assert built.response is None and built.logid == ""
    assert built == Message.build_user_question_text("hi")
    parsed = Message.model_validate({"role": "user", "type": "question", "content": "hi"})
    parsed._attach(INFO)
    assert parsed.response is INFO
    parsed._attach(None)
    assert parsed.response is None and parsed.logid == ""
