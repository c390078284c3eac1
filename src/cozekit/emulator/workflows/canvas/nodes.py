"""What each node type does. An executor takes the run, the node, the scope of node outputs and (on
resume) the caller's answer, and returns the node's outputs and the branch it takes."""

from __future__ import annotations

import asyncio
import json
import re
import urllib.parse
from typing import Any, Dict, List, Optional, Tuple

from ..engine.context import INPUT, QUESTION, Failed, Interrupt, Interrupted, RunState
from . import conversation_nodes, database_nodes, http_node, skills
from . import model as m
from .code_runner import CodeError, run_code
from .convert import ConversionError, as_text, convert, convert_all, empty_of, pair, render, to_json
from .engine import (
    BATCH_ITEM,
    MAX_DEPTH,
    USER_VARIABLES,
    Executor,
    LoopSignal,
    NodeError,
    Result,
    Run,
    Scope,
    ask_first_waiting,
    emit_text,
    execute_child,
    inputs_of,
    layered,
    resolve,
    run_body,
    setting_value,
    typed_outputs,
)
from .graph import body
from .model import Node, TypeInfo

MAX_ITERATIONS = 1000
"""An infinite loop stops with an error after this many iterations (a break node ends it sooner)."""


def _start_decls(node: Node) -> Dict[str, TypeInfo]:
    return {v.name: v.type for v in node.outputs}


def default_of(var: m.Variable) -> Any:
    """A declared default (the editor stores most as text) as a value of its type."""
    if var.default is None or var.default == "":
        return None
    warnings: List[str] = []
    return convert(var.default, var.type, var.name, warnings)


def _unset(value: Any, kind: str) -> bool:
    """Whether a start value gives way to the parameter's default: missing, or (as in Coze Studio) an
    empty text, list or object."""
    if value is None:
        return True
    return kind in ("string", "list", "object") and isinstance(value, (str, list, dict)) and not value


async def start(run: Run, node: Node, scope: Scope, answer: Optional[str]) -> Result:
    given = dict(scope.get(node.id) or {})
    warnings: List[str] = []
    try:
        values = convert_all(given, _start_decls(node), warnings, check_required=False)
        for var in node.outputs:
            default = default_of(var)
            if default is not None and _unset(values.get(var.name), var.type.type):
                values[var.name] = default
        values = convert_all(values, _start_decls(node), warnings)
    except ConversionError as exc:
        raise NodeError(str(exc)) from None
    return Result(values)


async def end(run: Run, node: Node, scope: Scope, answer: Optional[str]) -> Result:
    values = inputs_of(run, scope, node)
    st = run.state
    if (node.setting("terminatePlan") or "returnVariables") == "useAnswerContent":
        text = render(str(setting_value(run, scope, node, "content", "") or ""), values)
        st.result = text
        if run.depth == 0:
            await emit_text(run, node, text, bool(node.setting("streamingOutput", False)), st.usage)
        return Result({"output": text})
    st.result = to_json(values, sort_keys=True)  # Coze Studio writes the variables with sorted keys
    if run.depth == 0:
        await emit_text(run, node, st.result, False, st.usage)
    return Result(values)


async def output(run: Run, node: Node, scope: Scope, answer: Optional[str]) -> Result:
    values = inputs_of(run, scope, node)
    text = render(str(setting_value(run, scope, node, "content", "") or ""), values)
    run.state.messages[node.title] = text
    await emit_text(run, node, text, bool(node.setting("streamingOutput", False)))
    return Result({"output": text})


# -- models -----------------------------------------------------------------------------------------------


def llm_params(node: Node) -> Dict[str, Any]:
    """`llmParam` as a dict: the LLM node writes a list of `{name, input}`, others an object."""
    raw = node.setting("llmParam")
    if isinstance(raw, dict):
        out: Dict[str, Any] = {}
        for key, value in raw.items():
            if isinstance(value, dict) and isinstance(value.get("value"), dict):
                out[key] = value["value"].get("content")
            else:
                out[key] = value
        return out
    out = {}
    for item in raw or []:
        if isinstance(item, dict) and isinstance(item.get("input"), dict):
            out[str(item.get("name"))] = (item["input"].get("value") or {}).get("content")
    return out


def _history(run: Run, params: Dict[str, Any], node: Node) -> List[Dict[str, str]]:
    setting = node.setting("chatHistorySetting") or {}
    enabled = params.get("enableChatHistory") or (
        isinstance(setting, dict) and setting.get("enableChatHistory")
    )
    if not enabled or not _truthy(enabled):
        return []
    rounds = int(params.get("chatHistoryRound") or (setting or {}).get("chatHistoryRound") or 3)
    return list(run.history[-2 * rounds :])


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


async def ask_model(
    run: Run, node: Node, system: str, prompt: str, history: List[Dict[str, str]]
) -> Tuple[str, str, bool]:
    """The model's reply text, its reasoning, and whether it is the deterministic stand-in (no tools)."""
    return await skills.converse(run, node, system, prompt, history, None)


_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.S)


async def llm(run: Run, node: Node, scope: Scope, answer: Optional[str]) -> Result:
    params = llm_params(node)
    values = inputs_of(run, scope, node)
    prompt = render(str(params.get("prompt") or ""), values)
    system = render(str(params.get("systemPrompt") or ""), values)
    history = _history(run, params, node)
    text, reasoning, stand_in = await skills.converse(
        run,
        node,
        system,
        prompt,
        history,
        await skills.of(run, node),
        answer,
        _item_key(node, scope, "skill"),
    )
    declared = [v for v in node.outputs if v.name not in ("reasoning_content", "errorBody", "isSuccess")]
    out: Dict[str, Any]
    as_json = str(params.get("responseFormat", 0)) == "2"
    if len(declared) == 1 and declared[0].type.type == "string":
        as_json = False  # one text output: Coze reads the reply as text whatever the format
    if as_json and declared:
        fenced = _FENCE.match(text)
        try:
            parsed = json.loads(fenced.group(1) if fenced else text)
        except json.JSONDecodeError:
            parsed = None
        if not isinstance(parsed, dict):
            if not stand_in:
                raise NodeError(f"the model's reply is not a JSON object: {text[:80]!r}")
            # the deterministic model answers in prose: its JSON mode answers the declared schema
            parsed = {v.name: sample_of(v.type, text) for v in declared}
        out = parsed
    else:
        out = {(declared[0].name if declared else "output"): text}
    if node.output("reasoning_content") is not None:
        out["reasoning_content"] = reasoning
    return Result(typed_outputs(node, out))


def sample_of(info: TypeInfo, text: str) -> Any:
    """The deterministic model's JSON value for a declared type: text fields hold its prose reply,
    numbers are 0, booleans false, times `1970-01-01 00:00:00`, objects have every declared property,
    and lists hold one such item (an empty list when the item type is not declared)."""
    kind = info.type
    if kind == "object":
        return {name: sample_of(prop, text) for name, prop in info.props.items()}
    if kind == "list":
        return [] if info.elem is None else [sample_of(info.elem, text)]
    if kind == "time":
        return "1970-01-01 00:00:00"
    if kind in ("string", "file"):
        return text
    return empty_of(info)


async def intent(run: Run, node: Node, scope: Scope, answer: Optional[str]) -> Result:
    """Picks one of the intents for `query`; `classificationId` 0 (the default branch) means none."""
    intents = [str((i or {}).get("name") or "") for i in node.setting("intents") or []]
    values = inputs_of(run, scope, node)
    query = as_text(values.get("query"))
    params = llm_params(node)
    listing = "\n".join(f"{i + 1}. {name}" for i, name in enumerate(intents))
    system = render(str(params.get("systemPrompt") or ""), values)
    prompt = (
        f"Classify the user's message into one of these intents (0 for none):\n{listing}\nMessage: {query}"
    )
    text, _, stand_in = await ask_model(run, node, system, prompt, _history(run, params, node))
    if stand_in:
        chosen, reason = match_intent(query, intents)
    else:  # Coze Studio's reply: {"classificationId": n, "reason": ...}, or (fast mode) the number alone
        chosen, reason = _intent_reply(text, len(intents))
    port = f"branch_{chosen - 1}" if chosen else "default"
    return Result(typed_outputs(node, {"classificationId": chosen, "reason": reason}), port)


_WORD = re.compile(r"\w+", re.U)


def match_intent(query: str, intents: List[str]) -> Tuple[int, str]:
    """The deterministic stand-in's intent (1-based; 0 for none) and its reason: the first intent whose
    whole text the query contains (case-insensitive); else the intent sharing the most words with the
    query (words of two letters or more; the first one on a tie); else none."""
    lowered = query.lower()
    for i, name in enumerate(intents):
        if name.strip() and name.strip().lower() in lowered:
            return i + 1, f"the message mentions {name!r}"
    words = {w for w in _WORD.findall(lowered) if len(w) > 1}
    best, best_shared = 0, 0
    for i, name in enumerate(intents):
        shared = len(words & {w for w in _WORD.findall(name.lower()) if len(w) > 1})
        if shared > best_shared:
            best, best_shared = i + 1, shared
    if best:
        return best, f"the message shares {best_shared} word(s) with {intents[best - 1]!r}"
    return 0, "no intent is mentioned"


def _intent_reply(text: str, count: int) -> Tuple[int, str]:
    start, end = text.find("{"), text.find("}")
    reply: Any = None
    if start >= 0 and end > start:
        try:
            reply = json.loads(text[start : end + 1])
        except json.JSONDecodeError:
            reply = None
    if isinstance(reply, dict) and "classificationId" in reply:
        raw, reason = reply.get("classificationId"), as_text(reply.get("reason"))
    else:
        found = re.search(r"-?\d+", text)
        raw, reason = (found.group(0) if found else None), text
    try:
        chosen = int(str(raw))
    except ValueError:
        raise NodeError(f"the model's intent is not a number: {text[:80]!r}") from None
    return (chosen if 0 < chosen <= count else 0), reason


# -- logic ----------------------------------------------------------------------------------------------


def _operand(run: Run, scope: Scope, raw: Any) -> Tuple[Any, Optional[TypeInfo]]:
    if not isinstance(raw, dict) or not isinstance(raw.get("input"), dict):
        return None, None
    value = m.parse_value(raw["input"], "operand", "")
    return resolve(run, scope, value), value.type


def _length(value: Any) -> int:
    return len(value) if isinstance(value, (str, list, dict)) else 0


def compare(op: int, left: Any, right: Any, left_type: Optional[TypeInfo] = None) -> bool:
    """One condition of a condition node, with Coze's operator numbers and null rules."""
    if op == 1:  # equal: null equals only null; numbers compare across int and float
        if left is None or right is None:
            return left is None and right is None
        a, b = pair((left, right))
        return type(a) is type(b) and bool(a == b)
    if op == 2:
        return not compare(1, left, right)
    if op in (3, 4, 5, 6):  # length comparisons (null has length 0)
        n, limit = _length(left), int(right or 0)
        return {3: n > limit, 4: n >= limit, 5: n < limit, 6: n <= limit}[op]
    if op in (7, 8):  # contain / not contain (a key, for objects)
        if left is None:
            found = False
        elif isinstance(left, (dict, str)):
            found = str(right) in left
        elif isinstance(left, list):
            found = right in left
        else:
            found = False
        return found if op == 7 else not found
    if op in (9, 10):  # empty / not empty
        empty = (
            left is None
            or (isinstance(left, (list, dict)) and not left)
            or (isinstance(left, str) and left in ("", "None"))
            or (isinstance(left, bool) and not left)
            or (not isinstance(left, bool) and isinstance(left, (int, float)) and left == 0)
        )
        return empty if op == 9 else not empty
    if op == 11:
        return left is True
    if op == 12:
        return left is None or left is False
    if op in (13, 14, 15, 16):
        if left is None or right is None:  # Coze's null rules: null is below every number
            nulls = {
                13: left is not None,
                14: left is not None or right is None,
                15: left is None and right is not None,
                16: left is None,
            }
            return nulls[op]
        a, b = pair((left, right))
        try:
            return bool({13: a > b, 14: a >= b, 15: a < b, 16: a <= b}[op])
        except TypeError:
            raise NodeError(f"cannot compare {as_text(left)!r} with {as_text(right)!r}") from None
    raise NodeError(f"unknown condition operator {op}")


async def selector(run: Run, node: Node, scope: Scope, answer: Optional[str]) -> Result:
    for i, branch in enumerate(node.setting("branches") or []):
        condition = (branch or {}).get("condition") or {}
        results = []
        for cond in condition.get("conditions") or []:
            left, left_type = _operand(run, scope, cond.get("left"))
            right, _ = _operand(run, scope, cond.get("right"))
            results.append(compare(int(cond.get("operator") or 0), left, right, left_type))
        logic = int(condition.get("logic") or 2)
        hit = any(results) if logic == 1 else (all(results) and bool(results))
        if hit:
            return Result({}, "true" if i == 0 else f"true_{i}")
    return Result({}, "false")


async def aggregator(run: Run, node: Node, scope: Scope, answer: Optional[str]) -> Result:
    """Each group's first variable that has a value."""
    out: Dict[str, Any] = {}
    for group in node.setting("mergeGroups") or []:
        chosen = None
        for raw in group.get("variables") or []:
            value = resolve(run, scope, m.parse_value(raw, str(group.get("name")), node.id))
            if value is not None:
                chosen = value
                break
        out[str(group.get("name"))] = chosen
    return Result(typed_outputs(node, out))


async def text(run: Run, node: Node, scope: Scope, answer: Optional[str]) -> Result:
    values = inputs_of(run, scope, node)
    if node.setting("method") == "concat":
        settings = {
            p.name: p.value.literal for p in m.params(node.setting("concatParams"), "concatParams", node.id)
        }
        joiner = str(settings.get("arrayItemConcatChar") or "")
        tpl = str(settings.get("concatResult") or "")
        result = render(tpl, values, lambda items: joiner.join(as_text(i, True) for i in items))
        return Result({"output": result})
    settings = {
        p.name: p.value.literal for p in m.params(node.setting("splitParams"), "splitParams", node.id)
    }
    separators = [str(s) for s in settings.get("delimiters") or [] if s != ""] or [","]
    source = values.get("String")
    if not isinstance(source, str):
        raise NodeError("split needs the text in the input named String")
    parts = [source]
    for sep in separators:
        parts = [piece for part in parts for piece in part.split(sep)]
    return Result({"output": parts})


async def json_serialize(run: Run, node: Node, scope: Scope, answer: Optional[str]) -> Result:
    values = inputs_of(run, scope, node)
    return Result({"output": to_json(values.get("input"))})


async def json_deserialize(run: Run, node: Node, scope: Scope, answer: Optional[str]) -> Result:
    values = inputs_of(run, scope, node)
    source = values.get("input")
    if not isinstance(source, str):
        raise NodeError("the input to deserialize must be text")
    try:
        parsed = json.loads(source)
    except json.JSONDecodeError as exc:
        raise NodeError(f"the input is not JSON: {exc}") from None
    return Result(typed_outputs(node, {"output": parsed}))


async def code(run: Run, node: Node, scope: Scope, answer: Optional[str]) -> Result:
    values = inputs_of(run, scope, node)
    setting = node.setting("settingOnError") or {}
    timeout = float(setting.get("timeoutMs") or 0) / 1000 if isinstance(setting, dict) else 0
    try:
        result = await run_code(
            int(node.setting("language")), str(node.setting("code") or ""), values, timeout or None
        )
    except CodeError as exc:
        raise NodeError(str(exc)) from None
    if not isinstance(result, dict):
        raise NodeError(f"main must return an object, not {as_text(result)[:60]!r}")
    declared = {v.name for v in node.outputs if v.name not in ("errorBody", "isSuccess")}
    return Result(typed_outputs(node, {k: v for k, v in result.items() if k in declared or not declared}))


# -- waiting for the caller -------------------------------------------------------------------------------


def _option_id(i: int) -> str:
    return chr(ord("A") + i) if i < 26 else str(i)


async def question(run: Run, node: Node, scope: Scope, answer: Optional[str]) -> Result:
    values = inputs_of(run, scope, node)
    text_ = render(str(node.setting("question") or ""), values)
    options: List[str] = []
    if node.setting("answer_type") == "option":
        if node.setting("option_type") == "dynamic":
            dynamic = setting_value(run, scope, node, "dynamic_option", [])
            options = [as_text(o) for o in (dynamic if isinstance(dynamic, list) else [])]
        else:
            options = [
                render(str((o or {}).get("name") or ""), values) for o in node.setting("options") or []
            ]
    rec = run.state.nodes.setdefault(node.id, {})
    key = _item_key(node, scope, "qa")
    asked = rec.pop(key, None) if answer is not None else None
    if answer is not None:
        if not options:
            if node.setting("extra_output"):
                qa = asked or {"questions": [text_], "answers": [], "fields": [[]]}
                qa["answers"].append(answer)
                follow_up, found = await _extract(run, node, values, qa)
                if follow_up is None:
                    return Result(typed_outputs(node, {**found, "USER_RESPONSE": answer}))
                limit = int(node.setting("limit") or 3)
                if len(qa["answers"]) >= limit:
                    raise NodeError(f"max answer count {limit} exceeded")
                qa["questions"].append(follow_up[0])
                qa["fields"].append(follow_up[1])
                rec[key] = qa
                await emit_text(run, node, follow_up[0], False)
                raise Interrupt(QUESTION, _qa_data(node, qa, None))
            return Result(typed_outputs(node, {"USER_RESPONSE": answer}))
        cleaned = answer.strip().lower()
        for i, option in enumerate(options):
            if cleaned in (option.lower(), _option_id(i).lower()):
                port = "branch_0" if node.setting("option_type") == "dynamic" else f"branch_{i}"
                return Result({"optionId": _option_id(i), "optionContent": option}, port)
        return Result({"optionId": "other", "optionContent": answer}, "default")
    await emit_text(run, node, text_, False)
    raise Interrupt(QUESTION, _qa_data(node, {"questions": [text_], "answers": []}, options or None))


def _item_key(node: Node, scope: Scope, name: str) -> str:
    """Where a node inside a loop or batch (or in its own batch mode) keeps its state between
    interrupts: one place per item, so that batch items waiting at the same node do not share it."""
    key = name
    own = scope.get(node.parent) if node.parent is not None else None
    index = own.get("index") if isinstance(own, dict) else None
    if index is not None:
        key = f"{key}:{index}"
    item = scope.get(BATCH_ITEM)  # one item of the node's own batch mode
    return key if item is None else f"{key}:item{item}"


def _qa_data(node: Node, qa: Dict[str, Any], options: Optional[List[str]]) -> str:
    """A question's interrupt data: earlier questions and answers of this node, then the new question
    (Coze Studio's message ids: `<node>_<2i>` for questions, `<node>_<i+1>` for answers)."""
    messages: List[Dict[str, Any]] = []
    questions, answers = qa["questions"], qa["answers"]
    for i, (q, a) in enumerate(zip(questions, answers)):
        messages.append(
            {"type": "question", "content_type": "text", "content": q, "id": f"{node.id}_{i * 2}"}
        )
        messages.append({"type": "answer", "content_type": "text", "content": a, "id": f"{node.id}_{i + 1}"})
    new = questions[-1]
    content: Any = new if not options else {"question": new, "options": [{"name": o} for o in options]}
    kind = "option" if options else "text"
    messages.append(
        {"type": "question", "content_type": kind, "content": content, "id": f"{node.id}_{len(answers) * 2}"}
    )
    return json.dumps({"messages": messages}, ensure_ascii=False)


_EXTRACT_SYSTEM = """You extract the values of fields from a user's answers.
Fields (JSON schema):
{schema}
Reply with JSON only: {{"fields": {{<the fields found>}}, "question": "<a follow-up question asking only
for the required fields not found yet, in the user's language; empty when none is missing>"}}.
Do not ask again what was asked before.{persona}"""


async def _extract(
    run: Run, node: Node, values: Dict[str, Any], qa: Dict[str, Any]
) -> Tuple[Optional[Tuple[str, List[str]]], Dict[str, Any]]:
    """A free answer's extra fields, as Coze Studio's question node asks its model for them: either a
    follow-up question (with the fields it asks for) or the fields. The deterministic stand-in applies
    `extract_fields` instead."""
    fields = [v for v in node.outputs if v.name != "USER_RESPONSE"]
    schema = {
        "type": "object",
        "properties": {v.name: {"type": v.type.type, "description": v.description} for v in fields},
        "required": [v.name for v in fields if v.type.required],
    }
    persona = render(str(llm_params(node).get("systemPrompt") or ""), values)
    system = _EXTRACT_SYSTEM.format(
        schema=to_json(schema), persona=f"\nPersona for follow-up questions: {persona}" if persona else ""
    )
    history: List[Dict[str, str]] = []
    for q, a in zip(qa["questions"], qa["answers"][:-1]):
        history += [{"role": "assistant", "content": q}, {"role": "user", "content": a}]
    history.append({"role": "assistant", "content": qa["questions"][-1]})
    required = ", ".join(v.name for v in fields if v.type.required) or "none"
    prompt = f"{qa['answers'][-1]}\n- Reply in JSON.\n- Required fields: {required}"
    text, _, stand_in = await ask_model(run, node, system, prompt, history)
    if stand_in:
        found = extract_fields(fields, qa["answers"], qa["fields"])
        missing = [v.name for v in fields if v.type.required and found.get(v.name) is None]
        return ((follow_up_question(missing), missing) if missing else None), found
    start, end = text.find("{"), text.rfind("}")
    try:
        reply = json.loads(text[start : end + 1]) if start >= 0 else None
    except json.JSONDecodeError:
        reply = None
    if not isinstance(reply, dict):
        raise NodeError(f"the model's extraction is not a JSON object: {text[:80]!r}")
    if isinstance(reply.get("question"), str) and reply["question"]:
        return (reply["question"], []), {}
    if not isinstance(reply.get("fields"), dict):
        raise NodeError("the model's extraction has no fields")
    return None, dict(reply["fields"])


def _label(name: str) -> str:
    return name.replace("_", " ").strip()


def follow_up_question(names: List[str]) -> str:
    """The deterministic stand-in's follow-up question for missing fields."""
    labels = [_label(n) for n in names]
    if len(labels) == 1:
        return f"What is your {labels[0]}?"
    return f"What are your {', '.join(labels[:-1])} and {labels[-1]}?"


_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")
_END_OF_VALUE = r"(?=\s*(?:[,;!?\n]|\.(?:\s|$)|\band\b)|\s*$)"


def _field_value(var: m.Variable, answer: str, asked_alone: bool) -> Any:
    """One field's value in one answer, or None: a JSON object's member; `<name> is <value>` (also `:`,
    `=`, `are`, `was`; the name with spaces for underscores, or its last word); else, when the answer
    replies to a follow-up question that asked for this field alone, the answer itself (its first
    number for numbers, yes/no for booleans)."""
    try:
        parsed = json.loads(answer)
    except json.JSONDecodeError:
        parsed = None
    if isinstance(parsed, dict):
        return parsed.get(var.name)
    kind = var.type.type
    value_re = _NUMBER.pattern if kind in ("integer", "number") else r"(?:\S.*?)"
    label = _label(var.name)
    names = {re.escape(label), re.escape(label.split(" ")[-1])}
    pattern = rf"\b(?:{'|'.join(sorted(names))})\b\s*(?:is|are|was|:|=)\s*({value_re}){_END_OF_VALUE}"
    found = re.search(pattern, answer, re.I)
    if found:
        return found.group(1).strip()
    if not asked_alone:
        return None
    if kind in ("integer", "number"):
        number = _NUMBER.search(answer)
        return number.group(0) if number else None
    if kind == "boolean":
        word = re.search(r"\b(yes|true|no|false)\b", answer, re.I)
        return None if word is None else word.group(1).lower() in ("yes", "true")
    return answer.strip() or None


def extract_fields(fields: List[m.Variable], answers: List[str], asked: List[List[str]]) -> Dict[str, Any]:
    """The deterministic stand-in's extraction: each field from the newest answer that gives it."""
    out: Dict[str, Any] = {}
    for var in fields:
        value = None
        for answer, wanted in reversed(list(zip(answers, asked))):
            value = _field_value(var, answer, wanted == [var.name])
            if value is not None:
                break
        out[var.name] = convert(value, var.type, var.name, [])
    return out


def _form(answer: str, names: List[str]) -> Dict[str, Any]:
    """An input node's answer: a JSON object, `name: value` lines, or (one field) the value itself."""
    try:
        value = json.loads(answer)
    except json.JSONDecodeError:
        value = None
    if isinstance(value, dict):
        return value
    pairs = {
        k.strip(): v.strip() for k, v in (line.split(":", 1) for line in answer.splitlines() if ":" in line)
    }
    if len(names) == 1 and names[0] not in pairs:
        return {names[0]: answer}
    return pairs


def _param_info(var: m.Variable) -> Dict[str, Any]:
    kind = {"list": "array", "time": "string", "file": "string"}.get(var.type.type, var.type.type)
    return {"type": kind, "required": var.type.required}


async def input_node(run: Run, node: Node, scope: Scope, answer: Optional[str]) -> Result:
    """Interrupts (type 5) for the declared values; the resume sends a JSON object or `name: value` lines."""
    problem = ""
    if answer is not None:
        warnings: List[str] = []
        try:
            form = _form(answer, [v.name for v in node.outputs])
            values = convert_all(form, {v.name: v.type for v in node.outputs}, warnings)
            if not warnings:
                return Result(values)
            problem = "; ".join(warnings)
        except ConversionError as exc:
            problem = str(exc)
    # Coze Studio's interrupt data: the form's schema (`outputSchema`, as the editor saved it) as text;
    # the same text streams as the node's message before the interrupt
    schema = node.setting("outputSchema")
    if not isinstance(schema, str) or not schema:
        schema = to_json(
            [{k: v for k, v in raw.items() if k != "defaultValue"} for raw in _raw_outputs(node)]
        )
    data: Dict[str, Any] = {"content": schema, "content_type": "form_schema"}
    if problem:
        data["error"] = problem
    text_ = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    if not problem:
        await emit_text(run, node, text_, False)
    required = {v.name: _param_info(v) for v in node.outputs}
    raise Interrupt(INPUT, text_, extra={"required_parameters": required})


def _raw_outputs(node: Node) -> List[Dict[str, Any]]:
    outputs = (node.raw.get("data") or {}).get("outputs") if isinstance(node.raw, dict) else None
    return [o for o in outputs or [] if isinstance(o, dict)]


# -- composites --------------------------------------------------------------------------------------------


def _collect(run: Run, node: Node, scope: Scope, gathered: Dict[str, List[Any]]) -> Dict[str, Any]:
    """A loop or batch node's outputs: references into the body become lists, its own values stay."""
    out: Dict[str, Any] = {}
    for var in node.outputs:
        value = var.value
        if value is None or value.ref is None:
            out[var.name] = resolve(run, scope, value) if value is not None else None
            continue
        if value.ref.block_id == node.id:
            out[var.name] = resolve(run, scope, value)
        else:
            key = ".".join([value.ref.block_id, *value.ref.path])
            warnings: List[str] = []
            out[var.name] = convert(gathered.get(key, []), value.type, var.name, warnings)
    return out


def _body_refs(node: Node) -> List[m.Ref]:
    return [
        v.value.ref
        for v in node.outputs
        if v.value is not None and v.value.ref and v.value.ref.block_id != node.id
    ]


def _gather(node: Node, ran: Dict[str, Any], gathered: Dict[str, List[Any]], keep_missing: bool) -> None:
    for ref in _body_refs(node):
        key = ".".join([ref.block_id, *ref.path])
        if ref.block_id in ran:
            current: Any = ran[ref.block_id]
            for step in ref.path:
                current = current.get(step) if isinstance(current, dict) else None
            gathered.setdefault(key, []).append(current)
        elif keep_missing:
            gathered.setdefault(key, []).append(None)


def _lists(node: Node, values: Dict[str, Any]) -> Dict[str, List[Any]]:
    """The list inputs a loop or batch goes through (a missing list, Coze's nil, has no items)."""
    kinds = {p.name: p.value.type.type for p in node.params}
    return {
        k: v or [] for k, v in values.items() if isinstance(v, list) or (v is None and kinds.get(k) == "list")
    }


async def loop(run: Run, node: Node, scope: Scope, answer: Optional[str]) -> Result:
    kind = node.setting("loopType") or "array"
    values = inputs_of(run, scope, node)
    lists = _lists(node, values)
    if kind == "array":
        count = min([len(v) for v in lists.values()] or [0])
    elif kind == "count":
        count = int(setting_value(run, scope, node, "loopCount", 0) or 0)
    else:
        count = MAX_ITERATIONS + 1
    variables = {
        p.name: resolve(run, scope, p.value, p.name)
        for p in m.params(node.setting("variableParameters"), "variableParameters", node.id)
    }
    graph = body(node)
    gathered: Dict[str, List[Any]] = {}
    rec = run.state.nodes.setdefault(node.id, {})
    saved = rec.pop("loop", None)
    first, progress = 0, None
    if saved is not None and answer is not None:  # resuming a question or input node of the body
        first, gathered, progress = saved["index"], saved["gathered"], saved["body"]
        variables.update(saved["variables"])
    for i in range(first, count):
        if i == MAX_ITERATIONS:
            raise NodeError(f"the loop ran {MAX_ITERATIONS} times without reaching a break node")
        own = {**values, **{k: v[i] for k, v in lists.items()}, "index": i, **variables}
        local: Dict[str, Any] = {node.id: own, "__loop_variables__": variables}
        signal = ""
        ran: Dict[str, Any] = {}
        resume, progress = progress, None
        try:
            ran = await run_body(run, graph, layered(local, scope), resume, answer if resume else None)
        except Interrupt as intr:
            rec["loop"] = {"index": i, "gathered": gathered, "variables": variables, "body": intr.progress}
            raise
        except LoopSignal as sig:
            signal = sig.kind
            ran = {k: v for k, v in local.items() if k != node.id and not k.startswith("__")}
        _gather(node, ran, gathered, keep_missing=False)
        if signal == "break":
            break
    final = layered({node.id: {**values, **variables}}, scope)
    return Result(_collect(run, node, final, gathered))


async def set_variable(run: Run, node: Node, scope: Scope, answer: Optional[str]) -> Result:
    """Assigns loop variables: each `{left: <loop variable>, right: <value>}`."""
    variables = scope.get("__loop_variables__")
    if not isinstance(variables, dict):
        raise NodeError("set variable works only inside a loop")
    for i, raw in enumerate(node.setting("inputParameters") or []):
        left = m.parse_value((raw or {}).get("left"), f"assignment {i}", node.id)
        right = m.parse_value((raw or {}).get("right"), f"assignment {i}", node.id)
        if left.ref is None or not left.ref.path:
            raise NodeError(f"assignment {i}: the left side must be a loop variable")
        name = left.ref.path[0]
        warnings: List[str] = []
        variables[name] = convert(resolve(run, scope, right), left.type, name, warnings)
        own = scope.get(left.ref.block_id)
        if isinstance(own, dict):
            own[name] = variables[name]
    return Result({})


async def assign_variables(run: Run, node: Node, scope: Scope, answer: Optional[str]) -> Result:
    """Variable assigner (type 40): each `{left: <app or user variable>, input: <value>}`. App variables
    keep the value for the rest of the run (and its sub-workflows); user variables are stored for the
    run's user."""
    for i, raw in enumerate(node.setting("inputParameters") or []):
        left = m.parse_value((raw or {}).get("left"), f"assignment {i}", node.id)
        right = m.parse_value((raw or {}).get("input"), f"assignment {i}", node.id)
        assert left.ref is not None  # checked on load
        name = left.ref.path[0]
        value = resolve(run, scope, right, name)
        warnings: List[str] = []
        value = convert(value, left.type, name, warnings)
        run.variables.setdefault(left.ref.source, {})[name] = value
        if left.ref.source == USER_VARIABLES:
            await run.host.set_user_variable(name, value)
    return Result({"isSuccess": True})


async def break_node(run: Run, node: Node, scope: Scope, answer: Optional[str]) -> Result:
    raise LoopSignal("break")


async def continue_node(run: Run, node: Node, scope: Scope, answer: Optional[str]) -> Result:
    raise LoopSignal("continue")


async def batch(run: Run, node: Node, scope: Scope, answer: Optional[str]) -> Result:
    """Runs the body once per item (at most `batchSize` items, `concurrentSize` at a time)."""
    values = inputs_of(run, scope, node)
    lists = _lists(node, values)
    count = min([len(v) for v in lists.values()] or [0])
    size = int(setting_value(run, scope, node, "batchSize", 100) or 100)
    concurrency = max(1, int(setting_value(run, scope, node, "concurrentSize", 10) or 10))
    count = min(count, size)
    graph = body(node)
    limit = asyncio.Semaphore(concurrency)
    rec = run.state.nodes.setdefault(node.id, {})
    saved = rec.pop("batch", None)
    done: Dict[int, Dict[str, Any]] = {}
    waiting: Dict[int, Dict[str, Any]] = {}
    asking: Optional[int] = None
    if saved is not None and answer is not None:  # resuming one item's question or input node
        done = {int(k): v for k, v in saved["done"].items()}
        waiting = {int(k): v for k, v in saved["waiting"].items()}
        asking = int(saved["asking"])

    async def one(i: int) -> None:
        resume = waiting.pop(i)["progress"] if i == asking else None
        async with limit:
            own = {**values, **{k: v[i] for k, v in lists.items()}, "index": i}
            try:
                done[i] = await run_body(run, graph, layered({node.id: own}, scope), resume, answer)
            except Interrupt as intr:
                waiting[i] = {
                    "progress": intr.progress,
                    "interrupt": [intr.type, intr.data, intr.title, intr.extra],
                }

    todo = [i for i in range(count) if i not in done and (i not in waiting or i == asking)]
    await asyncio.gather(*(one(i) for i in todo))
    if waiting:
        ask_first_waiting(rec, "batch", saved, done, waiting)
    gathered: Dict[str, List[Any]] = {}
    for i in range(count):
        _gather(node, done[i], gathered, keep_missing=True)
    return Result(_collect(run, node, layered({node.id: values}, scope), gathered))


async def sub_workflow(run: Run, node: Node, scope: Scope, answer: Optional[str]) -> Result:
    """Runs another (published, canvas) workflow; a question inside it interrupts this run."""
    if run.depth >= MAX_DEPTH:
        raise NodeError(f"sub-workflows nest deeper than {MAX_DEPTH}")
    workflow_id = str(node.setting("workflowId"))
    version = node.setting("workflowVersion") or None
    child_canvas = await run.host.sub_canvas(workflow_id, str(version) if version else None)
    rec = run.state.nodes.setdefault(node.id, {})
    key = _item_key(node, scope, "child")
    saved = rec.pop(key, None)
    if saved is not None and answer is not None:
        child = RunState.from_json(saved)
    else:
        child = RunState(outputs={child_canvas.start.id: inputs_of(run, scope, node)})
        answer = None
    outcome = await execute_child(run, child_canvas, workflow_id, child, answer, run.emit)
    if isinstance(outcome, Failed):
        raise NodeError(f"sub-workflow {workflow_id}: {outcome.msg}", outcome.code)
    if isinstance(outcome, Interrupted):
        rec[key] = child.to_json()
        raise Interrupt.passed_on(outcome)
    end_id = next(
        n for n in reversed(child.finished) if n in child.outputs and child_canvas.all_nodes[n].type == m.END
    )
    return Result(typed_outputs(node, dict(child.outputs[end_id])))


def _settings(run: Run, scope: Scope, node: Node, key: str) -> Dict[str, Any]:
    """A list of `{name, input}` settings (`apiParam`, `datasetParam`) by name, resolved."""
    return {p.name: resolve(run, scope, p.value, p.name) for p in m.params(node.setting(key), key, node.id)}


async def knowledge(run: Run, node: Node, scope: Scope, answer: Optional[str]) -> Result:
    """Recalls slices of the knowledge bases in `datasetList` for `Query` (`topK`, `minScore`, `strategy`)."""
    values = inputs_of(run, scope, node)
    settings = _settings(run, scope, node, "datasetParam")
    ids = [as_text(i) for i in settings.get("datasetList") or []]
    top_k = int(settings.get("topK") or 5)
    strategy = int(settings.get("strategy") or 0) if settings.get("strategy") is not None else 1
    raw_min = settings.get("minScore")
    try:
        min_score = float(raw_min) if raw_min not in (None, "") else None
    except (TypeError, ValueError):
        raise NodeError(f"minScore is not a number: {as_text(raw_min)!r}") from None
    hits = await skills.recall(run, ids, as_text(values.get("Query")), top_k, strategy, min_score)
    found = [{"output": h["content"], "documentId": h.get("document_id")} for h in hits]
    return Result(typed_outputs(node, {"outputList": found}))


TEXT_FILE_TYPES = ("pdf", "txt", "doc", "docx", "md", "csv")


def _dataset(run: Run, scope: Scope, node: Node) -> str:
    ids = _settings(run, scope, node, "datasetParam").get("datasetList") or []
    if not ids:
        raise NodeError("datasetList names no knowledge base")
    return as_text(ids[0])


def _chunk_strategy(node: Node) -> Dict[str, Any]:
    """`strategyParam.chunkStrategy` as the OpenAPI's `chunk_strategy` (Coze's overlap is a fraction)."""
    strategy = (node.setting("strategyParam") or {}).get("chunkStrategy") or {}
    if strategy.get("chunkType") != "custom":
        return {"chunk_type": 0}
    out: Dict[str, Any] = {"chunk_type": 1, "separator": str(strategy.get("separator") or "\n")}
    out["max_tokens"] = int(strategy.get("maxToken") or 800)
    out["overlap"] = max(0, min(90, round(float(strategy.get("overlap") or 0) * 100)))
    return out


async def knowledge_write(run: Run, node: Node, scope: Scope, answer: Optional[str]) -> Result:
    """Adds the file behind `knowledge` (a URL) to the first knowledge base of `datasetList`."""
    dataset = _dataset(run, scope, node)
    url = as_text(inputs_of(run, scope, node).get("knowledge"))
    if not url:
        raise NodeError("knowledge (the file's URL) is required")
    path = urllib.parse.urlsplit(url).path
    name = path.rsplit("/", 1)[-1] or "document"
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in TEXT_FILE_TYPES:
        raise NodeError(f"unsupported file type: {ext or name!r} (use {', '.join(TEXT_FILE_TYPES)})")
    data = await http_node.download(run, url)
    made = await run.host.write_knowledge(dataset, name, ext, data, _chunk_strategy(node))
    out = {"documentId": str(made["document_id"]), "fileName": name, "fileUrl": url}
    return Result(typed_outputs(node, out))


async def knowledge_delete(run: Run, node: Node, scope: Scope, answer: Optional[str]) -> Result:
    """Deletes document `documentID` from the first knowledge base of `datasetList`."""
    dataset = _dataset(run, scope, node)
    document = as_text(inputs_of(run, scope, node).get("documentID"))
    if not document.isdigit():
        raise NodeError(f"invalid document id: {document!r}")
    return Result(typed_outputs(node, {"isSuccess": await run.host.delete_knowledge(dataset, document)}))


async def plugin(run: Run, node: Node, scope: Scope, answer: Optional[str]) -> Result:
    """Calls a tool (`apiName`) of a plugin of the emulator's catalogue (`pluginID`)."""
    api = _settings(run, scope, node, "apiParam")
    values = {k: v for k, v in inputs_of(run, scope, node).items() if v is not None}
    result = await run.host.call_plugin(as_text(api.get("pluginID")), as_text(api.get("apiName")), values)
    return Result(typed_outputs(node, result))


async def conversation_history(run: Run, node: Node, scope: Scope, answer: Optional[str]) -> Result:
    """The last `rounds` rounds of a conversation: the chatflow's own, or another named one."""
    values = inputs_of(run, scope, node)
    wanted = as_text(values.get("conversationName"))
    current = as_text((scope.get(run.canvas.start.id) or {}).get("CONVERSATION_NAME"))
    rounds = int(values.get("rounds") or 0)
    if wanted and wanted != current and not (wanted == "Default" and run.history):
        history = list(await run.host.conversation("history", name=wanted))
    else:
        history = list(run.history)
    history = history[-2 * rounds :] if rounds > 0 else history
    messages = [{"role": str(h.get("role")), "content": str(h.get("content"))} for h in history]
    return Result(typed_outputs(node, {"messageList": messages}))


async def comment(run: Run, node: Node, scope: Scope, answer: Optional[str]) -> Result:
    return Result({})


async def http(run: Run, node: Node, scope: Scope, answer: Optional[str]) -> Result:
    return await http_node.request(run, node, scope)


EXECUTORS: Dict[int, Executor] = {
    m.START: start,
    m.END: end,
    m.LLM: llm,
    m.CODE: code,
    m.SELECTOR: selector,
    m.SUB_WORKFLOW: sub_workflow,
    m.OUTPUT: output,
    m.TEXT: text,
    m.QUESTION: question,
    m.BREAK: break_node,
    m.SET_VARIABLE: set_variable,
    m.LOOP: loop,
    m.INTENT: intent,
    m.BATCH: batch,
    m.CONTINUE: continue_node,
    m.INPUT: input_node,
    m.COMMENT: comment,
    m.AGGREGATOR: aggregator,
    m.HTTP: http,
    m.JSON_SERIALIZE: json_serialize,
    m.JSON_DESERIALIZE: json_deserialize,
    m.KNOWLEDGE_RETRIEVE: knowledge,
    m.PLUGIN: plugin,
    m.CONVERSATION_HISTORY: conversation_history,
    m.VARIABLE_ASSIGNER: assign_variables,
    m.KNOWLEDGE_WRITE: knowledge_write,
    m.KNOWLEDGE_DELETE: knowledge_delete,
    **conversation_nodes.EXECUTORS,
    **database_nodes.EXECUTORS,
}
