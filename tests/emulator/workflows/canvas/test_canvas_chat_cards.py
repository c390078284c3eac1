"""A chatflow that stops at an input node, a text question and a question with options, through
`/v1/workflows/chat`: the form and the options come as card messages (as Coze Studio shows them), the
text question as text, and each next message in the conversation answers the node that asked."""

from __future__ import annotations

import json
from typing import Any, Dict, List

from cozekit import ChatEventType, ChatStatus, Message
from cozekit.emulator import ThreadedEmulator
from sync_or_async import Client, collect, run

from .build import edge, end_answer, load, node, out, param, ref, start

S = "100001"


def ordering() -> Dict[str, Any]:
    form = node(
        "30001",
        30,
        "Address",
        inputs={"outputSchema": json.dumps([{"type": "string", "name": "street", "required": True}])},
        outputs=[out("street", required=True)],
    )
    when = node(
        "18001",
        18,
        "When",
        inputs={"question": "When should we deliver to {{street}}?", "answer_type": "text"},
        params=[param("street", ref("30001", "street"))],
        outputs=[out("USER_RESPONSE")],
    )
    size = node(
        "18002",
        18,
        "Size",
        inputs={
            "question": "Which size?",
            "answer_type": "option",
            "option_type": "static",
            "options": [{"name": "Small"}, {"name": "Large"}],
        },
        outputs=[out("optionId"), out("optionContent")],
    )
    finish = end_answer(
        "{{size}} to {{street}} at {{when}}",
        param("size", ref("18002", "optionContent")),
        param("street", ref("30001", "street")),
        param("when", ref("18001", "USER_RESPONSE")),
    )
    first = start(out("USER_INPUT"), out("CONVERSATION_NAME", defaultValue="Default"))
    edges = [
        edge(S, "30001"),
        edge("30001", "18001"),
        edge("18001", "18002"),
        edge("18002", "900001", "branch_0"),
        edge("18002", "900001", "branch_1"),
        edge("18002", "900001", "default"),
    ]
    return {"nodes": [first, form, when, size, finish], "edges": edges}


async def _turn(client: Client, wf: str, text: str, conv: str = "") -> List[Any]:
    messages = [Message.build_user_question_text(text)]
    extra = {"conversation_id": conv} if conv else {}
    return list(
        await collect(
            await run(client.workflows.chat.stream(workflow_id=wf, additional_messages=messages, **extra))
        )
    )


def _answers(events: List[Any]) -> List[Any]:
    return [
        e.message
        for e in events
        if e.event == ChatEventType.CONVERSATION_MESSAGE_COMPLETED and e.message.type == "answer"
    ]


def _deltas(events: List[Any]) -> List[str]:
    return [e.message.content for e in events if e.event == ChatEventType.CONVERSATION_MESSAGE_DELTA]


async def test_a_chatflows_form_and_options_come_as_cards(client: Client, emu: ThreadedEmulator) -> None:
    wf = load(emu, ordering(), "ordering")
    first = await _turn(client, wf, "I want a pizza")
    chat = next(e.chat for e in first if e.event == ChatEventType.CONVERSATION_CHAT_REQUIRES_ACTION)
    assert chat.status == ChatStatus.REQUIRES_ACTION
    conv = chat.conversation_id
    # the input node's form: one card message, no text deltas (the form schema is not shown as text)
    (card,) = _answers(first)
    assert card.content_type == "card" and _deltas(first) == []
    body = json.loads(card.content)
    assert body["template_id"] == 7383997384420262000 and body["response_type"] == "card"
    info = json.loads(body["x_properties"]["workflow_card_info"])
    assert info == {
        "card_type": "INPUT",
        "input_card_data": [{"type": "string", "name": "street", "required": True}],
    }

    # the form answered: the text question is a text message
    second = await _turn(client, wf, '{"street": "Elm Street 1"}', conv)
    (asked,) = _answers(second)
    assert asked.content_type == "text" and asked.content == "When should we deliver to Elm Street 1?"
    assert "".join(_deltas(second)) == asked.content

    # the question with options: a card naming the question and its options
    third = await _turn(client, wf, "noon", conv)
    (options,) = _answers(third)
    assert options.content_type == "card" and _deltas(third) == []
    info = json.loads(json.loads(options.content)["x_properties"]["workflow_card_info"])
    assert info == {
        "card_type": "QUESTION",
        "question_card_data": {"Title": "Which size?", "Options": [{"name": "Small"}, {"name": "Large"}]},
    }

    last = await _turn(client, wf, "Large", conv)
    assert any(e.event == ChatEventType.CONVERSATION_CHAT_COMPLETED for e in last)
    assert [m.content for m in _answers(last)] == ["Large to Elm Street 1 at noon"]
    # the conversation keeps the cards as its assistant messages
    listed = await run(client.conversations.messages.list(conversation_id=conv))
    kinds = [(m.role, m.content_type) for m in listed.items if m.type == "answer"]
    assert ("assistant", "card") in kinds
