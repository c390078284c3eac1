"""Collaborators of bots, apps and workflows (`coze.bots.collaborators`, `coze.apps.collaborators`,
`coze.workflows.collaborators`) and the collaboration-mode switch the three share.

Coze adds one collaborator per call, and only a member of the resource's workspace.
"""

from __future__ import annotations

from typing import Union

from typing_extensions import Unpack

from .._parsing import model
from .._paths import path, require
from .._request import CallOptions, RequestOptions, delete, post
from .._resource import AsyncAPIResource, SyncAPIResource
from ..types.collaborator import CollaborationMode, CreateCollaboratorResp, DeleteCollaboratorResp

__all__ = [
    "AppCollaborators",
    "AsyncAppCollaborators",
    "AsyncBotCollaborators",
    "AsyncWorkflowCollaborators",
    "BotCollaborators",
    "WorkflowCollaborators",
    "add_collaborator",
    "remove_collaborator",
    "switch_mode",
]

_MODES = {mode.value for mode in CollaborationMode}


def _base(kind: str, owner_key: str, owner_id: str) -> str:
    return path(f"/v1/{kind}/{{{owner_key}}}", **{owner_key: owner_id})


def add_collaborator(
    kind: str, owner_key: str, owner_id: str, user_id: str, options: CallOptions
) -> RequestOptions:
    """`POST /v1/<kind>/<id>/collaborators` with the one user."""
    url = _base(kind, owner_key, owner_id) + "/collaborators"
    require(user_id=user_id)
    return post(url, {"collaborators": [{"user_id": user_id}]}).with_call_options(options)


def remove_collaborator(
    kind: str, owner_key: str, owner_id: str, user_id: str, options: CallOptions
) -> RequestOptions:
    url = _base(kind, owner_key, owner_id) + path("/collaborators/{user_id}", user_id=user_id)
    return delete(url).with_call_options(options)


def switch_mode(
    kind: str, owner_key: str, owner_id: str, mode: Union[CollaborationMode, str], options: CallOptions
) -> RequestOptions:
    """`POST /v1/<kind>/<id>/collaboration_mode`: `single` or `collaboration`."""
    url = _base(kind, owner_key, owner_id) + "/collaboration_mode"
    value = mode.value if isinstance(mode, CollaborationMode) else mode
    if value not in _MODES:
        raise ValueError(f"collaboration_mode must be 'single' or 'collaboration', got {value!r}")
    return post(url, {"collaboration_mode": value}).with_call_options(options)


class BotCollaborators(SyncAPIResource):
    def create(self, *, bot_id: str, user_id: str, **options: Unpack[CallOptions]) -> CreateCollaboratorResp:
        """Add a workspace member as a collaborator (the bot must be in collaboration mode)."""
        opts = add_collaborator("bots", "bot_id", bot_id, user_id, options)
        return self._client.request(opts, model(CreateCollaboratorResp))

    def delete(self, *, bot_id: str, user_id: str, **options: Unpack[CallOptions]) -> DeleteCollaboratorResp:
        opts = remove_collaborator("bots", "bot_id", bot_id, user_id, options)
        return self._client.request(opts, model(DeleteCollaboratorResp))


class AsyncBotCollaborators(AsyncAPIResource):
    async def create(
        self, *, bot_id: str, user_id: str, **options: Unpack[CallOptions]
    ) -> CreateCollaboratorResp:
        opts = add_collaborator("bots", "bot_id", bot_id, user_id, options)
        return await self._client.request(opts, model(CreateCollaboratorResp))

    async def delete(
        self, *, bot_id: str, user_id: str, **options: Unpack[CallOptions]
    ) -> DeleteCollaboratorResp:
        opts = remove_collaborator("bots", "bot_id", bot_id, user_id, options)
        return await self._client.request(opts, model(DeleteCollaboratorResp))


class AppCollaborators(SyncAPIResource):
    def create(self, *, app_id: str, user_id: str, **options: Unpack[CallOptions]) -> CreateCollaboratorResp:
        """Add a workspace member as a collaborator of a low-code app."""
        opts = add_collaborator("apps", "app_id", app_id, user_id, options)
        return self._client.request(opts, model(CreateCollaboratorResp))

    def delete(self, *, app_id: str, user_id: str, **options: Unpack[CallOptions]) -> DeleteCollaboratorResp:
        opts = remove_collaborator("apps", "app_id", app_id, user_id, options)
        return self._client.request(opts, model(DeleteCollaboratorResp))


class AsyncAppCollaborators(AsyncAPIResource):
    async def create(
        self, *, app_id: str, user_id: str, **options: Unpack[CallOptions]
    ) -> CreateCollaboratorResp:
        opts = add_collaborator("apps", "app_id", app_id, user_id, options)
        return await self._client.request(opts, model(CreateCollaboratorResp))

    async def delete(
        self, *, app_id: str, user_id: str, **options: Unpack[CallOptions]
    ) -> DeleteCollaboratorResp:
        opts = remove_collaborator("apps", "app_id", app_id, user_id, options)
        return await self._client.request(opts, model(DeleteCollaboratorResp))


class WorkflowCollaborators(SyncAPIResource):
    def create(
        self, *, workflow_id: str, user_id: str, **options: Unpack[CallOptions]
    ) -> CreateCollaboratorResp:
        """Add a workspace member as a collaborator (the workflow must be in collaboration mode)."""
        opts = add_collaborator("workflows", "workflow_id", workflow_id, user_id, options)
        return self._client.request(opts, model(CreateCollaboratorResp))

    def delete(
        self, *, workflow_id: str, user_id: str, **options: Unpack[CallOptions]
    ) -> DeleteCollaboratorResp:
        opts = remove_collaborator("workflows", "workflow_id", workflow_id, user_id, options)
        return self._client.request(opts, model(DeleteCollaboratorResp))


class AsyncWorkflowCollaborators(AsyncAPIResource):
    async def create(
        self, *, workflow_id: str, user_id: str, **options: Unpack[CallOptions]
    ) -> CreateCollaboratorResp:
        opts = add_collaborator("workflows", "workflow_id", workflow_id, user_id, options)
        return await self._client.request(opts, model(CreateCollaboratorResp))

    async def delete(
        self, *, workflow_id: str, user_id: str, **options: Unpack[CallOptions]
    ) -> DeleteCollaboratorResp:
        opts = remove_collaborator("workflows", "workflow_id", workflow_id, user_id, options)
        return await self._client.request(opts, model(DeleteCollaboratorResp))
