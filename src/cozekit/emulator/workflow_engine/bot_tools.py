"""Bots calling workflows in chat: a bot's `workflow_id_list` makes its workflows tools.

Deterministic rule (like local tools): when this turn's query mentions a workflow's name, the chat runs
that workflow with `{"input": <query>}` before the model turn, shows a `function_call` and a
`tool_response` message, and the model answers from the output (`Tool results: <name> returned ...`).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Dict, List

from ..backends.base import Account
from ..errors import EmulatorError
from ..llm import ModelRequest, ToolCall
from .runner import Done, Failed
from .service import SYNC, RunRequest

if TYPE_CHECKING:
    from ..state import EmulatorState


def workflow_ids(bot: Dict[str, Any]) -> List[str]:
    config = bot.get("published") or bot.get("draft") or {}
    ids = (config.get("workflow_id_list") or {}).get("ids") or []
    return [str(item.get("id") if isinstance(item, dict) else item) for item in ids]


async def call_bot_workflows(
    state: EmulatorState, account: Account, chat: Dict[str, Any], request: ModelRequest
) -> List[Dict[str, Any]]:
    """Run the workflows this turn calls; add their calls and outputs to `request`; return the
    `function_call` / `tool_response` messages to stream."""
    if request.tool_outputs:
        return []
    bot = state.store.get("bot", chat["bot_id"], owner=account.user_id) or {}
    messages: List[Dict[str, Any]] = []
    for workflow_id in workflow_ids(bot):
        doc = state.store.get("workflow", workflow_id, owner=account.user_id)
        if doc is None or doc["name"].lower() not in request.query.lower():
            continue
        arguments = {"input": request.query}
        output = await _run(state, account, workflow_id, arguments)
        call = ToolCall(id=f"call_{state.ids.next()}", name=doc["name"], arguments=json.dumps(arguments))
        request.tool_calls.append(call)
        request.tool_outputs[call.id] = output
        content = {"name": doc["name"], "arguments": arguments, "plugin_id": workflow_id, "thought": ""}
        messages.append(state.chats.add_reply(account, chat, "function_call", json.dumps(content)))
        messages.append(state.chats.add_reply(account, chat, "tool_response", output))
    return messages


async def _run(state: EmulatorState, account: Account, workflow_id: str, arguments: Dict[str, Any]) -> str:
    """The workflow's output text, or a description of why it did not finish."""
    runner = state.workflow_runner
    try:
        run_doc = runner.create(account, RunRequest(workflow_id, arguments), SYNC)
    except EmulatorError as exc:
        return f"error {exc.code}: {exc.msg}"
    outcome = await runner.execute(account, run_doc, None, lambda n, d: None)
    if isinstance(outcome, Done):
        return outcome.output
    if isinstance(outcome, Failed):
        return f"error {outcome.code}: {outcome.msg}"
    return "the workflow is waiting for an answer (question nodes are not supported in bot chats)"
