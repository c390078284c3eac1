"""Canvas workflows loaded into the emulator and run through cozekit, sync and async."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any, List

import httpx
import pytest

from cozekit import ChatEventType, ChatStatus, Message, WorkflowEventType
from cozekit.emulator import ThreadedEmulator
from cozekit.emulator.state import EmulatorState
from cozekit.emulator.workflows.engine.loader import load_files
from sync_or_async import Client, collect, run

from .build import DATA, data, end_answer, end_vars, lit, node, out, param, ref, through


def control(emu: ThreadedEmulator, body: Any) -> httpx.Response:
    return httpx.post(f"{emu.base_url}/_emulator/workflows", json=body, timeout=10)


def load(emu: ThreadedEmulator, name: str, **extra: Any) -> str:
    resp = control(emu, {"canvas": data(name), "name": name.split(".")[0], **extra})
    assert resp.status_code == 200, resp.text
    return str(resp.json()["data"]["workflow_id"])


async def history(client: Client, workflow_id: str, execute_id: str) -> Any:
    deadline = time.monotonic() + 10
    while True:
        hist = await run(
            client.workflows.runs.run_histories.retrieve(workflow_id=workflow_id, execute_id=execute_id)
        )
        if hist.execute_status != "Running" or time.monotonic() > deadline:
            return hist
        await asyncio.sleep(0.02)


async def test_sync_run_takes_the_branch_and_returns_variables(client: Client, emu: ThreadedEmulator) -> None:
    wf = load(emu, "order_note.json")
    big = await run(client.workflows.runs.create(workflow_id=wf, parameters={"item": "desk", "price": 80}))
    assert big.parsed_data == {"total": 160.0, "note": "Big order: desk x2 = 160"}
    small = await run(
        client.workflows.runs.create(workflow_id=wf, parameters={"item": "pen", "qty": 3, "price": 1.5})
    )
    assert small.parsed_data == {
        "total": 4.5,
        "note": "Small order writer (turn 1) heard: Small order of pen",
    }
    assert small.usage is not None and small.usage.token_count > 0


async def test_parameters_are_checked_against_the_start_node(client: Client, emu: ThreadedEmulator) -> None:
    from cozekit import BadRequestError

    wf = load(emu, "order_note.json")
    with pytest.raises(BadRequestError) as info:
        await run(client.workflows.runs.create(workflow_id=wf, parameters={"item": "x"}))
    assert "price" in str(info.value)


async def test_async_run_with_run_history(client: Client, emu: ThreadedEmulator) -> None:
    wf = load(emu, "order_note.json")
    started = await run(
        client.workflows.runs.create(workflow_id=wf, parameters={"item": "lamp", "price": 60}, is_async=True)
    )
    hist = await history(client, wf, started.execute_id)
    assert hist.execute_status == "Success" and hist.run_mode == 2
    output = json.loads(hist.output)
    assert json.loads(output["Output"]) == {"total": 120.0, "note": "Big order: lamp x2 = 120"}
    assert output["Progress"] == "Working on Big order: lamp x2 = 120"
    assert hist.node_execute_status["Price"].is_finish


async def test_stream_sends_node_messages_then_done(client: Client, emu: ThreadedEmulator) -> None:
    wf = load(emu, "order_note.json")
    events = await collect(
        await run(client.workflows.runs.stream(workflow_id=wf, parameters={"item": "cup", "price": 1}))
    )
    assert events[-1].event == WorkflowEventType.DONE
    progress = [e.message for e in events if e.message and e.message.node_title == "Progress"]
    assert len(progress) > 1 and progress[-1].node_is_finish
    assert "".join(m.content for m in progress) == (
        "Working on Small order writer (turn 1) heard: Small order of cup"
    )
    ends = [e.message for e in events if e.message and e.message.node_title == "End"]
    assert json.loads(ends[0].content)["total"] == 2.0


async def test_question_interrupts_and_resume_finishes(client: Client, emu: ThreadedEmulator) -> None:
    wf = load(emu, "weather_question.json")
    events = await collect(
        await run(client.workflows.runs.stream(workflow_id=wf, parameters={"city": "Oslo"}))
    )
    assert [e.event for e in events] == [WorkflowEventType.MESSAGE, WorkflowEventType.INTERRUPT]
    assert events[0].message.content == "Which day in Oslo?"
    interrupt = events[1].interrupt
    assert interrupt.node_title == "Which day" and interrupt.interrupt_data.type == 2
    resumed = await collect(
        await run(
            client.workflows.runs.resume(
                workflow_id=wf,
                event_id=interrupt.interrupt_data.event_id,
                resume_data="Monday",
                interrupt_type=2,
            )
        )
    )
    assert resumed[-1].event == WorkflowEventType.DONE
    answer = "".join(e.message.content for e in resumed if e.message and e.message.node_title == "End")
    assert answer == "Oslo on Monday: sunny"


async def test_sync_run_interrupt_then_non_stream_resume(client: Client, emu: ThreadedEmulator) -> None:
    wf = load(emu, "weather_question.json")
    first = await run(client.workflows.runs.create(workflow_id=wf, parameters={"city": "Rome"}))
    assert first.interrupt_data is not None and first.interrupt_data.type == 2
    done = await run(
        client.workflows.runs.resume(
            workflow_id=wf,
            event_id=first.interrupt_data.event_id,
            resume_data="Friday",
            interrupt_type=2,
            stream=False,
        )
    )
    assert done.data == "Rome on Friday: sunny"


async def test_a_failing_node_gives_an_error_event_with_its_id_and_title(
    client: Client, emu: ThreadedEmulator
) -> None:
    wf = load(emu, "divide.json")
    events = await collect(await run(client.workflows.runs.stream(workflow_id=wf, parameters={"d": 0})))
    assert events[-1].event == WorkflowEventType.ERROR
    error = events[-1].error
    assert error.error_code == 720701013
    assert "Divide (120004)" in error.error_message and "ZeroDivisionError" in error.error_message
    ok = await run(client.workflows.runs.create(workflow_id=wf, parameters={"d": 4}))
    assert ok.parsed_data == {"q": 0.25}


async def test_knowledge_and_plugin_nodes_use_the_emulator(client: Client, emu: ThreadedEmulator) -> None:
    from cozekit.types.document import DocumentBase, DocumentChunkStrategy

    created = await run(client.datasets.create(name="FAQ", space_id=emu.workspace_id, format_type=0))
    faq = (
        "Refunds are paid back within five working days after the parcel reaches our warehouse.\n\n"
        "Gift cards never expire and every store in the country takes them as payment."
    )
    docs = await run(
        client.datasets.documents.create(
            dataset_id=created.dataset_id,
            document_bases=[DocumentBase.build_local_file(faq.encode(), name="faq.txt")],
            chunk_strategy=DocumentChunkStrategy.build_custom(100, "\n\n"),
        )
    )
    await run(
        client.datasets.wait_for_processing(
            dataset_id=created.dataset_id, document_ids=docs, poll_interval=0.02, poll_timeout=20
        )
    )
    settings = [
        param("datasetList", ref("100001", "kb", "list", {"type": "string"})),
        param("topK", lit(1, "integer")),
    ]
    recall = node(
        "6",
        6,
        "Search",
        inputs={"datasetParam": settings},
        params=[param("Query", ref("100001", "q"))],
        outputs=[out("outputList", "list", {"type": "object", "schema": [out("output")]})],
    )
    api = [param("pluginID", lit("7000000000000000201")), param("apiName", lit("calculate"))]
    calc = node(
        "4",
        4,
        "Calculator",
        inputs={"apiParam": api},
        params=[param("expression", ref("100001", "expr"))],
        outputs=[out("value", "integer")],
    )
    raw = through(recall, [out("q"), out("kb", "list", {"type": "string"}), out("expr")], [])
    raw["nodes"].insert(2, calc)
    raw["edges"] = [
        {"sourceNodeID": a, "targetNodeID": b} for a, b in (("100001", "6"), ("6", "4"), ("4", "900001"))
    ]
    raw["nodes"][-1] = end_vars(
        param("hit", ref("6", "outputList", "list", {"type": "object"})),
        param("value", ref("4", "value", "integer")),
    )
    resp = control(emu, {"canvas": raw, "name": "kb and plugin"})
    wf = resp.json()["data"]["workflow_id"]
    got = await run(
        client.workflows.runs.create(
            workflow_id=wf, parameters={"q": "gift cards", "kb": [created.dataset_id], "expr": "6 * 7"}
        )
    )
    assert got.parsed_data["value"] == 42
    assert [h["output"] for h in got.parsed_data["hit"]] == [
        "Gift cards never expire and every store in the country takes them as payment."
    ]
    bad = await run(
        client.workflows.runs.stream(workflow_id=wf, parameters={"q": "x", "kb": [], "expr": "import os"})
    )
    events = await collect(bad)
    assert events[-1].event == WorkflowEventType.ERROR and "Calculator (4)" in events[-1].error.error_message


async def test_a_tour_of_loop_batch_json_intent_input_and_sub_workflow(
    client: Client, emu: ThreadedEmulator
) -> None:
    load(emu, "divide.json", workflow_id="7400000000000000009")
    wf = load(emu, "tour.json")
    events = await collect(
        await run(
            client.workflows.runs.stream(
                workflow_id=wf, parameters={"words": ["a", "bb"], "query": "I want a Refund"}
            )
        )
    )
    assert events[-1].event == WorkflowEventType.INTERRUPT
    interrupt = events[-1].interrupt
    assert interrupt.node_title == "Ask divisor" and interrupt.interrupt_data.type == 5
    resumed = await collect(
        await run(
            client.workflows.runs.resume(
                workflow_id=wf,
                event_id=interrupt.interrupt_data.event_id,
                resume_data='{"divisor": 4}',
                interrupt_type=5,
            )
        )
    )
    assert resumed[-1].event == WorkflowEventType.DONE
    end = next(e.message for e in resumed if e.message and e.message.node_title == "End")
    assert json.loads(end.content) == {
        "wrapped": ["<a>", "<bb>"],
        "indexed": ["a=0", "bb=1"],
        "desk": "refunds",
        "q": 0.25,
    }


def say(text: str) -> List[Message]:
    return [Message.build_user_question_text(text)]


async def test_chatflow_keeps_conversation_history(client: Client, emu: ThreadedEmulator) -> None:
    wf = load(emu, "helpdesk_chatflow.json")
    first = await collect(
        await run(client.workflows.chat.stream(workflow_id=wf, additional_messages=say("hi")))
    )
    assert first[-2].event == ChatEventType.CONVERSATION_CHAT_COMPLETED
    assert first[-2].chat.status == ChatStatus.COMPLETED
    deltas = [e.message.content for e in first if e.event == ChatEventType.CONVERSATION_MESSAGE_DELTA]
    assert "".join(deltas) == "Helpdesk (turn 1) heard: hi"
    conv = first[-2].chat.conversation_id
    again = await collect(
        await run(
            client.workflows.chat.stream(
                workflow_id=wf, conversation_id=conv, additional_messages=say("more")
            )
        )
    )
    deltas = [e.message.content for e in again if e.event == ChatEventType.CONVERSATION_MESSAGE_DELTA]
    assert "".join(deltas) == "Helpdesk (turn 2) heard: more"


async def test_a_chatflow_reads_its_conversation_history(client: Client, emu: ThreadedEmulator) -> None:
    items = {"type": "object", "schema": [out("role"), out("content")]}
    hist = node(
        "154001",
        54,
        "History",
        params=[
            param("conversationName", ref("100001", "CONVERSATION_NAME")),
            param("rounds", lit(1, "integer")),
        ],
        outputs=[out("messageList", "list", items)],
    )
    raw = through(
        hist, [out("USER_INPUT", required=True), out("CONVERSATION_NAME", defaultValue="Default")], []
    )
    raw["nodes"][-1] = end_answer("Seen: {{m}}", param("m", ref("154001", "messageList", "list", items)))
    wf = control(emu, {"canvas": raw, "name": "memory"}).json()["data"]["workflow_id"]
    first = await collect(
        await run(client.workflows.chat.stream(workflow_id=wf, additional_messages=say("hi")))
    )
    conv = first[-2].chat.conversation_id
    again = await collect(
        await run(
            client.workflows.chat.stream(
                workflow_id=wf, conversation_id=conv, additional_messages=say("more")
            )
        )
    )
    deltas = [e.message.content for e in again if e.event == ChatEventType.CONVERSATION_MESSAGE_DELTA]
    assert (
        "".join(deltas) == 'Seen: [{"content":"hi","role":"user"},{"content":"Seen: []","role":"assistant"}]'
    )


def test_control_plane_forms_and_refusals(emu: ThreadedEmulator) -> None:
    raw = data("divide.json")
    bare = control(emu, {**raw, "name": "bare divide"})
    assert bare.status_code == 200 and bare.json()["data"]["name"] == "bare divide"
    with_id = control(
        emu, {"canvas": json.dumps(raw), "name": "divide", "workflow_id": "7400000000000000001"}
    )
    assert with_id.json()["data"]["workflow_id"] == "7400000000000000001"
    assert with_id.json()["data"]["mode"] == "workflow"
    broken = json.loads(json.dumps(raw))
    broken["nodes"][2]["data"]["inputs"]["inputParameters"][0]["input"]["value"]["content"]["blockID"] = (
        "4242"
    )
    refused = control(emu, {"canvas": broken, "name": "broken"})
    assert refused.json()["code"] == 4000
    assert "node 900001: input q refers to 4242.q, but there is no node 4242" in refused.json()["msg"]
    unsupported = json.loads(json.dumps(raw))
    unsupported["nodes"][1]["type"] = "1000"
    msg = control(emu, {"canvas": unsupported, "name": "query"}).json()["msg"]
    assert "node 120004: node type 1000 is not supported by the emulator" in msg
    assert "send `definition`, `canvas`" in control(emu, {"name": "nothing"}).json()["msg"]


def test_threaded_emulator_loads_a_canvas_file(emu: ThreadedEmulator) -> None:
    loaded = emu.control.load_canvas(DATA / "helpdesk_chatflow.json")
    assert loaded["name"] == "helpdesk_chatflow" and loaded["mode"] == "chatflow"
    resp = httpx.get(
        f"{emu.base_url}/v1/workflows/{loaded['workflow_id']}",
        params={"include_input_output": "true"},
        headers={"Authorization": f"Bearer {emu.token}"},
        timeout=10,
    )
    info = resp.json()["data"]
    assert info["input"]["parameters"]["CONVERSATION_NAME"]["default_value"] == "Default"
    assert info["output"]["terminate_plan"] == "use_answer_content"


def test_definition_directories_load_bare_canvases(tmp_path: Path) -> None:
    (tmp_path / "weather.json").write_text((DATA / "weather_question.json").read_text())
    (tmp_path / "legacy.yaml").write_text(
        "name: legacy\nnodes:\n  - {id: s, type: start}\n  - {id: e, type: end, answer: hi}\n"
    )
    loaded = load_files(EmulatorState().workflows, str(tmp_path))
    assert sorted(w["name"] for w in loaded) == ["legacy", "weather"]
