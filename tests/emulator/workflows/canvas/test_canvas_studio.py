"""Semantics pinned against what Coze Studio's own tests expect of its example canvases (our own
canvases in Coze's format, each reproducing one behaviour; docs/emulator-workflows.md lists the examples
checked)."""

from __future__ import annotations

import httpx

from cozekit.emulator import ThreadedEmulator
from sync_or_async import Client, run

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
