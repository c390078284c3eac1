"""`runs.stream_until_done`: interrupts answered through a callback, resumed until Done; errors."""

from __future__ import annotations

import asyncio
import json
from typing import Any, List

import httpx
import pytest

from cozekit import CozeAPIError, CozeError, NotFoundError, WorkflowEvent, WorkflowEventType
from fake_server import FakeServer, envelope

from .wf_fakes import DEBUG, DONE, WF, interrupt, message, sse

RUN = ("POST", "/v1/workflow/stream_run")
RESUME = ("POST", "/v1/workflow/stream_resume")


def two_questions() -> FakeServer:
    return FakeServer(
        routes={
            RUN: sse(("PING", "{}"), message("哪个城市?", title="问答"), interrupt("e/1", 2)),
            RESUME: [
                sse(message("哪一天?", title="问答"), interrupt("e/2", 5)),
                sse(message('{"output":"杭州 小雨"}'), ("Done", {"debug_url": DEBUG})),
            ],
        }
    )


def test_sync_loop_answers_each_interrupt_and_resumes_until_done() -> None:
    fake = two_questions()
    asked: List[str] = []
    seen: List[str] = []

    def answer(event: WorkflowEvent) -> Any:
        asked.append(event.interrupt.interrupt_data.event_id)
        return "杭州" if len(asked) == 1 else {"date": "2024-08-20"}

    done = fake.sync().workflows.runs.stream_until_done(
        workflow_id=WF, parameters={"q": "天气"}, on_interrupt=answer, on_event=lambda e: seen.append(e.event)
    )
    assert asked == ["e/1", "e/2"]
    assert [r.url.path for r in fake.requests] == [
        "/v1/workflow/stream_run",
        "/v1/workflow/stream_resume",
        "/v1/workflow/stream_resume",
    ]
    assert fake.body(0) == {"workflow_id": WF, "parameters": {"q": "天气"}}
    assert fake.body(1) == {"workflow_id": WF, "event_id": "e/1", "resume_data": "杭州", "interrupt_type": 2}
    assert fake.body(2)["interrupt_type"] == 5
    assert json.loads(fake.body(2)["resume_data"]) == {"date": "2024-08-20"}
    assert done.resumes == 2
    assert done.output == '{"output":"杭州 小雨"}' and done.parsed_output == {"output": "杭州 小雨"}
    assert done.debug_url == DEBUG
    assert len(done.interrupts) == 2 and len(done.messages) == 3
    assert WorkflowEventType.PING not in [e.event for e in done.events]  # recorded without PINGs...
    assert seen[0] == "PING" and seen[-1] == "Done"  # ...but on_event sees everything


async def test_async_loop_accepts_coroutine_callbacks() -> None:
    fake = two_questions()
    seen: List[str] = []

    async def answer(event: WorkflowEvent) -> str:
        await asyncio.sleep(0)
        return f"answer to {event.interrupt.interrupt_data.event_id}"

    async def watch(event: WorkflowEvent) -> None:
        seen.append(event.event)

    done = await fake.asyn().workflows.runs.stream_until_done(
        workflow_id=WF, on_interrupt=answer, on_event=watch
    )
    assert done.resumes == 2 and done.debug_url == DEBUG
    assert fake.body(2)["resume_data"] == "answer to e/2"
    assert seen.count("Interrupt") == 2


def test_a_run_without_interrupts_never_calls_back() -> None:
    fake = FakeServer(routes={RUN: sse(message("x"), DONE)})

    def never(event: WorkflowEvent) -> str:
        raise AssertionError("no interrupt expected")

    done = fake.sync().workflows.runs.stream_until_done(workflow_id=WF, on_interrupt=never)
    assert done.resumes == 0 and done.output == "x" and len(fake.requests) == 1


async def test_an_error_event_raises_its_typed_error(mode: str) -> None:
    fake = FakeServer(
        routes={
            RUN: sse(message("q"), interrupt("e/1")),
            RESUME: sse(("Error", {"error_code": 4200, "error_message": "workflow not found"})),
        }
    )
    with pytest.raises(NotFoundError) as caught:
        await fake.run(
            mode, lambda c: c.workflows.runs.stream_until_done(workflow_id=WF, on_interrupt=lambda e: "a")
        )
    assert caught.value.code == 4200 and caught.value.logid == "stream-logid"


def test_a_resume_rejected_as_finished_raises_4315() -> None:
    fake = FakeServer(
        routes={
            RUN: sse(interrupt("e/1")),
            RESUME: envelope(code=4315, msg="execution already finished"),
        }
    )
    with pytest.raises(CozeAPIError) as caught:
        fake.sync().workflows.runs.stream_until_done(workflow_id=WF, on_interrupt=lambda e: "a")
    assert caught.value.code == 4315


def test_too_many_interrupts_stop_the_loop() -> None:
    fake = FakeServer(routes={RUN: sse(interrupt("e/0")), RESUME: sse(interrupt("e/again"))})
    with pytest.raises(CozeError, match="after 2 resumes"):
        fake.sync().workflows.runs.stream_until_done(
            workflow_id=WF, on_interrupt=lambda e: "?", max_resumes=2
        )
    assert len(fake.requests) == 3


def test_sync_client_refuses_a_coroutine_callback() -> None:
    fake = FakeServer(routes={RUN: sse(interrupt("e/0"))})

    async def answer(event: WorkflowEvent) -> str:
        return "x"

    with pytest.raises(TypeError, match="AsyncCoze"):
        fake.sync().workflows.runs.stream_until_done(workflow_id=WF, on_interrupt=answer)


def test_a_callback_answer_that_is_not_text_or_mapping_is_refused() -> None:
    fake = FakeServer(routes={RUN: sse(interrupt("e/0"))})
    with pytest.raises(TypeError):
        fake.sync().workflows.runs.stream_until_done(workflow_id=WF, on_interrupt=lambda e: 42)
    assert len(fake.requests) == 1


def test_a_stream_cut_short_surfaces_as_a_connection_error() -> None:
    from cozekit import APIConnectionError

    fake = FakeServer(routes={RUN: sse(message("a", finish=False))})
    with pytest.raises(APIConnectionError):
        fake.sync().workflows.runs.stream_until_done(workflow_id=WF, on_interrupt=lambda e: "x")


def test_max_resumes_must_not_be_negative() -> None:
    with pytest.raises(ValueError):
        FakeServer().sync().workflows.runs.stream_until_done(workflow_id=WF, on_interrupt=str, max_resumes=-1)


def test_resume_answers_keep_unicode() -> None:
    fake = FakeServer(routes={RUN: sse(interrupt("e/0")), RESUME: sse(DONE)})
    fake.sync().workflows.runs.stream_until_done(workflow_id=WF, on_interrupt=lambda e: {"城市": "杭州"})
    assert '"城市": "杭州"' in fake.body(1)["resume_data"]
    assert isinstance(fake.requests[1], httpx.Request)
