"""Connects the engine to the emulator: creates run records, runs them (in the request, in a task,
or streamed), resumes interrupts, and frames workflow streams."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import json
import logging
from collections.abc import AsyncIterator, Coroutine
from typing import Any, Dict, List, Optional, Set, Tuple

from ...conversations.named import DEFAULT as DEFAULT_CONVERSATION
from ...conversations.named import AppConversations
from ...core.base import Account
from ...core.config import EmulatorConfig
from ...core.errors import CozeErrors, EmulatorError, bad_request
from ...core.ids import IdGenerator
from ...core.injections import ScriptBook
from ...core.llm import DeterministicModel, Model, ScriptedModel
from ...core.openai_compat import OpenAICompatModel
from ...core.store import Store
from ...databases.backend import DatabaseError, DatabasesBackend
from ...knowledge.backend import KnowledgeBackend
from ...plugins.backend import PluginsBackend
from ...workspaces.variables import VariablesBackend
from ..backend import WorkflowsBackend, history_output
from .context import NODE_FAILED, Done, Emit, Failed, Interrupted, NodeFailure, Outcome, RunContext, RunState
from .definition import Definition
from .params import ParameterError, check_parameters
from .runner import run

log = logging.getLogger("cozekit.emulator")
SYNC, STREAM, ASYNC = 0, 1, 2


def script_key(workflow_id: str, node_id: str) -> str:
    """Scripted replies for one LLM node live in the script book under this key."""
    return f"workflow:{workflow_id}:{node_id}"


@dataclasses.dataclass
class RunRequest:
    workflow_id: str
    parameters: Any = None
    bot_id: Optional[str] = None
    app_id: Optional[str] = None
    workflow_version: Optional[str] = None
    connector_id: Optional[str] = None
    base_url: str = ""
    logid: str = ""
    user_id: Optional[str] = None
    """The end user (`ext.user_id`): whose user variables a canvas run reads and writes."""


def parse_parameters(parameters: Any) -> Dict[str, Any]:
    """`parameters` as an object or as JSON text (doc page workflow_run: its table says text, its
    examples send an object)."""
    if parameters is None or parameters == "":
        return {}
    if isinstance(parameters, str):
        try:
            parameters = json.loads(parameters)
        except json.JSONDecodeError:
            raise bad_request("parameters must be a JSON object") from None
    if not isinstance(parameters, dict):
        raise bad_request("parameters must be a JSON object")
    return parameters


class EngineServices:
    """What nodes need, for one account."""

    def __init__(
        self,
        config: EmulatorConfig,
        ids: IdGenerator,
        scripts: ScriptBook,
        workflows: WorkflowsBackend,
        knowledge: KnowledgeBackend,
        plugins: PluginsBackend,
        account: Account,
        variables: Optional[VariablesBackend] = None,
        run_doc: Optional[Dict[str, Any]] = None,
        app_conversations: Optional[AppConversations] = None,
        databases: Optional[DatabasesBackend] = None,
    ) -> None:
        self.databases = databases
        self.config, self.ids, self.scripts, self.workflows = config, ids, scripts, workflows
        self.knowledge, self.plugins, self.variables = knowledge, plugins, variables
        self.app_conversations = app_conversations
        self.account = account
        self.run_doc = run_doc or {}
        self.chunk_size = config.chunk_size
        self.chunk_delay = config.chunk_delay

    def new_id(self) -> str:
        return self.ids.next()

    def model_for(self, workflow_id: str, node_id: str) -> Model:
        scripted = self.scripts.pop(script_key(workflow_id, node_id))
        if scripted is not None:
            return ScriptedModel(scripted)
        cfg = self.config
        if cfg.openai_base_url:
            return OpenAICompatModel(cfg.openai_base_url, cfg.openai_api_key, cfg.openai_model)
        return DeterministicModel(cfg.chunk_size)

    def sub_definition(self, workflow_id: str, version: Optional[str]) -> Definition:
        try:
            return self.workflows.published(self.account, workflow_id, version)[1]
        except EmulatorError as exc:
            raise NodeFailure(NODE_FAILED, f"sub-workflow: {exc.msg}") from None

    def recall(self, dataset_ids: List[str], query: str, top_k: int, strategy: int) -> List[Dict[str, Any]]:
        return self.knowledge.recall(self.account, dataset_ids, query, strategy, top_k)

    def call_plugin(self, plugin_id: str, tool_name: str, arguments: Dict[str, Any]) -> Any:
        try:
            return self.plugins.call_tool(self.account, plugin_id, tool_name, arguments)["result"]
        except EmulatorError as exc:
            raise NodeFailure(NODE_FAILED, f"plugin {plugin_id}: {exc.msg}") from None

    def write_knowledge(
        self, dataset_id: str, file_name: str, file_type: str, data: bytes, strategy: Dict[str, Any]
    ) -> Dict[str, Any]:
        base = {
            "name": file_name,
            "source_info": {"file_base64": base64.b64encode(data).decode(), "file_type": file_type},
        }
        try:
            made = self.knowledge.create_documents(self.account, dataset_id, [base], strategy, None)
        except EmulatorError as exc:
            raise NodeFailure(NODE_FAILED, f"knowledge {dataset_id}: {exc.msg}") from None
        return dict(made[0])

    def delete_knowledge(self, dataset_id: str, document_id: str) -> bool:
        try:
            listed = self.knowledge.list_documents(self.account, dataset_id, 1, 300)
            ids = {str(d["document_id"]) for d in listed["document_infos"]}
            if document_id not in ids:
                return False
            self.knowledge.delete_documents(self.account, [document_id])
        except EmulatorError as exc:
            raise NodeFailure(NODE_FAILED, f"knowledge {dataset_id}: {exc.msg}") from None
        return True

    def _user(self) -> str:
        return str(self.run_doc.get("user_id") or self.account.user_id)

    def _variable_scope(self) -> str:
        doc = self.run_doc
        channel = str(doc.get("connector_id") or "1024")
        if doc.get("bot_id"):
            owner = f"bot:{doc['bot_id']}"
        elif doc.get("app_id"):
            owner = f"app:{doc['app_id']}"
        else:
            owner = f"space:{self.account.space}"  # a workflow run with no bot or app
        return f"{owner}:{channel}:{self._user()}"

    def user_variables(self) -> Dict[str, str]:
        if self.variables is None:
            return {}
        return self.variables.values(self.account, self._variable_scope())

    def set_user_variable(self, name: str, value: str) -> None:
        if self.variables is None:
            raise NodeFailure(NODE_FAILED, "user variables are not available")
        self.variables.set_value(self.account, self._variable_scope(), name, value)

    def system_variables(self) -> Dict[str, Any]:
        return {"sys_uuid": self._user()}

    def database(self, op: str, database_id: str, args: Dict[str, Any]) -> Any:
        tables, account = self.databases, self.account
        if tables is None:
            raise NodeFailure(NODE_FAILED, "databases are not available")
        user, platform = self._user(), str(self.run_doc.get("connector_id") or "1024")
        try:
            if op == "table":
                return tables.get(account, database_id)
            if op == "insert":
                return tables.insert(account, database_id, args["values"], user, platform)
            if op == "query":
                return tables.query(
                    account,
                    database_id,
                    args["fields"],
                    args["logic"],
                    args["clauses"],
                    args["order"],
                    args["limit"],
                    args.get("distinct", False),
                    user=user,
                )
            if op == "update":
                return tables.update(
                    account, database_id, args["logic"], args["clauses"], args["values"], user=user
                )
            if op == "delete":
                return tables.delete_rows(account, database_id, args["logic"], args["clauses"], user=user)
            if op == "sql":
                return tables.execute_sql(account, database_id, args["sql"], args["params"], user, platform)
        except DatabaseError as exc:
            raise NodeFailure(NODE_FAILED, f"database {database_id}: {exc}") from None
        except EmulatorError as exc:
            raise NodeFailure(NODE_FAILED, f"database {database_id}: {exc.msg}") from None
        raise NodeFailure(NODE_FAILED, f"unknown database operation {op!r}")

    def conversation(self, op: str, args: Dict[str, Any]) -> Any:
        named, doc, account = self.app_conversations, self.run_doc, self.account
        if named is None:
            raise NodeFailure(NODE_FAILED, "conversations are not available")
        name = str(args.get("name") or "")
        if doc.get("bot_id"):  # Coze Studio: the agent scenario has only its chat's conversation
            if op in ("create", "rename", "delete", "list", "clear"):
                raise NodeFailure(NODE_FAILED, "conversation nodes are not available in a run for a bot")
            if name != DEFAULT_CONVERSATION:
                raise NodeFailure(  # Coze Studio's words, then ours
                    NODE_FAILED,
                    "Only default conversation allow in agent scenario (a run for a bot has only Default)",
                )
        channel = str(doc.get("connector_id") or "1024")
        scope = f"{doc.get('app_id') or 'space'}:{channel}:{self._user()}"
        current = str(doc.get("conversation_id") or "")
        if doc.get("bot_id") and not current and op != "history":
            return {"messages": ([], "0", "0", False)}.get(op)  # no chat: nothing to work on
        try:
            if op == "create":
                return named.create(account, scope, name, current, channel)
            if op == "rename":
                return named.rename(account, scope, name, str(args["new_name"]))
            if op == "delete":
                named.delete(account, scope, name)
                return None
            if op == "list":
                return named.list(account, scope)
            if op == "clear":
                return named.clear(account, scope, name, current)
            if op == "messages":
                return named.message_list(
                    account, scope, name, current, args["limit"], args["before_id"], args["after_id"]
                )
            if op == "history":
                if name != DEFAULT_CONVERSATION and named.lookup(account, scope, name) is None:
                    raise KeyError(name)
                return named.history(account, scope, name, current)
            if op == "add_message":
                return named.add_message(account, scope, name, args["role"], args["content"], current)
            if op == "edit_message":
                return named.edit_message(account, scope, name, args["message_id"], args["content"], current)
            if op == "delete_message":
                return named.delete_message(account, scope, name, args["message_id"], current)
        except KeyError:
            raise NodeFailure(NODE_FAILED, f"no conversation named {name!r}") from None
        except ValueError as exc:
            raise NodeFailure(NODE_FAILED, str(exc)) from None
        except EmulatorError as exc:
            raise NodeFailure(NODE_FAILED, exc.msg) from None
        raise NodeFailure(NODE_FAILED, f"unknown conversation operation {op!r}")


class WorkflowRunner:
    ping_interval = 10.0
    """Seconds of silence before a stream sends `PING`."""

    def __init__(
        self,
        config: EmulatorConfig,
        store: Store,
        ids: IdGenerator,
        scripts: ScriptBook,
        workflows: WorkflowsBackend,
        knowledge: KnowledgeBackend,
        plugins: PluginsBackend,
        variables: Optional[VariablesBackend] = None,
        app_conversations: Optional[AppConversations] = None,
        databases: Optional[DatabasesBackend] = None,
    ) -> None:
        self.databases = databases
        """Tables of canvas database nodes."""
        self.variables = variables
        self.app_conversations = app_conversations
        """Named conversations of canvas conversation and message nodes."""
        """User variables of canvas runs (the `/v1/variables` store)."""
        self.config, self.store, self.ids, self.scripts, self.workflows = (
            config,
            store,
            ids,
            scripts,
            workflows,
        )
        self.knowledge, self.plugins = knowledge, plugins
        """Knowledge retrieval and plugin nodes of canvas workflows reach these."""
        self._tasks: Set[asyncio.Task[Any]] = set()

    def cancel_all(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        self.ping_interval = WorkflowRunner.ping_interval

    def launch(self, job: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Run `job` in the background; it outlives the request (as a real run does)."""
        task = asyncio.get_running_loop().create_task(job)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    # -- creating and resuming runs ------------------------------------------------------------------

    def create(
        self,
        account: Account,
        req: RunRequest,
        run_mode: int,
        extra: Optional[Dict[str, Any]] = None,
        history: Optional[List[Dict[str, str]]] = None,
    ) -> Dict[str, Any]:
        """Check a run request (4000, 4200, 6003) and record the run."""
        if req.bot_id and req.app_id:
            raise bad_request("bot_id and app_id cannot both be set")
        params = parse_parameters(req.parameters)
        params.update(extra or {})
        if req.bot_id and self.store.get("bot", req.bot_id, owner=account.user_id) is None:
            raise CozeErrors.RESOURCE_NOT_FOUND(what="bot_id", id=req.bot_id)
        workflows = self.workflows
        doc, definition, version = workflows.published(account, req.workflow_id, req.workflow_version)
        try:
            params = check_parameters(definition, params)
        except ParameterError as exc:
            raise bad_request(f"Request parameter error: {exc}") from None
        if run_mode == ASYNC and not workflows.premium:
            raise CozeErrors.PREMIUM_REQUIRED()
        execute_id = self.ids.next()
        debug_url = (
            f"{req.base_url}/_emulator/work_flow?execute_id={execute_id}"
            f"&space_id={doc['workspace_id']}&workflow_id={doc['id']}"
        )
        now = workflows.now()
        run_doc = {
            "id": execute_id,
            "workflow_id": doc["id"],
            "version": version,
            "mode": definition.mode,
            "run_mode": run_mode,
            "status": "Running",
            "engine": RunState(outputs={definition.start.id: params}).to_json(),
            "output": "",
            "error_code": 0,
            "error_message": "",
            "interrupt_data": None,
            "interrupt_title": "",
            "bot_id": req.bot_id or "",
            "app_id": req.app_id or "",
            "user_id": req.user_id or "",
            "connector_id": req.connector_id or "1024",
            "logid": req.logid,
            "debug_url": debug_url,
            "create_time": now,
            "history": list(history or []),
        }
        workflows.save_run(account, run_doc, new=True)
        return run_doc

    def prepare_resume(
        self, account: Account, workflow_id: str, event_id: str, interrupt_type: int
    ) -> Dict[str, Any]:
        """The interrupted run `event_id` belongs to, marked running again (4314 unknown, 4315 finished).
        Checked and marked under the run's lock: of two resumes at once, one runs it, the other is told
        no interrupt is waiting."""
        self.workflows.get(account, workflow_id)
        with self.store.transaction():
            return self._mark_resumed(account, workflow_id, event_id, interrupt_type)

    def _mark_resumed(
        self, account: Account, workflow_id: str, event_id: str, interrupt_type: int
    ) -> Dict[str, Any]:
        workflows = self.workflows
        run_doc = workflows.run_of(account, event_id.split("/")[0], lock=True)
        if run_doc is None or run_doc["workflow_id"] != workflow_id:
            raise CozeErrors.EXECUTION_NOT_FOUND(f"execute record of event {event_id} not found")
        if run_doc["status"] in ("Success", "Fail"):
            raise CozeErrors.EXECUTION_FINISHED()
        pending = run_doc["engine"]["pending"]
        if run_doc["status"] != "Interrupted" or not pending or pending["event_id"] != event_id:
            raise CozeErrors.EXECUTION_NOT_FOUND(f"no interrupt event {event_id} is waiting")
        if int(interrupt_type) != int(pending["type"]):
            raise bad_request(f"interrupt_type must be {pending['type']} for event {event_id}")
        run_doc.update(status="Running", interrupt_data=None)
        workflows.save_run(account, run_doc)
        return run_doc

    # -- executing -----------------------------------------------------------------------------------

    async def execute(
        self, account: Account, run_doc: Dict[str, Any], answer: Optional[str], emit: Emit
    ) -> Outcome:
        """Run (or resume) a recorded run to its next stop and record the outcome."""
        workflows = self.workflows
        st = RunState.from_json(run_doc["engine"])

        async def save() -> None:
            run_doc["engine"] = st.to_json()  # the state as of now; the write in the thread pool
            await asyncio.to_thread(workflows.save_run, account, run_doc)

        try:
            _, definition, _ = await asyncio.to_thread(
                workflows.published, account, run_doc["workflow_id"], run_doc["version"]
            )
            services = EngineServices(
                self.config,
                self.ids,
                self.scripts,
                self.workflows,
                self.knowledge,
                self.plugins,
                account,
                self.variables,
                run_doc,
                self.app_conversations,
                self.databases,
            )
            ctx = RunContext(
                services,
                run_doc["workflow_id"],
                run_doc["id"],
                definition,
                st,
                emit,
                save,
                run_doc["history"],
            )
            outcome: Outcome = await run(ctx, answer)
        except asyncio.CancelledError:
            raise
        except EmulatorError as exc:
            outcome = Failed(exc.code, exc.msg)
        except Exception:
            log.exception("workflow run %s crashed", run_doc["id"])
            outcome = Failed(CozeErrors.INTERNAL_ERROR.code, CozeErrors.INTERNAL_ERROR.msg)
        if isinstance(outcome, Done):
            run_doc.update(status="Success", output=history_output(st.result, st.messages))
        elif isinstance(outcome, Interrupted):
            run_doc.update(
                status="Interrupted",
                interrupt_data=outcome.interrupt_data,
                interrupt_title=outcome.node_title,
            )
        else:
            run_doc.update(status="Fail", error_code=outcome.code, error_message=outcome.msg)
        await save()
        return outcome

    def stream(
        self, account: Account, run_doc: Dict[str, Any], answer: Optional[str]
    ) -> AsyncIterator[bytes]:
        """Run in a task and frame its events (`id:`, `event:`, `data:`); ids start at 0."""
        queue: asyncio.Queue[Optional[Tuple[str, Dict[str, Any]]]] = asyncio.Queue()

        async def job() -> None:
            try:
                outcome = await self.execute(account, run_doc, answer, lambda n, d: queue.put_nowait((n, d)))
                queue.put_nowait(terminal_event(outcome, run_doc["debug_url"]))
            finally:
                queue.put_nowait(None)

        self.launch(job())
        return self._frames(queue)

    async def _frames(
        self, queue: asyncio.Queue[Optional[Tuple[str, Dict[str, Any]]]]
    ) -> AsyncIterator[bytes]:
        n = 0
        while True:
            try:
                item = await asyncio.wait_for(queue.get(), self.ping_interval)
            except asyncio.TimeoutError:
                item = ("PING", {})
            if item is None:
                return
            yield frame(n, *item)
            n += 1


def frame(n: int, event: str, data: Dict[str, Any]) -> bytes:
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"id: {n}\nevent: {event}\ndata: {payload}\n\n".encode()


def terminal_event(outcome: Outcome, debug_url: str) -> Tuple[str, Dict[str, Any]]:
    """The event that ends a stream: Done, Interrupt or Error."""
    if isinstance(outcome, Done):
        return "Done", {"debug_url": debug_url}
    if isinstance(outcome, Interrupted):
        return "Interrupt", {"interrupt_data": outcome.interrupt_data, "node_title": outcome.node_title}
    return "Error", {"error_code": outcome.code, "error_message": outcome.msg}


def run_response(run_doc: Dict[str, Any], outcome: Optional[Outcome]) -> Dict[str, Any]:
    """The top-level fields of `/v1/workflow/run` and `/v1/workflows/resume` (besides code/msg)."""
    usage = dict(run_doc["engine"]["usage"])
    body: Dict[str, Any] = {"execute_id": run_doc["id"], "debug_url": run_doc["debug_url"]}
    if outcome is None:  # async: only the id and the debug URL
        return body
    body["usage"] = usage
    if isinstance(outcome, Done):
        body["data"] = run_doc["engine"]["result"]
    elif isinstance(outcome, Interrupted):
        body["data"] = ""
        body["interrupt_data"] = outcome.interrupt_data
    return body
