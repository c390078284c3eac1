"""Bots call their workflows in chat (`workflow_id_list`), through cozekit sync and async."""

from __future__ import annotations

import json
from typing import Any, Dict

from cozekit import ChatEventType, Message
from sync_or_async import Client, collect, run

from .conftest import Loader
from .defs import ECHO, FORECAST


async def bot_with(client: Client, emu: Any, *workflow_ids: str) -> str:
    ids: Dict[str, Any] = {"ids": [{"id": w} for w in workflow_ids]}
    bot = await run(client.bots.create(workspace_id=emu.workspace_id, name="Planner", workflow_id_list=ids))
    await run(client.bots.publish(bot_id=bot.bot_id))
    return str(bot.bot_id)


async def test_a_bot_runs_the_workflow_its_query_names_and_answers_from_it(
    client: Client, load: Loader, emu: Any
) -> None:
    bot_id = await bot_with(client, emu, load(FORECAST), load(ECHO))
    question = [Message.build_user_question_text("what does the forecast say")]
    events = await collect(
        await run(client.chat.stream(bot_id=bot_id, user_id="u1", additional_messages=question))
    )
    completed = [e.message for e in events if e.event == ChatEventType.CONVERSATION_MESSAGE_COMPLETED]
    call = next(m for m in completed if m.type == "function_call")
    assert json.loads(call.content)["name"] == "forecast"
    response = next(m for m in completed if m.type == "tool_response")
    assert json.loads(response.content) == {"output": "sunny", "words": 5}
    answer = next(m for m in completed if m.type == "answer")
    assert answer.content == f"Tool results: forecast returned {response.content}."
    assert events[-1].event == ChatEventType.CONVERSATION_CHAT_COMPLETED


async def test_a_failing_tool_workflow_is_reported_and_other_queries_skip_it(
    client: Client, load: Loader, emu: Any
) -> None:
    bot_id = await bot_with(client, emu, load(ECHO))  # echo needs `text`, the bot sends `input`
    question = [Message.build_user_question_text("please echo this")]
    events = await collect(
        await run(client.chat.stream(bot_id=bot_id, user_id="u1", additional_messages=question))
    )
    completed = [e.message for e in events if e.event == ChatEventType.CONVERSATION_MESSAGE_COMPLETED]
    response = next(m for m in completed if m.type == "tool_response")
    assert response.content.startswith("error 4000:") and "'text'" in response.content
    plain = [Message.build_user_question_text("hello there")]
    events = await collect(
        await run(client.chat.stream(bot_id=bot_id, user_id="u1", additional_messages=plain))
    )
    kinds = {e.message.type for e in events if e.message is not None}
    assert "function_call" not in kinds
    answer = [e.message.content for e in events if e.event == ChatEventType.CONVERSATION_MESSAGE_COMPLETED]
    assert answer[0] == "Planner (turn 1) heard: hello there"
