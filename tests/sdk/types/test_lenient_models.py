"""Reading one model leniently or strictly (`cozekit._validation`): the rules, case by case."""

from __future__ import annotations

from typing import Any, Dict

import httpx
import pytest

from cozekit import APIResponseValidationError, CozeInvalidEventError
from cozekit._response import ResponseInfo
from cozekit._validation import read_model, read_models
from cozekit.types import (
    Chat,
    ChatEventType,
    ChatMessageEvent,
    ChatUsage,
    DeleteWorkspaceMemberResp,
    Message,
    SimpleBot,
    WorkflowRunHistory,
    parse_chat_event,
    parse_workflow_event,
)
from cozekit.types.oauth import DeviceAuthCode

LENIENT = ResponseInfo(200, httpx.Headers({"x-tt-logid": "l-1"}), strict=False)
STRICT = ResponseInfo(200, httpx.Headers({"x-tt-logid": "l-1"}), strict=True)


def lenient(cls: Any, data: Any) -> Any:
    return read_model(cls, data, LENIENT)


def test_a_valid_answer_takes_the_fast_path_and_lists_nothing_invalid() -> None:
    chat = lenient(Chat, {"id": "1", "conversation_id": "2", "status": "created"})
    assert chat.invalid_fields == {} and chat.__pydantic_private__ is None


def test_junk_items_of_a_nested_list_of_models_are_left_out_and_listed() -> None:
    data = {
        "id": "1",
        "conversation_id": "2",
        "inserted_additional_messages": [{"id": 5}, "junk", {"id": "7"}],
    }
    chat = lenient(Chat, data)
    assert [m.id for m in chat.inserted_additional_messages] == ["5", "7"]
    assert chat.invalid_fields == {"inserted_additional_messages": data["inserted_additional_messages"]}


def test_a_mapping_of_models_keeps_its_good_entries() -> None:
    data = {
        "execute_id": "e",
        "node_execute_status": {"n1": {"node_id": "n1", "is_finish": "yes"}, "n2": "junk"},
    }
    history = lenient(WorkflowRunHistory, data)
    assert list(history.node_execute_status) == ["n1"]
    assert history.node_execute_status["n1"].node_id == "n1"


def test_a_value_under_another_accepted_key_is_read_and_kept() -> None:
    usage = lenient(ChatUsage, {"token_count": 3, "output_tokens": "many", "input_tokens": "2"})
    assert (usage.token_count, usage.output_count, usage.input_count) == (3, "many", 2)
    assert usage.invalid_fields == {"output_count": "many"}


def test_a_models_own_reshaping_applies_before_bad_fields_are_taken_out() -> None:
    bot = lenient(SimpleBot, {"bot_id": ["not", "an", "id"], "bot_name": "n", "publish_time": "1718792949"})
    assert bot.id == ["not", "an", "id"] and bot.name == "n" and bot.is_published is True
    assert bot.updated_at == 1718792949
    members = lenient(
        DeleteWorkspaceMemberResp, {"not_in_space_user_ids": ["u1", 2], "removed_success_user_ids": None}
    )
    assert members.not_in_workspace_user_ids == ["u1", 2] and members.removed_success_user_ids == []


def test_a_missing_required_field_is_none_and_listed() -> None:
    chat = lenient(Chat, {"conversation_id": "2", "status": "created"})
    assert chat.id is None and chat.conversation_id == "2"
    assert chat.invalid_fields == {"id": None} and "id" not in chat.model_fields_set


def test_a_model_with_post_init_reads_leniently() -> None:
    code = lenient(
        DeviceAuthCode,
        {"device_code": "d", "user_code": 12, "verification_uri": "https://v", "interval": "x"},
    )
    assert (code.user_code, code.interval, code.verification_url) == ("12", "x", "https://v?user_code=12")


@pytest.mark.parametrize("data", [[], "text", 3, None])
def test_an_answer_that_is_no_object_has_no_usable_shape(data: Any) -> None:
    with pytest.raises(APIResponseValidationError) as caught:
        lenient(Chat, data)
    assert caught.value.logid == "l-1" and caught.value.status_code == 200 and caught.value.body == data


def test_strict_names_the_path_into_nested_lists() -> None:
    data: Dict[str, Any] = {
        "id": "1",
        "conversation_id": "2",
        "inserted_additional_messages": [{"id": "a"}, {}],
    }
    with pytest.raises(APIResponseValidationError) as caught:
        read_model(Chat, data, STRICT)
    assert caught.value.field == "inserted_additional_messages[1].id"
    with pytest.raises(APIResponseValidationError) as listed:
        read_models(Chat, [{"id": "1", "conversation_id": "2"}, {"id": "1"}], STRICT)
    assert listed.value.field == "[1].conversation_id"


def test_stream_events_follow_their_response_and_else_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = '{"role": "assistant", "content": ["a", "list"]}'
    event = parse_chat_event("conversation.message.delta", data, LENIENT)
    assert isinstance(event, ChatMessageEvent) and event.message.content == ["a", "list"]
    assert event.event is ChatEventType.CONVERSATION_MESSAGE_DELTA and event.logid == "l-1"
    with pytest.raises(APIResponseValidationError):
        parse_chat_event("conversation.message.delta", data, STRICT)
    with pytest.raises(APIResponseValidationError):  # the suite's COZEKIT_STRICT_VALIDATION=1
        parse_chat_event("conversation.message.delta", data)
    monkeypatch.delenv("COZEKIT_STRICT_VALIDATION")
    assert parse_chat_event("conversation.message.delta", data).message.content == ["a", "list"]
    message = parse_workflow_event("Message", '{"content": 1, "node_is_finish": "maybe"}', "0")
    assert message.message.content == "1" and message.message.node_is_finish == "maybe"
    with pytest.raises(CozeInvalidEventError):
        parse_workflow_event("Message", "[]", "0")


def test_an_error_event_is_read_whatever_its_shape() -> None:
    odd = parse_workflow_event("Error", '{"error_code": "x", "error_message": 5}', "3", STRICT)
    assert odd.error.error_code == 0 and odd.error.error_message == '{"error_code": "x", "error_message": 5}'
    typed = parse_workflow_event("Error", '{"code": "4200", "msg": "gone"}', "3", STRICT)
    assert (typed.error.error_code, typed.error.error_message) == (4200, "gone")


def test_the_objects_of_an_object_string_message_are_read_by_the_same_rules() -> None:
    content = '[{"type": "text", "text": 5, "new": 1}, {"type": "image", "file_id": "f1"}]'
    message = read_model(
        Message, {"role": "user", "content": content, "content_type": "object_string"}, LENIENT
    )
    message._attach(LENIENT)
    first, second = message.get_objects()
    assert (first.text, first.model_extra, second.file_id) == ("5", {"new": 1}, "f1")
    message._attach(STRICT)
    with pytest.raises(APIResponseValidationError) as caught:
        message.get_objects()
    assert caught.value.field == "[0].text"
