"""Bots calling workflows in chat: a bot's `workflow_id_list` makes its workflows tools.

Deterministic rule (like local tools): when this turn's query mentions a workflow's name, the chat runs
that workflow with `{"input": <query>}` before the model turn, shows a `function_call` and a
`tool_response` message, and the model answers from the output (`Tool results: <name> returned ...`).

A workflow that stops on a question or input node ends the chat in `requires_action` with a
`reply_message` tool call (its arguments: the node's interrupt data), after an `answer` with the
question. The user's next message in the conversation resumes the workflow with that message as the
answer; so does `submit_tool_outputs` for the `reply_message` call.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any, Dict, List, Optional, Tuple

from ...chat.backend import ChatsBackend
from ...conversations.backend import ConversationsBackend
from ...core.base import Account
from ...core.errors import EmulatorError
from ...core.ids import IdGenerator
from ...core.llm import ModelRequest, ToolCall
from ...core.offload import OFFLOAD
from ...core.store import Store
from .context import Done, Interrupted
from .service import SYNC, RunRequest, WorkflowRunner

BINDING = "bot_workflow_interrupt"
"""Key on the conversation document: the workflow question the bot's next turn answers."""


def workflow_ids(bot: Dict[str, Any]) -> List[str]:
    config = bot.get("published") or bot.get("draft") or {}
    ids = (config.get("workflow_id_list") or {}).get("ids") or []
    return [str(item.get("id") if isinstance(item, dict) else item) for item in ids]


@dataclasses.dataclass
class WorkflowStep:
    """What this turn's workflows did: messages to stream and, when one waits for the user, the
    `reply_message` tool call the chat stops on (status `requires_action`)."""

    messages: List[Dict[str, Any]] = dataclasses.field(default_factory=list)
    interrupt: Optional[ToolCall] = None


@dataclasses.dataclass
class BotWorkflows:
    """What a bot's workflow tools need: bots and workflows (the store), conversations (where a waiting
    question is bound), chat replies and the workflow runner."""

    store: Store
    ids: IdGenerator
    conversations: ConversationsBackend
    chats: ChatsBackend
    runner: WorkflowRunner

    async def call(self, account: Account, chat: Dict[str, Any], request: ModelRequest) -> WorkflowStep:
        """Run (or resume) the workflows this turn calls; add their calls and outputs to `request`."""
        return await call_bot_workflows(self, account, chat, request)


async def call_bot_workflows(
    deps: BotWorkflows, account: Account, chat: Dict[str, Any], request: ModelRequest
) -> WorkflowStep:
    """Run (or resume) the workflows this turn calls; add their calls and outputs to `request`. The
    store work runs in the store's worker threads, the workflows on the event loop."""
    taken = await OFFLOAD.run(_take_binding, deps, account, chat, request)
    if taken is not None:
        step = await _resume(deps, account, request, *taken)
        if step is not None:
            return step
    if request.tool_outputs:
        return WorkflowStep()
    step = WorkflowStep()
    for workflow_id, name in await OFFLOAD.run(_called, deps, account, chat, request):
        started = await OFFLOAD.run(_start_call, deps, account, chat, request, workflow_id, name, step)
        if started is None:
            continue
        call, run_doc = started
        if await _execute(deps, account, chat, request, call, run_doc, None, step, True):
            return step
    return step


def _take_binding(
    deps: BotWorkflows, account: Account, chat: Dict[str, Any], request: ModelRequest
) -> Optional[Tuple[Dict[str, Any], str, Dict[str, Any]]]:
    """The workflow question this turn answers, unbound from the conversation; with the answer and the
    chat (store work: a worker thread)."""
    conv = deps.conversations.get(account, chat["conversation_id"])
    binding = conv.get(BINDING)
    if binding and binding.get("bot_id") == chat["bot_id"]:
        answer = request.tool_outputs.get(binding["call_id"]) if request.tool_outputs else request.query
        if answer is not None:
            conv.pop(BINDING, None)
            deps.conversations.save(account, conv)
            return binding, answer, chat
    return None


def _called(
    deps: BotWorkflows, account: Account, chat: Dict[str, Any], request: ModelRequest
) -> List[Tuple[str, str]]:
    """The bot's workflows this turn's query names: (id, name) in the bot's order (store reads)."""
    bot = deps.store.get("bot", chat["bot_id"], owner=account.user_id) or {}
    called: List[Tuple[str, str]] = []
    for workflow_id in workflow_ids(bot):
        doc = deps.store.get("workflow", workflow_id, owner=account.user_id)
        if doc is not None and doc["name"].lower() in request.query.lower():
            called.append((workflow_id, str(doc["name"])))
    return called


def _start_call(
    deps: BotWorkflows,
    account: Account,
    chat: Dict[str, Any],
    request: ModelRequest,
    workflow_id: str,
    name: str,
    step: WorkflowStep,
) -> Optional[Tuple[ToolCall, Dict[str, Any]]]:
    """Show the call (`function_call`) and record its run; None when the run is refused (its error is
    the call's output). Store work: a worker thread."""
    arguments = {"input": request.query}
    call = ToolCall(id=f"call_{deps.ids.next()}", name=name, arguments=json.dumps(arguments))
    content = {"name": name, "arguments": arguments, "plugin_id": workflow_id, "thought": ""}
    step.messages.append(deps.chats.add_reply(account, chat, "function_call", json.dumps(content)))
    try:
        run_doc = deps.runner.create(account, RunRequest(workflow_id, arguments), SYNC)
    except EmulatorError as exc:
        _answered(deps, account, chat, request, call, f"error {exc.code}: {exc.msg}", step, True)
        return None
    return call, run_doc


async def _resume(
    deps: BotWorkflows,
    account: Account,
    request: ModelRequest,
    binding: Dict[str, Any],
    answer: str,
    chat: Dict[str, Any],
) -> Optional[WorkflowStep]:
    """Continue the workflow a previous turn stopped on with `answer` (None when it is gone)."""
    try:
        run_doc = await OFFLOAD.run(
            deps.runner.prepare_resume, account, binding["workflow_id"], binding["event_id"], binding["type"]
        )
    except EmulatorError:
        return None
    step = WorkflowStep()
    by_message = not request.tool_outputs  # else the client answered with submit_tool_outputs
    call = ToolCall(id=binding["call_id"], name=binding["name"], arguments=binding["arguments"])
    await _execute(deps, account, chat, request, call, run_doc, answer, step, by_message)
    return step


async def _execute(
    deps: BotWorkflows,
    account: Account,
    chat: Dict[str, Any],
    request: ModelRequest,
    call: ToolCall,
    run_doc: Dict[str, Any],
    answer: Optional[str],
    step: WorkflowStep,
    new_call: bool,
) -> bool:
    """Run to the next stop; True when the workflow waits for the user (`step.interrupt` set)."""
    said: List[str] = []

    def on_event(event: str, data: Dict[str, Any]) -> None:
        if event == "Message":
            said.append(str(data.get("content") or ""))

    outcome = await deps.runner.execute(account, run_doc, answer, on_event)
    if isinstance(outcome, Interrupted):
        data = outcome.interrupt_data
        asking = ToolCall(id=f"call_{deps.ids.next()}", name=call.name, arguments=str(data.get("data") or ""))
        await OFFLOAD.run(_bind, deps, account, chat, run_doc, data, asking, said, step)
        step.interrupt = asking
        return True
    output = outcome.output if isinstance(outcome, Done) else f"error {outcome.code}: {outcome.msg}"
    await OFFLOAD.run(_answered, deps, account, chat, request, call, output, step, new_call)
    return False


def _bind(
    deps: BotWorkflows,
    account: Account,
    chat: Dict[str, Any],
    run_doc: Dict[str, Any],
    data: Dict[str, Any],
    asking: ToolCall,
    said: List[str],
    step: WorkflowStep,
) -> None:
    """The workflow waits: show what it said, and bind its question to the conversation (store work)."""
    if said:
        step.messages.append(deps.chats.add_reply(account, chat, "answer", "".join(said)))
    conv = deps.conversations.get(account, chat["conversation_id"])
    conv[BINDING] = {
        "bot_id": chat["bot_id"],
        "workflow_id": run_doc["workflow_id"],
        "event_id": data["event_id"],
        "type": data["type"],
        "call_id": asking.id,
        "name": asking.name,
        "arguments": asking.arguments,
    }
    deps.conversations.save(account, conv)


def _answered(
    deps: BotWorkflows,
    account: Account,
    chat: Dict[str, Any],
    request: ModelRequest,
    call: ToolCall,
    output: str,
    step: WorkflowStep,
    new_call: bool,
) -> None:
    """The workflow's result goes to the model as the call's output (replacing a submitted answer)."""
    if new_call:
        request.tool_calls.append(call)
    request.tool_outputs[call.id] = output
    step.messages.append(deps.chats.add_reply(account, chat, "tool_response", output))
