"""Messages: builders, wire serialisation, object_string items, round trips."""

from __future__ import annotations

import json
from typing import Any, Dict, List

import pytest

from cozekit.types import (
    Message,
    MessageContentType,
    MessageObjectString,
    MessageObjectStringType,
    MessageRole,
    MessageType,
    message_to_wire,
    messages_to_wire,
    object_strings_to_content,
)


def test_build_user_question_text_wire() -> None:
    msg = Message.build_user_question_text("2024年10月1日是星期几", meta_data={"k": "v"})
    assert msg.role is MessageRole.USER and msg.type is MessageType.QUESTION
    assert msg.to_wire() == {
        "role": "user",
        "type": "question",
        "content": "2024年10月1日是星期几",
        "content_type": "text",
        "meta_data": {"k": "v"},
    }


def test_build_assistant_answer_wire_omits_none() -> None:
    assert Message.build_assistant_answer("星期三").to_wire() == {
        "role": "assistant",
        "type": "answer",
        "content": "星期三",
        "content_type": "text",
    }


def test_wire_values_are_plain_strings() -> None:
    wire = Message.build_user_question_text("hi").to_wire()
    assert all(type(v) is str for v in wire.values())
    assert json.dumps(wire) == '{"role": "user", "type": "question", "content": "hi", "content_type": "text"}'


def test_build_user_question_objects_serialises_json_string() -> None:
    msg = Message.build_user_question_objects(
        [
            MessageObjectString.build_text("你好"),
            MessageObjectString.build_image(file_id="112233"),
            MessageObjectString.build_file(file_url="https://example.com/a.png"),
        ]
    )
    assert msg.content_type is MessageContentType.OBJECT_STRING
    wire = msg.to_wire()
    assert wire["content_type"] == "object_string"
    assert wire["content"] == (
        '[{"type":"text","text":"你好"},{"type":"image","file_id":"112233"},'
        '{"type":"file","file_url":"https://example.com/a.png"}]'
    )


def test_object_string_builders() -> None:
    audio = MessageObjectString.build_audio(file_id="f", file_url="u")
    assert audio.to_wire() == {"type": "audio", "file_id": "f", "file_url": "u"}
    assert MessageObjectString.build_text("t").to_wire() == {"type": "text", "text": "t"}
    assert MessageObjectString.build_image(file_url="u").type is MessageObjectStringType.IMAGE


@pytest.mark.parametrize("builder", ["build_image", "build_file", "build_audio"])
def test_file_item_without_id_or_url_is_refused(builder: str) -> None:
    kind = builder[len("build_") :]
    with pytest.raises(ValueError, match=rf"{kind} item needs `file_id` or `file_url`"):
        getattr(MessageObjectString, builder)()
    with pytest.raises(ValueError, match="file_id"):
        getattr(MessageObjectString, builder)(file_id="", file_url="")


def test_empty_text_item_is_refused() -> None:
    with pytest.raises(ValueError, match="non-empty `text`"):
        MessageObjectString.build_text("")


@pytest.mark.parametrize(
    ("objects", "problem"),
    [
        ([], "at least one item"),
        (
            [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}, {"type": "image", "file_id": "1"}],
            "at most one text item",
        ),
        ([{"type": "text", "text": "only text"}], "build_user_question_text"),
        ([{"type": "image"}], "image item needs"),
    ],
)
def test_object_list_rules(objects: List[Dict[str, Any]], problem: str) -> None:
    items = [MessageObjectString.model_validate(o) for o in objects]
    with pytest.raises(ValueError, match=problem):
        Message.build_user_question_objects(items)


def test_object_list_must_be_a_list() -> None:
    with pytest.raises(TypeError):
        object_strings_to_content("[]")  # type: ignore[arg-type]


def test_image_only_is_allowed() -> None:
    assert object_strings_to_content([MessageObjectString.build_image(file_id="9")]) == (
        '[{"type":"image","file_id":"9"}]'
    )


def test_round_trip_objects() -> None:
    items = [MessageObjectString.build_text("看图"), MessageObjectString.build_image(file_id="7")]
    wire = Message.build_user_question_objects(items).to_wire()
    back = Message.model_validate(json.loads(json.dumps(wire)))
    assert back.get_objects() == items
    assert back.to_wire() == wire


def test_get_objects_for_text_is_empty() -> None:
    assert Message.build_user_question_text("x").get_objects() == []


def test_response_message_to_wire_drops_server_fields() -> None:
    server = Message.model_validate(
        {
            "bot_id": "b",
            "chat_id": "c",
            "content": "你的名字叫什么",
            "content_type": "text",
            "conversation_id": "conv",
            "created_at": 1716809829,
            "id": "737363834493437",
            "meta_data": {},
            "role": "user",
            "type": "",
            "updated_at": "1716809829",
            "section_id": "s",
        }
    )
    assert server.updated_at == 1716809829 and server.created_at == 1716809829
    assert server.type is MessageType.UNKNOWN
    assert server.to_wire() == {
        "role": "user",
        "content": "你的名字叫什么",
        "content_type": "text",
        "meta_data": {},
    }


def test_extra_fields_are_kept_and_sent() -> None:
    msg = Message.model_validate({"role": "user", "content": "x", "content_type": "text", "future": "f"})
    assert msg.model_extra == {"future": "f"}
    assert msg.to_wire()["future"] == "f"


def test_dict_messages_with_object_list_content() -> None:
    wire = message_to_wire(
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "what is this"},
                MessageObjectString.build_image(file_id="1"),
            ],
            "id": "dropped",
            "meta_data": None,
        }
    )
    assert wire == {
        "role": "user",
        "content": '[{"type":"text","text":"what is this"},{"type":"image","file_id":"1"}]',
        "content_type": "object_string",
    }


def test_messages_to_wire() -> None:
    assert messages_to_wire(None) == []
    wires = messages_to_wire([Message.build_user_question_text("a"), {"role": "assistant", "content": "b"}])
    assert wires == [
        {"role": "user", "type": "question", "content": "a", "content_type": "text"},
        {"role": "assistant", "content": "b"},
    ]


@pytest.mark.parametrize(
    ("message", "error"),
    [
        ({"content": "no role"}, ValueError),
        ({"role": "user", "content": 5}, TypeError),
        ("hello", TypeError),
        ({"role": "user", "content": "not json", "content_type": "object_string"}, ValueError),
        ({"role": "user", "content": '{"type":"text"}', "content_type": "object_string"}, ValueError),
    ],
)
def test_bad_outgoing_messages(message: Any, error: type) -> None:
    with pytest.raises(error):
        message_to_wire(message)


def test_unknown_enum_values_survive_round_trip() -> None:
    msg = Message.model_validate(
        {"role": "system", "type": "hologram", "content": "", "content_type": "mesh"}
    )
    assert msg.role == "system" and msg.type == "hologram" and msg.content_type == "mesh"
    assert Message.model_validate(msg.model_dump()) == msg
    assert msg.to_wire() == {"role": "system", "type": "hologram", "content": "", "content_type": "mesh"}


def test_get_audio_on_text_is_empty() -> None:
    assert Message.build_assistant_answer("x").get_audio() == b""
