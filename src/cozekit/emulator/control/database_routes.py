"""Control plane for databases: the tables workflow database nodes use (defined here, not in the OpenAPI)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Union

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from ..core.base import Account
from ..core.errors import bad_request
from ..databases.backend import RW_MODES
from ..routing import IdStr, ok, state_of
from ..seed import TOKEN

router = APIRouter(prefix="/_emulator/databases", tags=["control plane"])


class FieldIn(BaseModel):
    name: str
    type: str = "string"
    required: bool = False
    description: str = ""
    id: Optional[IdStr] = None


class DatabaseIn(BaseModel):
    name: str
    fields: List[FieldIn]
    database_id: Optional[IdStr] = None
    workspace_id: Optional[IdStr] = None
    token: Optional[str] = None
    rw_mode: Union[str, int] = "unlimited"
    """Coze's table mode: `limited` (1, single-user), `read_only` (2) or `unlimited` (3, shared)."""


def _account(request: Request, token: Optional[str]) -> Account:
    account = state_of(request).accounts.authenticate(token or TOKEN)
    if account is None:
        raise bad_request("unknown token")
    return account


def _view(doc: Dict[str, Any]) -> Dict[str, Any]:
    mode = {v: k for k, v in RW_MODES.items()}[int(doc.get("rw_mode") or RW_MODES["unlimited"])]
    view = {k: doc[k] for k in ("id", "name", "workspace_id", "fields")}
    return {**view, "database_id": doc["id"], "rw_mode": mode}


@router.post("", summary="Define (or redefine, keeping its rows) a database table for workflow nodes")
def create_database(request: Request, body: DatabaseIn) -> Response:
    state = state_of(request)
    account = _account(request, body.token)
    workspace_id = body.workspace_id or state.accounts.workspace_ids(account)[0]
    fields = [f.model_dump(exclude_none=True) for f in body.fields]
    doc = state.databases.create(account, workspace_id, body.name, fields, body.database_id, body.rw_mode)
    return ok(request, _view(doc))


@router.get("/{database_id}/rows", summary="Every row of a database table, oldest first")
def database_rows(request: Request, database_id: IdStr, token: Optional[str] = None) -> Response:
    rows = state_of(request).databases.rows(_account(request, token), database_id)
    return ok(request, {"rows": rows})


@router.delete("/{database_id}", summary="Delete a database table and its rows")
def delete_database(request: Request, database_id: IdStr, token: Optional[str] = None) -> Response:
    state_of(request).databases.delete(_account(request, token), database_id)
    return ok(request, {})
