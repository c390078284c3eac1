"""Fields real recordings carry on workflow and chatflow streams (issue #14), through cozekit sync and
async: `cost` and `token` on the End node's `Message`, `created_at` on chatflow answer deltas."""

from __future__ import annotations

from typing import Any, Dict, List

from cozekit import ChatEventType, Message, WorkflowEventType
from sync_or_async import Client, collect, run

from .conftest import Loader
from .defs import CHATFLOW, ECHO


async def test_the_end_nodes_message_carries_cost_and_token(client: Client, load: Loader) -> None:
    wf = load(ECHO)
    events = await collect(
        await run(client.workflows.runs.stream(workflow_id=wf, parameters={"text": "hey"}))
    )
    messages = [e.message for e in events if e.event == WorkflowEventType.MESSAGE]
    end = messages[-1]
    assert (end.node_is_finish and end.node_title == "End") or end.node_id == "end"
    extra: Dict[str, Any] = end.model_extra or {}
    assert extra["cost"] == "0.00"
    assert extra["token"] == end.usage.token_count
    note = next(m for m in messages if m.node_id == "note")  # an output node's message has neither
    assert "cost" not in (note.model_extra or {}) and "token" not in (note.model_extra or {})


async def test_chatflow_deltas_carry_created_at(client: Client, load: Loader) -> None:
    wf = load(CHATFLOW)
    question: List[Message] = [Message.build_user_question_text("hi")]
    events = await collect(
        await run(client.workflows.chat.stream(workflow_id=wf, additional_messages=question))
    )
    deltas = [e.message for e in events if e.event == ChatEventType.CONVERSATION_MESSAGE_DELTA]
    assert deltas and all(d.created_at and d.created_at > 0 for d in deltas)
    created = next(e.chat for e in events if e.event == ChatEventType.CONVERSATION_CHAT_CREATED)
    assert created.created_at and deltas[0].created_at >= created.created_at
