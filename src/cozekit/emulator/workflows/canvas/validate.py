"""Load-time checks: a canvas the emulator accepts can run; a refused one names the node and the problem.

Checked: node types the emulator runs, one start and an end node, edges between known nodes on known
ports, no cycle, no node cut off from the start (or leading nowhere), references to nodes that run
before and to outputs they declare, and reference types an input can take.
"""

from __future__ import annotations

import contextlib
from typing import Any, Dict, List, Optional, Set, Tuple

from . import model as m
from .convert import compatible, template_names
from .graph import INLINE_OUT, Graph, body, top_level
from .model import Canvas, CanvasError, Node, TypeInfo, Value

SUPPORTED = {
    m.START,
    m.END,
    m.LLM,
    m.CODE,
    m.SELECTOR,
    m.SUB_WORKFLOW,
    m.OUTPUT,
    m.TEXT,
    m.QUESTION,
    m.BREAK,
    m.SET_VARIABLE,
    m.LOOP,
    m.INTENT,
    m.BATCH,
    m.CONTINUE,
    m.INPUT,
    m.COMMENT,
    m.AGGREGATOR,
    m.HTTP,
    m.JSON_SERIALIZE,
    m.JSON_DESERIALIZE,
    m.KNOWLEDGE_RETRIEVE,
    m.PLUGIN,
    m.CONVERSATION_HISTORY,
    m.VARIABLE_ASSIGNER,
    *m.CONVERSATION_NODES,
    m.KNOWLEDGE_WRITE,
    m.KNOWLEDGE_DELETE,
    *m.DATABASE_NODES,
}
ERROR_PORTS = ("default", "branch_error")


def validate(canvas: Canvas) -> None:
    """Raise CanvasError for the first problem found."""
    for node in canvas.all_nodes.values():
        if node.type not in SUPPORTED:
            what = (
                f"{node.name} nodes (type {node.type}) are"
                if node.type in m.NODE_NAMES
                else (f"node type {node.type} is")
            )
            raise CanvasError(f"{what} not supported by the emulator", node.id)
        if node.parent is not None and node.type in (m.LOOP, m.BATCH):
            raise CanvasError("loops and batches cannot be nested inside a loop or batch", node.id)
        if node.parent is None and node.type in (m.BREAK, m.CONTINUE, m.SET_VARIABLE):
            raise CanvasError(f"a {node.name} node belongs inside a loop", node.id)
        _check_settings(node)
    starts = [n for n in canvas.nodes if n.type == m.START]
    if len(starts) != 1:
        raise CanvasError(f"a canvas needs exactly one start node (type 1), found {len(starts)}")
    if not canvas.ends:
        raise CanvasError("a canvas needs an end node (type 2)")
    _check_edges(canvas.edges, {n.id for n in canvas.nodes}, None)
    top = top_level(canvas.nodes, canvas.edges)
    _check_level(canvas, top, [starts[0].id])
    for node in canvas.all_nodes.values():
        if node.type in (m.LOOP, m.BATCH):
            _check_edges(node.edges, {b.id for b in node.blocks}, node)
            inner = body(node)
            if node.blocks and not inner.entry:
                raise CanvasError(f"the {node.name} body is not connected to the {node.name} node", node.id)
            _check_level(canvas, inner, inner.entry)
    for node in canvas.all_nodes.values():
        _check_refs(canvas, node)


def _check_edges(edges: List[m.Edge], ids: Set[str], parent: Optional[Node]) -> None:
    for e in edges:
        for end in (e.source, e.target):
            if end not in ids and (parent is None or end != parent.id):
                raise CanvasError(f"an edge {e.source} -> {e.target} names an unknown node {end}")
        if parent is not None and e.source == parent.id and e.source_port not in (*INLINE_OUT, ""):
            raise CanvasError(f"unknown port {e.source_port!r} on the edge into the body", parent.id)


def _ports(node: Node) -> Optional[Tuple[str, ...]]:
    """The ports a node's outgoing edges may use (None: any)."""
    ports: Tuple[str, ...] = ("",)
    if node.type == m.SELECTOR:
        n = len(node.setting("branches") or [])
        ports = ("true", *(f"true_{i}" for i in range(1, n)), "false")
    elif node.type == m.INTENT:
        n = len(node.setting("intents") or [])
        ports = (*(f"branch_{i}" for i in range(n)), "default")
    elif node.type == m.QUESTION and node.setting("answer_type") == "option":
        if node.setting("option_type") == "dynamic":
            ports = ("branch_0", "default")
        else:
            n = len(node.setting("options") or [])
            ports = (*(f"branch_{i}" for i in range(n)), "default")
    elif node.type == m.LOOP:
        ports = ("", "loop-output")
    elif node.type == m.BATCH:
        ports = ("", "batch-output")
    if error_mode(node) == 3:
        ports = (*ports, *ERROR_PORTS)
    return ports


def error_mode(node: Node) -> int:
    """1 fail the run, 2 return default data, 3 take the error branch."""
    setting = node.setting("settingOnError") or {}
    if not isinstance(setting, dict):
        return 1
    mode = setting.get("processType")
    if mode is None:
        return 2 if setting.get("switch") else 1
    return int(mode)


def _check_level(canvas: Canvas, graph: Graph, roots: List[str]) -> None:
    by_id = graph.by_id
    for e in graph.edges:
        ports = _ports(by_id[e.source])
        if ports is not None and e.source_port not in ports:
            shown = ", ".join(repr(p) for p in ports)
            raise CanvasError(
                f"the edge to {e.target} leaves from port {e.source_port!r}, not one of {shown}", e.source
            )
    try:
        graph.order()
    except ValueError as exc:
        raise CanvasError("the edges form a cycle through this node", str(exc)) from None
    reached = graph.reachable(roots)
    for node in graph.nodes:
        if node.id not in reached:
            where = "the start node" if graph.parent is None else f"the start of {graph.parent.id}'s body"
            raise CanvasError(f"not connected: no path from {where} reaches it", node.id)
        if graph.parent is None and node.type != m.END and not graph.outgoing(node.id):
            raise CanvasError(
                "not connected: no edge leaves it, so the run never reaches an end node", node.id
            )


def _check_settings(node: Node) -> None:
    kind = node.type
    if kind == m.SELECTOR and not node.setting("branches"):
        raise CanvasError("a condition node needs at least one branch", node.id)
    if kind == m.CODE and node.setting("language") not in (3, 5, "3", "5"):
        raise CanvasError(
            f"code language {node.setting('language')!r} is not 3 (Python) or 5 (JavaScript)", node.id
        )
    if kind == m.TEXT and node.setting("method") not in ("concat", "split"):
        raise CanvasError(
            f"text processing method {node.setting('method')!r} is not concat or split", node.id
        )
    if kind == m.SUB_WORKFLOW and not node.setting("workflowId"):
        raise CanvasError("a sub-workflow node needs workflowId", node.id)
    if kind == m.END:
        plan = node.setting("terminatePlan") or "returnVariables"
        if plan not in ("returnVariables", "useAnswerContent"):
            raise CanvasError(f"terminatePlan {plan!r} is not returnVariables or useAnswerContent", node.id)
    if kind == m.LOOP and (node.setting("loopType") or "array") not in ("array", "count", "infinite"):
        raise CanvasError(f"loopType {node.setting('loopType')!r} is not array, count or infinite", node.id)
    if kind in (m.KNOWLEDGE_WRITE, m.KNOWLEDGE_DELETE):
        dataset = {p.name: p.value for p in m.params(node.setting("datasetParam"), "datasetParam", node.id)}
        chosen = dataset.get("datasetList")
        if chosen is None or (chosen.kind == "literal" and not chosen.literal):
            raise CanvasError(f"a {node.name} node needs a knowledge base in datasetList", node.id)
    if kind == m.VARIABLE_ASSIGNER:
        _check_assignments(node)
    if kind in m.DATABASE_NODES:
        infos = node.setting("databaseInfoList")
        first = infos[0] if isinstance(infos, list) and infos else None
        if not isinstance(first, dict) or not first.get("databaseInfoID"):
            raise CanvasError("a database node needs databaseInfoList with a databaseInfoID", node.id)
        if kind == m.DB_CUSTOM_SQL and not str(node.setting("sql") or "").strip():
            raise CanvasError("a custom SQL node needs its sql", node.id)
        if kind == m.DB_QUERY and int((node.setting("selectParam") or {}).get("limit") or 0) <= 0:
            raise CanvasError("a database query node needs a limit greater than 0", node.id)
    if kind == m.PLUGIN:
        api = {p.name: p.value.literal for p in m.params(node.setting("apiParam"), "apiParam", node.id)}
        if not api.get("pluginID") or not api.get("apiName"):
            raise CanvasError("a plugin node needs pluginID and apiName in apiParam", node.id)
    if kind == m.LLM:
        _check_skills(node)
    batch = node.setting("batch")
    if isinstance(batch, dict) and batch.get("batchEnable") and kind in (m.QUESTION, m.INPUT, m.END, m.START):
        raise CanvasError(f"batch mode on a {node.name} node is not supported by the emulator", node.id)


def _check_skills(node: Node) -> None:
    raw = node.setting("fcParam")
    raw = raw if isinstance(raw, dict) else {}
    for i, p in enumerate((raw.get("pluginFCParam") or {}).get("pluginList") or []):
        if not isinstance(p, dict) or not p.get("plugin_id") or not p.get("api_name"):
            raise CanvasError(f"skill plugin {i} needs plugin_id and api_name", node.id)
    for i, w in enumerate((raw.get("workflowFCParam") or {}).get("workflowList") or []):
        if not isinstance(w, dict) or not w.get("workflow_id"):
            raise CanvasError(f"skill workflow {i} needs workflow_id", node.id)
    for i, k in enumerate((raw.get("knowledgeFCParam") or {}).get("knowledgeList") or []):
        if not isinstance(k, dict) or not k.get("id"):
            raise CanvasError(f"skill knowledge base {i} needs an id", node.id)


def _check_assignments(node: Node) -> None:
    for i, raw in enumerate(node.setting("inputParameters") or []):
        if (
            not isinstance(raw, dict)
            or not isinstance(raw.get("left"), dict)
            or not isinstance(raw.get("input"), dict)
        ):
            raise CanvasError(f"assignment {i} needs `left` (the variable) and `input` (the value)", node.id)
        left = m.parse_value(raw["left"], f"assignment {i}", node.id)
        source = left.ref.source if left.ref is not None else ""
        if source == "global_variable_system":
            raise CanvasError(f"assignment {i}: system variables are read-only", node.id)
        if source not in ("global_variable_app", "global_variable_user"):
            raise CanvasError(f"assignment {i}: the left side must be an app or user variable", node.id)
        assert left.ref is not None
        if len(left.ref.path) != 1:
            raise CanvasError(f"assignment {i}: only a top-level variable can be assigned", node.id)


_VALUE_TYPES = (
    (bool, "boolean"),
    (int, "integer"),
    (float, "number"),
    (str, "string"),
    (list, "list"),
    (dict, "object"),
)


def check_variable_types(canvas: Canvas, declared: Dict[str, Dict[str, Any]]) -> None:
    """Variable assigners against the declared variables (`{"app": {name: default}, "user": ...}`): a
    variable's type is its default's; an assignment whose left side declares another type is refused,
    as Coze Studio's check of app variables refuses it."""
    sources = {
        "global_variable_app": declared.get("app") or {},
        "global_variable_user": declared.get("user") or {},
    }
    for node in canvas.all_nodes.values():
        if node.type != m.VARIABLE_ASSIGNER:
            continue
        for i, raw in enumerate(node.setting("inputParameters") or []):
            left = m.parse_value(raw["left"], f"assignment {i}", node.id)
            if left.ref is None or left.ref.source not in sources or not left.ref.path:
                continue
            name = left.ref.path[0]
            default = sources[left.ref.source].get(name)
            kind = next((k for t, k in _VALUE_TYPES if isinstance(default, t)), None)
            if kind is None or left.type is None:
                continue
            wanted = {"time": "string", "file": "string"}.get(left.type.type, left.type.type)
            if wanted != kind and not (wanted == "number" and kind == "integer"):
                raise CanvasError(
                    f"param [{name}], type mismatch: the assignment declares {left.type.describe()}, "
                    f"the variable is {kind}",
                    node.id,
                )


# -- references --------------------------------------------------------------------------------------


def _values(node: Node) -> List[Tuple[str, Value]]:
    """Every input of a node that may hold references, with where it is."""
    out: List[Tuple[str, Value]] = [(f"input {p.name}", p.value) for p in node.params]
    inputs = node.inputs

    def add(where: str, raw: object) -> None:
        if isinstance(raw, dict) and isinstance(raw.get("value"), dict):
            with contextlib.suppress(CanvasError):
                out.append((where, m.parse_value(raw, where, node.id)))

    for key in ("content", "loopCount", "batchSize", "concurrentSize", "dynamic_option"):
        if key != "dynamic_option" or inputs.get("option_type") == "dynamic":
            add(key, inputs.get(key))
    for p in m.params(inputs.get("variableParameters"), "variableParameters", node.id):
        out.append((f"loop variable {p.name}", p.value))
    for group in inputs.get("mergeGroups") or []:
        for i, v in enumerate(group.get("variables") or []):
            add(f"group {group.get('name')} variable {i}", v)
    for b, branch in enumerate(inputs.get("branches") or []):
        for c, cond in enumerate(((branch or {}).get("condition") or {}).get("conditions") or []):
            for side in ("left", "right"):
                operand = (cond or {}).get(side)
                if isinstance(operand, dict):
                    add(f"branch {b} condition {c} {side}", operand.get("input"))
    if node.type == m.SET_VARIABLE:  # `{left, right}` assignments instead of `{name, input}`
        for i, raw in enumerate(inputs.get("inputParameters") or []):
            for side in ("left", "right"):
                add(f"assignment {i} {side}", (raw or {}).get(side))
    batch = inputs.get("batch")
    if isinstance(batch, dict) and batch.get("batchEnable"):
        for p in m.params(batch.get("inputLists"), "batch inputLists", node.id):
            out.append((f"batch list {p.name}", p.value))
    for key in ("headers", "params", "apiParam", "datasetParam"):
        for p in m.params(inputs.get(key), key, node.id):
            out.append((f"{key} {p.name}", p.value))
    return out


def _scope_names(node: Node) -> Dict[str, Optional[TypeInfo]]:
    """What a loop or batch offers its body under its own id."""
    names: Dict[str, Optional[TypeInfo]] = {"index": TypeInfo("integer")}
    for p in node.params:
        names[p.name] = p.value.type.elem if p.value.type.type == "list" else None
    for p in m.params(node.setting("variableParameters"), "variableParameters", node.id):
        names[p.name] = p.value.type
    return names


def _declared(target: Node, path: List[str]) -> Tuple[bool, Optional[TypeInfo]]:
    """Whether `target` declares the output at `path`, and its type when known."""
    if not path:
        return True, None
    var = target.output(path[0])
    if var is None:
        return False, None
    info: Optional[TypeInfo] = var.type
    for step in path[1:]:
        if info is None:
            break
        info = (info.props.get(step) if info.props else None) if info.type == "object" else None
    return True, info


def _graph_of(canvas: Canvas, node: Node) -> Graph:
    if node.parent is None:
        return top_level(canvas.nodes, canvas.edges)
    return body(canvas.all_nodes[node.parent])


def visible(canvas: Canvas, node: Node) -> Dict[str, str]:
    """Nodes whose outputs `node` may read: id -> "upstream", "scope" (an enclosing loop/batch),
    "self" (batch mode lists) or "body" (a loop/batch reading its own body for its outputs)."""
    seen: Dict[str, str] = {}
    current: Optional[Node] = node
    while current is not None:
        graph = _graph_of(canvas, current)
        for nid in graph.upstream(current.id):
            seen.setdefault(nid, "upstream")
        if current.parent is None:
            break
        parent = canvas.all_nodes[current.parent]
        seen.setdefault(parent.id, "scope")
        current = parent
    return seen


def _check_refs(canvas: Canvas, node: Node) -> None:
    allowed = visible(canvas, node)
    for where, value in _values(node):
        _check_value(canvas, node, where, value, allowed)
    if node.type == m.HTTP:
        body = (node.setting("body") or {}).get("bodyData") or {}
        for where, text in (
            ("url", (node.setting("apiInfo") or {}).get("url")),
            ("JSON body", body.get("json")),
            ("raw body", body.get("rawText")),
        ):
            for name in template_names(str(text or "")):
                target = name[len("block_output_") :] if name.startswith("block_output_") else ""
                if target and target not in allowed:
                    raise CanvasError(
                        f"the {where} uses {{{{{name}}}}}, but node {target} does not run before it", node.id
                    )
    if node.type in (m.LOOP, m.BATCH):
        inner = {b.id for b in canvas.all_nodes.values() if _inside(canvas, b, node.id)}
        for var in node.outputs:
            if var.value is None:
                continue
            ok = {**allowed, **{i: "body" for i in inner}, node.id: "scope"}
            _check_value(canvas, node, f"output {var.name}", var.value, ok, check_type=False)


def _inside(canvas: Canvas, node: Node, ancestor: str) -> bool:
    while node.parent is not None:
        if node.parent == ancestor:
            return True
        node = canvas.all_nodes[node.parent]
    return False


def _check_value(
    canvas: Canvas, node: Node, where: str, value: Value, allowed: Dict[str, str], check_type: bool = True
) -> None:
    for field in value.fields:
        _check_value(canvas, node, f"{where}.{field.name}", field.value, allowed, check_type)
    ref = value.ref
    if ref is None or ref.source != "block-output":
        return
    if not ref.block_id:
        raise CanvasError(f"{where} is a reference with no node chosen", node.id)
    target = canvas.all_nodes.get(ref.block_id)
    if target is None:
        raise CanvasError(f"{where} refers to {ref.text()}, but there is no node {ref.block_id}", node.id)
    batch = node.setting("batch")
    if ref.block_id == node.id and isinstance(batch, dict) and batch.get("batchEnable"):
        lists = {p.name for p in m.params(batch.get("inputLists"), "batch inputLists", node.id)}
        if ref.path and ref.path[0] not in lists:
            raise CanvasError(f"{where} refers to {ref.text()}, which is not one of its batch lists", node.id)
        return
    how = allowed.get(ref.block_id)
    if how is None:
        raise CanvasError(
            f"{where} refers to {ref.text()}, but node {ref.block_id} does not run before it "
            "(no path of edges leads from it to this node)",
            node.id,
        )
    if how == "scope" and target.type in (m.LOOP, m.BATCH):
        names = _scope_names(target)
        if ref.path and ref.path[0] not in names:
            raise CanvasError(
                f"{where} refers to {ref.text()}, but {target.name} {target.id} offers only "
                f"{', '.join(sorted(names))} to its body",
                node.id,
            )
        source = names.get(ref.path[0]) if ref.path and len(ref.path) == 1 else None
    else:
        declared, source = _declared(target, ref.path)
        if not declared:
            shown = ", ".join(v.name for v in target.outputs) or "nothing"
            raise CanvasError(
                f"{where} refers to {ref.text()}, but node {target.id} declares no output "
                f"{ref.path[0]!r} (it declares {shown})",
                node.id,
            )
    if (
        check_type
        and canvas.strict_types
        and source is not None
        and value.type is not None
        and not compatible(source, value.type)
    ):
        raise CanvasError(
            f"type mismatch: {where} is declared {value.type.describe()} "
            f"but {ref.text()} is {source.describe()}",
            node.id,
        )
