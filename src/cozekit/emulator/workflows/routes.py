"""Workflows: run (sync, async, streamed), resume, run history, node output, chatflows, the catalogue
and collaboration. Thin: parsing here, rules in `backend.py` and `engine/`."""

import asyncio
from typing import Any, Dict, List, Optional, Union

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict
from typing_extensions import Annotated

from ..chat.routes import EnterMessage, enter_dict
from ..collaboration_routes import collaborator_routes
from ..core.base import Account
from ..core.errors import envelope_body
from ..core.sse import EVENT_STREAM, drain
from ..render import logid_of
from ..routing import IdStr, blank, current_account, ok, state_of
from .engine.chatflow import ChatflowRequest
from .engine.context import Failed, Outcome
from .engine.service import ASYNC, STREAM, SYNC, RunRequest, run_response

router = APIRouter(tags=["workflows"])
SSE_HEADERS = {"content-type": EVENT_STREAM, "cache-control": "no-cache"}


class RunBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    workflow_id: IdStr
    parameters: Optional[Any] = None
    """An object, or the same object as JSON text (doc page workflow_run: its table says text, its
    examples send an object)."""
    bot_id: Optional[IdStr] = None
    app_id: Optional[IdStr] = None
    ext: Optional[Dict[str, str]] = None
    is_async: Optional[bool] = False
    workflow_version: Optional[str] = None
    connector_id: Optional[IdStr] = None


class ResumeBody(BaseModel):
    workflow_id: IdStr
    event_id: str
    resume_data: str
    interrupt_type: int


class ChatflowBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    workflow_id: IdStr
    additional_messages: Optional[List[EnterMessage]] = None
    parameters: Optional[Any] = None
    app_id: Optional[IdStr] = None
    bot_id: Optional[IdStr] = None
    conversation_id: Optional[IdStr] = None
    ext: Optional[Dict[str, str]] = None
    workflow_version: Optional[str] = None
    connector_id: Optional[IdStr] = None


def _run_fields(request: Request, body: Union[RunBody, ChatflowBody]) -> Dict[str, Any]:
    """What a workflow run and a chatflow take alike from their request."""
    return {
        "workflow_id": body.workflow_id,
        "parameters": body.parameters,
        "bot_id": blank(body.bot_id),
        "app_id": blank(body.app_id),
        "workflow_version": blank(body.workflow_version),
        "connector_id": blank(body.connector_id),
        "base_url": str(request.base_url).rstrip("/"),
        "logid": logid_of(request),
        "user_id": blank((body.ext or {}).get("user_id")),
    }


def _request(request: Request, body: RunBody) -> RunRequest:
    return RunRequest(**_run_fields(request, body))


async def _finish(
    request: Request, account: Account, run_doc: Dict[str, Any], answer: Optional[str]
) -> Response:
    """Run to the next stop inside the request (the run survives a client that goes away)."""
    runner = state_of(request).workflow_runner
    task = runner.launch(runner.execute(account, run_doc, answer, lambda n, d: None))
    outcome: Outcome = await asyncio.shield(task)
    body = run_response(run_doc, outcome)
    if isinstance(outcome, Failed):
        body = envelope_body(outcome.code, outcome.msg, logid_of(request), **body)
        return JSONResponse(body)
    return ok(request, **body)


def _in_background(
    request: Request, account: Account, run_doc: Dict[str, Any], answer: Optional[str]
) -> Response:
    runner = state_of(request).workflow_runner
    runner.launch(runner.execute(account, run_doc, answer, lambda n, d: None))
    return ok(request, **run_response(run_doc, None))


@router.post("/v1/workflow/run", summary="Run a published workflow (sync, or async with is_async)")
async def run_workflow(
    request: Request, body: RunBody, account: Account = Depends(current_account)
) -> Response:
    mode = ASYNC if body.is_async else SYNC
    run_doc = await run_in_threadpool(
        state_of(request).workflow_runner.create, account, _request(request, body), mode
    )
    if mode == ASYNC:
        return _in_background(request, account, run_doc, None)
    return await _finish(request, account, run_doc, None)


@router.post("/v1/workflow/stream_run", summary="Run a published workflow, streaming its events")
async def stream_workflow(
    request: Request, body: RunBody, account: Account = Depends(current_account)
) -> Response:
    runner = state_of(request).workflow_runner
    run_doc = await run_in_threadpool(runner.create, account, _request(request, body), STREAM)
    return StreamingResponse(runner.stream(account, run_doc, None), headers=SSE_HEADERS)


@router.post("/v1/workflow/stream_resume", summary="Answer an interrupt, streaming the rest of the run")
async def stream_resume(
    request: Request, body: ResumeBody, account: Account = Depends(current_account)
) -> Response:
    runner = state_of(request).workflow_runner
    run_doc = await run_in_threadpool(
        runner.prepare_resume, account, body.workflow_id, body.event_id, body.interrupt_type
    )
    return StreamingResponse(runner.stream(account, run_doc, body.resume_data), headers=SSE_HEADERS)


@router.post("/v1/workflows/resume", summary="Answer an interrupt (not streamed; async if the run was)")
async def resume(request: Request, body: ResumeBody, account: Account = Depends(current_account)) -> Response:
    runner = state_of(request).workflow_runner
    run_doc = await run_in_threadpool(
        runner.prepare_resume, account, body.workflow_id, body.event_id, body.interrupt_type
    )
    if run_doc["run_mode"] == ASYNC:
        return _in_background(request, account, run_doc, body.resume_data)
    return await _finish(request, account, run_doc, body.resume_data)


@router.get("/v1/workflows/{workflow_id}/run_histories/{execute_id}", summary="A run's history record")
def run_history(
    request: Request, workflow_id: IdStr, execute_id: IdStr, account: Account = Depends(current_account)
) -> Response:
    return ok(request, state_of(request).workflows.history(account, workflow_id, execute_id))


@router.get(
    "/v1/workflows/{workflow_id}/run_histories/{execute_id}/execute_nodes/{node_execute_uuid}",
    summary="One node's output in a run",
)
def node_output(
    request: Request,
    workflow_id: IdStr,
    execute_id: IdStr,
    node_execute_uuid: IdStr,
    account: Account = Depends(current_account),
) -> Response:
    workflows = state_of(request).workflows
    return ok(request, workflows.node_output(account, workflow_id, execute_id, node_execute_uuid))


@router.post("/v1/workflows/chat", summary="Run a chatflow in a conversation (chat events)")
async def chatflow(
    request: Request, body: ChatflowBody, account: Account = Depends(current_account)
) -> Response:
    req = ChatflowRequest(
        **_run_fields(request, body),
        additional_messages=[enter_dict(m) for m in body.additional_messages or []],
        conversation_id=blank(body.conversation_id),
    )
    queue = await state_of(request).chatflows.start(account, req)
    return StreamingResponse(drain(queue), headers=SSE_HEADERS)


@router.get("/v1/workflows", summary="Workflows of a workspace")
def list_workflows(
    request: Request,
    workspace_id: Annotated[IdStr, Query()],
    page_num: int = Query(1),
    page_size: int = Query(10),
    workflow_mode: Optional[str] = Query(None),
    app_id: Optional[str] = Query(None),
    publish_status: Optional[str] = Query(None),
    account: Account = Depends(current_account),
) -> Response:
    workflows = state_of(request).workflows
    data = workflows.list(
        account, workspace_id, page_num, page_size, blank(workflow_mode), blank(app_id), blank(publish_status)
    )
    return ok(request, data)


@router.get("/v1/workflows/{workflow_id}", summary="A workflow's basic information (and its inputs/outputs)")
def workflow_info(
    request: Request,
    workflow_id: IdStr,
    include_input_output: Optional[bool] = Query(False),
    account: Account = Depends(current_account),
) -> Response:
    return ok(request, state_of(request).workflows.info(account, workflow_id, bool(include_input_output)))


@router.get("/v1/workflows/{workflow_id}/versions", summary="Published versions, newest first")
def workflow_versions(
    request: Request,
    workflow_id: IdStr,
    page_size: int = Query(10),
    page_token: Optional[str] = Query(None),
    publish_status: Optional[str] = Query(None),
    include_input_output: Optional[bool] = Query(False),
    account: Account = Depends(current_account),
) -> Response:
    data = state_of(request).workflows.versions(
        account, workflow_id, page_size, blank(page_token), blank(publish_status), bool(include_input_output)
    )
    return ok(request, data)


collaborator_routes(router, "/v1/workflows/{workflow_id}", "workflow_id", lambda state: state.workflows)
