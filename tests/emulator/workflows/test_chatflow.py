"""Chatflows (`/v1/workflows/chat`) through cozekit, sync and async: conversations, history, interrupts."""

from __future__ import annotations

from typing import Any, List

import pytest

from cozekit import BadRequestError, ChatEventType, ChatStatus, Message, NotFoundError
from cozekit.emulator import ThreadedEmulator
from sync_or_async import Client, collect, run

from .conftest import Loader
from .defs import ASKING_CHATFLOW, CHATFLOW, ECHO


def say(text: str) -> List[Message]:
    return [Message.build_user_question_text(text)]


def answer_of(events: List[Any]) -> str:
    return "".join(e.message.content for e in events if e.event == ChatEventType.CONVERSATION_MESSAGE_DELTA)


async def test_chatflow_streams_chat_events_and_keeps_the_conversation(client: Client, load: Loader) -> None:
    wf = load(CHATFLOW)
    events = await collect(
        await run(client.workflows.chat.stream(workflow_id=wf, additional_messages=say("hi")))
    )
    kinds = [e.event for e in events]
    assert kinds[:2] == [ChatEventType.CONVERSATION_CHAT_CREATED, ChatEventType.CONVERSATION_CHAT_IN_PROGRESS]
    assert kinds[-2:] == [ChatEventType.CONVERSATION_CHAT_COMPLETED, ChatEventType.DONE]
    assert events[-1].debug_url and f"workflow_id={wf}" in events[-1].debug_url
    assert answer_of(events) == "Helpdesk (turn 1) heard: hi"
    chat = events[-2].chat
    assert chat.status == ChatStatus.COMPLETED and chat.usage.token_count > 0
    again = await collect(
        await run(
            client.workflows.chat.stream(
                workflow_id=wf, conversation_id=chat.conversation_id, additional_messages=say("more")
            )
        )
    )
    assert answer_of(again) == "Helpdesk (turn 2) heard: more"  # the LLM node saw turn 1
    listed = await collect(
        await run(client.conversations.messages.list(conversation_id=chat.conversation_id))
    )
    assert [m.content for m in listed] == [
        "Helpdesk (turn 2) heard: more",
        "more",
        "Helpdesk (turn 1) heard: hi",
        "hi",
    ]


async def test_chatflow_question_requires_action_and_the_next_message_answers(
    client: Client, load: Loader
) -> None:
    wf = load(ASKING_CHATFLOW)
    first = await collect(
        await run(client.workflows.chat.stream(workflow_id=wf, additional_messages=say("a table")))
    )
    assert answer_of(first) == "For how many people?"
    assert first[-2].event == ChatEventType.CONVERSATION_CHAT_REQUIRES_ACTION
    verbose = [e.message.content for e in first if e.message is not None and e.message.type == "verbose"]
    assert any('"msg_type":"interrupt"' in v for v in verbose)
    conv = first[-2].chat.conversation_id
    second = await collect(
        await run(
            client.workflows.chat.stream(workflow_id=wf, conversation_id=conv, additional_messages=say("4"))
        )
    )
    assert answer_of(second) == "Booked for 4 (a table)."
    assert second[-2].event == ChatEventType.CONVERSATION_CHAT_COMPLETED


async def test_chatflow_failures_and_bad_requests(
    client: Client, load: Loader, emu: ThreadedEmulator
) -> None:
    wf = load(CHATFLOW)
    emu.control.script_workflow_node(wf, "llm", {"error": {"code": 4013, "msg": "model unavailable"}})
    events = await collect(
        await run(client.workflows.chat.stream(workflow_id=wf, additional_messages=say("hi")))
    )
    failed = [e for e in events if e.event == ChatEventType.CONVERSATION_CHAT_FAILED]
    assert failed and failed[0].chat.last_error.code == 4013
    with pytest.raises(BadRequestError):  # a plain workflow is not a chatflow
        await collect(
            await run(client.workflows.chat.stream(workflow_id=load(ECHO), additional_messages=say("x")))
        )
    with pytest.raises(NotFoundError):
        await collect(
            await run(
                client.workflows.chat.stream(workflow_id="7000000000000009999", additional_messages=say("x"))
            )
        )


async def test_a_rejected_chatflow_turn_leaves_no_trace(client: Client, load: Loader) -> None:
    wf = load(
        {
            **CHATFLOW,
            "nodes": [
                {"id": "start", "type": "start", "inputs": {"n": {"type": "integer"}}},
                *CHATFLOW["nodes"][1:],
            ],
        }
    )
    first = await collect(
        await run(client.workflows.chat.stream(workflow_id=wf, additional_messages=say("hi")))
    )
    conv = first[-2].chat.conversation_id
    with pytest.raises(BadRequestError):
        await collect(
            await run(
                client.workflows.chat.stream(
                    workflow_id=wf,
                    conversation_id=conv,
                    parameters={"n": "many"},
                    additional_messages=say("x"),
                )
            )
        )
    listed = await collect(await run(client.conversations.messages.list(conversation_id=conv)))
    assert [m.content for m in listed] == ["Helpdesk (turn 1) heard: hi", "hi"]
    history = [
        Message.build_user_question_text("earlier question"),
        Message.build_assistant_answer("earlier answer"),
        Message.build_user_question_text("now"),
    ]
    third = await collect(
        await run(
            client.workflows.chat.stream(workflow_id=wf, conversation_id=conv, additional_messages=history)
        )
    )
    assert answer_of(third) == "Helpdesk (turn 3) heard: now"  # turn 1 and the earlier question count
