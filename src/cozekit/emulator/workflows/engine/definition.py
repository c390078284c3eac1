"""Workflow definitions: check the JSON/YAML format of docs/emulator-workflows.md into a `Definition`."""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any, ClassVar, Dict, List, Optional, Set, Tuple

from . import expr
from .refs import references

NODE_TYPES = (
    "start",
    "end",
    "llm",
    "template",
    "condition",
    "question",
    "input",
    "message",
    "code",
    "workflow",
)
ALIASES = {
    "1": "start",
    "2": "end",
    "3": "llm",
    "5": "code",
    "8": "condition",
    "9": "workflow",
    "13": "message",
    "15": "template",
    "18": "question",
    "30": "input",
    "input_receiver": "input",
    "entry": "start",
    "exit": "end",
    "text": "template",
    "selector": "condition",
    "if": "condition",
    "output": "message",
    "subworkflow": "workflow",
    "sub_workflow": "workflow",
}
PARAM_TYPES = ("string", "integer", "number", "boolean", "object", "array")
CHATFLOW_INPUTS = {
    "USER_INPUT": {"type": "string", "required": False, "description": "This turn's user message."},
    "CONVERSATION_NAME": {"type": "string", "required": False, "description": "A named conversation."},
}
_ID = re.compile(r"^[A-Za-z_][\w-]{0,63}$")
_DEFAULT_TITLES = {
    "start": "Start",
    "end": "End",
    "llm": "LLM",
    "template": "Text",
    "condition": "Condition",
    "question": "Question",
    "input": "Input",
    "message": "Message",
    "code": "Code",
    "workflow": "Workflow",
}


class DefinitionError(ValueError):
    """The definition breaks a rule of docs/emulator-workflows.md."""


@dataclasses.dataclass
class Node:
    id: str
    type: str
    title: str
    spec: Dict[str, Any]

    def get(self, key: str, default: Any = None) -> Any:
        return self.spec.get(key, default)


@dataclasses.dataclass
class Definition:
    """A checked workflow: nodes in execution order, edges by source and target."""

    name: str
    description: str
    mode: str
    nodes: List[Node]
    edges: List[Tuple[str, str, str]]
    """(from, to, port); port "" for plain edges."""
    raw: Dict[str, Any]
    fill_empty_parameters: ClassVar[bool] = True
    """Whether a missing optional start parameter reads as its type's empty value (canvases: absent)."""

    @property
    def by_id(self) -> Dict[str, Node]:
        return {n.id: n for n in self.nodes}

    def incoming(self, node_id: str) -> List[Tuple[str, str, str]]:
        return [e for e in self.edges if e[1] == node_id]

    shows_cards: ClassVar[bool] = False
    """Whether a chatflow shows this workflow's forms and options as card messages (canvases do)."""

    def card_nodes(self) -> Set[str]:
        """The nodes whose question a chatflow shows as a card message, not as their text (canvases:
        input nodes and questions with options, as Coze Studio shows them)."""
        return set()

    def outgoing(self, node_id: str) -> List[Tuple[str, str, str]]:
        return [e for e in self.edges if e[0] == node_id]

    @property
    def start(self) -> Node:
        return next(n for n in self.nodes if n.type == "start")

    def inputs(self) -> Dict[str, Dict[str, Any]]:
        """Start-node parameter declarations (chatflows add USER_INPUT and CONVERSATION_NAME)."""
        declared = {k: _param(v) for k, v in (self.start.get("inputs") or {}).items()}
        return {**CHATFLOW_INPUTS, **declared} if self.mode == "chatflow" else declared

    def output_info(self) -> Dict[str, Any]:
        """The `output` object of the catalogue: parameters, terminate_plan, content."""
        end = next(n for n in self.nodes if n.type == "end")
        if end_plan(end) == "use_answer_content":
            return {
                "parameters": {},
                "terminate_plan": "use_answer_content",
                "content": end.get("answer", ""),
            }
        params = {k: {"type": _type_of(v), "required": False} for k, v in (end.get("outputs") or {}).items()}
        return {"parameters": params, "terminate_plan": "return_variables"}


def end_plan(node: Node) -> str:
    plan = node.get("terminate_plan")
    if plan:
        return str(plan)
    return "use_answer_content" if "answer" in node.spec else "return_variables"


def _type_of(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    return "string"


def _param(value: Any) -> Dict[str, Any]:
    """A parameter declaration: `"string"` or `{"type", "required", "default", "description"}`."""
    decl = {"type": value} if isinstance(value, str) else dict(value or {})
    decl.setdefault("type", "string")
    if decl["type"] not in PARAM_TYPES:
        raise DefinitionError(f"parameter type {decl['type']!r} is not one of {', '.join(PARAM_TYPES)}")
    decl["required"] = bool(decl.get("required", False))
    return decl


def declarations(raw: Any) -> Dict[str, Dict[str, Any]]:
    """Parameter declarations (`{name: "type" or {...}}`) in their full form."""
    return {str(k): _param(v) for k, v in (raw or {}).items()}


def param_info(decl: Dict[str, Any]) -> Dict[str, Any]:
    """A declaration as Coze shows parameters (catalogue, `required_parameters`); `default_value` is text."""
    out: Dict[str, Any] = {"type": decl["type"], "required": decl["required"]}
    if decl.get("description"):
        out["description"] = str(decl["description"])
    if decl.get("default") is not None:
        default = decl["default"]
        out["default_value"] = (
            default if isinstance(default, str) else json.dumps(default, ensure_ascii=False)
        )
    return out


def load_text(text: str, filename: str = "") -> Dict[str, Any]:
    """A definition document from JSON text, or YAML when the name ends in .yaml/.yml (needs PyYAML)."""
    if filename.endswith((".yaml", ".yml")):
        try:
            import yaml  # type: ignore[import-untyped,unused-ignore]
        except ImportError:
            raise DefinitionError("YAML definitions need PyYAML: pip install 'cozekit[testing]'") from None
        doc = yaml.safe_load(text)
    else:
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DefinitionError(f"not JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise DefinitionError("a workflow definition is an object")
    return doc


def parse(raw: Dict[str, Any]) -> Definition:
    """Check a definition document and order its nodes; raises DefinitionError."""
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise DefinitionError("name is required")
    mode = str(raw.get("mode") or "workflow")
    if mode not in ("workflow", "chatflow"):
        raise DefinitionError("mode must be workflow or chatflow")
    nodes = [_node(n) for n in raw.get("nodes") or []]
    ids = [n.id for n in nodes]
    if len(set(ids)) != len(ids):
        raise DefinitionError("node ids must be unique")
    kinds = [n.type for n in nodes]
    if kinds.count("start") != 1 or "end" not in kinds:
        raise DefinitionError("a workflow needs exactly one start node and at least one end node")
    edges = _edges(raw.get("edges"), nodes)
    ordered = _order(nodes, edges)
    for node in nodes:
        _check_node(node, set(ids))
    definition = Definition(name, str(raw.get("description") or ""), mode, ordered, edges, raw)
    bad_port = validate_ports(definition)
    if bad_port:
        raise DefinitionError(bad_port)
    return definition


def _node(raw: Any) -> Node:
    if not isinstance(raw, dict):
        raise DefinitionError("each node is an object")
    node_id = str(raw.get("id") or "")
    if not _ID.match(node_id):
        raise DefinitionError(f"node id {node_id!r} must start with a letter or _ (letters, digits, _ and -)")
    kind = str(raw.get("type") or "").lower()
    kind = ALIASES.get(kind, kind)
    if kind not in NODE_TYPES:
        raise DefinitionError(
            f"node {node_id}: type {raw.get('type')!r} is not one of {', '.join(NODE_TYPES)}"
        )
    title = str(raw.get("title") or (_DEFAULT_TITLES[kind] if kind in ("start", "end") else node_id))
    return Node(node_id, kind, title, dict(raw))


def _edges(raw: Any, nodes: List[Node]) -> List[Tuple[str, str, str]]:
    ids = {n.id for n in nodes}
    if raw is None:  # no edges: the nodes run in the order listed
        if any(n.type == "condition" for n in nodes):
            raise DefinitionError("a workflow with a condition node needs explicit edges")
        return [(a.id, b.id, "") for a, b in zip(nodes, nodes[1:])]
    edges = []
    for e in raw:
        if isinstance(e, (list, tuple)) and len(e) in (2, 3):
            src, dst, port = str(e[0]), str(e[1]), str(e[2]) if len(e) == 3 else ""
        elif isinstance(e, dict):
            src, dst = str(e.get("from") or e.get("source") or ""), str(e.get("to") or e.get("target") or "")
            port = str(e.get("port") or e.get("source_port") or "")
        else:
            raise DefinitionError("an edge is {from, to, port?} or [from, to, port?]")
        if src not in ids or dst not in ids:
            raise DefinitionError(f"edge {src} -> {dst} names an unknown node")
        edges.append((src, dst, port))
    return edges


def _order(nodes: List[Node], edges: List[Tuple[str, str, str]]) -> List[Node]:
    """Topological order (ties in listed order); a cycle is an error."""
    indegree = {n.id: 0 for n in nodes}
    for _, dst, _ in edges:
        indegree[dst] += 1
    ready = [n for n in nodes if indegree[n.id] == 0]
    ordered: List[Node] = []
    while ready:
        node = ready.pop(0)
        ordered.append(node)
        for src, dst, _ in edges:
            if src == node.id:
                indegree[dst] -= 1
                if indegree[dst] == 0:
                    ready.append(next(n for n in nodes if n.id == dst))
    if len(ordered) != len(nodes):
        raise DefinitionError("the edges form a cycle")
    return ordered


def condition_ports(node: Node) -> List[str]:
    """Coze's port names: "true", "true_1", ... for the branches, then "false" for else."""
    ports = [
        str(b.get("port") or ("true" if i == 0 else f"true_{i}")) for i, b in enumerate(node.get("branches"))
    ]
    return [*ports, "false"]


def _check_node(node: Node, ids: set[str]) -> None:
    where = f"node {node.id} ({node.type})"
    for ref in references({k: v for k, v in node.spec.items() if k not in ("id", "type")}):
        if ref not in ids:
            raise DefinitionError(f"{where}: {{{{{ref}...}}}} names no node")
    try:
        if node.type == "start":
            for decl in (node.get("inputs") or {}).values():
                _param(decl)
        elif node.type == "code":
            outputs = node.get("outputs")
            if not isinstance(outputs, dict) or not outputs:
                raise DefinitionError(f"{where}: outputs must map names to expressions")
            for source in outputs.values():
                expr.parse(source)
        elif node.type == "condition":
            branches = node.get("branches")
            if not isinstance(branches, list) or not branches:
                raise DefinitionError(f"{where}: branches must be a non-empty list of {{when, port?}}")
            for b in branches:
                if not isinstance(b, dict) or not isinstance(b.get("when"), str):
                    raise DefinitionError(f"{where}: each branch is {{when, port?}} with a `when` expression")
                expr.parse(b["when"])
        elif node.type == "input":
            inputs = node.get("inputs")
            if not isinstance(inputs, dict) or not inputs:
                raise DefinitionError(f"{where}: inputs must declare at least one parameter")
            for decl in inputs.values():
                _param(decl)
        elif node.type == "question":
            if not isinstance(node.get("question"), str):
                raise DefinitionError(f"{where}: question text is required")
        elif node.type == "workflow":
            if not node.get("workflow_id"):
                raise DefinitionError(f"{where}: workflow_id is required")
        elif node.type == "end":
            if end_plan(node) not in ("return_variables", "use_answer_content"):
                raise DefinitionError(f"{where}: terminate_plan is return_variables or use_answer_content")
        elif node.type in ("llm",) and not isinstance(node.get("prompt"), str):
            raise DefinitionError(f"{where}: prompt is required")
        elif node.type in ("template",) and not isinstance(node.get("template"), str):
            raise DefinitionError(f"{where}: template is required")
        elif node.type == "message" and not isinstance(node.get("content"), str):
            raise DefinitionError(f"{where}: content is required")
    except expr.ExpressionError as exc:
        raise DefinitionError(f"{where}: {exc}") from None


def validate_ports(definition: Definition) -> Optional[str]:
    """A port used on an edge that its condition node does not have, if any."""
    by_id = definition.by_id
    for src, dst, port in definition.edges:
        node = by_id[src]
        if node.type == "condition" and port not in condition_ports(node):
            return f"edge {src} -> {dst}: port {port!r} is not one of {condition_ports(node)}"
    return None
