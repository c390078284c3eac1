"""The canvas JSON Coze's workflow editor saves, read into plain dataclasses.

A canvas is `{"nodes": [...], "edges": [...]}`. Each node has an `id`, a numeric `type` (as text),
`data.nodeMeta.title`, `data.inputs` (node settings, `inputParameters` among them) and `data.outputs`
(declared variables). Loop and batch nodes carry their body in `blocks` and `edges`. A value is
`{"type": <variable type>, "schema": ..., "value": {"type": "literal"|"ref"|"object_ref", "content": ...}}`;
a reference's content names a node (`blockID`) and a dotted field path (`name`).
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any, Dict, List, Optional


class CanvasError(ValueError):
    """A canvas that cannot be loaded; the message names the node and the problem."""

    def __init__(self, msg: str, node_id: str = "") -> None:
        super().__init__(f"node {node_id}: {msg}" if node_id else msg)
        self.node_id = node_id
        self.problem = msg


# Node type numbers of Coze's editor.
START, END, LLM, PLUGIN, CODE, KNOWLEDGE_RETRIEVE, SELECTOR, SUB_WORKFLOW = 1, 2, 3, 4, 5, 6, 8, 9
DB_CUSTOM_SQL, OUTPUT, TEXT, QUESTION, BREAK, SET_VARIABLE, LOOP, INTENT = 12, 13, 15, 18, 19, 20, 21, 22
KNOWLEDGE_WRITE, BATCH, CONTINUE, INPUT, COMMENT, AGGREGATOR = 27, 28, 29, 30, 31, 32
VARIABLE_ASSIGNER, HTTP, JSON_SERIALIZE, JSON_DESERIALIZE = 40, 45, 58, 59
CONVERSATION_HISTORY, KNOWLEDGE_DELETE = 54, 60
DB_UPDATE, DB_QUERY, DB_DELETE, DB_INSERT = 42, 43, 44, 46
DATABASE_NODES = (DB_CUSTOM_SQL, DB_UPDATE, DB_QUERY, DB_DELETE, DB_INSERT)
MESSAGE_LIST, CLEAR_HISTORY, CREATE_CONVERSATION = 37, 38, 39
UPDATE_CONVERSATION, DELETE_CONVERSATION, CONVERSATION_LIST = 51, 52, 53
CREATE_MESSAGE, EDIT_MESSAGE, DELETE_MESSAGE = 55, 56, 57
CONVERSATION_NODES = (37, 38, 39, 51, 52, 53, 55, 56, 57)

NODE_NAMES: Dict[int, str] = {
    1: "start",
    2: "end",
    3: "LLM",
    4: "plugin",
    5: "code",
    6: "knowledge retrieval",
    8: "condition (selector)",
    9: "sub-workflow",
    12: "database custom SQL",
    13: "output (message)",
    15: "text processing",
    18: "question",
    19: "break",
    20: "set loop variable",
    21: "loop",
    22: "intent recognition",
    27: "knowledge writing",
    28: "batch",
    29: "continue",
    30: "input",
    31: "comment",
    32: "variable aggregator",
    37: "message list",
    38: "clear conversation history",
    39: "create conversation",
    40: "variable assigner",
    42: "database update",
    43: "database query",
    44: "database delete",
    45: "HTTP request",
    46: "database insert",
    51: "update conversation",
    52: "delete conversation",
    53: "conversation list",
    54: "conversation history",
    55: "create message",
    56: "edit message",
    57: "delete message",
    58: "JSON serialize",
    59: "JSON deserialize",
    60: "knowledge delete",
}

TYPE_NAMES = ("string", "integer", "float", "number", "boolean", "object", "list", "array")
TIME_ASSIST = 10000


@dataclasses.dataclass
class TypeInfo:
    """A declared type: `string`, `integer`, `number`, `boolean`, `object` (with properties),
    `list` (with an element type), `file` or `time` (strings with an assist type)."""

    type: str
    required: bool = False
    elem: Optional[TypeInfo] = None
    props: Dict[str, TypeInfo] = dataclasses.field(default_factory=dict)

    def describe(self) -> str:
        if self.type == "list" and self.elem is not None:
            return f"list<{self.elem.describe()}>"
        return self.type


@dataclasses.dataclass
class Variable:
    """A declared output (or start parameter): name, type, default."""

    name: str
    type: TypeInfo
    default: Any = None
    description: str = ""
    value: Optional[Value] = None
    """Loop and batch outputs are computed from a value (a reference into the body)."""


@dataclasses.dataclass
class Ref:
    """A reference to another node's output (`block-output`) or to a global variable."""

    source: str
    block_id: str
    path: List[str]

    def text(self) -> str:
        if self.source != "block-output":
            return f"{self.source}.{'.'.join(self.path)}"
        return f"{self.block_id}.{'.'.join(self.path)}"


@dataclasses.dataclass
class Value:
    """A node input: a literal, a reference, or an object built from named fields."""

    type: TypeInfo
    kind: str
    literal: Any = None
    ref: Optional[Ref] = None
    fields: List[Param] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Param:
    name: str
    value: Value


@dataclasses.dataclass
class Edge:
    source: str
    target: str
    source_port: str = ""
    target_port: str = ""


@dataclasses.dataclass
class Node:
    id: str
    type: int
    title: str
    inputs: Dict[str, Any]
    """The raw `data.inputs` object (node-specific settings)."""
    params: List[Param]
    """`inputParameters`, parsed."""
    outputs: List[Variable]
    blocks: List[Node] = dataclasses.field(default_factory=list)
    edges: List[Edge] = dataclasses.field(default_factory=list)
    parent: Optional[str] = None
    raw: Dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def name(self) -> str:
        return NODE_NAMES.get(self.type, f"type {self.type}")

    def setting(self, key: str, default: Any = None) -> Any:
        return self.inputs.get(key, default)

    def output(self, name: str) -> Optional[Variable]:
        return next((v for v in self.outputs if v.name == name), None)


@dataclasses.dataclass
class Canvas:
    nodes: List[Node]
    edges: List[Edge]
    all_nodes: Dict[str, Node]
    """Every node by id, the ones inside loops and batches too."""
    raw: Dict[str, Any]
    strict_types: bool = True
    """Refuse references whose declared types cannot take the referenced output's type (else they
    convert at run time as Coze Studio does: a value that cannot convert becomes null)."""

    @property
    def start(self) -> Node:
        return next(n for n in self.nodes if n.type == START)

    @property
    def ends(self) -> List[Node]:
        return [n for n in self.nodes if n.type == END]

    @property
    def end(self) -> Node:
        return self.ends[0]

    @property
    def is_chatflow(self) -> bool:
        return any(v.name == "USER_INPUT" for v in self.start.outputs)


def type_info(raw: Any, where: str = "", node_id: str = "") -> TypeInfo:
    """A `{type, schema, required, assistType}` object as a TypeInfo."""
    if not isinstance(raw, dict):
        raise CanvasError(f"{where}: a type is an object with `type`", node_id)
    kind = str(raw.get("type") or "string")
    if kind not in TYPE_NAMES:
        raise CanvasError(f"{where}: unknown type {kind!r}", node_id)
    kind = {"float": "number", "array": "list"}.get(kind, kind)
    assist = raw.get("assistType")
    if kind == "string" and isinstance(assist, int) and assist:
        kind = "time" if assist == TIME_ASSIST else "file"
    info = TypeInfo(kind, bool(raw.get("required", False)))
    schema = raw.get("schema")
    if kind == "list":
        info.elem = (
            type_info(schema, f"{where}[]", node_id) if isinstance(schema, dict) else TypeInfo("string")
        )
    elif kind == "object" and isinstance(schema, list):
        for field in schema:
            if isinstance(field, dict) and field.get("name"):
                # an object built from references (`object_ref`) lists `{name, input: {type, ...}}`
                typed = (
                    field["input"] if "type" not in field and isinstance(field.get("input"), dict) else field
                )
                info.props[str(field["name"])] = type_info(typed, f"{where}.{field['name']}", node_id)
    return info


def variable(raw: Any, node_id: str) -> Variable:
    if not isinstance(raw, dict) or not raw.get("name"):
        raise CanvasError("each output is an object with a `name`", node_id)
    name = str(raw["name"])
    default = raw.get("defaultValue")
    value = None
    if isinstance(raw.get("input"), dict):  # loop/batch outputs: `{name, input}`
        value = parse_value(raw["input"], f"output {name}", node_id)
        info = value.type
    else:
        info = type_info(raw, f"output {name}", node_id)
    return Variable(name, info, default, str(raw.get("description") or ""), value)


def parse_value(raw: Any, where: str, node_id: str) -> Value:
    """One `{type, schema, value: {type, content}}` input."""
    if not isinstance(raw, dict):
        raise CanvasError(f"{where}: an input is an object with `type` and `value`", node_id)
    info = type_info(raw, where, node_id) if raw.get("type") else TypeInfo("string")
    val = raw.get("value")
    if val is None:
        return Value(info, "literal", None)
    if not isinstance(val, dict):
        raise CanvasError(f"{where}: `value` is an object with `type` and `content`", node_id)
    kind = str(val.get("type") or "literal")
    content = val.get("content")
    if kind == "literal":
        return Value(info, "literal", content)
    if kind == "ref":
        if not isinstance(content, dict):
            raise CanvasError(f"{where}: a reference's content is an object", node_id)
        source = str(content.get("source") or "block-output")
        if source == "block-output":
            name = str(content.get("name") or "")
            path = [p for p in name.split(".") if p] if name else []
            return Value(info, "ref", ref=Ref(source, str(content.get("blockID") or ""), path))
        path = [str(p) for p in content.get("path") or []]
        return Value(info, "ref", ref=Ref(source, "", path))
    if kind == "object_ref":
        schema = raw.get("schema") or []
        fields = [
            Param(str(f["name"]), parse_value(f.get("input"), f"{where}.{f['name']}", node_id))
            for f in schema
            if isinstance(f, dict) and f.get("name") and isinstance(f.get("input"), dict)
        ]
        return Value(info, "object_ref", fields=fields)
    raise CanvasError(f"{where}: value type {kind!r} is not literal, ref or object_ref", node_id)


def params(raw: Any, where: str, node_id: str) -> List[Param]:
    """A list of `{name, input}` parameters."""
    out = []
    for item in raw or []:
        if not isinstance(item, dict):
            raise CanvasError(f"{where}: each parameter is an object", node_id)
        name = str(item.get("name") or "")
        if not isinstance(item.get("input"), dict):
            continue  # the editor leaves half-filled rows behind; Coze ignores them too
        out.append(Param(name, parse_value(item["input"], f"{where} {name}", node_id)))
    return out


def _edges(raw: Any, where: str) -> List[Edge]:
    out = []
    for e in raw or []:
        if not isinstance(e, dict) or not e.get("sourceNodeID") or not e.get("targetNodeID"):
            raise CanvasError(f"{where}: each edge has sourceNodeID and targetNodeID")
        out.append(
            Edge(
                str(e["sourceNodeID"]),
                str(e["targetNodeID"]),
                str(e.get("sourcePortID") or ""),
                str(e.get("targetPortID") or ""),
            )
        )
    return out


def _node(raw: Any, parent: Optional[str]) -> Node:
    if not isinstance(raw, dict):
        raise CanvasError("each node is an object")
    node_id = str(raw.get("id") or "")
    if not node_id:
        raise CanvasError("a node has no id")
    try:
        kind = int(str(raw.get("type")))
    except ValueError:
        raise CanvasError(f"type {raw.get('type')!r} is not a node type number", node_id) from None
    data = raw.get("data") or {}
    if not isinstance(data, dict):
        raise CanvasError("`data` is an object", node_id)
    meta = data.get("nodeMeta") or {}
    inputs = data.get("inputs") or {}
    if not isinstance(inputs, dict):
        raise CanvasError("`data.inputs` is an object", node_id)
    title = str(meta.get("title") or NODE_NAMES.get(kind, node_id))
    outputs = [variable(o, node_id) for o in data.get("outputs") or []]
    node = Node(
        node_id,
        kind,
        title,
        inputs,
        params(inputs.get("inputParameters"), "inputParameters", node_id),
        outputs,
        parent=parent,
        raw=raw,
    )
    node.blocks = [_node(b, node_id) for b in raw.get("blocks") or []]
    node.edges = _edges(raw.get("edges"), f"node {node_id}")
    return node


def parse(raw: Any) -> Canvas:
    """A canvas (object or JSON text) as a `Canvas`; structure only, `validate` checks the rest."""
    if isinstance(raw, (str, bytes)):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise CanvasError(f"the canvas is not JSON: {exc}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("nodes"), list):
        raise CanvasError("a canvas is an object with `nodes` and `edges`")
    nodes = [_node(n, None) for n in raw["nodes"]]
    everything: Dict[str, Node] = {}

    def index(items: List[Node]) -> None:
        for n in items:
            if n.id in everything:
                raise CanvasError("two nodes have this id", n.id)
            everything[n.id] = n
            index(n.blocks)

    index(nodes)
    return Canvas(nodes, _edges(raw.get("edges"), "canvas"), everything, raw)


def looks_like_canvas(raw: Any) -> bool:
    """True for a Coze canvas (nodes with `data` and numeric types), false for other formats."""
    if not isinstance(raw, dict) or not isinstance(raw.get("nodes"), list) or not raw["nodes"]:
        return False
    first = raw["nodes"][0]
    return isinstance(first, dict) and "data" in first and str(first.get("type", "")).isdigit()
