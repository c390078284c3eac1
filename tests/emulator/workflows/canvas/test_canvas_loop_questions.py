"""Question and input nodes inside a loop: each round interrupts, and resuming carries the loop on."""

from __future__ import annotations

import json
from typing import Any, Dict

import httpx

from cozekit import WorkflowEventType
from cozekit.emulator import ThreadedEmulator
from sync_or_async import Client, collect, run

from .build import chain, edge, end_answer, end_vars, lit, node, out, param, ref, start

S = "100001"
TEXTS = ("list", {"type": "string"})


def order() -> Dict[str, Any]:
    ask = node(
        "18001",
        18,
        "How many",
        inputs={"question": "How many {{item}}?", "answer_type": "text"},
        params=[param("item", ref("21001", "input", "string"))],
        outputs=[out("USER_RESPONSE")],
    )
    form = node("30001", 30, "Note", outputs=[out("note")])
    loop = node(
        "21001",
        21,
        "Each item",
        inputs={"loopType": "array"},
        params=[param("input", ref(S, "items", *TEXTS))],
        outputs=[
            {"name": "counts", "input": ref("18001", "USER_RESPONSE", *TEXTS)},
            {"name": "notes", "input": ref("30001", "note", *TEXTS)},
        ],
        blocks=[ask, form],
        edges=[
            edge("21001", "18001", "loop-function-inline-output"),
            edge("18001", "30001"),
            edge("30001", "21001", "", "loop-function-inline-input"),
        ],
    )
    answer = end_answer(
        "{{counts}} / {{notes}}",
        param("counts", ref("21001", "counts", *TEXTS)),
        param("notes", ref("21001", "notes", *TEXTS)),
    )
    return chain(start(out("items", *TEXTS)), loop, answer)


async def test_each_round_asks_and_the_loop_collects_the_answers(
    client: Client, emu: ThreadedEmulator
) -> None:
    resp = httpx.post(
        f"{emu.base_url}/_emulator/workflows", json={"canvas": order(), "name": "order"}, timeout=10
    )
    wf = resp.json()["data"]["workflow_id"]
    events = await collect(
        await run(client.workflows.runs.stream(workflow_id=wf, parameters={"items": ["tea", "cake"]}))
    )
    asked = []
    for answer, kind in (("2", 2), ("hot", 5), ("1", 2), ("note: big", 5)):
        interrupt = events[-1].interrupt
        assert events[-1].event == WorkflowEventType.INTERRUPT and interrupt.interrupt_data.type == kind
        asked += [e.message.content for e in events if e.message and e.message.node_title == "How many"]
        events = await collect(
            await run(
                client.workflows.runs.resume(
                    workflow_id=wf,
                    event_id=interrupt.interrupt_data.event_id,
                    resume_data=answer,
                    interrupt_type=kind,
                )
            )
        )
    assert asked == ["How many tea?", "How many cake?"]
    assert events[-1].event == WorkflowEventType.DONE
    text = "".join(e.message.content for e in events if e.message and e.message.node_title == "End")
    assert text == '["2","1"] / ["hot","big"]'


def tasting() -> Dict[str, Any]:
    ask = node(
        "18002",
        18,
        "Rate",
        inputs={"question": "Rate {{item}}", "answer_type": "text"},
        params=[param("item", ref("28001", "input", "string"))],
        outputs=[out("USER_RESPONSE")],
    )
    batch = node(
        "28001",
        28,
        "Each dish",
        inputs={"batchSize": lit(10, "integer"), "concurrentSize": lit(2, "integer")},
        params=[param("input", ref(S, "items", *TEXTS))],
        outputs=[{"name": "rates", "input": ref("18002", "USER_RESPONSE", *TEXTS)}],
        blocks=[ask],
        edges=[
            edge("28001", "18002", "batch-function-inline-output"),
            edge("18002", "28001", "", "batch-function-inline-input"),
        ],
    )
    return chain(
        start(out("items", *TEXTS)),
        batch,
        end_answer("{{rates}}", param("rates", ref("28001", "rates", *TEXTS))),
    )


async def test_a_batch_asks_for_each_waiting_item_in_order(client: Client, emu: ThreadedEmulator) -> None:
    body = {"canvas": tasting(), "name": "tasting"}
    wf = httpx.post(f"{emu.base_url}/_emulator/workflows", json=body, timeout=10).json()["data"][
        "workflow_id"
    ]
    first = await run(
        client.workflows.runs.create(workflow_id=wf, parameters={"items": ["soup", "pie", "tea"]})
    )
    titles = []
    data = first.interrupt_data
    for item, answer in (("soup", "good"), ("pie", "great"), ("tea", "fine")):
        assert data is not None and data.type == 2
        assert json.loads(data.data)["messages"][0]["content"] == f"Rate {item}"
        titles.append(data.event_id)
        step = await run(
            client.workflows.runs.resume(
                workflow_id=wf, event_id=data.event_id, resume_data=answer, interrupt_type=2, stream=False
            )
        )
        data = step.interrupt_data
    assert data is None and step.data == '["good","great","fine"]'
    assert len(set(titles)) == 3


def survey() -> Dict[str, Any]:
    """A batch whose body asks twice per item: a form (input node), then a question."""
    form = node("30003", 30, "Name", outputs=[out("name")])
    ask = node(
        "18003",
        18,
        "Rate",
        inputs={"question": "Rate {{item}}, {{name}}", "answer_type": "text"},
        params=[param("item", ref("28003", "input", "string")), param("name", ref("30003", "name"))],
        outputs=[out("USER_RESPONSE")],
    )
    batch = node(
        "28003",
        28,
        "Each dish",
        inputs={"batchSize": lit(10, "integer"), "concurrentSize": lit(2, "integer")},
        params=[param("input", ref(S, "items", *TEXTS))],
        outputs=[{"name": "rates", "input": ref("18003", "USER_RESPONSE", *TEXTS)}],
        blocks=[form, ask],
        edges=[
            edge("28003", "30003", "batch-function-inline-output"),
            edge("30003", "18003"),
            edge("18003", "28003", "", "batch-function-inline-input"),
        ],
    )
    return chain(
        start(out("items", *TEXTS)),
        batch,
        end_answer("{{rates}}", param("rates", ref("28003", "rates", *TEXTS))),
    )


async def test_batch_items_are_asked_first_come_first_asked(client: Client, emu: ThreadedEmulator) -> None:
    # Coze Studio: both items stop at their form; answering the first item's form lets it reach its
    # question, which waits behind the second item's form
    wf = httpx.post(
        f"{emu.base_url}/_emulator/workflows", json={"canvas": survey(), "name": "survey"}, timeout=10
    ).json()["data"]["workflow_id"]
    step = await run(client.workflows.runs.create(workflow_id=wf, parameters={"items": ["soup", "pie"]}))
    kinds = []
    for answer in ("Ann", "Bob", "good", "great"):
        data = step.interrupt_data
        assert data is not None
        kinds.append(data.type)
        step = await run(
            client.workflows.runs.resume(
                workflow_id=wf,
                event_id=data.event_id,
                resume_data=answer,
                interrupt_type=data.type,
                stream=False,
            )
        )
    assert kinds == [5, 5, 2, 2]
    assert step.interrupt_data is None and step.data == '["good","great"]'


async def test_batch_items_each_answer_a_question_inside_a_sub_workflow(
    client: Client, emu: ThreadedEmulator
) -> None:
    ask = node(
        "18004",
        18,
        "Rate",
        inputs={"question": "Rate {{dish}}", "answer_type": "text"},
        params=[param("dish", ref(S, "dish"))],
        outputs=[out("USER_RESPONSE")],
    )
    rater = chain(
        start(out("dish")),
        ask,
        end_vars(param("rate", ref("18004", "USER_RESPONSE")), param("dish", ref(S, "dish"))),
    )
    sub_id = httpx.post(
        f"{emu.base_url}/_emulator/workflows", json={"canvas": rater, "name": "rater"}, timeout=10
    ).json()["data"]["workflow_id"]
    call = node(
        "9004",
        9,
        "Rater",
        inputs={"workflowId": sub_id, "spaceId": "0", "type": 0},
        params=[param("dish", ref("28004", "input", "string"))],
        outputs=[out("rate"), out("dish")],
    )
    batch = node(
        "28004",
        28,
        "Each dish",
        inputs={"batchSize": lit(10, "integer"), "concurrentSize": lit(3, "integer")},
        params=[param("input", ref(S, "items", *TEXTS))],
        outputs=[{"name": "rates", "input": ref("9004", "rate", *TEXTS)}],
        blocks=[call],
        edges=[
            edge("28004", "9004", "batch-function-inline-output"),
            edge("9004", "28004", "", "batch-function-inline-input"),
        ],
    )
    main = chain(
        start(out("items", *TEXTS)),
        batch,
        end_answer("{{rates}}", param("rates", ref("28004", "rates", *TEXTS))),
    )
    wf = httpx.post(
        f"{emu.base_url}/_emulator/workflows", json={"canvas": main, "name": "tasting2"}, timeout=10
    ).json()["data"]["workflow_id"]
    step = await run(
        client.workflows.runs.create(workflow_id=wf, parameters={"items": ["soup", "pie", "tea"]})
    )
    asked = []
    for answer in ("good", "great", "fine"):
        data = step.interrupt_data
        assert data is not None and data.type == 2
        asked.append(json.loads(data.data)["messages"][-1]["content"])
        step = await run(
            client.workflows.runs.resume(
                workflow_id=wf, event_id=data.event_id, resume_data=answer, interrupt_type=2, stream=False
            )
        )
    assert asked == ["Rate soup", "Rate pie", "Rate tea"]
    assert step.interrupt_data is None and step.data == '["good","great","fine"]'
