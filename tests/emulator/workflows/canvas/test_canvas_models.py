"""Model-backed nodes with the deterministic model (documented rules) and with scripted replies in the
shape Coze Studio's nodes ask their model for, through cozekit, sync and async."""

from __future__ import annotations

from typing import Any, Dict

from cozekit.emulator import ThreadedEmulator
from sync_or_async import Client, run

from . import build as b
from .build import canvas, edge, end_answer, end_vars, lit, node, out, param, ref, start

S = "100001"
REVIEW = [
    {"name": "summary", "type": "string"},
    {"name": "stars", "type": "integer"},
    {"name": "tags", "type": "list", "schema": {"type": "string"}},
    {
        "name": "meta",
        "type": "object",
        "schema": [{"name": "ok", "type": "boolean"}, {"name": "at", "type": "string", "assistType": 10000}],
    },
]


def _review() -> Dict[str, Any]:
    llm = node(
        "300001",
        3,
        "Review",
        inputs={
            "llmParam": [
                param("prompt", lit("Review {{thing}}")),
                param("responseFormat", lit("2", "integer")),
                param("modelName", lit("any")),
            ]
        },
        params=[param("thing", ref(S, "thing"))],
        outputs=[out(f["name"], f["type"], f.get("schema")) for f in REVIEW],
    )
    end = end_vars(param("review", {"type": "object", "schema": REVIEW, "value": {"type": "object_ref"}}))
    end["data"]["inputs"]["inputParameters"][0]["input"]["schema"] = [
        param(f["name"], ref("300001", f["name"], f["type"], f.get("schema"))) for f in REVIEW
    ]
    return b.chain(start(out("thing")), llm, end)


async def test_the_deterministic_model_answers_json_mode_with_the_declared_schema(
    client: Client, emu: ThreadedEmulator
) -> None:
    wf = b.load(emu, _review(), "review")
    result = await run(client.workflows.runs.create(workflow_id=wf, parameters={"thing": "the pier"}))
    said = "Review (turn 1) heard: Review the pier"
    assert result.parsed_data == {
        "review": {
            "summary": said,
            "stars": 0,
            "tags": [said],
            "meta": {"ok": False, "at": "1970-01-01 00:00:00"},
        }
    }


def _router() -> Dict[str, Any]:
    route = node(
        "220001",
        22,
        "Route",
        inputs={
            "intents": [{"name": "order status"}, {"name": "refund a payment"}, {"name": "talk to a person"}],
            "llmParam": {"systemPrompt": lit("")},
        },
        params=[param("query", ref(S, "q"))],
        outputs=[out("classificationId", "integer"), out("reason")],
    )
    answer = "{{id}}: {{why}}"
    refs = (param("id", ref("220001", "classificationId", "integer")), param("why", ref("220001", "reason")))
    return canvas(
        [
            start(out("q")),
            route,
            end_answer("status " + answer, *refs),
            end_answer("refund " + answer, *refs, id="2"),
            end_answer("person " + answer, *refs, id="3"),
            end_answer("none " + answer, *refs, id="4"),
        ],
        [
            edge(S, "220001"),
            edge("220001", "900001", "branch_0"),
            edge("220001", "2", "branch_1"),
            edge("220001", "3", "branch_2"),
            edge("220001", "4", "default"),
        ],
    )


async def test_intents_with_the_deterministic_model(client: Client, emu: ThreadedEmulator) -> None:
    wf = b.load(emu, _router(), "router")

    async def ask(q: str) -> Any:
        return (await run(client.workflows.runs.create(workflow_id=wf, parameters={"q": q}))).data

    assert await ask("What is my ORDER STATUS?") == "status 1: the message mentions 'order status'"
    # no intent's whole text: the one sharing the most words wins
    assert (
        await ask("please refund my payment")
        == "refund 2: the message shares 2 word(s) with 'refund a payment'"
    )
    assert await ask("hello there") == "none 0: no intent is mentioned"


async def test_intents_read_coze_studios_json_reply(client: Client, emu: ThreadedEmulator) -> None:
    wf = b.load(emu, _router(), "router")
    emu.control.script_workflow_node(
        wf,
        "220001",
        {"text": 'Sure. {"classificationId": 3, "reason": "asks for a human"}'},
        {"text": "2"},
        {"text": '{"classificationId": 9, "reason": "out of range"}'},
    )
    got = [
        (await run(client.workflows.runs.create(workflow_id=wf, parameters={"q": "x"}))).data
        for _ in range(3)
    ]
    assert got == ["person 3: asks for a human", "refund 2: 2", "none 0: out of range"]
