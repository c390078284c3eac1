"""The canvas engine inside the emulator's workflow service.

A stored workflow document `{"name", "canvas", "mode"?, "description"?, "id"?}` parses into a
`CanvasDefinition` (the service's `Definition` with the canvas attached), and runs of it go to the
canvas executor with the service's state, events and model scripting. Everything else (run records,
history, streaming, resume, chatflows) is the service's own.
"""

from __future__ import annotations

import ipaddress
import json
import os
import urllib.parse
from typing import Any, Callable, ClassVar, Dict, List, Optional, Set, Tuple, TypeVar

from ...core.errors import bad_request
from ...core.offload import OFFLOAD
from ..engine import context as run_types
from ..engine import definition as legacy
from . import load, looks_like_canvas
from .convert import as_text
from .engine import (
    APP_VARIABLES,
    SYSTEM_VARIABLES,
    USER_VARIABLES,
    NodeError,
    Run,
    execute,
)
from .model import END, INPUT, QUESTION, START, Canvas, CanvasError
from .nodes import EXECUTORS, default_of
from .validate import check_variable_types

HTTP_HOSTS_ENV = "COZEKIT_EMULATOR_WORKFLOW_HTTP_HOSTS"
"""Comma-separated host names HTTP request nodes may call besides loopback (`*`: any host)."""
PARAM_TYPES = {"list": "array", "time": "string", "file": "string"}
T = TypeVar("T")


class CanvasDefinition(legacy.Definition):
    """A canvas workflow as the service sees it: start and end nodes, parameters, outputs."""

    canvas: Canvas
    fill_empty_parameters: ClassVar[bool] = False  # Coze Studio: a parameter not given reads as null
    shows_cards: ClassVar[bool] = True

    def inputs(self) -> Dict[str, Dict[str, Any]]:
        decls: Dict[str, Dict[str, Any]] = {}
        for var in self.canvas.start.outputs:
            decl: Dict[str, Any] = {
                "type": PARAM_TYPES.get(var.type.type, var.type.type),
                "required": var.type.required,
            }
            default = default_of(var)
            if default is not None:
                decl["default"] = default
            if var.description:
                decl["description"] = var.description
            decls[var.name] = decl
        if self.mode == "chatflow":
            return {**legacy.CHATFLOW_INPUTS, **decls}
        return decls

    def card_nodes(self) -> Set[str]:
        return {
            n.id
            for n in self.canvas.all_nodes.values()
            if n.type == INPUT or (n.type == QUESTION and n.setting("answer_type") == "option")
        }

    def output_info(self) -> Dict[str, Any]:
        end = self.canvas.end
        if (end.setting("terminatePlan") or "returnVariables") == "useAnswerContent":
            content = end.setting("content") or {}
            text = (content.get("value") or {}).get("content", "") if isinstance(content, dict) else ""
            return {"parameters": {}, "terminate_plan": "use_answer_content", "content": str(text or "")}
        params = {
            p.name: {"type": PARAM_TYPES.get(p.value.type.type, p.value.type.type), "required": False}
            for p in end.params
        }
        return {"parameters": params, "terminate_plan": "return_variables"}


def document(canvas: Any, name: Optional[str] = None, **fields: Any) -> Dict[str, Any]:
    """A workflow document for a canvas: `{"name", "canvas", ...}` (the fields left out when None)."""
    doc: Dict[str, Any] = {"name": name or "canvas workflow", "canvas": canvas}
    doc.update({k: v for k, v in fields.items() if v is not None})
    return doc


def request_document(body: Dict[str, Any]) -> Dict[str, Any]:
    """The document of a control-plane request: `{"canvas", "name", "workflow_id"?, "mode"?}`, or a
    bare canvas object (`nodes`, `edges`, and optionally `name`)."""
    canvas = body.get("canvas")
    if canvas is None and isinstance(body.get("nodes"), list):
        canvas = {k: body[k] for k in ("nodes", "edges", "versions") if k in body}
    if canvas is None:
        raise bad_request("send `definition`, `canvas` (with `name`), or a canvas object (`nodes`, `edges`)")
    if isinstance(canvas, str):
        try:
            canvas = json.loads(canvas)
        except json.JSONDecodeError as exc:
            raise bad_request(f"invalid workflow definition: canvas: not JSON: {exc}") from None
    fields = {k: body.get(k) for k in ("mode", "description", "variables", "strict_types")}
    return document(canvas, body.get("name"), id=body.get("workflow_id"), **fields)


def wrap_file(raw: Dict[str, Any], filename: str) -> Dict[str, Any]:
    """A definition file's document: a bare canvas is named after its file."""
    if looks_like_canvas(raw):
        return document(raw, os.path.splitext(os.path.basename(filename))[0])
    return raw


def definition(raw: Dict[str, Any]) -> legacy.Definition:
    """The service's definition of a canvas document; raises the service's DefinitionError."""
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise legacy.DefinitionError("name is required")
    try:
        canvas = load(raw["canvas"], strict_types=raw.get("strict_types") is not False)
    except CanvasError as exc:
        raise legacy.DefinitionError(f"canvas: {exc}") from None
    declared = raw.get("variables") or {}
    if not isinstance(declared, dict) or any(
        k not in ("app", "user") or not isinstance(v, dict) for k, v in declared.items()
    ):
        raise legacy.DefinitionError('variables must be {"app": {name: default}, "user": {name: default}}')
    try:
        check_variable_types(canvas, declared)
    except CanvasError as exc:
        raise legacy.DefinitionError(f"canvas: {exc}") from None
    mode = str(raw.get("mode") or ("chatflow" if canvas.is_chatflow else "workflow"))
    if mode not in ("workflow", "chatflow"):
        raise legacy.DefinitionError("mode must be workflow or chatflow")
    nodes = [
        legacy.Node(n.id, {START: "start", END: "end"}.get(n.type, "canvas"), n.title, {})
        for n in canvas.nodes
    ]
    edges = [(e.source, e.target, e.source_port) for e in canvas.edges]
    out = CanvasDefinition(name, str(raw.get("description") or ""), mode, nodes, edges, raw)
    out.canvas = canvas
    return out


class _Host:
    """The service's engine services as a canvas `Host`: what reaches the store runs in the store's
    worker threads (`_call`), so a node never blocks the event loop."""

    def __init__(self, services: run_types.Services) -> None:
        self.services = services
        self.chunk_size = services.chunk_size
        self.chunk_delay = services.chunk_delay

    async def _call(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(*args)` in a worker thread; the services' NodeFailure as the canvas's NodeError."""
        try:
            return await OFFLOAD.run(fn, *args)
        except run_types.NodeFailure as exc:
            raise NodeError(exc.msg, exc.code) from None

    def new_id(self) -> str:
        return self.services.new_id()

    def model_for(self, workflow_id: str, node_id: str) -> Any:
        return self.services.model_for(workflow_id, node_id)

    async def sub_canvas(self, workflow_id: str, version: Optional[str]) -> Canvas:
        found = await self._call(self.services.sub_definition, workflow_id, version)
        if not isinstance(found, CanvasDefinition):
            raise NodeError(f"workflow {workflow_id} is not a canvas workflow")
        return found.canvas

    async def workflow_info(self, workflow_id: str, version: Optional[str]) -> Tuple[str, str]:
        found = await self._call(self.services.sub_definition, workflow_id, version)
        return found.name, found.description

    def http_allowed(self, url: str) -> bool:
        return http_allowed(url, os.environ.get(HTTP_HOSTS_ENV, ""))

    async def recall(
        self, dataset_ids: List[str], query: str, top_k: int, strategy: int
    ) -> List[Dict[str, Any]]:
        return await self._call(self.services.recall, dataset_ids, query, top_k, strategy)

    async def call_plugin(self, plugin_id: str, tool_name: str, arguments: Dict[str, Any]) -> Dict[str, Any]:
        result = await self._call(self.services.call_plugin, plugin_id, tool_name, arguments)
        return dict(result) if isinstance(result, dict) else {"result": result}

    async def set_user_variable(self, name: str, value: Any) -> None:
        await self._call(self.services.set_user_variable, name, as_text(value))

    async def write_knowledge(
        self, dataset_id: str, file_name: str, file_type: str, data: bytes, strategy: Dict[str, Any]
    ) -> Dict[str, Any]:
        return await self._call(
            self.services.write_knowledge, dataset_id, file_name, file_type, data, strategy
        )

    async def delete_knowledge(self, dataset_id: str, document_id: str) -> bool:
        return await self._call(self.services.delete_knowledge, dataset_id, document_id)

    async def database(self, op: str, database_id: str, **args: Any) -> Any:
        return await self._call(self.services.database, op, database_id, args)

    async def conversation(self, op: str, **args: Any) -> Any:
        return await self._call(self.services.conversation, op, args)


def http_allowed(url: str, extra: str = "") -> bool:
    host = (urllib.parse.urlsplit(url).hostname or "").lower()
    allowed = [h.strip().lower() for h in extra.split(",") if h.strip()]
    if "*" in allowed or host in allowed or host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


async def run_canvas(ctx: run_types.RunContext, answer: Optional[str]) -> run_types.Outcome:
    """Run a canvas definition for the service (`engine.runner.run` hands canvas definitions here)."""
    found = ctx.definition
    assert isinstance(found, CanvasDefinition)
    declared = found.raw.get("variables") or {}
    st = ctx.state
    if not st.finished:  # a new run starts from the declared app variables
        st.variables = dict(declared.get("app") or {})
    user = {**(declared.get("user") or {}), **await OFFLOAD.run(ctx.services.user_variables)}
    run = Run(
        _Host(ctx.services),
        found.canvas,
        ctx.workflow_id,
        ctx.execute_id,
        ctx.state,
        EXECUTORS,
        ctx.emit,
        ctx.save,
        list(ctx.history),
        ctx.depth,
        {
            APP_VARIABLES: st.variables,
            USER_VARIABLES: user,
            SYSTEM_VARIABLES: ctx.services.system_variables(),
        },
    )
    return await execute(run, answer)
