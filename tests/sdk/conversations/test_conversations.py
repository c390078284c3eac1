"""coze.conversations, .messages and .messages.feedback against the emulator."""

from __future__ import annotations

from typing import Any

import pytest

import cozekit
from cozekit import Message, MessageObjectString
from sync_or_async import Client, collect, run


async def test_conversation_lifecycle(client: Client, coze_emulator: Any) -> None:
    bot = coze_emulator.demo_bot_id
    created = await run(
        client.conversations.create(
            bot_id=bot, name="first", messages=[Message.build_user_question_text("hi")], meta_data={"k": "v"}
        )
    )
    assert created.name == "first"
    assert created.meta_data == {"k": "v"}
    assert created.logid
    fetched = await run(client.conversations.retrieve(conversation_id=created.id))
    assert fetched.id == created.id
    renamed = await run(client.conversations.update(conversation_id=created.id, name="second"))
    assert renamed.name == "second"
    section = await run(client.conversations.clear(conversation_id=created.id))
    assert section.id
    assert (
        await run(client.conversations.retrieve(conversation_id=created.id))
    ).last_section_id == section.id
    await run(client.conversations.delete(conversation_id=created.id))
    with pytest.raises(cozekit.CozeAPIError) as info:
        await run(client.conversations.retrieve(conversation_id=created.id))
    assert info.value.code != 0


async def test_list_walks_every_page(client: Client, coze_emulator: Any) -> None:
    bot = coze_emulator.demo_bot_id
    ids = {(await run(client.conversations.create(bot_id=bot, name=f"c{i}"))).id for i in range(5)}
    listed = await collect(client.conversations.list(bot_id=bot, page_size=2))
    assert ids <= {c.id for c in listed}
    assert len(listed) == len({c.id for c in listed})


async def test_messages_lifecycle_and_paging(client: Client, coze_emulator: Any) -> None:
    conversation = await run(client.conversations.create(bot_id=coze_emulator.demo_bot_id))
    cid = conversation.id
    made = []
    for i in range(5):
        made.append(
            await run(
                client.conversations.messages.create(
                    conversation_id=cid,
                    role="user",
                    content=f"m{i}",
                    content_type="text",
                    meta_data={"i": str(i)},
                )
            )
        )
    assert made[0].content == "m0" and made[0].meta_data == {"i": "0"}
    listed = await collect(client.conversations.messages.list(conversation_id=cid, order="asc", limit=2))
    assert [m.content for m in listed] == [f"m{i}" for i in range(5)]
    newest_first = await collect(client.conversations.messages.list(conversation_id=cid, limit=2))
    assert [m.content for m in newest_first] == [f"m{i}" for i in reversed(range(5))]

    got = await run(client.conversations.messages.retrieve(conversation_id=cid, message_id=made[1].id))
    assert got.content == "m1"
    updated = await run(
        client.conversations.messages.update(
            conversation_id=cid, message_id=made[1].id, content="changed", content_type="text"
        )
    )
    assert updated.content == "changed"
    assert updated.logid
    deleted = await run(client.conversations.messages.delete(conversation_id=cid, message_id=made[2].id))
    assert deleted.id == made[2].id
    remaining = await collect(client.conversations.messages.list(conversation_id=cid, order="asc"))
    assert [m.content for m in remaining] == ["m0", "changed", "m3", "m4"]


async def test_object_string_message_with_uploaded_file(client: Client, coze_emulator: Any) -> None:
    conversation = await run(client.conversations.create(bot_id=coze_emulator.demo_bot_id))
    uploaded = await run(client.files.upload(file=("pic.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64)))
    message = await run(
        client.conversations.messages.create(
            conversation_id=conversation.id,
            role="user",
            content=[
                MessageObjectString.build_text("what is this"),
                MessageObjectString.build_image(file_id=uploaded.id),
            ],
        )
    )
    assert message.content_type == "object_string"
    assert [o.type for o in message.get_objects()] == ["text", "image"]


async def test_feedback_on_an_answer(client: Client, coze_emulator: Any) -> None:
    poll = await run(
        client.chat.create_and_poll(
            bot_id=coze_emulator.demo_bot_id,
            user_id="u",
            additional_messages=[Message.build_user_question_text("q")],
        )
    )
    answer = next(m for m in poll.messages or [] if m.type == "answer")
    ids = {"conversation_id": poll.chat.conversation_id, "message_id": answer.id}
    created = await run(
        client.conversations.messages.feedback.create(**ids, feedback_type="like", comment="ok")
    )
    assert created.logid
    await run(client.conversations.messages.feedback.delete(**ids))
    with pytest.raises(ValueError, match="feedback_type"):
        await run(client.conversations.messages.feedback.create(**ids, feedback_type="love"))


async def test_bad_ids_fail_before_io(client: Client) -> None:
    with pytest.raises(ValueError):
        await run(client.conversations.update(conversation_id="..", name="x"))
    with pytest.raises(ValueError):
        await run(client.conversations.messages.retrieve(conversation_id="c", message_id=" "))
