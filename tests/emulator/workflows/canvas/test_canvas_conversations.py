"""Conversation and message management nodes on the emulator's conversations, through cozekit."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest

from cozekit import CozeAPIError
from cozekit.emulator import ThreadedEmulator
from sync_or_async import Client, collect, run

from .build import chain, end_vars, lit, load, node, out, param, ref, start

S = "100001"
MESSAGE = [out("messageId"), out("role"), out("contentType"), out("content")]


def named(conv: Dict[str, Any]) -> Dict[str, Any]:
    return param("conversationName", conv)


def conv_node(
    id: str, type: int, params: List[Dict[str, Any]], outputs: List[Dict[str, Any]]
) -> Dict[str, Any]:
    return node(id, type, f"node {id}", params=params, outputs=outputs)


def writer() -> Dict[str, Any]:
    name = ref(S, "name")
    return chain(
        start(out("name", required=True), out("text", required=True)),
        conv_node(
            "101",
            39,
            [named(name)],
            [out("isSuccess", "boolean"), out("conversationId"), out("isExisted", "boolean")],
        ),
        conv_node(
            "102",
            55,
            [named(name), param("role", lit("user")), param("content", ref(S, "text"))],
            [out("isSuccess", "boolean"), out("message", "object", MESSAGE)],
        ),
        conv_node(
            "103",
            55,
            [named(name), param("role", lit("assistant")), param("content", lit("noted"))],
            [out("isSuccess", "boolean"), out("message", "object", MESSAGE)],
        ),
        conv_node(
            "104",
            56,
            [
                named(name),
                param("messageId", ref("102", "message.messageId")),
                param("newContent", lit("edited")),
            ],
            [out("isSuccess", "boolean")],
        ),
        conv_node(
            "105",
            37,
            [named(name), param("limit", lit(10, "integer"))],
            [
                out("messageList", "list", {"type": "object", "schema": MESSAGE}),
                out("firstId"),
                out("lastId"),
                out("hasMore", "boolean"),
            ],
        ),
        conv_node(
            "106",
            53,
            [],
            [
                out(
                    "conversationList",
                    "list",
                    {"type": "object", "schema": [out("conversationName"), out("conversationId")]},
                )
            ],
        ),
        end_vars(
            param("id", ref("101", "conversationId")),
            param("existed", ref("101", "isExisted", "boolean")),
            param("edited", ref("104", "isSuccess", "boolean")),
            param("listed", ref("105", "messageList", "list", {"type": "object", "schema": MESSAGE})),
            param("names", ref("106", "conversationList.conversationName", "list", {"type": "string"})),
        ),
    )


async def test_nodes_create_a_conversation_and_write_its_messages(
    client: Client, emu: ThreadedEmulator
) -> None:
    wf = load(emu, writer(), "writer")
    first = await run(
        client.workflows.runs.create(workflow_id=wf, parameters={"name": "support", "text": "hi"})
    )
    data = first.parsed_data
    assert data["existed"] is False and data["edited"] is True
    assert [(m["role"], m["content"]) for m in data["listed"]] == [("assistant", "noted"), ("user", "edited")]
    assert data["names"] == ["support"]
    # a real conversation of the emulator: the API lists the same messages
    listed = await collect(client.conversations.messages.list(conversation_id=data["id"]))
    assert [(m.role, m.content) for m in listed] == [("assistant", "noted"), ("user", "edited")]
    second = await run(
        client.workflows.runs.create(workflow_id=wf, parameters={"name": "support", "text": "again"})
    )
    assert second.parsed_data["id"] == data["id"] and second.parsed_data["existed"] is True
    assert len(second.parsed_data["listed"]) == 4
    # each end user has their own conversations
    other = await run(
        client.workflows.runs.create(
            workflow_id=wf, parameters={"name": "support", "text": "x"}, ext={"user_id": "someone-else"}
        )
    )
    assert other.parsed_data["id"] != data["id"] and other.parsed_data["existed"] is False


def manager() -> Dict[str, Any]:
    name = ref(S, "name")
    ok = [out("isSuccess", "boolean")]
    return chain(
        start(out("name", required=True), out("message", required=True)),
        conv_node("201", 57, [named(name), param("messageId", ref(S, "message"))], ok),
        conv_node("202", 38, [named(name)], ok),
        conv_node(
            "203",
            51,
            [named(name), param("newConversationName", lit("archive"))],
            [out("conversationId"), out("isSuccess", "boolean"), out("isExisted", "boolean")],
        ),
        conv_node("204", 52, [named(lit("archive"))], ok),
        conv_node(
            "205",
            53,
            [],
            [
                out(
                    "conversationList",
                    "list",
                    {"type": "object", "schema": [out("conversationName"), out("conversationId")]},
                )
            ],
        ),
        end_vars(
            param("deleted", ref("201", "isSuccess", "boolean")),
            param("cleared", ref("202", "isSuccess", "boolean")),
            param("renamed", ref("203", "isSuccess", "boolean")),
            param("left", ref("205", "conversationList.conversationName", "list", {"type": "string"})),
        ),
    )


async def test_nodes_delete_messages_clear_rename_and_delete_conversations(
    client: Client, emu: ThreadedEmulator
) -> None:
    wf = load(emu, writer(), "writer")
    made = (
        await run(client.workflows.runs.create(workflow_id=wf, parameters={"name": "s", "text": "hi"}))
    ).parsed_data
    user_message = next(m for m in made["listed"] if m["role"] == "user")["messageId"]
    mgr = load(emu, manager(), "manager")
    done = await run(
        client.workflows.runs.create(workflow_id=mgr, parameters={"name": "s", "message": user_message})
    )
    assert done.parsed_data == {"deleted": True, "cleared": True, "renamed": True, "left": []}
    with pytest.raises(CozeAPIError, match="not found"):
        await run(client.conversations.retrieve(conversation_id=made["id"]))
    # again: the conversation is gone, so the nodes answer isSuccess false and deleting it fails the run
    with pytest.raises(CozeAPIError, match="no conversation named 'archive'"):
        await run(
            client.workflows.runs.create(workflow_id=mgr, parameters={"name": "s", "message": user_message})
        )


async def test_default_conversation_cannot_be_deleted(client: Client, emu: ThreadedEmulator) -> None:
    canvas = chain(
        start(), conv_node("301", 52, [named(lit("Default"))], [out("isSuccess", "boolean")]), end_vars()
    )
    wf = load(emu, canvas, "nope")
    events = await collect(client.workflows.runs.stream(workflow_id=wf))
    error = next(e for e in events if e.event == "Error")
    assert "only conversations created by nodes can be renamed or deleted" in error.error.error_message


async def test_in_a_chatflow_default_is_the_chats_conversation(client: Client, emu: ThreadedEmulator) -> None:
    from cozekit import ChatEventType, Message

    note = conv_node(
        "401",
        55,
        [named(lit("Default")), param("role", lit("assistant")), param("content", lit("noted by the flow"))],
        [out("isSuccess", "boolean"), out("message", "object", MESSAGE)],
    )
    flow = chain(
        start(out("USER_INPUT"), out("CONVERSATION_NAME")),
        note,
        end_vars(param("ok", ref("401", "isSuccess", "boolean"))),
    )
    wf = load(emu, flow, "noter")
    events = await collect(
        await run(
            client.workflows.chat.stream(
                workflow_id=wf, additional_messages=[Message.build_user_question_text("hi")]
            )
        )
    )
    done = next(e for e in events if e.event == ChatEventType.CONVERSATION_CHAT_COMPLETED)
    listed = await collect(client.conversations.messages.list(conversation_id=done.chat.conversation_id))
    assert "noted by the flow" in [m.content for m in listed]


async def test_a_run_for_a_bot_reaches_only_default(client: Client, emu: ThreadedEmulator) -> None:
    # Coze Studio's create_message_in_agent example, run for a bot with another conversation's name
    create = conv_node(
        "102",
        55,
        [named(ref(S, "name")), param("role", lit("user")), param("content", lit("hi"))],
        [out("isSuccess", "boolean"), out("message", "object", MESSAGE)],
    )
    wf = load(
        emu, chain(start(out("name")), create, end_vars(param("ok", ref("102", "isSuccess", "boolean")))), "m"
    )
    with pytest.raises(CozeAPIError, match="Only default conversation allow in agent scenario"):
        await run(
            client.workflows.runs.create(workflow_id=wf, parameters={"name": "other"}, bot_id=emu.demo_bot_id)
        )
