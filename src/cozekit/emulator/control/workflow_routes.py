"""Control plane for workflows: load definitions, script LLM nodes, async-run settings, debug pages."""

from typing import Any, Dict, List, Optional, Union

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict
from typing_extensions import Annotated

from ..core.errors import CozeErrors, bad_request
from ..core.injections import ScriptedReply
from ..core.llm import split
from ..routing import IdStr, ok, per_worker, state_of
from ..seed import TOKEN
from ..workflows.canvas.adapter import request_document
from ..workflows.engine.definition import DefinitionError, load_text
from ..workflows.engine.service import script_key
from .routes import ReplyIn

router = APIRouter(prefix="/_emulator", tags=["control plane"])


class WorkflowIn(BaseModel):
    model_config = ConfigDict(extra="allow")
    """A bare Coze canvas (`nodes`, `edges`) is a body too."""

    definition: Union[Dict[str, Any], str, None] = None
    """The definition (docs/emulator-workflows.md) as an object, or as JSON/YAML text."""
    canvas: Union[Dict[str, Any], str, None] = None
    """A Coze canvas (object or JSON text), with `name` and an optional `workflow_id`."""
    name: Optional[str] = None
    workflow_id: Optional[IdStr] = None
    mode: Optional[str] = None
    description: Optional[str] = None
    format: str = "json"
    token: Optional[str] = None
    workspace_id: Optional[IdStr] = None
    publish: bool = True
    strict_types: bool = True
    """False: a canvas whose reference types do not match loads (converted at run time, as Coze Studio)."""


class NodeRepliesIn(BaseModel):
    replies: List[ReplyIn]


class WorkflowSettingsIn(BaseModel):
    premium: Optional[bool] = None
    trim_bytes: Optional[int] = None
    ping_interval: Optional[float] = None


@router.post("/workflows", summary="Load (create or update) and publish a workflow from a definition")
def load_workflow(request: Request, body: WorkflowIn) -> Response:
    state = state_of(request)
    account = state.accounts.authenticate(body.token or TOKEN)
    if account is None:
        raise bad_request("unknown token")
    raw = body.definition
    if raw is None:
        raw = request_document(body.model_dump(exclude_none=True))
    if isinstance(raw, str):
        try:
            raw = load_text(raw, "definition.yaml" if body.format == "yaml" else "definition.json")
        except DefinitionError as exc:
            raise bad_request(f"invalid workflow definition: {exc}") from None
    workspace_id = body.workspace_id or state.accounts.workspace_ids(account)[0]
    summary = state.workflows.load(account, workspace_id, {**raw, "published": body.publish})
    return ok(request, {**summary, "workspace_id": workspace_id})


@router.post(
    "/workflows/{workflow_id}/nodes/{node_id}/replies",
    summary="Queue replies for one LLM node",
    dependencies=[Depends(per_worker)],
)
def script_node(request: Request, workflow_id: IdStr, node_id: str, body: NodeRepliesIn) -> Response:
    state = state_of(request)
    if state.store.get("workflow", workflow_id) is None:
        raise CozeErrors.RESOURCE_NOT_FOUND(what="workflow_id", id=workflow_id, http_status=404)
    replies = []
    for r in body.replies:
        chunks = r.chunks if r.chunks is not None else []
        if r.text is not None:
            chunks = split(r.text, r.chunk_size or state.config.chunk_size)
        error = r.error.model_dump() if r.error else None
        calls = [c.model_dump(exclude_none=True) for c in r.tool_calls]
        replies.append(ScriptedReply(chunks=chunks, tool_calls=calls, error=error, reasoning=r.reasoning))
    return ok(request, {"pending": state.scripts.push(script_key(workflow_id, node_id), replies)})


@router.patch(
    "/workflows/settings",
    summary="Async runs allowed (premium), history trim size, PING interval",
    dependencies=[Depends(per_worker)],
)
def workflow_settings(request: Request, body: WorkflowSettingsIn) -> Response:
    state = state_of(request)
    if body.premium is not None:
        state.workflows.premium = body.premium
    if body.trim_bytes is not None:
        state.workflows.trim_bytes = body.trim_bytes
    if body.ping_interval is not None:
        state.workflow_runner.ping_interval = body.ping_interval
    return ok(request, _settings(request))


def _settings(request: Request) -> Dict[str, Any]:
    state = state_of(request)
    return {
        "premium": state.workflows.premium,
        "trim_bytes": state.workflows.trim_bytes,
        "ping_interval": state.workflow_runner.ping_interval,
    }


@router.get("/work_flow", summary="The debug page of a run (`debug_url`): the stored run as JSON")
def debug_page(request: Request, execute_id: Annotated[IdStr, Query()]) -> Response:
    run = state_of(request).store.get("workflow_run", execute_id)
    if run is None:
        raise CozeErrors.EXECUTION_NOT_FOUND(execute_id=execute_id, http_status=404)
    return ok(request, run)
