"""Coze's workflow error codes through the SDK (HTTP 200 + code, or an error status)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from cozekit import BadRequestError, CozeAPIError, InternalServerError, NotFoundError
from fake_server import FakeServer, envelope

from .wf_fakes import DEBUG, EXEC, WF

RUN = ("POST", "/v1/workflow/run")


async def test_unknown_workflow_is_not_found_4200(mode: str) -> None:
    fake = FakeServer(
        routes={RUN: envelope(code=4200, msg="Requested resource workflow_id=1 does not exist")}
    )
    with pytest.raises(NotFoundError) as caught:
        await fake.run(mode, lambda c: c.workflows.runs.create(workflow_id=WF))
    assert caught.value.code == 4200 and caught.value.status_code == 200
    assert caught.value.logid == "logid-1"


def test_async_run_on_a_free_plan_is_6003() -> None:
    msg = (
        "Workflow execution with is_async=true is a premium feature available only to Coze Professional users"
    )
    fake = FakeServer(routes={RUN: envelope(code=6003, msg=msg)})
    with pytest.raises(CozeAPIError) as caught:
        fake.sync().workflows.runs.create(workflow_id=WF, is_async=True)
    assert caught.value.code == 6003 and "premium" in caught.value.msg


def test_an_error_answer_keeps_its_debug_url() -> None:
    fake = FakeServer(routes={RUN: envelope(code=720701013, msg="server issue", debug_url=DEBUG)})
    with pytest.raises(CozeAPIError) as caught:
        fake.sync().workflows.runs.create(workflow_id=WF)
    assert caught.value.debug_url == DEBUG


def test_unknown_execute_id_in_run_history_is_4314() -> None:
    fake = FakeServer(
        routes={
            ("GET", f"/v1/workflows/{WF}/run_histories/{EXEC}"): envelope(code=4314, msg="未找到执行记录")
        }
    )
    with pytest.raises(CozeAPIError) as caught:
        fake.sync().workflows.runs.run_histories.retrieve(workflow_id=WF, execute_id=EXEC)
    assert caught.value.code == 4314


@pytest.mark.parametrize("stream", [True, False])
def test_resuming_a_finished_run_is_4315(stream: bool) -> None:
    path = "/v1/workflow/stream_resume" if stream else "/v1/workflows/resume"
    fake = FakeServer(routes={("POST", path): envelope(code=4315, msg="执行已结束")})
    kwargs: Any = {"workflow_id": WF, "event_id": "1/2", "resume_data": "x", "interrupt_type": 2}
    with pytest.raises(CozeAPIError) as caught:
        fake.sync().workflows.runs.resume(stream=stream, **kwargs)
    assert caught.value.code == 4315


def test_bad_parameters_are_4000() -> None:
    fake = FakeServer(routes={RUN: envelope(code=4000, msg="Request parameter error", status=400)})
    with pytest.raises(BadRequestError):
        fake.sync().workflows.runs.create(workflow_id=WF, parameters={"x": 1})


def test_a_run_is_not_resent_after_a_server_error() -> None:
    # The server may have started the run: a POST run is not idempotent, so no retry.
    fake = FakeServer(routes={RUN: httpx.Response(500, json={"code": 5000, "msg": "internal"})})
    with pytest.raises(InternalServerError):
        fake.sync().workflows.runs.create(workflow_id=WF)
    assert len(fake.requests) == 1


def test_reads_are_retried_after_a_server_error() -> None:
    answers = [
        httpx.Response(502, text="bad gateway"),
        envelope(data={"workflow_detail": {"workflow_id": "w"}}),
    ]
    fake = FakeServer(routes={("GET", "/v1/workflows/w"): answers})
    assert fake.sync().workflows.retrieve(workflow_id="w").workflow_detail.workflow_id == "w"
    assert len(fake.requests) == 2
