"""The official `cozepy` client, unchanged, runs, streams and resumes workflows against the emulator."""

from __future__ import annotations

import json
import time
from typing import Any, List

import pytest
from cozepy import (
    AsyncCoze,
    AsyncTokenAuth,
    ChatEventType,
    Coze,
    CozeAPIError,
    Message,
    TokenAuth,
    WorkflowEventType,
    WorkflowExecuteStatus,
)

from cozekit.emulator import ThreadedEmulator

from .conftest import Loader
from .defs import ASKING_CHATFLOW, CHATFLOW, ECHO, FAILING, WEATHER


@pytest.fixture
def coze(emu: ThreadedEmulator) -> Coze:
    return Coze(auth=TokenAuth(emu.token), base_url=emu.base_url)


def test_run_sync_and_async_with_run_history(coze: Coze, load: Loader) -> None:
    wf = load(ECHO)
    result = coze.workflows.runs.create(workflow_id=wf, parameters={"text": "py"})
    assert json.loads(result.data) == {"output": "PY", "n": 2}
    assert result.debug_url
    started = coze.workflows.runs.create(workflow_id=wf, parameters={"text": "bg"}, is_async=True)
    assert started.execute_id
    deadline = time.monotonic() + 5
    while True:  # hang guard only
        hist = coze.workflows.runs.run_histories.retrieve(workflow_id=wf, execute_id=started.execute_id)
        if hist.execute_status != WorkflowExecuteStatus.RUNNING or time.monotonic() > deadline:
            break
        time.sleep(0.01)
    assert hist.execute_status == WorkflowExecuteStatus.SUCCESS
    assert json.loads(hist.output)["Note"] == "echoing bg"
    assert hist.error_code == 0


def test_stream_and_resume_a_question(coze: Coze, load: Loader) -> None:
    wf = load(WEATHER)
    events = list(coze.workflows.runs.stream(workflow_id=wf, parameters={"city": "Lima"}))
    assert [e.event for e in events] == [WorkflowEventType.MESSAGE, WorkflowEventType.INTERRUPT]
    interrupt = events[1].interrupt
    assert interrupt is not None and interrupt.node_title == "Question"
    resumed = list(
        coze.workflows.runs.resume(
            workflow_id=wf,
            event_id=interrupt.interrupt_data.event_id,
            resume_data="Tuesday",
            interrupt_type=interrupt.interrupt_data.type,
        )
    )
    assert {e.event for e in resumed} == {WorkflowEventType.MESSAGE}  # cozepy swallows Done
    assert resumed[-1].message is not None and resumed[-1].message.node_title == "End"
    text = "".join(e.message.content for e in resumed if e.message and e.message.node_title == "Report")
    assert text == "Lima on Tuesday: sunny"


def test_errors_reach_cozepy(coze: Coze, load: Loader) -> None:
    events = list(coze.workflows.runs.stream(workflow_id=load(FAILING)))
    assert events[-1].event == WorkflowEventType.ERROR
    assert events[-1].error is not None and events[-1].error.error_code == 720701013
    with pytest.raises(CozeAPIError) as missing:
        coze.workflows.runs.create(workflow_id="7000000000000009999")
    assert missing.value.code == 4200


def test_catalogue_and_chatflow(coze: Coze, load: Loader, emu: ThreadedEmulator) -> None:
    wf = load(WEATHER)
    chatflow = load(CHATFLOW)
    names = sorted(w.workflow_name for w in coze.workflows.list(workspace_id=emu.workspace_id).items)
    assert names == ["helpdesk", "weather"]
    info = coze.workflows.retrieve(workflow_id=wf, include_input_output=True)
    assert info.workflow_detail.workflow_name == "weather"
    assert [v.version for v in coze.workflows.versions.list(workflow_id=wf).items] == ["v0.0.1"]
    events = list(
        coze.workflows.chat.stream(
            workflow_id=chatflow, additional_messages=[Message.build_user_question_text("hello")]
        )
    )
    text = "".join(
        e.message.content for e in events if e.event == ChatEventType.CONVERSATION_MESSAGE_DELTA and e.message
    )
    assert text == "Helpdesk (turn 1) heard: hello"
    assert events[-1].event == ChatEventType.CONVERSATION_CHAT_COMPLETED


async def test_async_client_streams_and_resumes(emu: ThreadedEmulator, load: Loader) -> None:
    wf = load(WEATHER)
    coze = AsyncCoze(auth=AsyncTokenAuth(emu.token), base_url=emu.base_url)
    events: List[Any] = [
        e async for e in coze.workflows.runs.stream(workflow_id=wf, parameters={"city": "Baku"})
    ]
    interrupt = events[-1].interrupt
    assert interrupt is not None
    resumed = [
        e
        async for e in coze.workflows.runs.resume(
            workflow_id=wf, event_id=interrupt.interrupt_data.event_id, resume_data="today", interrupt_type=2
        )
    ]
    assert resumed[-1].message is not None and resumed[-1].message.node_title == "End"
    assert any(e.message and e.message.content.startswith("Baku") for e in resumed)


def test_cozepy_chatflow_question_then_answer(coze: Coze, load: Loader) -> None:
    wf = load(ASKING_CHATFLOW)
    first = list(
        coze.workflows.chat.stream(
            workflow_id=wf, additional_messages=[Message.build_user_question_text("dinner")]
        )
    )
    assert first[-1].event == ChatEventType.CONVERSATION_CHAT_REQUIRES_ACTION
    conv = first[-1].chat.conversation_id
    second = list(
        coze.workflows.chat.stream(
            workflow_id=wf, conversation_id=conv, additional_messages=[Message.build_user_question_text("2")]
        )
    )
    text = "".join(
        e.message.content for e in second if e.event == ChatEventType.CONVERSATION_MESSAGE_DELTA and e.message
    )
    assert text == "Booked for 2 (dinner)."
