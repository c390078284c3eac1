"""Semantics pinned against what Coze Studio's own tests expect of its example canvases (our own
canvases in Coze's format, each reproducing one behaviour; docs/emulator-workflows.md lists the examples
checked)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from cozekit import APIError, WorkflowEventType
from cozekit.emulator import ThreadedEmulator
from cozekit.emulator.core.llm import Text
from sync_or_async import Client, collect, run

from . import build as b
from .build import chain, end_answer, end_vars, node, out, param, ref, start

S = "100001"


def _defaults_canvas() -> dict:
    return chain(
        start(
            out("text", defaultValue="hello"),
            out("items", "list", {"type": "string"}, defaultValue='["x", "y"]'),
            out("obj", "object", [{"name": "a", "type": "string"}], defaultValue='{"a": "1"}'),
            out("flag", "boolean", defaultValue="false"),
            out(
                "img",
                "string",
                assistType=2,
                defaultValue="http://127.0.0.1/f.png?b=2&x-wf-file_name=f.png&a=1",
            ),
        ),
        end_vars(
            param("text", ref(S, "text")),
            param("items", ref(S, "items", "list", {"type": "string"})),
            param("obj", ref(S, "obj", "object", [{"name": "a", "type": "string"}])),
            param("flag", ref(S, "flag", "boolean")),
            param("img", ref(S, "img", assistType=2)),
        ),
    )


async def test_empty_text_lists_and_objects_take_the_start_default(
    client: Client, emu: ThreadedEmulator
) -> None:
    wf = b.load(emu, _defaults_canvas(), "defaults")
    given = {"text": "", "items": "[]", "obj": "{}", "flag": "true"}
    result = await run(client.workflows.runs.create(workflow_id=wf, parameters=given))
    assert result.parsed_data == {
        "text": "hello",
        "items": ["x", "y"],
        "obj": {"a": "1"},
        "flag": True,  # false is a value, not an empty one
        "img": "http://127.0.0.1/f.png?a=1&b=2",  # the editor's file-name parameter is dropped
    }
    result = await run(
        client.workflows.runs.create(workflow_id=wf, parameters={"text": "hi", "items": ["z"]})
    )
    assert result.parsed_data["text"] == "hi" and result.parsed_data["items"] == ["z"]


async def test_a_parameter_not_given_is_null_not_empty(client: Client, emu: ThreadedEmulator) -> None:
    # an aggregator takes the first variable with a value: a start parameter not given has none
    agg = node(
        "300001",
        32,
        "Aggregate",
        inputs={"mergeGroups": [{"name": "Group1", "variables": [ref(S, "maybe"), ref(S, "given")]}]},
        outputs=[out("Group1")],
    )
    raw = chain(
        start(out("maybe"), out("given"), out("items", "list", {"type": "string"})),
        agg,
        end_vars(
            param("picked", ref("300001", "Group1")),
            param("items", ref(S, "items", "list", {"type": "string"})),
        ),
    )
    wf = b.load(emu, raw, "aggregate")
    result = await run(client.workflows.runs.create(workflow_id=wf, parameters={"given": "here"}))
    # a list nobody set is Coze's nil list: null in the end node's variables
    assert result.parsed_data == {"picked": "here", "items": None}


def test_a_node_in_batch_mode_gives_each_item_the_fields_of_output_list() -> None:
    host = b.FakeHost()
    host.models["200001"] = b.Scripted("one", "two")
    batched = node(
        "200001",
        3,
        "LLM",
        inputs={
            "batch": {
                "batchEnable": True,
                "batchSize": 100,
                "concurrentSize": 1,
                "inputLists": [param("item", ref(S, "words", "list", {"type": "string"}))],
            },
            "llmParam": [
                param("prompt", b.lit("say {{item}}")),
                param("responseFormat", b.lit("0", "integer")),
            ],
        },
        params=[param("item", ref("200001", "item"))],
        outputs=[
            out("outputList", "list", {"type": "object", "schema": [{"name": "output", "type": "string"}]})
        ],
    )
    raw = chain(
        start(out("words", "list", {"type": "string"})),
        batched,
        end_vars(param("all", ref("200001", "outputList", "list", {"type": "object"}))),
    )
    assert b.run(raw, {"words": ["a", "b"]}, host) == {"all": [{"output": "one"}, {"output": "two"}]}
    assert [r.query for r in host.models["200001"].requests] == ["say a", "say b"]  # type: ignore[attr-defined]


def test_an_answer_template_renders_a_missing_list_as_empty() -> None:
    raw = chain(
        start(out("items", "list", {"type": "string"})),
        end_answer("items: {{items}}.", param("items", ref(S, "items", "list", {"type": "string"}))),
    )
    assert b.run(raw, {}) == "items: ."


def _mismatched() -> dict:
    return chain(
        start(out("n", "integer"), out("q"), out("rows", "list", {"type": "string"}), out("f", "float")),
        end_answer(
            "{{flag}} {{nums}} {{rows}} {{whole}} {{rows[0].k}}",
            param("flag", ref(S, "n", "boolean")),  # an integer never converts to a boolean: null, then false
            param("nums", ref(S, "q", "list", {"type": "integer"})),  # text that is no JSON list: empty
            param("rows", ref(S, "rows", "list", {"type": "object"})),  # JSON texts parse into objects
            param("whole", ref(S, "f", "integer")),  # a float truncates
        ),
    )


async def test_mismatched_types_load_only_when_asked_and_convert_as_coze_studio(
    client: Client, emu: ThreadedEmulator
) -> None:
    refused = httpx.post(
        f"{emu.base_url}/_emulator/workflows",
        json={"canvas": _mismatched(), "name": "mismatched"},
        timeout=10,
    ).json()
    assert refused["code"] == 4000 and "type mismatch: input flag is declared boolean" in refused["msg"]
    wf = b.load(emu, _mismatched(), "mismatched", strict_types=False)
    params = {"n": 2, "q": "what is it", "rows": ['{"k":1}'], "f": "3.5"}
    result = await run(client.workflows.runs.create(workflow_id=wf, parameters=params))
    assert result.data == 'false [] [{"k":1}] 3 1'


def _signup() -> dict:
    ask = node(
        "180001",
        18,
        "Sign up",
        inputs={"question": "Your name and age?", "answer_type": "text", "extra_output": True, "limit": 3},
        outputs=[
            out("USER_RESPONSE", required=True),
            out("user_name", required=True),
            out("age", "integer", required=True),
            out("city"),
        ],
    )
    return chain(
        start(),
        ask,
        end_vars(
            param("said", ref("180001", "USER_RESPONSE")),
            param("name", ref("180001", "user_name")),
            param("age", ref("180001", "age", "integer")),
            param("city", ref("180001", "city")),
        ),
    )


async def _answer(client: Client, wf: str, data: Any, text: str) -> Any:
    return await run(
        client.workflows.runs.resume(
            workflow_id=wf, event_id=data.event_id, resume_data=text, interrupt_type=data.type, stream=False
        )
    )


async def test_a_question_extracts_fields_and_asks_for_the_missing_ones(
    client: Client, emu: ThreadedEmulator
) -> None:
    wf = b.load(emu, _signup(), "signup")
    step = await run(client.workflows.runs.create(workflow_id=wf))
    step = await _answer(client, wf, step.interrupt_data, "Hi! My name is Ada, and I live in Oslo.")
    messages = json.loads(step.interrupt_data.data)["messages"]
    # Coze Studio's interrupt data: the earlier question and answer, then the follow-up
    assert [(m["type"], m["id"]) for m in messages] == [
        ("question", "180001_0"),
        ("answer", "180001_1"),
        ("question", "180001_2"),
    ]
    assert messages[-1]["content"] == "What is your age?"
    step = await _answer(client, wf, step.interrupt_data, "36 years")
    assert step.interrupt_data is None
    # city was not found: null, which the end node reads as empty text (its zero value)
    assert step.parsed_data == {"said": "36 years", "name": "Ada", "age": 36, "city": ""}


async def test_a_question_fails_after_its_answer_limit(client: Client, emu: ThreadedEmulator) -> None:
    wf = b.load(emu, _signup(), "signup")
    step = await run(client.workflows.runs.create(workflow_id=wf))
    for text in ("hello", "I'd rather not say"):
        step = await _answer(client, wf, step.interrupt_data, text)
        assert step.interrupt_data is not None
        assert json.loads(step.interrupt_data.data)["messages"][-1]["content"].startswith("What ")
    with pytest.raises(APIError) as failed:
        await _answer(client, wf, step.interrupt_data, "no")
    assert "max answer count 3 exceeded" in str(failed.value)


async def test_a_scripted_model_extracts_as_coze_studio_asks_it(
    client: Client, emu: ThreadedEmulator
) -> None:
    wf = b.load(emu, _signup(), "signup")
    emu.control.script_workflow_node(
        wf,
        "180001",
        {"text": '{"question": "How old are you, Ada?"}'},
        {"text": '```json\n{"fields": {"user_name": "Ada", "age": "36", "city": "Oslo"}}\n```'},
    )
    step = await run(client.workflows.runs.create(workflow_id=wf))
    step = await _answer(client, wf, step.interrupt_data, "Ada from Oslo")
    assert json.loads(step.interrupt_data.data)["messages"][-1]["content"] == "How old are you, Ada?"
    step = await _answer(client, wf, step.interrupt_data, "thirty-six")
    assert step.parsed_data == {"said": "thirty-six", "name": "Ada", "age": 36, "city": "Oslo"}


def test_the_stand_in_reads_labelled_json_and_asked_for_values() -> None:
    from cozekit.emulator.workflows.canvas import model as m
    from cozekit.emulator.workflows.canvas.nodes import extract_fields

    fields = [
        m.Variable("user_age", m.TypeInfo("integer")),
        m.Variable("vip", m.TypeInfo("boolean")),
        m.Variable("note", m.TypeInfo("string")),
    ]
    assert extract_fields(fields, ["my age is 41. Note: call me later; thanks"], [[]]) == {
        "user_age": 41,
        "vip": None,
        "note": "call me later",
    }
    answers = ['{"note": "from JSON"}', "yes please", "I am 7"]
    assert extract_fields(fields, answers, [[], ["vip"], ["user_age", "vip"]]) == {
        "user_age": None,  # asked together with another field: a bare number is not taken
        "vip": True,
        "note": "from JSON",
    }


async def test_an_input_node_streams_its_form_schema_and_the_end_sorts_its_keys(
    client: Client, emu: ThreadedEmulator
) -> None:
    person = [{"name": "name", "type": "string"}, {"name": "age", "type": "integer"}]
    form = node("300002", 30, "Form", outputs=[out("person", "object", person), out("note")])
    raw = chain(
        start(),
        form,
        end_vars(
            param("zeta", ref("300002", "note")),
            param("alpha", ref("300002", "person", "object", person)),
        ),
    )
    wf = b.load(emu, raw, "form")
    events = await collect(await run(client.workflows.runs.stream(workflow_id=wf)))
    assert [e.event for e in events] == [WorkflowEventType.MESSAGE, WorkflowEventType.INTERRUPT]
    data = events[-1].interrupt.interrupt_data
    assert events[0].message.content == data.data and data.type == 5
    shown = json.loads(data.data)
    assert shown["content_type"] == "form_schema"
    assert [f["name"] for f in json.loads(shown["content"])] == ["person", "note"]
    events = await collect(
        await run(
            client.workflows.runs.resume(
                workflow_id=wf,
                event_id=data.event_id,
                resume_data=json.dumps({"note": "hi", "person": {"name": "Ann", "age": 3}}),
                interrupt_type=5,
            )
        )
    )
    text = "".join(e.message.content for e in events if e.message and e.message.node_title == "End")
    assert text == '{"alpha":{"age":3,"name":"Ann"},"zeta":"hi"}'


def _exception_llm(process: int) -> dict:
    # the shape of Coze Studio's LLM exception examples: JSON output, one retry, a 300 ms limit, a default
    llm = node(
        "300003",
        3,
        "LLM",
        inputs={
            "llmParam": [param("prompt", b.lit("{{input}}")), param("responseFormat", b.lit("2", "integer"))],
            "settingOnError": {
                "processType": process,
                "retryTimes": 1,
                "timeoutMs": 300,
                "dataOnErr": '{"name": "zhangsan", "age": 3}',
            },
        },
        params=[param("input", ref(S, "input"))],
        outputs=[
            out("name"),
            out("age", "integer"),
            out("errorBody", "object", [out("errorMessage"), out("errorCode")]),
            out("isSuccess", "boolean"),
        ],
    )
    end = end_vars(
        *(
            param(n, ref("300003", n, t))
            for n, t in (("name", "string"), ("age", "integer"), ("isSuccess", "boolean"))
        ),
        param("errorBody", ref("300003", "errorBody", "object", [out("errorMessage"), out("errorCode")])),
    )
    return chain(start(out("input")), llm, end)


def test_a_failing_model_is_retried_and_a_timeout_gives_the_default_output() -> None:
    host = b.FakeHost()

    class Failing:
        async def run(self, request: Any) -> Any:
            raise b.cv.NodeError("first invoke error")
            yield  # pragma: no cover

    calls = [Failing(), b.Scripted('{"name":"eino","age":1}')]
    host.model_for = lambda workflow_id, node_id: calls.pop(0)  # type: ignore[method-assign]
    assert b.run(_exception_llm(2), {"input": "hello"}, host) == {
        "name": "eino",
        "age": 1,
        "isSuccess": True,
        "errorBody": {"errorMessage": None, "errorCode": None},  # an object's missing fields are null
    }

    class Slow:
        async def run(self, request: Any) -> Any:
            await asyncio.sleep(5)
            yield Text("too late")

    host.model_for = lambda workflow_id, node_id: Slow()  # type: ignore[method-assign]
    assert b.run(_exception_llm(2), {"input": "hello"}, host) == {
        "name": "zhangsan",
        "age": 3,
        "isSuccess": False,
        "errorBody": {"errorMessage": "node timeout", "errorCode": "777777776"},
    }
    failed = b.failure(_exception_llm(1), {"input": "hello"}, host)
    assert failed.node_id == "300003" and "timed out" in failed.msg


def test_an_assignment_whose_type_is_not_the_variables_is_refused(emu: ThreadedEmulator) -> None:
    assign = node(
        "400001",
        40,
        "Assign",
        inputs={
            "inputParameters": [
                {
                    "name": "tags",
                    "left": b.var("app", "tags", "list", {"type": "integer"}),
                    "input": b.lit("[1]", "list", {"type": "integer"}),
                }
            ]
        },
        outputs=[out("isSuccess", "boolean")],
    )
    raw = chain(start(), assign, end_vars())
    body = {"canvas": raw, "name": "assign", "variables": {"app": {"tags": ""}}}
    refused = httpx.post(f"{emu.base_url}/_emulator/workflows", json=body, timeout=10).json()
    assert refused["code"] == 4000
    assert "node 400001: param [tags], type mismatch: the assignment declares list<integer>" in refused["msg"]
    body["variables"] = {"app": {"tags": [2]}}
    assert httpx.post(f"{emu.base_url}/_emulator/workflows", json=body, timeout=10).json()["code"] == 0


def test_whole_numbers_are_written_as_go_writes_them() -> None:
    raw = chain(
        start(
            out("n", "float"),
            out("rows", "list", {"type": "object", "schema": [{"name": "v", "type": "float"}]}),
        ),
        end_vars(
            param("n", ref(S, "n", "float")),
            param(
                "rows", ref(S, "rows", "list", {"type": "object", "schema": [{"name": "v", "type": "float"}]})
            ),
        ),
    )
    outcome = b.Runner(raw, {"n": 123, "rows": [{"v": "345"}, {"v": 1.5}]}).go()
    assert outcome == b.cv.Done('{"n":123,"rows":[{"v":345},{"v":1.5}]}')
