"""The collaborator routes bots, workflows and apps share: add, remove, and switch the collaboration mode.

(No `from __future__ import annotations` here: the id parameter's type is built per object kind.)"""

from typing import Any, Callable, List

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from typing_extensions import Annotated

from .core.base import Account
from .routing import IdStr, current_account, ok, state_of
from .state import EmulatorState

__all__ = ["CollaboratorsBody", "ModeBody", "collaborator_routes"]


class Collaborator(BaseModel):
    user_id: IdStr


class CollaboratorsBody(BaseModel):
    collaborators: List[Collaborator]


class ModeBody(BaseModel):
    collaboration_mode: str = "collaboration"


def collaborator_routes(
    router: APIRouter,
    prefix: str,
    id_name: str,
    backend: Callable[[EmulatorState], Any],
    noun: str = "a collaborator",
    *,
    add: bool = True,
    mode: bool = True,
) -> None:
    """The collaborator routes of one kind of object at `prefix` (`/v1/bots/{bot_id}`, whose id is
    `id_name`): add (unless the service reads its own body), remove and, with `mode`, switch the mode.
    `backend` picks the service's backend (`add_collaborators`, `remove_collaborator`,
    `set_collaboration_mode`)."""
    ObjectId = Annotated[IdStr, Path(alias=id_name)]

    if add:

        @router.post(prefix + "/collaborators", summary=f"Add {noun}")
        def add_collaborator(
            request: Request,
            object_id: ObjectId,
            body: CollaboratorsBody,
            account: Account = Depends(current_account),
        ) -> JSONResponse:
            users = [c.user_id for c in body.collaborators]
            backend(state_of(request)).add_collaborators(account, object_id, users)
            return ok(request)

    @router.delete(prefix + "/collaborators/{user_id}", summary=f"Remove {noun}")
    def remove_collaborator(
        request: Request,
        object_id: ObjectId,
        user_id: IdStr,
        account: Account = Depends(current_account),
    ) -> JSONResponse:
        backend(state_of(request)).remove_collaborator(account, object_id, user_id)
        return ok(request)

    if mode:

        @router.post(prefix + "/collaboration_mode", summary="Single-user or collaboration mode")
        def collaboration_mode(
            request: Request,
            object_id: ObjectId,
            body: ModeBody,
            account: Account = Depends(current_account),
        ) -> JSONResponse:
            backend(state_of(request)).set_collaboration_mode(account, object_id, body.collaboration_mode)
            return ok(request)
