"""An LLM node's skills (`fcParam`): plugin tools and workflows the model may call, and knowledge bases
whose slices are recalled for the prompt before the model answers.

The model is asked in rounds: when it calls tools, they run and the next round sees their outputs; a
workflow tool whose end node answers with text (`useAnswerContent`) ends the node with that text, as
Coze Studio returns such tools directly.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any, Dict, List, Optional, Tuple

from ...core.llm import (
    Calls,
    DeterministicModel,
    ModelRequest,
    Text,
    ToolCall,
    ToolSpec,
    arguments_json,
    estimate_tokens,
)
from ..engine.context import Done, Failed, Interrupt, Interrupted, RunState
from . import model as m
from .convert import as_text
from .engine import MAX_DEPTH, NodeError, Run, execute_child
from .model import Node

MAX_ROUNDS = 6
"""Model turns per LLM node with tools; a model still calling tools after that fails the node."""
SEARCH_MODES = {0: 0, 1: 1, 20: 20}


@dataclasses.dataclass
class Tool:
    spec: ToolSpec
    plugin: Optional[Tuple[str, str]] = None
    """(plugin id, tool name)."""
    workflow: Optional[Tuple[str, Optional[str]]] = None
    """(workflow id, version)."""


@dataclasses.dataclass
class Skills:
    tools: List[Tool]
    knowledge: List[str]
    top_k: int = 3
    search_mode: int = 0
    names: Dict[str, str] = dataclasses.field(default_factory=dict)
    """Knowledge base names by id, as the node lists them."""
    no_recall_reply: Optional[str] = None
    """The slice given to the model when nothing is recalled (`no_recall_reply_mode` 1)."""
    min_score: Optional[float] = None


async def recall(
    run: Run, bases: List[str], query: str, top_k: int, strategy: int, min_score: Optional[float]
) -> List[Dict[str, Any]]:
    """The best `top_k` slices of these bases for `query`, without those scoring under `min_score`, as
    Coze Studio recalls for knowledge retrieval nodes and LLM knowledge skills alike (it keeps the top K,
    then drops each slice whose score, the one of the search that found it, is under the minimum)."""
    hits = await run.host.recall(bases, query, top_k, strategy) if bases else []
    if not min_score:
        return hits
    return [h for h in hits if float(h.get("relevance", h.get("score", 0.0))) >= min_score]


def choose_bases(skills: Skills, system: str, prompt: str) -> List[str]:
    """The listed knowledge bases to recall from. Coze Studio asks a model to pick the fitting ones
    among the listed, where the system prompt's choice comes first; the emulator's stand-in: the bases
    the system prompt names (by name or id), else the ones the prompt names, else every listed base."""
    for text in (system, prompt):
        lowered = text.lower()
        named = [
            k
            for k in skills.knowledge
            if k in text or (skills.names.get(k) and skills.names[k].lower() in lowered)
        ]
        if named:
            return named
    return list(skills.knowledge)


def lists(node: Node) -> Tuple[List[Any], List[Any], List[Any], Dict[str, Any]]:
    raw = node.setting("fcParam") if node.type == m.LLM else None
    raw = raw if isinstance(raw, dict) else {}
    plugins = (raw.get("pluginFCParam") or {}).get("pluginList") or []
    workflows = (raw.get("workflowFCParam") or {}).get("workflowList") or []
    know = raw.get("knowledgeFCParam") or {}
    return plugins, workflows, know.get("knowledgeList") or [], know.get("global_setting") or {}


async def of(run: Run, node: Node) -> Skills:
    plugins, workflows, knowledge, setting = lists(node)
    tools = [
        Tool(
            ToolSpec(str(p["api_name"]), f"{p['api_name']} of plugin {p['plugin_id']}"),
            plugin=(
                str(p["plugin_id"]),
                str(p["api_name"]),
            ),
        )
        for p in plugins
    ]
    for w in workflows:
        version = str(w.get("workflow_version") or "") or None
        name, description = await run.host.workflow_info(str(w["workflow_id"]), version)
        tools.append(Tool(ToolSpec(name, description), workflow=(str(w["workflow_id"]), version)))
    custom = str(setting.get("no_recall_reply_customize_prompt") or "")
    min_score = setting.get("min_score")
    return Skills(
        tools,
        [str(k["id"]) for k in knowledge],
        int(setting.get("top_k") or 3),
        SEARCH_MODES.get(int(setting.get("search_mode") or 0), 0),
        {str(k["id"]): str(k.get("name") or "") for k in knowledge},
        custom if str(setting.get("no_recall_reply_mode") or 0) == "1" and custom else None,
        float(min_score) if isinstance(min_score, (int, float, str)) and str(min_score).strip() else None,
    )


def with_knowledge(prompt: str, slices: List[str]) -> str:
    """The prompt with recalled slices in front of it."""
    if not slices:
        return prompt
    listing = "\n\n".join(slices)
    head = "Reference material from the knowledge base:"
    return f"{head}\n---\n{listing}\n---\nUsing it where it helps, answer: {prompt}"


class _ToolWaits(Exception):
    """A workflow tool stopped at a question or input node: the LLM node interrupts the run."""

    def __init__(self, outcome: Interrupted, child: RunState) -> None:
        super().__init__(outcome.node_title)
        self.outcome = outcome
        self.child = child


async def _call_workflow(
    run: Run,
    workflow_id: str,
    version: Optional[str],
    arguments: Dict[str, Any],
    saved: Optional[Dict[str, Any]] = None,
    answer: Optional[str] = None,
) -> Tuple[str, bool]:
    """Runs a workflow tool (or resumes the `saved` run with `answer`): its output text, and whether it
    answers directly (`useAnswerContent`); raises _ToolWaits when it stops for an answer."""
    if run.depth >= MAX_DEPTH:
        raise NodeError(f"workflows nest deeper than {MAX_DEPTH}")
    canvas = await run.host.sub_canvas(workflow_id, version)
    if saved is not None and answer is not None:
        child = RunState.from_json(saved)
    else:
        child = RunState(outputs={canvas.start.id: dict(arguments)})
        answer = None
    outcome = await execute_child(run, canvas, workflow_id, child, answer)
    if isinstance(outcome, Failed):
        raise NodeError(f"skill workflow {workflow_id}: {outcome.msg}", outcome.code)
    if isinstance(outcome, Interrupted):
        raise _ToolWaits(outcome, child)
    if not isinstance(outcome, Done):
        raise NodeError(f"skill workflow {workflow_id} did not finish")
    end = canvas.end
    direct = (end.setting("terminatePlan") or "returnVariables") == "useAnswerContent"
    return outcome.output, direct


async def _run_tool(run: Run, tool: Tool, arguments: Dict[str, Any]) -> Tuple[str, bool]:
    if tool.plugin is not None:
        result = await run.host.call_plugin(tool.plugin[0], tool.plugin[1], arguments)
        return json.dumps(result, ensure_ascii=False), False
    assert tool.workflow is not None
    return await _call_workflow(run, tool.workflow[0], tool.workflow[1], arguments)


def _arguments(raw: Any) -> Dict[str, Any]:
    if isinstance(raw, str):
        try:
            raw = json.loads(raw) if raw.strip() else {}
        except json.JSONDecodeError:
            raise NodeError(f"the model's tool arguments are not JSON: {raw[:80]!r}") from None
    if not isinstance(raw, dict):
        raise NodeError("the model's tool arguments are not an object")
    return raw


async def converse(
    run: Run,
    node: Node,
    system: str,
    prompt: str,
    history: List[Dict[str, str]],
    skills: Optional[Skills],
    answer: Optional[str] = None,
    key: str = "skill",
) -> Tuple[str, str, bool]:
    """The model's final text, its reasoning, and whether the deterministic stand-in gave it; tool calls
    in between run the node's skills. A workflow tool that stops for an answer interrupts the run, as in
    Coze Studio; the resume's `answer` carries it on and the model sees its result. The waiting state is
    kept in the node's record under `key` (one per batch or loop item)."""
    skills = skills or Skills([], [])
    rec = run.state.nodes.setdefault(node.id, {})
    saved = rec.pop(key, None) if answer is not None else None
    slices: List[str] = []
    if skills.knowledge:
        bases = choose_bases(skills, system, prompt)
        hits = await recall(run, bases, prompt, skills.top_k, skills.search_mode, skills.min_score)
        slices = [as_text(h.get("content")) for h in hits]
        if not slices and skills.no_recall_reply:
            slices = [skills.no_recall_reply]
    query = with_knowledge(prompt, slices)
    if saved is not None:
        slices, query = list(saved["slices"]), str(saved["query"])
    by_name = {t.spec.name: t for t in skills.tools}
    for t in skills.tools:  # Coze Studio names a workflow tool `ts_<name>_<name>`: that name calls it too
        if t.workflow is not None:
            by_name.setdefault(f"ts_{t.spec.name}_{t.spec.name}", t)
    calls: List[ToolCall] = []
    outputs: Dict[str, str] = {}
    pending: List[Dict[str, Any]] = []
    waiting: Optional[Dict[str, Any]] = None
    rounds = 0
    if saved is not None:
        calls = [ToolCall(c["id"], c["name"], c["arguments"]) for c in saved["calls"]]
        outputs, pending, waiting, rounds = (
            dict(saved["outputs"]),
            list(saved["pending"]),
            saved["waiting"],
            int(saved["rounds"]),
        )

    async def run_calls(asked: List[Dict[str, Any]], waiting: Optional[Dict[str, Any]]) -> Optional[str]:
        """Runs the calls in turn; a direct answer ends the node (returned); a waiting tool interrupts."""
        for k, call in enumerate(asked):
            name = str(call.get("name") or "")
            call_id = str(call.get("id") or run.host.new_id())
            call = {**call, "id": call_id}
            tool = by_name.get(name)
            arguments = _arguments(call.get("arguments"))
            resume = waiting if k == 0 and waiting is not None else None
            if tool is None:
                result, direct = f"error: there is no tool named {name!r}", False
            else:
                try:
                    if resume is not None and tool.workflow is not None:
                        result, direct = await _call_workflow(
                            run, tool.workflow[0], tool.workflow[1], arguments, resume, answer
                        )
                    else:
                        result, direct = await _run_tool(run, tool, arguments)
                except _ToolWaits as wait:
                    rec[key] = {
                        "slices": slices,
                        "query": query,
                        "calls": [dataclasses.asdict(c) for c in calls],
                        "outputs": outputs,
                        "pending": [call, *asked[k + 1 :]],
                        "waiting": wait.child.to_json(),
                        "rounds": rounds,
                    }
                    data = wait.outcome.interrupt_data
                    extra = {key: v for key, v in data.items() if key not in ("event_id", "type", "data")}
                    raise Interrupt(
                        int(data["type"]), str(data["data"]), wait.outcome.node_title, extra
                    ) from None
            if direct:
                return result
            calls.append(ToolCall(call_id, name, arguments_json(arguments)))
            outputs[call_id] = result
        return None

    if pending:
        direct_answer = await run_calls(pending, waiting)
        if direct_answer is not None:
            return direct_answer, "", False
    while rounds < MAX_ROUNDS:
        rounds += 1
        model = run.host.model_for(run.workflow_id, node.id)
        request = ModelRequest(
            bot_name=node.title,
            system_prompt=system,
            history=history,
            query=query,
            tools=[t.spec for t in skills.tools],
            tool_calls=list(calls),
            tool_outputs=dict(outputs),
            knowledge=slices,
        )
        parts: List[str] = []
        reasoning: List[str] = []
        asked: List[Dict[str, Any]] = []
        async for event in model.run(request):
            if isinstance(event, Text):
                (reasoning if event.reasoning else parts).append(event.chunk)
            elif isinstance(event, Calls):
                asked.extend(event.calls)
            else:
                raise NodeError(event.msg, event.code)
        text = "".join(parts)
        run.state.add_usage(estimate_tokens(system + query + json.dumps(outputs)), estimate_tokens(text))
        if not asked:
            return text, "".join(reasoning), isinstance(model, DeterministicModel)
        if not skills.tools:
            raise NodeError("the model called a tool, but this LLM node has no skills")
        direct_answer = await run_calls(asked, None)
        if direct_answer is not None:
            return direct_answer, "", False
    raise NodeError(f"the model was still calling tools after {MAX_ROUNDS} turns")
