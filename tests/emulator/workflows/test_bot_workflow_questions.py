"""A workflow a bot calls in chat stops on a question node: the chat ends `requires_action` with a
`reply_message` tool call, and the user's next message (or submit_tool_outputs) resumes the workflow.
Through cozekit (sync and async) and the official cozepy client."""

from __future__ import annotations

import json
from typing import Any, Dict, List

import cozepy

from cozekit import ChatEventType, Message
from sync_or_async import Client, collect, run

from .conftest import Loader

TRIP: Dict[str, Any] = {
    "name": "trip_planner",
    "nodes": [
        {"id": "start", "type": "start", "inputs": {"input": {"type": "string", "required": True}}},
        {"id": "ask", "type": "question", "title": "Question", "question": "Which city shall we visit?"},
        {"id": "days", "type": "question", "title": "Days", "question": "For how many days?"},
        {
            "id": "say",
            "type": "message",
            "title": "Answer",
            "content": "{{days.USER_RESPONSE}} days in {{ask.USER_RESPONSE}}",
        },
        {"id": "end", "type": "end", "outputs": {"output": "{{say.output}}"}},
    ],
}


async def _bot(client: Client, emu: Any, workflow_id: str) -> str:
    ids = {"ids": [{"id": workflow_id}]}
    bot = await run(client.bots.create(workspace_id=emu.workspace_id, name="Planner", workflow_id_list=ids))
    await run(client.bots.publish(bot_id=bot.bot_id))
    return str(bot.bot_id)


async def _say(client: Client, bot_id: str, text: str, conversation_id: Any = None) -> List[Any]:
    stream = client.chat.stream(
        bot_id=bot_id,
        user_id="u1",
        conversation_id=conversation_id,
        additional_messages=[Message.build_user_question_text(text)],
    )
    return list(await collect(await run(stream)))


def _last(events: List[Any]) -> Any:
    """The last event that is not `done`."""
    return next(e for e in reversed(events) if e.event not in (ChatEventType.DONE, "done"))


def _completed(events: List[Any]) -> List[Any]:
    return [e.message for e in events if e.event == ChatEventType.CONVERSATION_MESSAGE_COMPLETED]


async def test_a_question_node_stops_the_chat_and_the_next_messages_answer_it(
    client: Client, load: Loader, emu: Any
) -> None:
    bot_id = await _bot(client, emu, load(TRIP))
    events = await _say(client, bot_id, "use the trip_planner please")
    assert [m.type for m in _completed(events)] == ["function_call", "answer"]
    assert _completed(events)[1].content == "Which city shall we visit?"
    last = _last(events)
    assert last.event == ChatEventType.CONVERSATION_CHAT_REQUIRES_ACTION
    chat = last.chat
    assert chat.status == "requires_action"
    call = chat.required_action.submit_tool_outputs.tool_calls[0]
    assert (call.type, call.function.name) == ("reply_message", "trip_planner")
    asked = json.loads(call.function.arguments)["messages"][0]
    assert (asked["type"], asked["content"]) == ("question", "Which city shall we visit?")
    stored = await run(client.chat.retrieve(conversation_id=chat.conversation_id, chat_id=chat.id))
    assert stored.status == "requires_action"

    # The next message answers the first question; the workflow asks the second.
    events = await _say(client, bot_id, "Nanjing", chat.conversation_id)
    assert [m.content for m in _completed(events)] == ["For how many days?"]
    assert _last(events).event == ChatEventType.CONVERSATION_CHAT_REQUIRES_ACTION

    # The answer to the last question finishes the workflow; the bot answers from its output.
    events = await _say(client, bot_id, "3", chat.conversation_id)
    response = next(m for m in _completed(events) if m.type == "tool_response")
    assert json.loads(response.content) == {"output": "3 days in Nanjing"}
    answer = next(m for m in _completed(events) if m.type == "answer")
    assert answer.content == f"Tool results: trip_planner returned {response.content}."
    assert _last(events).event == ChatEventType.CONVERSATION_CHAT_COMPLETED

    # The workflow is done: the next message is an ordinary turn again.
    events = await _say(client, bot_id, "thanks", chat.conversation_id)
    assert next(m.type for m in _completed(events)) == "answer"
    assert "function_call" not in {m.type for m in _completed(events)}


async def test_submit_tool_outputs_answers_a_reply_message_call(
    client: Client, load: Loader, emu: Any
) -> None:
    bot_id = await _bot(client, emu, load(TRIP))
    events = await _say(client, bot_id, "trip_planner: plan my holiday")
    chat = _last(events).chat
    call = chat.required_action.submit_tool_outputs.tool_calls[0]
    outputs = [{"tool_call_id": call.id, "output": "Hangzhou"}]
    stream = client.chat.submit_tool_outputs(
        conversation_id=chat.conversation_id, chat_id=chat.id, tool_outputs=outputs, stream=True
    )
    events = list(await collect(await run(stream)))
    assert [m.content for m in _completed(events) if m.type == "answer"] == ["For how many days?"]
    chat = _last(events).chat
    assert chat.status == "requires_action"
    second = chat.required_action.submit_tool_outputs.tool_calls[0]
    assert second.type == "reply_message" and second.id != call.id
    outputs = [{"tool_call_id": second.id, "output": "2"}]
    stream = client.chat.submit_tool_outputs(
        conversation_id=chat.conversation_id, chat_id=chat.id, tool_outputs=outputs, stream=True
    )
    events = list(await collect(await run(stream)))
    answer = [m.content for m in _completed(events) if m.type == "answer"]
    assert answer == ['Tool results: trip_planner returned {"output": "2 days in Hangzhou"}.']
    assert _last(events).chat.status == "completed"


def test_cozepy_sees_requires_action_and_resumes_with_the_next_message(load: Loader, emu: Any) -> None:
    coze = cozepy.Coze(auth=cozepy.TokenAuth(emu.token), base_url=emu.base_url)
    workflow_id = load(TRIP)
    bot = coze.bots.create(
        space_id=emu.workspace_id,
        name="Planner",
        workflow_id_list=cozepy.WorkflowIDList(ids=[cozepy.WorkflowIDList.WorkflowIDInfo(id=workflow_id)]),
    )
    coze.bots.publish(bot_id=bot.bot_id)

    def say(text: str, conversation_id: Any = None) -> List[Any]:
        kwargs = {"conversation_id": conversation_id} if conversation_id else {}
        return list(
            coze.chat.stream(
                bot_id=bot.bot_id,
                user_id="u1",
                additional_messages=[cozepy.Message.build_user_question_text(text)],
                **kwargs,
            )
        )

    events = say("trip_planner time")
    acting = [e for e in events if e.event == cozepy.ChatEventType.CONVERSATION_CHAT_REQUIRES_ACTION]
    assert len(acting) == 1
    chat = acting[0].chat
    call = chat.required_action.submit_tool_outputs.tool_calls[0]
    assert call.type == cozepy.ChatToolCallType.REPLY_MESSAGE
    say("Suzhou", chat.conversation_id)
    events = say("4", chat.conversation_id)
    answers = [
        e.message.content
        for e in events
        if e.event == cozepy.ChatEventType.CONVERSATION_MESSAGE_COMPLETED and e.message.type == "answer"
    ]
    assert answers == ['Tool results: trip_planner returned {"output": "4 days in Suzhou"}.']
    assert _last(events).event == cozepy.ChatEventType.CONVERSATION_CHAT_COMPLETED


def test_cozepy_create_and_poll_ends_in_requires_action(load: Loader, emu: Any) -> None:
    coze = cozepy.Coze(auth=cozepy.TokenAuth(emu.token), base_url=emu.base_url)
    workflow_id = load(TRIP)
    bot = coze.bots.create(
        space_id=emu.workspace_id,
        name="Planner",
        workflow_id_list=cozepy.WorkflowIDList(ids=[cozepy.WorkflowIDList.WorkflowIDInfo(id=workflow_id)]),
    )
    coze.bots.publish(bot_id=bot.bot_id)
    polled = coze.chat.create_and_poll(
        bot_id=bot.bot_id,
        user_id="u1",
        additional_messages=[cozepy.Message.build_user_question_text("trip_planner go")],
    )
    assert polled.chat.status == cozepy.ChatStatus.REQUIRES_ACTION
    assert [m.content for m in polled.messages if m.type == "answer"] == ["Which city shall we visit?"]
