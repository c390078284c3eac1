"""Bots configured with knowledge bases recall slices in chat and answer from them."""

from __future__ import annotations

from typing import Any, Dict, List

from cozekit import ChatEventType, Message, MessageType
from cozekit.emulator import ThreadedEmulator
from cozekit.types.document import DocumentBase, DocumentChunkStrategy
from sync_or_async import Client, collect, run

from .conftest import POLL

WS = ThreadedEmulator.workspace_id
FAQ = [
    "Our support desk opens at nine in the morning, Monday to Friday.",
    "Refunds are paid back within five working days after we receive the parcel.",
    "Gift cards never expire and can be used in every store.",
]


async def knowledge_bot(client: Client, emu: ThreadedEmulator, **knowledge: Any) -> str:
    created = await run(client.datasets.create(name="Shop FAQ", space_id=WS, format_type=0))
    body = "\n\n".join(FAQ).encode()
    docs = await run(
        client.datasets.documents.create(
            dataset_id=created.dataset_id,
            document_bases=[DocumentBase.build_local_file(body, name="faq.txt")],
            chunk_strategy=DocumentChunkStrategy.build_custom(100, "\n\n"),
        )
    )
    await run(client.datasets.wait_for_processing(dataset_id=created.dataset_id, document_ids=docs, **POLL))
    bot_id = emu.control.create_bot(name="Shop helper")
    config: Dict[str, Any] = {"dataset_ids": [created.dataset_id], **knowledge}
    await run(client.bots.update(bot_id=bot_id, knowledge=config))
    await run(client.bots.publish(bot_id=bot_id))
    return bot_id


async def test_a_knowledge_bot_answers_from_the_document(client: Client, emu: ThreadedEmulator) -> None:
    bot_id = await knowledge_bot(client, emu)
    stream = await run(
        client.chat.stream(
            bot_id=bot_id,
            user_id="u1",
            additional_messages=[Message.build_user_question_text("How fast are refunds paid?")],
        )
    )
    events = await collect(stream)
    completed = [e.message for e in events if e.event == ChatEventType.CONVERSATION_MESSAGE_COMPLETED]
    types = [m.type for m in completed if m is not None]
    assert types[:2] == [MessageType.KNOWLEDGE, MessageType.ANSWER]
    knowledge = completed[0]
    assert knowledge is not None and knowledge.content == f"---\nrecall slice 1:{FAQ[1]}\n"
    answer = completed[1]
    assert answer is not None
    assert answer.content == f"Shop helper (turn 1) found in the knowledge base: {FAQ[1]}"
    chat_id = events[-1].chat.id if events[-1].chat else ""
    inputs: List[Dict[str, Any]] = emu.control.chat(chat_id)["model_inputs"]
    assert inputs[0]["knowledge"] == [FAQ[1]] and FAQ[1] in inputs[0]["system_prompt"]
    datasets = await collect(client.datasets.list(space_id=WS))
    assert (datasets[0].hit_count, datasets[0].bot_used_count) == (1, 1)


async def test_no_recall_without_a_match_or_with_auto_call_off(client: Client, emu: ThreadedEmulator) -> None:
    bot_id = await knowledge_bot(client, emu)
    poll = await run(
        client.chat.create_and_poll(
            bot_id=bot_id,
            user_id="u1",
            additional_messages=[Message.build_user_question_text("zebra migration")],
            poll_interval=0.01,
        )
    )
    assert [m.type for m in poll.messages or []] == [MessageType.ANSWER, MessageType.VERBOSE]
    off = await knowledge_bot(client, emu, auto_call=False)
    poll = await run(
        client.chat.create_and_poll(
            bot_id=off,
            user_id="u1",
            additional_messages=[Message.build_user_question_text("refunds")],
            poll_interval=0.01,
        )
    )
    answers = [m.content for m in poll.messages or [] if m.type == MessageType.ANSWER]
    assert answers == ["Shop helper (turn 1) heard: refunds"]


async def test_retrieve_names_the_bots_knowledge_bases(client: Client, emu: ThreadedEmulator) -> None:
    bot_id = await knowledge_bot(client, emu)
    [dataset] = await collect(client.datasets.list(space_id=WS))
    bot = await run(client.bots.retrieve(bot_id=bot_id))
    infos = bot.knowledge.knowledge_infos if bot.knowledge else None
    assert [(k.id, k.name) for k in infos or []] == [(dataset.dataset_id, "Shop FAQ")]
    await run(client.datasets.delete(dataset_id=dataset.dataset_id))
    bot = await run(client.bots.retrieve(bot_id=bot_id))
    infos = bot.knowledge.knowledge_infos if bot.knowledge else None
    assert [(k.id, k.name) for k in infos or []] == [(dataset.dataset_id, "")]  # no recall from it either
    poll = await run(
        client.chat.create_and_poll(
            bot_id=bot_id,
            user_id="u1",
            additional_messages=[Message.build_user_question_text("refunds")],
            poll_interval=0.01,
        )
    )
    assert [m.type for m in poll.messages or []] == [MessageType.ANSWER, MessageType.VERBOSE]
