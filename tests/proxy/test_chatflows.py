"""Chatflows through the proxy (`chatflows=[(app_id, workflow_id)]`), deleting one's own messages,
and function-call messages relayed only when both the proxy and the widget ask."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict

import httpx

from cozekit.emulator import ThreadedEmulator, example_workflows

from .conftest import MakeProxy, as_user, parse_sse

FORECAST = {
    "name": "forecast",
    "description": "A bot tool: takes the user's message as `input`.",
    "nodes": [
        {"id": "start", "type": "start", "inputs": {"input": {"type": "string", "required": True}}},
        {"id": "end", "type": "end", "outputs": {"output": "sunny"}},
    ],
}


def helpdesk(upstream: ThreadedEmulator) -> str:
    definition = (Path(example_workflows()) / "helpdesk_chatflow.json").read_text()
    return str(upstream.control.create_workflow(definition)["workflow_id"])


def post_chat(http: httpx.Client, body: Dict[str, Any], user: str = "alice") -> httpx.Response:
    return http.post("/chat", json=body, headers=as_user(user))


def answers(resp: httpx.Response) -> list[str]:
    events = parse_sse(resp.text)
    assert events[-1][0] == "done", events
    return [
        d["content"] for n, d in events if n == "conversation.message.completed" and d["type"] == "answer"
    ]


def test_a_chatflow_chats_per_user_conversation(upstream: ThreadedEmulator, make_proxy: MakeProxy) -> None:
    flow = helpdesk(upstream)
    proxy = make_proxy(bots=[], chatflows=[(None, flow)])
    with httpx.Client(base_url=proxy.base_url, timeout=30) as http:
        first = post_chat(http, {"workflow_id": flow, "message": "my printer is broken"})
        assert first.status_code == 200, first.text
        assert answers(first) == ["Helpdesk (turn 1) heard: my printer is broken"]
        conversation = parse_sse(first.text)[0][1]["conversation_id"]
        again = post_chat(http, {"workflow_id": flow, "message": "still", "conversation_id": conversation})
        assert answers(again) == ["Helpdesk (turn 2) heard: still"]  # the conversation's history
        # Someone else's conversation, or the right conversation under another target, is not found.
        theirs = {"workflow_id": flow, "message": "x", "conversation_id": conversation}
        assert post_chat(http, theirs, user="mallory").status_code == 404
        as_bot = {"bot_id": upstream.demo_bot_id, "message": "x", "conversation_id": conversation}
        assert post_chat(http, as_bot).status_code == 403  # the bot is not served here
        history = http.get(f"/conversations/{conversation}/messages", headers=as_user("alice")).json()
        assert history["workflow_id"] == flow and history["app_id"] is None
        assert [m["role"] for m in history["messages"]] == ["user", "assistant"] * 2
        # A fresh user's first message starts a fresh conversation (turn 1 again).
        bob = post_chat(http, {"workflow_id": flow, "message": "hello"}, user="bob")
        assert answers(bob) == ["Helpdesk (turn 1) heard: hello"]
        # Chatflows not on the list, or with another app id, are refused.
        assert post_chat(http, {"workflow_id": "7000000000000000101", "message": "x"}).status_code == 403
        other_app = {"workflow_id": flow, "app_id": "7400000000000000001", "message": "x"}
        assert post_chat(http, other_app).status_code == 403
        both = post_chat(http, {"workflow_id": flow, "bot_id": upstream.demo_bot_id, "message": "x"})
        assert both.status_code == 400 and "not both" in both.json()["msg"]
        made = http.post("/conversations", json={"workflow_id": flow}, headers=as_user("alice")).json()
        assert made["workflow_id"] == flow and made["conversation_id"]


def test_the_app_id_is_sent_with_the_chatflow(upstream: ThreadedEmulator, make_proxy: MakeProxy) -> None:
    flow = helpdesk(upstream)
    proxy = make_proxy(bots=[upstream.demo_bot_id], chatflows=[("7400000000000000001", flow)])
    with httpx.Client(base_url=proxy.base_url, timeout=30) as http:
        body = {"workflow_id": flow, "app_id": "7400000000000000001", "message": "hi"}
        resp = post_chat(http, body)
        assert resp.status_code == 200 and answers(resp) == ["Helpdesk (turn 1) heard: hi"]
        conversation = parse_sse(resp.text)[0][1]["conversation_id"]
        history = http.get(f"/conversations/{conversation}/messages", headers=as_user("alice")).json()
        assert history["app_id"] == "7400000000000000001" and history["workflow_id"] == flow
        without_app = post_chat(http, {"workflow_id": flow, "message": "hi"})
        assert without_app.status_code == 403


def test_visitors_delete_only_their_own_questions(http: httpx.Client, upstream: ThreadedEmulator) -> None:
    resp = post_chat(http, {"bot_id": upstream.demo_bot_id, "message": "forget this"})
    conversation = parse_sse(resp.text)[0][1]["conversation_id"]
    listed = http.get(f"/conversations/{conversation}/messages", headers=as_user("alice")).json()["messages"]
    question = next(m for m in listed if m["role"] == "user")
    answer = next(m for m in listed if m["role"] == "assistant")
    assert question["chat_id"] and question["chat_id"] == answer["chat_id"]
    path = f"/conversations/{conversation}/messages/"
    assert http.delete(path + question["id"], headers=as_user("mallory")).status_code == 404
    assert (
        http.delete(path + answer["id"], headers=as_user("alice")).status_code == 404
    )  # not theirs to delete
    assert http.delete(path + "7000000000000009999", headers=as_user("alice")).status_code == 404
    gone = http.delete(path + question["id"], headers=as_user("alice"))
    assert gone.status_code == 200 and gone.json() == {"id": question["id"], "deleted": True}
    left = http.get(f"/conversations/{conversation}/messages", headers=as_user("alice")).json()["messages"]
    assert [m["id"] for m in left] == [answer["id"]]


def tool_bot(upstream: ThreadedEmulator) -> str:
    workflow = upstream.control.create_workflow(json.dumps(FORECAST))["workflow_id"]
    with httpx.Client(
        base_url=upstream.base_url, headers={"Authorization": f"Bearer {upstream.token}"}
    ) as api:
        ids = {"ids": [{"id": workflow}]}
        made = api.post(
            "/v1/bot/create",
            json={"space_id": upstream.workspace_id, "name": "Planner", "workflow_id_list": ids},
        ).json()
        bot_id = made["data"]["bot_id"]
        assert (
            api.post("/v1/bot/publish", json={"bot_id": bot_id, "connector_ids": ["1024"]}).json()["code"]
            == 0
        )
    return str(bot_id)


def test_function_calls_are_relayed_only_when_both_sides_ask(
    upstream: ThreadedEmulator, make_proxy: MakeProxy
) -> None:
    bot = tool_bot(upstream)
    body = {"bot_id": bot, "message": "what does the forecast say", "show_function_calls": True}
    for allowed, expected in ((False, ["answer"]), (True, ["function_call", "tool_response", "answer"])):
        proxy = make_proxy(bots=[bot], function_call_messages=allowed)
        with httpx.Client(base_url=proxy.base_url, timeout=30) as http:
            events = parse_sse(post_chat(http, body).text)
            kinds = [d["type"] for n, d in events if n == "conversation.message.completed"]
            assert kinds == expected
            quiet = parse_sse(post_chat(http, {**body, "show_function_calls": False}).text)
            assert [d["type"] for n, d in quiet if n == "conversation.message.completed"] == ["answer"]
            if allowed:
                call = next(d for n, d in events if n == "conversation.message.completed")
                assert json.loads(call["content"])["name"] == "forecast"


ASKER = {
    "name": "asker",
    "mode": "chatflow",
    "nodes": [
        {"id": "start", "type": "start"},
        {"id": "ask", "type": "question", "question": "Which day?"},
        {"id": "end", "type": "end", "answer": "On {{ask.USER_RESPONSE}}."},
    ],
}


def test_a_chatflow_question_is_asked_and_answered_by_the_next_message(
    upstream: ThreadedEmulator, make_proxy: MakeProxy
) -> None:
    flow = str(upstream.control.create_workflow(json.dumps(ASKER))["workflow_id"])
    proxy = make_proxy(bots=[], chatflows=[(None, flow)])
    with httpx.Client(base_url=proxy.base_url, timeout=30) as http:
        asked = post_chat(http, {"workflow_id": flow, "message": "the weather"})
        assert answers(asked) == ["Which day?"]  # the question ends the turn, no error
        assert "error" not in [n for n, _ in parse_sse(asked.text)]
        conversation = parse_sse(asked.text)[0][1]["conversation_id"]
        reply = post_chat(http, {"workflow_id": flow, "message": "monday", "conversation_id": conversation})
        assert answers(reply) == ["On monday."]
