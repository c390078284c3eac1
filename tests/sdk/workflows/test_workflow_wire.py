"""Wire format of every workflow endpoint (method, path, query, body) and each response envelope."""

from __future__ import annotations

from typing import Any

import pytest

import cozekit
from cozekit import (
    APIResponseValidationError,
    WorkflowExecuteStatus,
    WorkflowInterruptType,
    WorkflowRunMode,
    WorkflowTerminatePlan,
)
from fake_server import BASE, FakeServer, envelope

from .wf_fakes import DEBUG, DONE, EXEC, WF, message, sse

MODES = ["sync", "async"]


RUN_OK = envelope(
    data='{"output":"北京的经度为116.4074°E"}',
    debug_url=DEBUG,
    usage={"input_count": 50, "token_count": 150, "output_count": 100},
)


@pytest.mark.parametrize("mode", MODES)
async def test_run_create_sends_parameters_as_an_object_and_reads_the_body_envelope(mode: str) -> None:
    fake = FakeServer(routes={("POST", "/v1/workflow/run"): RUN_OK})
    result = await fake.run(
        mode,
        lambda c: c.workflows.runs.create(
            workflow_id=WF,
            parameters={"city": "北京", "n": 2, "mode": WorkflowRunMode.ASYNCHRONOUS, "none": None},
            bot_id="bot1",
            ext={"user_id": "u1"},
            workflow_version="v0.0.5",
            connector_id="1024",
        ),
    )
    req = fake.last
    assert (req.method, req.url.path, req.url.query) == ("POST", "/v1/workflow/run", b"")
    assert fake.body() == {
        "workflow_id": WF,
        "parameters": {"city": "北京", "n": 2, "mode": 2, "none": None},
        "bot_id": "bot1",
        "ext": {"user_id": "u1"},
        "workflow_version": "v0.0.5",
        "connector_id": "1024",
        "is_async": False,
    }
    assert result.data == '{"output":"北京的经度为116.4074°E"}'
    assert result.parsed_data == {"output": "北京的经度为116.4074°E"}
    assert result.debug_url == DEBUG
    assert result.usage.token_count == 150 and result.usage.input_count == 50
    assert result.interrupt_data is None
    assert result.logid == "logid-1"


@pytest.mark.parametrize("mode", MODES)
async def test_run_create_async_returns_the_execute_id_even_without_code(mode: str) -> None:
    # The documented async example has no `code`.
    import httpx

    answer = httpx.Response(200, json={"debug_url": DEBUG, "execute_id": EXEC, "msg": ""})
    fake = FakeServer(routes={("POST", "/v1/workflow/run"): answer})
    result = await fake.run(mode, lambda c: c.workflows.runs.create(workflow_id=WF, is_async=True))
    assert fake.body() == {"workflow_id": WF, "is_async": True}
    assert result.execute_id == EXEC
    assert result.data == "" and result.parsed_data is None


def test_run_result_keeps_non_json_data_raw() -> None:
    fake = FakeServer(
        routes={("POST", "/v1/workflow/run"): envelope(data="plain text, not JSON", debug_url=DEBUG)}
    )
    result = fake.sync().workflows.runs.create(workflow_id=WF)
    assert result.data == "plain text, not JSON"
    assert result.parsed_data is None


def test_parameters_given_as_json_text_are_sent_as_an_object() -> None:
    fake = FakeServer(routes={("POST", "/v1/workflow/run"): RUN_OK})
    fake.sync().workflows.runs.create(workflow_id=WF, parameters='{"image": "{\\"file_id\\":\\"1\\"}"}')
    assert fake.body()["parameters"] == {"image": '{"file_id":"1"}'}


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"workflow_id": ""}, ValueError),
        ({"workflow_id": WF, "parameters": "not json"}, ValueError),
        ({"workflow_id": WF, "parameters": "[1, 2]"}, ValueError),
        ({"workflow_id": WF, "parameters": [1, 2]}, TypeError),
        ({"workflow_id": WF, "bot_id": "b", "app_id": "a"}, ValueError),
    ],
)
def test_bad_run_arguments_fail_before_any_request(kwargs: Any, error: type) -> None:
    fake = FakeServer(routes={("POST", "/v1/workflow/run"): RUN_OK})
    with pytest.raises(error):
        fake.sync().workflows.runs.create(**kwargs)
    assert fake.requests == []


def test_run_create_reads_interrupt_data() -> None:
    interrupt_data = {
        "data": '{"content_type":"text","content":"请输入您的姓名"}',
        "type": 2,
        "event_id": "740483198820252/1",
        "required_parameters": {"name": {"type": "string", "required": True}},
    }
    fake = FakeServer(
        routes={
            ("POST", "/v1/workflow/run"): envelope(
                debug_url=DEBUG, interrupt_data=interrupt_data, execute_id=EXEC
            )
        }
    )
    result = fake.sync().workflows.runs.create(workflow_id=WF)
    data = result.interrupt_data
    assert data.type is WorkflowInterruptType.QUESTION
    assert data.event_id == "740483198820252/1"
    assert data.parsed_data == {"content_type": "text", "content": "请输入您的姓名"}
    assert data.required_parameters["name"].required is True


@pytest.mark.parametrize("mode", MODES)
async def test_stream_run_posts_to_stream_run_without_is_async(mode: str) -> None:
    fake = FakeServer(routes={("POST", "/v1/workflow/stream_run"): sse(message("hi"), DONE)})
    events = await fake.collect(
        mode, lambda c: c.workflows.runs.stream(workflow_id=WF, parameters={"q": "x"}, app_id="app1")
    )
    assert fake.last.url.path == "/v1/workflow/stream_run"
    assert fake.body() == {"workflow_id": WF, "parameters": {"q": "x"}, "app_id": "app1"}
    assert [e.event for e in events] == ["Message", "Done"]


@pytest.mark.parametrize("mode", MODES)
async def test_resume_streams_by_default_to_stream_resume(mode: str) -> None:
    fake = FakeServer(routes={("POST", "/v1/workflow/stream_resume"): sse(message("ok"), DONE)})
    events = await fake.collect(
        mode,
        lambda c: c.workflows.runs.resume(
            workflow_id=WF, event_id="1/2", resume_data={"file_id": "99"}, interrupt_type=5
        ),
    )
    assert fake.body() == {
        "workflow_id": WF,
        "event_id": "1/2",
        "resume_data": '{"file_id": "99"}',
        "interrupt_type": 5,
    }
    assert events[0].message.content == "ok"


@pytest.mark.parametrize("mode", MODES)
async def test_resume_without_stream_uses_the_plural_path_and_the_body_envelope(mode: str) -> None:
    answer = envelope(data='{"output":"杭州"}', debug_url=DEBUG, usage={"token_count": 3})
    fake = FakeServer(routes={("POST", "/v1/workflows/resume"): answer})
    result = await fake.run(
        mode,
        lambda c: c.workflows.runs.resume(
            workflow_id=WF, event_id="1/2", resume_data="杭州", interrupt_type=2, stream=False
        ),
    )
    assert fake.last.url.path == "/v1/workflows/resume"
    assert fake.body()["resume_data"] == "杭州"
    assert result.parsed_data == {"output": "杭州"}


@pytest.mark.parametrize("bad", [{"interrupt_type": True}, {"interrupt_type": "2"}, {"event_id": ""}])
def test_bad_resume_arguments_fail_before_any_request(bad: Any) -> None:
    fake = FakeServer()
    kwargs = {"workflow_id": WF, "event_id": "1/2", "resume_data": "x", "interrupt_type": 2, **bad}
    with pytest.raises((TypeError, ValueError)):
        fake.sync().workflows.runs.resume(**kwargs)
    assert fake.requests == []


HISTORY = {
    "update_time": 1730174065,
    "usage": {"input_count": 50, "token_count": 150, "output_count": 100},
    "output": '{"Output":"{\\"data\\":\\"来找姐姐有什么事呀\\"}"}',
    "bot_id": "0",
    "token": "0",
    "execute_status": "Success",
    "connector_uid": "2236",
    "run_mode": 2,
    "connector_id": "1024",
    "logid": "20241029115423ED85C3401395715F726E",
    "debug_url": DEBUG,
    "error_code": "",
    "error_message": "",
    "execute_id": EXEC,
    "create_time": "1730174063",
    "is_output_trimmed": False,
    "node_execute_status": {
        "Output_1": {
            "node_id": "n1",
            "is_finish": True,
            "update_time": 1730174064,
            "node_execute_uuid": "u-1",
        }
    },
}


@pytest.mark.parametrize("mode", MODES)
async def test_run_history_reads_the_single_record_of_its_array(mode: str) -> None:
    fake = FakeServer(routes={("GET", f"/v1/workflows/{WF}/run_histories/{EXEC}"): envelope(data=[HISTORY])})
    record = await fake.run(
        mode, lambda c: c.workflows.runs.run_histories.retrieve(workflow_id=WF, execute_id=EXEC)
    )
    assert fake.last.method == "GET" and fake.last.content == b""
    assert record.execute_status is WorkflowExecuteStatus.SUCCESS
    assert record.error_code == 0
    assert record.run_mode is WorkflowRunMode.ASYNCHRONOUS
    assert record.create_time == 1730174063
    assert record.parsed_output == {"Output": '{"data":"来找姐姐有什么事呀"}'}
    assert record.node_execute_status["Output_1"].node_execute_uuid == "u-1"
    assert record.logid == "20241029115423ED85C3401395715F726E"
    assert record.response is not None and record.response.logid == "logid-1"


def test_run_history_of_a_failed_run_keeps_its_error_code() -> None:
    failed = {**HISTORY, "execute_status": "Fail", "error_code": "720701013", "error_message": "boom"}
    fake = FakeServer(routes={("GET", f"/v1/workflows/{WF}/run_histories/{EXEC}"): envelope(data=[failed])})
    record = fake.sync().workflows.runs.run_histories.retrieve(workflow_id=WF, execute_id=EXEC)
    assert record.execute_status is WorkflowExecuteStatus.FAIL
    assert (record.error_code, record.error_message) == (720701013, "boom")


def test_run_history_with_no_record_is_a_validation_error() -> None:
    fake = FakeServer(routes={("GET", f"/v1/workflows/{WF}/run_histories/{EXEC}"): envelope(data=[])})
    with pytest.raises(APIResponseValidationError):
        fake.sync().workflows.runs.run_histories.retrieve(workflow_id=WF, execute_id=EXEC)


@pytest.mark.parametrize("mode", MODES)
async def test_node_output_retrieval(mode: str) -> None:
    url = f"/v1/workflows/{WF}/run_histories/{EXEC}/execute_nodes/u-1"
    fake = FakeServer(
        routes={("GET", url): envelope(data={"is_finish": True, "node_output": "0《零的奇妙冒险》"})}
    )
    node = await fake.run(
        mode,
        lambda c: c.workflows.runs.run_histories.execute_nodes.retrieve(
            workflow_id=WF, execute_id=EXEC, node_execute_uuid="u-1"
        ),
    )
    assert fake.last.url.path == url
    assert node.is_finish is True and node.node_output.startswith("0《")


def test_path_ids_are_encoded_and_checked() -> None:
    fake = FakeServer(routes={("GET", f"/v1/workflows/{WF}/run_histories/a%2Fb"): envelope(data=[HISTORY])})
    fake.sync().workflows.runs.run_histories.retrieve(workflow_id=WF, execute_id="a/b")
    assert fake.last.url.raw_path == f"/v1/workflows/{WF}/run_histories/a%2Fb".encode()
    with pytest.raises(ValueError):
        fake.sync().workflows.runs.run_histories.retrieve(workflow_id=WF, execute_id="..")
    with pytest.raises(ValueError):
        fake.sync().workflows.retrieve(workflow_id=" ")


def _basic(i: int) -> Any:
    return {
        "workflow_id": f"wf{i}",
        "workflow_name": f"name{i}",
        "description": "",
        "icon_url": "https://x/icon.png",
        "app_id": "0",
        "created_at": "1752060786",
        "updated_at": 1752060827,
        "creator": {"id": "26150", "name": "alan"},
    }


@pytest.mark.parametrize("mode", MODES)
async def test_list_pages_by_number_and_clamps_page_size_to_30(mode: str) -> None:
    pages = [
        envelope(data={"items": [_basic(1), _basic(2)], "has_more": True}),
        envelope(data={"items": [_basic(3)], "has_more": False}),
    ]
    fake = FakeServer(routes={("GET", "/v1/workflows"): pages})
    items = await fake.collect(
        mode,
        lambda c: c.workflows.list(
            workspace_id="ws1", workflow_mode="chatflow", publish_status="all", page_size=100
        ),
    )
    assert [w.workflow_id for w in items] == ["wf1", "wf2", "wf3"]
    assert fake.query(0) == {
        "workspace_id": "ws1",
        "workflow_mode": "chatflow",
        "publish_status": "all",
        "page_num": "1",
        "page_size": "30",
    }
    assert fake.query(1)["page_num"] == "2"
    assert items[0].created_at == 1752060786 and items[0].updated_at == 1752060827
    assert items[0].creator.name == "alan"


def test_list_needs_a_workspace() -> None:
    with pytest.raises(ValueError):
        FakeServer().sync().workflows.list(workspace_id="")


@pytest.mark.parametrize("mode", MODES)
async def test_retrieve_reads_detail_input_and_output(mode: str) -> None:
    info = {
        "workflow_detail": {**_basic(1), "created_at": 1747888248},
        "input": {"parameters": {"USER_INPUT": {"type": "string", "required": False}}},
        "output": {
            "parameters": {"arr": {"type": "array", "items": {"type": "image"}}},
            "terminate_plan": "use_answer_content",
            "content": "数量为{{arr}}",
        },
    }
    fake = FakeServer(routes={("GET", "/v1/workflows/wf1"): envelope(data=info)})
    result = await fake.run(
        mode, lambda c: c.workflows.retrieve(workflow_id="wf1", include_input_output=True)
    )
    assert fake.query() == {"include_input_output": "true"}
    assert result.workflow_detail.workflow_name == "name1"
    assert result.input.parameters["USER_INPUT"].type == "string"
    assert result.output.terminate_plan is WorkflowTerminatePlan.USE_ANSWER_CONTENT
    assert result.output.parameters["arr"].items.type == "image"


def test_retrieve_sends_no_query_by_default() -> None:
    fake = FakeServer(routes={("GET", "/v1/workflows/wf1"): envelope(data={"workflow_detail": _basic(1)})})
    result = fake.sync().workflows.retrieve(workflow_id="wf1")
    assert fake.last.url.query == b""
    assert result.input is None


@pytest.mark.parametrize("mode", MODES)
async def test_versions_page_by_token(mode: str) -> None:
    version = {
        "workflow_id": WF,
        "version": "v0.0.1",
        "description": "d",
        "created_at": "1755251584",
        "updated_at": "1755251590",
        "creator": {"id": "1", "name": "张三"},
    }
    pages = [
        envelope(data={"items": [version], "has_more": True, "next_page_token": "t2"}),
        envelope(
            data={"items": [{**version, "version": "v0.0.0"}], "has_more": False, "next_page_token": ""}
        ),
    ]
    fake = FakeServer(routes={("GET", f"/v1/workflows/{WF}/versions"): pages})
    items = await fake.collect(
        mode,
        lambda c: c.workflows.versions.list(workflow_id=WF, publish_status="all", include_input_output=False),
    )
    assert [v.version for v in items] == ["v0.0.1", "v0.0.0"]
    assert fake.query(0) == {"publish_status": "all", "page_size": "10", "include_input_output": "false"}
    assert fake.query(1)["page_token"] == "t2"
    assert items[0].created_at == 1755251584


def test_versions_start_token_and_page_size_limits() -> None:
    fake = FakeServer(
        routes={("GET", f"/v1/workflows/{WF}/versions"): envelope(data={"items": [], "has_more": False})}
    )
    list(fake.sync().workflows.versions.list(workflow_id=WF, page_token="t9", page_size=30))
    assert fake.query()["page_token"] == "t9"
    with pytest.raises(ValueError):
        fake.sync().workflows.versions.list(workflow_id=WF, page_size=31)


def test_every_request_is_authenticated_against_the_base_url() -> None:
    fake = FakeServer(routes={("POST", "/v1/workflow/run"): RUN_OK})
    fake.sync().workflows.runs.create(workflow_id=WF)
    assert str(fake.last.url).startswith(BASE)
    assert fake.last.headers["authorization"] == "Bearer pat_test"
    assert fake.last.headers["content-type"] == "application/json"


def test_workflows_are_reachable_from_both_clients() -> None:
    fake = FakeServer()
    assert isinstance(
        fake.sync().workflows.runs.run_histories.execute_nodes, cozekit._resource.SyncAPIResource
    )
    assert isinstance(fake.asyn().workflows.chat, cozekit._resource.AsyncAPIResource)
