"""Writing canvases in Coze's format for the tests (our own canvases, shaped as Coze's editor saves
them), and a host that runs them without a server."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import httpx

from cozekit.emulator import ThreadedEmulator
from cozekit.emulator.core.llm import DeterministicModel, Model, ModelEvent, ModelRequest, Text
from cozekit.emulator.workflows import canvas as cv

DATA = Path(__file__).parent / "data"


def data(name: str) -> Dict[str, Any]:
    doc: Dict[str, Any] = json.loads((DATA / name).read_text(encoding="utf-8"))
    return doc


def typed(type: str = "string", schema: Any = None, **extra: Any) -> Dict[str, Any]:
    out: Dict[str, Any] = {"type": type, **extra}
    if schema is not None:
        out["schema"] = schema
    return out


def ref(node: str, name: str, type: str = "string", schema: Any = None, **extra: Any) -> Dict[str, Any]:
    """An input that reads `name` (a dotted path) from node `node`."""
    value = {"type": "ref", "content": {"source": "block-output", "blockID": node, "name": name}}
    return {**typed(type, schema, **extra), "value": value}


def var(source: str, name: str, type: str = "string", schema: Any = None) -> Dict[str, Any]:
    """An input that reads a global variable (`app`, `user` or `system`)."""
    content = {"source": f"global_variable_{source}", "path": [name], "blockID": "", "name": ""}
    return {**typed(type, schema), "value": {"type": "ref", "content": content}}


def lit(content: Any, type: str = "string", schema: Any = None) -> Dict[str, Any]:
    return {**typed(type, schema), "value": {"type": "literal", "content": content}}


def param(name: str, value: Dict[str, Any]) -> Dict[str, Any]:
    return {"name": name, "input": value}


def out(name: str, type: str = "string", schema: Any = None, **extra: Any) -> Dict[str, Any]:
    return {"name": name, **typed(type, schema), **extra}


def node(
    id: str,
    type: int,
    title: str = "",
    inputs: Optional[Dict[str, Any]] = None,
    outputs: Optional[List[Dict[str, Any]]] = None,
    params: Optional[List[Dict[str, Any]]] = None,
    blocks: Optional[List[Dict[str, Any]]] = None,
    edges: Optional[List[Dict[str, Any]]] = None,
) -> Dict[str, Any]:
    data_: Dict[str, Any] = {"nodeMeta": {"title": title or f"node {id}"}}
    ins = dict(inputs or {})
    if params is not None:
        ins["inputParameters"] = params
    if ins:
        data_["inputs"] = ins
    if outputs is not None:
        data_["outputs"] = outputs
    raw: Dict[str, Any] = {"id": id, "type": str(type), "meta": {"position": {"x": 0, "y": 0}}, "data": data_}
    if blocks is not None:
        raw["blocks"] = blocks
        raw["edges"] = edges or []
    return raw


def edge(source: str, target: str, port: str = "", target_port: str = "") -> Dict[str, Any]:
    e = {"sourceNodeID": source, "targetNodeID": target, "sourcePortID": port}
    if target_port:
        e["targetPortID"] = target_port
    return e


def start(*outputs: Dict[str, Any], id: str = "100001") -> Dict[str, Any]:
    return node(id, 1, "Start", outputs=list(outputs))


def end_vars(*params: Dict[str, Any], id: str = "900001") -> Dict[str, Any]:
    return node(id, 2, "End", inputs={"terminatePlan": "returnVariables"}, params=list(params))


def end_answer(
    content: str, *params: Dict[str, Any], stream: bool = False, id: str = "900001"
) -> Dict[str, Any]:
    inputs = {"terminatePlan": "useAnswerContent", "streamingOutput": stream, "content": lit(content)}
    return node(id, 2, "End", inputs=inputs, params=list(params))


def canvas(nodes: List[Dict[str, Any]], edges: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {"nodes": nodes, "edges": edges, "versions": {"loop": "v2"}}


def chain(*nodes: Dict[str, Any]) -> Dict[str, Any]:
    """A canvas whose nodes run one after the other."""
    ids = [n["id"] for n in nodes]
    return canvas(list(nodes), [edge(a, b) for a, b in zip(ids, ids[1:])])


def through(
    middle: Dict[str, Any], start_outputs: List[Dict[str, Any]], end_params: List[Dict[str, Any]]
) -> Dict[str, Any]:
    """start -> middle -> end (returnVariables)."""
    return chain(start(*start_outputs), middle, end_vars(*end_params))


class Scripted:
    """A model that replies with fixed texts, one per call."""

    def __init__(self, *replies: str) -> None:
        self.replies = list(replies)
        self.requests: List[ModelRequest] = []

    async def run(self, request: ModelRequest) -> AsyncIterator[ModelEvent]:
        self.requests.append(request)
        yield Text(self.replies.pop(0))


class FakeHost:
    chunk_size = 4
    chunk_delay = 0.0

    def __init__(self) -> None:
        self.n = 0
        self.models: Dict[str, Model] = {}
        self.subs: Dict[str, cv.Canvas] = {}
        self.allow_all = False

    def new_id(self) -> str:
        self.n += 1
        return str(self.n)

    def model_for(self, workflow_id: str, node_id: str) -> Model:
        return self.models.get(node_id) or DeterministicModel(self.chunk_size)

    async def sub_canvas(self, workflow_id: str, version: Optional[str]) -> cv.Canvas:
        if workflow_id not in self.subs:
            raise cv.NodeError(f"workflow {workflow_id} is not published")
        return self.subs[workflow_id]

    async def workflow_info(self, workflow_id: str, version: Optional[str]) -> Tuple[str, str]:
        await self.sub_canvas(workflow_id, version)
        return f"flow_{workflow_id}", ""

    def http_allowed(self, url: str) -> bool:
        return self.allow_all or url.startswith(("http://127.0.0.1", "http://localhost"))

    async def recall(
        self, dataset_ids: List[str], query: str, top_k: int, strategy: int
    ) -> List[Dict[str, Any]]:
        self.recalled = (dataset_ids, query, top_k, strategy)
        slices = [f"{d}: about {query}" for d in dataset_ids]
        return [{"content": s, "document_id": str(i), "score": 1.0} for i, s in enumerate(slices)][:top_k]

    async def call_plugin(self, plugin_id: str, tool_name: str, arguments: Dict[str, Any]) -> Dict[str, Any]:
        if tool_name != "shout":
            raise cv.NodeError(f"plugin {plugin_id} has no tool {tool_name!r}")
        return {"text": str(arguments.get("text", "")).upper(), "plugin": plugin_id}

    async def set_user_variable(self, name: str, value: Any) -> None:
        self.user_variables = {**getattr(self, "user_variables", {}), name: value}

    async def conversation(self, op: str, **args: Any) -> Any:
        raise cv.NodeError(f"no conversation named {args.get('name')!r}")


class Runner:
    """One run of a canvas, with its events."""

    def __init__(
        self,
        raw: Dict[str, Any],
        params: Optional[Dict[str, Any]] = None,
        host: Optional[FakeHost] = None,
        history: Optional[List[Dict[str, str]]] = None,
    ) -> None:
        self.canvas = cv.load(raw)
        self.host = host or FakeHost()
        self.state = cv.RunState(outputs={self.canvas.start.id: dict(params or {})})
        self.events: List[Tuple[str, Dict[str, Any]]] = []
        self.run = cv.Run(
            self.host,
            self.canvas,
            "7001",
            "9001",
            self.state,
            cv.EXECUTORS,
            lambda n, d: self.events.append((n, d)),
            history=list(history or []),
        )

    def go(self, answer: Optional[str] = None) -> cv.Outcome:
        return asyncio.run(cv.execute(self.run, answer))

    def messages(self, node_id: str) -> str:
        return "".join(d["content"] for n, d in self.events if n == "Message" and d["node_id"] == node_id)


def run(raw: Dict[str, Any], params: Optional[Dict[str, Any]] = None, host: Optional[FakeHost] = None) -> Any:
    """The outputs of a run that must end: the end node's variables, or its answer text."""
    runner = Runner(raw, params, host)
    outcome = runner.go()
    assert isinstance(outcome, cv.Done), outcome
    try:
        return json.loads(outcome.output)
    except json.JSONDecodeError:
        return outcome.output


def failure(
    raw: Dict[str, Any], params: Optional[Dict[str, Any]] = None, host: Optional[FakeHost] = None
) -> cv.Failed:
    outcome = Runner(raw, params, host).go()
    assert isinstance(outcome, cv.Failed), outcome
    return outcome


def load(emu: ThreadedEmulator, canvas: Dict[str, Any], name: str, **extra: Any) -> str:
    """Load a canvas through the control plane (`POST /_emulator/workflows`); its workflow id."""
    body = {"canvas": canvas, "name": name, **extra}
    resp = httpx.post(f"{emu.base_url}/_emulator/workflows", json=body, timeout=10)
    assert resp.status_code == 200 and resp.json()["code"] == 0, resp.text
    return str(resp.json()["data"]["workflow_id"])
