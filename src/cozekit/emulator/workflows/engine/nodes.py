"""The node types: start, end, llm, template, condition, question, message and code (the sub-workflow
node runs a workflow, so it lives with the runner)."""

from __future__ import annotations

import json
from typing import Any, Awaitable, Callable, Dict, List, Optional, Union

from ...core.llm import Calls, ModelRequest, Text, estimate_tokens
from . import expr
from .context import NODE_FAILED, Interrupt, NodeFailure, RunContext, emit_message
from .definition import Node, condition_ports, declarations, end_plan, param_info
from .params import ParameterError, check_values
from .refs import MissingValue, render, resolve

Executor = Callable[[RunContext, Node, Optional[str]], Awaitable[Any]]


def node_failure(reason: Union[Exception, str]) -> NodeFailure:
    return NodeFailure(NODE_FAILED, str(reason))


def resolve_refs(ctx: RunContext, value: Any) -> Any:
    try:
        return resolve(value, ctx.state.outputs)
    except MissingValue as exc:
        raise node_failure(exc) from None


def _render(ctx: RunContext, template: str) -> str:
    try:
        return render(template, ctx.state.outputs)
    except MissingValue as exc:
        raise node_failure(exc) from None


async def emit_text(
    ctx: RunContext, node: Node, text: str, stream: bool, usage: Optional[Dict[str, int]] = None
) -> None:
    """Message events for one node's text."""
    await emit_message(ctx.emit, ctx.services, ctx.state.nodes, node.id, node.title, text, stream, usage)


async def start(ctx: RunContext, node: Node, answer: Optional[str]) -> Any:
    return ctx.state.outputs.get(node.id, {})


async def end(ctx: RunContext, node: Node, answer: Optional[str]) -> Any:
    if end_plan(node) == "use_answer_content":
        text = _render(ctx, str(node.get("answer", "")))
        ctx.state.result = text
        if ctx.depth == 0:
            await emit_text(ctx, node, text, bool(node.get("stream", True)), ctx.state.usage)
        return {"output": text}
    outputs = resolve_refs(ctx, node.get("outputs") or {})
    ctx.state.result = json.dumps(outputs, ensure_ascii=False)
    if ctx.depth == 0:
        await emit_text(ctx, node, ctx.state.result, False, ctx.state.usage)
    return outputs


async def llm(ctx: RunContext, node: Node, answer: Optional[str]) -> Any:
    prompt = _render(ctx, str(node.get("prompt", "")))
    system = _render(ctx, str(node.get("system_prompt", "")))
    model = ctx.services.model_for(ctx.workflow_id, node.id)
    request = ModelRequest(bot_name=node.title, system_prompt=system, history=list(ctx.history), query=prompt)
    parts: List[str] = []
    async for event in model.run(request):
        if isinstance(event, Text):
            if not event.reasoning:
                parts.append(event.chunk)
        elif isinstance(event, Calls):
            raise NodeFailure(NODE_FAILED, "tool calls are not supported in workflow LLM nodes")
        else:
            raise NodeFailure(event.code, event.msg)
    text = "".join(parts)
    ctx.state.add_usage(estimate_tokens(system + prompt), estimate_tokens(text))
    return {"output": text}


async def template(ctx: RunContext, node: Node, answer: Optional[str]) -> Any:
    return {"output": _render(ctx, str(node.get("template")))}


async def message(ctx: RunContext, node: Node, answer: Optional[str]) -> Any:
    text = _render(ctx, str(node.get("content")))
    ctx.state.messages[node.title] = text
    await emit_text(ctx, node, text, bool(node.get("stream", True)))
    return {"output": text}


def _names(ctx: RunContext, node: Node) -> Dict[str, Any]:
    return {**ctx.state.outputs, **resolve_refs(ctx, node.get("inputs") or {})}


async def code(ctx: RunContext, node: Node, answer: Optional[str]) -> Any:
    names = _names(ctx, node)
    outputs = {}
    for name, source in node.get("outputs").items():
        try:
            outputs[name] = expr.evaluate(source, names)
        except expr.ExpressionError as exc:
            raise node_failure(f"output {name}: {exc}") from None
    try:
        json.dumps(outputs)
    except (TypeError, ValueError):
        raise node_failure("outputs must be JSON values") from None
    return outputs


async def condition(ctx: RunContext, node: Node, answer: Optional[str]) -> Any:
    names = _names(ctx, node)
    ports = condition_ports(node)
    for branch, port in zip(node.get("branches"), ports):
        try:
            if expr.evaluate(branch["when"], names):
                return {"branch": port}
        except expr.ExpressionError as exc:
            raise node_failure(f"branch {port}: {exc}") from None
    return {"branch": "false"}


def _option_id(i: int) -> str:
    return chr(ord("A") + i) if i < 26 else str(i)


async def question(ctx: RunContext, node: Node, answer: Optional[str]) -> Any:
    text = _render(ctx, str(node.get("question")))
    options = [str(o) for o in resolve_refs(ctx, node.get("options") or [])]
    rec = ctx.state.nodes[node.id]
    if answer is not None:
        if not options:
            return {"USER_RESPONSE": answer}
        picked = _match_option(answer, options)
        if picked is not None:
            return {"optionId": _option_id(picked), "optionContent": options[picked]}
        if node.get("allow_other"):
            return {"optionId": "other", "optionContent": answer}
        rec["misses"] = int(rec.get("misses", 0)) + 1
        if rec["misses"] >= int(node.get("max_attempts", 3)):
            raise NodeFailure(NODE_FAILED, f"no valid answer after {rec['misses']} attempts")
        text = f"Please answer with one of: {', '.join(options)}. {text}"
    await emit_text(ctx, node, text, False)
    raise Interrupt.question(node.id, text, options)


def _form(answer: str) -> Dict[str, Any]:
    """An input node's answer: a JSON object, or `name: value` lines."""
    try:
        value = json.loads(answer)
    except json.JSONDecodeError:
        value = None
    if isinstance(value, dict):
        return value
    pairs = [line.split(":", 1) for line in answer.splitlines() if ":" in line]
    if not pairs:
        raise ParameterError("send a JSON object or `name: value` lines")
    return {k.strip(): v.strip() for k, v in pairs}


async def input_node(ctx: RunContext, node: Node, answer: Optional[str]) -> Any:
    """Interrupts (type 5) for values; the resume sends them as JSON or `name: value` lines."""
    decls = declarations(node.get("inputs"))
    rec = ctx.state.nodes[node.id]
    problem = ""
    if answer is not None:
        try:
            return check_values(decls, _form(answer))
        except ParameterError as exc:
            rec["misses"] = int(rec.get("misses", 0)) + 1
            if rec["misses"] >= int(node.get("max_attempts", 3)):
                raise NodeFailure(
                    NODE_FAILED, f"no valid input after {rec['misses']} attempts: {exc}"
                ) from None
            problem = str(exc)
    content = _render(ctx, str(node.get("prompt", "")))
    raise Interrupt.input(content, problem, {k: param_info(d) for k, d in decls.items()})


def _match_option(answer: str, options: List[str]) -> Optional[int]:
    cleaned = answer.strip()
    for i, option in enumerate(options):
        if cleaned.lower() in (option.lower(), _option_id(i).lower()):
            return i
    return None


EXECUTORS: Dict[str, Executor] = {
    "start": start,
    "end": end,
    "llm": llm,
    "template": template,
    "condition": condition,
    "question": question,
    "input": input_node,
    "message": message,
    "code": code,
}
