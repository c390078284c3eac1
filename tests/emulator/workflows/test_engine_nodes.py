"""Each node type of the emulator's workflow engine: its happy path and its failure."""

from __future__ import annotations

import json

import pytest

from cozekit.emulator.core.errors import EmulatorError
from cozekit.emulator.core.injections import ScriptedReply
from cozekit.emulator.workflows.engine.context import NODE_FAILED, Done, Failed, Interrupted
from cozekit.emulator.workflows.engine.service import script_key

from .engine_kit import Kit, end, start


@pytest.fixture
def kit() -> Kit:
    return Kit()


def output(result_outcome: object) -> object:
    assert isinstance(result_outcome, Done), result_outcome
    return json.loads(result_outcome.output)


# -- start ---------------------------------------------------------------------------------------


async def test_start_fills_defaults_and_coerces_types(kit: Kit) -> None:
    wf = kit.load(
        start(
            n={"type": "integer", "required": True}, flag="boolean", tag={"type": "string", "default": "x"}
        ),
        end(n="{{start.n}}", flag="{{start.flag}}", tag="{{start.tag}}"),
    )
    res = await kit.run(wf, '{"n": "41", "flag": "true"}')  # parameters as JSON text (workflow_run's table)
    assert output(res.outcome) == {"n": 41, "flag": True, "tag": "x"}


async def test_start_rejects_missing_and_mistyped_parameters(kit: Kit) -> None:
    wf = kit.load(start(n={"type": "integer", "required": True}), end(n="{{start.n}}"))
    with pytest.raises(EmulatorError) as missing:
        await kit.run(wf, {})
    assert missing.value.code == 4000 and "'n'" in missing.value.msg
    with pytest.raises(EmulatorError) as mistyped:
        await kit.run(wf, {"n": "many"})
    assert mistyped.value.code == 4000 and "integer" in mistyped.value.msg


# -- end -------------------------------------------------------------------------------------------


async def test_end_returns_variables_or_streams_answer_text(kit: Kit) -> None:
    wf = kit.load(start(city="string"), end(output="{{start.city}}", fixed=3))
    res = await kit.run(wf, {"city": "Oslo"})
    assert output(res.outcome) == {"output": "Oslo", "fixed": 3}
    kit.state.config.chunk_size = 4
    answer = kit.load(
        start(city="string"), {"id": "end", "type": "end", "answer": "It is {{start.city}}."}, name="a"
    )
    res = await kit.run(answer, {"city": "Oslo"})
    assert isinstance(res.outcome, Done) and res.outcome.output == "It is Oslo."
    chunks = [d for e, d in res.events if e == "Message"]
    assert [c["content"] for c in chunks] == ["It i", "s Os", "lo."]
    assert [c["node_is_finish"] for c in chunks] == [False, False, True]
    assert [c["node_seq_id"] for c in chunks] == ["0", "1", "2"]


async def test_end_fails_on_a_missing_field(kit: Kit) -> None:
    wf = kit.load(start(city="string"), end(output="{{start.country}}"))
    res = await kit.run(wf, {"city": "Oslo"})
    assert isinstance(res.outcome, Failed) and res.outcome.code == NODE_FAILED
    assert "country" in res.outcome.msg
    assert res.run["status"] == "Fail"


# -- llm -------------------------------------------------------------------------------------------


async def test_llm_answers_through_the_deterministic_model_with_usage(kit: Kit) -> None:
    wf = kit.load(
        start(q="string"),
        {"id": "ask", "type": "llm", "title": "Model", "prompt": "Say {{start.q}}"},
        end(output="{{ask.output}}"),
    )
    res = await kit.run(wf, {"q": "hi"})
    assert output(res.outcome) == {"output": "Model (turn 1) heard: Say hi"}
    assert res.run["engine"]["usage"]["token_count"] > 0


async def test_llm_scripted_reply_and_model_failure(kit: Kit) -> None:
    wf = kit.load(start(), {"id": "ask", "type": "llm", "prompt": "x"}, end(output="{{ask.output}}"))
    kit.state.scripts.push(script_key(wf, "ask"), [ScriptedReply(chunks=["scr", "ipted"])])
    assert output((await kit.run(wf)).outcome) == {"output": "scripted"}
    kit.state.scripts.push(script_key(wf, "ask"), [ScriptedReply(error={"code": 4013, "msg": "model down"})])
    res = await kit.run(wf)
    assert isinstance(res.outcome, Failed) and res.outcome.code == 4013
    assert "model down" in res.outcome.msg


# -- template --------------------------------------------------------------------------------------


async def test_template_renders_references_values_as_json(kit: Kit) -> None:
    wf = kit.load(
        start(name="string", tags="array"),
        {"id": "t", "type": "template", "template": "{{start.name}}: {{start.tags}} / {{start.tags.1}}"},
        end(output="{{t.output}}"),
    )
    res = await kit.run(wf, {"name": "Ann", "tags": ["a", "b"]})
    assert output(res.outcome) == {"output": 'Ann: ["a", "b"] / b'}


async def test_template_fails_on_an_index_out_of_range(kit: Kit) -> None:
    wf = kit.load(
        start(tags="array"),
        {"id": "t", "type": "template", "template": "{{start.tags.5}}"},
        end(o="{{t.output}}"),
    )
    res = await kit.run(wf, {"tags": ["a"]})
    assert isinstance(res.outcome, Failed) and "'5'" in res.outcome.msg


# -- condition -------------------------------------------------------------------------------------


def branching(kit: Kit, when: str) -> str:
    """Three branches, each to its own end node (a workflow may have several)."""
    return kit.load(
        start(n="integer"),
        {"id": "if", "type": "condition", "branches": [{"when": when}, {"when": "start['n'] < 0"}]},
        {"id": "big", "type": "end", "outputs": {"output": "big"}},
        {"id": "neg", "type": "end", "outputs": {"output": "negative"}},
        {"id": "small", "type": "end", "outputs": {"output": "small"}},
        edges=[["start", "if"], ["if", "big", "true"], ["if", "neg", "true_1"], ["if", "small", "false"]],
    )


async def test_condition_takes_the_first_true_branch_else_false(kit: Kit) -> None:
    wf = branching(kit, "start['n'] > 10")
    assert output((await kit.run(wf, {"n": 50})).outcome) == {"output": "big"}
    assert output((await kit.run(wf, {"n": -1})).outcome) == {"output": "negative"}
    res = await kit.run(wf, {"n": 3})
    assert output(res.outcome) == {"output": "small"}
    nodes = res.run["engine"]["nodes"]
    assert "big" not in nodes and "neg" not in nodes  # branches not taken never ran


async def test_condition_fails_when_its_expression_fails(kit: Kit) -> None:
    wf = branching(kit, "start['n'] / 0 > 1")
    res = await kit.run(wf, {"n": 5})
    assert isinstance(res.outcome, Failed) and "ZeroDivisionError" in res.outcome.msg


# -- question --------------------------------------------------------------------------------------


def asking(kit: Kit, **extra: object) -> str:
    return kit.load(
        start(city="string"),
        {"id": "q", "type": "question", "title": "Ask", "question": "Which day in {{start.city}}?", **extra},
        end(output="{{q}}"),
    )


async def test_question_interrupts_and_resumes_with_the_answer(kit: Kit) -> None:
    wf = asking(kit)
    res = await kit.run(wf, {"city": "Rome"})
    assert isinstance(res.outcome, Interrupted) and res.outcome.node_title == "Ask"
    data = res.outcome.interrupt_data
    assert data["type"] == 2 and data["event_id"].startswith(res.run["id"] + "/")
    assert json.loads(data["data"])["messages"][0]["content"] == "Which day in Rome?"
    assert res.texts("q") == "Which day in Rome?"
    assert res.run["status"] == "Interrupted"
    done = await kit.resume(wf, data["event_id"], "Friday")
    assert output(done.outcome) == {"output": {"USER_RESPONSE": "Friday"}}
    with pytest.raises(EmulatorError) as again:  # already finished: 4315
        await kit.resume(wf, data["event_id"], "Friday")
    assert again.value.code == 4315


async def test_question_with_options_fails_after_three_wrong_answers(kit: Kit) -> None:
    wf = asking(kit, options=["today", "tomorrow"])
    res = await kit.run(wf, {"city": "Rome"})
    assert isinstance(res.outcome, Interrupted)
    for _ in range(2):
        res = await kit.resume(wf, res.outcome.interrupt_data["event_id"], "yesterday")
        assert isinstance(res.outcome, Interrupted)
        assert "Please answer with one of: today, tomorrow" in res.texts("q")
    res = await kit.resume(wf, res.outcome.interrupt_data["event_id"], "yesterday")
    assert isinstance(res.outcome, Failed) and "3 attempts" in res.outcome.msg
    picked = await kit.run(wf, {"city": "Rome"})
    assert isinstance(picked.outcome, Interrupted)
    done = await kit.resume(wf, picked.outcome.interrupt_data["event_id"], "B")
    assert output(done.outcome) == {"output": {"optionId": "B", "optionContent": "tomorrow"}}


# -- message ---------------------------------------------------------------------------------------


async def test_message_streams_its_text_and_shows_in_history_output(kit: Kit) -> None:
    kit.state.config.chunk_size = 5
    wf = kit.load(
        start(name="string"),
        {"id": "m", "type": "message", "title": "Greeting", "content": "Hello, {{start.name}}!"},
        end(output="ok"),
    )
    res = await kit.run(wf, {"name": "Bo"})
    assert isinstance(res.outcome, Done)
    chunks = [d["content"] for e, d in res.events if e == "Message" and d["node_id"] == "m"]
    assert chunks == ["Hello", ", Bo!"]
    assert json.loads(res.run["output"]) == {"Output": '{"output": "ok"}', "Greeting": "Hello, Bo!"}


async def test_message_fails_on_an_unknown_reference_at_run_time(kit: Kit) -> None:
    wf = kit.load(start(), {"id": "m", "type": "message", "content": "{{start.nope}}"}, end(output="x"))
    res = await kit.run(wf)
    assert isinstance(res.outcome, Failed) and "nope" in res.outcome.msg
    assert res.texts("m") == ""


# -- code ------------------------------------------------------------------------------------------


async def test_code_outputs(kit: Kit) -> None:
    wf = kit.load(
        start(items="array"),
        {
            "id": "c",
            "type": "code",
            "inputs": {"xs": "{{start.items}}"},
            "outputs": {"total": "sum(xs)", "text": "join('-', sorted(xs))", "big": "len(xs) > 2"},
        },
        end(output="{{c}}"),
    )
    res = await kit.run(wf, {"items": [3, 1, 2]})
    assert output(res.outcome) == {"output": {"total": 6, "text": "1-2-3", "big": True}}


async def test_code_fails_at_run_time_and_rejects_unsafe_code_at_load(kit: Kit) -> None:
    wf = kit.load(
        start(n="integer"), {"id": "c", "type": "code", "outputs": {"x": "1 / start['n']"}}, end(o="{{c.x}}")
    )
    res = await kit.run(wf, {"n": 0})
    assert isinstance(res.outcome, Failed) and "ZeroDivisionError" in res.outcome.msg
    for source in ("__import__('os')", "().__class__", "[x for x in range(3)]", "eval('1')", "(lambda: 1)()"):
        with pytest.raises(EmulatorError) as bad:
            kit.load(start(), {"id": "c", "type": "code", "outputs": {"x": source}}, end(o="1"), name="bad")
        assert bad.value.code == 4000, source


# -- sub-workflow ----------------------------------------------------------------------------------


async def test_sub_workflow_runs_with_parameters_and_returns_its_end_output(kit: Kit) -> None:
    child = kit.load(
        start(x="integer"),
        {"id": "c", "type": "code", "outputs": {"y": "start['x'] * 10"}},
        end(y="{{c.y}}"),
        name="child",
    )
    parent = kit.load(
        start(n="integer"),
        {"id": "sub", "type": "workflow", "workflow_id": child, "parameters": {"x": "{{start.n}}"}},
        end(output="{{sub.y}}"),
        name="parent",
    )
    assert output((await kit.run(parent, {"n": 4})).outcome) == {"output": 40}


async def test_sub_workflow_failures_propagate(kit: Kit) -> None:
    failing = kit.load(
        start(), {"id": "c", "type": "code", "outputs": {"y": "1/0"}}, end(y="{{c.y}}"), name="f"
    )
    parent = kit.load(
        start(), {"id": "sub", "type": "workflow", "workflow_id": failing}, end(o="x"), name="p"
    )
    res = await kit.run(parent)
    assert isinstance(res.outcome, Failed) and f"sub-workflow {failing}" in res.outcome.msg
    missing = kit.load(start(), {"id": "sub", "type": "workflow", "workflow_id": "123"}, end(o="x"), name="m")
    res = await kit.run(missing)
    assert isinstance(res.outcome, Failed) and "workflow_id=123" in res.outcome.msg


async def test_a_question_inside_a_sub_workflow_interrupts_the_parent_and_resumes(kit: Kit) -> None:
    child = kit.load(
        start(),
        {"id": "q", "type": "question", "title": "Ask", "question": "Name?"},
        {"id": "ask_llm", "type": "llm", "prompt": "Hi {{q.USER_RESPONSE}}"},
        end(name="{{q.USER_RESPONSE}}", said="{{ask_llm.output}}"),
        name="child",
    )
    parent = kit.load(
        start(),
        {"id": "sub", "type": "workflow", "title": "Sub", "workflow_id": child},
        end(output="{{sub.name}}"),
        name="parent",
    )
    res = await kit.run(parent)
    assert isinstance(res.outcome, Interrupted) and res.outcome.node_title == "Ask"
    assert res.texts("q") == "Name?"
    done = await kit.resume(parent, res.outcome.interrupt_data["event_id"], "Ada")
    assert output(done.outcome) == {"output": "Ada"}
    assert done.run["engine"]["usage"]["token_count"] > 0


# -- input -----------------------------------------------------------------------------------------


def form(kit: Kit) -> str:
    return kit.load(
        start(),
        {
            "id": "form",
            "type": "input",
            "prompt": "Trip details",
            "inputs": {"city": {"type": "string", "required": True}, "days": "integer"},
        },
        end(city="{{form.city}}", days="{{form.days}}"),
    )


async def test_input_interrupts_with_required_parameters_and_takes_json_or_lines(kit: Kit) -> None:
    wf = form(kit)
    res = await kit.run(wf)
    assert isinstance(res.outcome, Interrupted) and res.outcome.interrupt_data["type"] == 5
    required = res.outcome.interrupt_data["required_parameters"]
    assert required == {
        "city": {"type": "string", "required": True},
        "days": {"type": "integer", "required": False},
    }
    assert json.loads(res.outcome.interrupt_data["data"])["content"] == "Trip details"
    done = await kit.resume(
        wf, res.outcome.interrupt_data["event_id"], '{"city": "Xi\\u2019an", "days": "3"}', 5
    )
    assert output(done.outcome) == {"city": "Xi’an", "days": 3}
    again = await kit.run(wf)
    assert isinstance(again.outcome, Interrupted)
    lines = await kit.resume(wf, again.outcome.interrupt_data["event_id"], "city: Lhasa\ndays: 2", 5)
    assert output(lines.outcome) == {"city": "Lhasa", "days": 2}


async def test_input_fails_after_three_answers_without_required_values(kit: Kit) -> None:
    wf = form(kit)
    res = await kit.run(wf)
    with pytest.raises(EmulatorError) as wrong_type:  # resuming a type-5 interrupt as a question: 4000
        await kit.resume(wf, res.outcome.interrupt_data["event_id"], "x", 2)
    assert wrong_type.value.code == 4000
    for _ in range(2):
        assert isinstance(res.outcome, Interrupted)
        res = await kit.resume(wf, res.outcome.interrupt_data["event_id"], '{"days": 1}', 5)
        assert isinstance(res.outcome, Interrupted)
        assert "'city'" in json.loads(res.outcome.interrupt_data["data"])["error"]
    res = await kit.resume(wf, res.outcome.interrupt_data["event_id"], "no values here", 5)
    assert isinstance(res.outcome, Failed) and "3 attempts" in res.outcome.msg
