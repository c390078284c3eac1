"""The official `cozepy` client, unchanged, against the emulator."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cozepy import (
    AsyncCoze,
    AsyncTokenAuth,
    ChatEventType,
    ChatStatus,
    Coze,
    CozeAPIError,
    Message,
    MessageObjectString,
    TokenAuth,
    ToolOutput,
)

from cozekit.emulator import ThreadedEmulator

BOT = ThreadedEmulator.demo_bot_id


@pytest.fixture
def coze(emu: ThreadedEmulator) -> Iterator[Coze]:
    yield Coze(auth=TokenAuth(emu.token), base_url=emu.base_url)


def test_stream_a_chat(coze: Coze) -> None:
    events = list(
        coze.chat.stream(
            bot_id=BOT, user_id="u1", additional_messages=[Message.build_user_question_text("hi there")]
        )
    )
    kinds = [e.event for e in events]
    assert kinds[0] == ChatEventType.CONVERSATION_CHAT_CREATED
    assert kinds[-1] == ChatEventType.CONVERSATION_CHAT_COMPLETED
    text = "".join(
        e.message.content for e in events if e.event == ChatEventType.CONVERSATION_MESSAGE_DELTA and e.message
    )
    assert text == "Cozekit Demo Bot (turn 1) heard: hi there"
    assert (
        events[-1].chat is not None
        and events[-1].chat.usage is not None
        and events[-1].chat.usage.token_count > 0
    )


def test_create_and_poll(coze: Coze) -> None:
    poll = coze.chat.create_and_poll(
        bot_id=BOT, user_id="u1", additional_messages=[Message.build_user_question_text("ping")]
    )
    assert poll.chat.status == ChatStatus.COMPLETED
    assert poll.messages is not None
    assert [m.type for m in poll.messages][:1] == ["answer"]
    assert poll.messages[0].content.endswith("heard: ping")


def test_conversations_and_messages(coze: Coze) -> None:
    conv = coze.conversations.create(
        bot_id=BOT, messages=[Message.build_user_question_text("first")], meta_data={"k": "v"}
    )
    assert conv.meta_data == {"k": "v"}
    assert coze.conversations.retrieve(conversation_id=conv.id).id == conv.id
    msg = coze.conversations.messages.create(
        conversation_id=conv.id, role="user", content="second", content_type="text"
    )
    listed = list(coze.conversations.messages.list(conversation_id=conv.id, limit=1))
    assert [m.content for m in listed] == ["second", "first"]  # pages of one, newest first
    got = coze.conversations.messages.retrieve(conversation_id=conv.id, message_id=msg.id)
    assert got.content == "second"
    changed = coze.conversations.messages.update(
        conversation_id=conv.id, message_id=msg.id, content="2nd", content_type="text"
    )
    assert changed.content == "2nd"
    deleted = coze.conversations.messages.delete(conversation_id=conv.id, message_id=msg.id)
    assert deleted.id == msg.id
    renamed = coze.conversations.update(conversation_id=conv.id, name="renamed")
    assert renamed.name == "renamed"
    section = coze.conversations.clear(conversation_id=conv.id)
    assert section.conversation_id == conv.id
    page = coze.conversations.list(bot_id=BOT, page_size=10)
    assert [c.id for c in page.items] == [conv.id]
    coze.conversations.delete(conversation_id=conv.id)
    with pytest.raises(CozeAPIError) as info:
        coze.conversations.retrieve(conversation_id=conv.id)
    assert info.value.code == 4002


def test_feedback(coze: Coze) -> None:
    events = list(
        coze.chat.stream(
            bot_id=BOT, user_id="u1", additional_messages=[Message.build_user_question_text("x")]
        )
    )
    answer = next(
        e.message for e in events if e.event == ChatEventType.CONVERSATION_MESSAGE_COMPLETED and e.message
    )
    conv = answer.conversation_id
    assert conv is not None and answer.id is not None
    coze.conversations.messages.feedback.create(
        conversation_id=conv, message_id=answer.id, feedback_type="like"
    )
    coze.conversations.messages.feedback.delete(conversation_id=conv, message_id=answer.id)


def test_submit_tool_outputs(coze: Coze) -> None:
    events = list(
        coze.chat.stream(
            bot_id=BOT, user_id="u1", additional_messages=[Message.build_user_question_text("get_weather")]
        )
    )
    chat = events[-1].chat
    assert events[-1].event == ChatEventType.CONVERSATION_CHAT_REQUIRES_ACTION and chat is not None
    assert chat.required_action is not None and chat.required_action.submit_tool_outputs is not None
    call = chat.required_action.submit_tool_outputs.tool_calls[0]
    resumed = coze.chat.submit_tool_outputs(
        conversation_id=chat.conversation_id,
        chat_id=chat.id,
        tool_outputs=[ToolOutput(tool_call_id=call.id, output="sunny")],
        stream=True,
    )
    after = list(resumed)
    assert after[-1].event == ChatEventType.CONVERSATION_CHAT_COMPLETED
    answers = [
        e.message.content
        for e in after
        if e.event == ChatEventType.CONVERSATION_MESSAGE_COMPLETED
        and e.message
        and e.message.type == "answer"
    ]
    assert answers == ["Tool results: get_weather returned sunny."]
    # and non-stream
    second = list(
        coze.chat.stream(
            bot_id=BOT,
            user_id="u1",
            conversation_id=chat.conversation_id,
            additional_messages=[Message.build_user_question_text("get_weather again")],
        )
    )
    chat2 = second[-1].chat
    assert (
        chat2 is not None and chat2.required_action is not None and chat2.required_action.submit_tool_outputs
    )
    call2 = chat2.required_action.submit_tool_outputs.tool_calls[0]
    result = coze.chat.submit_tool_outputs(
        conversation_id=chat2.conversation_id,
        chat_id=chat2.id,
        tool_outputs=[ToolOutput(tool_call_id=call2.id, output="rain")],
        stream=False,
    )
    assert result.status == ChatStatus.IN_PROGRESS


def test_upload_a_file_and_chat_about_it(coze: Coze, tmp_path: Path) -> None:
    path = tmp_path / "photo.png"
    path.write_bytes(b"\x89PNG fake")
    file = coze.files.upload(file=path)
    assert file.bytes == len(b"\x89PNG fake") and file.file_name == "photo.png"
    assert coze.files.retrieve(file_id=file.id).id == file.id
    msg = Message.build_user_question_objects(
        [MessageObjectString.build_text("what is this?"), MessageObjectString.build_image(file_id=file.id)]
    )
    events = list(coze.chat.stream(bot_id=BOT, user_id="u1", additional_messages=[msg]))
    answer = next(
        e.message for e in events if e.event == ChatEventType.CONVERSATION_MESSAGE_COMPLETED and e.message
    )
    assert answer.content.endswith("what is this? [image: photo.png]")


def test_bots_workspaces_users(coze: Coze, emu: ThreadedEmulator) -> None:
    assert coze.users.me().user_id == emu.user_id
    workspaces = list(coze.workspaces.list())
    assert [w.id for w in workspaces] == [emu.workspace_id]
    bots = coze.bots.list(space_id=emu.workspace_id)
    assert [b.bot_id for b in bots.items] == [BOT]
    bots2 = coze.bots.list(space_id=emu.workspace_id, use_api_version=2)
    assert [b.id for b in bots2.items] == [BOT]
    assert coze.bots.retrieve(bot_id=BOT).name == "Cozekit Demo Bot"
    assert coze.bots.retrieve(bot_id=BOT, use_api_version=2).bot_id == BOT
    created = coze.bots.create(space_id=emu.workspace_id, name="Made by cozepy")
    coze.bots.update(bot_id=created.bot_id, description="updated")
    published = coze.bots.publish(bot_id=created.bot_id)
    assert published.version


def test_error_event_raises_in_cozepy(coze: Coze, emu: ThreadedEmulator) -> None:
    emu.control.fault("stream_error", path="/v3/chat", after_events=2, code=5000, msg="boom")
    with pytest.raises(Exception, match="boom"):
        list(
            coze.chat.stream(
                bot_id=BOT, user_id="u1", additional_messages=[Message.build_user_question_text("x")]
            )
        )


async def test_async_client_streams(emu: ThreadedEmulator) -> None:
    coze = AsyncCoze(auth=AsyncTokenAuth(emu.token), base_url=emu.base_url)
    events = [
        e
        async for e in coze.chat.stream(
            bot_id=BOT, user_id="u", additional_messages=[Message.build_user_question_text("a")]
        )
    ]
    assert events[-1].event == ChatEventType.CONVERSATION_CHAT_COMPLETED
