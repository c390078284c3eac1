"""`coze.entities.copy_tasks`: copy a bot, app or workflow within or across workspaces."""

from __future__ import annotations

from functools import cached_property
from typing import Optional, Union

from typing_extensions import Unpack

from .._parsing import model
from .._paths import path, require
from .._request import CallOptions, RequestOptions, get, post
from .._resource import AsyncAPIResource, SyncAPIResource
from ..types.entity import CopyTask, CreateCopyTaskResp, EntityType
from ._body import to_json

__all__ = ["AsyncEntities", "AsyncEntityCopyTasks", "Entities", "EntityCopyTasks"]

_COPYABLE = ("app", "bot", "workflow")


def _create(
    entity_id: str,
    entity_type: Union[EntityType, str],
    to_workspace_id: Optional[str],
    options: CallOptions,
) -> RequestOptions:
    require(entity_id=entity_id)
    kind = to_json(entity_type)
    if kind not in _COPYABLE:
        raise ValueError(f"entity_type must be one of {', '.join(_COPYABLE)}, got {kind!r}")
    body = {"entity_id": entity_id, "entity_type": kind, "to_workspace_id": to_workspace_id}
    return post("/v1/entities/copy_tasks", body).with_call_options(options)


def _retrieve(task_id: str, options: CallOptions) -> RequestOptions:
    return get(path("/v1/entities/copy_tasks/{task_id}", task_id=task_id)).with_call_options(options)


class EntityCopyTasks(SyncAPIResource):
    def create(
        self,
        *,
        entity_id: str,
        entity_type: Union[EntityType, str],
        to_workspace_id: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> CreateCopyTaskResp:
        """Copy an `app`, `bot` or `workflow` (to `to_workspace_id`, default its own workspace); the copy
        is a draft. Read `copied_entity_id`, or poll `retrieve(task_id=...)` when a `task_id` comes back."""
        opts = _create(entity_id, entity_type, to_workspace_id, options)
        return self._client.request(opts, model(CreateCopyTaskResp))

    def retrieve(self, *, task_id: str, **options: Unpack[CallOptions]) -> CopyTask:
        return self._client.request(_retrieve(task_id, options), model(CopyTask))


class AsyncEntityCopyTasks(AsyncAPIResource):
    async def create(
        self,
        *,
        entity_id: str,
        entity_type: Union[EntityType, str],
        to_workspace_id: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> CreateCopyTaskResp:
        opts = _create(entity_id, entity_type, to_workspace_id, options)
        return await self._client.request(opts, model(CreateCopyTaskResp))

    async def retrieve(self, *, task_id: str, **options: Unpack[CallOptions]) -> CopyTask:
        return await self._client.request(_retrieve(task_id, options), model(CopyTask))


class Entities(SyncAPIResource):
    @cached_property
    def copy_tasks(self) -> EntityCopyTasks:
        return EntityCopyTasks(self._client)


class AsyncEntities(AsyncAPIResource):
    @cached_property
    def copy_tasks(self) -> AsyncEntityCopyTasks:
        return AsyncEntityCopyTasks(self._client)
