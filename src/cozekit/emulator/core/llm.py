"""Models behind the emulated bots: what a model turn sees and yields, the deterministic default
and scripted replies. The OpenAI-compatible model lives in `openai_compat`."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import AsyncIterator
from typing import Any, Dict, List, Optional, Protocol, Union

from .errors import CozeErrors
from .injections import ScriptedReply


@dataclasses.dataclass
class ToolSpec:
    """A local plugin tool (端插件) a bot declares; the client runs it."""

    name: str
    description: str = ""
    parameters: Dict[str, Any] = dataclasses.field(default_factory=lambda: {"type": "object"})


@dataclasses.dataclass
class ToolCall:
    id: str
    name: str
    arguments: str


@dataclasses.dataclass
class ModelRequest:
    """Everything one model turn may look at."""

    bot_name: str
    system_prompt: str
    history: List[Dict[str, str]]
    """Earlier messages of the current section, oldest first, as `{"role", "content"}`."""
    query: str
    tools: List[ToolSpec] = dataclasses.field(default_factory=list)
    tool_calls: List[ToolCall] = dataclasses.field(default_factory=list)
    """On resume: the calls the model made before the chat stopped in `requires_action`."""
    tool_outputs: Dict[str, str] = dataclasses.field(default_factory=dict)
    """On resume: the outputs the client submitted, by tool call id."""
    knowledge: List[str] = dataclasses.field(default_factory=list)
    """Slices recalled from the bot's knowledge bases for this query, best first."""

    def to_json(self) -> Dict[str, Any]:
        """As `dataclasses.asdict` gives it, built field by field (asdict's deep copy was ~0.4 ms a turn
        for a history of 20 messages; a tool's `parameters` schema copied as asdict copies it)."""
        return {
            "bot_name": self.bot_name,
            "system_prompt": self.system_prompt,
            "history": [dict(m) for m in self.history],
            "query": self.query,
            "tools": [
                {"name": t.name, "description": t.description, "parameters": _copy(t.parameters)}
                for t in self.tools
            ],
            "tool_calls": [{"id": c.id, "name": c.name, "arguments": c.arguments} for c in self.tool_calls],
            "tool_outputs": dict(self.tool_outputs),
            "knowledge": list(self.knowledge),
        }


def _copy(value: Any) -> Any:
    """A copy of JSON-like data: dicts, lists and tuples copied (as `dataclasses.asdict` copies them)."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_copy(v) for v in value)
    return value


@dataclasses.dataclass
class Text:
    chunk: str
    reasoning: bool = False


@dataclasses.dataclass
class Calls:
    calls: List[Dict[str, Any]]
    """`{"name", "arguments", "id"?}`; arguments is a dict or a JSON string."""


@dataclasses.dataclass
class Failure:
    code: int
    msg: str


ModelEvent = Union[Text, Calls, Failure]


class Model(Protocol):
    def run(self, request: ModelRequest) -> AsyncIterator[ModelEvent]: ...

    def at_once(self, request: ModelRequest) -> Optional[List[ModelEvent]]:
        """The turn's events, when the model has them without waiting (no I/O); None: `run` it."""
        ...


def split(text: str, size: int) -> List[str]:
    size = max(1, size)
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def deterministic_reply(request: ModelRequest) -> str:
    """The default answer: a pure function of the bot, the visible history and the query."""
    if request.tool_outputs:
        parts = [f"{c.name} returned {request.tool_outputs.get(c.id, '')}" for c in request.tool_calls]
        return "Tool results: " + "; ".join(parts) + "."
    turn = 1 + sum(1 for m in request.history if m["role"] == "user")
    if request.knowledge:
        return f"{request.bot_name} (turn {turn}) found in the knowledge base: {request.knowledge[0]}"
    return f"{request.bot_name} (turn {turn}) heard: {request.query}"


def deterministic_follow_ups(query: str) -> List[str]:
    topic = query.strip()[:40] or "this"
    return [f"Tell me more about {topic}", f"Can you give an example of {topic}?", "What should I ask next?"]


class DeterministicModel:
    """Echoes the query; calls a local tool whose name the query mentions."""

    def __init__(self, chunk_size: int) -> None:
        self.chunk_size = chunk_size

    async def run(self, request: ModelRequest) -> AsyncIterator[ModelEvent]:
        for event in self.at_once(request):
            yield event

    def at_once(self, request: ModelRequest) -> List[ModelEvent]:
        if not request.tool_outputs:
            lowered = request.query.lower()
            for tool in request.tools:
                if tool.name.lower() in lowered:
                    return [Calls([{"name": tool.name, "arguments": {"query": request.query}}])]
        return [Text(chunk) for chunk in split(deterministic_reply(request), self.chunk_size)]


class ScriptedModel:
    """Plays one `ScriptedReply` queued through the control plane."""

    def __init__(self, reply: ScriptedReply) -> None:
        self.reply = reply

    async def run(self, request: ModelRequest) -> AsyncIterator[ModelEvent]:
        for event in self.at_once(request):
            yield event

    def at_once(self, request: ModelRequest) -> List[ModelEvent]:
        reply = self.reply
        events: List[ModelEvent] = [Text(reply.reasoning, reasoning=True)] if reply.reasoning else []
        events += [Text(chunk) for chunk in reply.chunks]
        if reply.tool_calls:
            events.append(Calls(list(reply.tool_calls)))
        if reply.error is not None:
            code = int(reply.error.get("code", CozeErrors.INTERNAL_ERROR.code))
            events.append(Failure(code, str(reply.error.get("msg", "model error"))))
        return events


def arguments_json(arguments: Any) -> str:
    return arguments if isinstance(arguments, str) else json.dumps(arguments, ensure_ascii=False)


def estimate_tokens(text: str) -> int:
    """A stable stand-in for a tokenizer: about four characters a token."""
    return (len(text) + 3) // 4


def render_prompt(template: str, variables: Optional[Dict[str, str]]) -> str:
    """Fill `{{ name }}` placeholders from `custom_variables` (unknown names become empty)."""
    out, i = [], 0
    while True:
        start = template.find("{{", i)
        end = template.find("}}", start + 2) if start >= 0 else -1
        if start < 0 or end < 0:
            out.append(template[i:])
            return "".join(out)
        out.append(template[i:start])
        out.append((variables or {}).get(template[start + 2 : end].strip(), ""))
        i = end + 2
