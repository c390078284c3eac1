"""Each node type of a canvas, run without a server."""

from __future__ import annotations

import json
from typing import Any, Dict, List

import pytest

from cozekit.emulator.workflows import canvas as cv

from .build import (
    FakeHost,
    Runner,
    Scripted,
    canvas,
    chain,
    edge,
    end_answer,
    end_vars,
    failure,
    lit,
    node,
    out,
    param,
    ref,
    run,
    start,
    through,
)

S = "100001"


# -- start and end -------------------------------------------------------------------------------------


def test_start_defaults_conversion_and_required():
    raw = chain(
        start(
            out("n", "integer", defaultValue="7"),
            out("f", "float"),
            out("flag", "boolean"),
            out("obj", "object", [out("k", "string")]),
            out("must", "string", required=True),
        ),
        end_vars(
            param("n", ref(S, "n", "integer")),
            param("f", ref(S, "f", "float")),
            param("flag", ref(S, "flag", "boolean")),
            param("obj", ref(S, "obj", "object")),
            param("must", ref(S, "must")),
        ),
    )
    got = run(raw, {"f": "2.5", "flag": "true", "obj": '{"k": 3}', "must": "yes"})
    assert got == {"n": 7, "f": 2.5, "flag": True, "obj": {"k": "3"}, "must": "yes"}
    failed = failure(raw, {})
    assert failed.node_id == S and "missing required parameter must" in failed.msg


def test_end_returns_variables_with_zero_values_for_missing_ones():
    raw = chain(
        start(out("a"), out("l", "list", {"type": "string"})),
        end_vars(
            param("a", ref(S, "a")),
            param("l", ref(S, "l", "list", {"type": "string"})),
            param("c", lit(3, "integer")),
        ),
    )
    # Coze Studio's zero value of a list (and of an object) is Go's nil: null in the output
    assert run(raw, {}) == {"a": "", "l": None, "c": 3}


def test_end_answer_mode_renders_and_streams():
    raw = chain(
        start(out("name"), out("obj", "object")),
        end_answer(
            "Hi {{who}}, {{o.x}} / {{o.missing}} / {{o}}",
            param("who", ref(S, "name")),
            param("o", ref(S, "obj", "object")),
            stream=True,
        ),
    )
    runner = Runner(raw, {"name": "Ada", "obj": {"x": [1, 2], "b": True}})
    outcome = runner.go()
    text = 'Hi Ada, [1,2] / {{o.missing}} / {"b":true,"x":[1,2]}'
    assert outcome == cv.Done(text)
    messages = [d for n, d in runner.events if n == "Message"]
    assert len(messages) > 1 and "".join(d["content"] for d in messages) == text
    assert [d["node_seq_id"] for d in messages] == [str(i) for i in range(len(messages))]
    assert messages[-1]["node_is_finish"] and "usage" in messages[-1]
    assert runner.state.nodes["900001"]["output"] == text


# -- LLM -----------------------------------------------------------------------------------------------


def llm_node(
    prompt: str, *params: Dict[str, Any], fmt: int = 0, outputs: Any = None, system: str = ""
) -> Dict[str, Any]:
    llm_param = [
        param("prompt", lit(prompt)),
        param("systemPrompt", lit(system)),
        param("responseFormat", lit(str(fmt), "integer")),
        param("modelName", lit("any")),
    ]
    return node(
        "3",
        3,
        "Writer",
        inputs={"llmParam": llm_param},
        params=list(params),
        outputs=outputs or [out("output")],
    )


def test_llm_uses_the_deterministic_model_by_default():
    raw = through(
        llm_node("Tell me about {{topic}}", param("topic", ref(S, "t"))),
        [out("t")],
        [param("r", ref("3", "output"))],
    )
    runner = Runner(raw, {"t": "owls"})
    assert runner.go() == cv.Done('{"r":"Writer (turn 1) heard: Tell me about owls"}')
    assert runner.state.usage["token_count"] > 0


def test_llm_json_output_follows_the_schema():
    outputs = [out("score", "integer"), out("tags", "list", {"type": "string"})]
    raw = through(
        llm_node("rate it", fmt=2, outputs=outputs),
        [],
        [param("s", ref("3", "score", "integer")), param("t", ref("3", "tags", "list", {"type": "string"}))],
    )
    host = FakeHost()
    host.models["3"] = Scripted('```json\n{"score": "8", "tags": ["a", 2]}\n```')
    assert run(raw, {}, host) == {"s": 8, "t": ["a", "2"]}
    host.models["3"] = Scripted("no json here")
    assert "not a JSON object" in failure(raw, {}, host).msg


def test_llm_json_format_with_one_text_output_reads_the_reply_as_text():
    raw = through(llm_node("hi", fmt=2, outputs=[out("answer")]), [], [param("a", ref("3", "answer"))])
    host = FakeHost()
    host.models["3"] = Scripted("plain words")
    assert run(raw, {}, host) == {"a": "plain words"}


def test_llm_json_output_with_the_deterministic_model_fills_text_outputs():
    outputs = [out("summary"), out("n", "integer")]
    raw = through(
        llm_node("sum up", fmt=2, outputs=outputs),
        [],
        [param("s", ref("3", "summary")), param("n", ref("3", "n", "integer"))],
    )
    assert run(raw, {}) == {"s": "Writer (turn 1) heard: sum up", "n": 0}


def test_llm_chat_history_is_passed_when_enabled():
    n = llm_node("again", outputs=[out("output")])
    n["data"]["inputs"]["llmParam"] += [
        param("enableChatHistory", lit(True, "boolean")),
        param("chatHistoryRound", lit(1, "integer")),
    ]
    raw = through(n, [], [param("r", ref("3", "output"))])
    host = FakeHost()
    model = host.models["3"] = Scripted("ok")
    history = [
        {"role": "user", "content": "one"},
        {"role": "assistant", "content": "1"},
        {"role": "user", "content": "two"},
        {"role": "assistant", "content": "2"},
    ]
    runner = Runner(raw, {}, host, history=history)
    assert isinstance(runner.go(), cv.Done)
    assert model.requests[0].history == history[-2:]


# -- code ----------------------------------------------------------------------------------------------


def code_node(source: str, language: int = 3, outputs: Any = None, on_error: Any = None) -> Dict[str, Any]:
    inputs: Dict[str, Any] = {"code": source, "language": language}
    if on_error is not None:
        inputs["settingOnError"] = on_error
    return node(
        "5",
        5,
        "Code",
        inputs=inputs,
        params=[param("x", ref(S, "x", "integer"))],
        outputs=outputs or [out("double", "integer"), out("label")],
    )


PY = """
async def main(args: Args) -> Output:
    x = args.params['x']
    return {"double": x * 2, "label": f"x={x}", "extra": 1}
"""


def test_python_code_runs_in_a_process():
    raw = through(
        code_node(PY),
        [out("x", "integer")],
        [param("d", ref("5", "double", "integer")), param("l", ref("5", "label"))],
    )
    assert run(raw, {"x": 21}) == {"d": 42, "l": "x=21"}


def test_python_code_errors_and_bad_returns_fail_the_node():
    raw = through(code_node("def main(args):\n    return 1 / 0\n"), [out("x", "integer")], [])
    failed = failure(raw, {"x": 1})
    assert failed.node_id == "5" and "ZeroDivisionError" in failed.msg
    raw = through(code_node("def main(args):\n    return [1]\n"), [out("x", "integer")], [])
    assert "must return an object" in failure(raw, {"x": 1}).msg


def test_python_code_time_limit():
    slow = "import time\ndef main(args):\n    time.sleep(30)\n"
    raw = through(code_node(slow, on_error={"processType": 1, "timeoutMs": 300}), [out("x", "integer")], [])
    assert "timed out" in failure(raw, {"x": 1}).msg


def test_python_code_memory_limit():
    hog = "def main(args):\n    b = bytearray(2 * 1024 ** 3)\n    return {'double': len(b)}\n"
    raw = through(code_node(hog), [out("x", "integer")], [])
    assert "MemoryError" in failure(raw, {"x": 1}).msg


JS = """
async function main({ params }: Args): Promise<Output> {
    const ret: Output = { double: params.x * 2, label: `x=${params.x}` };
    return ret;
}
"""


def test_javascript_code_runs_with_node():
    raw = through(
        code_node(JS, language=5),
        [out("x", "integer")],
        [param("d", ref("5", "double", "integer")), param("l", ref("5", "label"))],
    )
    assert run(raw, {"x": 4}) == {"d": 8, "l": "x=4"}


def test_javascript_without_node_is_a_clear_error(monkeypatch):
    monkeypatch.setattr("cozekit.emulator.workflows.canvas.code_runner.shutil.which", lambda name: None)
    raw = through(code_node(JS, language=5), [out("x", "integer")], [])
    assert "need Node.js" in failure(raw, {"x": 1}).msg


# -- exception handling --------------------------------------------------------------------------------


def test_default_output_on_error():
    on_error = {"processType": 2, "dataOnErr": '{"double": -1, "label": "fallback"}'}
    outputs = [
        out("double", "integer"),
        out("label"),
        out("isSuccess", "boolean"),
        out("errorBody", "object", [out("errorMessage"), out("errorCode")]),
    ]
    raw = through(
        code_node("def main(args):\n    raise ValueError('boom')\n", outputs=outputs, on_error=on_error),
        [out("x", "integer")],
        [
            param("d", ref("5", "double", "integer")),
            param("ok", ref("5", "isSuccess", "boolean")),
            param("err", ref("5", "errorBody.errorMessage")),
        ],
    )
    got = run(raw, {"x": 1})
    assert got["d"] == -1 and got["ok"] is False and "boom" in got["err"]


def test_error_branch_and_default_branch():
    on_error = {"processType": 3}
    code = code_node(
        "def main(args):\n    if args.params['x'] < 0:\n        raise ValueError('neg')\n"
        "    return {'double': 2, 'label': 'ok'}\n",
        on_error=on_error,
    )
    fallback = end_answer("fell back", id="900002")
    raw = canvas(
        [start(out("x", "integer")), code, end_answer("fine"), fallback],
        [edge(S, "5"), edge("5", "900001", "default"), edge("5", "900002", "branch_error")],
    )
    assert run(raw, {"x": 1}) == "fine"
    assert run(raw, {"x": -1}) == "fell back"


def test_retries_before_failing():
    host = FakeHost()
    model = Scripted("first", "second")
    host.models["3"] = model
    n = llm_node("go", fmt=2, outputs=[out("n", "integer")])
    n["data"]["inputs"]["settingOnError"] = {"processType": 1, "retryTimes": 1}
    raw = through(n, [], [param("n", ref("3", "n", "integer"))])
    model.replies = ["not json", '{"n": 5}']
    assert run(raw, {}, host) == {"n": 5}
    assert len(model.requests) == 2


# -- condition -----------------------------------------------------------------------------------------


def cond(
    op: int, left: Any, right: Any = None, ltype: str = "string", rtype: str = "string"
) -> Dict[str, Any]:
    c: Dict[str, Any] = {"operator": op, "left": {"input": ref(S, "v", ltype)}}
    if right is not None:
        c["right"] = {"input": lit(right, rtype)}
    return c


def selector_run(conditions: List[Dict[str, Any]], value: Any, vtype: str = "string", logic: int = 2) -> str:
    branches = [{"condition": {"logic": logic, "conditions": conditions}}]
    sel = node("8", 8, "If", inputs={"branches": branches})
    raw = canvas(
        [start(out("v", vtype)), sel, end_answer("yes"), end_answer("no", id="900002")],
        [edge(S, "8"), edge("8", "900001", "true"), edge("8", "900002", "false")],
    )
    return str(run(raw, {"v": value}))


@pytest.mark.parametrize(
    ("op", "value", "right", "vtype", "rtype", "expected"),
    [
        (1, "a", "a", "string", "string", "yes"),
        (1, 3, 3.0, "integer", "float", "yes"),
        (2, "a", "b", "string", "string", "yes"),
        (3, "abc", 2, "string", "integer", "yes"),
        (4, ["a"], 2, "list", "integer", "no"),
        (5, "ab", 3, "string", "integer", "yes"),
        (6, "abcd", 3, "string", "integer", "no"),
        (7, "hello", "ell", "string", "string", "yes"),
        (7, {"k": 1}, "k", "object", "string", "yes"),
        (8, ["x", "y"], "z", "list", "string", "yes"),
        (9, "", None, "string", "string", "yes"),
        (10, [], None, "list", "string", "no"),
        (11, True, None, "boolean", "string", "yes"),
        (12, None, None, "boolean", "string", "yes"),
        (13, 5, 3, "integer", "integer", "yes"),
        (14, 3, 3, "integer", "integer", "yes"),
        (15, 2.5, 3, "float", "integer", "yes"),
        (16, 4, 3, "integer", "integer", "no"),
    ],
)
def test_condition_operators(op, value, right, vtype, rtype, expected):
    assert selector_run([cond(op, value, right, vtype, rtype)], value, vtype) == expected


def test_condition_logic_and_multiple_branches():
    both = [cond(13, 0, 1, "integer", "integer"), cond(15, 0, 10, "integer", "integer")]
    assert selector_run(both, 5, "integer", logic=2) == "yes"
    assert selector_run(both, 50, "integer", logic=2) == "no"
    assert selector_run(both, 50, "integer", logic=1) == "yes"
    branches = [
        {"condition": {"logic": 2, "conditions": [cond(1, 0, "a")]}},
        {"condition": {"logic": 2, "conditions": [cond(1, 0, "b")]}},
    ]
    sel = node("8", 8, "If", inputs={"branches": branches})
    raw = canvas(
        [start(out("v")), sel, end_answer("A"), end_answer("B", id="2"), end_answer("else", id="3")],
        [edge(S, "8"), edge("8", "900001", "true"), edge("8", "2", "true_1"), edge("8", "3", "false")],
    )
    assert [run(raw, {"v": v}) for v in ("a", "b", "c")] == ["A", "B", "else"]


def test_branches_join_and_skipped_nodes_read_as_empty():
    branches = [{"condition": {"logic": 2, "conditions": [cond(11, 0, None, "boolean")]}}]
    sel = node("8", 8, "If", inputs={"branches": branches})
    left = text("10", "left {{v}}", param("v", ref(S, "v", "boolean")))
    right = text("11", "right")
    agg = node(
        "12",
        32,
        "Pick",
        inputs={"mergeGroups": [{"name": "g", "variables": [ref("10", "output"), ref("11", "output")]}]},
        outputs=[out("g")],
    )
    raw = canvas(
        [
            start(out("v", "boolean")),
            sel,
            left,
            right,
            agg,
            end_vars(param("g", ref("12", "g")), param("l", ref("10", "output"))),
        ],
        [
            edge(S, "8"),
            edge("8", "10", "true"),
            edge("8", "11", "false"),
            edge("10", "12"),
            edge("11", "12"),
            edge("12", "900001"),
        ],
    )
    assert run(raw, {"v": True}) == {"g": "left true", "l": "left true"}
    assert run(raw, {"v": False}) == {"g": "right", "l": ""}


# -- text, JSON, aggregator ----------------------------------------------------------------------------


def text(id: str, tpl: str, *params: Dict[str, Any], joiner: str = ", ") -> Dict[str, Any]:
    concat = [param("concatResult", lit(tpl)), param("arrayItemConcatChar", lit(joiner))]
    return node(
        id,
        15,
        f"Text {id}",
        inputs={"method": "concat", "concatParams": concat},
        params=list(params),
        outputs=[out("output")],
    )


def test_text_concat_joins_lists():
    raw = through(
        text(
            "15",
            "{{name}}: {{items}} ({{items[1]}})",
            param("name", ref(S, "n")),
            param("items", ref(S, "l", "list", {"type": "string"})),
            joiner=" | ",
        ),
        [out("n"), out("l", "list", {"type": "string"})],
        [param("r", ref("15", "output"))],
    )
    assert run(raw, {"n": "fruit", "l": ["apple", "pear"]}) == {"r": "fruit: apple | pear (pear)"}


def test_text_index_beyond_the_list_fails():
    raw = through(
        text("15", "{{items[5]}}", param("items", ref(S, "l", "list", {"type": "string"}))),
        [out("l", "list", {"type": "string"})],
        [],
    )
    assert "beyond the list's 1 items" in failure(raw, {"l": ["a"]}).msg


def test_text_split():
    split = node(
        "15",
        15,
        "Split",
        inputs={
            "method": "split",
            "splitParams": [param("delimiters", lit([",", ";"], "list", {"type": "string"}))],
        },
        params=[param("String", ref(S, "s"))],
        outputs=[out("output", "list", {"type": "string"})],
    )
    raw = through(split, [out("s")], [param("r", ref("15", "output", "list", {"type": "string"}))])
    assert run(raw, {"s": "a,b;c"}) == {"r": ["a", "b", "c"]}


def test_json_serialize_and_deserialize_with_conversion():
    obj = [out("n", "integer"), out("s", "string")]
    ser = node("58", 58, "Ser", params=[param("input", ref(S, "o", "object", obj))], outputs=[out("output")])
    de = node(
        "59", 59, "De", params=[param("input", ref("58", "output"))], outputs=[out("output", "object", obj)]
    )
    raw = chain(
        start(out("o", "object")),
        ser,
        de,
        end_vars(param("text", ref("58", "output")), param("back", ref("59", "output", "object", obj))),
    )
    got = run(raw, {"o": {"n": "5", "s": 6}})
    assert got == {"text": '{"n":5,"s":"6"}', "back": {"n": 5, "s": "6"}}


def test_json_deserialize_of_bad_json_fails():
    de = node("59", 59, "De", params=[param("input", ref(S, "t"))], outputs=[out("output", "object")])
    failed = failure(through(de, [out("t")], []), {"t": "{oops"})
    assert failed.node_id == "59" and "not JSON" in failed.msg


def test_aggregator_takes_the_first_value_and_declares_missing_groups_null():
    groups = [
        {"name": "a", "variables": [ref(S, "x"), ref(S, "y")]},
        {"name": "b", "variables": [ref(S, "z")]},
    ]
    agg = node("32", 32, "Agg", inputs={"mergeGroups": groups}, outputs=[out("a"), out("b")])
    raw = chain(
        start(out("x"), out("y"), out("z")),
        agg,
        end_answer("{{a}}/{{b}}", param("a", ref("32", "a")), param("b", ref("32", "b"))),
    )
    assert run(raw, {"y": "Y"}) == "Y/"
    runner = Runner(raw, {"y": "Y"})
    runner.go()
    assert runner.state.outputs["32"] == {"a": "Y", "b": None}


# -- output (message) ----------------------------------------------------------------------------------


def test_output_node_streams_a_message_and_the_run_records_it():
    say = node(
        "13",
        13,
        "Say",
        inputs={"content": lit("Hello {{n}}!"), "streamingOutput": True},
        params=[param("n", ref(S, "n"))],
    )
    runner = Runner(chain(start(out("n")), say, end_vars()), {"n": "world"})
    assert isinstance(runner.go(), cv.Done)
    assert runner.messages("13") == "Hello world!"
    assert runner.state.messages == {"Say": "Hello world!"}


# -- question and input --------------------------------------------------------------------------------


def question(**inputs: Any) -> Dict[str, Any]:
    settings = {"question": "Which {{thing}}?", "answer_type": "text", **inputs}
    outputs = (
        [out("USER_RESPONSE")]
        if settings["answer_type"] == "text"
        else [out("optionId"), out("optionContent")]
    )
    return node("18", 18, "Ask", inputs=settings, params=[param("thing", ref(S, "t"))], outputs=outputs)


def test_question_with_free_text_interrupts_and_resumes():
    runner = Runner(through(question(), [out("t")], [param("a", ref("18", "USER_RESPONSE"))]), {"t": "color"})
    first = runner.go()
    assert isinstance(first, cv.Interrupted) and first.node_title == "Ask"
    data = first.interrupt_data
    assert data["type"] == 2 and data["event_id"].startswith("9001/")
    assert json.loads(data["data"])["messages"][0]["content"] == "Which color?"
    assert runner.state.pending["node_id"] == "18"
    assert runner.go("blue") == cv.Done('{"a":"blue"}')


def test_question_with_options_takes_a_branch():
    q = question(
        answer_type="option", option_type="static", options=[{"name": "red"}, {"name": "{{thing}} B"}]
    )
    raw = canvas(
        [
            start(out("t")),
            q,
            end_answer("first {{c}}", param("c", ref("18", "optionContent"))),
            end_answer("second", id="2"),
            end_answer("other {{c}}", param("c", ref("18", "optionContent")), id="3"),
        ],
        [
            edge(S, "18"),
            edge("18", "900001", "branch_0"),
            edge("18", "2", "branch_1"),
            edge("18", "3", "default"),
        ],
    )
    for answer, expected in (("red", "first red"), ("b", "second"), ("green", "other green")):
        runner = Runner(raw, {"t": "x"})
        intr = runner.go()
        assert isinstance(intr, cv.Interrupted)
        options = json.loads(intr.interrupt_data["data"])["messages"][0]["content"]["options"]
        assert options == [{"name": "red"}, {"name": "x B"}]
        assert runner.go(answer) == cv.Done(expected)


def test_question_with_dynamic_options():
    q = question(
        answer_type="option",
        option_type="dynamic",
        dynamic_option=ref(S, "choices", "list", {"type": "string"}),
    )
    raw = canvas(
        [
            start(out("t"), out("choices", "list", {"type": "string"})),
            q,
            end_answer("{{c}}", param("c", ref("18", "optionId"))),
            end_answer("none", id="2"),
        ],
        [edge(S, "18"), edge("18", "900001", "branch_0"), edge("18", "2", "default")],
    )
    runner = Runner(raw, {"t": "x", "choices": ["tea", "coffee"]})
    assert isinstance(runner.go(), cv.Interrupted)
    assert runner.go("coffee") == cv.Done("B")


def test_input_node_asks_for_typed_values():
    schema = [out("age", "integer", required=True), out("tags", "list", {"type": "string"})]
    ask = node("30", 30, "Form", inputs={"outputSchema": json.dumps(schema)}, outputs=schema)
    raw = through(
        ask,
        [],
        [
            param("age", ref("30", "age", "integer")),
            param("tags", ref("30", "tags", "list", {"type": "string"})),
        ],
    )
    runner = Runner(raw, {})
    intr = runner.go()
    assert isinstance(intr, cv.Interrupted) and intr.interrupt_data["type"] == 5
    assert intr.interrupt_data["required_parameters"]["age"] == {"type": "integer", "required": True}
    again = runner.go('{"age": "old"}')
    assert isinstance(again, cv.Interrupted) and "age" in json.loads(again.interrupt_data["data"])["error"]
    assert runner.go('{"age": "41", "tags": "[\\"a\\"]"}') == cv.Done('{"age":41,"tags":["a"]}')


def test_an_input_node_with_one_field_takes_a_plain_answer():
    schema = [out("city", required=True)]
    ask = node("30", 30, "Form", inputs={"outputSchema": json.dumps(schema)}, outputs=schema)
    runner = Runner(through(ask, [], [param("c", ref("30", "city"))]), {})
    assert isinstance(runner.go(), cv.Interrupted)
    assert runner.go("Oslo") == cv.Done('{"c":"Oslo"}')


# -- loop ----------------------------------------------------------------------------------------------


def loop_canvas(
    loop_inputs: Dict[str, Any],
    params: List[Dict[str, Any]],
    blocks: List[Dict[str, Any]],
    body_edges: List[Dict[str, Any]],
    outputs: List[Dict[str, Any]],
    start_outputs: List[Dict[str, Any]],
    end_params: List[Dict[str, Any]],
) -> Dict[str, Any]:
    loop = node(
        "21", 21, "Loop", inputs=loop_inputs, params=params, outputs=outputs, blocks=blocks, edges=body_edges
    )
    return chain(start(*start_outputs), loop, end_vars(*end_params))


def loop_out(name: str, node_id: str, field: str, type: str = "list", schema: Any = None) -> Dict[str, Any]:
    return {
        "name": name,
        "input": ref(node_id, field, type, schema if schema is not None else {"type": "string"}),
    }


def test_array_loop_with_variables_break_and_continue():
    # each item: remember it in `last`; skip "skip", stop at "stop"; collect "<index>:<item>"
    sel_branches = [
        {
            "condition": {
                "logic": 2,
                "conditions": [
                    {"operator": 1, "left": {"input": ref("21", "item")}, "right": {"input": lit("stop")}}
                ],
            }
        },
        {
            "condition": {
                "logic": 2,
                "conditions": [
                    {"operator": 1, "left": {"input": ref("21", "item")}, "right": {"input": lit("skip")}}
                ],
            }
        },
    ]
    blocks = [
        node(
            "40",
            20,
            "Remember",
            inputs={"inputParameters": [{"left": ref("21", "last"), "right": ref("21", "item")}]},
        ),
        node("41", 8, "Check", inputs={"branches": sel_branches}),
        node("42", 19, "Stop"),
        node("43", 29, "Next"),
        text("44", "{{i}}:{{x}}", param("i", ref("21", "index", "integer")), param("x", ref("21", "item"))),
    ]
    body_edges = [
        edge("21", "40", "loop-function-inline-output"),
        edge("40", "41"),
        edge("41", "42", "true"),
        edge("41", "43", "true_1"),
        edge("41", "44", "false"),
        edge("44", "21", "", "loop-function-inline-input"),
    ]
    raw = loop_canvas(
        {"loopType": "array", "variableParameters": [param("last", lit("none"))]},
        [param("item", ref(S, "items", "list", {"type": "string"}))],
        blocks,
        body_edges,
        [loop_out("seen", "44", "output"), {"name": "last", "input": ref("21", "last")}],
        [out("items", "list", {"type": "string"})],
        [param("seen", ref("21", "seen", "list", {"type": "string"})), param("last", ref("21", "last"))],
    )
    got = run(raw, {"items": ["a", "skip", "b", "stop", "c"]})
    assert got == {"seen": ["0:a", "2:b"], "last": "stop"}


def test_count_loop():
    blocks = [text("44", "#{{i}}", param("i", ref("21", "index", "integer")))]
    raw = loop_canvas(
        {"loopType": "count", "loopCount": ref(S, "n", "integer")},
        [],
        blocks,
        [edge("21", "44", "loop-function-inline-output"), edge("44", "21", "", "loop-function-inline-input")],
        [loop_out("marks", "44", "output")],
        [out("n", "integer")],
        [param("marks", ref("21", "marks", "list", {"type": "string"}))],
    )
    assert run(raw, {"n": 3}) == {"marks": ["#0", "#1", "#2"]}


def test_infinite_loop_needs_a_break():
    blocks = [node("42", 19, "Stop")]
    body_edges = [edge("21", "42", "loop-function-inline-output")]
    raw = loop_canvas({"loopType": "infinite"}, [], blocks, body_edges, [], [], [])
    assert isinstance(Runner(raw, {}).go(), cv.Done)
    blocks = [text("44", "x")]
    body_edges = [
        edge("21", "44", "loop-function-inline-output"),
        edge("44", "21", "", "loop-function-inline-input"),
    ]
    failed = failure(loop_canvas({"loopType": "infinite"}, [], blocks, body_edges, [], [], []), {})
    assert failed.node_id == "21" and "without reaching a break node" in failed.msg


# -- batch ---------------------------------------------------------------------------------------------


def test_batch_runs_every_item_within_its_size():
    code = node(
        "50",
        5,
        "Square",
        inputs={"language": 3, "code": "def main(args):\n    return {'sq': args.params['v'] ** 2}\n"},
        params=[param("v", ref("28", "num", "integer"))],
        outputs=[out("sq", "integer")],
    )
    batch = node(
        "28",
        28,
        "Batch",
        inputs={"batchSize": lit(3, "integer"), "concurrentSize": ref(S, "c", "integer")},
        params=[param("num", ref(S, "nums", "list", {"type": "integer"}))],
        outputs=[loop_out("squares", "50", "sq", "list", {"type": "integer"})],
        blocks=[code],
        edges=[
            edge("28", "50", "batch-function-inline-output"),
            edge("50", "28", "", "batch-function-inline-input"),
        ],
    )
    raw = chain(
        start(out("nums", "list", {"type": "integer"}), out("c", "integer")),
        batch,
        end_vars(param("r", ref("28", "squares", "list", {"type": "integer"}))),
    )
    assert run(raw, {"nums": [1, 2, 3, 4], "c": 2}) == {"r": [1, 4, 9]}


def test_a_failing_body_node_fails_the_batch_with_its_id():
    code = node(
        "50",
        5,
        "Invert",
        inputs={"language": 3, "code": "def main(args):\n    return {'r': 1 / args.params['v']}\n"},
        params=[param("v", ref("28", "num", "integer"))],
        outputs=[out("r", "float")],
    )
    batch = node(
        "28",
        28,
        "Batch",
        inputs={},
        params=[param("num", ref(S, "nums", "list", {"type": "integer"}))],
        outputs=[loop_out("rs", "50", "r", "list", {"type": "float"})],
        blocks=[code],
        edges=[
            edge("28", "50", "batch-function-inline-output"),
            edge("50", "28", "", "batch-function-inline-input"),
        ],
    )
    raw = chain(start(out("nums", "list", {"type": "integer"})), batch, end_vars())
    failed = failure(raw, {"nums": [1, 0]})
    assert failed.node_id == "28"
    assert "node Batch (28) failed: Invert (50): ZeroDivisionError" in failed.msg


def test_node_in_batch_mode_collects_output_list():
    n = text("15", "<{{w}}>", param("w", ref("15", "word")))
    n["data"]["inputs"]["batch"] = {
        "batchEnable": True,
        "batchSize": 10,
        "concurrentSize": 2,
        "inputLists": [param("word", ref(S, "words", "list", {"type": "string"}))],
    }
    n["data"]["outputs"] = [out("outputList", "list", {"type": "object", "schema": [out("output")]})]
    raw = through(
        n,
        [out("words", "list", {"type": "string"})],
        [param("r", ref("15", "outputList", "list", {"type": "object"}))],
    )
    assert run(raw, {"words": ["a", "b"]}) == {"r": [{"output": "<a>"}, {"output": "<b>"}]}


# -- intent --------------------------------------------------------------------------------------------


def intent_canvas() -> Dict[str, Any]:
    intents = node(
        "22",
        22,
        "Route",
        inputs={
            "intents": [{"name": "refund"}, {"name": "delivery"}],
            "llmParam": {"systemPrompt": lit("")},
            "mode": "top_speed",
        },
        params=[param("query", ref(S, "q"))],
        outputs=[out("classificationId", "integer"), out("reason")],
    )
    return canvas(
        [start(out("q")), intents, end_answer("R"), end_answer("D", id="2"), end_answer("?", id="3")],
        [
            edge(S, "22"),
            edge("22", "900001", "branch_0"),
            edge("22", "2", "branch_1"),
            edge("22", "3", "default"),
        ],
    )


def test_intent_recognition_with_the_deterministic_model():
    raw = intent_canvas()
    assert [run(raw, {"q": q}) for q in ("I want a Refund", "where is my delivery", "hello")] == [
        "R",
        "D",
        "?",
    ]


def test_intent_recognition_with_a_model_reply():
    host = FakeHost()
    host.models["22"] = Scripted("2")
    assert run(intent_canvas(), {"q": "anything"}, host) == "D"


# -- sub-workflows -------------------------------------------------------------------------------------


def child_canvas(ask: bool = False) -> Dict[str, Any]:
    nodes = [start(out("name"))]
    if ask:
        nodes.append(
            node(
                "18",
                18,
                "Child asks",
                inputs={"question": "Sure?", "answer_type": "text"},
                outputs=[out("USER_RESPONSE")],
            )
        )
        nodes.append(end_vars(param("greeting", ref(S, "name")), param("sure", ref("18", "USER_RESPONSE"))))
    else:
        nodes.append(end_vars(param("greeting", ref(S, "name"))))
    return chain(*nodes)


def parent_canvas() -> Dict[str, Any]:
    sub = node(
        "9",
        9,
        "Child",
        inputs={"workflowId": "7002", "workflowVersion": "v1"},
        params=[param("name", ref(S, "who"))],
        outputs=[out("greeting"), out("sure")],
    )
    return through(sub, [out("who")], [param("g", ref("9", "greeting")), param("s", ref("9", "sure"))])


def test_sub_workflow_runs_the_child_canvas():
    host = FakeHost()
    host.subs["7002"] = cv.load(child_canvas())
    assert run(parent_canvas(), {"who": "Bo"}, host) == {"g": "Bo", "s": ""}


def test_a_question_inside_a_sub_workflow_interrupts_the_parent():
    host = FakeHost()
    host.subs["7002"] = cv.load(child_canvas(ask=True))
    runner = Runner(parent_canvas(), {"who": "Bo"}, host)
    intr = runner.go()
    assert isinstance(intr, cv.Interrupted) and intr.node_title == "Child asks"
    assert runner.go("yes") == cv.Done('{"g":"Bo","s":"yes"}')


def test_a_missing_sub_workflow_fails_the_node():
    failed = failure(parent_canvas(), {"who": "x"})
    assert failed.node_id == "9" and "7002 is not published" in failed.msg


# -- knowledge and plugins -----------------------------------------------------------------------------


def test_knowledge_retrieval_asks_the_host():
    settings = [
        param("datasetList", lit(["7501", "7502"], "list", {"type": "string"})),
        param("topK", lit(1, "integer")),
        param("strategy", lit(20, "integer")),
    ]
    recall = node(
        "6",
        6,
        "Search",
        inputs={"datasetParam": settings},
        params=[param("Query", ref(S, "q"))],
        outputs=[out("outputList", "list", {"type": "object", "schema": [out("output")]})],
    )
    raw = through(recall, [out("q")], [param("hits", ref("6", "outputList", "list", {"type": "object"}))])
    host = FakeHost()
    got = run(raw, {"q": "refunds"}, host)
    assert got == {"hits": [{"output": "7501: about refunds", "documentId": "0"}]}
    assert host.recalled == (["7501", "7502"], "refunds", 1, 20)


def plugin_node(tool: str) -> Dict[str, Any]:
    api = [
        param("pluginID", lit("7000000000000000299")),
        param("apiName", lit(tool)),
        param("pluginName", lit("P")),
    ]
    return node(
        "4",
        4,
        "Shout",
        inputs={"apiParam": api},
        params=[param("text", ref(S, "t"))],
        outputs=[out("text"), out("missing", "integer")],
    )


def test_plugin_calls_the_tool_with_the_inputs():
    raw = through(
        plugin_node("shout"),
        [out("t")],
        [param("r", ref("4", "text")), param("m", ref("4", "missing", "integer"))],
    )
    assert run(raw, {"t": "hi"}, FakeHost()) == {"r": "HI", "m": 0}
    failed = failure(through(plugin_node("whisper"), [out("t")], []), {"t": "x"})
    assert failed.node_id == "4" and "no tool 'whisper'" in failed.msg


def test_a_plugin_node_must_name_its_tool():
    bad = node("4", 4, "P", inputs={"apiParam": [param("pluginID", lit("1"))]}, outputs=[])
    with pytest.raises(cv.CanvasError) as info:
        cv.load(through(bad, [], []))
    assert "pluginID and apiName" in str(info.value)


def test_a_question_inside_a_loop_interrupts_each_round_and_resumes():
    host = FakeHost()
    host.subs["7002"] = cv.load(child_canvas(ask=True))
    sub = node(
        "9",
        9,
        "Child",
        inputs={"workflowId": "7002"},
        params=[param("name", ref("21", "index", "string"))],
        outputs=[out("greeting"), out("sure")],
    )
    loop = node(
        "21",
        21,
        "Loop",
        inputs={"loopType": "count", "loopCount": lit(2, "integer")},
        params=[],
        outputs=[{"name": "answers", "input": ref("9", "sure", "list", {"type": "string"})}],
        blocks=[sub],
        edges=[
            edge("21", "9", "loop-function-inline-output"),
            edge("9", "21", "", "loop-function-inline-input"),
        ],
    )
    raw = chain(start(), loop, end_vars(param("a", ref("21", "answers", "list", {"type": "string"}))))
    runner = Runner(raw, {}, host)
    first = runner.go()
    assert isinstance(first, cv.Interrupted) and first.node_title == "Child asks"
    second = runner.go("yes")
    assert (
        isinstance(second, cv.Interrupted)
        and second.interrupt_data["event_id"] != first.interrupt_data["event_id"]
    )
    assert runner.go("no") == cv.Done('{"a":["yes","no"]}')


def test_conversation_history_gives_the_last_rounds():
    hist = node(
        "54",
        54,
        "History",
        params=[param("conversationName", ref(S, "CONVERSATION_NAME")), param("rounds", lit(1, "integer"))],
        outputs=[out("messageList", "list", {"type": "object", "schema": [out("role"), out("content")]})],
    )
    raw = through(
        hist,
        [out("USER_INPUT"), out("CONVERSATION_NAME")],
        [param("m", ref("54", "messageList", "list", {"type": "object"}))],
    )
    history = [
        {"role": "user", "content": "one"},
        {"role": "assistant", "content": "1"},
        {"role": "user", "content": "two"},
        {"role": "assistant", "content": "2"},
    ]
    runner = Runner(raw, {"USER_INPUT": "three", "CONVERSATION_NAME": "Default"}, history=history)
    assert runner.go() == cv.Done(
        '{"m":[{"content":"two","role":"user"},{"content":"2","role":"assistant"}]}'  # sorted keys
    )
    hist["data"]["inputs"]["inputParameters"][0]["input"] = lit("Sales")
    failed = failure(raw, {"USER_INPUT": "x", "CONVERSATION_NAME": "Default"})
    assert failed.node_id == "54" and "no conversation named 'Sales'" in failed.msg
