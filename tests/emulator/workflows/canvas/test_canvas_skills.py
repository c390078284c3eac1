"""LLM skills on canvas LLM nodes: plugin tools, workflows as tools and knowledge, through cozekit."""

from __future__ import annotations

import json
from typing import Any, Dict

import httpx

from cozekit.emulator import ThreadedEmulator
from cozekit.types.document import DocumentBase, DocumentChunkStrategy
from sync_or_async import Client, run

from .build import chain, edge, end_answer, end_vars, lit, load, node, out, param, ref, start

S = "100001"
CALCULATOR = "7000000000000000201"


def llm(fc: Dict[str, Any]) -> Dict[str, Any]:
    params = [
        param("prompt", lit("{{q}}")),
        param("systemPrompt", lit("")),
        param("responseFormat", lit("0", "integer")),
    ]
    return node(
        "3001",
        3,
        "Helper",
        inputs={"llmParam": params, "fcParam": fc},
        params=[param("q", ref(S, "q"))],
        outputs=[out("output")],
    )


def asking(fc: Dict[str, Any]) -> Dict[str, Any]:
    return chain(start(out("q")), llm(fc), end_vars(param("answer", ref("3001", "output"))))


async def test_the_model_calls_a_plugin_tool_and_answers_from_its_result(
    client: Client, emu: ThreadedEmulator
) -> None:
    fc = {
        "pluginFCParam": {"pluginList": [{"plugin_id": CALCULATOR, "api_id": "1", "api_name": "calculate"}]}
    }
    wf = load(emu, asking(fc), "calc")
    call = {"name": "calculate", "arguments": {"expression": "6 * 7"}, "id": "call-1"}
    emu.control.script_workflow_node(wf, "3001", {"tool_calls": [call]}, {"text": "It is 42."})
    got = await run(client.workflows.runs.create(workflow_id=wf, parameters={"q": "what is 6 * 7?"}))
    assert got.parsed_data == {"answer": "It is 42."}
    # only the tool call scripted: the deterministic model answers from the tool's result
    emu.control.script_workflow_node(wf, "3001", {"tool_calls": [call]})
    got = await run(client.workflows.runs.create(workflow_id=wf, parameters={"q": "again"}))
    answer = got.parsed_data["answer"]
    assert answer.startswith("Tool results: calculate returned ") and json.loads(answer[33:-1])["value"] == 42


async def test_a_workflow_skill_that_answers_with_text_answers_for_the_node(
    client: Client, emu: ThreadedEmulator
) -> None:
    greeter = chain(
        start(out("query")), end_answer("Hello from the greeter: {{query}}", param("query", ref(S, "query")))
    )
    tool_id = load(emu, greeter, "greeter")
    wf = load(
        emu,
        asking({"workflowFCParam": {"workflowList": [{"workflow_id": tool_id, "plugin_id": "0"}]}}),
        "main",
    )
    # the deterministic model calls a tool the prompt names, with {"query": prompt}
    got = await run(client.workflows.runs.create(workflow_id=wf, parameters={"q": "please ask the greeter"}))
    assert got.parsed_data == {"answer": "Hello from the greeter: please ask the greeter"}
    plain = await run(client.workflows.runs.create(workflow_id=wf, parameters={"q": "no tools today"}))
    assert plain.parsed_data == {"answer": "Helper (turn 1) heard: no tools today"}


async def test_knowledge_skills_recall_slices_for_the_prompt(client: Client, emu: ThreadedEmulator) -> None:
    kb = await run(client.datasets.create(name="Pets", space_id=emu.workspace_id, format_type=0))
    text = (
        "Cats sleep for most of the day and wake up hungry in the evening.\n\n"
        "Parrots can learn to say many words and copy the sounds of a house."
    )
    docs = await run(
        client.datasets.documents.create(
            dataset_id=kb.dataset_id,
            document_bases=[DocumentBase.build_local_file(text.encode(), name="pets.txt")],
            chunk_strategy=DocumentChunkStrategy.build_custom(100, "\n\n"),
        )
    )
    await run(
        client.datasets.wait_for_processing(
            dataset_id=kb.dataset_id, document_ids=docs, poll_interval=0.02, poll_timeout=20
        )
    )
    fc = {
        "knowledgeFCParam": {
            "knowledgeList": [{"id": kb.dataset_id}],
            "global_setting": {"top_k": 1, "search_mode": 20},
        }
    }
    wf = load(emu, asking(fc), "pets")
    got = await run(client.workflows.runs.create(workflow_id=wf, parameters={"q": "do parrots talk?"}))
    assert got.parsed_data == {
        "answer": "Helper (turn 1) found in the knowledge base: "
        "Parrots can learn to say many words and copy the sounds of a house."
    }


def test_skill_entries_are_checked_on_load(emu: ThreadedEmulator) -> None:
    bad = asking({"pluginFCParam": {"pluginList": [{"plugin_id": CALCULATOR}]}})
    resp = httpx.post(f"{emu.base_url}/_emulator/workflows", json={"canvas": bad, "name": "bad"}, timeout=10)
    assert "node 3001: skill plugin 0 needs plugin_id and api_name" in resp.json()["msg"]


async def _base(client: Client, emu: ThreadedEmulator, name: str, text: str) -> str:
    kb = await run(client.datasets.create(name=name, space_id=emu.workspace_id, format_type=0))
    docs = await run(
        client.datasets.documents.create(
            dataset_id=kb.dataset_id,
            document_bases=[DocumentBase.build_local_file(text.encode(), name=f"{name}.txt")],
        )
    )
    await run(
        client.datasets.wait_for_processing(
            dataset_id=kb.dataset_id, document_ids=docs, poll_interval=0.02, poll_timeout=20
        )
    )
    return str(kb.dataset_id)


async def test_knowledge_skills_recall_only_from_the_listed_bases_the_prompts_choose(
    client: Client, emu: ThreadedEmulator
) -> None:
    cats = await _base(client, emu, "Cats", "Cats sleep most of the day.")
    birds = await _base(client, emu, "Birds", "Parrots sleep standing on one leg.")
    await _base(client, emu, "Fish", "Fish sleep with their eyes open, in a quiet corner.")
    fc = {
        "knowledgeFCParam": {
            "knowledgeList": [{"id": cats, "name": "Cats"}, {"id": birds, "name": "Birds"}],
            "global_setting": {
                "top_k": 5,
                "search_mode": 20,
                "no_recall_reply_mode": 1,
                "no_recall_reply_customize_prompt": "Say that you do not know.",
            },
        }
    }
    wf = load(emu, asking(fc), "pets")

    async def answer(q: str) -> str:
        got = await run(client.workflows.runs.create(workflow_id=wf, parameters={"q": q}))
        return str(got.parsed_data["answer"])

    found = "Helper (turn 1) found in the knowledge base: "
    # the Fish base is not listed: its slice never comes back, though it matches best
    assert await answer("where do fish sleep with eyes open?") in (
        found + "Cats sleep most of the day.",
        found + "Parrots sleep standing on one leg.",
    )
    # a prompt that names a listed base recalls from that base alone
    assert await answer("Birds: how do they sleep?") == found + "Parrots sleep standing on one leg."
    # nothing recalled: the custom no-recall reply is the model's reference
    assert await answer("taxes and mortgages") == found + "Say that you do not know."


async def test_a_workflow_skill_answers_to_coze_studios_tool_name(
    client: Client, emu: ThreadedEmulator
) -> None:
    greeter = chain(
        start(out("query")), end_answer("Hello from the greeter: {{query}}", param("query", ref(S, "query")))
    )
    tool_id = load(emu, greeter, "greeter")
    wf = load(
        emu,
        asking({"workflowFCParam": {"workflowList": [{"workflow_id": tool_id, "plugin_id": "0"}]}}),
        "main",
    )
    call = {"name": "ts_greeter_greeter", "arguments": '{"query": "hi"}'}
    emu.control.script_workflow_node(wf, "3001", {"tool_calls": [call]})
    got = await run(client.workflows.runs.create(workflow_id=wf, parameters={"q": "anything"}))
    assert got.parsed_data == {"answer": "Hello from the greeter: hi"}


async def test_a_workflow_skill_that_asks_interrupts_the_run(client: Client, emu: ThreadedEmulator) -> None:
    # Coze Studio's interruptible tool: the tool's question interrupts the whole run; the resume answers it,
    # the tool finishes and the model answers from its result
    ask = node(
        "18001",
        18,
        "Which size",
        inputs={"question": "Which size for {{item}}?", "answer_type": "text"},
        params=[param("item", ref(S, "item"))],
        outputs=[out("USER_RESPONSE")],
    )
    sizer = chain(start(out("item")), ask, end_vars(param("size", ref("18001", "USER_RESPONSE"))))
    tool_id = load(emu, sizer, "sizer")
    wf = load(
        emu,
        asking({"workflowFCParam": {"workflowList": [{"workflow_id": tool_id, "plugin_id": "0"}]}}),
        "shop",
    )
    call = {"name": "ts_sizer_sizer", "arguments": '{"item": "boots"}', "id": "call-9"}
    emu.control.script_workflow_node(wf, "3001", {"tool_calls": [call]})
    step = await run(client.workflows.runs.create(workflow_id=wf, parameters={"q": "buy boots"}))
    data = step.interrupt_data
    assert data is not None and data.type == 2
    assert json.loads(data.data)["messages"][-1]["content"] == "Which size for boots?"
    step = await run(
        client.workflows.runs.resume(
            workflow_id=wf, event_id=data.event_id, resume_data="42", interrupt_type=2, stream=False
        )
    )
    assert step.interrupt_data is None
    # the deterministic model answers from the tool's result
    assert step.parsed_data == {"answer": 'Tool results: ts_sizer_sizer returned {"size":"42"}.'}


async def test_batch_items_whose_llm_workflow_tools_ask_each_resume_with_their_own_answer(
    client: Client, emu: ThreadedEmulator
) -> None:
    texts = ("list", {"type": "string"})
    ask = node(
        "18001",
        18,
        "Which size",
        inputs={"question": "Which size for {{query}}?", "answer_type": "text"},
        params=[param("query", ref(S, "query"))],
        outputs=[out("USER_RESPONSE")],
    )
    sizer = chain(start(out("query")), ask, end_vars(param("size", ref("18001", "USER_RESPONSE"))))
    tool_id = load(emu, sizer, "sizer")
    helper = node(
        "3002",
        3,
        "Helper",
        inputs={
            "llmParam": [
                param("prompt", lit("sizer: {{item}}")),
                param("systemPrompt", lit("")),
                param("responseFormat", lit("0", "integer")),
            ],
            "fcParam": {"workflowFCParam": {"workflowList": [{"workflow_id": tool_id, "plugin_id": "0"}]}},
        },
        params=[param("item", ref("28001", "input"))],
        outputs=[out("output")],
    )
    batch = node(
        "28001",
        28,
        "Each item",
        inputs={"batchSize": lit(10, "integer"), "concurrentSize": lit(2, "integer")},
        params=[param("input", ref(S, "items", *texts))],
        outputs=[{"name": "answers", "input": ref("3002", "output", *texts)}],
        blocks=[helper],
        edges=[
            edge("28001", "3002", "batch-function-inline-output"),
            edge("3002", "28001", "", "batch-function-inline-input"),
        ],
    )
    main = chain(
        start(out("items", *texts)), batch, end_vars(param("answers", ref("28001", "answers", *texts)))
    )
    wf = load(emu, main, "shop2")
    # both items' tools ask at once (two at a time): each answer goes to its own item's tool
    step = await run(client.workflows.runs.create(workflow_id=wf, parameters={"items": ["boots", "hats"]}))
    asked = []
    for answer in ("42", "L"):
        data = step.interrupt_data
        assert data is not None and data.type == 2
        asked.append(json.loads(data.data)["messages"][-1]["content"])
        step = await run(
            client.workflows.runs.resume(
                workflow_id=wf, event_id=data.event_id, resume_data=answer, interrupt_type=2, stream=False
            )
        )
    assert asked == ["Which size for sizer: boots?", "Which size for sizer: hats?"]
    assert step.interrupt_data is None
    assert step.parsed_data == {
        "answers": [
            'Tool results: sizer returned {"size":"42"}.',
            'Tool results: sizer returned {"size":"L"}.',
        ]
    }


async def test_an_llm_node_in_batch_mode_resumes_each_items_asking_tool(
    client: Client, emu: ThreadedEmulator
) -> None:
    texts = ("list", {"type": "string"})
    ask = node(
        "18001",
        18,
        "Which colour",
        inputs={"question": "Which colour for {{query}}?", "answer_type": "text"},
        params=[param("query", ref(S, "query"))],
        outputs=[out("USER_RESPONSE")],
    )
    painter = chain(start(out("query")), ask, end_vars(param("colour", ref("18001", "USER_RESPONSE"))))
    tool_id = load(emu, painter, "painter")
    listing = ("list", {"type": "object", "schema": [out("output")]})
    helper = node(
        "3003",
        3,
        "Helper",
        inputs={
            "llmParam": [
                param("prompt", lit("painter: {{item}}")),
                param("systemPrompt", lit("")),
                param("responseFormat", lit("0", "integer")),
            ],
            "fcParam": {"workflowFCParam": {"workflowList": [{"workflow_id": tool_id, "plugin_id": "0"}]}},
            "batch": {
                "batchEnable": True,
                "batchSize": 10,
                "concurrentSize": 2,
                "inputLists": [param("item", ref(S, "items", *texts))],
            },
        },
        params=[param("item", ref("3003", "item"))],
        outputs=[out("outputList", *listing)],
    )
    wf = load(
        emu,
        chain(
            start(out("items", *texts)),
            helper,
            end_vars(param("answers", ref("3003", "outputList", *listing))),
        ),
        "painting",
    )
    step = await run(client.workflows.runs.create(workflow_id=wf, parameters={"items": ["door", "fence"]}))
    asked = []
    for answer in ("red", "green"):
        data = step.interrupt_data
        assert data is not None and data.type == 2
        asked.append(json.loads(data.data)["messages"][-1]["content"])
        step = await run(
            client.workflows.runs.resume(
                workflow_id=wf, event_id=data.event_id, resume_data=answer, interrupt_type=2, stream=False
            )
        )
    assert asked == ["Which colour for painter: door?", "Which colour for painter: fence?"]
    assert step.interrupt_data is None
    assert step.parsed_data == {
        "answers": [
            {"output": 'Tool results: painter returned {"colour":"red"}.'},
            {"output": 'Tool results: painter returned {"colour":"green"}.'},
        ]
    }
