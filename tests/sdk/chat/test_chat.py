"""coze.chat against the emulator's demo bot."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

import cozekit
from cozekit import ChatEventType, ChatStatus, Message, MessageType
from cozekit.lib import ChatStreamAccumulator
from sync_or_async import Client, collect, run


def question(text: str = "hello") -> list[Message]:
    return [Message.build_user_question_text(text)]


async def test_stream_yields_the_documented_event_order(client: Client, coze_emulator: Any) -> None:
    stream = await run(
        client.chat.stream(bot_id=coze_emulator.demo_bot_id, user_id="u1", additional_messages=question())
    )
    events = await collect(stream)
    names = [e.event for e in events]
    assert names[:2] == [ChatEventType.CONVERSATION_CHAT_CREATED, ChatEventType.CONVERSATION_CHAT_IN_PROGRESS]
    assert names[-1] == ChatEventType.CONVERSATION_CHAT_COMPLETED
    assert ChatEventType.CONVERSATION_MESSAGE_DELTA in names
    assert ChatEventType.DONE not in names
    first_completed = names.index(ChatEventType.CONVERSATION_MESSAGE_COMPLETED)
    assert all(n == ChatEventType.CONVERSATION_MESSAGE_DELTA for n in names[2:first_completed])
    acc = ChatStreamAccumulator()
    for event in events:
        acc.add(event)
    assert acc.text
    assert acc.answers[0].content == acc.text
    assert acc.status == ChatStatus.COMPLETED
    assert acc.usage is not None and acc.usage.token_count > 0
    assert stream.logid
    assert events[0].logid == stream.logid


async def test_reply_is_deterministic(client: Client, coze_emulator: Any) -> None:
    texts = []
    for _ in range(2):
        stream = await run(
            client.chat.stream(
                bot_id=coze_emulator.demo_bot_id, user_id="u1", additional_messages=question("same")
            )
        )
        acc = ChatStreamAccumulator()
        for event in await collect(stream):
            acc.add(event)
        texts.append(acc.text)
    assert texts[0] == texts[1]


async def test_create_and_poll_returns_chat_and_messages(client: Client, coze_emulator: Any) -> None:
    poll = await run(
        client.chat.create_and_poll(
            bot_id=coze_emulator.demo_bot_id, user_id="u1", additional_messages=question()
        )
    )
    assert poll.chat.status == ChatStatus.COMPLETED
    assert poll.messages is not None
    answers = [m for m in poll.messages if m.type == MessageType.ANSWER]
    assert answers and answers[0].content
    assert poll.logid


async def test_create_then_retrieve_and_list_messages(client: Client, coze_emulator: Any) -> None:
    chat = await run(
        client.chat.create(bot_id=coze_emulator.demo_bot_id, user_id="u1", additional_messages=question())
    )
    assert chat.status in (ChatStatus.CREATED, ChatStatus.IN_PROGRESS, ChatStatus.COMPLETED)
    deadline = time.monotonic() + 10
    again = await run(client.chat.retrieve(conversation_id=chat.conversation_id, chat_id=chat.id))
    while again.status in (ChatStatus.CREATED, ChatStatus.IN_PROGRESS) and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
        again = await run(client.chat.retrieve(conversation_id=chat.conversation_id, chat_id=chat.id))
    assert again.id == chat.id
    assert again.status == ChatStatus.COMPLETED
    messages = await run(client.chat.messages.list(conversation_id=chat.conversation_id, chat_id=chat.id))
    assert any(m.type == MessageType.ANSWER for m in messages)
    assert messages.logid
    poll = await run(
        client.chat.create_and_poll(
            bot_id=coze_emulator.demo_bot_id,
            user_id="u1",
            conversation_id=chat.conversation_id,
            additional_messages=question("again"),
        )
    )
    assert poll.chat.conversation_id == chat.conversation_id
    assert poll.chat.id != chat.id and poll.chat.status == ChatStatus.COMPLETED


async def test_cancel_a_finished_chat_is_4104(client: Client, coze_emulator: Any) -> None:
    poll = await run(
        client.chat.create_and_poll(
            bot_id=coze_emulator.demo_bot_id, user_id="u1", additional_messages=question()
        )
    )
    with pytest.raises(cozekit.CozeAPIError) as info:
        await run(client.chat.cancel(conversation_id=poll.chat.conversation_id, chat_id=poll.chat.id))
    assert info.value.code == 4104
    assert info.value.logid


async def test_unknown_bot_is_an_error_with_logid(client: Client) -> None:
    with pytest.raises(cozekit.CozeAPIError) as info:
        await run(
            client.chat.stream(bot_id="1234567890123456789", user_id="u1", additional_messages=question())
        )
    assert info.value.code != 0
    assert info.value.logid


async def test_bad_input_fails_before_io(client: Client) -> None:
    with pytest.raises(ValueError, match="auto_save_history"):
        await run(client.chat.create(bot_id="b", user_id="u", auto_save_history=False))
    with pytest.raises(ValueError, match="user_id"):
        await run(client.chat.stream(bot_id="b", user_id=""))
    with pytest.raises(ValueError, match="meta_data"):
        await run(client.chat.create(bot_id="b", user_id="u", meta_data={str(i): "v" for i in range(17)}))


async def test_cancel_an_in_progress_chat(client: Client, coze_emulator: Any) -> None:
    coze_emulator.control.configure(chunk_delay_ms=200, chunk_size=1)
    chat = await run(
        client.chat.create(
            bot_id=coze_emulator.demo_bot_id, user_id="u1", additional_messages=question("slow")
        )
    )
    canceled = await run(client.chat.cancel(conversation_id=chat.conversation_id, chat_id=chat.id))
    assert canceled.status == ChatStatus.CANCELED
    again = await run(client.chat.retrieve(conversation_id=chat.conversation_id, chat_id=chat.id))
    assert again.status == ChatStatus.CANCELED
