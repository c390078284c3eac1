"""Every workflow endpoint through cozekit, sync and async, against the emulator over real sockets."""

from __future__ import annotations

import json
from typing import Any, List

import pytest

from cozekit import BadRequestError, CozeAPIError, NotFoundError, WorkflowEventType
from cozekit.emulator import ThreadedEmulator
from sync_or_async import Client, collect, run

from .conftest import Loader, poll_history
from .defs import ECHO, FAILING, WEATHER


async def test_sync_run_returns_the_end_output_and_usage(client: Client, load: Loader) -> None:
    wf = load(ECHO)
    result = await run(client.workflows.runs.create(workflow_id=wf, parameters={"text": "hey", "times": 2}))
    assert result.parsed_data == {"output": "HEY", "n": 6}
    assert result.execute_id and result.debug_url and f"workflow_id={wf}" in result.debug_url
    assert result.usage is not None and result.interrupt_data is None
    text = await run(client.workflows.runs.create(workflow_id=wf, parameters='{"text": "ab"}'))
    assert text.parsed_data == {"output": "AB", "n": 2}


async def test_async_run_is_polled_through_run_history_and_node_output(client: Client, load: Loader) -> None:
    wf = load(ECHO)
    started = await run(
        client.workflows.runs.create(workflow_id=wf, parameters={"text": "go"}, is_async=True)
    )
    assert started.execute_id and not started.data
    hist = await poll_history(client, wf, started.execute_id)
    assert hist.execute_status == "Success" and hist.run_mode == 2
    assert json.loads(hist.output) == {"Output": '{"output": "GO", "n": 2}', "Note": "echoing go"}
    assert hist.error_code == 0 and hist.debug_url == started.debug_url
    assert hist.node_execute_status is not None
    note = hist.node_execute_status["Note"]
    assert note.is_finish and note.node_id == "note"
    node = await run(
        client.workflows.runs.run_histories.execute_nodes.retrieve(
            workflow_id=wf, execute_id=started.execute_id, node_execute_uuid=note.node_execute_uuid
        )
    )
    assert node.is_finish and node.node_output == "echoing go"


async def test_stream_interrupts_and_stream_resume_finishes(client: Client, load: Loader) -> None:
    wf = load(WEATHER)
    events = await collect(
        await run(client.workflows.runs.stream(workflow_id=wf, parameters={"city": "Oslo"}))
    )
    assert [e.event for e in events] == [WorkflowEventType.MESSAGE, WorkflowEventType.INTERRUPT]
    assert [e.id for e in events] == [0, 1]
    assert events[0].message.content == "Which day in Oslo?" and events[0].message.node_is_finish
    interrupt = events[1].interrupt
    assert interrupt.node_title == "Question" and interrupt.interrupt_data.type == 2
    resumed = await collect(
        await run(
            client.workflows.runs.resume(
                workflow_id=wf,
                event_id=interrupt.interrupt_data.event_id,
                resume_data="Monday",
                interrupt_type=interrupt.interrupt_data.type,
            )
        )
    )
    assert resumed[0].id == 0 and resumed[-1].event == WorkflowEventType.DONE
    assert "".join(e.message.content for e in resumed if e.message and e.message.node_title == "Report") == (
        "Oslo on Monday: sunny"
    )
    assert resumed[-1].debug_url


async def test_sync_run_interrupt_then_non_stream_resume(client: Client, load: Loader) -> None:
    wf = load(WEATHER)
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
    assert done.parsed_data == {"output": "Rome on Friday: sunny"}
    assert done.execute_id == first.execute_id
    with pytest.raises(CozeAPIError) as again:
        await run(
            client.workflows.runs.resume(
                workflow_id=wf,
                event_id=first.interrupt_data.event_id,
                resume_data="x",
                interrupt_type=2,
                stream=False,
            )
        )
    assert again.value.code == 4315


async def test_stream_until_done_answers_through_the_callback(client: Client, load: Loader) -> None:
    wf = load(WEATHER)
    completion = await run(
        client.workflows.runs.stream_until_done(
            workflow_id=wf, parameters={"city": "Kyiv"}, on_interrupt=lambda event: "Sunday"
        )
    )
    assert completion.resumes == 1
    assert json.loads(completion.output) == {"output": "Kyiv on Sunday: sunny"}


async def test_failing_node_gives_an_error_event_and_a_failed_history(client: Client, load: Loader) -> None:
    wf = load(FAILING)
    events = await collect(await run(client.workflows.runs.stream(workflow_id=wf)))
    assert events[-1].event == WorkflowEventType.ERROR
    assert events[-1].error.error_code == 720701013 and "Boom" in events[-1].error.error_message
    assert [e.event for e in events[:-1]] == [WorkflowEventType.MESSAGE] * (len(events) - 1)
    with pytest.raises(CozeAPIError) as sync_fail:
        await run(client.workflows.runs.create(workflow_id=wf))
    assert sync_fail.value.code == 720701013
    started = await run(client.workflows.runs.create(workflow_id=wf, is_async=True))
    hist = await poll_history(client, wf, started.execute_id)
    assert hist.execute_status == "Fail" and hist.error_code == 720701013
    assert "ZeroDivisionError" in hist.error_message


async def test_unknown_workflows_and_bad_parameters_get_coze_codes(client: Client, load: Loader) -> None:
    with pytest.raises(NotFoundError) as missing:
        await run(client.workflows.runs.create(workflow_id="7000000000000009999"))
    assert missing.value.code == 4200
    with pytest.raises(NotFoundError):
        await collect(await run(client.workflows.runs.stream(workflow_id="7000000000000009999")))
    wf = load(ECHO)
    with pytest.raises(BadRequestError) as bad:
        await run(client.workflows.runs.create(workflow_id=wf, parameters={"times": 1}))
    assert bad.value.code == 4000 and "text" in bad.value.msg
    with pytest.raises(CozeAPIError) as unknown_run:
        await run(client.workflows.runs.run_histories.retrieve(workflow_id=wf, execute_id="123"))
    assert unknown_run.value.code == 4314


async def test_async_runs_need_a_premium_plan(client: Client, load: Loader, emu: ThreadedEmulator) -> None:
    wf = load(ECHO)
    emu.control.workflow_settings(premium=False)
    with pytest.raises(CozeAPIError) as free:
        await run(client.workflows.runs.create(workflow_id=wf, parameters={"text": "a"}, is_async=True))
    assert free.value.code == 6003


async def test_catalogue_list_info_and_versions(client: Client, load: Loader, emu: ThreadedEmulator) -> None:
    wf = load(WEATHER)
    load({**WEATHER, "description": "second version"})
    load(ECHO)
    emu.control.create_workflow({**ECHO, "name": "draft only"}, publish=False)
    items = await collect(await run(client.workflows.list(workspace_id=emu.workspace_id, page_size=1)))
    assert sorted(i.workflow_name for i in items) == ["echo", "weather"]
    info = await run(client.workflows.retrieve(workflow_id=wf, include_input_output=True))
    assert info.workflow_detail.workflow_id == wf and info.workflow_detail.description == "second version"
    assert info.input.parameters["city"].required is True
    assert info.output.terminate_plan == "return_variables"
    versions = await collect(await run(client.workflows.versions.list(workflow_id=wf, page_size=1)))
    assert [v.version for v in versions] == ["v0.0.2", "v0.0.1"]
    assert [v.description for v in versions] == [
        "second version",
        "Asks for a day, then reports the weather.",
    ]
    with pytest.raises(NotFoundError):
        await run(client.workflows.retrieve(workflow_id="7000000000000009999"))


async def test_ping_events_keep_a_slow_stream_alive(
    client: Client, load: Loader, emu: ThreadedEmulator
) -> None:
    emu.control.workflow_settings(ping_interval=0.02)
    slow: Any = {
        "name": "slow",
        "nodes": [
            {"id": "start", "type": "start"},
            {"id": "end", "type": "end", "outputs": {"o": 1}, "delay_ms": 150},
        ],
    }
    events = await collect(await run(client.workflows.runs.stream(workflow_id=load(slow))))
    kinds = [e.event for e in events]
    assert WorkflowEventType.PING in kinds and kinds[-1] == WorkflowEventType.DONE
    assert [e.id for e in events] == list(range(len(events)))


async def test_async_run_with_a_question_resumes_asynchronously(client: Client, load: Loader) -> None:
    wf = load(WEATHER)
    started = await run(
        client.workflows.runs.create(workflow_id=wf, parameters={"city": "Pisa"}, is_async=True)
    )
    waiting = await poll_history(client, wf, started.execute_id)
    assert waiting.execute_status == "Running" and waiting.interrupt_data is not None
    resumed = await run(
        client.workflows.runs.resume(
            workflow_id=wf,
            event_id=waiting.interrupt_data.event_id,
            resume_data="May 1",
            interrupt_type=2,
            stream=False,
        )
    )
    assert resumed.execute_id == started.execute_id and not resumed.data  # async: answered at once
    done = await poll_history(client, wf, started.execute_id)
    assert done.execute_status == "Success"
    assert json.loads(json.loads(done.output)["Output"]) == {"output": "Pisa on May 1: sunny"}


async def test_long_outputs_are_trimmed_in_history_but_whole_by_node(
    client: Client, load: Loader, emu: ThreadedEmulator
) -> None:
    emu.control.workflow_settings(trim_bytes=64)
    wf = load(ECHO)
    started = await run(
        client.workflows.runs.create(workflow_id=wf, parameters={"text": "x" * 200}, is_async=True)
    )
    hist = await poll_history(client, wf, started.execute_id)
    assert hist.is_output_trimmed and len(hist.output.encode()) <= 64
    note = hist.node_execute_status["Note"]
    node = await run(
        client.workflows.runs.run_histories.execute_nodes.retrieve(
            workflow_id=wf, execute_id=started.execute_id, node_execute_uuid=note.node_execute_uuid
        )
    )
    assert node.node_output == "echoing " + "x" * 200


async def test_input_node_answered_with_a_mapping_by_stream_until_done(client: Client, load: Loader) -> None:
    trip: Any = {
        "name": "trip",
        "nodes": [
            {"id": "start", "type": "start"},
            {
                "id": "form",
                "type": "input",
                "inputs": {"city": {"type": "string", "required": True}, "days": "integer"},
            },
            {"id": "end", "type": "end", "answer": "{{form.days}} days in {{form.city}}"},
        ],
    }
    seen: List[Any] = []

    def answer(event: Any) -> Any:
        seen.append(event.interrupt.interrupt_data)
        return {"city": "Lhasa", "days": 4}

    completion = await run(
        client.workflows.runs.stream_until_done(workflow_id=load(trip), on_interrupt=answer)
    )
    assert "".join(m.content for m in completion.messages if m.node_title == "End") == "4 days in Lhasa"
    assert seen[0].type == 5 and seen[0].required_parameters["city"].required is True
