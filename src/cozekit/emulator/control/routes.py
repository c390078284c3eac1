"""The control plane under `/_emulator/`: reset, seed, accounts and bots, scripted replies, faults,
settings, and a look inside chats. No auth: it is a local test tool."""

import os
from typing import Any, Dict, List, Optional

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, ConfigDict

from ..core.base import Account
from ..core.errors import CozeErrors, bad_request
from ..core.injections import Fault, ScriptedReply
from ..core.llm import split
from ..core.offload import OFFLOAD
from ..routing import IdStr, ok, per_worker, state_of
from ..seed import TOKEN

router = APIRouter(prefix="/_emulator", tags=["control plane"])


class AccountIn(BaseModel):
    name: str = "tester"


class ToolIn(BaseModel):
    name: str
    description: str = ""
    parameters: Dict[str, Any] = {"type": "object"}


class BotIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    token: Optional[str] = None
    workspace_id: Optional[IdStr] = None
    name: str = "Test Bot"
    prompt: str = ""
    published: bool = True
    local_tools: List[ToolIn] = []
    follow_ups: bool = False


class ToolsIn(BaseModel):
    tools: List[ToolIn]


class ToolCallIn(BaseModel):
    name: str
    arguments: Any = None
    id: Optional[str] = None


class ErrorIn(BaseModel):
    code: int = CozeErrors.INTERNAL_ERROR.code
    msg: str = "model error"


class ReplyIn(BaseModel):
    text: Optional[str] = None
    chunks: Optional[List[str]] = None
    chunk_size: Optional[int] = None
    tool_calls: List[ToolCallIn] = []
    error: Optional[ErrorIn] = None
    follow_ups: Optional[List[str]] = None
    reasoning: Optional[str] = None


class RepliesIn(BaseModel):
    replies: List[ReplyIn]


class ConfigIn(BaseModel):
    chunk_size: Optional[int] = None
    chunk_delay_ms: Optional[int] = None
    max_body_bytes: Optional[int] = None
    max_workflow_body_bytes: Optional[int] = None
    max_upload_bytes: Optional[int] = None
    follow_ups: Optional[bool] = None
    callback_retries: Optional[int] = None
    callback_backoff: Optional[float] = None
    callback_timeout: Optional[float] = None
    strict_requests: Optional[bool] = None


def _info(request: Request) -> Dict[str, Any]:
    state = state_of(request)
    return {
        **state.info,
        "base_url": str(request.base_url).rstrip("/"),
        "config": state.config.public(),
        "worker_pid": os.getpid(),  # which worker process answered (`--workers`)
    }


def _owner(request: Request, bot_id: str) -> Account:
    state = state_of(request)
    bot = state.store.get("bot", bot_id)
    account = state.accounts.account(str(bot["owner_user_id"])) if bot else None
    if account is None:
        raise CozeErrors.RESOURCE_NOT_FOUND(what="bot_id", id=bot_id, http_status=404)
    return account


@router.get("/info", summary="Seeded ids, the dev token and the settings")
def info(request: Request) -> Response:
    return ok(request, _info(request))


@router.post(
    "/reset",
    summary="Wipe all data, scripts, faults and settings; re-seed",
    dependencies=[Depends(per_worker)],
)
async def reset(request: Request) -> Response:
    state = state_of(request)
    state.stop_work()  # on the event loop: it cancels the running chat and workflow tasks
    await OFFLOAD.run(state.reset_data)
    return ok(request, _info(request))


@router.post("/seed", summary="Re-create the seeded account, workspace, token and demo bot if missing")
def reseed(request: Request) -> Response:
    state_of(request).seed()
    return ok(request, _info(request))


@router.post("/accounts", summary="Create another account (user, workspace, token)")
def create_account(request: Request, body: AccountIn) -> Response:
    return ok(request, state_of(request).accounts.create(name=body.name))


@router.post("/bots", summary="Create (and publish) a bot for an account in one call")
def create_bot(request: Request, body: BotIn) -> Response:
    state = state_of(request)
    account = state.accounts.authenticate(body.token or TOKEN)
    if account is None:
        raise bad_request("unknown token")
    workspace_id = body.workspace_id or state.accounts.workspace_ids(account)[0]
    fields: Dict[str, Any] = {"name": body.name, "prompt_info": {"prompt": body.prompt}}
    if body.follow_ups:
        fields["suggest_reply_info"] = {"reply_mode": "enable"}
    tools = [t.model_dump() for t in body.local_tools]
    bot_id = state.bots.create(account, workspace_id, fields, local_tools=tools)
    if body.published:
        state.bots.publish(account, bot_id, ["1024"])
    return ok(request, {"bot_id": bot_id, "workspace_id": workspace_id})


@router.put("/bots/{bot_id}/local_tools", summary="Declare a bot's local tools (端插件)")
def set_local_tools(request: Request, bot_id: IdStr, body: ToolsIn) -> Response:
    state_of(request).bots.set_local_tools(
        _owner(request, bot_id), bot_id, [t.model_dump() for t in body.tools]
    )
    return ok(request)


@router.post(
    "/bots/{bot_id}/replies",
    summary="Queue scripted replies, one per model turn",
    dependencies=[Depends(per_worker)],
)
def push_replies(request: Request, bot_id: IdStr, body: RepliesIn) -> Response:
    state = state_of(request)
    _owner(request, bot_id)
    replies = []
    for r in body.replies:
        chunks = r.chunks if r.chunks is not None else []
        if r.text is not None:
            chunks = split(r.text, r.chunk_size or state.config.chunk_size)
        replies.append(
            ScriptedReply(
                chunks=chunks,
                tool_calls=[c.model_dump() for c in r.tool_calls],
                error=r.error.model_dump() if r.error else None,
                follow_ups=r.follow_ups,
                reasoning=r.reasoning,
            )
        )
    return ok(request, {"pending": state.scripts.push(bot_id, replies)})


@router.delete(
    "/bots/{bot_id}/replies", summary="Drop a bot's queued replies", dependencies=[Depends(per_worker)]
)
def clear_replies(request: Request, bot_id: IdStr) -> Response:
    state_of(request).scripts.clear(bot_id)
    return ok(request)


@router.post("/faults", summary="Arm a fault", dependencies=[Depends(per_worker)])
def add_fault(request: Request, body: Fault) -> Response:
    """The body is a `Fault` (its `id` is given here)."""
    try:
        fault = state_of(request).faults.add(body)
    except ValueError as exc:
        raise bad_request(str(exc)) from None
    return ok(request, fault.public())


@router.get("/faults", summary="Armed faults", dependencies=[Depends(per_worker)])
def list_faults(request: Request) -> Response:
    return ok(request, [f.public() for f in state_of(request).faults.list()])


@router.delete("/faults", summary="Disarm all faults", dependencies=[Depends(per_worker)])
def clear_faults(request: Request) -> Response:
    state_of(request).faults.clear()
    return ok(request)


@router.get("/config", summary="Current settings")
def get_config(request: Request) -> Response:
    return ok(request, state_of(request).config.public())


@router.patch("/config", summary="Change settings until the next reset", dependencies=[Depends(per_worker)])
def patch_config(request: Request, body: ConfigIn) -> Response:
    state = state_of(request)
    changes = body.model_dump(exclude_none=True)
    if "chunk_delay_ms" in changes:
        changes["chunk_delay"] = changes.pop("chunk_delay_ms") / 1000
    if "follow_ups" not in body.model_fields_set:
        changes.pop("follow_ups", None)
    else:
        changes["follow_ups"] = body.follow_ups
    state.config.update(**changes)
    return ok(request, state.config.public())


@router.get("/chats/{chat_id}", summary="A chat as stored, with what its model turns were given")
def inspect_chat(request: Request, chat_id: IdStr) -> Response:
    chat = state_of(request).store.get("chat", chat_id)
    if chat is None:
        raise CozeErrors.CHAT_NOT_FOUND(chat_id=chat_id, http_status=404)
    return ok(request, chat)


@router.get(
    "/unknown_fields",
    summary="JSON body fields requests carried that their endpoint does not know",
    dependencies=[Depends(per_worker)],
)
def unknown_fields(request: Request) -> Response:
    return ok(request, state_of(request).unknown_fields.entries())
