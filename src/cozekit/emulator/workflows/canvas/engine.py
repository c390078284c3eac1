"""Running a canvas: nodes in edge order, branches, exception handling, interrupts and resume.

The run's state is plain JSON (`RunState`), saved after every node, so an interrupted run resumes in a
later request. What the run needs from the emulator (ids, models, other workflows) comes through
`Host`; what it reports goes to `emit` as the events of a workflow stream (`Message`).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from typing import (
    Any,
    Awaitable,
    Callable,
    Dict,
    List,
    Mapping,
    MutableMapping,
    NoReturn,
    Optional,
    Protocol,
    Tuple,
)

from ...core.llm import Model
from ..engine.context import Emit, Failed, Interrupt, Outcome, emit_message, no_save
from ..engine.walk import Step, walk
from . import model as m
from .convert import ConversionError, TemplateError, as_text, convert, convert_all, empty_of, fill_all
from .graph import Graph, top_level
from .model import Canvas, Node, Value
from .validate import error_mode

NODE_FAILED = 720701013
"""The error code of a failing node (Coze's workflow execution error)."""
MAX_DEPTH = 5


NODE_TIMEOUT = 777777776
"""Coze Studio's error code for a node that ran out of time (`errorBody.errorCode` of a handled timeout)."""


class NodeError(Exception):
    """A node failed; the run fails unless the node handles its errors."""

    def __init__(self, msg: str, code: int = NODE_FAILED) -> None:
        super().__init__(msg)
        self.code = code
        self.msg = msg
        self.body: Optional[Tuple[str, int]] = None
        """The message and code a handled error's `errorBody` shows, when not `msg` and `code`."""


class LoopSignal(Exception):
    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


class Host(Protocol):
    """What a run needs from the emulator. The coroutines reach the emulator's services (its store):
    they run them in a thread, never on the event loop."""

    chunk_size: int
    chunk_delay: float

    def new_id(self) -> str: ...

    def model_for(self, workflow_id: str, node_id: str) -> Model: ...

    async def sub_canvas(self, workflow_id: str, version: Optional[str]) -> Canvas:
        """A published canvas workflow; raises NodeError when there is none."""
        ...

    async def workflow_info(self, workflow_id: str, version: Optional[str]) -> Tuple[str, str]:
        """A published workflow's name and description (an LLM node's workflow skill); raises NodeError."""
        ...

    def http_allowed(self, url: str) -> bool:
        """Whether an HTTP request node may call `url` (the emulator allows loopback only by default)."""
        ...

    async def recall(
        self, dataset_ids: List[str], query: str, top_k: int, strategy: int
    ) -> List[Dict[str, Any]]:
        """Knowledge slices for `query`, best first: `{"content", "document_id", "score"}`."""
        ...

    async def call_plugin(self, plugin_id: str, tool_name: str, arguments: Dict[str, Any]) -> Dict[str, Any]:
        """A plugin tool's result; raises NodeError for an unknown plugin or tool, or bad arguments."""
        ...

    async def set_user_variable(self, name: str, value: Any) -> None:
        """Store a user variable of the run's user (`global_variable_user`)."""
        ...

    async def write_knowledge(
        self, dataset_id: str, file_name: str, file_type: str, data: bytes, strategy: Dict[str, Any]
    ) -> Dict[str, Any]:
        """Add a document to a knowledge base (`strategy` as the OpenAPI's `chunk_strategy`): its
        `document_id`; raises NodeError."""
        ...

    async def delete_knowledge(self, dataset_id: str, document_id: str) -> bool:
        """Delete a document of a knowledge base; False when the base has no such document."""
        ...

    async def database(self, op: str, database_id: str, **args: Any) -> Any:
        """An operation on a database table (`databases.backend.DatabasesBackend`): `table`, `insert`,
        `query`, `update`, `delete`, `sql`; raises NodeError."""
        ...

    async def conversation(self, op: str, **args: Any) -> Any:
        """An operation on the named conversations of the run's app and user: `create`, `rename`,
        `delete`, `list`, `clear`, `messages`, `history`, `add_message`, `edit_message`,
        `delete_message` (`conversations.named.AppConversations`); raises NodeError."""
        ...


class State(Protocol):
    outputs: Dict[str, Any]
    finished: List[str]
    active: List[List[str]]
    nodes: Dict[str, Dict[str, Any]]
    usage: Dict[str, int]
    messages: Dict[str, str]
    pending: Optional[Dict[str, Any]]
    result: str
    variables: Dict[str, Any]

    def add_usage(self, input_count: int, output_count: int) -> None: ...


@dataclasses.dataclass
class Run:
    """One run of a canvas (a sub-workflow runs as a Run of its own, one level deeper)."""

    host: Host
    canvas: Canvas
    workflow_id: str
    execute_id: str
    state: State
    executors: Mapping[int, Executor]
    """How each node type runs (`nodes.EXECUTORS`); loop bodies and sub-workflows run with the same."""
    emit: Emit = lambda name, data: None
    save: Callable[[], Awaitable[None]] = no_save
    history: List[Dict[str, str]] = dataclasses.field(default_factory=list)
    depth: int = 0
    variables: Dict[str, Dict[str, Any]] = dataclasses.field(default_factory=dict)
    """Global variables by source (`global_variable_app`, `_user`, `_system`); unknown ones read as null.
    A sub-workflow shares its parent's."""


APP_VARIABLES, USER_VARIABLES, SYSTEM_VARIABLES = (
    "global_variable_app",
    "global_variable_user",
    "global_variable_system",
)


Scope = MutableMapping[str, Any]
"""Node outputs by node id, as a node's references see them."""


@dataclasses.dataclass
class Result:
    output: Dict[str, Any]
    port: Optional[str] = None
    """The chosen branch; None for a node without branches."""


Executor = Callable[[Run, Node, Scope, Optional[str]], Awaitable[Result]]
"""Runs one node type: `(run, node, scope, answer)`."""


# -- values ------------------------------------------------------------------------------------------


def lookup(run: Run, scope: Scope, ref: m.Ref) -> Any:
    if ref.source != "block-output":
        current: Any = run.variables.get(ref.source, {})
        for step in ref.path:
            current = current.get(step) if isinstance(current, dict) else None
        return current
    current = scope.get(ref.block_id)
    for step in ref.path:
        if isinstance(current, dict):
            current = current.get(step)
        elif isinstance(current, list):  # a field of every item (`list.field`)
            current = [item.get(step) if isinstance(item, dict) else None for item in current]
        else:
            return None
    return current


def resolve(run: Run, scope: Scope, value: Value, where: str = "") -> Any:
    """A node input's value, converted to its declared type."""
    if value.kind == "object_ref":
        raw: Any = {f.name: resolve(run, scope, f.value, f"{where}.{f.name}") for f in value.fields}
    elif value.kind == "ref" and value.ref is not None:
        raw = lookup(run, scope, value.ref)
    else:
        raw = value.literal
    warnings: List[str] = []
    try:
        return convert(raw, value.type, where or "value", warnings)
    except ConversionError as exc:
        raise NodeError(str(exc)) from None


PRE_FILL_ZERO = {
    m.END,
    m.LLM,
    m.CODE,
    m.OUTPUT,
    m.TEXT,
    m.QUESTION,
    m.LOOP,
    m.INTENT,
    m.BATCH,
    m.HTTP,
    m.PLUGIN,
    m.KNOWLEDGE_RETRIEVE,
}
"""Node types whose missing or null inputs read as their type's zero value (as in Coze Studio)."""
POST_FILL_NIL = {
    m.START,
    m.LLM,
    m.CODE,
    m.QUESTION,
    m.LOOP,
    m.INTENT,
    m.BATCH,
    m.INPUT,
    m.AGGREGATOR,
    m.HTTP,
    m.PLUGIN,
    m.KNOWLEDGE_RETRIEVE,
}
"""Node types whose declared but missing outputs read as null."""


def inputs_of(run: Run, scope: Scope, node: Node) -> Dict[str, Any]:
    """The node's `inputParameters` by name."""
    out = {p.name: resolve(run, scope, p.value, p.name) for p in node.params}
    for p in node.params:
        if p.value.type.required and out.get(p.name) is None:
            raise NodeError(f"missing required input {p.name}")
    if node.type in PRE_FILL_ZERO:
        out = fill_all(out, {p.name: p.value.type for p in node.params}, zero=True)
    return out


def setting_value(run: Run, scope: Scope, node: Node, key: str, default: Any = None) -> Any:
    """A node setting written as a value (`{type, value}`) resolved; a bare setting as is."""
    raw = node.setting(key)
    if isinstance(raw, dict) and "value" in raw:
        return resolve(run, scope, m.parse_value(raw, key, node.id), key)
    return default if raw is None else raw


def typed_outputs(node: Node, values: Dict[str, Any]) -> Dict[str, Any]:
    """Node outputs converted to their declared types (undeclared names kept)."""
    types = {v.name: v.type for v in node.outputs if v.value is None}
    warnings: List[str] = []
    try:
        return convert_all(values, types, warnings, check_required=False)
    except ConversionError as exc:
        raise NodeError(str(exc)) from None


# -- events --------------------------------------------------------------------------------------------


async def emit_text(
    run: Run, node: Node, text: str, stream: bool, usage: Optional[Dict[str, int]] = None
) -> None:
    """`Message` events for one node's text."""
    await emit_message(run.emit, run.host, run.state.nodes, node.id, node.title, text, stream, usage)


# -- one node -------------------------------------------------------------------------------------------


async def run_node(run: Run, node: Node, scope: Scope, answer: Optional[str]) -> Result:
    """Execute one node with its exception handling (timeout, retries, default output, error branch)."""
    setting = node.setting("settingOnError") or {}
    setting = setting if isinstance(setting, dict) else {}
    mode = error_mode(node)
    timeout = float(setting.get("timeoutMs") or 0) / 1000 or None
    retries = max(0, int(setting.get("retryTimes") or 0))
    executor = run.executors[node.type]
    attempt = 0
    while True:
        try:
            coro: Awaitable[Result] = (
                run_batch_mode(run, node, scope, answer)
                if _batch_mode(node)
                else executor(run, node, scope, answer)
            )
            result: Result = await (asyncio.wait_for(coro, timeout) if timeout else coro)
            if node.type in POST_FILL_NIL:
                declared = {v.name: v.type for v in node.outputs if v.value is None}
                result.output = fill_all(result.output, declared, zero=False)
            if mode in (2, 3):
                result.output = {**result.output, "isSuccess": True}
                if mode == 3 and result.port is None:
                    result.port = "default"
            return result
        except (Interrupt, LoopSignal):
            raise
        except asyncio.TimeoutError:
            error = NodeError(f"timed out after {timeout:g} s")
            error.body = ("node timeout", NODE_TIMEOUT)  # what Coze Studio's errorBody says
        except NodeError as exc:
            error = exc
        except TemplateError as exc:
            error = NodeError(str(exc))
        attempt += 1
        if attempt <= retries:
            continue
        if mode == 1:
            raise error
        return Result(_error_output(node, setting, error), "branch_error" if mode == 3 else None)


def _error_output(node: Node, setting: Dict[str, Any], error: NodeError) -> Dict[str, Any]:
    data: Any = None
    if setting.get("dataOnErr"):
        try:
            data = json.loads(str(setting["dataOnErr"]))
        except json.JSONDecodeError:
            data = None
    if not isinstance(data, dict):
        data = {v.name: empty_of(v.type) for v in node.outputs if v.name not in ("errorBody", "isSuccess")}
    out = typed_outputs(node, data)
    message, code = error.body or (error.msg, error.code)
    out["errorBody"] = {"errorMessage": message, "errorCode": str(code)}
    out["isSuccess"] = False
    return out


def _batch_mode(node: Node) -> bool:
    batch = node.setting("batch")
    return isinstance(batch, dict) and bool(batch.get("batchEnable"))


BATCH_ITEM = "#batch-item"
"""The scope key that holds the item number while a node in batch mode runs one item."""


async def run_batch_mode(run: Run, node: Node, scope: Scope, answer: Optional[str] = None) -> Result:
    """A node in batch mode runs once per item of its input lists; `outputList` holds the outputs. Items
    that stop for an answer (an LLM node's workflow tool that asks) wait while the others finish; the run
    then interrupts once per waiting item, first come first asked, and each resume answers that item."""
    batch = node.setting("batch")
    lists = {
        p.name: resolve(run, scope, p.value, p.name) for p in m.params(batch.get("inputLists"), "", node.id)
    }
    for name, items in lists.items():
        if not isinstance(items, list):
            raise NodeError(f"batch list {name} is not a list")
    size = min([len(v) for v in lists.values()] or [0])
    size = min(size, int(batch.get("batchSize") or size))
    limit = asyncio.Semaphore(max(1, int(batch.get("concurrentSize") or 1)))
    item_node = _item_node(node)
    rec = run.state.nodes.setdefault(node.id, {})
    saved = rec.pop("batch_mode", None)
    done: Dict[int, Dict[str, Any]] = {}
    waiting: Dict[int, Dict[str, Any]] = {}
    asking: Optional[int] = None
    if saved is not None and answer is not None:
        done = {int(k): v for k, v in saved["done"].items()}
        waiting = {int(k): v for k, v in saved["waiting"].items()}
        asking = int(saved["asking"])

    async def one(i: int) -> None:
        reply = answer if i == asking else None
        waiting.pop(i, None)
        async with limit:
            local: Dict[str, Any] = {
                node.id: {name: items[i] for name, items in lists.items()},
                BATCH_ITEM: i,
            }
            try:
                result = await run.executors[node.type](run, item_node, _Layered(local, scope), reply)
            except Interrupt as intr:
                waiting[i] = {"interrupt": [intr.type, intr.data, intr.title, intr.extra]}
                return
            done[i] = result.output

    todo = [i for i in range(size) if i not in done and (i not in waiting or i == asking)]
    await asyncio.gather(*(one(i) for i in todo))
    if waiting:
        ask_first_waiting(rec, "batch_mode", saved, done, waiting)
    return Result({"outputList": [done[i] for i in range(size)]})


def ask_first_waiting(
    rec: Dict[str, Any],
    key: str,
    saved: Optional[Dict[str, Any]],
    done: Dict[Any, Any],
    waiting: Dict[Any, Dict[str, Any]],
) -> NoReturn:
    """Batch items wait one at a time, first come first asked (as Coze Studio): the items that stopped in
    this pass queue up behind the ones already waiting, in item order. Keeps the batch's progress in
    `rec[key]` and raises the first waiting item's interrupt."""
    turn = int((saved or {}).get("turn", 0))
    for i in sorted(waiting):
        if "turn" not in waiting[i]:
            waiting[i]["turn"] = turn
            turn += 1
    first = min(waiting, key=lambda i: int(waiting[i]["turn"]))
    rec[key] = {"done": done, "waiting": waiting, "asking": first, "turn": turn}
    kind, data, title, extra = waiting[first]["interrupt"]
    raise Interrupt(int(kind), str(data), str(title), dict(extra))


def _item_node(node: Node) -> Node:
    """The node as one item of its batch runs it: its outputs are the fields of `outputList`'s items
    (as in Coze Studio), when it declares them."""
    declared = node.output("outputList")
    elem = declared.type.elem if declared is not None else None
    if elem is None or not elem.props:
        return node
    outputs = [m.Variable(name, info) for name, info in elem.props.items()]
    return dataclasses.replace(node, outputs=outputs)


class _Layered(MutableMapping[str, Any]):
    """A scope whose writes stay local (a loop or batch iteration) over the enclosing scope."""

    def __init__(self, local: Dict[str, Any], outer: Scope) -> None:
        self.local = local
        self.outer = outer

    def __getitem__(self, key: str) -> Any:
        if key in self.local:
            return self.local[key]
        return self.outer[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.local[key] = value

    def __delitem__(self, key: str) -> None:
        del self.local[key]

    def __iter__(self) -> Any:
        return iter({**dict(self.outer), **self.local})

    def __len__(self) -> int:
        return len({**dict(self.outer), **self.local})


def layered(local: Dict[str, Any], outer: Scope) -> Scope:
    return _Layered(local, outer)


# -- a level of the canvas -------------------------------------------------------------------------------


def _takes(edge_port: str, port: Optional[str]) -> bool:
    if port is None or port == "default":
        return edge_port in ("", "default", "loop-output", "batch-output")
    return edge_port == port


async def run_body(
    run: Run,
    graph: Graph,
    scope: Scope,
    resume: Optional[Dict[str, Any]] = None,
    answer: Optional[str] = None,
) -> Dict[str, Any]:
    """One pass through a loop or batch body; the outputs of the nodes that ran, by node id.
    Break and continue nodes raise LoopSignal. A question or input node raises Interrupt with
    `progress` set (the pass so far); `resume` (that progress) and `answer` carry on from it."""
    ran: Dict[str, Any] = {}
    active: List[List[str]] = [[graph.parent.id if graph.parent else "", n] for n in graph.entry]
    pending = ""
    if resume is not None:
        ran, active, pending = dict(resume["ran"]), [list(e) for e in resume["active"]], resume["pending"]
        for nid, output in ran.items():
            scope[nid] = output
    for node in graph.order():
        if node.id in ran or not any(e[1] == node.id for e in active):
            continue  # done before the interrupt, or on a branch not taken
        given = answer if node.id == pending else None
        try:
            result = await run_node(run, node, scope, given)
        except NodeError as exc:  # the loop fails; its message names the body node
            raise NodeError(f"{node.title} ({node.id}): {exc.msg}", exc.code) from None
        except Interrupt as intr:
            intr.title = intr.title or node.title
            intr.progress = {"ran": ran, "active": active, "pending": node.id}
            raise
        scope[node.id] = result.output
        ran[node.id] = result.output
        for e in graph.outgoing(node.id):
            if _takes(e.source_port, result.port):
                active.append([node.id, e.target])
    return ran


async def execute(run: Run, answer: Optional[str] = None) -> Outcome:
    """Run (or, with `answer`, resume) the canvas until an end node, an interrupt or a failure."""
    st = run.state
    graph = top_level(run.canvas.nodes, run.canvas.edges)
    start = run.canvas.start

    def reachable(node: Node) -> bool:
        return node.id == start.id or any([e.source, node.id] in st.active for e in graph.incoming(node.id))

    async def step(node: Node, given: Optional[str]) -> Step:
        result = await run_node(run, node, st.outputs, given)
        shown = as_text(result.output)
        if node.type == m.OUTPUT:
            shown = str(result.output.get("output", ""))
        elif node.type == m.END:
            shown = st.result
        edges = [[node.id, e.target] for e in graph.outgoing(node.id) if _takes(e.source_port, result.port)]
        return Step(result.output, shown, edges, end=node.type == m.END)

    async def failed(node: Node, exc: Exception) -> Optional[Failed]:
        if isinstance(exc, NodeError):
            await run.save()
            return Failed(exc.code, f"node {node.title} ({node.id}) failed: {exc.msg}", node.id, node.title)
        if isinstance(exc, LoopSignal):
            return Failed(NODE_FAILED, f"node {node.title} ({node.id}): {exc.kind} outside a loop", node.id)
        return None

    return await walk(
        st,
        graph.order(),
        execute_id=run.execute_id,
        new_id=run.host.new_id,
        save=run.save,
        reachable=reachable,
        step=step,
        failed=failed,
        answer=answer,
    )


async def execute_child(
    run: Run,
    canvas: Canvas,
    workflow_id: str,
    child: State,
    answer: Optional[str],
    emit: Optional[Emit] = None,
) -> Outcome:
    """Run (or resume) another canvas one level deeper inside `run`: the same host, executors, history and
    variables; its token usage counts for the parent run too. `emit` (default: none) gets its events."""
    sub = Run(
        run.host,
        canvas,
        workflow_id,
        run.execute_id,
        child,
        run.executors,
        emit or (lambda name, data: None),
        history=run.history,
        depth=run.depth + 1,
        variables=run.variables,
    )
    before = dict(child.usage)
    outcome = await execute(sub, answer)
    run.state.add_usage(
        child.usage["input_count"] - before["input_count"],
        child.usage["output_count"] - before["output_count"],
    )
    return outcome
